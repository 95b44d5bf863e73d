"""The HTML page of :class:`customers.report.CustomerReport`: one section per question.

Numbers are written for people (``3,219``, ``13%``, ``€512,314``), every data text is escaped
(:func:`html.escape`), and the page carries nothing that changes from run to run (no clock),
so the same input gives the same bytes.
"""

from __future__ import annotations

import html
import math
from itertools import pairwise
from typing import Any

from customers.html_page import CSS as _CSS
from customers.html_page import chart as _chart
from customers.html_page import escape, pct, points
from customers.html_page import figures as _figures
from customers.html_page import how as _how
from customers.html_page import table as _table
from customers.svg import bars, columns, intervals, lines

_BINS = 10
_BLUE, _ORANGE, _RED = "#3b7dd8", "#e08a1e", "#c0504d"


def render(report: Any) -> str:
    """The whole page of a :class:`customers.report.CustomerReport` (which imports this
    module, hence ``Any``)."""
    e = escape
    out = report.outlook
    first = min(report.segments.table["first_visit"]).date()
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{e(report.title)}</h1>",
        f"<p>{report.visits:,} visits of {len(report.segments.table):,} loyalty customers in "
        f"{e(report.source)}, from {first} to {out.as_of.date()}. Sections: "
        '<a href="#segments">segments</a>, <a href="#lifecycle">who comes back</a>'
        + (', <a href="#nps">would they recommend us</a>' if report.nps is not None else "")
        + ".</p>",
        *_segments(report), *_lifecycle(report),
        *(_nps(report) if report.nps is not None else []),
        "</body>", "</html>",
    ]  # fmt: skip
    return "\n".join(parts) + "\n"


def _money(report: Any, value: float, decimals: int = 0) -> str:
    """An amount with its unit: euros for an ``*_eur`` column, items without amounts."""
    if value is None or not math.isfinite(value):
        return "–"
    amount = report.segments.amount
    if amount is None:
        return f"{value:,.{decimals}f} items"
    return f"€{value:,.{decimals}f}" if amount.lower().endswith("eur") else f"{value:,.{decimals}f}"


def _segments(report: Any) -> list[str]:
    table, years = report.table, report.segments.by_year
    names = [f"{s}: {n}" for s, n in zip(table["segment"], table["name"])]
    rows = [[f"{r.segment}: {r.name}", f"{r.customers:,}", pct(r.share_customers),
             pct(r.share_sales), _money(report, r.mean_spend, 2), f"{r.frequency:,.0f}"]
            for r in table.itertuples()]  # fmt: skip
    spend = "items" if report.segments.amount is None else "spend"
    out = [
        '<h2 id="segments">Segments: who our customers are</h2>',
        _how("each segment is a group of customers who shop alike (how often, how much, which "
             "days and hours), named by what sets it apart from the average customer. A "
             "segment whose share of sales is above its share of customers is worth more than "
             "its size."),
        _chart(bars(names, [("Share of customers", table["share_customers"], _BLUE),
                            ("Share of sales", table["share_sales"], _ORANGE)],
                    title="Each segment's share of customers and of sales",
                    x_label="Share of all customers or of all sales", fmt=pct)),
        _table(["Segment", "Customers", "Share of customers", "Share of sales",
                f"Average {spend} a visit", "Visits each"], rows, {1, 2, 3, 4, 5}),
        "<h3>The active base year by year</h3>",
        _how("a customer is active in a year (the 12 months up to the date shown) with at "
             "least one visit in it. The shares tell which segments the active customers of "
             "that year belong to."),
    ]  # fmt: skip
    labels = [str(y) for y in years.index]
    out.append(_chart(columns(labels, years["customers"], title="Active customers a year",
                              x_label="12 months ending on", y_label="Active customers")))
    number = {n: f"segment {s}" for s, n in zip(table["segment"], table["name"])}
    order = {f"share_{n}": s for s, n in zip(table["segment"], table["name"])}
    shares = sorted((c for c in years.columns if str(c).startswith("share_")),
                    key=lambda c: (order.get(c, len(order)), str(c)))  # unknown last
    head = ["12 months ending on", "Days", "Active customers", "Visits each",
            f"{spend.capitalize()} each"] + [f"Share of {number.get(c[6:], c[6:])}" for c in shares]
    rows = [[str(y), f"{r['days']:,}", f"{r['customers']:,}", f"{r['visits_per_customer']:,.1f}",
             _money(report, r["spend_per_customer"])] + [pct(r[c]) for c in shares]
            for y, r in years.iterrows()]  # fmt: skip
    out.append(_table(head, rows, set(range(1, len(head)))))
    stores = report.segments.by_store
    if stores is not None:
        out += ["<h3>The stores compared</h3>",
                _how("each store's customers (by the store of most of their visits) against "
                     f"the other store's; a difference is named when its {stores.confidence:.0%} "
                     "interval leaves out zero, so that chance is not read as a difference."),
                "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in stores.summary())
                + "</ul>"]  # fmt: skip
    return out


