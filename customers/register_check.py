"""The health check of a customer register: every problem of every record, parts and a score.

:func:`check_register` refuses a register it cannot judge (no id column, a member twice, a
birth year out of range, an unreadable date, a consent or an update before the join) with one
:class:`~customers.errors.SchemaError` naming every problem and its lines, then applies the rules
of :data:`CHECKS` to every record. Each part of the health score is the share of records (in
per cent) without a problem of that part; the score is the mean of the parts checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from customers.checks import blank, require_columns
from customers.errors import ParameterError, SchemaError
from customers.register_fields import (
    DATES,
    check_field,
    field_table,
    read_dates,
    refuse,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHECKS", "PARTS", "RegisterCheck", "check_register"]

CHECKS = ("past_retention", "consent_missing", "consent_expired", "duplicate",
          "invalid_postal_code", "invalid_email", "invalid_phone", "missing",
          "address_unchecked", "stale")  # fmt: skip
"""The checks, most urgent first (the order of the summary's counts and of what to do)."""

PARTS = {"completeness": ("missing",),
         "validity": ("invalid_postal_code", "invalid_email", "invalid_phone"),
         "uniqueness": ("duplicate",), "currency": ("stale", "address_unchecked"),
         "consent": ("consent_missing", "consent_expired"), "retention": ("past_retention",)}  # fmt: skip
"""Each part of the health score and the checks that count against it."""

PART_WORDS = {"completeness": "miss a required field",
              "validity": "have an invalid postal code, email or phone",
              "currency": "are stale or have an unchecked address",
              "consent": "lack a valid marketing consent",
              "retention": "are past the retention period"}  # fmt: skip

REQUIRED = ("first_name", "last_name", "street", "postal_code", "town", "joined_on")
"""Fields every record needs (besides the contact of its preferred channel)."""

COLUMNS = ("first_name", "last_name", "street", "postal_code", "town", "email", "phone",
           "joined_on", "updated_on", "consent", "consent_date")  # fmt: skip
"""Columns the register must have (``birth_year`` and ``channel`` are optional)."""


@dataclass(frozen=True)
class RegisterCheck:
    """What :func:`check_register` returns.

    Attributes
    ----------
    findings : pandas.DataFrame
        One row per record and problem: the id column, ``check`` (one of :data:`CHECKS`),
        ``field`` and ``detail``; sorted by member, then check.
    fields : pandas.DataFrame
        Per field: ``filled`` and ``valid`` shares, ``invalid`` count and the ``rule``.
    parts : dict of str to float
        The parts of :data:`PARTS`, 0-100 (NaN for ``uniqueness`` with ``threshold=None``).
    score : float
        The mean of the parts checked, 0-100.
    duplicates : Duplicates or None
        From :func:`customers.find_duplicates` (None with ``threshold=None``).
    """

    findings: pd.DataFrame
    fields: pd.DataFrame
    parts: dict[str, float]
    score: float
    duplicates: Any
    records: int
    as_of: pd.Timestamp
    source: str
    id: str
    limits: dict[str, float] = field(default_factory=dict)
    purchases: str = ""

    @property
    def table(self) -> pd.DataFrame:
        """The findings (what ``kori customers register check`` writes)."""
        return self.findings

    def counts(self) -> dict[str, int]:
        """Records per check, in the order of :data:`CHECKS` (0 included)."""
        found = self.findings.drop_duplicates([self.id, "check"])["check"].value_counts()
        return {check: int(found.get(check, 0)) for check in CHECKS}

    def todo(self) -> list[str]:
        """What to do, most urgent first, for the checks that found something."""
        from customers.register_page import todo

        return todo(self)

    def summary(self) -> list[str]:
        """The score, each part, the counts per check and what to do."""
        import math

        n, counts = max(self.records, 1), self.counts()
        head = (f"{self.source}: health {self.score:.0f}/100 over {self.records:,} records "
                f"as of {self.as_of.date()}; {self.purchases}")  # fmt: skip
        lines = [head]
        for part, checks in PARTS.items():
            value = self.parts[part]
            if math.isnan(value):
                lines.append(f"  {part}: not checked (no duplicate search)")
                continue
            if part == "uniqueness":
                pairs = len(self.duplicates.pairs)
                lines.append(f"  uniqueness {value:.0f}: {pairs:,} likely duplicate pairs at "
                             f"`threshold={self.duplicates.threshold:g}`; merging them leaves "
                             f"{value / 100 * self.records:,.0f} records")  # fmt: skip
                continue
            hit = int(self.findings.loc[self.findings["check"].isin(checks), self.id].nunique())
            lines.append(f"  {part} {value:.0f}: {hit:,} records ({hit / n:.0%}) "
                         f"{PART_WORDS[part]}")  # fmt: skip
        found = [f"{counts[c]:,} {c}" for c in CHECKS if counts[c]]
        lines.append("findings: " + (", ".join(found) if found else "none"))
        lines += [f"to do: {line}" for line in self.todo()]
        return lines

    def html(self, title: str = "Customer register health") -> str:
        """The check as one self-contained HTML page for a marketing manager."""
        from customers.register_page import render

        return render(self, title)


def check_register(
    register: pd.DataFrame,
    *,
    as_of: str | date | datetime,
    receipts: pd.DataFrame | None = None,
    retention_years: float = 5,
    stale_months: int = 24,
    address_months: int = 36,
    consent_months: int = 24,
    threshold: float | None = 0.9,
    seed: int = 0,
    id: str = "member_id",
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    source: str = "register",
    receipts_source: str = "receipts",
    first_line: int | None = None,
) -> RegisterCheck:
    """Check a customer register: completeness, validity, duplicates, currency, consents and
    GDPR retention, one finding per record and problem, and a health score.

    Parameters
    ----------
    register : pandas.DataFrame
        One row per member, columns of :data:`COLUMNS` (read as text) and the ``id`` column.
    as_of : date
        The day of the check (required: the library never assumes today).
    receipts : pandas.DataFrame, optional
        Purchases with ``customer`` and ``timestamp`` columns (``loyalty_visits.csv``): each
        member's last purchase. Without them ``stale`` and ``past_retention`` see updates and
        joins only.
    retention_years : float, default 5
        A record with no purchase, update or join in this many years is ``past_retention``.
    stale_months, address_months, consent_months : int
        No purchase and no update in ``stale_months`` is ``stale``; an ``updated_on`` (or,
        without it, ``joined_on``) older than ``address_months`` is ``address_unchecked``; a
        ``yes`` consent older than ``consent_months`` is ``consent_expired``.
    threshold : float or None, default 0.9
        Match probability of a ``duplicate`` pair (:func:`customers.find_duplicates`); None
        searches no duplicates (the ``uniqueness`` part is then not checked).
    seed : int
        Seed of the duplicate finder.
    id, customer, timestamp : str
        The register's id column; the receipts' card and time columns.
    source, receipts_source : str
        Names of the inputs in messages.
    first_line : int, optional
        Line number of the register's first record in its file (messages name lines).

    Returns
    -------
    RegisterCheck

    Raises
    ------
    SchemaError
        A missing column, no record, a blank or repeated id, a birth year after ``as_of`` or
        before 1900, an unreadable date, a consent date or an update before the join: every
        problem in one message, with lines. Receipts without their columns or dated after
        ``as_of``.
    ParameterError
        A limit not positive, ``threshold`` outside (0, 1).

    Examples
    --------
    >>> check = check_register(register, as_of="2025-11-30", receipts=visits)  # doctest: +SKIP
    >>> check.score, check.parts["consent"]  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd

    from customers.dates import as_day

    end = as_day(as_of, "as_of")
    limits = {"retention_years": retention_years, "stale_months": stale_months,
              "address_months": address_months, "consent_months": consent_months}  # fmt: skip
    for name, value in limits.items():
        if not value > 0:
            raise ParameterError(f"`{name}={value}` must be positive", fix="Give a positive number")
    if threshold is not None and not 0 < threshold < 1:
        raise ParameterError(f"`threshold={threshold}` is not a probability in (0, 1)",
                             fix="Give a match probability such as 0.9")  # fmt: skip
    require_columns(register, [id, *COLUMNS], source=source,
                    fix="Give the register with one row per member (register.csv)")
    if register.empty:
        raise SchemaError("no records", source=source, fix="Give a register with members")
    register = register.reset_index(drop=True)
    why = {f: check_field(register[f], f, last_year=end.year) for f in register.columns
           if f in ("postal_code", "email", "phone", "birth_year", "consent", "channel", *DATES)}
    days = {f: read_dates(register[f]) for f in DATES}
    refuse(register, why, days, id, end, source, first_line)
    ids = register[id].astype(str).str.strip()
    last_buy, purchases = _last_purchases(receipts, ids, end, customer, timestamp,
                                          receipts_source)  # fmt: skip
    found = [_missing(register, ids), *_invalid(register, why, ids)]
    found += _timely(register, days, ids, last_buy, end, limits)
    duplicates, surplus = None, np.nan
    if threshold is not None:
        from customers.linkage import find_duplicates

        duplicates = find_duplicates(register, id=id, threshold=threshold, seed=seed)
        found.append(_duplicate_rows(duplicates.pairs, ids))
        surplus = _surplus(duplicates.pairs)
    findings = (pd.concat(found, ignore_index=True).rename(columns={"member": id})
                .sort_values([id, "check", "field"], kind="stable").reset_index(drop=True))  # fmt: skip
    parts = _parts(findings, id, len(register), surplus)
    finite = [v for v in parts.values() if not np.isnan(v)]
    return RegisterCheck(findings=findings, fields=field_table(register, last_year=end.year,
                                                               verdicts=why),
                         parts=parts, score=float(np.mean(finite)), duplicates=duplicates,
                         records=len(register), as_of=end, source=source, id=id,
                         limits=dict(limits), purchases=purchases)  # fmt: skip


def _last_purchases(receipts: pd.DataFrame | None, ids: pd.Series, end: pd.Timestamp,
                    customer: str, timestamp: str, source: str) -> tuple[pd.Series, str]:  # fmt: skip
    """Each member's last purchase (NaT without one) and a sentence on where it came from."""
    import pandas as pd

    from customers.dates import visit_times

    if receipts is None:
        return (pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns]"),
                "no `receipts`: stale and retention see updates and joins only")
    require_columns(receipts, [customer, timestamp], source=source,
                    fix="Give purchases with a card and a time (loyalty_visits.csv)")
    times = visit_times(receipts, customer, timestamp, end, source)
    cards = receipts[customer].astype(str).str.strip()
    last = times.groupby(cards.to_numpy()).max()
    outside = int((~last.index.isin(ids.to_numpy())).sum())
    known = ids.map(last)
    sentence = (f"last purchases of {int(known.notna().sum()):,} members from {source}"
                + (f" ({outside:,} cards there not in the register)" if outside else ""))
    return pd.to_datetime(known), sentence


