"""The HTML page of :class:`customers.register_check.RegisterCheck`, for a marketing manager.

The score and its parts as a bar chart, what to do first, the problems counted, each field's
completeness and validity, and the likely duplicate pairs by id and probability. No personal
value (a name, an address, an email) is shown: the findings table carries those for the person
who corrects the register. Self-contained (inline CSS and SVG), every data text escaped, no
clock, so the same check gives the same bytes.
"""

from __future__ import annotations

import math
from typing import Any

from customers.html_page import CSS as _CSS
from customers.html_page import escape, pct
from customers.html_page import how as _how
from customers.html_page import table as _table
from customers.svg import bars

__all__ = ["MEANING", "render", "todo"]

_BLUE = "#3b7dd8"
_PAIRS_SHOWN = 200
_WRAP = "p,li{overflow-wrap:anywhere}"  # a long file path in a sentence wraps on a phone

MEANING = {
    "past_retention": "no purchase, update or join within the retention period: the GDPR asks "
                      "us to delete or anonymise it",
    "consent_missing": "no marketing consent answer, or a yes without a date: do not market "
                       "to them until it is asked",
    "consent_expired": "a marketing consent older than the consent period: renew it",
    "duplicate": "likely the same person as another record (a second card)",
    "invalid_postal_code": "a postal code that is not five digits",
    "invalid_email": "an email address that cannot receive mail",
    "invalid_phone": "a phone number that is not a valid Finnish number",
    "missing": "a required field left blank (or the contact of the preferred channel)",
    "address_unchecked": "an address nobody has confirmed for years: mail may not arrive",
    "stale": "no purchase and no update for a long time: is the card still in use?",
}  # fmt: skip
"""What each check means, in words."""

_PART_MEANING = {
    "completeness": "records with every required field filled",
    "validity": "records whose postal code, email and phone are valid",
    "uniqueness": "records left after merging the likely duplicates",
    "currency": "records neither stale nor with an unchecked address",
    "consent": "records with a valid, current marketing consent answer",
    "retention": "records within the retention period",
}  # fmt: skip


def todo(check: Any) -> list[str]:
    """What to do, most urgent first (the order of ``check.counts()``, that of ``CHECKS``), for
    the checks that found something: ``delete or anonymise 67 records past the 5-year
    retention``."""
    n, lim = check.counts(), check.limits
    pairs = 0 if check.duplicates is None else len(check.duplicates.pairs)
    words = {
        "past_retention": f"delete or anonymise {n['past_retention']:,} records past the "
                          f"{lim['retention_years']:g}-year retention",
        "consent_missing": f"ask {n['consent_missing']:,} members for their marketing "
                           "consent (or its date) before marketing to them",
        "consent_expired": f"renew the marketing consent of {n['consent_expired']:,} "
                           f"members (given over {lim['consent_months']:g} months ago)",
        "duplicate": f"merge {pairs:,} likely duplicate pairs ({n['duplicate']:,} records)",
        "invalid_postal_code": f"correct {n['invalid_postal_code']:,} postal codes",
        "invalid_email": f"correct {n['invalid_email']:,} email addresses",
        "invalid_phone": f"correct {n['invalid_phone']:,} phone numbers",
        "missing": f"fill the missing fields of {n['missing']:,} records",
        "address_unchecked": f"confirm the address of {n['address_unchecked']:,} members "
                             f"(unchecked for {lim['address_months']:g} months)",
        "stale": f"ask {n['stale']:,} stale members (no purchase or update for "
                 f"{lim['stale_months']:g} months) whether they still want their card",
    }  # fmt: skip
    return [words[c] for c, count in n.items() if count]


def _score(value: float) -> str:
    return "not checked" if value is None or math.isnan(value) else f"{value:.0f}"


def render(check: Any, title: str) -> str:
    """The whole page of a :class:`~customers.register_check.RegisterCheck` (which imports this
    module, hence ``Any``)."""
    e = escape
    counts = check.counts()
    people = check.findings[check.id].nunique()
    figures = [("health score out of 100", _score(check.score)),
               ("records", f"{check.records:,}"),
               ("records with a problem", f"{people:,} ({pct(people / max(check.records, 1))})"),
               ("problems found", f"{len(check.findings):,}")]  # fmt: skip
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>", f"<style>{_CSS}\n{_WRAP}</style>", "</head>", "<body>",
        f"<h1>{e(title)}</h1>",
        (f"<p>The customer register ({e(check.source)}) checked on {check.as_of.date()}: "
        f"{e(check.purchases)}.</p>"),
        '<div class="figures">' + "".join(f"<div><b>{e(v)}</b>{e(k)}</div>" for k, v in figures)
        + "</div>",
        *_todo(check), *_parts(check), *_problems(check, counts), *_fields(check),
        *_duplicates(check), *_limits(check), "</body>", "</html>",
    ]  # fmt: skip
    return "\n".join(parts) + "\n"


