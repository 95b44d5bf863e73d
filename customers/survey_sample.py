"""Whom to survey: a seeded random sample of customers, optionally stratified by a column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from customers.checks import blank, require_columns
from customers.errors import ParameterError, SchemaError

if TYPE_CHECKING:
    import pandas as pd

_SHOW = 5  # offending ids quoted in a message
_SHOW_STRATA = 20  # strata described in the summary


@dataclass(frozen=True)
class SurveySample:
    """What :func:`draw_survey_sample` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        The customers drawn: their rows of the input (every column, the input's index), in the
        input's order.
    allocation : pandas.DataFrame
        One row per stratum (one row ``"all"`` without strata): ``customers`` in it, ``share``
        of all customers, ``quota`` (the exact proportional share of ``n``) and ``sample`` (the
        whole number drawn).
    seed : int
        The seed drawn with.
    strata : str or None
        The stratifying column.
    """

    table: pd.DataFrame
    allocation: pd.DataFrame
    seed: int
    strata: str | None

    def summary(self) -> list[str]:
        """How many of how many were drawn, and per stratum.

        Returns
        -------
        list of str
        """
        total = int(self.allocation["customers"].sum())
        lines = [f"drew {len(self.table):,} of {total:,} customers to survey (seed {self.seed})"
                 + (f", in proportion to {self.strata}" if self.strata else "")]  # fmt: skip
        if self.strata:
            rows = self.allocation.to_dict("records")
            for row in rows[:_SHOW_STRATA]:
                lines.append(f"{self.strata} {row[self.strata]}: {row['sample']:,} of "
                             f"{row['customers']:,} ({row['share']:.1%} of customers)")  # fmt: skip
            if len(rows) > _SHOW_STRATA:
                lines.append(f"... and {len(rows) - _SHOW_STRATA:,} more (see the allocation)")
            empty = sum(row["sample"] == 0 for row in rows)
            if empty:
                lines.append(f"{empty:,} {self.strata} value(s) too small for a place in the "
                             "sample: none of their customers is asked")  # fmt: skip
        return lines


def allocate(sizes: Sequence[int], n: int) -> list[int]:
    """Split ``n`` over strata of ``sizes`` in proportion, rounding by the largest remainder.

    Every stratum first gets the whole part of ``n * size / total``; the places left go one
    each to the strata with the largest fractional parts (ties to the earlier stratum), so the
    parts add up to exactly ``n`` and none exceeds its stratum.

    Examples
    --------
    >>> allocate([50, 30, 20], 7)
    [4, 2, 1]
    """
    import numpy as np

    sizes_arr = np.asarray(sizes, dtype=np.int64)
    total = int(sizes_arr.sum())
    exact = sizes_arr * n  # quotas times total, kept whole so that the ties are exact
    whole = exact // total
    remainder = exact - whole * total
    left = n - int(whole.sum())
    order = np.lexsort((np.arange(len(sizes_arr)), -remainder))
    whole[order[:left]] += 1
    return [int(v) for v in whole]


def draw_survey_sample(
    customers: pd.DataFrame | pd.Series | Sequence[Any],
    n: int,
    *,
    seed: int,
    strata: str | None = None,
    customer: str = "customer",
    source: str = "customers",
) -> SurveySample:
    """A seeded random sample of ``n`` customers to survey, optionally stratified.

    Without ``strata`` every set of ``n`` customers is equally likely. With ``strata`` (a
    column such as ``"store"`` or ``"segment"``) each stratum gets its proportional share of
    ``n``, rounded by the largest remainder so that the shares add up to exactly ``n`` (see
    :func:`allocate`), and a simple random sample of that size is drawn within it. The same
    customers, ``n`` and ``seed`` give the same sample.

    Parameters
    ----------
    customers : pandas.DataFrame, pandas.Series or sequence
        One row per customer with an id in column ``customer`` (and the ``strata`` column), or
        the ids themselves.
    n : int
        Customers to draw, 1 up to the number of customers (see :func:`sample_size`).
    seed : int
        The random seed.
    strata : str, optional
        Column to stratify by (proportional allocation).
    customer : str, default "customer"
        The id column.
    source : str
        Name of the input, for messages.

    Returns
    -------
    SurveySample
        ``table`` the customers drawn, ``allocation`` per stratum, ``summary()`` lines.

    Raises
    ------
    SchemaError
        A missing column, a missing or repeated customer id, or a customer without a stratum.
    ParameterError
        ``n`` not a whole number from 1 to the number of customers, or ``strata`` with ids
        alone.

    Examples
    --------
    >>> sample = draw_survey_sample([f"c{i}" for i in range(100)], 10, seed=1)
    >>> len(sample.table)
    10
    """
    import numpy as np
    import pandas as pd

    frame = _customers(customers, customer, strata, source)
    total = len(frame)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= total:
        raise ParameterError(
            f"`n={n!r}` is not a number of customers from 1 to {total:,}",
            where=f"{source} has {total:,} customers",
            fix="Ask for at most as many customers as there are (a census surveys them all)",
        )
    rng = np.random.default_rng(seed)
    keys = rng.random(total)  # a random order of everyone; each stratum takes its first ones
    if strata is None:
        chosen = np.zeros(total, dtype=bool)
        chosen[np.argsort(keys, kind="stable")[:n]] = True
        allocation = pd.DataFrame({"stratum": ["all"], "customers": [total], "share": [1.0],
                                   "quota": [float(n)], "sample": [int(n)]})  # fmt: skip
    else:
        codes, labels = pd.factorize(frame[strata], sort=True)
        sizes = np.bincount(codes, minlength=len(labels))
        quotas = np.asarray(allocate(sizes.tolist(), int(n)))
        order = np.lexsort((keys, codes))  # by stratum, then at random within it
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rank = np.empty(total, dtype=np.int64)
        rank[order] = np.arange(total) - starts[codes[order]]
        chosen = rank < quotas[codes]
        allocation = pd.DataFrame({strata: labels, "customers": sizes,
                                   "share": sizes / total, "quota": sizes * n / total,
                                   "sample": quotas})  # fmt: skip
    return SurveySample(table=frame[chosen], allocation=allocation, seed=seed, strata=strata)


def _customers(customers: Any, customer: str, strata: str | None, source: str) -> pd.DataFrame:
    """The customers as a frame with unique, present ids (and strata)."""
    import numpy as np
    import pandas as pd

    if not isinstance(customers, pd.DataFrame):
        if strata is not None:
            raise ParameterError(f"`strata={strata!r}` needs a table of customers",
                                 fix="Pass a DataFrame with the id and the strata columns")  # fmt: skip
        customers = pd.DataFrame({customer: list(customers)})
    needed = [customer] + ([strata] if strata else [])
    require_columns(customers, needed, source=source,
                    fix="Name the columns with `customer=` and `strata=`")
    if len(customers) == 0:
        raise SchemaError("no customers", source=source, fix="A sample needs customers to draw")
    ids = customers[customer]
    checks = [(customer, "missing customer ids")]
    if strata is not None:
        checks.append((strata, f"customers without a {strata}"))
    for column, problem in checks:
        missing = blank(customers[column])
        if missing.any():
            raise SchemaError(f"{int(missing.sum()):,} {problem}", source=source,
                              where="rows " + ", ".join(map(repr, customers.index[missing][:_SHOW])),
                              fix=f"Fill in column {column!r} for every customer")  # fmt: skip
    repeated = ids.duplicated(keep=False).to_numpy()
    if repeated.any():
        shown = pd.unique(ids[repeated])[:_SHOW]
        raise SchemaError(f"{len(pd.unique(ids[repeated])):,} customer ids appear more than once",
                          source=source, where=", ".join(map(repr, np.asarray(shown).tolist())),
                          fix="List every customer once (one row per customer)")  # fmt: skip
    return customers
