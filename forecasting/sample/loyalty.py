"""Loyalty-card customers of the sample store, with known truths planted in their visits.

About half of the customers pay with a loyalty card (:data:`CARD_SHARE`). The cards are drawn
from a random generator of their own (``numpy.random.default_rng([seed, 7])``), after the store's
other data, so adding them changed no byte of the files that existed before.

Where the visits come from
--------------------------
The receipts (``receipts.csv``) cover only the last weeks of the history, too short for models
of who buys (lifecycle, next purchase, lapse), so card holders' visits are simulated over the
whole sales history in ``loyalty_visits.csv``. Every visit is one of the store's receipts:

- in the receipt weeks a visit *is* a receipt of ``receipts.csv`` (its ``receipt_id``, time,
  store and amount, the lines priced at the catalog price); ``loyalty.csv`` lists those receipts
  and their cards;
- before them the receipts exist only as counts per opening hour (``traffic.csv``): a visit takes
  one of its hour's receipts (never more card visits than receipts), a time within that hour, no
  ``receipt_id``, and an amount drawn from the same store's receipt amounts of the receipt weeks.

Visits are not tied to ``sales.csv`` line by line (the daily sales hold no receipts before the
receipt weeks); within a store and day, bigger spenders get the bigger receipts.

Planted truths (in :attr:`SampleStore.loyalty_truth`, not in the files)
-----------------------------------------------------------------------
- **Strict regulars** (``kind == "regular"``): six customers who come once a week on the same
  weekday and hour in the same store over the whole history, and at no other time, among them
  the Wednesday-morning customer of Kori Kallio (HKI, Wednesdays 08-09), whose basket is two
  litres of skimmed milk and a coffee (the catalog has no take-away coffee: ``Coffee 500 g``),
  7.47 EUR. Every visit of a regular costs exactly his basket: in the receipt weeks he takes
  one receipt of his hour (the one whose amount was closest to his basket's) and its lines are
  replaced by his basket in ``receipts.csv``, so his basket can be found from the receipts.
- **Lapsed customers** (``kind == "lapsed"``, ``lapse_date``): visit as ordinary customers until
  their lapse date and never again; the lapse falls at least 90 days after joining (or after the
  start of the history) and at least 90 days before its end.
- **Seasonal shoppers**: ``"summer"`` ones visit only in June-August, ``"christmas"`` ones only
  from 15 November to 23 December.
- **A shifting mix**: card holders declare their household (``customers.csv``). Of the members
  who joined before the history 15% are young families; of those who join during it, the share
  grows from 20% at its start to 45% at its end, so young families are a growing share of the
  active customers.
- **Net Promoter Score**: every customer has the score (0-10) they would give; ``survey.csv``
  holds the answers of a simple random sample of the customers with a visit in the last 365 days
  (``survey_population``), each answered on the day of one of their visits. Scores are drawn with
  45% promoters (9-10) and 25% detractors (0-6), an NPS of +20; the truth holds the realised
  scores of the whole population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CARD_SHARE = 0.5
"""Chance that a receipt is paid with a loyalty card."""
SURVEY_SIZE = 600
"""Card holders asked for a score (all of the population when it is smaller)."""
KINDS = ("ordinary", "regular", "lapsed", "summer", "christmas")
HOUSEHOLDS = ("single", "couple", "young family", "senior")

_BASE_MEMBERS = {"HKI": 1100, "TRE": 800}  # card holders who joined before the history
_JOINERS_PER_YEAR = {"HKI": 260, "TRE": 190}
_LAPSED_SHARE, _SUMMER_SHARE, _CHRISTMAS_SHARE = 0.12, 0.04, 0.04
_SEASON_BOOST = 3.0  # seasonal shoppers come more often while they come
_YOUNG_FAMILY_BASE, _YOUNG_FAMILY_FROM, _YOUNG_FAMILY_TO = 0.15, 0.20, 0.45
_OTHER_HOUSEHOLDS = {"single": 0.40, "couple": 0.35, "senior": 0.25}
_RATE = {"single": 0.9, "couple": 1.0, "young family": 1.3, "senior": 1.2}
_SPEND = {"single": 0.7, "couple": 1.0, "young family": 1.6, "senior": 0.8}
_MIN_TENURE_DAYS = 90
# Share of each score 0..10: detractors 25%, passives 30%, promoters 45% (NPS +20).
_SCORE_SHARES = np.array([1, 1, 2, 2, 3, 6, 10, 13, 17, 25, 20]) / 100.0


@dataclass(frozen=True)
class Regular:
    """A strict regular: one visit every week on ``weekday`` (0 = Monday) in ``hour``."""

    store: str
    weekday: int
    hour: int
    basket: tuple[tuple[str, int], ...]


REGULARS: tuple[Regular, ...] = (
    Regular("HKI", 2, 8, (("Skimmed milk 1 l", 2), ("Coffee 500 g", 1))),
    Regular(
        "HKI", 5, 10, (("Rye bread 6 pcs", 1), ("Eggs 10 pcs", 1), ("Milk 1 l", 2))
    ),
    Regular(
        "HKI", 0, 17, (("Chicken fillet strips 400 g", 2), ("Basmati rice 1 kg", 1))
    ),
    Regular("TRE", 4, 16, (("Beer 6 x 0.33 l", 1), ("Frozen pizza 350 g", 2))),
    Regular("TRE", 6, 12, (("Cinnamon buns 6 pcs", 1), ("Coffee 500 g", 1))),
    Regular("TRE", 1, 18, (("Oat drink 1 l", 3), ("Bananas 1 kg", 1))),
)
"""The planted regulars; the first is the Wednesday-morning customer."""
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Loyalty:
    """Loyalty-card data of the sample store: the files and the planted truth."""

    receipts: pd.DataFrame  # the receipts given, the regulars' baskets planted in theirs
    loyalty: pd.DataFrame  # receipt_id, customer_id
    customers: pd.DataFrame  # customer_id, store, joined_on, household
    visits: pd.DataFrame  # customer_id, timestamp, store, receipt_id, amount_eur
    survey: pd.DataFrame  # customer_id, answered_on, score
    truth: pd.DataFrame


def simulate_loyalty(
    *,
    receipts: pd.DataFrame,
    traffic: pd.DataFrame,
    catalog: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    receipts_from: pd.Timestamp,
    seed: int,
) -> Loyalty:
    """Card holders, their visits and survey answers, over receipts and traffic already drawn.

    Parameters
    ----------
    receipts, traffic, catalog : pandas.DataFrame
        The sample store's tables (``receipt_id, timestamp, store, sku, quantity``;
        ``timestamp, store, receipts``; ``sku, name, price_eur``).
    start, end : pandas.Timestamp
        First and last day of the history.
    receipts_from : pandas.Timestamp
        First day of the receipt weeks (the day after ``end`` when there are none).
    seed : int
        The simulation's seed; the cards draw from ``default_rng([seed, 7])``.

    Returns
    -------
    Loyalty
    """
    rng = np.random.default_rng([seed, 7])
    stores = sorted(set(traffic["store"]))
    people = _customers(stores, start, end, rng)
    price = dict(zip(catalog["name"], catalog["price_eur"]))
    value = np.array([_basket_value(r, price) for r in REGULARS])
    priced = receipts.merge(catalog[["sku", "price_eur"]], on="sku", how="left")
    priced["amount"] = priced["quantity"] * priced["price_eur"]
    tickets = priced.groupby("receipt_id", sort=False).agg(
        timestamp=("timestamp", "first"), store=("store", "first"), amount=("amount", "sum")
    ).reset_index()  # fmt: skip
    tickets["amount"] = tickets["amount"].round(2)
    n_regulars = len(REGULARS)

    # Receipt weeks: regulars take the receipt of their hour closest to their basket.
    forced = np.full(len(tickets), -1)
    stamps = tickets["timestamp"]
    for k, regular in enumerate(REGULARS):
        mine = (
            (tickets["store"] == regular.store)
            & (stamps.dt.day_of_week == regular.weekday)
            & (stamps.dt.hour == regular.hour)
        )
        gap = (tickets.loc[mine, "amount"] - value[k]).abs()
        best = gap.groupby(stamps[mine].dt.normalize()).idxmin().to_numpy()
        forced[best] = k
    receipts = _plant_baskets(receipts, tickets["receipt_id"], forced, catalog)
    card = (forced >= 0) | (rng.random(len(tickets)) < CARD_SHARE)
    late = pd.DataFrame({
        "timestamp": stamps[card].to_numpy(), "store": tickets["store"][card].to_numpy(),
        "receipt_id": tickets["receipt_id"][card].to_numpy(),
        "amount_eur": tickets["amount"][card].to_numpy(), "who": forced[card],
    })  # fmt: skip
    late["amount_eur"] = late["receipt_id"].map(_amounts(receipts, catalog)).to_numpy()

    # Earlier weeks: card visits are drawn among each hour's receipts.
    slots = traffic[(traffic["timestamp"] < receipts_from) & (traffic["receipts"] > 0)]
    slot_time, slot_store = slots["timestamp"], slots["store"].to_numpy()
    counts = slots["receipts"].to_numpy()
    slot_regular = np.full(len(slots), -1)
    for k, regular in enumerate(REGULARS):
        slot_regular[
            (slot_store == regular.store)
            & (slot_time.dt.day_of_week == regular.weekday).to_numpy()
            & (slot_time.dt.hour == regular.hour).to_numpy()
        ] = k
    has_regular = (slot_regular >= 0).astype(int)
    drawn = rng.binomial(counts - has_regular, CARD_SHARE)
    n_visits = drawn + has_regular
    time = np.repeat(slot_time.to_numpy(), n_visits)
    first = np.repeat(np.cumsum(n_visits) - n_visits, n_visits)
    is_regular = (np.arange(len(time)) == first) & np.repeat(has_regular == 1, n_visits)
    who = np.where(is_regular, np.repeat(slot_regular, n_visits), -1)
    store = np.repeat(slot_store, n_visits)
    amount = _draw_amounts(store, tickets, rng)
    amount[is_regular] = value[who[is_regular]]
    early = pd.DataFrame({
        "timestamp": time + (rng.integers(0, 3600, len(time)) * 1_000_000_000).astype(
            "timedelta64[ns]"),
        "store": store, "receipt_id": "", "amount_eur": amount, "who": who,
    })  # fmt: skip

    visits = pd.concat([early, late], ignore_index=True)
    visits["who"] = _assign(visits, people, n_regulars, rng)
    visits = visits[visits["who"] >= 0]
    visits = visits.sort_values(
        ["timestamp", "store", "who"], kind="stable", ignore_index=True
    )
    ids = people["customer_id"].to_numpy()
    visits.insert(0, "customer_id", ids[visits.pop("who").to_numpy()])
    visits["timestamp"] = visits["timestamp"].astype("datetime64[ns]")

    card_ids = visits.loc[visits["receipt_id"] != "", ["receipt_id", "customer_id"]]
    order = pd.Series(np.arange(len(tickets)), index=tickets["receipt_id"])
    loyalty = card_ids.iloc[
        np.argsort(order[card_ids["receipt_id"]].to_numpy(), kind="stable")
    ]

    truth = _truth(people, visits, end)
    survey = _survey(truth, visits, end, rng)
    customers = people[["customer_id", "store", "joined_on", "household"]]
    customers = customers.sort_values(["joined_on", "customer_id"], ignore_index=True)
    return Loyalty(
        receipts=receipts,
        loyalty=loyalty.reset_index(drop=True),
        customers=customers,
        visits=visits,
        survey=survey,
        truth=truth,
    )


def net_promoter_score(scores: np.ndarray | pd.Series) -> float:
    """Share of promoters (9-10) minus share of detractors (0-6), in points (-100..100)."""
    scores = np.asarray(scores)
    if len(scores) == 0:
        return float("nan")
    return float(100.0 * (np.mean(scores >= 9) - np.mean(scores <= 6)))


def _plant_baskets(
    receipts: pd.DataFrame, ids: pd.Series, forced: np.ndarray, catalog: pd.DataFrame
) -> pd.DataFrame:
    """``receipts`` with each regular's receipts holding exactly his basket.

    The basket's units are taken from other receipts of the same store and day (never
    emptying one), and the regular's receipt's own lines go to the first of those, so the
    units sold per store, day and product (``sales.csv``) and the receipts per hour
    (``traffic.csv``) stay as they were. A day without enough of a basket item keeps the
    receipt as it was (the regular bought something else that week).
    """
    sku = dict(zip(catalog["name"], catalog["sku"]))
    frame = receipts.copy()
    frame["_at"] = np.arange(len(frame), dtype=float)
    day = frame["timestamp"].dt.normalize()
    lines_per_receipt = frame.groupby("receipt_id")["sku"].transform("size")
    for rid, k in zip(ids[forced >= 0], forced[forced >= 0]):
        mine = (frame["receipt_id"] == rid).to_numpy()
        head = frame[mine].iloc[0]
        pool = (frame["store"] == head["store"]).to_numpy() & (day == day[mine].iloc[0]).to_numpy()
        pool &= ~mine
        takes = _donors(frame, pool, lines_per_receipt, REGULARS[k].basket, sku)
        if takes is None:
            continue
        for row, units in takes:
            frame.loc[row, "quantity"] -= units
        first = frame.loc[takes[0][0]]
        frame.loc[mine, ["receipt_id", "timestamp", "_at"]] = (
            first["receipt_id"], first["timestamp"], first["_at"] + 0.5)
        basket = pd.DataFrame({
            "receipt_id": rid, "timestamp": head["timestamp"], "store": head["store"],
            "sku": [sku[name] for name, _ in REGULARS[k].basket],
            "quantity": [units for _, units in REGULARS[k].basket], "_at": head["_at"],
        })  # fmt: skip
        frame = pd.concat([frame, basket.astype(frame.dtypes.to_dict())], ignore_index=True)
        day = frame["timestamp"].dt.normalize()
        lines_per_receipt = frame.groupby("receipt_id")["sku"].transform("size")
    frame = frame[frame["quantity"] > 0]
    # A line moved into a receipt that had the same product is one line.
    keys = ["receipt_id", "timestamp", "store", "sku"]
    frame = frame.groupby(keys, sort=False, as_index=False).agg(
        quantity=("quantity", "sum"), _at=("_at", "min"))
    frame = frame.sort_values("_at", kind="stable").drop(columns="_at")
    return frame.reset_index(drop=True)[receipts.columns].astype(receipts.dtypes.to_dict())


def _amounts(receipts: pd.DataFrame, catalog: pd.DataFrame) -> pd.Series:
    """Each receipt's amount at catalog prices, by receipt id."""
    price = receipts["sku"].map(dict(zip(catalog["sku"], catalog["price_eur"])))
    return (receipts["quantity"] * price).groupby(receipts["receipt_id"]).sum().round(2)


