"""How the customers of two stores (or channels) differ, and whether the difference is real.

Customers are grouped by a column of their profile, by default ``main_store`` (the store of most
of their visits; a channel column given as ``store=`` to :func:`customers.profiles` works the
same way). Each measure is a mean over customers, compared with Welch's normal interval for the
difference of two means: with hundreds of customers a group the normal approximation is close,
and the interval says whether a gap is more than chance. The segment mix is compared with a
chi-square test of independence. With more than two groups each is compared with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from customers.checks import require_columns
from customers.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

MEASURES = (
    ("mean_spend", "basket", "{:,.2f}"),
    ("frequency", "visits per customer", "{:,.1f}"),
    ("spend", "spend per customer", "{:,.0f}"),
    ("recency_days", "days since the last visit", "{:,.0f}"),
    ("share_weekend", "share of visits at the weekend", "{:.0%}"),
    ("share_morning", "share of visits before 11", "{:.0%}"),
    ("share_evening", "share of visits from 17", "{:.0%}"),
)
"""Measures compared: profile column (``share_weekend`` is Saturday plus Sunday), words, format."""
SHOWN = 10
"""Comparisons shown in :meth:`GroupComparison.summary` (the rest are in ``differences``)."""
MIN_CUSTOMERS = 30
"""Fewer customers than this in a group and it is not compared (the interval would be rough)."""


@dataclass(frozen=True)
class GroupComparison:
    """The result of :func:`compare_groups`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group: ``customers`` and the mean of each measure (and with segments the
        share of each segment).
    differences : pandas.DataFrame
        One row per comparison and measure: ``group``, ``against``, ``measure``, ``value``,
        ``other``, ``difference``, ``low``, ``high`` (its interval) and ``real`` (the interval
        leaves out 0).
    mix_p_values : dict
        Per comparison (``"HKI against TRE"``) the chi-square p-value of the segment mix.
    confidence : float
    """

    table: pd.DataFrame
    differences: pd.DataFrame
    mix_p_values: dict
    confidence: float
    by: str

    def summary(self) -> list[str]:
        """One line per comparison: the real differences in words, then the segment mix."""
        lines = []
        fmt = {column: f for column, _, f in MEASURES}
        words = {column: w for column, w, _ in MEASURES}
        for (group, against), rows in self.differences.groupby(["group", "against"], sort=False):
            n_a = int(self.table.loc[group, "customers"])
            n_b = (int(self.table.loc[against, "customers"]) if against in self.table.index
                   else int(self.table["customers"].sum()) - n_a)
            real = rows[rows["real"]]
            parts = [f"{words[r.measure]} {fmt[r.measure].format(r.value)} against "
                     f"{fmt[r.measure].format(r.other)} ({self.confidence:.0%} interval of the "
                     f"difference {fmt[r.measure].format(r.low)} to "
                     f"{fmt[r.measure].format(r.high)})" for r in real.itertuples()]
            same = [words[m] for m in rows.loc[~rows["real"], "measure"]]
            text = "; ".join(parts) if parts else "no clear difference in any measure"
            if same and parts:
                text += f"; no clear difference in {', '.join(same)}"
            key = f"{group} against {against}"
            if key in self.mix_p_values:
                p = self.mix_p_values[key]
                text += ("; the segment mix differs" if p < 1 - self.confidence
                         else "; no clear difference in the segment mix") + f" (p {_p(p)})"
            lines.append(f"{_name(self.by)} {group} ({n_a:,} customers) against {against} "
                         f"({n_b:,}): {text}")
        if len(lines) > SHOWN:
            more = (f"... and {len(lines) - SHOWN:,} more {_name(self.by)} values in the "
                    "table of differences")
            lines = [*lines[:SHOWN], more]
        return lines


def _name(by: str) -> str:
    """``store`` for the profile's ``main_store``, else the column's own name."""
    return "store" if by == "main_store" else by


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def compare_groups(
    profile: pd.DataFrame,
    *,
    by: str = "main_store",
    segments: pd.Series | None = None,
    confidence: float = 0.95,
) -> GroupComparison:
    """Compare the customers of each group (store, channel) with the other(s).

    Parameters
    ----------
    profile : pandas.DataFrame
        The table returned by :func:`customers.profiles` (one row per customer).
    by : str
        The profile column that groups customers (``main_store``: the store of most visits).
    segments : pandas.Series, optional
        A segment name per customer (same index): adds the segment shares of each group and a
        chi-square test of the mix.
    confidence : float
        Of the intervals, e.g. 0.95.

    Returns
    -------
    GroupComparison

    Raises
    ------
    ParameterError
        ``confidence`` not between 0 and 1, or fewer than two groups of at least
        :data:`MIN_CUSTOMERS` customers.
    SchemaError
        ``by`` or a measure's columns missing from ``profile``.
    """
    import numpy as np
    import pandas as pd
    from scipy import stats

    if not 0 < confidence < 1:
        raise ParameterError(f"`confidence={confidence!r}` is not between 0 and 1",
                             fix="Give e.g. 0.95")
    require_columns(profile, [by, "mean_spend", "frequency", "spend", "recency_days",
                              "share_sat", "share_sun", "share_morning", "share_evening"],
                    source="profile", fix="Pass the table returned by customers.profiles()")
    values = profile.assign(share_weekend=profile["share_sat"] + profile["share_sun"])
    values = values[[m for m, _, _ in MEASURES]].astype(float)
    group = profile[by].astype(str)
    sizes = group.value_counts()
    kept = sorted(sizes.index[sizes >= MIN_CUSTOMERS])
    if len(kept) < 2:
        raise ParameterError(
            f"`by={by!r}` gives {len(sizes)} groups, {len(kept)} with {MIN_CUSTOMERS}+ "
            "customers: nothing to compare",
            fix="Compare a column with two or more groups of customers (stores or channels)")
    table = values.groupby(group).mean().loc[kept]
    table.insert(0, "customers", sizes.loc[kept].astype(int))
    labels = segments.reindex(profile.index) if segments is not None else None
    if labels is not None:
        mix = pd.crosstab(group, labels, normalize="index")
        table = table.join(mix.loc[kept].add_prefix("segment: "))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    # Count, sum and sum of squares per group: each group against the other (two groups) or
    # against the rest (all customers minus the group), without a loop over groups.
    stat = values.groupby(group).agg(["count", "sum", lambda v: (v * v).sum()]).loc[kept]
    n_a, s_a, q_a = (stat.xs(k, axis=1, level=1).to_numpy(float) for k in
                     ("count", "sum", "<lambda_0>"))  # fmt: skip
    if len(kept) == 2:
        n_b, s_b, q_b = n_a[[1]], s_a[[1]], q_a[[1]]
        n_a, s_a, q_a, groups, against = n_a[[0]], s_a[[0]], q_a[[0]], kept[:1], kept[1:]
    else:
        whole = values.notna().sum().to_numpy(float), values.sum().to_numpy(), \
            (values * values).sum().to_numpy()  # fmt: skip
        n_b, s_b, q_b = whole[0] - n_a, whole[1] - s_a, whole[2] - q_a
        groups, against = kept, ["the rest"] * len(kept)
    mean_a, mean_b = s_a / n_a, s_b / n_b
    var_a = np.maximum(q_a - s_a * mean_a, 0) / np.maximum(n_a - 1, 1)
    var_b = np.maximum(q_b - s_b * mean_b, 0) / np.maximum(n_b - 1, 1)
    diff = mean_a - mean_b
    half = z * np.sqrt(var_a / n_a + var_b / n_b)
    differences = pd.DataFrame({
        "group": np.repeat(groups, len(values.columns)),
        "against": np.repeat(against, len(values.columns)),
        "measure": np.tile(values.columns, len(groups)),
        "value": mean_a.ravel(), "other": mean_b.ravel(), "difference": diff.ravel(),
        "low": (diff - half).ravel(), "high": (diff + half).ravel(),
    })  # fmt: skip
    differences["real"] = (differences["low"] > 0) | (differences["high"] < 0)
    mixes = _mix_p_values(group, labels, kept, groups, against) if labels is not None else {}
    table.index.name = by
    return GroupComparison(table=table, differences=differences, mix_p_values=mixes,
                           confidence=confidence, by=by)


def _mix_p_values(group: pd.Series, labels: pd.Series, kept: list, groups: list,
                  against: list) -> dict:
    """Chi-square p-value of each group's segment mix against the other group or the rest."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    counts = pd.crosstab(group, labels).loc[kept].to_numpy(float)
    rows_a = counts[[kept.index(g) for g in groups]]
    rows_b = (counts[[kept.index(g) for g in against]] if against[0] != "the rest"
              else counts.sum(0) - rows_a)  # fmt: skip
    total = rows_a + rows_b
    n = total.sum(1, keepdims=True)
    expected_a = rows_a.sum(1, keepdims=True) * total / n
    expected_b = rows_b.sum(1, keepdims=True) * total / n
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = (rows_a - expected_a) ** 2 / expected_a + (rows_b - expected_b) ** 2 / expected_b
    chi2 = np.where(total > 0, terms, 0.0).sum(1)
    dof = (total > 0).sum(1) - 1
    p = stats.chi2.sf(chi2, np.maximum(dof, 1))
    return {f"{g} against {b}": float(v) for g, b, v, d in zip(groups, against, p, dof) if d > 0}
