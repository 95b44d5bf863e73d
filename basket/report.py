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
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd

from basket.errors import ParameterError

__all__ = ["build_workbook", "neutralise", "render_html", "rule_sentence", "workbook_bytes"]

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
_WORKBOOK_COLUMNS = (*_HTML_COLUMNS, "leverage", "conviction", "p_value")
_EXPLANATION = (
    "support = share of all receipts that have both sides of the rule; confidence = share of "
    "receipts with the left side that also have the right side; lift = confidence divided by "
    "the share of receipts with the right side (1 = chance, 2 = twice as often); adjusted p = "
    "p-value corrected for testing many rules (small = unlikely to be chance)."
)
_CSS = """body{font-family:system-ui,'Segoe UI',Roboto,sans-serif;margin:2em;color:#222}
h1{margin-bottom:.2em}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:600}dd{margin:0}.note{background:#fff6d5;padding:.5em;border-left:4px solid #eb0}
table{border-collapse:collapse;margin-top:1em;font-size:.9em}th,td{border-bottom:1px solid #ddd;
padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f2f2f2}td.n{text-align:right;
white-space:nowrap}svg{max-width:100%;height:auto}.legend{color:#555;font-size:.9em}"""


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


def render_html(
    rules: pd.DataFrame,
    *,
    title: str,
    summary: Mapping[str, object],
    top: int = 50,
) -> str:
    """Render the buyer report as one self-contained HTML page.

    The page holds a header (title and summary), an inline SVG bar chart of the lift of the top
    15 rules and a table of the ``top`` rules by lift among the significant, non-redundant ones.
    If no rule qualifies, the top rules overall are shown and a note says so. It has inline CSS
    only: no JavaScript, no external URL. Every text from the data is HTML-escaped, and the
    names, categories and sentences of the table and the chart pass through :func:`neutralise`
    (a table copied into a spreadsheet must not run formulas).

    Parameters
    ----------
    rules : pandas.DataFrame
        One row per rule, as from rule mining (names, categories, ``count``, measures,
        ``p_adjusted``, ``significant``, ``redundant``).
    title, summary : str, mapping of str to object
        The page title; label -> value pairs shown under it, e.g. ``{"Receipts": 32693}``.
    top : int, default 50
        How many rules the table lists, at least 1.

    Returns
    -------
    str
        The HTML document; write it encoded as UTF-8.

    Raises
    ------
    ParameterError
        If ``top`` < 1 or ``rules`` lacks a required column.
    """
    chosen, note = _select(rules, top, _HTML_COLUMNS, "render_html")
    records = chosen.to_dict("records")
    e = html.escape
    d = lambda text: e(neutralise(text))  # noqa: E731  (data cells may be pasted into Excel)
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(str(title))}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        "<header>", f"<h1>{e(str(title))}</h1>", "<dl>",
        *(f"<dt>{e(str(k))}</dt><dd>{e(_human(v))}</dd>" for k, v in summary.items()),
        "</dl>", "</header>", f'<p class="note">{e(note)}</p>' if note else "",
    ]
    if not records:
        out += ["<p>No rules to show.</p>", "</body>", "</html>"]
        return "\n".join(out)
    out += ["<h2>Lift of the top rules</h2>", _svg_chart(records[:_CHART_RULES]), "<h2>Rules</h2>"]
    with_categories = any(
        _join(r["antecedent_categories"]) or _join(r["consequent_categories"]) for r in records
    )
    heads = ["#", "If a receipt has", "it also has", *(["categories"] * with_categories),
             "receipts with the rule", "support", "confidence", "lift", "p (adjusted)", "in words"]
    out += ["<table>", "<thead><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead>",
            "<tbody>"]
    for rank, r in enumerate(records, start=1):
        cells = [f'<td class="n">{rank}</td>', f"<td>{d(_join(r['antecedent_names']))}</td>",
                 f"<td>{d(_join(r['consequent_names']))}</td>"]
        if with_categories:
            cats = f"{_join(r['antecedent_categories'])} -> {_join(r['consequent_categories'])}"
            cells.append(f"<td>{d(cats)}</td>")
        cells += [f'<td class="n">{e(_human(r["count"]))}</td>',
                  f'<td class="n">{_fmt(float(r["support"]) * 100, ".2f")}%</td>',
                  f'<td class="n">{_fmt(float(r["confidence"]) * 100, ".1f")}%</td>',
                  f'<td class="n">{_fmt(float(r["lift"]), ".2f")}</td>',
                  f'<td class="n">{html.escape(_p_text(float(r["p_adjusted"])))}</td>',
                  f"<td>{d(rule_sentence(r))}</td>"]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", f'<p class="legend">{e(_EXPLANATION)}</p>', "</body>",
            "</html>"]
    return "\n".join(out)


