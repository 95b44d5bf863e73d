"""The customers report: segments, lifecycle, the holdout check and the NPS on one HTML page.

:func:`customer_report` makes one call of each facade (:func:`customers.customer_segments`,
:func:`customers.next_purchases`, :func:`customers.holdout_check` and, with a survey,
:func:`customers.survey_nps`) and :meth:`CustomerReport.html` lays their results out for a
reader who does not know statistics: self-contained (inline CSS and SVG, no script, no file
beside it), every chart with a title and axis labels, every data text escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from customers.errors import FitError, ParameterError, TooFewCustomersError
from customers.html_page import pct as _pct
from customers.html_page import points as _points
from customers.report_page import render

if TYPE_CHECKING:
    import pandas as pd

    from customers.commands import CustomerSegments, NextPurchases
    from customers.holdout import HoldoutResult
    from customers.net_promoter import NpsResult

__all__ = ["CustomerReport", "customer_report"]

@dataclass(frozen=True)
class CustomerReport:
    """What :func:`customer_report` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment: ``segment``, ``name``, ``description``, ``customers``,
        ``share_customers``, ``share_sales``, ``mean_spend``, ``frequency`` (visits),
        ``modelled`` (customers in the lifecycle model), ``lapsed``, ``p_alive`` (mean),
        ``expected_visits`` and, with amounts, ``expected_spend`` (both in the horizon).
    segments : CustomerSegments
        From :func:`customers.customer_segments`.
    outlook : NextPurchases
        From :func:`customers.next_purchases`.
    holdout : HoldoutResult or None
        From :func:`customers.holdout_check` (None when the history is too short).
    holdout_note : str
        One sentence on the holdout check for a person (or why there is none).
    nps : NpsResult or None
        From :func:`customers.survey_nps` (None without a survey).
    title, source : str
    visits : int
        Rows of the visits.
    """

    table: pd.DataFrame
    segments: CustomerSegments
    outlook: NextPurchases
    holdout: HoldoutResult | None
    holdout_note: str
    nps: NpsResult | None
    title: str
    source: str
    visits: int

    def summary(self) -> list[str]:
        """Customers, segments and lapsed; the holdout check; the NPS when there is a survey."""
        out = self.outlook
        n, lapsed = len(out.table), int(out.table["lapsed"].sum())
        head = (f"{len(self.segments.table):,} customers up to {out.as_of.date()} in "
                f"{len(self.table)} segments; {lapsed:,} of {n:,} modelled have lapsed "
                f"({_pct(lapsed / n)})")  # fmt: skip
        lines = [head, self.holdout_note]
        if self.nps is not None:
            row = self.nps.table.iloc[0]
            lines.append(f"NPS {_points(row['nps'])} ({self.nps.level:.0%} interval "
                         f"{_points(row['low'])} to {_points(row['high'])}) from "
                         f"{int(row['n']):,} answers")  # fmt: skip
        return lines

    def html(self) -> str:
        """The report as one self-contained HTML page (UTF-8 text)."""
        return render(self)


def customer_report(
    visits: pd.DataFrame,
    *,
    as_of: str | date | datetime,
    survey: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    by: str | None = None,
    horizon_days: float = 90,
    k: int | str = 5,
    seed: int = 0,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str | None = None,
    store: str | None = "store",
    score: str = "score",
    level: float = 0.95,
    date_format: str | None = None,
    title: str = "Our customers",
    source: str = "visits",
    survey_source: str = "survey",
    customers_source: str = "customers",
    first_line: int | None = None,
) -> CustomerReport:
    """Segments, lifecycle, the holdout check and (with a survey) the NPS, for one HTML page.

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit, as :func:`customers.next_purchases` and
        :func:`customers.customer_segments` take.
    as_of : date
        The last day of the visits (required: the library never assumes today).
    survey : pandas.DataFrame, optional
        NPS answers (``score`` 0-10, and ``customer`` with ``customers``); without it the
        page has no NPS section.
    customers : pandas.DataFrame, optional
        The register the survey was drawn from (population and groups), as in
        :func:`customers.survey_nps`.
    by : str, optional
        Column to score the NPS by (e.g. ``"store"``).
    horizon_days : float, default 90
        Days ahead of the expected visits and spend, and the length of the holdout: the check
        fits on the visits up to ``as_of - horizon_days`` and compares with the days after.
    k, seed : as :func:`customers.customer_segments`.
    customer, timestamp, amount, store, date_format : str
        Columns of the visits (``customer`` also of the survey and register) and the format
        of the times.
    score, level : as :func:`customers.survey_nps`.
    title : str
        The page's heading.
    source, survey_source, customers_source : str
        Names of the inputs in messages and on the page.
    first_line : int, optional
        Line number of the first survey answer in its file.

    Returns
    -------
    CustomerReport
        ``.html()``, ``.summary()`` and ``.table`` (per segment).

    Raises
    ------
    SchemaError, ParameterError, TooFewCustomersError, FitError
        From the facades; ``ParameterError`` also for ``customers`` or ``by`` without
        ``survey``. A history too short for the holdout check is not an error: the page and
        ``holdout_note`` say so.

    Examples
    --------
    >>> from forecasting import simulate_store  # doctest: +SKIP
    >>> page = customer_report(simulate_store(seed=1).loyalty_visits,
    ...                        as_of="2025-11-30").html()  # doctest: +SKIP
    """
    from customers.commands import customer_segments, next_purchases, survey_nps
    from customers.dates import parse_times

    if survey is None and (customers is not None or by is not None):
        given = "`customers`" if customers is not None else "`by`"
        raise ParameterError(f"{given} given without `survey`",
                             fix="Give the survey answers with `survey`, or leave it out")
    if date_format is not None and timestamp in visits.columns:
        times = parse_times(visits[timestamp], date_format, timestamp, source)
        visits = visits.assign(**{timestamp: times})
    columns = {"customer": customer, "timestamp": timestamp, "amount": amount, "source": source}
    outlook = next_purchases(visits, as_of=as_of, horizon_days=horizon_days, **columns)
    found = customer_segments(visits, as_of=as_of, k=k, seed=seed, store=store, **columns)
    holdout, note = _holdout(visits, outlook, customer, timestamp, source)
    score_of = None
    if survey is not None:
        score_of = survey_nps(survey, customers=customers, by=by, customer=customer, score=score,
                              level=level, source=survey_source,
                              customers_source=customers_source, first_line=first_line)  # fmt: skip
    return CustomerReport(table=_per_segment(found, outlook, customer), segments=found,
                          outlook=outlook, holdout=holdout, holdout_note=note, nps=score_of,
                          title=title, source=source, visits=len(visits))  # fmt: skip


def _holdout(visits: pd.DataFrame, outlook: NextPurchases, customer: str, timestamp: str,
             source: str) -> tuple[HoldoutResult | None, str]:
    """The holdout check over the last ``horizon_days``, and its sentence (or why none)."""
    import pandas as pd

    from customers.holdout import holdout_check

    days = outlook.horizon_days
    end = outlook.as_of
    cut = end - pd.Timedelta(days=math.floor(days))
    first = pd.to_datetime(outlook.table["first_purchase"]).dt.normalize()
    if math.floor(days) < 1 or first.empty or first.min() >= cut:
        since = first.min().date() if not first.empty else end.date()
        return None, (f"No holdout check: it fits on the visits up to {cut.date()} and "
                      f"compares the {days:g} days after, but the history starts on {since}; "
                      "give a longer history or fewer horizon days")  # fmt: skip
    try:
        check = holdout_check(visits, cut, end, customer=customer, timestamp=timestamp,
                              source=source)  # fmt: skip
    except (TooFewCustomersError, FitError, ParameterError) as exc:
        return None, f"No holdout check: {exc.problem}"
    predicted, made = check.predicted_total, check.actual_total
    off = predicted / made - 1 if made else math.nan
    if math.isnan(off):
        how = ""
    elif round(abs(off), 2) == 0:
        how = ": spot on"
    else:
        how = f": {_pct(abs(off))} too {'high' if off > 0 else 'low'}"
    return check, (f"Fitted on the visits up to {cut.date()}, the model expected "
                   f"{predicted:,.0f} repeat visits in the {days:g} days after; the "
                   f"{len(check.customers):,} customers made {made:,}{how}")  # fmt: skip


def _per_segment(found: CustomerSegments, outlook: NextPurchases, customer: str) -> pd.DataFrame:
    """The segments table with each segment's lifecycle figures."""
    import pandas as pd

    seg = found.table.set_index(found.table[customer].astype(str))["segment"]
    life = outlook.table.assign(segment=outlook.table[customer].astype(str).map(seg).to_numpy())
    grouped = life.groupby("segment")
    figures = {"modelled": grouped.size(), "lapsed": grouped["lapsed"].sum(),
               "p_alive": grouped["p_alive"].mean(),
               "expected_visits": grouped["expected_purchases"].sum()}  # fmt: skip
    if "expected_value" in life.columns:
        figures["expected_spend"] = grouped["expected_value"].sum()
    columns = ["name", "description", "customers", "share_customers", "share_sales",
               "mean_spend", "frequency"]  # fmt: skip
    table = found.segments[columns].join(pd.DataFrame(figures))
    table["modelled"] = table["modelled"].fillna(0).astype("int64")
    table["lapsed"] = table["lapsed"].fillna(0).astype("int64")
    return table.reset_index()