def _donors(
    frame: pd.DataFrame,
    pool: np.ndarray,
    lines_per_receipt: pd.Series,
    basket: tuple[tuple[str, int], ...],
    sku: dict[str, str],
) -> list[tuple[int, int]] | None:
    """Rows (and units) of ``pool`` that give up the basket without emptying a receipt."""
    takes: list[tuple[int, int]] = []
    for name, units in basket:
        if name not in sku:
            return None
        rows = frame.index[pool & (frame["sku"] == sku[name]).to_numpy()]
        for row in rows:
            # A whole line only from a receipt with more lines than the basket has items.
            spare = int(frame.at[row, "quantity"]) - (lines_per_receipt[row] <= len(basket))
            take = min(spare, units)
            if take > 0:
                takes.append((row, take))
                units -= take
            if units == 0:
                break
        if units > 0:
            return None
    return takes


def _basket_value(regular: Regular, price: dict[str, float]) -> float:
    total = sum(price.get(name, 0.0) * units for name, units in regular.basket)
    return round(total, 2) if total > 0 else 5.0


def _customers(
    stores: list[str], start: pd.Timestamp, end: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Card holders: the regulars first, then each store's members and joiners."""
    days = (end - start).days + 1
    years = days / 365.25
    parts = []
    for store in stores:
        base = _BASE_MEMBERS.get(store, 500)
        joiners = rng.poisson(_JOINERS_PER_YEAR.get(store, 120) * years)
        before = start - pd.to_timedelta(rng.integers(1, 5 * 365, base), unit="D")
        during = start + pd.to_timedelta(
            np.sort(rng.integers(0, days, joiners)), unit="D"
        )
        joined = np.concatenate([before.to_numpy(), during.to_numpy()])
        # Young families' share among joiners grows over the history.
        progress = np.concatenate(
            [np.full(base, -1.0), (during - start).days / max(days - 1, 1)]
        )
        young = np.where(
            progress < 0,
            _YOUNG_FAMILY_BASE,
            _YOUNG_FAMILY_FROM + (_YOUNG_FAMILY_TO - _YOUNG_FAMILY_FROM) * progress,
        )
        other = rng.choice(list(_OTHER_HOUSEHOLDS), size=len(joined),
                           p=list(_OTHER_HOUSEHOLDS.values()))  # fmt: skip
        household = np.where(rng.random(len(joined)) < young, "young family", other)
        parts.append(
            pd.DataFrame({"store": store, "joined_on": joined, "household": household})
        )
    regulars = pd.DataFrame({
        "store": [r.store for r in REGULARS],
        "joined_on": start - pd.to_timedelta(rng.integers(365, 5 * 365, len(REGULARS)), unit="D"),
        "household": rng.choice(["single", "couple", "senior"], size=len(REGULARS)),
    })  # fmt: skip
    people = pd.concat([regulars, *parts], ignore_index=True)
    people["joined_on"] = people["joined_on"].astype("datetime64[ns]")
    n = len(people)
    kind = np.where(np.arange(n) < len(REGULARS), "regular", "ordinary").astype(object)
    pick = rng.random(n)
    rest = kind == "ordinary"
    kind[rest & (pick < _SUMMER_SHARE)] = "summer"
    kind[rest & (pick >= _SUMMER_SHARE) & (pick < _SUMMER_SHARE + _CHRISTMAS_SHARE)] = (
        "christmas"
    )
    # Lapses fall 90 days after joining (or the start) and 90 days before the end, or not at all.
    earliest = people["joined_on"].clip(lower=start) + pd.Timedelta(
        days=_MIN_TENURE_DAYS
    )
    latest = end - pd.Timedelta(days=_MIN_TENURE_DAYS)
    room = (latest - earliest).dt.days.to_numpy()
    lapses = rest & (rng.random(n) < _LAPSED_SHARE) & (room > 0)
    kind[lapses] = "lapsed"
    offset = np.floor(rng.random(n) * np.maximum(room, 0)).astype(int)
    lapse = earliest + pd.to_timedelta(offset, unit="D")
    people["kind"] = kind
    people["lapse_date"] = lapse.where(lapses).astype("datetime64[ns]")
    factor = people["household"].map(_RATE).to_numpy()
    people["rate"] = rng.gamma(2.0, 0.5, n) * factor
    people["spend"] = (
        rng.lognormal(0.0, 0.35, n) * people["household"].map(_SPEND).to_numpy()
    )
    people["score"] = rng.choice(11, size=n, p=_SCORE_SHARES)
    raw = 10_000_000 + rng.choice(90_000_000, size=3 * n, replace=True)
    unique = pd.unique(raw)[:n]
    people.insert(0, "customer_id", [f"L{value}" for value in unique])
    return people


def _draw_amounts(
    store: np.ndarray, tickets: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """Amounts of earlier visits: drawn from the same store's receipt amounts."""
    amount = np.empty(len(store))
    for code in np.unique(store):
        mine = store == code
        pool = tickets.loc[tickets["store"] == code, "amount"].to_numpy()
        if len(pool) == 0:  # no receipt weeks: receipts of about 8 lines
            pool = np.round(rng.lognormal(np.log(18.0), 0.7, 2000), 2)
        amount[mine] = pool[rng.integers(0, len(pool), int(mine.sum()))]
    return amount


def _assign(
    visits: pd.DataFrame,
    people: pd.DataFrame,
    n_regulars: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The customer of each visit (-1: none active that day); regulars keep their own."""
    who = visits["who"].to_numpy().copy()
    day = visits["timestamp"].to_numpy().astype("datetime64[D]")
    store = visits["store"].to_numpy()
    amount = visits["amount_eur"].to_numpy()
    free = np.flatnonzero(who < 0)
    store_names, store_code = np.unique(store[free], return_inverse=True)
    key = day[free].astype(np.int64) * len(store_names) + store_code
    keys, codes = np.unique(key, return_inverse=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    group_day = pd.DatetimeIndex((keys // len(store_names)).astype("datetime64[D]"))
    summer = (group_day.month >= 6) & (group_day.month <= 8)
    christmas = ((group_day.month == 11) & (group_day.day >= 15)) | (
        (group_day.month == 12) & (group_day.day <= 23)
    )
    group_day = group_day.to_numpy().astype("datetime64[D]")
    group_store = store_names[keys % len(store_names)]
    kind = people["kind"].to_numpy()
    rate = people["rate"].to_numpy() * np.where(np.isin(kind, ["summer", "christmas"]),
                                                 _SEASON_BOOST, 1.0)  # fmt: skip
    rate[:n_regulars] = 0.0
    log_spend = np.log(people["spend"].to_numpy())
    home = people["store"].to_numpy()
    by_store = {
        code: np.flatnonzero((home == code) & (rate > 0)) for code in np.unique(home)
    }
    joined = people["joined_on"].to_numpy().astype("datetime64[D]")
    lapse = people["lapse_date"].to_numpy().astype("datetime64[D]")
    for g, rows in enumerate(np.split(order, bounds)):
        members = by_store.get(group_store[g], np.empty(0, dtype=int))
        today = group_day[g]
        seasonal = kind[members]
        weight = rate[members] * (joined[members] <= today) * ~(lapse[members] < today)
        weight = (
            weight
            * ((seasonal != "summer") | summer[g])
            * ((seasonal != "christmas") | christmas[g])
        )
        total = weight.sum()
        if total <= 0:
            continue
        chosen = members[rng.choice(len(members), size=len(rows), p=weight / total)]
        # Bigger spenders get the bigger receipts, with noise.
        by_spend = chosen[
            np.argsort(log_spend[chosen] + rng.normal(0, 0.5, len(chosen)))
        ]
        slots = free[rows][np.argsort(amount[free[rows]], kind="stable")]
        who[slots] = by_spend
    return who


def _truth(
    people: pd.DataFrame, visits: pd.DataFrame, end: pd.Timestamp
) -> pd.DataFrame:
    last_year = visits.loc[
        visits["timestamp"] > end - pd.Timedelta(days=364), "customer_id"
    ]
    n = len(REGULARS)
    weekday = pd.array(
        [r.weekday for r in REGULARS] + [None] * (len(people) - n), dtype="Int64"
    )
    hour = pd.array(
        [r.hour for r in REGULARS] + [None] * (len(people) - n), dtype="Int64"
    )
    habit = [
        f"{_WEEKDAYS[r.weekday]} {r.hour:02d}-{r.hour + 1:02d} {r.store}: "
        + ", ".join(f"{units} x {name}" for name, units in r.basket)
        for r in REGULARS
    ] + [""] * (len(people) - n)
    return pd.DataFrame({
        "customer_id": people["customer_id"], "store": people["store"],
        "kind": people["kind"], "household": people["household"],
        "joined_on": people["joined_on"], "lapse_date": people["lapse_date"],
        "weekday": weekday, "hour": hour, "habit": habit, "score": people["score"],
        "survey_population": people["customer_id"].isin(set(last_year)).to_numpy(),
    })  # fmt: skip


def _survey(
    truth: pd.DataFrame,
    visits: pd.DataFrame,
    end: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """A simple random sample of the last year's card holders, answered on a visit's day."""
    population = truth.loc[truth["survey_population"], ["customer_id", "score"]]
    size = min(SURVEY_SIZE, len(population))
    asked = population.iloc[
        np.sort(rng.choice(len(population), size=size, replace=False))
    ]
    recent = visits[visits["timestamp"] > end - pd.Timedelta(days=364)]
    recent = recent[recent["customer_id"].isin(set(asked["customer_id"]))]
    pick = recent.assign(r=rng.random(len(recent))).sort_values("r", kind="stable")
    day = pick.drop_duplicates("customer_id").set_index("customer_id")["timestamp"]
    survey = pd.DataFrame({
        "customer_id": asked["customer_id"].to_numpy(),
        "answered_on": day.reindex(asked["customer_id"]).dt.normalize().to_numpy(),
        "score": asked["score"].to_numpy(),
    })  # fmt: skip
    survey["answered_on"] = survey["answered_on"].astype("datetime64[ns]")
    return survey.sort_values(["answered_on", "customer_id"], ignore_index=True)
