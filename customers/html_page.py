"""The pieces the customers' HTML pages share: the style, escaped text, numbers for people,
tables, "how to read this" notes, chart frames and figure boxes."""

from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["CSS", "chart", "escape", "figures", "how", "pct", "points", "table"]

CSS = """body{font-family:system-ui,'Segoe UI',Roboto,sans-serif;margin:2em;color:#222;
max-width:72em}h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #3b7dd8}
.how{background:#eef4fc;padding:.5em .7em;border-left:4px solid #3b7dd8}
.note{background:#fff6d5;padding:.5em .7em;border-left:4px solid #eb0}
.figures{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}.figures div{background:#f4f4f4;
padding:.5em .8em;border-radius:4px}.figures b{display:block;font-size:1.5em}
table{border-collapse:collapse;margin-top:.6em;font-size:.9em}th,td{border-bottom:1px solid
#ddd;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f2f2f2}
td.n{text-align:right;white-space:nowrap}svg{max-width:100%;height:auto}
.scroll{max-width:100%;overflow-x:auto}.chart{margin:1em 0}
@media (max-width:600px){body{margin:1em}.chart svg{max-width:none}}"""
"""The style of every customers page (inline: a page is one self-contained file)."""


def table(head: list[str], rows: list[list[Any]], numeric: set[int]) -> str:
    """An HTML table of already formatted cells (escaped here); ``numeric`` columns align right."""
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
        for i, c in enumerate(row)) + "</tr>" for row in rows)  # fmt: skip
    return f'<div class="scroll"><table><tr>{cells}</tr>{body}</table></div>'


def chart(svg: str) -> str:
    """An SVG chart in a frame that scrolls sideways on a narrow screen."""
    return f'<div class="scroll chart">{svg}</div>'


def how(text: str) -> str:
    """The "how to read this" note of a section (escaped)."""
    return f'<p class="how"><b>How to read this:</b> {escape(text)}</p>'


def figures(pairs: list[tuple[str, str]]) -> str:
    """Big-number boxes: ``(label, value)`` pairs, both escaped."""
    return ('<div class="figures">' + "".join(f"<div><b>{escape(v)}</b>{escape(k)}</div>"
                                              for k, v in pairs) + "</div>")  # fmt: skip


def pct(share: float) -> str:
    """A share for people: ``13%``, ``<1%`` for a small non-zero one, ``–`` for none."""
    if share is None or not math.isfinite(share):
        return "–"
    if 0 < abs(share) < 0.005:
        return "<1%"
    return f"{share:.0%}"


def points(value: float) -> str:
    """NPS points with a sign and no false precision: ``+21``."""
    return "–" if value is None or not math.isfinite(value) else f"{value:+.0f}"


def escape(value: Any) -> str:
    """Any value as escaped HTML text."""
    return html.escape(str(value))
