"""Store configuration: opening hours, closed days, freezer capacity and staffing standards.

The format is TOML, one table per store (``kori sample`` writes an example as ``store.toml``)::

    [stores.HKI]
    name = "Kori Kallio"
    city = "Helsinki"
    country = "FI"
    freezer_capacity_litres = 2600.0
    closed_on = ["Christmas Day", "Good Friday"]

    [stores.HKI.hours]
    mon = "07:00-22:00"          # ... one line per weekday; "closed" for a closed weekday

    [stores.HKI.special_hours]
    "Christmas Eve" = "07:00-13:00"
    "12-31" = "07:00-18:00"      # a fixed date, MM-DD, for days that are not public holidays

    [stores.HKI.staffing]
    service_time_s = 90.0
    wait_target_s = 120.0
    service_target = 0.8
    min_cashiers = 1
    max_cashiers = 6

    [stores.HKI.ordering]
    service_level = 0.95         # chance of no stock-out before the next delivery
    order_days = ["mon", "wed", "fri"]

    [stores.HKI.ordering.service_levels]
    "christmas ham" = 0.98       # per category, overriding service_level

Days in ``closed_on`` and keys of ``special_hours`` are holiday names as the ``holidays`` package
gives them in English, or fixed dates written ``MM-DD``.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from forecasting.errors import ConfigError, ParameterError
from forecasting.limits import (  # re-exported: planning and the CLI import them from here
    EXAMPLES,
    LIMITS,
    WHOLE,
    check_limit,
    check_staffing,
    limit_problem,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

Hours = tuple[int, int]
"""Opening and closing time in minutes after midnight; closing is exclusive."""


@dataclass(frozen=True)
class StaffingStandard:
    """How a store wants its checkouts staffed.

    Attributes
    ----------
    service_time_s : float
        Mean time to serve one customer at a checkout, in seconds.
    wait_target_s : float
        The wait that at least ``service_target`` of customers should not exceed, in seconds.
    service_target : float
        Share of customers to serve within ``wait_target_s``, in (0, 1).
    min_cashiers, max_cashiers : int
        Bounds on the checkouts open in any opening hour.
    """

    service_time_s: float = 90.0
    wait_target_s: float = 120.0
    service_target: float = 0.8
    min_cashiers: int = 1
    max_cashiers: int = 8


@dataclass(frozen=True)
class OrderingStandard:
    """How a store orders from its suppliers.

    Attributes
    ----------
    service_level : float
        Target chance of no stock-out between placing an order and the next delivery, in (0, 1).
    service_levels : Mapping[str, float]
        Per category, overriding ``service_level``.
    order_days : tuple of str
        Weekdays (``mon`` .. ``sun``) on which orders are placed.
    """

    service_level: float = 0.95
    service_levels: Mapping[str, float] = field(default_factory=dict)
    order_days: tuple[str, ...] = WEEKDAYS

    def level_for(self, category: str) -> float:
        """The service level of ``category``."""
        return float(self.service_levels.get(category, self.service_level))


@dataclass(frozen=True)
class StoreConfig:
    """One store's calendar and planning standards.

    Attributes
    ----------
    store : str
        Store code as used in the data files (``HKI``).
    hours : Mapping[str, Hours | None]
        Regular hours per weekday (``mon`` .. ``sun``); ``None`` when closed.
    special_hours : Mapping[str, Hours]
        Hours on named holidays or fixed ``MM-DD`` dates that differ from the weekday's.
    closed_on : tuple of str
        Holiday names or ``MM-DD`` dates on which the store is closed all day.
    freezer_capacity_litres : float
        Usable volume of the store's freezers; 0 when not known.
    staffing : StaffingStandard
        Checkout service standard.
    ordering : OrderingStandard
        Service levels and order days.
    """

    store: str
    name: str
    city: str
    hours: Mapping[str, Hours | None]
    country: str = "FI"
    subdiv: str | None = None
    special_hours: Mapping[str, Hours] = field(default_factory=dict)
    closed_on: tuple[str, ...] = ()
    freezer_capacity_litres: float = 0.0
    staffing: StaffingStandard = field(default_factory=StaffingStandard)
    ordering: OrderingStandard = field(default_factory=OrderingStandard)

    def opening_hours(self, dates: pd.DatetimeIndex, holiday_names: pd.Series) -> pd.DataFrame:
        """Opening and closing time of each day.

        Parameters
        ----------
        dates : pandas.DatetimeIndex
            Days, normalised to midnight.
        holiday_names : pandas.Series
            Holiday name per day (empty string on ordinary days), indexed like ``dates``
            (see :func:`forecasting.calendar.holiday_names`).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``dates``: ``open_min`` and ``close_min`` (minutes after midnight, 0 and
            0 when closed), ``is_open`` (bool) and ``reason`` (the holiday or date key that
            changed the day's hours, else ``""``).
        """
        open_min, close_min, is_open, reason = [], [], [], []
        for day, holiday in zip(dates, holiday_names.reindex(dates).fillna("")):
            keys = [key for key in (*str(holiday).split("; "), f"{day:%m-%d}") if key]
            closed_key = next((key for key in keys if key in self.closed_on), None)
            special_key = next((key for key in keys if key in self.special_hours), None)
            if closed_key is not None:
                hours, why = None, closed_key
            elif special_key is not None:
                hours, why = self.special_hours[special_key], special_key
            else:
                hours, why = self.hours.get(WEEKDAYS[day.weekday()]), ""
            open_min.append(hours[0] if hours else 0)
            close_min.append(hours[1] if hours else 0)
            is_open.append(hours is not None)
            reason.append(why)
        return pd.DataFrame(
            {"open_min": open_min, "close_min": close_min, "is_open": is_open, "reason": reason},
            index=dates,
        )


def parse_hours(text: str, *, source: str, where: str) -> Hours | None:
    """Parse ``"07:00-22:00"`` (or ``"closed"``) into minutes after midnight.

    Raises
    ------
    ConfigError
        If the text is not of that form, or the store would close before it opens.
    """
    if text.strip().lower() == "closed":
        return None
    match = _HOURS.match(text)
    if match is None:
        raise ConfigError(
            f"opening hours {text!r} are not of the form HH:MM-HH:MM",
            source=source,
            where=where,
            fix='Write hours like "07:00-22:00", or "closed"',
        )
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
        raise ConfigError(
            f"opening hours {text!r} close before they open or run past midnight",
            source=source,
            where=where,
            fix="Give an opening time before the closing time, within one day",
        )
    return start, end


def format_hours(hours: Hours | None) -> str:
    """The inverse of :func:`parse_hours`."""
    if hours is None:
        return "closed"
    return f"{hours[0] // 60:02d}:{hours[0] % 60:02d}-{hours[1] // 60:02d}:{hours[1] % 60:02d}"


def load_store_configs(path: str | Path) -> dict[str, StoreConfig]:
    """Read a store configuration file.

    Parameters
    ----------
    path : str or pathlib.Path
        A TOML file in the format shown in this module's docstring.

    Returns
    -------
    dict of str to StoreConfig
        Keyed by store code, in file order.

    Raises
    ------
    ConfigError
        If the file is not valid TOML, has no stores, or a value is of the wrong type or range.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the store configuration ({exc.strerror})",
            source=str(path),
            fix="Check the path, or write one with `kori sample`",
        ) from None
    return parse_store_configs(text, source=str(path))


