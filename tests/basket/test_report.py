"""Tests of basket.report: sentences, formula defusing, the HTML page and the Excel workbook."""

from __future__ import annotations

import html
import io
import math
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest

from basket.errors import ParameterError
from basket.report import build_workbook, neutralise, render_html, rule_sentence

N = 32693
SUMMARY = {"Receipts": N, "Minimum support": 0.005, "Rules found": 7, "Significant <5%>": 5}
DANGEROUS = ["=cmd|' /C calc'!A0", "+SUM(1)", "@x", "-2 for 1"]


def _rule(ante, cons, *, conf, lift, count=500, sig=True, red=False, cats=("", "")):
    """One rule row; ante/cons are tuples of (id, name) pairs."""
    support = count / N
    return {
        "antecedent": tuple(i for i, _ in ante), "consequent": tuple(i for i, _ in cons),
        "antecedent_names": tuple(n for _, n in ante),
        "consequent_names": tuple(n for _, n in cons),
        "antecedent_categories": (cats[0],) * len(ante),
        "consequent_categories": (cats[1],) * len(cons),
        "length": len(ante) + len(cons), "receipts": N,
        "antecedent_count": round(count / conf), "consequent_count": round(count / conf / lift),
        "count": count, "antecedent_support": support / conf, "consequent_support": conf / lift,
        "support": support, "confidence": conf, "lift": lift, "leverage": support * (1 - 1 / lift),
        "conviction": math.inf if conf == 1 else (1 - conf / lift) / (1 - conf),
        "zhangs_metric": 0.5, "jaccard": 0.1, "certainty": 0.2, "kulczynski": 0.3,
        "p_value": 3.2e-47, "p_adjusted": 3.2e-45 if sig else 0.4, "significant": sig,
        "redundant": red,
    }


def make_rules() -> pd.DataFrame:
    rows = [
        _rule([("s", "Salmon fillet 400 g")], [("d", "Dill bunch")], conf=0.49, lift=4.9,
              count=1234, cats=("Fish", "Herbs")),
        _rule([("t", "Tortillas 8 pcs"), ("u", "Salsa 300 g")], [("c", "Cheese, grated")],
              conf=0.62, lift=3.1, cats=("Mexican", "Dairy")),
        _rule([("m", "Mämmi")], [("g", "Glögi \"red\"")], conf=0.1, lift=0.8),
        _rule([("x", "<script>alert(1)</script>")], [("a", "a & b")], conf=1.0, lift=2.5),
        _rule([("f", DANGEROUS[0])], [("p", DANGEROUS[1])], conf=0.3, lift=2.0),
        _rule([("y", DANGEROUS[2])], [("z", DANGEROUS[3])], conf=0.3, lift=1.5),
        _rule([("n", "Not significant nuts")], [("o", "Oats")], conf=0.9, lift=9.0, sig=False),
        _rule([("r", "Redundant rye")], [("b", "Butter")], conf=0.9, lift=8.0, red=True),
    ]
    return pd.DataFrame(rows)


class _Checker(HTMLParser):
    """Fails on unbalanced tags (HTMLParser itself is lenient)."""

    VOID = {"meta", "br", "hr", "img", "input", "link"}  # SVG shapes here self-close with />

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()


# sentences -----------------------------------------------------------------------------------


def test_sentence_one_antecedent():
    row = make_rules().iloc[0]
    assert rule_sentence(row) == (
        "Of receipts with Salmon fillet 400 g, 49% also have Dill bunch: 4.9 times the usual rate."
    )


def test_sentence_two_antecedents_and_mapping_input():
    row = make_rules().iloc[1].to_dict()
    assert rule_sentence(row) == (
        "Of receipts with Tortillas 8 pcs and Salsa 300 g, 62% also have Cheese, grated: "
        "3.1 times the usual rate."
    )


def test_sentence_several_consequents_and_small_confidence():
    row = {"antecedent_names": ("A",), "consequent_names": ("B", "C"), "confidence": 0.004,
           "lift": 12.34}
    assert rule_sentence(row) == (
        "Of receipts with A, <1% also have B and C: 12.3 times the usual rate."
    )
    assert "0.5%" not in rule_sentence({**row, "confidence": 0.005})
    assert ", 1% also" in rule_sentence({**row, "confidence": 0.005})


def test_sentence_lift_below_one():
    text = rule_sentence(make_rules().iloc[2])
    assert text.endswith(": 0.8 times the usual rate (less often than chance).")
    assert "chance" not in rule_sentence(make_rules().iloc[0])


def test_sentence_missing_column():
    with pytest.raises(ParameterError, match="lift"):
        rule_sentence({"antecedent_names": ("A",), "consequent_names": ("B",), "confidence": 0.1})


