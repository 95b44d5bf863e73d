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
            lines.append(f"{self.by} {group} ({n_a:,} customers) against {against} "
                         f"({n_b:,}): {text}")
        return lines


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
    if segments is not None:
        mix = pd.crosstab(group, segments.reindex(profile.index), normalize="index")
        table = table.join(mix.loc[kept].add_prefix("segment: "))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    pairs = [(kept[0], kept[1])] if len(kept) == 2 else [(g, "the rest") for g in kept]
    rows, mixes = [], {}
    for a, b in pairs:
        mine = (group == a).to_numpy()
        other = (group == b).to_numpy() if b != "the rest" else ~mine
        for column in values.columns:
            x, y = values.loc[mine, column].dropna(), values.loc[other, column].dropna()
            diff = x.mean() - y.mean()
            se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
            low, high = diff - z * se, diff + z * se
            rows.append({"group": a, "against": b, "measure": column, "value": x.mean(),
                         "other": y.mean(), "difference": diff, "low": low, "high": high,
                         "real": bool(low > 0 or high < 0)})
        if segments is not None:
            counts = pd.crosstab(mine[mine | other], segments.reindex(profile.index)[mine | other])
            counts = counts.loc[:, counts.sum() > 0]
            if counts.shape == (2, counts.shape[1]) and counts.shape[1] > 1:
                mixes[f"{a} against {b}"] = float(stats.chi2_contingency(counts.to_numpy())[1])
    table.index.name = by
    return GroupComparison(table=table, differences=pd.DataFrame(rows), mix_p_values=mixes,
                           confidence=confidence, by=by)
