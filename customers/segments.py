"""Customer profiles -> RFM scores, behavioural segments described in words, and the base by year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from customers.checks import require_columns
from customers.dates import as_day
from customers.errors import ParameterError, SchemaError
from customers.profiling import HOUR_BINS, MONTHS, WEEKDAYS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

AUTO_K = range(3, 9)
"""The k tried by ``k="auto"``: the best silhouette over 3..8 on a seeded sample."""
SHRINK = 10.0
"""Weekday and hour shares are shrunk toward the base's as if by this many extra visits."""
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def rfm(profile: pd.DataFrame) -> pd.DataFrame:
    """Recency, frequency and monetary scores 1-5 (quintiles) of :func:`profiles` rows.

    Customers are ranked on ``recency_days`` (fewer days scores higher), ``frequency`` and
    ``spend``; the score is ``1 + floor(5 (rank - 0.5) / n)`` with the *average* rank of tied
    customers, so equal values always get the same score and each score holds a fifth of the
    customers up to the size of the ties at its edges.

    Returns
    -------
    pandas.DataFrame
        ``r``, ``f``, ``m`` (1-5) and ``rfm`` (their digits, e.g. ``"545"``), same index.
    """
    import numpy as np
    import pandas as pd

    _columns(profile, ["recency_days", "frequency", "spend"])
    n = len(profile)
    out = pd.DataFrame(index=profile.index)
    for name, column, sign in (("r", "recency_days", -1), ("f", "frequency", 1),
                               ("m", "spend", 1)):
        rank = (sign * profile[column]).rank(method="average").to_numpy()
        out[name] = (1 + np.floor(5 * (rank - 0.5) / n)).clip(1, 5).astype(np.int64)
    out["rfm"] = out["r"].astype(str) + out["f"].astype(str) + out["m"].astype(str)
    return out


def _columns(profile: pd.DataFrame, needed: list[str]) -> None:
    require_columns(profile, needed, source="profile",
                    fix="Pass the table returned by customers.profiles()")


def habit_features(profile: pd.DataFrame) -> pd.DataFrame:
    """The standardised habits segments are made of (z-scores; NaN filled with the mean).

    Weekday shares (7) and hour-bin shares (4), each shrunk toward the base's visit-weighted
    shares as if the customer had :data:`SHRINK` more visits in the base's mix (so that a
    customer of three visits is not taken for a Tuesday shopper); the month excess shares
    (``season_*``, 12) shrunk toward 0 the same way; log mean spend, log visits, and with lines
    log items per visit and the category shares. Each kind of habit (weekdays, hours, months,
    spend, visits, items, categories) weighs the same: a block of ``c`` columns is divided by
    ``sqrt(c)``, so its total variance is 1, as that of a single habit.
    """
    import numpy as np

    days = [f"share_{d}" for d in WEEKDAYS]
    hours = [f"share_{b[0]}" for b in HOUR_BINS]
    _columns(profile, days + hours + ["mean_spend", "frequency"])
    visits = profile["frequency"].to_numpy(dtype=float)[:, None]
    shares = profile[days + hours].astype(float)
    base = (shares * visits).sum() / visits.sum()
    # Shrink toward the base's mix as if each customer had SHRINK more visits in it: a
    # customer seen 3 times has no weekday habit to speak of, only noise.
    raw = (shares * visits + base * SHRINK) / (visits + SHRINK)
    months = [f"season_{m}" for m in MONTHS if f"season_{m}" in profile.columns]
    # Month excess shares are differences from the customer's own expectation: shrunk toward 0.
    raw[months] = profile[months].astype(float) * visits / (visits + SHRINK)
    if months:
        # How seasonal (half the total gap to the expected months: 0 none, 1 all elsewhere),
        # one habit of its own beside which months (the month block).
        raw["seasonality"] = 0.5 * raw[months].abs().sum(axis=1)
    raw["log_mean_spend"] = np.log1p(profile["mean_spend"].astype(float))
    raw["log_frequency"] = np.log1p(profile["frequency"].astype(float))
    if "items_per_visit" in profile.columns:
        raw["log_items_per_visit"] = np.log1p(profile["items_per_visit"].astype(float))
    cats = [c for c in profile.columns if str(c).startswith("cat_")]
    for c in cats:
        raw[c] = profile[c].astype(float)
    raw = raw.fillna(raw.mean()).fillna(0.0)
    std = raw.std(ddof=0)
    z = (raw - raw.mean()) / std.where(std > 0, 1.0)
    # Each kind of habit weighs the same however many columns it has: when (weekdays), what
    # time (hours), how much (spend), how often (visits), how many items, what (categories).
    for block in (days, hours, months, cats):
        if block:
            z[block] = z[block] / np.sqrt(len(block))
    return z