# neutralise ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(1)", "-2 for 1", "@SUM(A1)", "\tx", "\rx", *DANGEROUS]
)
def test_neutralise_dangerous(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Dill", "Mämmi", "", "a=b", " =x", "'quoted", "two\nlines", "a\r\nb=c", 5, -5,
              2.5, None, True]
)  # fmt: skip
def test_neutralise_safe(value):
    assert neutralise(value) is value


@pytest.mark.parametrize("text, safe", [
    ("\r=2+2", "'\r'=2+2"),
    ("ok\n=HYPERLINK(\"http://x\")", "ok\n'=HYPERLINK(\"http://x\")"),
    ("ok\r\n@SUM(1)", "ok\r\n'@SUM(1)"),
    ("ok\r-1\n+2", "ok\r'-1\n'+2"),
    ("=a\nb\n\t=c", "'=a\nb\n'\t=c"),
])  # fmt: skip
def test_neutralise_guards_every_line_a_spreadsheet_would_split_off(text, safe):
    assert neutralise(text) == safe


# HTML ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_rules(), title="Cross-sell <2025> & more", summary=SUMMARY)


def test_html_escapes_data(page):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "a &amp; b" in page and "a & b" not in page
    assert "Cross-sell &lt;2025&gt; &amp; more" in page
    assert "Significant &lt;5%&gt;" in page
    assert "Mämmi" in page and "Glögi &quot;red&quot;" in page


def test_html_self_contained(page):
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "src=" not in page
    assert '<meta charset="utf-8">' in page


def test_html_parses_balanced(page):
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert {"html", "svg", "table", "style"} <= set(checker.tags)


def test_html_chart_and_numbers(page):
    assert "<svg" in page
    svg = page[page.index("<svg"): page.index("</svg>")]
    assert "Salmon fillet 400 g -&gt; Dill bunch" in svg
    assert "&lt;script&gt;" in svg
    assert "32,693" in page and "1,234" in page
    assert "almost certainly real" in page and "3.2e-45" not in page  # words, not p-values


def test_html_lists_only_significant_non_redundant(page):
    table = page[page.index("<table"):]
    assert "Not significant nuts" not in page
    assert "Redundant rye" not in page
    assert "Salmon fillet 400 g" in table
    assert table.count("<tr>") == 1 + 6
    # sorted by lift: salmon (4.9) first, tortillas (3.1) second
    assert table.index("Salmon") < table.index("Tortillas") < table.index("Mämmi")
    assert "Fish -&gt; Herbs" in table


def test_html_fallback_note_when_none_qualify():
    rules = make_rules()
    rules["significant"] = False
    page = render_html(rules, title="t", summary={})
    assert "No rule is both significant and non-redundant" in page
    assert "Not significant nuts" in page


def test_html_no_categories_column_when_empty():
    rules = make_rules()
    empty = [("",)] * len(rules)
    rules["antecedent_categories"], rules["consequent_categories"] = empty, empty
    assert "<th>categories</th>" not in render_html(rules, title="t", summary={})


def test_html_top_limits_rows():
    page = render_html(make_rules(), title="t", summary={}, top=2)
    table = page[page.index("<table"):]
    assert table.count("<tr>") == 1 + 2
    assert "Mämmi" not in table
    assert "top 2 of 6" in page


# workbook ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_bytes() -> bytes:
    return build_workbook(make_rules(), title="=Cross-sell", summary=SUMMARY)


@pytest.fixture(scope="module")
def wb(workbook_bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(workbook_bytes))