def _rows(ids: pd.Series, mask: Any, check: str, field: str, detail: Any) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    mask = np.asarray(mask, dtype=bool)
    detail = pd.Series(detail, index=ids.index) if not isinstance(detail, str) else detail
    text = detail[mask].to_numpy() if not isinstance(detail, str) else detail
    return pd.DataFrame({"member": ids[mask].to_numpy(), "check": check, "field": field,
                         "detail": text}, columns=["member", "check", "field", "detail"])  # fmt: skip


def _missing(register: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Blank required fields, and a blank contact of the preferred channel."""
    import pandas as pd

    frames = [_rows(ids, blank(register[f]), "missing", f, "blank") for f in REQUIRED]
    if "channel" in register.columns:
        channel = register["channel"].astype("string").fillna("").str.strip().str.lower()
        for wanted, contact in (("email", "email"), ("sms", "phone")):
            mask = (channel == wanted).to_numpy() & blank(register[contact])
            frames.append(_rows(ids, mask, "missing", contact,
                                f"blank, and the preferred channel is {wanted}"))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _invalid(register: pd.DataFrame, why: dict[str, pd.Series], ids: pd.Series) -> list[pd.DataFrame]:
    out = []
    for column in ("postal_code", "email", "phone"):
        reason = why[column]
        detail = "'" + register[column].astype(str).str.strip() + "': " + reason
        out.append(_rows(ids, reason != "", f"invalid_{column}", column, detail))
    return out


def _day(stamps: pd.Series) -> pd.Series:
    return stamps.dt.strftime("%Y-%m-%d").fillna("never")


def _timely(register: pd.DataFrame, days: dict[str, pd.Series], ids: pd.Series,
            last_buy: pd.Series, end: pd.Timestamp, lim: dict[str, float]) -> list[pd.DataFrame]:  # fmt: skip
    """Stale, address, consent and retention findings."""
    import pandas as pd

    def months(n: float) -> pd.Timestamp:
        return end - pd.DateOffset(months=round(n))

    joined, updated = days["joined_on"], days["updated_on"]
    checked = updated.fillna(joined)
    active = pd.concat([last_buy, checked, joined], axis=1).max(axis=1)
    bought = "last purchase " + _day(last_buy) + ", last update " + _day(checked)
    stale = (active < months(lim["stale_months"])).to_numpy()
    address = (checked < months(lim["address_months"])).to_numpy()
    years = lim["retention_years"]
    past = (active < months(years * 12)).to_numpy()
    consent = register["consent"].astype("string").fillna("").str.strip().str.lower()
    given, when = consent == "yes", days["consent_date"]
    no_answer = (consent == "").to_numpy()
    undated = (given & when.isna()).to_numpy()
    odd = (~consent.isin(["", "yes", "no"])).to_numpy()
    expired = (given & (when < months(lim["consent_months"]))).to_numpy()
    shown = "'" + register["consent"].astype(str).str.strip() + "' is not yes or no"
    return [
        _rows(ids, stale, "stale", "", bought),
        _rows(ids, address, "address_unchecked", "updated_on",
              "address last confirmed on " + _day(checked)),
        _rows(ids, no_answer, "consent_missing", "consent", "no answer"),
        _rows(ids, undated, "consent_missing", "consent_date", "yes without a date"),
        _rows(ids, odd, "consent_missing", "consent", shown),
        _rows(ids, expired, "consent_expired", "consent_date", "given on " + _day(when)),
        _rows(ids, past, "past_retention", "",
              "last purchase, update or join on " + _day(active) + f": over {years:g} years"),
    ]  # fmt: skip


def _duplicate_rows(pairs: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Both records of each pair, each naming the other and the probability."""
    import pandas as pd

    left, right = pairs["id_l"].astype(str), pairs["id_r"].astype(str)
    p = pairs["match_probability"].map(lambda v: f"{v:.3f}")
    return pd.DataFrame({
        "member": pd.concat([left, right], ignore_index=True),
        "check": "duplicate", "field": "",
        "detail": pd.concat(["likely the same person as " + right + " (probability " + p + ")",
                             "likely the same person as " + left + " (probability " + p + ")"],
                            ignore_index=True),
    })  # fmt: skip


def _surplus(pairs: pd.DataFrame) -> int:
    """Records that merging the pairs would remove: records in pairs less the people."""
    import numpy as np
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if pairs.empty:
        return 0
    codes, uniques = pd.factorize(pd.concat([pairs["id_l"].astype(str),
                                             pairs["id_r"].astype(str)], ignore_index=True))
    half = len(pairs)
    graph = coo_matrix((np.ones(half), (codes[:half], codes[half:])),
                       shape=(len(uniques), len(uniques)))
    people, _ = connected_components(graph, directed=False)
    return len(uniques) - int(people)


def _parts(findings: pd.DataFrame, id: str, records: int, surplus: float) -> dict[str, float]:
    """Each part: per cent of the records without a problem of it (uniqueness: of the records
    that would stay after merging the duplicates)."""
    parts = {}
    for part, checks in PARTS.items():
        if part == "uniqueness":
            parts[part] = 100 * (1 - surplus / records)
            continue
        hit = findings.loc[findings["check"].isin(checks), id].nunique()
        parts[part] = 100 * (1 - hit / records)
    return parts
