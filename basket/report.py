"""The buyer report: cross-sell rules as plain sentences, one HTML page and one Excel workbook.

The functions here return content (``str`` or ``bytes``); the caller writes the files. Every
text that comes from the data is HTML-escaped in the page, and passed through :func:`neutralise`
in the workbook and in the page's table and chart, so item names cannot inject markup or
spreadsheet formulas.
"""

from __future__ import annotations

import html
import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd

from basket.chart import bar_chart
from basket.errors import ParameterError
from basket.pairs import check_sort, longer_rules, pair_table

__all__ = ["CHANCE", "VERDICTS", "build_workbook", "neutralise", "pair_sentence", "render_html",
           "rule_sentence", "verdict", "workbook_bytes"]  # fmt: skip

_T = TypeVar("_T")
# The start of the value or of a line in it, before a character that makes a spreadsheet
# read the line as a formula (OWASP's list: = + - @ tab and carriage return).
_FORMULA_LINE = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r])")
_FIXED_TIME = datetime(2000, 1, 1)
_CHART_RULES = 15
_SENTENCE_COLUMNS = ("antecedent_names", "consequent_names", "confidence", "lift")
_HTML_COLUMNS = (
    *_SENTENCE_COLUMNS, "antecedent_categories", "consequent_categories", "count",
    "support", "p_adjusted", "significant", "redundant",
)
_WORKBOOK_COLUMNS = (*_HTML_COLUMNS, "leverage", "conviction")
VERDICTS = ((0.001, "almost certainly real"), (0.05, "likely real"))
"""Adjusted p-value below which a rule reads as each verdict, strictest first."""
CHANCE = "could be chance"
"""The verdict of a rule whose adjusted p-value reaches the last of :data:`VERDICTS`."""
_EXPLANATION = (
    "support = share of all receipts that have both sides of the rule; confidence = share of "
    "receipts with the left side that also have the right side; lift = confidence divided by "
    "the share of receipts with the right side (1 = chance, 2 = twice as often). Real or "
    "chance: how likely it is that the items sell together by chance alone, from Fisher's "
    "exact test corrected for testing many rules at once (adjusted p-value): "
    + "; ".join(f"{words!r} below {limit:g}" for limit, words in VERDICTS)
    + f"; otherwise {CHANCE!r}."
)
_CSS = """body{font-family:system-ui,'Segoe UI',Roboto,sans-serif;margin:2em;color:#222}
h1{margin-bottom:.2em}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:600}dd{margin:0}.note{background:#fff6d5;padding:.5em;border-left:4px solid #eb0}
table{border-collapse:collapse;margin-top:1em;font-size:.9em}th,td{border-bottom:1px solid #ddd;
padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f2f2f2}td.n{text-align:right;
white-space:nowrap}svg{max-width:100%;height:auto}.legend{color:#555;font-size:.9em}
.scroll{max-width:100%;overflow-x:auto} @media (max-width:600px){body{margin:1em}h1{font-size:1.6em}
.chart svg{min-width:600px}}"""


def neutralise(value: _T) -> _T | str:
    """Defuse a value against CSV and spreadsheet formula injection.

    Every line of a string (split on ``\\r\\n``, ``\\r`` or ``\\n``) that starts with ``=``,
    ``+``, ``-``, ``@`` or a tab, and a string starting with a carriage return, gets a single
    quote ``'`` in front (the OWASP CSV-injection defence, line by line: spreadsheet readers
    split a cell on its line breaks, so ``"ok\\n=HYPERLINK(...)"`` would run the second line).
    Anything else is returned unchanged.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise("Dill"), neutralise(-5)
    ('\\'=HYPERLINK("x")', 'Dill', -5)
    >>> neutralise("ok\\n=2+2")
    "ok\\n'=2+2"
    """
    if isinstance(value, str) and _FORMULA_LINE.search(value):
        return _FORMULA_LINE.sub("'", value)
    return value