def build_workbook(
    rules: pd.DataFrame,
    *,
    title: str,
    summary: Mapping[str, object],
    top: int = 200,
) -> bytes:
    """Build the buyer report as an Excel workbook (.xlsx), in memory.

    Sheet ``Rules`` lists the ``top`` rules by lift, selected as in :func:`render_html`, with a
    bold frozen header. Sheet ``Summary`` holds the title, the summary pairs, a line explaining
    the measures, the lift of the top 15 rules and a bar chart of it. Every string written from
    the data passes through :func:`neutralise`. The same input gives the same bytes (fixed
    document and zip timestamps). Infinite measures (``conviction`` when confidence is 1) are
    written as the text ``"inf"``, missing ones as empty cells, since Excel has no such numbers.

    Parameters are those of :func:`render_html` (``title`` goes at the top of ``Summary``);
    ``top`` defaults to 200. Returns the .xlsx file content; raises :class:`ParameterError` if
    ``top`` < 1 or ``rules`` lacks a required column (these also need ``leverage``,
    ``conviction`` and ``p_value``).

    Examples
    --------
    >>> data = build_workbook(rules, title="Rules", summary={})  # doctest: +SKIP
    """
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    chosen, note = _select(rules, top, _WORKBOOK_COLUMNS, "build_workbook")
    records = chosen.to_dict("records")
    wb = Workbook()
    ws = wb.active
    ws.title = "Rules"
    header = ["rank", "antecedent", "consequent", "antecedent_categories",
              "consequent_categories", "count", "support", "confidence", "lift", "leverage",
              "conviction", "p_value", "p_adjusted", "significant", "redundant", "sentence"]
    formats = {"count": "#,##0", "support": "0.00%", "confidence": "0.00%", "lift": "0.00",
               "leverage": "0.0000", "conviction": "0.00", "p_value": "0.00E+00",
               "p_adjusted": "0.00E+00"}
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rank, r in enumerate(records, start=1):
        ws.append([
            rank, *(_text(" + ".join(_names(r[c]))) for c in (
                "antecedent_names", "consequent_names", "antecedent_categories",
                "consequent_categories")),
            int(r["count"]), *(_number(r[c]) for c in header[6:13]),
            bool(r["significant"]), bool(r["redundant"]), _text(rule_sentence(r)),
        ])
    for col, name in enumerate(header, start=1):
        letter = get_column_letter(col)
        for cell in ws[letter][1:]:
            if name in formats and isinstance(cell.value, (int, float)):
                cell.number_format = formats[name]
        longest = max(len(str(c.value)) for c in ws[letter] if c.value is not None)
        ws.column_dimensions[letter].width = min(max(longest + 2, 10), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions

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
    if records:
        sheet.append(["Rule (top by lift)", "Lift"])
        # The row just written; max_row + 1 before it would miss the blank rows appended above,
        # which openpyxl counts for append but not in max_row.
        first = sheet.max_row
        sheet[first][0].font = sheet[first][1].font = Font(bold=True)
        for r in records[:_CHART_RULES]:
            sheet.append([_text(_arrow_label(r)), _number(r["lift"])])
        chart = BarChart()
        chart.type, chart.style, chart.legend = "bar", 10, None
        chart.title, chart.y_axis.title = "Lift of the top rules", "lift (1 = chance)"
        chart.x_axis.scaling.orientation = "maxMin"  # highest lift at the top
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 10, 22
        last = sheet.max_row
        data = Reference(sheet, min_col=2, min_row=first, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
        sheet.add_chart(chart, "D3")
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 14
    return workbook_bytes(wb)


def _select(
    rules: pd.DataFrame, top: int, required: Iterable[str], caller: str
) -> tuple[pd.DataFrame, str]:
    """Validate, then return the top rules by lift to report and a note on the selection."""
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
    keep = rules["significant"].astype(bool) & ~rules["redundant"].astype(bool)
    pool, note = rules[keep], ""
    if rules.empty:
        note = "There are no rules to report."
    elif not keep.any():
        pool = rules
        note = ("No rule is both significant and non-redundant, so this shows the top rules by "
                "lift among all rules; treat them with caution.")
    chosen = pool.sort_values("lift", ascending=False, kind="mergesort", na_position="last")
    chosen = chosen.head(int(top))
    if not note and len(chosen) < len(pool):
        note = (f"Showing the top {len(chosen):,} of {len(pool):,} significant, non-redundant "
                "rules by lift.")
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


def _p_text(p: float) -> str:
    """A p-value for people: scientific notation, and below what a float holds, a bound."""
    return "< 1e-300" if p < 1e-300 else f"{p:.1e}"


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


def _svg_chart(records: list[dict[str, Any]]) -> str:
    """An inline SVG horizontal bar chart of lift, with a dashed line at lift 1."""
    e = html.escape
    label_w, plot_w, bar_h, top_m = 360, 420, 22, 10
    lifts = [float(r["lift"]) if math.isfinite(float(r["lift"])) else 0.0 for r in records]
    most = max(lifts + [1.0])
    steps = (m * 10.0**k for k in range(-1, 300) for m in (1, 2, 5))
    step = next(s for s in steps if most / s <= 8)  # at most 8 axis ticks
    scale_max = step * math.ceil(most / step)
    x = lambda v: label_w + plot_w * v / scale_max  # noqa: E731
    height = top_m + bar_h * len(records) + 30
    width = label_w + plot_w + 60
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Lift of the top rules" font-family="sans-serif" font-size="12">']
    for i, (r, lift) in enumerate(zip(records, lifts)):
        full = neutralise(_arrow_label(r))
        short = full if len(full) <= 52 else full[:51] + "…"
        y = top_m + i * bar_h
        colour = "#3b7dd8" if lift >= 1 else "#c0504d"
        parts.append(
            f"<g><title>{e(full)}: lift {_fmt(float(r['lift']), '.2f')}</title>"
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{e(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{x(lift) - label_w:.1f}" '
            f'height="{bar_h - 6}" fill="{colour}"/>'
            f'<text x="{x(lift) + 4:.1f}" y="{y + 15}">{_fmt(float(r["lift"]), ".1f")}</text></g>'
        )
    axis_y = top_m + bar_h * len(records)
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" '
                 'stroke="#888"/>')
    for k in range(int(round(scale_max / step)) + 1):
        tick = k * step
        parts.append(f'<text x="{x(tick):.1f}" y="{axis_y + 16}" text-anchor="middle" '
                     f'fill="#555">{tick:g}</text>')
    parts.append(f'<line x1="{x(1):.1f}" y1="{top_m}" x2="{x(1):.1f}" y2="{axis_y}" '
                 'stroke="#222" stroke-dasharray="4 3"><title>lift 1 = chance</title></line>')
    parts.append("</svg>")
    return "\n".join(parts)


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
