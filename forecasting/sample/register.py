"""The sample's customer register (``register.csv``), with known faults planted in it.

One row per card holder of ``customers.csv`` (the same ids, the town of their store), plus a few
members who only exist in the register: name, street address, Finnish postal code and town,
email, mobile phone as people type it, birth year, when they joined and when their details were
last confirmed (``updated_on``), their marketing consent with its date and preferred channel.
The register draws from a random generator of its own (``numpy.random.default_rng([seed,
11])``), after every other file, so adding it changed no byte of the files that existed before.

Planted faults (in :attr:`SampleStore.register_truth`, not in the files)
------------------------------------------------------------------------
Each is found, and nothing else is, by the rules of ``kori customers register check`` with their
default parameters, ``as_of`` the last day of the history and the visits of
``loyalty_visits.csv`` as receipts. Clean records keep months of margin from every threshold:
updated and (for a ``yes``) consented within the last 21 months, every field filled and valid.

- ``duplicate``: 100 people hold a second card (another card holder of the same store), 20 pairs
  of each kind: ``typo`` (a letter of the surname wrong), ``swapped`` (first and last name
  swapped), ``moved`` (an old and a new street address), ``nickname`` (Katariina / Katri),
  ``diacritic`` (Mäkinen / Makinen). The two records share the birth year and phone number, and
  the address but for the ``moved`` ones; half share the email. Other people never share a
  first and last name (nor, so, an email).
- ``stale``: members whose last visit is 30 months or more before the end (or who never came)
  and whose details were last updated 30-33 months before it.
- ``address_unchecked``: members who still shop (a visit in the last 18 months) but whose
  details were last updated 40-54 months before the end.
- ``consent_missing`` (blank consent, or ``yes`` without a date) and ``consent_expired``
  (``yes`` given 27 months or more before the end).
- ``invalid_postal_code`` (leading zeros lost, a digit missing or extra), ``invalid_email`` (no
  ``@``, no dot in the domain, a space, two dots, a comma), ``invalid_phone`` (too few or too
  many digits).
- ``past_retention``: about 2% of register-only members (ids in no visit) who joined 6-10 years
  and were last updated 5.5 years or more before the end; they are ``stale`` and
  ``address_unchecked`` too, and those are listed with them.

Stale, unchecked and past-retention members said ``no`` to marketing (a dated ``no`` never
expires), so each planted record has exactly the faults listed for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.sample.names import (
    DOMAINS,
    FIRST_NAMES,
    MOBILE_PREFIXES,
    NICKNAMES,
    STREETS,
    SURNAMES,
    TOWNS,
)

COLUMNS = (
    "member_id", "first_name", "last_name", "street", "postal_code", "town", "email", "phone",
    "birth_year", "joined_on", "updated_on", "consent", "consent_date", "channel",
)  # fmt: skip
"""Columns of ``register.csv``."""
CHECKS = (
    "missing", "invalid_postal_code", "invalid_email", "invalid_phone", "duplicate", "stale",
    "address_unchecked", "consent_missing", "consent_expired", "past_retention",
)  # fmt: skip
"""The register check's names of problems, in the order the truth lists them."""
PAIR_KINDS = ("typo", "swapped", "moved", "nickname", "diacritic")
"""Kinds of planted duplicate pairs."""
PAIRS_PER_KIND = 20
RETENTION_SHARE = 0.02
SHARES = {
    "stale": 0.025, "address_unchecked": 0.025, "consent_missing": 0.03,
    "consent_expired": 0.025, "invalid_postal_code": 0.015, "invalid_email": 0.02,
    "invalid_phone": 0.02,
}  # fmt: skip
"""Share of the card holders planted with each single fault (fewer where too few fit)."""

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "Ä": "A", "Ö": "O", "Å": "A"})
_CHANNELS, _CHANNEL_P = ("email", "sms", "post"), (0.55, 0.3, 0.15)


@dataclass(frozen=True)
class Register:
    """The register table (``register.csv``) and its truth: ``member_id, person, faults,
    pair_kind`` (see the module's docstring)."""

    table: pd.DataFrame
    truth: pd.DataFrame