def rule_sentence(row: Mapping[str, Any] | pd.Series) -> str:
    """Describe one rule in a plain-language sentence for buyers.

    ``row`` is one rule (a Series or mapping) with ``antecedent_names``, ``consequent_names``
    (tuples of display names), ``confidence`` (a fraction) and ``lift``. Several names are joined
    with ``" and "``; a confidence below 0.5% reads ``"<1%"``; a lift below 1 adds ``"(less often
    than chance)"``. Raises :class:`ParameterError` if a column is missing.

    Examples
    --------
    >>> rule_sentence({"antecedent_names": ("Salmon fillet 400 g",), "confidence": 0.49,
    ...                "consequent_names": ("Dill bunch",), "lift": 4.9})
    'Of receipts with Salmon fillet 400 g, 49% also have Dill bunch: 4.9 times the usual rate.'
    """
    missing = [c for c in _SENTENCE_COLUMNS if c not in row]
    if missing:
        raise ParameterError(
            "rule_sentence needs a rule with the columns " + ", ".join(_SENTENCE_COLUMNS),
            where="missing: " + ", ".join(map(repr, missing)),
            fix="Pass one row of the rules frame",
        )
    lift = float(row["lift"])
    text = (
        f"Of receipts with {' and '.join(_names(row['antecedent_names']))}, "
        f"{_percent(float(row['confidence']))} also have "
        f"{' and '.join(_names(row['consequent_names']))}: {lift:.1f} times the usual rate"
    )
    return text + (" (less often than chance)." if lift < 1 else ".")


def verdict(p_adjusted: float) -> str:
    """Whether a rule is real or could be chance, in words, from its adjusted p-value.

    The thresholds are :data:`VERDICTS`; a missing p-value reads ``"could be chance"``.

    Examples
    --------
    >>> verdict(1e-300), verdict(0.01), verdict(0.2)
    ('almost certainly real', 'likely real', 'could be chance')
    """
    p = float(p_adjusted)
    for limit, words in VERDICTS:
        if p < limit:
            return words
    return CHANCE


def pair_sentence(row: Mapping[str, Any] | pd.Series) -> str:
    """Describe a pair of items (a row of :func:`basket.pairs.pair_table`) in a sentence.

    Examples
    --------
    >>> pair_sentence({"name_a": "Salmon", "name_b": "Dill", "confidence_a_b": 0.49,
    ...                "confidence_b_a": 0.12, "lift": 4.9})
    'Of receipts with Salmon, 49% also have Dill; of receipts with Dill, 12% also have Salmon: \
together 4.9 times the usual rate.'
    """
    a, b, lift = str(row["name_a"]), str(row["name_b"]), float(row["lift"])
    text = (f"Of receipts with {a}, {_percent(float(row['confidence_a_b']))} also have {b}; "
            f"of receipts with {b}, {_percent(float(row['confidence_b_a']))} also have {a}: "
            f"together {lift:.1f} times the usual rate")  # fmt: skip
    return text + (" (less often than chance)." if lift < 1 else ".")


