"""The fields of a customer register, one at a time: is each filled, and is it valid?

Finnish postal codes (five digits, not ``00000``), emails (``email-validator``, no network),
phone numbers (``phonenumbers``: a valid Finnish number, ``+358`` in E.164), birth years and ISO
dates. Postal codes, years and dates are checked on the whole column at once; emails and phones
are checked once per distinct value, so a register of a million rows with few distinct typos
costs what its distinct values cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from customers.checks import blank, row_names
from customers.errors import SchemaError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["FIELDS", "birth_years", "check_field", "field_table", "read_dates", "refuse"]

FIELDS = ("first_name", "last_name", "street", "postal_code", "town", "email", "phone",
          "birth_year", "joined_on", "updated_on", "consent", "consent_date", "channel")  # fmt: skip
"""The fields of ``register.csv`` after the member id, in file order."""

DATES = ("joined_on", "updated_on", "consent_date")
"""The ISO date fields (``YYYY-MM-DD``)."""

FINNISH_CALLING_CODE = 358
_SHOWN = 3


def _text(values: pd.Series) -> pd.Series:
    """Values as stripped text (files are read as text; a NaN becomes ``""``)."""
    return values.astype("string").fillna("").str.strip().astype(object)


def _per_distinct(values: pd.Series, judge: Callable[[str], str]) -> pd.Series:
    """``judge`` (``""`` for a valid value, else why not) of each value, called once per
    distinct value."""
    import pandas as pd

    text = _text(values)
    codes, distinct = pd.factorize(text)
    verdicts = [judge(str(v)) for v in distinct]
    return pd.Series([verdicts[c] for c in codes] if len(verdicts) else [], index=values.index,
                     dtype=object)  # fmt: skip


def _postal_code(values: pd.Series) -> pd.Series:
    import numpy as np
    import pandas as pd

    text = _text(values)
    ok = text.str.fullmatch(r"\d{5}").fillna(False).astype(bool) & (text != "00000")
    return pd.Series(np.where(ok, "", "not 5 digits (or 00000)"), index=values.index, dtype=object)


def _email(text: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return ""


def _phone(text: str) -> str:
    import phonenumbers

    if not text.startswith(("0", "+", "(0")):
        # phonenumbers takes '55674' for a valid fixed line (+358 5 5674), but a Finnish number
        # is written with its trunk 0 (040 123 4567) or its country code (+358 40 1234567).
        return "neither 0... nor +358..."
    try:
        number = phonenumbers.parse(text, "FI")
    except phonenumbers.NumberParseException:
        return "not a phone number"
    if number.country_code != FINNISH_CALLING_CODE:
        return f"not a Finnish number (+{number.country_code})"
    if not phonenumbers.is_valid_number(number):
        return "not a valid Finnish number"
    return ""


def _year_rule(last_year: int) -> Callable[[pd.Series], pd.Series]:
    def judge(values: pd.Series) -> pd.Series:
        import numpy as np
        import pandas as pd

        years = birth_years(values)
        why = np.where(years.isna(), "not a whole year",
                       np.where((years < 1900) | (years > last_year),
                                f"not between 1900 and {last_year}", ""))  # fmt: skip
        return pd.Series(why, index=values.index, dtype=object)

    return judge


def _date_rule(values: pd.Series) -> pd.Series:
    import numpy as np
    import pandas as pd

    days = read_dates(values)
    return pd.Series(np.where(days.isna(), "not a date YYYY-MM-DD", ""), index=values.index,
                     dtype=object)  # fmt: skip


def _choice(allowed: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    def judge(values: pd.Series) -> pd.Series:
        import numpy as np
        import pandas as pd

        ok = _text(values).str.lower().isin(allowed)
        return pd.Series(np.where(ok, "", "not " + " or ".join(allowed)), index=values.index,
                         dtype=object)  # fmt: skip

    return judge


def birth_years(values: pd.Series) -> pd.Series:
    """Birth years as float (NaN where blank, fractional or not a number)."""
    import pandas as pd

    years = pd.to_numeric(_text(values).replace("", None), errors="coerce").astype(float)
    return years.where(years % 1 == 0)


def read_dates(values: pd.Series) -> pd.Series:
    """ISO dates ``YYYY-MM-DD`` as Timestamps (NaT where blank or unreadable)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.normalize()
    return pd.to_datetime(_text(values), format="%Y-%m-%d", errors="coerce")