def _kmeans(x: np.ndarray, k: int, seed: int, n_init: int = 4,
            iterations: int = 100) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd's k-means with k-means++ starts; the best of ``n_init`` (lowest inertia)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    best = (None, None, np.inf)
    norms = (x * x).sum(1)
    for _ in range(n_init):
        centres = x[[rng.integers(len(x))]]
        for _ in range(1, k):
            d = (norms[:, None] - 2 * x @ centres.T + (centres * centres).sum(1)).min(1)
            d = np.maximum(d, 0)
            centres = np.vstack([centres, x[rng.choice(len(x), p=d / d.sum())]])
        labels = np.full(len(x), -1)
        for _ in range(iterations):
            d = norms[:, None] - 2 * x @ centres.T + (centres * centres).sum(1)
            new = d.argmin(1)
            if np.array_equal(new, labels):
                break
            labels = new
            for j in range(k):
                mine = labels == j
                centres[j] = x[mine].mean(0) if mine.any() else x[rng.integers(len(x))]
        inertia = float(np.maximum(d[np.arange(len(x)), labels], 0).sum())
        if inertia < best[2]:
            best = (labels, centres.copy(), inertia)
    return best


def _silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width (Rousseeuw 1987) of a (small) sample."""
    import numpy as np

    sq = (x * x).sum(1)
    d = np.sqrt(np.maximum(sq[:, None] - 2 * x @ x.T + sq[None, :], 0))
    groups = np.unique(labels)
    mean = np.stack([d[:, labels == g].sum(1) for g in groups], 1)
    size = np.array([(labels == g).sum() for g in groups], dtype=float)
    own = np.searchsorted(groups, labels)
    a = mean[np.arange(len(x)), own] / np.maximum(size[own] - 1, 1)
    other = mean / size
    other[np.arange(len(x)), own] = np.inf
    b = other.min(1)
    s = np.where(size[own] > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(s.mean())


@dataclass(frozen=True)
class Segmentation:
    """The result of :func:`segment`.

    Attributes
    ----------
    table : pandas.DataFrame
        Per customer: ``r``, ``f``, ``m``, ``rfm`` and ``segment`` (0..k-1, biggest first)
        and ``segment_name``.
    segments : pandas.DataFrame
        Per segment: ``name``, ``customers``, ``share_customers``, ``share_sales``,
        ``mean_spend``, ``frequency`` and ``description``.
    k : int
    seed : int
    silhouettes : dict
        With ``k="auto"``: the silhouette of each k tried.
    """

    table: pd.DataFrame
    segments: pd.DataFrame
    k: int
    seed: int
    silhouettes: dict

    def summary(self) -> list[str]:
        """One line for the whole and one per segment."""
        how = (f"best silhouette over k={min(self.silhouettes)}..{max(self.silhouettes)}"
               if self.silhouettes else "k given")
        head = (f"{len(self.table):,} customers in {self.k} segments (k-means on standardised "
                f"habits, seed {self.seed}, {how})")
        lines = [head]
        lines += [f"segment {i}: {d}" for i, d in self.segments["description"].items()]
        return lines


def _words(segment_mean: pd.Series, base_mean: pd.Series, base_std: pd.Series,
           limit: int = 3, threshold: float = 0.3) -> list[str]:
    """What sets a segment apart from the base, as a few words, strongest first."""
    diff = ((segment_mean - base_mean) / base_std.where(base_std > 0)).dropna()
    words: list[tuple[float, str]] = []
    season = diff[[str(c).startswith("season_") for c in diff.index]]
    if (season >= threshold).any():
        words.append((float(season.max()), _months_text(season >= threshold)))
    for column, z in diff.items():
        if abs(z) < threshold or str(column).startswith("season_"):
            continue
        high = z > 0
        if column == "share_weekend":
            text = "weekend shoppers" if high else "weekday shoppers"
        elif column.startswith("share_") and column[6:] in WEEKDAYS:
            if not high:
                continue
            text = f"{_DAY_NAMES[WEEKDAYS.index(column[6:])]} shoppers"
        elif column.startswith("share_"):
            if not high:
                continue
            text = f"{column[6:]} shoppers"
        elif column == "mean_spend":
            text = "big baskets" if high else "small baskets"
        elif column == "frequency":
            text = "frequent visitors" if high else "rare visitors"
        elif column == "items_per_visit":
            text = "many items" if high else "few items"
        elif column == "recency_days":
            text = "not seen lately" if high else "seen lately"
        elif column.startswith("cat_"):
            text = f"{'more' if high else 'less'} {column[4:]}"
        else:
            continue
        words.append((abs(z), text))
    words.sort(key=lambda w: -w[0])
    return [w for _, w in words[:limit]] or ["close to the average customer"]


def _months_text(high: pd.Series) -> str:
    """``"seasonal shoppers (Jun-Aug)"``: the months flagged, consecutive ones as a range (Dec-Jan wraps)."""
    flagged = [MONTHS.index(str(c)[7:]) for c, on in high.items() if on]
    runs: list[list[int]] = []
    for m in sorted(flagged):
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 11:
        runs[0] = runs.pop() + runs[0]
    name = [MONTHS[m].capitalize() for m in range(12)]
    text = ", ".join(name[r[0]] if len(r) == 1 else f"{name[r[0]]}-{name[r[-1]]}" for r in runs)
    return f"seasonal shoppers ({text})"


def segment(
    profile: pd.DataFrame, *, k: int | str = 5, seed: int = 0, sample: int = 2000
) -> Segmentation:
    """RFM scores and behavioural segments of :func:`profiles` rows.

    Segments are k-means clusters (k-means++ starts, the best of 4, Lloyd's iterations; numpy,
    seeded, so the same seed gives the same segments) of :func:`habit_features`: weekday and
    hour shares, basket size, visits, and items and categories when the profile has them.
    Segments are numbered by size (0 the biggest) and described by what sets them apart from
    the base: the habits whose segment mean is at least 0.3 standard deviations from the base
    mean, strongest first (at most three), with their share of customers and of sales.

    Parameters
    ----------
    profile : pandas.DataFrame
        The table returned by :func:`profiles`.
    k : int or "auto"
        The number of segments (default 5), or ``"auto"``: the best mean silhouette over
        k = 3..8 (:data:`AUTO_K`), computed on a seeded sample of ``sample`` customers.
    seed : int
        Seed of the starts and of the sample.

    Raises
    ------
    ParameterError
        ``k`` not a whole number from 2 up to the number of customers, nor ``"auto"``.
    """
    import numpy as np
    import pandas as pd

    z = habit_features(profile)
    # Customers in the order of their habits, not of their ids: the same customers under other
    # ids (a pseudonymised extract) get the same k-means starts, so the same segments.
    order = np.lexsort(z.to_numpy().T[::-1])
    x = z.to_numpy()[order]
    silhouettes: dict[int, float] = {}
    if k == "auto":
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(x), size=min(sample, len(x)), replace=False)
        for candidate in AUTO_K:
            if candidate < len(pick):
                labels = _kmeans(x[pick], candidate, seed)[0]
                silhouettes[candidate] = round(_silhouette(x[pick], labels), 4)
        if not silhouettes:
            raise ParameterError(f"too few customers ({len(x)}) for `k='auto'`",
                                 fix="Give a smaller whole `k`")
        k = max(silhouettes, key=silhouettes.get)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= len(x):
        raise ParameterError(f"`k={k!r}` is not a whole number from 2 to {len(x)} (customers)",
                             fix='Give a number of segments such as 5, or `k="auto"`')
    labels = np.empty(len(x), dtype=np.int64)
    labels[order] = _kmeans(x, int(k), seed)[0]
    sizes = np.bincount(labels, minlength=k)
    rank = np.empty(k, dtype=np.int64)
    rank[np.lexsort((np.arange(k), -sizes))] = np.arange(k)
    labels = rank[labels]

    describe = profile[[c for c in profile.columns
                        if str(c).startswith(("share_", "cat_", "season_"))]
                       + ["mean_spend", "frequency", "recency_days"]
                       + (["items_per_visit"] if "items_per_visit" in profile else [])].astype(float)
    describe["share_weekend"] = profile["share_sat"] + profile["share_sun"]
    base_mean, base_std = describe.mean(), describe.std(ddof=0)
    means = describe.groupby(labels).mean()
    sales = profile["spend"].groupby(labels).sum()
    rows = []
    for j in range(k):
        words = _words(means.loc[j], base_mean, base_std)
        share_c, share_s = (labels == j).mean(), sales.loc[j] / profile["spend"].sum()
        rows.append({
            "name": ", ".join(words), "customers": int((labels == j).sum()),
            "share_customers": share_c, "share_sales": share_s,
            "mean_spend": means.loc[j, "mean_spend"], "frequency": means.loc[j, "frequency"],
            "description": f"{', '.join(words)}: {share_c:.0%} of customers, "
                           f"{share_s:.0%} of sales, {means.loc[j, 'mean_spend']:.2f} a visit, "
                           f"{means.loc[j, 'frequency']:.1f} visits",
        })  # fmt: skip
    segments = pd.DataFrame(rows, index=pd.RangeIndex(k, name="segment"))
    table = rfm(profile)
    table["segment"] = labels
    table["segment_name"] = segments["name"].to_numpy()[labels]
    return Segmentation(table=table, segments=segments, k=int(k), seed=seed,
                        silhouettes=silhouettes)


def base_by_year(
    visits: pd.DataFrame,
    groups: pd.Series,
    *,
    as_of: str | date | datetime,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str = "amount_eur",
) -> pd.DataFrame:
    """How the active base changed year to year: its size, habits and mix of ``groups``.

    Years are the 12-month periods ending on ``as_of`` (the oldest may be shorter: see
    ``days``). A customer is active in a year with at least one visit in it.

    Parameters
    ----------
    visits : pandas.DataFrame
        The visits given to :func:`profiles`.
    groups : pandas.Series
        A label per customer id: ``segmentation.table["segment_name"]``, or a household or
        store from a customer table (``customers.set_index("customer_id")["household"]``).
        Customers without a label count as ``"unknown"``.
    as_of : date
        The end of the last year (inclusive).

    Returns
    -------
    pandas.DataFrame
        One row per year (indexed by its last day, oldest first): ``from``, ``days``,
        ``customers`` (active), ``visits_per_customer``, ``spend_per_customer`` and one
        ``share_<group>`` column per group (of the active customers).
    """
    import numpy as np
    import pandas as pd

    end = as_day(as_of, "as_of") + pd.Timedelta(days=1)
    missing = [c for c in (customer, timestamp, amount) if c not in visits.columns]
    if missing:
        raise SchemaError("missing column " + ", ".join(f"'{c}'" for c in missing),
                          source="visits", where="found: " + ", ".join(map(str, visits.columns)),
                          fix="Name the columns with `customer=`, `timestamp=` and `amount=`")
    times = pd.to_datetime(visits[timestamp], format="mixed")
    back = np.zeros(len(times), dtype=np.int64)
    edges = [end]
    while True:
        edge = edges[-1] - pd.DateOffset(years=1)
        edges.append(edge)
        if not (times < edge).any():
            break
    for edge in edges[1:-1]:
        back += (times < edge).to_numpy()
    frame = pd.DataFrame({"c": visits[customer].to_numpy(), "y": back,
                          "a": pd.to_numeric(visits[amount]).to_numpy()})
    per = frame.groupby(["y", "c"]).agg(v=("a", "size"), s=("a", "sum")).reset_index()
    per["g"] = groups.reindex(per["c"]).fillna("unknown").astype(str).to_numpy()
    out = per.groupby("y").agg(customers=("c", "size"), visits_per_customer=("v", "mean"),
                               spend_per_customer=("s", "mean"))
    shares = pd.crosstab(per["y"], per["g"], normalize="index").add_prefix("share_")
    out = out.join(shares)
    first = min(times.min().normalize(), edges[-1])
    out.insert(0, "from", [max(edges[y + 1], first).date() for y in out.index])
    out.insert(1, "days", [(edges[y] - max(edges[y + 1], first)).days for y in out.index])
    out.index = pd.Index([(edges[y] - pd.Timedelta(days=1)).date() for y in out.index],
                         name="year_to")
    return out.sort_index()
