"""customers.customer_report: the customers report page on the sample store's loyalty files."""

from __future__ import annotations

import html
import re

import pytest

import customers
from customers.html_page import pct as _pct
from customers.html_page import points as _points
from customers.svg import bars, columns, intervals, lines, nice_ticks

AS_OF = "2025-11-30"


@pytest.fixture(scope="module")
def report(sample):
    return customers.customer_report(sample.loyalty_visits, as_of=AS_OF, survey=sample.survey,
                                     customers=sample.customers, by="store")  # fmt: skip


@pytest.fixture(scope="module")
def page(report):
    return report.html()


def _cells(*values: str, first_plain: bool = True) -> str:
    """The HTML of a table row's cells: the first plain, the rest right-aligned numbers."""
    out = [f"<td>{html.escape(values[0])}</td>"] if first_plain else []
    rest = values[1:] if first_plain else values
    return "".join(out + [f'<td class="n">{html.escape(v)}</td>' for v in rest])


def test_sections_charts_and_nothing_external(report, page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for anchor in ('id="segments"', 'id="lifecycle"', 'id="nps"', "The holdout check",
                   "The active base year by year"):
        assert anchor in page
    svgs = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    assert len(svgs) == 5  # segment shares, base by year, P(alive), holdout, NPS intervals
    words = [("Each segment&#x27;s share of customers and of sales", "Share of all customers"),
             ("Active customers a year", "12 months ending on", "Active customers"),
             ("Customers by their chance of still being a customer", "Chance of still being"),
             ("Repeat visits per customer in the last 90 days", "Repeat visits before them",
              "Repeat visits per customer<"),
             ("NPS with its 95% interval", "Net Promoter Score (points)")]
    for svg, titles in zip(svgs, words):
        assert 'font-weight="600">' + titles[0] in svg  # the title
        assert all(f">{label}" in svg for label in titles[1:]), titles  # axis labels
    assert page.count('class="how"') == 6  # how to read each section and subsection
    assert "<h3>The stores compared</h3>" in page and "store HKI (" in page
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "http" not in page


def test_segments_on_the_page_equal_the_table(report, page):
    table = report.table
    assert table["customers"].sum() == len(report.segments.table) > 3000
    assert table["lapsed"].sum() == report.outlook.table["lapsed"].sum()
    assert table["expected_visits"].sum() == pytest.approx(
        report.outlook.table["expected_purchases"].sum())
    for r in table.itertuples():
        row = _cells(f"{r.segment}: {r.name}", f"{r.customers:,}", _pct(r.share_customers),
                     _pct(r.share_sales), f"€{r.mean_spend:,.2f}", f"{r.frequency:,.0f}")
        assert row in page, row
    for year_to, r in report.segments.by_year.iterrows():
        assert f"<td>{year_to}</td>" + _cells(f"{r['days']:,}", f"{r['customers']:,}",
                                              first_plain=False) in page  # fmt: skip


def test_lifecycle_and_holdout_figures(report, page):
    table = report.outlook.table
    lapsed = int(table["lapsed"].sum())
    assert f"<b>{lapsed:,} ({_pct(lapsed / len(table))})</b>" in page
    assert f"<b>{table['expected_purchases'].sum():,.0f}</b>" in page
    assert f"<b>€{table['expected_value'].sum():,.0f}</b>" in page
    check = report.holdout
    assert check is not None
    assert f"expected {check.predicted_total:,.0f} repeat visits" in report.holdout_note
    assert f"made {check.actual_total:,}" in report.holdout_note
    assert html.escape(report.holdout_note) in page
    for bucket, r in check.table.iterrows():
        assert _cells(str(bucket), f"{int(r['customers']):,}", f"{r['predicted']:,.1f}",
                      f"{r['actual']:,.1f}") in page  # fmt: skip
    # The model is fitted before the last 90 days: within 25% of the visits made after
    assert abs(check.predicted_total / check.actual_total - 1) < 0.25
    assert len(report.summary()) == 3 and report.summary()[1] == report.holdout_note


def test_nps_rows_equal_the_nps_table(report, page):
    table = report.nps.table
    assert list(table["store"]) == ["all", "HKI", "TRE"]
    for i, r in enumerate(table.to_dict("records")):
        who = "All answers" if i == 0 else f"store {r['store']}"
        row = _cells(who, _points(r["nps"]), f"{_points(r['low'])} to {_points(r['high'])}",
                     f"±{r['margin']:.0f}", f"{int(r['n']):,}", f"{int(r['population']):,}")
        assert row in page, row
    assert table.loc[0, "low"] < 20 < table.loc[0, "high"]  # the sample's planted NPS is +20
    assert "Promoters answer 9-10" in page


def test_no_survey_no_nps_section(sample):
    visits = sample.loyalty_visits
    result = customers.customer_report(visits, as_of=AS_OF, k=3)
    page = result.html()
    assert result.nps is None and 'id="nps"' not in page and "Net Promoter" not in page
    assert len(result.table) == 3 and len(result.summary()) == 2
    with pytest.raises(customers.ParameterError, match="`by` given without `survey`"):
        customers.customer_report(visits, as_of=AS_OF, by="store")


def test_hostile_text_is_escaped(sample):
    bad = "<script>alert(1)</script>"
    register = sample.customers.copy()
    register.loc[register["store"] == "TRE", "store"] = bad
    visits = sample.loyalty_visits.copy()
    first = visits["customer_id"].iloc[0]
    ids = {first: f"{bad}&id"}
    visits["customer_id"] = visits["customer_id"].replace(ids)
    register["customer_id"] = register["customer_id"].replace(ids)
    survey = sample.survey.assign(customer_id=sample.survey["customer_id"].replace(ids))
    result = customers.customer_report(visits, as_of=AS_OF, survey=survey, customers=register,
                                       by="store", title=f"{bad} & co",
                                       source='"><img src=x onerror=alert(1)>')  # fmt: skip
    page = result.html()
    assert "<script" not in page and "<img" not in page
    assert f"store {html.escape(bad)}" in page and f"{html.escape(bad)} &amp; co" in page
    assert bad in list(result.nps.table["store"])


def test_too_short_a_history_gives_a_note_not_an_error(sample):
    visits = sample.loyalty_visits
    recent = visits[visits["timestamp"] >= "2025-10-01"]
    result = customers.customer_report(recent, as_of=AS_OF, horizon_days=90)
    assert result.holdout is None
    assert result.holdout_note.startswith("No holdout check")
    assert "2025-10-01" in result.holdout_note and "2025-09-01" in result.holdout_note
    page = result.html()
    assert f'<p class="note">{html.escape(result.holdout_note)}.</p>' in page
    assert page.count("<svg") == 3  # no holdout chart, no NPS chart


def test_same_input_same_page(sample, page):
    again = customers.customer_report(sample.loyalty_visits, as_of=AS_OF, survey=sample.survey,
                                      customers=sample.customers, by="store").html()  # fmt: skip
    assert again == page


def test_charts_escape_and_scale():
    bad = "<b>&</b>"
    svg = bars([bad, "x" * 120], [("s<1>", [0.2, 0.5], "#000")], title=bad, x_label=bad)
    assert "<b>" not in svg and "&lt;b&gt;&amp;&lt;/b&gt;" in svg and "…" in svg
    assert "s&lt;1&gt;" in svg
    for svg in (columns([bad], [3], title=bad, x_label=bad, y_label=bad),
                lines([bad, "b"], [(bad, [1.0, float("nan")], "#000")], title=bad,
                      x_label=bad, y_label=bad),
                intervals([bad], [10.0], [-5.0], [25.0], title=bad, x_label=bad)):
        assert "<b>" not in svg and svg.startswith("<svg") and svg.endswith("</svg>")
    assert ">0</text>" in intervals(["a"], [5.0], [-5.0], [15.0], title="t", x_label="x")
    assert nice_ticks(0, 0.54) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    assert nice_ticks(-3, 40)[0] <= -3 and nice_ticks(-3, 40)[-1] >= 40


def test_exported_lazily():
    assert "customer_report" in customers.__all__ and "customer_report" in dir(customers)
    assert customers.customer_report.__module__ == "customers.report"
    assert callable(customers.customer_report)