def render_html(
    rules: pd.DataFrame,
    *,
    title: str,
    summary: Mapping[str, object],
    top: int = 50,
    pairs: bool = False,
    sort: str = "lift",
) -> str:
    """Render the buyer report as one self-contained HTML page.

    The page holds a header (title and summary), an inline SVG bar chart of the lift of the
    first 15 rows (:func:`basket.chart.bar_chart`) and a table of the ``top`` rules among the
    significant, non-redundant ones, sorted by ``sort``. With ``pairs``, the rules of one item
    on each side are shown as pairs (:func:`basket.pairs.pair_table`: "salmon and dill", both
    directions' confidence) and the longer rules in a table of their own. If no rule
    qualifies, the top rules overall are shown and a note says so. Whether a rule is real or
    could be chance is said in words (:func:`verdict`), explained in the legend. It has inline
    CSS only: no JavaScript, no external URL; wide tables scroll inside their own box on a
    phone. Every text from the data is HTML-escaped, and the names, categories and sentences
    pass through :func:`neutralise` (a table copied into a spreadsheet must not run formulas).

    Parameters
    ----------
    rules : pandas.DataFrame
        One row per rule, as from rule mining (names, categories, ``count``, measures,
        ``p_adjusted``, ``significant``, ``redundant``).
    title, summary : str, mapping of str to object
        The page title; label -> value pairs shown under it, e.g. ``{"Receipts": 32693}``.
    top : int, default 50
        How many rows each table lists, at least 1.
    pairs : bool, default False
        Show one row per pair of items (and the longer rules apart).
    sort : {"lift", "support", "confidence", "count"}
        Order of the rows (descending).

    Returns
    -------
    str
        The HTML document; write it encoded as UTF-8.

    Raises
    ------
    ParameterError
        If ``top`` < 1, ``sort`` is unknown or ``rules`` lacks a required column.
    """
    chosen, note = _select(rules, top, _HTML_COLUMNS, "render_html", sort)
    pair_rows, chosen = _split_pairs(rules, chosen, top, sort) if pairs else ([], chosen)
    records = chosen.to_dict("records")
    e = html.escape
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(str(title))}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        "<header>", f"<h1>{e(str(title))}</h1>", "<dl>",
        *(f"<dt>{e(str(k))}</dt><dd>{e(_human(v))}</dd>" for k, v in summary.items()),
        "</dl>", "</header>", f'<p class="note">{e(note)}</p>' if note else "",
    ]
    if not records and not pair_rows:
        out += ["<p>No rules to show.</p>", "</body>", "</html>"]
        return "\n".join(out)
    by = "" if sort == "lift" else f" (by {sort})"
    if pair_rows:
        first = pair_rows[:_CHART_RULES]
        out += [f"<h2>Lift of the top pairs{by}</h2>",
                _chart_box(bar_chart([f"{r['name_a']} + {r['name_b']}" for r in first],
                                     [r["lift"] for r in first], title="Lift of the top pairs",
                                     guard=neutralise)),
                "<h2>Pairs bought together</h2>", _pairs_table(pair_rows)]  # fmt: skip
    if records:
        if not pair_rows:
            first = records[:_CHART_RULES]
            out += [f"<h2>Lift of the top rules{by}</h2>",
                    _chart_box(bar_chart([_arrow_label(r) for r in first],
                                         [r["lift"] for r in first], guard=neutralise))]
        out += ["<h2>Longer rules</h2>" if pair_rows else "<h2>Rules</h2>",
                _rules_table(records)]  # fmt: skip
    out += [f'<p class="legend">{e(_EXPLANATION)}</p>', "</body>", "</html>"]
    return "\n".join(out)


def _chart_box(svg: str) -> str:
    """The chart in a box of its own: on a phone it keeps a readable size and scrolls."""
    return f'<div class="scroll chart">{svg}</div>'


