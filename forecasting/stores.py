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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecasting.errors import ConfigError

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
        Usable volume of the store's freezers.
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


def parse_store_configs(text: str, *, source: str = "store.toml") -> dict[str, StoreConfig]:
    """Parse the text of a store configuration file; see :func:`load_store_configs`."""
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
    stores = document.get("stores")
    if not isinstance(stores, dict) or not stores:
        raise ConfigError(
            "no [stores.<code>] tables",
            source=source,
            fix="Add one table per store, e.g. [stores.HKI] (see `kori sample`'s store.toml)",
        )
    return {code: _parse_store(code, table, source) for code, table in stores.items()}


def _parse_store(code: str, table: dict, source: str) -> StoreConfig:
    where = f"[stores.{code}]"
    raw_hours = table.get("hours")
    if not isinstance(raw_hours, dict) or not raw_hours:
        raise ConfigError(
            "the store has no opening hours",
            source=source,
            where=f"{where}.hours",
            fix='Add [stores.<code>.hours] with a line per weekday, e.g. mon = "07:00-22:00"',
        )
    unknown = sorted(set(raw_hours) - set(WEEKDAYS))
    if unknown:
        raise ConfigError(
            f"unknown weekday {unknown[0]!r}",
            source=source,
            where=f"{where}.hours",
            fix=f"Use the keys {', '.join(WEEKDAYS)}",
        )
    hours = {
        day: parse_hours(str(raw_hours[day]), source=source, where=f"{where}.hours.{day}")
        if day in raw_hours
        else None
        for day in WEEKDAYS
    }
    if all(value is None for value in hours.values()):
        raise ConfigError(
            "the store is closed on every weekday",
            source=source,
            where=f"{where}.hours",
            fix="Give opening hours for at least one weekday",
        )
    special = {
        str(key): parse_hours(str(value), source=source, where=f"{where}.special_hours.{key}")
        for key, value in table.get("special_hours", {}).items()
    }
    closed_specials = [key for key, value in special.items() if value is None]
    staffing_table = table.get("staffing", {})
    try:
        staffing = StaffingStandard(**{k: v for k, v in staffing_table.items()})
        capacity = float(table.get("freezer_capacity_litres", 0.0))
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"a value has the wrong name or type ({exc})",
            source=source,
            where=f"{where}.staffing",
            fix="Use the keys and types shown in `kori sample`'s store.toml",
        ) from None
    if not 0 < staffing.service_target < 1 or staffing.service_time_s <= 0:
        raise ConfigError(
            "service_target must be in (0, 1) and service_time_s positive",
            source=source,
            where=f"{where}.staffing",
            fix="E.g. service_target = 0.8, service_time_s = 90",
        )
    if staffing.min_cashiers < 0 or staffing.max_cashiers < max(staffing.min_cashiers, 1):
        raise ConfigError(
            f"min_cashiers {staffing.min_cashiers} and max_cashiers {staffing.max_cashiers} "
            "do not make a range",
            source=source,
            where=f"{where}.staffing",
            fix="Give 0 <= min_cashiers <= max_cashiers, and max_cashiers of at least 1",
        )
    if capacity < 0:
        raise ConfigError(
            f"freezer_capacity_litres is negative ({capacity})",
            source=source,
            where=where,
            fix="Give the freezer's usable volume in litres",
        )
    ordering = _parse_ordering(table.get("ordering", {}), source, f"{where}.ordering")
    return StoreConfig(
        store=code,
        name=str(table.get("name", code)),
        city=str(table.get("city", "")),
        country=str(table.get("country", "FI")),
        subdiv=table.get("subdiv"),
        hours=hours,
        special_hours={k: v for k, v in special.items() if v is not None},
        closed_on=tuple(str(day) for day in table.get("closed_on", ())) + tuple(closed_specials),
        freezer_capacity_litres=capacity,
        staffing=staffing,
        ordering=ordering,
    )


def _parse_ordering(table: object, source: str, where: str) -> OrderingStandard:
    if not isinstance(table, dict):
        raise ConfigError("ordering is not a table", source=source, where=where,
                          fix="Write it as [stores.<code>.ordering]")  # fmt: skip
    unknown = sorted(set(table) - {"service_level", "service_levels", "order_days"})
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}", source=source, where=where,
                          fix="Use service_level, service_levels and order_days")  # fmt: skip
    levels = table.get("service_levels", {})
    if not isinstance(levels, dict):
        raise ConfigError("service_levels is not a table", source=source, where=where,
                          fix='Write e.g. [stores.<code>.ordering.service_levels] "fruit" = 0.9')  # fmt: skip
    level = table.get("service_level", 0.95)
    for name, value in [("service_level", level), *((f"service_levels.{k}", v)
                                                    for k, v in levels.items())]:  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ConfigError(f"{name} = {value!r} is not a probability between 0 and 1",
                              source=source, where=where,
                              fix="Give service levels as fractions, e.g. 0.95")  # fmt: skip
    days = table.get("order_days", list(WEEKDAYS))
    if isinstance(days, str):
        days = [days]
    days = [str(day).strip().lower()[:3] for day in days]
    bad = [day for day in days if day not in WEEKDAYS]
    if bad or not days:
        raise ConfigError(f"order_days {table.get('order_days')!r} are not weekdays",
                          source=source, where=where,
                          fix='Write e.g. order_days = ["mon", "wed", "fri"]')  # fmt: skip
    return OrderingStandard(service_level=float(level),
                            service_levels={str(k): float(v) for k, v in levels.items()},
                            order_days=tuple(d for d in WEEKDAYS if d in days))  # fmt: skip


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