def _months(months: float) -> pd.Timedelta:
    return pd.Timedelta(days=round(months * 30.44))


def simulate_register(
    customers: pd.DataFrame, visits: pd.DataFrame, end: pd.Timestamp, seed: int
) -> Register:
    """The customer register of the card holders, with faults planted in it.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id, store, joined_on``: the card holders (``customers.csv``).
    visits : pandas.DataFrame
        ``customer_id, timestamp``: their visits (``loyalty_visits.csv``).
    end : pandas.Timestamp
        Last day of the history (the ``as_of`` the faults are planted for).
    seed : int
        The simulation's seed; the register draws from ``default_rng([seed, 11])``.

    Returns
    -------
    Register
    """
    rng = np.random.default_rng([seed, 11])
    end = pd.Timestamp(end).normalize()
    last = visits.groupby("customer_id")["timestamp"].max().dt.normalize()
    rec = pd.DataFrame({
        "member_id": customers["customer_id"].to_numpy(),
        "store": customers["store"].to_numpy(),
        "joined_on": pd.to_datetime(customers["joined_on"]).dt.normalize().to_numpy(),
    })  # fmt: skip
    rec["last_visit"] = rec["member_id"].map(last)
    rec["role"] = ""
    extra = _register_only(rec, end, rng)
    rec = pd.concat([rec, extra], ignore_index=True)
    n_cards = len(customers)
    kind = np.full(len(rec), "", dtype=object)
    partner = np.full(len(rec), -1)
    _plan_pairs(rec, n_cards, kind, partner, rng)
    _plan_faults(rec, n_cards, kind != "", end, rng)
    people = _people(rec, kind, partner, rng)
    dates = _dates(rec, end, rng)
    table = pd.DataFrame({
        "member_id": rec["member_id"], "first_name": people["first_name"],
        "last_name": people["last_name"], "street": people["street"],
        "postal_code": people["postal_code"], "town": rec["store"].map(TOWNS).fillna("Helsinki"),
        "email": people["email"], "phone": people["phone"],
        "birth_year": people["birth_year"].astype(str),
        "joined_on": rec["joined_on"].dt.strftime("%Y-%m-%d"),
        "updated_on": dates["updated_on"].dt.strftime("%Y-%m-%d"),
        "consent": dates["consent"], "consent_date": dates["consent_date"],
        "channel": rng.choice(_CHANNELS, size=len(rec), p=_CHANNEL_P),
    })  # fmt: skip
    _corrupt(table, rec["role"].to_numpy(), rng)
    faults = [
        ";".join(c for c in CHECKS if c in _faults_of(role, k))
        for role, k in zip(rec["role"], kind)
    ]
    truth = pd.DataFrame({
        "member_id": rec["member_id"], "person": people["person"], "faults": faults,
        "pair_kind": kind,
    })  # fmt: skip
    order = np.argsort(table["member_id"].to_numpy(), kind="stable")
    return Register(
        table=table.iloc[order].reset_index(drop=True)[list(COLUMNS)],
        truth=truth.iloc[order].reset_index(drop=True),
    )


def _faults_of(role: str, kind: str) -> set[str]:
    if role == "retention":
        return {"stale", "address_unchecked", "past_retention"}
    found = {role} if role else set()
    return found | ({"duplicate"} if kind else set())