def _todo(check: Any) -> list[str]:
    todo = check.todo()
    if not todo:
        return ['<h2 id="todo">What to do first</h2>', "<p>Nothing: the register is clean.</p>"]
    items = "".join(f"<li>{escape(line[0].upper() + line[1:])}.</li>" for line in todo)
    return ['<h2 id="todo">What to do first</h2>',
            _how("the most urgent first: what the law asks (retention, consent) before what "
                 "wastes money (duplicates, invalid contacts, unchecked addresses)."),
            f"<ol>{items}</ol>"]  # fmt: skip


def _parts(check: Any) -> list[str]:
    names = [p for p, v in check.parts.items() if not math.isnan(v)]
    values = [check.parts[p] for p in names]
    rows = [[p, _score(v), _PART_MEANING[p]] for p, v in check.parts.items()]
    chart = bars(names, [("Health out of 100", values, _BLUE)],
                 title="The parts of the health score", x_label="Out of 100",
                 fmt=lambda v: f"{v:.0f}")  # fmt: skip
    return [
        '<h2 id="score">The health score and its parts</h2>',
        _how("each part is the share of records, out of 100, without that kind of problem; "
             "the score is the mean of the parts. 100 is a clean register."),
        f'<div class="scroll chart">{chart}</div>',
        _table(["Part", "Out of 100", "What it counts"], rows, {1}),
    ]  # fmt: skip


def _problems(check: Any, counts: dict[str, int]) -> list[str]:
    n = max(check.records, 1)
    rows = [[c, f"{k:,}", pct(k / n), MEANING[c]] if c != "duplicate" or check.duplicates
            else [c, "–", "–", "not checked"] for c, k in counts.items()]  # fmt: skip
    return ['<h2 id="problems">The problems found</h2>',
            _how("records with each problem (a record can have several). The findings file "
                 "lists each record and problem for the person who corrects the register."),
            _table(["Problem", "Records", "Share", "What it means"], rows, {1, 2})]  # fmt: skip


def _fields(check: Any) -> list[str]:
    rows = [[r.field, pct(r.filled), "–" if math.isnan(r.valid) else pct(r.valid),
             f"{r.invalid:,}", r.rule or "any text"] for r in check.fields.itertuples()]  # fmt: skip
    return ['<h2 id="fields">Each field</h2>',
            _how("filled is the share of records with a value; valid the share of the filled "
                 "values that follow the rule."),
            _table(["Field", "Filled", "Valid", "Invalid", "Valid when"], rows, {1, 2, 3})]  # fmt: skip


def _duplicates(check: Any) -> list[str]:
    head = '<h2 id="duplicates">Likely duplicates</h2>'
    found = check.duplicates
    if found is None:
        return [head, "<p>Not checked: the check ran without a duplicate search.</p>"]
    pairs = found.pairs
    if pairs.empty:
        return [head, (f"<p>No pair of records at a match probability of {found.threshold:g} "
                      "or more.</p>")]  # fmt: skip
    rows = [[str(a), str(b), f"{p:.3f}"] for a, b, p in
            pairs[["id_l", "id_r", "match_probability"]].head(_PAIRS_SHOWN).itertuples(index=False)]
    more = len(pairs) - len(rows)
    tail = f"<p>And {more:,} more pairs in the findings file.</p>" if more > 0 else ""
    return [head,
            _how(f"{len(pairs):,} pairs of records are likely the same person (match "
                 f"probability {found.threshold:g} or more, the most likely first). Compare the "
                 "two records and merge them into one."),
            _table(["Record", "Likely the same as", "Match probability"], rows, {2}), tail]  # fmt: skip


def _limits(check: Any) -> list[str]:
    lim = check.limits
    return ['<h2 id="limits">The limits used</h2>',
            (f"<p>Retention {lim['retention_years']:g} years; stale after "
            f"{lim['stale_months']:g} months without a purchase or update; address unchecked "
            f"after {lim['address_months']:g} months; consent expired after "
            f"{lim['consent_months']:g} months.</p>")]  # fmt: skip