def _split_pairs(
    rules: pd.DataFrame, chosen: pd.DataFrame, top: int, sort: str
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """The top pairs among the rules a report may show, and its top longer rules."""
    pool, _ = _select(rules, len(rules) or 1, (), "render_html", sort)
    pairs = pair_table(pool, sort).head(int(top))
    return pairs.to_dict("records"), longer_rules(pool).head(int(top))


def _table(heads: Sequence[str], rows: Iterable[Sequence[tuple[str, str]]]) -> str:
    """A table in a box of its own that scrolls sideways when the page is narrow."""
    body = ["<tr>" + "".join(f'<td class="{c}">{text}</td>' if c else f"<td>{text}</td>"
                             for c, text in row) + "</tr>" for row in rows]  # fmt: skip
    return "\n".join(['<div class="scroll"><table>',
                      "<thead><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead>",
                      "<tbody>", *body, "</tbody>", "</table></div>"])  # fmt: skip


def _d(text: object) -> str:
    return html.escape(neutralise(str(text)))  # data cells may be pasted into Excel


def _rules_table(records: list[dict[str, Any]]) -> str:
    with_categories = any(
        _join(r["antecedent_categories"]) or _join(r["consequent_categories"]) for r in records
    )
    heads = ["#", "If a receipt has", "it also has", *(["categories"] * with_categories),
             "receipts with the rule", "support", "confidence", "lift", "real or chance",
             "in words"]  # fmt: skip
    rows = []
    for rank, r in enumerate(records, start=1):
        cells = [("n", str(rank)), ("", _d(_join(r["antecedent_names"]))),
                 ("", _d(_join(r["consequent_names"])))]  # fmt: skip
        if with_categories:
            cats = f"{_join(r['antecedent_categories'])} -> {_join(r['consequent_categories'])}"
            cells.append(("", _d(cats)))
        cells += [("n", html.escape(_human(r["count"]))),
                  ("n", f"{_fmt(float(r['support']) * 100, '.2f')}%"),
                  ("n", f"{_fmt(float(r['confidence']) * 100, '.1f')}%"),
                  ("n", _fmt(float(r["lift"]), ".2f")),
                  ("", html.escape(verdict(r["p_adjusted"]))), ("", _d(rule_sentence(r)))]
        rows.append(cells)
    return _table(heads, rows)


def _pairs_table(records: list[dict[str, Any]]) -> str:
    with_categories = any(r["category_a"] or r["category_b"] for r in records)
    heads = ["#", "Item A", "Item B", *(["categories"] * with_categories),
             "receipts with both", "support", "of A receipts, share with B",
             "of B receipts, share with A", "lift", "real or chance", "in words"]  # fmt: skip
    rows = []
    for rank, r in enumerate(records, start=1):
        cells = [("n", str(rank)), ("", _d(r["name_a"])), ("", _d(r["name_b"]))]
        if with_categories:
            cells.append(("", _d(f"{r['category_a']} + {r['category_b']}")))
        cells += [("n", html.escape(_human(r["count"]))),
                  ("n", f"{_fmt(float(r['support']) * 100, '.2f')}%"),
                  ("n", f"{_fmt(float(r['confidence_a_b']) * 100, '.1f')}%"),
                  ("n", f"{_fmt(float(r['confidence_b_a']) * 100, '.1f')}%"),
                  ("n", _fmt(float(r["lift"]), ".2f")),
                  ("", html.escape(verdict(r["p_adjusted"]))), ("", _d(pair_sentence(r)))]
        rows.append(cells)
    return _table(heads, rows)


def build_workbook(
    rules: pd.DataFrame,
    *,
    title: str,
    summary: Mapping[str, object],
    top: int = 200,
    pairs: bool = False,
    sort: str = "lift",
) -> bytes:
    """Build the buyer report as an Excel workbook (.xlsx), in memory.

    Sheet ``Rules`` lists the ``top`` rules, selected and sorted as in :func:`render_html`, with
    a bold frozen header and a ``real_or_chance`` column (:func:`verdict`) in place of
    p-values. With ``pairs``, sheet ``Pairs`` comes first with one row per pair of items and
    ``Rules`` holds the longer rules. Sheet ``Summary`` holds the title, the summary pairs,
    lines explaining the measures and the verdicts, the lift of the first 15 rows and a bar
    chart of it. Every string written from the data passes through :func:`neutralise`. The
    same input gives the same bytes (fixed document and zip timestamps). Infinite measures
    (``conviction`` when confidence is 1) are written as the text ``"inf"``, missing ones as
    empty cells, since Excel has no such numbers.

    Parameters are those of :func:`render_html` (``title`` goes at the top of ``Summary``);
    ``top`` defaults to 200. Returns the .xlsx file content; raises :class:`ParameterError` if
    ``top`` < 1, ``sort`` is unknown or ``rules`` lacks a required column (these also need
    ``leverage`` and ``conviction``).

    Examples
    --------
    >>> data = build_workbook(rules, title="Rules", summary={})  # doctest: +SKIP
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    chosen, note = _select(rules, top, _WORKBOOK_COLUMNS, "build_workbook", sort)
    pair_rows, chosen = _split_pairs(rules, chosen, top, sort) if pairs else ([], chosen)
    records = chosen.to_dict("records")
    wb = Workbook()
    ws = wb.active
    if pairs:
        ws.title = "Pairs"
        _fill(ws, ["rank", "item_a", "item_b", "category_a", "category_b", "count", "support",
                   "confidence_a_b", "confidence_b_a", "lift", "real_or_chance", "sentence"],
              [[rank, _text(str(r["name_a"])), _text(str(r["name_b"])),
                _text(str(r["category_a"])), _text(str(r["category_b"])), int(r["count"]),
                *(_number(r[c]) for c in ("support", "confidence_a_b", "confidence_b_a",
                                          "lift")),
                verdict(r["p_adjusted"]), _text(pair_sentence(r))]
               for rank, r in enumerate(pair_rows, start=1)])  # fmt: skip
        ws = wb.create_sheet("Rules")
    else:
        ws.title = "Rules"
    header = ["rank", "antecedent", "consequent", "antecedent_categories",
              "consequent_categories", "count", "support", "confidence", "lift", "leverage",
              "conviction", "real_or_chance", "significant", "redundant", "sentence"]
    _fill(ws, header, [[
        rank, *(_text(" + ".join(_names(r[c]))) for c in (
            "antecedent_names", "consequent_names", "antecedent_categories",
            "consequent_categories")),
        int(r["count"]), *(_number(r[c]) for c in header[6:11]), verdict(r["p_adjusted"]),
        bool(r["significant"]), bool(r["redundant"]), _text(rule_sentence(r)),
    ] for rank, r in enumerate(records, start=1)])

    sheet = wb.create_sheet("Summary")
    sheet.append([_text(str(title))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, value in summary.items():
        sheet.append([_text(str(label)), _summary_value(value)])
    sheet.append([])
    for line in (_EXPLANATION, note):
        if line:
            sheet.append([line])
    sheet.append([])
    charted = ([(f"{r['name_a']} + {r['name_b']}", r["lift"]) for r in pair_rows] if pair_rows
               else [(_arrow_label(r), r["lift"]) for r in records])[:_CHART_RULES]  # fmt: skip
    if charted:
        _chart(sheet, "Pair (top)" if pair_rows else "Rule (top)", charted,
               "Lift of the top pairs" if pair_rows else "Lift of the top rules")
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 14
    return workbook_bytes(wb)


def _fill(ws: Any, header: list[str], rows: list[list[Any]]) -> None:
    """Write a header (bold, frozen, filtered) and rows, with number formats and widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    formats = {"count": "#,##0", "support": "0.00%", "confidence": "0.00%", "lift": "0.00",
               "leverage": "0.0000", "conviction": "0.00", "confidence_a_b": "0.00%",
               "confidence_b_a": "0.00%"}  # fmt: skip
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col, name in enumerate(header, start=1):
        letter = get_column_letter(col)
        for cell in ws[letter][1:]:
            if name in formats and isinstance(cell.value, (int, float)):
                cell.number_format = formats[name]
        longest = max(len(str(c.value)) for c in ws[letter] if c.value is not None)
        ws.column_dimensions[letter].width = min(max(longest + 2, 10), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _chart(sheet: Any, head: str, charted: list[tuple[str, Any]], title: str) -> None:
    """The lift of the charted rows under a bold header, and a bar chart of it beside them."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    sheet.append([head, "Lift"])
    # The row just written; max_row + 1 before it would miss the blank rows appended above,
    # which openpyxl counts for append but not in max_row.
    first = sheet.max_row
    sheet[first][0].font = sheet[first][1].font = Font(bold=True)
    for label, lift in charted:
        sheet.append([_text(label), _number(lift)])
    chart = BarChart()
    chart.type, chart.style, chart.legend = "bar", 10, None
    chart.title, chart.y_axis.title = title, "lift (1 = chance)"
    chart.x_axis.scaling.orientation = "maxMin"  # highest lift at the top
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.height, chart.width = 10, 22
    last = sheet.max_row
    data = Reference(sheet, min_col=2, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
    sheet.add_chart(chart, "D3")


def _select(
    rules: pd.DataFrame, top: int, required: Iterable[str], caller: str, sort: str = "lift"
) -> tuple[pd.DataFrame, str]:
    """Validate, then return the top rules by ``sort`` to report and a note on the selection."""
    problems = []
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        problems.append(f"top must be a whole number of at least 1, got {top!r}")
    if not isinstance(rules, pd.DataFrame):
        raise ParameterError(f"{caller} needs a DataFrame of rules, got {type(rules).__name__}")
    missing = [c for c in required if c not in rules.columns]
    if missing:
        problems.append(f"{caller} needs rule columns missing from the frame: "
                        + ", ".join(map(repr, missing)))
    if problems:
        raise ParameterError("; ".join(problems),
                             where="found columns: " + ", ".join(map(str, rules.columns)),
                             fix="Pass the rules frame from rule mining and a top of 1 or more")
    check_sort(sort)
    keep = rules["significant"].astype(bool) & ~rules["redundant"].astype(bool)
    pool, note = rules[keep], ""
    if rules.empty:
        note = "There are no rules to report."
    elif not keep.any():
        pool = rules
        note = ("No rule is both significant and non-redundant, so this shows the top rules by "
                f"{sort} among all rules; treat them with caution.")
    chosen = pool.sort_values(sort, ascending=False, kind="mergesort", na_position="last")
    chosen = chosen.head(int(top))
    if not note and len(chosen) < len(pool):
        note = (f"Showing the top {len(chosen):,} of {len(pool):,} significant, non-redundant "
                f"rules by {sort}.")
    return chosen, note


def _names(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[attr-defined]


def _join(value: object, sep: str = " + ") -> str:
    return sep.join(n for n in _names(value) if n)


def _arrow_label(record: Mapping[str, Any]) -> str:
    return f"{_join(record['antecedent_names'])} -> {_join(record['consequent_names'])}"


def _percent(fraction: float) -> str:
    pct = fraction * 100
    if math.isnan(pct):
        return "an unknown share"
    return "<1%" if pct < 0.5 else f"{math.floor(pct + 0.5)}%"  # round half up, unlike format


def _fmt(x: float, spec: str) -> str:
    if math.isnan(x):
        return "–"
    return format(x, spec) if math.isfinite(x) else ("inf" if x > 0 else "-inf")


def _human(value: object) -> str:
    """Format a number for people: thousand separators on whole numbers, else 4 digits."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    x = float(value)
    whole = isinstance(value, numbers.Integral) or (math.isfinite(x) and x.is_integer())
    return f"{int(value):,}" if whole and abs(x) < 1e15 else f"{x:,.4g}"


def _text(value: str) -> str:
    """A cell-safe string: formula prefixes quoted, XML-illegal control characters replaced."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))


def _number(value: object) -> float | str | None:
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return None
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf")


def _summary_value(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value if isinstance(value, bool) else _text(str(value))
    return int(value) if isinstance(value, numbers.Integral) else _number(value)


def workbook_bytes(wb: Any) -> bytes:
    """An openpyxl workbook as xlsx bytes. Serialise with fixed document and zip-entry timestamps so equal input gives equal bytes."""
    from openpyxl.writer.excel import ExcelWriter

    # openpyxl's save() stamps `modified` with the current time, so drive its writer directly.
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