def _register_only(rec: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """Members past retention: in the register only, joined 6-10 years before the end."""
    count = round(RETENTION_SHARE * len(rec))
    taken = set(rec["member_id"])
    ids: list[str] = []
    while len(ids) < count:
        candidate = f"L{10_000_000 + int(rng.integers(0, 90_000_000))}"
        if candidate not in taken:
            taken.add(candidate)
            ids.append(candidate)
    stores = np.unique(rec["store"].to_numpy())
    days = rng.integers(_months(72).days, _months(120).days, count)
    return pd.DataFrame({
        "member_id": ids, "store": rng.choice(stores, size=count),
        "joined_on": end - pd.to_timedelta(days, unit="D"),
        "last_visit": pd.NaT, "role": "retention",
    })  # fmt: skip


def _plan_pairs(
    rec: pd.DataFrame, n_cards: int, kind: np.ndarray, partner: np.ndarray,
    rng: np.random.Generator,
) -> None:  # fmt: skip
    """Pick the second cards: 20 pairs of each kind, two card holders of one store."""
    store = rec["store"].to_numpy()
    free = np.ones(len(rec), dtype=bool)
    free[n_cards:] = False
    for pair_kind in PAIR_KINDS:
        for _ in range(PAIRS_PER_KIND):
            first = int(rng.choice(np.flatnonzero(free)))
            free[first] = False
            second = int(rng.choice(np.flatnonzero(free & (store == store[first]))))
            free[second] = False
            kind[[first, second]] = pair_kind
            partner[first], partner[second] = second, first


def _plan_faults(
    rec: pd.DataFrame, n_cards: int, paired: np.ndarray, end: pd.Timestamp,
    rng: np.random.Generator,
) -> None:  # fmt: skip
    """Give each single fault to its share of the card holders it fits (``role``); the
    duplicate pairs have no other fault."""
    joined, last = rec["joined_on"], rec["last_visit"]
    cards = np.arange(len(rec)) < n_cards
    long_ago = (last.isna() | (last <= end - _months(30))).to_numpy()
    fits = {
        "stale": long_ago & (joined <= end - _months(30)).to_numpy(),
        "address_unchecked": ((joined <= end - _months(42)) & (last >= end - _months(18))).to_numpy(),
        "consent_expired": (joined <= end - _months(28)).to_numpy(),
    }
    taken = ~cards | paired
    for role, share in SHARES.items():
        pool = np.flatnonzero(fits.get(role, cards) & ~taken & cards)
        count = min(round(share * n_cards), len(pool))
        chosen = rng.choice(pool, size=count, replace=False)
        rec.loc[chosen, "role"] = role
        taken[chosen] = True


def _people(
    rec: pd.DataFrame, kind: np.ndarray, partner: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Name, address, email, phone and birth year of every record, a person's two alike."""
    n = len(rec)
    town = rec["store"].map(TOWNS).fillna("Helsinki").to_numpy()
    first_of_pair = (partner >= 0) & (np.arange(n) < partner)
    second_of_pair = (partner >= 0) & ~first_of_pair
    persons = np.flatnonzero(~second_of_pair)
    # Constrained people (the first of a nickname or diacritic pair) take their names first.
    order = sorted(persons, key=lambda i: (kind[i] not in ("nickname", "diacritic"), i))
    combos = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    deck = [combos[i] for i in rng.permutation(len(combos))]
    used: set[tuple[str, str]] = set()
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    for i in order:
        for at, (f, s) in enumerate(deck):
            if (f, s) in used or not _fits(kind[i], f, s):
                continue
            variant = _variant(kind[i], f, s, used, rng) if kind[i] else None
            if kind[i] and variant is None:
                continue
            deck.pop(at)
            used.add((f, s))
            first[i], last[i] = f, s
            if variant is not None:
                used.add(variant)
                first[partner[i]], last[partner[i]] = variant
            break
    person = np.empty(n, dtype=object)
    person[persons] = [f"P{k + 1:05d}" for k in range(len(persons))]
    pairs = np.flatnonzero(second_of_pair)
    person[pairs] = person[partner[pairs]]

    # Birth years: 1935-2006, at least 16 at joining (a person's earliest card).
    joined_year = rec["joined_on"].dt.year.to_numpy()
    earliest = joined_year.copy()
    earliest[partner >= 0] = np.minimum(joined_year[partner >= 0], joined_year[partner[partner >= 0]])
    birth = rng.integers(1935, np.minimum(2006, earliest - 16) + 1)
    birth[pairs] = birth[partner[pairs]]

    street, postal = _addresses(town, rng)
    moved = pairs[kind[pairs] == "moved"]
    new_street, new_postal = _addresses(town[moved], rng, avoid=set(street))
    street[moved], postal[moved] = new_street, new_postal
    street[pairs[kind[pairs] != "moved"]] = street[partner[pairs[kind[pairs] != "moved"]]]
    postal[pairs[kind[pairs] != "moved"]] = postal[partner[pairs[kind[pairs] != "moved"]]]

    number = rng.choice(10_000_000, size=n, replace=False)
    prefix = rng.choice(MOBILE_PREFIXES, size=n)
    number[pairs], prefix[pairs] = number[partner[pairs]], prefix[partner[pairs]]
    phone = [_phone(p, int(x), int(rng.integers(5))) for p, x in zip(prefix, number)]

    email = np.empty(n, dtype=object)
    seen: set[str] = set()
    for i in persons:
        email[i] = _email(first[i], last[i], int(birth[i]), rng, seen)
    for i in pairs:
        same = rng.random() < 0.5
        email[i] = email[partner[i]] if same else _email(first[i], last[i], int(birth[i]), rng,
                                                          seen, style=0)  # fmt: skip
    return pd.DataFrame({
        "person": person, "first_name": first, "last_name": last, "street": street,
        "postal_code": postal, "email": email, "phone": phone, "birth_year": birth,
    })  # fmt: skip


def _fits(kind: str, first: str, last: str) -> bool:
    if kind == "nickname":
        return first in NICKNAMES
    if kind == "diacritic":
        return last.translate(_FOLD) != last
    return True


def _variant(
    kind: str, first: str, last: str, used: set[tuple[str, str]], rng: np.random.Generator
) -> tuple[str, str] | None:
    """The name on a person's second card, or None if it would be another person's."""
    if kind == "nickname":
        name = (NICKNAMES[first], last)
    elif kind == "diacritic":
        name = (first, last.translate(_FOLD))
    elif kind == "swapped":
        name = (last, first)
    elif kind == "typo":
        name = (first, _typo(last, rng))
    else:
        name = (first, last)
    if name in used or (kind != "moved" and name == (first, last)):
        return None
    if kind != "moved" and name[1] in SURNAMES and name[0] in FIRST_NAMES:
        return None
    return name


def _typo(word: str, rng: np.random.Generator) -> str:
    """One slip of the keyboard inside a word: two letters swapped, one dropped, doubled or
    replaced by its neighbour on the keyboard."""
    neighbour = dict(zip("aeiounmrstklp", "sriipmnetyjlo"))
    for _ in range(20):
        at = int(rng.integers(1, len(word) - 1))
        how = int(rng.integers(4))
        if how == 0:
            out = word[:at] + word[at + 1] + word[at] + word[at + 2:]
        elif how == 1:
            out = word[:at] + word[at + 1:]
        elif how == 2:
            out = word[:at] + word[at] + word[at:]
        else:
            out = word[:at] + neighbour.get(word[at], "e") + word[at + 1:]
        if out != word and out.translate(_FOLD) != word.translate(_FOLD):
            return out
    return word + "n"


def _addresses(
    town: np.ndarray, rng: np.random.Generator, avoid: set[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A distinct street address (and its postal code) for each town given."""
    taken = set(avoid or ())
    street = np.empty(len(town), dtype=object)
    postal = np.empty(len(town), dtype=object)
    for i, where in enumerate(town):
        streets = STREETS[where]
        while True:
            name, code = streets[int(rng.integers(len(streets)))]
            address = f"{name} {int(rng.integers(1, 121))}"
            if rng.random() < 0.6:
                address += f" {'ABCD'[int(rng.integers(4))]} {int(rng.integers(1, 61))}"
            if address not in taken:
                break
        taken.add(address)
        street[i], postal[i] = address, code
    return street, postal


def _phone(prefix: str, number: int, style: int) -> str:
    """A Finnish mobile number as people type it."""
    digits = f"{number:07d}"
    return (f"{prefix} {digits[:3]} {digits[3:]}", f"+358 {prefix[1:]} {digits}",
            f"{prefix}{digits}", f"{prefix}-{digits}", f"+358{prefix[1:]}{digits}")[style]


def _email(
    first: str, last: str, birth: int, rng: np.random.Generator, seen: set[str],
    style: int | None = None,
) -> str:  # fmt: skip
    """firstname.lastname@domain, or a variant of it; never one already given."""
    f, s = (part.translate(_FOLD).lower().replace(" ", "").replace("-", "") for part in (first, last))
    domain = DOMAINS[int(rng.integers(len(DOMAINS)))]
    pick = int(rng.choice(4, p=(0.6, 0.15, 0.15, 0.1))) if style is None else style
    local = (f"{f}.{s}", f"{f}{s}", f"{f}.{s}{birth % 100:02d}", f"{f[0]}.{s}")[pick]
    address = f"{local}@{domain}"
    if address in seen:
        address = f"{f}.{s}.{birth}@{domain}"
    seen.add(address)
    return address


def _dates(rec: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """``updated_on``, ``consent`` and ``consent_date`` with the margins of the planted faults."""
    role, joined = rec["role"].to_numpy(), rec["joined_on"]
    lo = joined.clip(lower=end - _months(21))
    hi = pd.Series(end, index=rec.index)
    for name, (older, newer) in {"stale": (33, 30), "address_unchecked": (54, 40)}.items():
        mine = role == name
        lo.loc[mine] = joined[mine].clip(lower=end - _months(older))
        hi.loc[mine] = end - _months(newer)
    mine = role == "retention"
    lo.loc[mine], hi.loc[mine] = joined[mine], end - _months(66)
    updated = _between(lo, hi, rng)
    said_no = np.isin(role, ("stale", "address_unchecked", "retention")) | (rng.random(len(rec)) < 0.35)
    said_no &= ~np.isin(role, ("consent_expired", "consent_missing"))
    consent = np.where(said_no, "no", "yes").astype(object)
    low = np.where(said_no, joined, joined.clip(lower=end - _months(21)))
    high = updated.copy()
    expired = role == "consent_expired"
    high.loc[expired] = updated[expired].clip(upper=end - _months(27))
    low = pd.Series(low, index=rec.index).astype("datetime64[ns]")
    low.loc[expired] = joined[expired]
    when = _between(low, high, rng).dt.strftime("%Y-%m-%d").to_numpy().astype(object)
    missing = np.flatnonzero(role == "consent_missing")
    blank = missing[rng.random(len(missing)) < 0.5]
    consent[blank] = ""
    when[missing] = ""
    return pd.DataFrame({"updated_on": updated, "consent": consent, "consent_date": when})


def _between(lo: pd.Series, hi: pd.Series, rng: np.random.Generator) -> pd.Series:
    """A day drawn evenly from ``lo`` to ``hi`` (both included) for each row."""
    span = (hi - lo).dt.days.to_numpy()
    if (span < 0).any():
        raise AssertionError("an empty span of dates in the register simulation")
    return lo + pd.to_timedelta(rng.integers(0, span + 1), unit="D")


def _corrupt(table: pd.DataFrame, role: np.ndarray, rng: np.random.Generator) -> None:
    """Plant the invalid postal codes, emails and phone numbers in ``table``."""
    for i in np.flatnonzero(role == "invalid_postal_code"):
        code = table.at[i, "postal_code"]
        if code.startswith("0"):
            table.at[i, "postal_code"] = code.lstrip("0")  # read as a number somewhere
        else:
            table.at[i, "postal_code"] = code[:4] if rng.random() < 0.5 else code + "0"
    for i in np.flatnonzero(role == "invalid_email"):
        email = table.at[i, "email"]
        local, _, domain = email.partition("@")
        table.at[i, "email"] = (
            f"{local}@{domain.rsplit('.', 1)[0]}", f"{local}.{domain}",
            f"{local.replace('.', ' ', 1) if '.' in local else local + ' '}@{domain}",
            f"{local}@{domain.replace('.', '..')}", f"{local}@{domain.replace('.', ',')}",
        )[int(rng.integers(5))]  # fmt: skip
    for i in np.flatnonzero(role == "invalid_phone"):
        digits = "".join(c for c in table.at[i, "phone"] if c.isdigit())[-9:]  # 40 1234567
        table.at[i, "phone"] = (
            f"0{digits[:2]} {digits[2:5]}", f"0{digits}{int(rng.integers(100, 1000))}",
            f"+358 {digits[:2]}",
        )[int(rng.integers(3))]  # fmt: skip