def _lifecycle(report: Any) -> list[str]:
    import numpy as np

    out = report.outlook
    table, days = out.table, f"{out.horizon_days:g}"
    below = out.lifecycle.lapsed_below
    lapsed = int(table["lapsed"].sum())
    figures = [("customers modelled", f"{len(table):,}"),
               ((f"lapsed (chance of still being a customer below {below:.0%}, away longer "
                 "than ever before)"),
                f"{lapsed:,} ({pct(lapsed / len(table))})"),
               (f"visits expected in the next {days} days",
                f"{table['expected_purchases'].sum():,.0f}")]  # fmt: skip
    if "expected_value" in table.columns:
        figures.append((f"spend expected in the next {days} days",
                        _money(report, table["expected_value"].sum())))
    counts, edges = np.histogram(table["p_alive"].clip(0, 1), bins=_BINS, range=(0, 1))
    labels = [f"{100 * a:.0f}–{100 * b:.0f}" for a, b in pairwise(edges)]
    colours = [_RED if b <= below + 1e-9 else _BLUE for b in edges[1:]]
    parts = [
        '<h2 id="lifecycle">Who comes back</h2>',
        _how("from each customer's visits so far, a model (BG/NBD) estimates the chance that "
             "they are still a customer and how often they will come. Someone who used to come "
             "every week and has not been seen for months has a low chance; a new customer a "
             f"high one. Red columns are the customers below {below:.0%}: lapsed, unless they "
             "have been away as long before and came back (a summer-cottage customer in "
             "November)."),
        _figures(figures),
    ]  # fmt: skip
    spared = int(((table["p_alive"] < below) & ~table["lapsed"]).sum())
    if spared:
        parts.append(f"<p>{spared:,} customers below {below:.0%} are not counted lapsed: they "
                     "are away no longer than an absence they came back from before.</p>")
    if out.newcomers:
        who = "customer" if out.newcomers == 1 else "customers"
        parts.append(f"<p>{out.newcomers:,} {who} first seen on {out.as_of.date()} left out: "
                     "there is no time yet to judge them.</p>")
    parts.append(_chart(columns(labels, counts, colours=colours,
                                title="Customers by their chance of still being a customer",
                                x_label="Chance of still being a customer (%)",
                                y_label="Customers")))  # fmt: skip
    parts += _holdout(report)
    return parts


def _holdout(report: Any) -> list[str]:
    days = f"{report.outlook.horizon_days:g}"
    out = ["<h3>Can we trust it? The holdout check</h3>"]
    check = report.holdout
    if check is None:
        return out + [f'<p class="note">{escape(report.holdout_note)}.</p>']
    table = check.table
    labels = [str(b) for b in table.index]
    out += [
        _how(f"we hid the last {days} days, fitted the model on the visits before them and "
             "asked it how many repeat visits each customer would make in those days. The "
             "customers are grouped by how many repeat visits they made before; the closer "
             "the two lines, the better the model."),
        f"<p><b>{escape(report.holdout_note)}.</b></p>",
        _chart(lines(labels, [("Predicted", table["predicted"], _ORANGE),
                              ("Actual", table["actual"], _BLUE)],
                     title=f"Repeat visits per customer in the last {days} days",
                     x_label="Repeat visits before them (calibration period)",
                     y_label="Repeat visits per customer")),
        _table(["Repeat visits before", "Customers", "Predicted per customer",
                "Actual per customer"],
               [[b, f"{int(r['customers']):,}", _one(r["predicted"]), _one(r["actual"])]
                for b, r in zip(labels, table.to_dict("records"))], {1, 2, 3}),
    ]  # fmt: skip
    return out


def _one(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:,.1f}"


def _nps(report: Any) -> list[str]:
    result = report.nps
    assert result is not None
    table = result.table
    level = f"{result.level:.0%}"
    labels, rows = [], []
    for i, row in enumerate(table.to_dict("records")):
        label = ("All answers" if i == 0 else
                 ", ".join(f"{c} {row[c]}" for c in result.by))  # fmt: skip
        labels.append(label)
        population = row.get("population", math.nan)
        rows.append([label, points(row["nps"]),
                     f"{points(row['low'])} to {points(row['high'])}",
                     "–" if not math.isfinite(row["margin"]) else f"±{row['margin']:.0f}",
                     f"{int(row['n']):,}",
                     "–" if not math.isfinite(population) else f"{int(population):,}",
                     pct(row["promoter_share"]), pct(row["passive_share"]),
                     pct(row["detractor_share"])])  # fmt: skip
    first = table.iloc[0]
    return [
        '<h2 id="nps">Would they recommend us? Net Promoter Score</h2>',
        _how("customers answered 0-10 to \"would you recommend us to a friend?\". Promoters "
             "answer 9-10, passives 7-8, detractors 0-6; the NPS is the share of promoters "
             "minus the share of detractors, from -100 to +100. The answers are a sample: "
             f"the true score lies within the interval with {level} confidence, so two scores "
             "whose intervals overlap may not really differ."),
        _figures([("NPS of all answers", points(first["nps"])),
                  (f"{level} interval", f"{points(first['low'])} to {points(first['high'])}"),
                  ("margin of error (points)", f"±{first['margin']:.0f}")]),
        _chart(intervals(labels, table["nps"].tolist(), table["low"].tolist(),
                         table["high"].tolist(), title=f"NPS with its {level} interval",
                         x_label="Net Promoter Score (points)")),
        _table(["Who", "NPS", f"{level} interval", "Margin of error", "Answers", "Customers",
                "Promoters", "Passives", "Detractors"], rows, set(range(1, 9))),
    ]  # fmt: skip