class _Problems:
    """The problems of one configuration file, raised together as one :class:`ConfigError`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[tuple[str, str, str]] = []

    def add(self, problem: str, where: str, fix: str) -> None:
        self.found.append((problem, where, fix))

    def unknown(self, key: str, known: tuple[str, ...], where: str, *, table: bool,
                prefix: str = "") -> None:  # fmt: skip
        """An unknown key or table, with the closest known name."""
        dotted = prefix + "." if prefix else ""
        name = f"[{dotted}{key}]" if table else repr(key)
        match = _closest(key, known)
        fix = (f"Did you mean {f'[{dotted}{match}]' if table else repr(match)}?" if match
               else f"Known here: {', '.join(known)}")  # fmt: skip
        self.add(f"unknown {'table' if table else 'key'} {name}", where, fix)

    def raise_any(self) -> None:
        if len(self.found) == 1:
            problem, where, fix = self.found[0]
            raise ConfigError(problem, source=self.source, where=where, fix=fix)
        if self.found:
            items = [f"({n}) {problem} ({where}). {fix}" + ("" if fix[-1:] in ".?" else ".")
                     for n, (problem, where, fix) in enumerate(self.found, 1)]  # fmt: skip
            raise ConfigError(f"{len(self.found)} problems: " + " ".join(items).rstrip("."),
                              source=self.source)  # fmt: skip


def _closest(word: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``word`` (ignoring case), if any is close."""
    lowered = {name.lower(): name for name in known}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def parse_store_configs(text: str, *, source: str = "store.toml") -> dict[str, StoreConfig]:
    """Parse the text of a store configuration file; see :func:`load_store_configs`.

    The whole file is checked and every problem reported at once: tables and keys that are
    not known (with the closest known name), holiday names that are not holidays of the
    store's country (with the closest one), ``MM-DD`` dates that do not exist, and values of
    the wrong type or outside :data:`LIMITS`.
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"not valid TOML ({exc})", source=source, fix="Fix the syntax at that line"
        ) from None
    problems = _Problems(source)
    for key in document:
        if key != "stores":
            problems.unknown(key, ("stores",), "top of the file",
                             table=isinstance(document[key], dict))  # fmt: skip
    stores = document.get("stores")
    if not isinstance(stores, dict) or not stores:
        problems.add("no [stores.<code>] tables", "the file",
                     "Add one table per store, e.g. [stores.HKI] (see `kori sample`'s store.toml)")
        problems.raise_any()
    holidays: dict[tuple[str, str | None], frozenset[str] | None] = {}
    configs = {}
    for code, table in stores.items():
        if not isinstance(table, dict):
            problems.add(f"stores.{code} = {table!r} is not a table", f"[stores.{code}]",
                         f"Write the store as a table, [stores.{code}]")  # fmt: skip
            continue
        configs[code] = _parse_store(code, table, problems, holidays)
    problems.raise_any()
    return configs


_STORE_KEYS = ("name", "city", "country", "subdiv", "freezer_capacity_litres", "closed_on")
_STORE_TABLES = ("hours", "special_hours", "staffing", "ordering")
_FIXED_DATE = re.compile(r"^(\d{2})-(\d{2})$")
HOLIDAY_YEARS = (1900, 2100)
"""Years whose holiday names a store configuration may use."""


def _parse_store(code: str, table: dict, problems: _Problems,
                 holidays: dict[tuple[str, str | None], frozenset[str] | None]) -> StoreConfig:  # fmt: skip
    where = f"[stores.{code}]"
    for key, value in table.items():
        if key not in _STORE_KEYS + _STORE_TABLES:
            problems.unknown(key, _STORE_KEYS + _STORE_TABLES, where, table=isinstance(value, dict),
                             prefix=f"stores.{code}")  # fmt: skip
    for key in ("name", "city", "country", "subdiv"):
        if key in table and not isinstance(table[key], str):
            problems.add(f"{key} = {table[key]!r} is not text", where,
                         f'Write it in quotes, e.g. {key} = "{table[key]}"')  # fmt: skip
    country, subdiv = str(table.get("country", "FI")), table.get("subdiv")
    subdiv = None if subdiv is None else str(subdiv)
    if (country, subdiv) not in holidays:
        holidays[(country, subdiv)] = _holiday_names(country, subdiv, problems, where)
    names = holidays[(country, subdiv)]
    hours = _parse_weekly_hours(table.get("hours"), problems, where)
    special = _parse_special_hours(table.get("special_hours", {}), names, country, problems,
                                   f"{where}.special_hours")  # fmt: skip
    closed = _parse_closed_on(table.get("closed_on", []), names, country, problems,
                              f"{where}.closed_on")  # fmt: skip
    capacity = table.get("freezer_capacity_litres")
    if capacity is not None and (problem := limit_problem("freezer_capacity_litres", capacity)):
        problems.add(problem, where, "Give the freezer's usable volume in litres, or leave the "
                     "key out when it is not known")  # fmt: skip
        capacity = None
    return StoreConfig(
        store=code,
        name=str(table.get("name", code)),
        city=str(table.get("city", "")),
        country=country,
        subdiv=subdiv,
        hours=hours,
        special_hours={k: v for k, v in special.items() if v is not None},
        closed_on=closed + tuple(k for k, v in special.items() if v is None),
        freezer_capacity_litres=float(capacity or 0.0),
        staffing=_parse_staffing(table.get("staffing", {}), problems, f"{where}.staffing"),
        ordering=_parse_ordering(table.get("ordering", {}), problems, f"{where}.ordering"),
    )


def _holiday_names(country: str, subdiv: str | None, problems: _Problems,
                   where: str) -> frozenset[str] | None:  # fmt: skip
    """Every holiday name of the country in :data:`HOLIDAY_YEARS`, as the models see them."""
    import datetime as dt

    from forecasting.calendar import holiday_table

    try:
        table = holiday_table(dt.date(HOLIDAY_YEARS[0], 1, 1), dt.date(HOLIDAY_YEARS[1], 12, 31),
                              country=country, subdiv=subdiv)  # fmt: skip
    except ParameterError as exc:
        problems.add(exc.problem + (f" ({exc.where})" if exc.where else ""), where,
                     exc.fix or "")  # fmt: skip
        return None
    return frozenset(name for joined in table["holiday"] for name in joined.split("; "))


def _day_problem(key: str, names: frozenset[str] | None, country: str) -> tuple[str, str] | None:
    """Why ``key`` is neither a holiday of ``names`` nor an ``MM-DD`` date, and the fix."""
    fixed = _FIXED_DATE.match(key)
    if fixed:
        month, day = (int(part) for part in fixed.groups())
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]:  # a leap year
            return None
        return (f"{key!r} is not a day of the year",
                'Write a fixed date as MM-DD, e.g. "12-31"')  # fmt: skip
    if names is None or key in names:
        return None
    match = _closest(key, names)
    fix = (f"Did you mean {match!r}?" if match else f"Name a holiday as the holidays of "
           f"`country={country!r}` list it, or give a date as MM-DD")  # fmt: skip
    return f"{key!r} is not a holiday of {country}", fix


def _parse_weekly_hours(raw: object, problems: _Problems,
                        where: str) -> dict[str, Hours | None]:  # fmt: skip
    closed: dict[str, Hours | None] = dict.fromkeys(WEEKDAYS)
    if not isinstance(raw, dict) or not raw:
        problems.add("the store has no opening hours", f"{where}.hours",
                     'Add [stores.<code>.hours] with a line per weekday, e.g. mon = "07:00-22:00"')
        return closed
    before = len(problems.found)
    for key in raw:
        if key not in WEEKDAYS:
            problems.add(f"unknown weekday {key!r}", f"{where}.hours",
                         f"Use the keys {', '.join(WEEKDAYS)}"
                         + (f" (did you mean {_closest(key[:3], WEEKDAYS)!r}?)"
                            if _closest(key[:3], WEEKDAYS) else ""))  # fmt: skip
    hours = {day: _hours(raw[day], problems, f"{where}.hours.{day}") if day in raw else None
             for day in WEEKDAYS}  # fmt: skip
    if all(value is None for value in hours.values()) and len(problems.found) == before:
        problems.add("the store is closed on every weekday", f"{where}.hours",
                     "Give opening hours for at least one weekday")  # fmt: skip
    return hours


def _hours(value: object, problems: _Problems, where: str) -> Hours | None:
    if not isinstance(value, str):
        problems.add(f"opening hours {value!r} are not text", where,
                     'Write hours in quotes, like "07:00-22:00", or "closed"')  # fmt: skip
        return None
    try:
        return parse_hours(value, source=problems.source, where=where)
    except ConfigError as exc:
        problems.add(exc.problem, where, exc.fix or "")
        return None


def _parse_special_hours(raw: object, names: frozenset[str] | None, country: str,
                         problems: _Problems, where: str) -> dict[str, Hours | None]:  # fmt: skip
    if not isinstance(raw, dict):
        problems.add("special_hours is not a table", where,
                     'Write it as [stores.<code>.special_hours] "Christmas Eve" = "07:00-13:00"')
        return {}
    out = {}
    for key, value in raw.items():
        problem = _day_problem(key, names, country)
        if problem:
            problems.add(problem[0], where, problem[1])
        else:
            out[key] = _hours(value, problems, f"{where}.{key}")
    return out


def _parse_closed_on(raw: object, names: frozenset[str] | None, country: str,
                     problems: _Problems, where: str) -> tuple[str, ...]:  # fmt: skip
    days = [raw] if isinstance(raw, str) else raw
    if not isinstance(days, list) or not all(isinstance(day, str) for day in days):
        problems.add(f"closed_on = {raw!r} is not a list of holidays or dates", where,
                     'Write e.g. closed_on = ["Christmas Day", "12-31"]')  # fmt: skip
        return ()
    for day in days:
        problem = _day_problem(day, names, country)
        if problem:
            problems.add(problem[0], where, problem[1])
    return tuple(days)


_STAFFING_KEYS = tuple(f.name for f in fields(StaffingStandard))


def _parse_staffing(table: object, problems: _Problems, where: str) -> StaffingStandard:
    if not isinstance(table, dict):
        problems.add("staffing is not a table", where, "Write it as [stores.<code>.staffing]")
        return StaffingStandard()
    given = {}
    for key, value in table.items():
        if key not in _STAFFING_KEYS:
            problems.unknown(key, _STAFFING_KEYS, where, table=isinstance(value, dict))
        elif (problem := limit_problem(key, value)) is not None:
            problems.add(problem, where, f"Give e.g. {key} = {EXAMPLES[key]}")
        else:
            given[key] = int(value) if key in WHOLE else float(value)
    standard = StaffingStandard(**given)
    if standard.min_cashiers > standard.max_cashiers:
        problems.add(f"min_cashiers {standard.min_cashiers} and max_cashiers "
                     f"{standard.max_cashiers} do not make a range", where,
                     "Give min_cashiers <= max_cashiers")  # fmt: skip
    return standard


_ORDERING_KEYS = ("service_level", "service_levels", "order_days")


def _parse_ordering(table: object, problems: _Problems, where: str) -> OrderingStandard:
    if not isinstance(table, dict):
        problems.add("ordering is not a table", where, "Write it as [stores.<code>.ordering]")
        return OrderingStandard()
    for key, value in table.items():
        if key not in _ORDERING_KEYS:
            problems.unknown(key, _ORDERING_KEYS, where, table=isinstance(value, dict))
    levels = table.get("service_levels", {})
    if not isinstance(levels, dict):
        problems.add("service_levels is not a table", where,
                     'Write e.g. [stores.<code>.ordering.service_levels] "fruit" = 0.9')  # fmt: skip
        levels = {}
    level = table.get("service_level", 0.95)
    for name, value in [("service_level", level), *((f"service_levels.{k}", v)
                                                    for k, v in levels.items())]:  # fmt: skip
        problem = limit_problem("service_level", value)
        if problem is not None:
            problems.add(problem.replace("service_level", name, 1), where,
                         "Give service levels as fractions, e.g. 0.95")  # fmt: skip
    days = table.get("order_days", list(WEEKDAYS))
    days = [days] if isinstance(days, str) else days
    days = [str(day).strip().lower()[:3] for day in days] if isinstance(days, list) else []
    if not days or any(day not in WEEKDAYS for day in days):
        problems.add(f"order_days {table.get('order_days')!r} are not weekdays", where,
                     'Write e.g. order_days = ["mon", "wed", "fri"]')  # fmt: skip
    return OrderingStandard(service_level=_number(level, 0.95),
                            service_levels={str(k): _number(v, 0.95) for k, v in levels.items()},
                            order_days=tuple(d for d in WEEKDAYS if d in days) or WEEKDAYS)  # fmt: skip


def _number(value: object, default: float) -> float:
    """``value`` as a float, or ``default`` where it is not a number (a problem already noted)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def render_store_configs(configs: Mapping[str, StoreConfig], *, comment: str = "") -> str:
    """Write store configurations as TOML that :func:`parse_store_configs` reads back.

    Parameters
    ----------
    configs : Mapping of str to StoreConfig
        Keyed by store code.
    comment : str, optional
        Lines to put at the top of the file as ``#`` comments.
    """
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    for code, config in configs.items():
        lines += [
            "",
            f"[stores.{code}]",
            f"name = {_toml_str(config.name)}",
            f"city = {_toml_str(config.city)}",
            f"country = {_toml_str(config.country)}",
        ]
        if config.subdiv:
            lines.append(f"subdiv = {_toml_str(config.subdiv)}")
        if config.freezer_capacity_litres:
            lines.append(f"freezer_capacity_litres = {config.freezer_capacity_litres!r}")
        lines.append(f"closed_on = [{', '.join(_toml_str(day) for day in config.closed_on)}]")
        lines += ["", f"[stores.{code}.hours]"]
        lines += [f'{day} = "{format_hours(config.hours.get(day))}"' for day in WEEKDAYS]
        lines += ["", f"[stores.{code}.special_hours]"]
        lines += [f'{_toml_str(k)} = "{format_hours(v)}"' for k, v in config.special_hours.items()]
        lines += ["", f"[stores.{code}.staffing]"]
        for name, value in vars(config.staffing).items():
            lines.append(f"{name} = {value!r}")
        ordering = config.ordering
        lines += ["", f"[stores.{code}.ordering]",
                  f"service_level = {ordering.service_level!r}",
                  f"order_days = [{', '.join(_toml_str(d) for d in ordering.order_days)}]"]
        if ordering.service_levels:
            lines += ["", f"[stores.{code}.ordering.service_levels]"]
            lines += [f"{_toml_str(k)} = {v!r}" for k, v in ordering.service_levels.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