def test_workbook_sheets_and_header(wb):
    assert wb.sheetnames == ["Rules", "Summary"]
    ws = wb["Rules"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["rank", "antecedent", "consequent"]
    assert header[-1] == "sentence" and "real_or_chance" in header and len(header) == 15
    assert "p_adjusted" not in header and "p_value" not in header
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws.max_row == 1 + 6
    names = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert names[:2] == ["Salmon fillet 400 g", "Tortillas 8 pcs + Salsa 300 g"]
    assert "Not significant nuts" not in names and "Redundant rye" not in names


def test_workbook_neutralises_dangerous_names(wb):
    ws = wb["Rules"]
    values = [c.value for row in ws.iter_rows() for c in row]
    for name in DANGEROUS:
        assert "'" + name in values
        assert name not in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert wb["Summary"]["A1"].value == "'=Cross-sell"


def test_workbook_number_formats_and_values(wb):
    ws = wb["Rules"]
    header = [c.value for c in ws[1]]
    conf = ws.cell(row=2, column=header.index("confidence") + 1)
    assert conf.value == pytest.approx(0.49) and conf.number_format == "0.00%"
    assert ws.cell(row=2, column=header.index("support") + 1).number_format == "0.00%"
    assert ws.cell(row=2, column=header.index("lift") + 1).number_format == "0.00"
    assert ws.cell(row=2, column=header.index("count") + 1).value == 1234
    # the rule with confidence 1 has infinite conviction, which Excel cannot hold as a number
    convictions = [ws.cell(row=r, column=header.index("conviction") + 1).value
                   for r in range(2, ws.max_row + 1)]
    assert "inf" in convictions


def test_workbook_summary_and_chart(wb):
    ws = wb["Summary"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Receipts" in values and N in values
    assert any(isinstance(v, str) and v.startswith("support =") for v in values)
    charts = ws._charts
    assert len(charts) == 1
    assert charts[0].type == "bar"


def test_workbook_chart_in_file(workbook_bytes):
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_workbook_deterministic(workbook_bytes):
    again = build_workbook(make_rules(), title="=Cross-sell", summary=SUMMARY)
    assert again == workbook_bytes
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and core.count("2000-01-01") == 2


def test_workbook_fallback_and_top():
    from openpyxl import load_workbook

    rules = make_rules()
    rules["redundant"] = True
    book = load_workbook(io.BytesIO(build_workbook(rules, title="t", summary={}, top=3)))
    ws = book["Rules"]
    assert ws.max_row == 1 + 3
    assert ws["B2"].value == "Not significant nuts"
    notes = [c.value for row in book["Summary"].iter_rows() for c in row]
    assert any(isinstance(v, str) and "No rule is both" in v for v in notes)


# errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [render_html, build_workbook])
def test_missing_columns(func):
    rules = make_rules().drop(columns=["lift", "p_adjusted"])
    with pytest.raises(ParameterError, match=func.__name__) as info:
        func(rules, title="t", summary={})
    assert "'lift'" in str(info.value) and "'p_adjusted'" in str(info.value)


@pytest.mark.parametrize("func", [render_html, build_workbook])
@pytest.mark.parametrize("top", [0, -1])
def test_bad_top(func, top):
    with pytest.raises(ParameterError, match="top"):
        func(make_rules(), title="t", summary={}, top=top)


def test_p_values_below_float_range_read_as_words():
    from basket.report import verdict

    assert verdict(0.0) == verdict(3.2e-45) == "almost certainly real"


def test_workbook_chart_plots_the_rules_and_names_the_series():
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    book = load_workbook(io.BytesIO(build_workbook(make_rules(), title="t", summary=SUMMARY)))
    sheet = book["Summary"]
    (chart,) = sheet._charts
    (series,) = chart.series
    title, values = series.tx.strRef.f, series.val.numRef.f
    categories = series.cat.strRef.f if series.cat.strRef else series.cat.numRef.f

    def cells(ref):
        assert ref.startswith("'Summary'!")
        low_col, low_row, high_col, high_row = range_boundaries(ref.split("!")[1].replace("$", ""))
        return [sheet.cell(row, col).value for row in range(low_row, high_row + 1)
                for col in range(low_col, high_col + 1)]  # fmt: skip

    assert cells(title) == ["Lift"]
    lifts, labels = cells(values), cells(categories)
    assert lifts == [4.9, 3.1, 2.5, 2.0, 1.5, 0.8]  # the six reported rules, no header bar
    assert labels[0] == "Salmon fillet 400 g -> Dill bunch" and len(labels) == len(lifts)


LINE_BREAKS = ["\r=2+2", "ok\n=HYPERLINK(\"http://x\",\"y\")", "ok\r\n@SUM(1)"]


def test_labels_with_line_breaks_are_neutralised_in_the_page_and_the_workbook():
    from openpyxl import load_workbook

    rules = pd.DataFrame([
        _rule([("a", LINE_BREAKS[0])], [("b", LINE_BREAKS[1])], conf=0.5, lift=3.0,
              cats=(LINE_BREAKS[2], "x")),
        _rule([("c", LINE_BREAKS[2])], [("d", "Dill")], conf=0.4, lift=2.0),
    ])  # fmt: skip
    page = render_html(rules, title="t", summary={})
    book = load_workbook(io.BytesIO(build_workbook(rules, title="t", summary={})))
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]  # fmt: skip
    import re

    formula_line = re.compile(r"(?:^|[\r\n])[=+\-@]")
    assert not [t for t in texts if formula_line.search(t)]
    assert "'=HYPERLINK" in " ".join(texts) and "'@SUM(1)" in " ".join(texts)
    unescaped = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    assert not formula_line.search(unescaped), formula_line.findall(unescaped)
    assert "'=HYPERLINK" in unescaped and "'=2+2" in unescaped
