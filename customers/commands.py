"""One call per ``kori customers`` command: visits -> who buys next, answers -> the NPS.

Each facade chains the package's steps so that a command line (or a notebook) makes one call:
:func:`next_purchases` summarises the visits, fits the BG/NBD model (and the Gamma-Gamma model
when the visits have amounts) and returns each customer's outlook; :func:`survey_nps` scores
survey answers, taking the population and the groups from a customer register when given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from customers.checks import blank, require_columns
from customers.dates import as_day, parse_times, visit_times
from customers.errors import ParameterError, SchemaError
from customers.outlook import lapsed_words

if TYPE_CHECKING:
    import pandas as pd

    from customers.net_promoter import NpsResult
    from customers.outlook import LifecycleResult

DEFAULT_AMOUNT = "amount_eur"
"""The amount column :func:`next_purchases` models spend from when it is there."""

_DAYS_PER_WEEK = 7.0
_SHOW = 5


@dataclass(frozen=True)
class NextPurchases:
    """What :func:`next_purchases` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer (the customer column first): ``frequency`` (repeat visit days),
        ``recency`` and ``T`` (weeks), ``p_alive``, ``expected_purchases`` (visit days in the
        next ``horizon_days``), ``expected_spend`` (per visit) and ``expected_value`` (in the
        horizon) when the visits have amounts, and ``lapsed``.
    lifecycle : LifecycleResult
        The fitted models (``purchases``, ``spend``).
    horizon_days : float
        The days ahead the expectations cover.
    amount : str or None
        The amount column spend was modelled from (None: spend not modelled).
    as_of : pandas.Timestamp
        The last day of the observation.
    newcomers : int
        Customers left out because their first visit is on ``as_of`` (no time observed yet).
    """

    table: pd.DataFrame
    lifecycle: LifecycleResult
    horizon_days: float
    amount: str | None
    as_of: Any
    newcomers: int = 0

    def summary(self) -> list[str]:
        """Customers, lapsed, purchases (and spend) expected, the fitted parameters."""
        table = self.table
        n = len(table)
        lapsed, spared = lapsed_words(table, self.lifecycle.lapsed_below)
        model = self.lifecycle.purchases
        days = f"{self.horizon_days:g} days"
        lines = [
            f"{n:,} customers up to {self.as_of.date()}; {lapsed}", *spared,
            (f"expected visit days in the next {days}: {table['expected_purchases'].sum():,.0f} "
             f"in all, {table['expected_purchases'].mean():.2f} per customer"),
            "BG/NBD (weeks): " + ", ".join(f"{k}={v:.3g}" for k, v in model.params_.items())
            + f" (log-likelihood {model.log_likelihood_:,.1f})",
        ]
        spend = self.lifecycle.spend
        if spend is None:
            lines.append("no amounts: spend not modelled (name the amount column with `amount` to model it)")
        else:
            lines.append(
                f"expected spend in the next {days}: {table['expected_value'].sum():,.0f} "
                f"({self.amount}); Gamma-Gamma: "
                + ", ".join(f"{k}={v:.3g}" for k, v in spend.params_.items())
            )
        if self.newcomers:
            plural = "s" if self.newcomers != 1 else ""
            lines.append(f"{self.newcomers:,} customer{plural} first seen on {self.as_of.date()} "
                         "left out: no time observed yet")  # fmt: skip
        return lines


def next_purchases(
    visits: pd.DataFrame,
    *,
    as_of: str | date | datetime,
    horizon_days: float = 90,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str | None = None,
    date_format: str | None = None,
    source: str = "visits",
    first_line: int | None = None,
) -> NextPurchases:
    """Each customer's chance of still being a customer, their visits and spend to come.

    Summarises the visits per customer in weeks (:func:`customers.summarise`), fits the BG/NBD
    model and, with amounts, the Gamma-Gamma model, and returns :func:`customers.lifecycle`'s
    outlook over the next ``horizon_days``. Customers whose first visit is on ``as_of`` have
    been observed for no time and are left out (counted in ``newcomers``).

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit (receipt, purchase); visits on one day count once.
    as_of : date
        The last day of the observation (required: the library never assumes today).
    horizon_days : float, default 90
        Days ahead.
    customer, timestamp : str
        The customer id and visit time columns.
    amount : str, optional
        The amount column; by default :data:`DEFAULT_AMOUNT` when the visits have it, else
        spend is not modelled.
    date_format : str, optional
        strftime format of ``timestamp`` (e.g. ``"%d-%m-%Y"``); by default it is inferred,
        which reads day-first dates such as 05-01-2015 wrongly.
    source : str
        The name of the visits in messages.
    first_line : int, optional
        Line number of the first visit in its file (2 for a CSV with a header): messages name
        ``line N`` instead of ``row <label>``.

    Returns
    -------
    NextPurchases

    Raises
    ------
    SchemaError
        A missing column, unreadable rows, a visit after ``as_of`` (naming the customer and
        the date), a timestamp not in ``date_format``.
    ParameterError
        ``horizon_days`` not a non-negative number.
    TooFewCustomersError, FitError
        From the fits.
    """
    import math

    import pandas as pd

    from customers.outlook import lifecycle
    from customers.summary import summarise

    try:
        horizon = float(horizon_days)
    except (TypeError, ValueError):
        horizon = math.nan
    if not math.isfinite(horizon) or horizon < 0:
        raise ParameterError(f"`horizon_days={horizon_days!r}` is not a non-negative number of "
                             "days", fix="Give the days ahead, e.g. 90")  # fmt: skip
    if amount is None and DEFAULT_AMOUNT in visits.columns:
        amount = DEFAULT_AMOUNT
    if date_format is not None and timestamp in visits.columns:
        times = parse_times(visits[timestamp], date_format, timestamp, source, first_line)
        visits = visits.assign(**{timestamp: times})
    table = summarise(visits, customer=customer, timestamp=timestamp, amount=amount,
                      as_of=as_of, period="W", source=source, first_line=first_line)  # fmt: skip
    newcomers = int((table["T"] <= 0).sum())  # first seen on as_of: no time observed yet
    table = table[table["T"] > 0]
    outlook = lifecycle(table, horizon=horizon / _DAYS_PER_WEEK)
    out = outlook.table.reset_index()
    out.insert(1, "first_purchase", table["first_purchase"].to_numpy())
    return NextPurchases(table=out, lifecycle=outlook, horizon_days=horizon, amount=amount,
                         as_of=pd.Timestamp(as_day(as_of, "as_of")), newcomers=newcomers)  # fmt: skip


def survey_nps(
    answers: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    by: str | None = None,
    population: int | None = None,
    customer: str = "customer_id",
    score: str = "score",
    level: float = 0.95,
    source: str = "survey",
    customers_source: str = "customers",
    first_line: int | None = None,
) -> NpsResult:
    """The NPS of survey answers; with a customer register, its population and groups.

    Parameters
    ----------
    answers : pandas.DataFrame
        One answer per row: the score 0-10 in ``score`` and, with ``customers``, the customer
        id in ``customer``.
    customers : pandas.DataFrame, optional
        The register the survey was drawn from, one row per customer: its size is the
        population (per group of ``by``), and ``by`` may be one of its columns (the answers are
        joined to it on ``customer``).
    by : str, optional
        Column to score by, in the answers or (with ``customers``) the register.
    population : int, optional
        Customers the answers were drawn from, without a register.
    customer, score : str
        The id and score columns.
    level : float
        Confidence level of the interval.
    source, customers_source : str
        Names of the inputs in messages.
    first_line : int, optional
        Line number of the first answer in its file, so messages name lines.

    Returns
    -------
    NpsResult
        As :func:`customers.nps`.

    Raises
    ------
    SchemaError
        A missing column, an answer not from 0 to 10 (with its line), an answer from a customer
        not in the register, a customer listed twice in it.
    ParameterError
        ``population`` with ``customers`` (the register gives it).
    """
    from customers.net_promoter import nps

    if customers is None:
        return nps(answers, population=population, by=by, level=level, score=score,
                   source=source, first_line=first_line)  # fmt: skip
    if population is not None:
        raise ParameterError("`population` and `customers` both given",
                             fix="The register's customers are the population: give one")  # fmt: skip
    register = _register(customers, customer, by, customers_source)
    if customer not in answers.columns:
        raise SchemaError(f"missing column '{customer}'", source=source,
                          where="found: " + ", ".join(map(str, answers.columns)),
                          fix="Name the customer id column with `customer=`")  # fmt: skip
    ids = answers[customer].astype(str)
    unknown = ~ids.isin(register.index)
    if unknown.any():
        rows = [f"line {first_line + i}" if first_line is not None else f"row {i}"
                for i in range(len(ids)) if unknown.iloc[i]][:_SHOW]  # fmt: skip
        raise SchemaError(
            f"{int(unknown.sum()):,} answers from customers not in {customers_source}",
            source=source,
            where=", ".join(f"{row}: {ids[unknown].iloc[k]!r}" for k, row in enumerate(rows)),
            fix="Survey customers of the register, or give the register they were drawn from",
        )
    if by is None:
        return nps(answers, population=len(register), level=level, score=score, source=source,
                   first_line=first_line)  # fmt: skip
    frame = answers.drop(columns=[by], errors="ignore").assign(
        **{by: register[by].reindex(ids).to_numpy()})  # fmt: skip
    sizes = register[by].value_counts().to_dict()
    return nps(frame, population=sizes, by=by, level=level, score=score, source=source,
               first_line=first_line)  # fmt: skip


def _register(customers: pd.DataFrame, customer: str, by: str | None, source: str) -> Any:
    """The register indexed by the customer id (as text), every id once, every group given."""
    needed = [customer] + ([by] if by else [])
    require_columns(customers, needed, source=source,
                    fix="Name the columns with `customer=` and `by=`")
    register = customers.assign(**{customer: customers[customer].astype(str)}).set_index(customer)
    repeated = register.index.duplicated(keep=False)
    if repeated.any():
        shown = list(dict.fromkeys(register.index[repeated]))[:_SHOW]
        raise SchemaError(f"{len(set(register.index[repeated])):,} customer ids appear more than "
                          "once", source=source, where=", ".join(map(repr, shown)),
                          fix="List every customer once (one row per customer)")  # fmt: skip
    if by:
        missing = blank(register[by])
        if missing.any():
            raise SchemaError(f"{int(missing.sum()):,} customers without a {by}", source=source,
                              where=", ".join(map(repr, register.index[missing][:_SHOW])),
                              fix=f"Fill in {by} for every customer")  # fmt: skip
    return register


@dataclass(frozen=True)
class CustomerSegments:
    """What :func:`customer_segments` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer (the customer column first): ``segment``, ``segment_name``,
        ``r``, ``f``, ``m``, ``rfm`` and the profile's ``recency_days``, ``frequency``,
        ``spend``, ``mean_spend``, ``first_visit``, ``last_visit`` (and ``main_store``).
    segments : pandas.DataFrame
        Per segment, as :class:`customers.Segmentation`.
    by_year : pandas.DataFrame
        The active base year by year with the share of each segment, as
        :func:`customers.base_by_year`.
    segmentation : Segmentation
    amount : str or None
        The amount column (None: the rows of each visit stand in for its spend).
    by_store : GroupComparison or None
        How the customers of each main store differ from the other's (or the rest's), with
        intervals (:func:`customers.compare_groups`); None with one store or none.
    """

    table: pd.DataFrame
    segments: pd.DataFrame
    by_year: pd.DataFrame
    segmentation: Any
    amount: str | None
    by_store: Any = None

    def summary(self) -> list[str]:
        """The segments in words with their shares, the base year by year, the stores."""
        lines = self.segmentation.summary()
        spent = "spent" if self.amount else "rows"
        if self.amount is None:
            lines.append("no amounts: spend counts the rows of each visit (items), not money")
        for year_to, row in self.by_year.iterrows():
            shares = {c[6:]: row[c] for c in self.by_year.columns if c.startswith("share_")}
            top = max(shares, key=shares.get) if shares else ""
            lines.append(f"year to {year_to} ({row['days']} days): {row['customers']:,} active "
                         f"customers, {row['visits_per_customer']:.1f} visits and "
                         f"{row['spend_per_customer']:,.0f} {spent} each; biggest segment "
                         f"{top} ({shares.get(top, 0):.0%})")
        if self.by_store is not None:
            lines += self.by_store.summary()
        return lines


def customer_segments(
    visits: pd.DataFrame,
    *,
    as_of: str | date | datetime,
    k: int | str = 5,
    seed: int = 0,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str | None = None,
    store: str | None = "store",
    lines: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
    category: str = "category",
    item: str = "sku",
    date_format: str | None = None,
    source: str = "visits",
    first_line: int | None = None,
) -> CustomerSegments:
    """Visits to RFM scores, behavioural segments in words and the base year by year.

    Chains :func:`customers.profiles`, :func:`customers.rfm`, :func:`customers.segment`,
    :func:`customers.base_by_year` and, with two or more stores, :func:`customers.compare_groups`
    on the customers' main stores. Without an amount column (``amount=None`` and no
    :data:`DEFAULT_AMOUNT`) the rows of one customer at one time make one visit and the
    number of rows stands in for its spend (e.g. items of a member-and-date file).

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit (or per item, without amounts).
    as_of : date
        The last day of the visits (required: the library never assumes today).
    k : int or "auto"
        Segments, or ``"auto"`` (the best silhouette), as :func:`customers.segment`.
    seed : int
        Seed of the k-means starts.
    customer, timestamp, amount, store : str
        Columns; ``store`` is used when present.
    lines : pandas.DataFrame, optional
        Receipt lines: adds items per visit and the ``category`` shares to the habits the
        segments are made of. Lines without a ``customer`` column take the card of their
        ``receipt_id`` from the visits (``receipts.csv`` beside ``loyalty_visits.csv``).
    catalog : pandas.DataFrame, optional
        Gives the lines their ``category`` column from their ``item`` when they lack it.
    category, item : str
        The category column (of the lines or the catalog, e.g. ``"department"``) and the item
        column the catalog is joined on.
    date_format : str, optional
        strftime format of ``timestamp`` (default: inferred).
    source : str
        The name of the visits in messages.
    first_line : int, optional
        Line number of the first visit in its file (2 for a CSV with a header): messages name
        ``line N`` instead of ``row <label>``.

    Raises
    ------
    SchemaError, ParameterError
        From the steps: a missing column, an unreadable row, a visit after ``as_of`` (naming
        the rows), a bad ``k``.
    """
    from customers.lines import card_lines, with_catalog
    from customers.profiling import profiles
    from customers.segments import base_by_year, segment

    if lines is not None:  # while the visits still have their receipt ids
        lines = with_catalog(card_lines(lines, visits, customer), catalog, item, category)
    if amount is None and DEFAULT_AMOUNT in visits.columns:
        amount = DEFAULT_AMOUNT
    if date_format is not None and timestamp in visits.columns:
        times = parse_times(visits[timestamp], date_format, timestamp, source, first_line)
        visits = visits.assign(**{timestamp: times})
    used = amount
    if amount is None:
        require_columns(visits, (customer, timestamp), source=source,
                        fix="Name the columns with `customer=` and `timestamp=`")
        # Checked here, while the rows are still the file's lines: grouped, they are not.
        visit_times(visits, customer, timestamp, as_day(as_of, "as_of"), source, first_line)
        keys = [customer, timestamp] + ([store] if store in visits.columns else [])
        used = "rows"
        visits = visits.groupby(keys, dropna=False).size().reset_index(name=used)
    if store and store not in visits.columns:
        store = None
    profile = profiles(visits, as_of=as_of, customer=customer, timestamp=timestamp, amount=used,
                       store=store, source=source, lines=lines, category=category,
                       first_line=first_line if amount else None)  # fmt: skip
    found = segment(profile, k=k, seed=seed)
    main = [c for c in ("recency_days", "frequency", "spend", "mean_spend", "items_per_visit",
                        "first_visit", "last_visit", "main_store") if c in profile.columns]  # fmt: skip
    table = found.table[["segment", "segment_name", "r", "f", "m", "rfm"]].join(profile[main])
    by_year = base_by_year(visits, found.table["segment_name"], as_of=as_of, customer=customer,
                           timestamp=timestamp, amount=used)  # fmt: skip
    return CustomerSegments(table=table.reset_index(), segments=found.segments,
                            by_year=by_year, segmentation=found, amount=amount,
                            by_store=_stores(profile, found))  # fmt: skip


def _stores(profile: pd.DataFrame, found: Any) -> Any:
    """The main stores compared, or None when there are not two with enough customers."""
    from customers.compare import MIN_CUSTOMERS, compare_groups

    if "main_store" not in profile.columns:
        return None
    sizes = profile["main_store"].value_counts()
    if (sizes >= MIN_CUSTOMERS).sum() < 2:
        return None
    return compare_groups(profile, by="main_store", segments=found.table["segment_name"])