def check_field(values: pd.Series, field: str, *, last_year: int) -> pd.Series | None:
    """Why each filled value of ``field`` is invalid (``""`` when valid; blank values are not
    judged here), or None for a field without a rule (names, street, town).

    Parameters
    ----------
    values : pandas.Series
        The field's column, read as text.
    field : str
        Its name in :data:`FIELDS` (``postal_code``, ``email``, ``phone``, ``birth_year``, the
        dates, ``consent``, ``channel`` have rules).
    last_year : int
        The latest valid birth year (the year of ``as_of``).

    Examples
    --------
    >>> import pandas as pd
    >>> check_field(pd.Series(["00100", "0010", "00000"]), "postal_code", last_year=2025).tolist()
    ['', 'not 5 digits (or 00000)', 'not 5 digits (or 00000)']
    >>> check_field(pd.Series(["040 123 4567", "12"]), "phone", last_year=2025).tolist()
    ['', 'not a valid Finnish number']
    """
    rules: dict[str, Callable[[pd.Series], pd.Series]] = {
        "postal_code": _postal_code,
        "email": lambda v: _per_distinct(v, _email),
        "phone": lambda v: _per_distinct(v, _phone),
        "birth_year": _year_rule(last_year),
        "consent": _choice(("yes", "no")),
        "channel": _choice(("email", "sms", "post")),
        **{name: _date_rule for name in DATES},
    }
    rule = rules.get(field)
    if rule is None:
        return None
    why = rule(values)
    return why.where(~blank(values), "")


def field_table(register: pd.DataFrame, *, last_year: int,
                verdicts: dict[str, pd.Series] | None = None) -> pd.DataFrame:  # fmt: skip
    """Completeness and validity of each field of :data:`FIELDS` present in ``register``.

    Returns
    -------
    pandas.DataFrame
        One row per field: ``field``, ``filled`` (share of records with a value), ``valid``
        (share of the filled values that are valid; NaN for a field without a rule or with no
        value), ``invalid`` (count of invalid values), ``rule`` (what valid means).
    verdicts : dict, optional
        :func:`check_field` results already computed, by field (not computed twice).
    """
    import numpy as np
    import pandas as pd

    rules = {"postal_code": "5 digits, not 00000", "email": "an email address",
             "phone": "a Finnish phone number (+358)", "birth_year": f"1900 to {last_year}",
             "joined_on": "YYYY-MM-DD", "updated_on": "YYYY-MM-DD",
             "consent_date": "YYYY-MM-DD", "consent": "yes or no",
             "channel": "email, sms or post"}  # fmt: skip
    rows = []
    n = max(len(register), 1)
    for field in (f for f in FIELDS if f in register.columns):
        empty = blank(register[field])
        filled = int((~empty).sum())
        why = (verdicts or {}).get(field)
        if why is None:
            why = check_field(register[field], field, last_year=last_year)
        invalid = 0 if why is None else int((why.to_numpy() != "").sum())
        valid = np.nan if why is None or filled == 0 else 1 - invalid / filled
        rows.append({"field": field, "filled": filled / n, "valid": valid, "invalid": invalid,
                     "rule": rules.get(field, "")})  # fmt: skip
    return pd.DataFrame(rows, columns=["field", "filled", "valid", "invalid", "rule"])


def _where(register: pd.DataFrame, mask: np.ndarray, id: str, column: str,
           first_line: int | None) -> str:  # fmt: skip
    """``N <what>`` and the first lines of ``mask`` with their member and value."""
    import numpy as np

    first = np.flatnonzero(mask)[:_SHOWN]
    names = row_names(register.index, first, first_line)
    shown = ", ".join(f"{name}: {register[id].iloc[i]!r} {column}={register[column].iloc[i]!r}"
                      for name, i in zip(names, first))  # fmt: skip
    more = int(mask.sum()) - len(first)
    return shown + (f" and {more:,} more" if more > 0 else "")


def refuse(register: pd.DataFrame, why: dict[str, pd.Series], days: dict[str, pd.Series],
            id: str, end: pd.Timestamp, source: str, first_line: int | None) -> None:  # fmt: skip
    """Refuse a register that cannot be checked: one SchemaError naming every problem (a blank
    or repeated id, a birth year or date out of rule, a consent or update before the join) with
    its first lines, or nothing.

    Raises
    ------
    SchemaError
    """
    import numpy as np

    ids = register[id].astype(str).str.strip()
    problems: list[tuple[str, str]] = []

    def note(mask: Any, what: str, column: str, fix: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            where = _where(register, mask, id, column, first_line)
            problems.append((f"{int(mask.sum()):,} {what} ({where})", fix))

    note(blank(register[id]), f"records without a {id}", id, "Give every record its id")
    note(ids.duplicated(keep="first").to_numpy() & ~blank(register[id]), f"repeated {id}s", id,
         "Keep one row per member (a second card of one person has its own id)")
    if "birth_year" in why:
        note(why["birth_year"] != "", f"birth years not a year from 1900 to {end.year}",
             "birth_year", "Correct the year or leave it blank")
    for column in DATES:
        note(why[column] != "", f"{column} values not a date YYYY-MM-DD", column,
             "Write dates as YYYY-MM-DD, or leave them blank")
    joined = days["joined_on"]
    note((days["consent_date"] < joined).to_numpy(), "consent dates before the join",
         "consent_date", "A consent is given on or after joining: correct the dates")
    note((days["updated_on"] < joined).to_numpy(), "updates before the join", "updated_on",
         "A record is updated on or after joining: correct the dates")
    if problems:
        fixes = list(dict.fromkeys(fix for _, fix in problems))
        raise SchemaError("; ".join(p for p, _ in problems), source=source,
                          fix=". ".join(fixes))  # fmt: skip
