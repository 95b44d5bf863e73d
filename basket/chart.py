"""The buyer report's bar chart of lift, as inline SVG.

Labels are product names, often long. The label column is made as wide as the longest label
needs (up to :data:`LABEL_MAX_PX`), a longer label wraps onto :data:`LABEL_LINES` lines, and
what still does not fit is cut with an ellipsis; the full label is in the bar's ``<title>``
tooltip. Widths are estimated from the number of characters at :data:`CHAR_PX` pixels each,
generous for a 12 px sans-serif font, so that no label runs out of the SVG (tests check this
in headless Chromium).
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Sequence

__all__ = ["CHAR_PX", "LABEL_LINES", "LABEL_MAX_PX", "bar_chart", "fit_label"]

CHAR_PX = 7.2
"""Estimated width of one character of the 12 px label font, in pixels (a wide average)."""
LABEL_MAX_PX = 380
"""Widest label column, in pixels; longer labels wrap."""
LABEL_LINES = 2
"""Most lines of one label; the rest is cut with an ellipsis."""


def fit_label(text: str, width_chars: int, lines: int = LABEL_LINES) -> list[str]:
    """``text`` wrapped onto at most ``lines`` lines of ``width_chars`` characters.

    Words that do not fit on the last line are cut with an ellipsis (``…``).

    Examples
    --------
    >>> fit_label("Christmas ham salted 2 kg + Christmas mustard 200 g", 30)
    ['Christmas ham salted 2 kg +', 'Christmas mustard 200 g']
    >>> fit_label("a very long name that goes on and on and on", 12)
    ['a very long', 'name that g…']
    """
    width_chars = max(int(width_chars), 2)
    wrapped = textwrap.wrap(text, width_chars, break_long_words=True) or [""]
    if len(wrapped) <= lines:
        return wrapped
    rest = " ".join(wrapped[lines - 1:])
    return wrapped[: lines - 1] + [rest[: width_chars - 1] + "…"]


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "Lift of the top rules",
    reference: float = 1.0,
    guard: Callable[[str], str] | None = None,
) -> str:
    """An inline SVG horizontal bar chart, with a dashed line at ``reference`` (lift 1 = chance).

    ``labels`` are plain text (escaped here); ``values`` may hold inf or NaN (drawn as 0).
    Bars at or above ``reference`` are blue, below it red. ``guard`` is applied to each label
    and to each line of a wrapped label (e.g. :func:`basket.report.neutralise`). A label wraps
    after its `` + `` and `` -> `` separators, never before them.
    """
    guard = guard or (lambda text: text)
    labels = [guard(label) for label in labels]
    e = html.escape
    plot_w, top_m, line_h = 420, 10, 14
    longest = max((len(label) for label in labels), default=0)
    chars = max(min(longest, int(LABEL_MAX_PX // CHAR_PX)), 16)
    label_w = math.ceil(chars * CHAR_PX) + 14
    fitted = [[guard(line.replace("\u00a0", " ")) for line in fit_label(_glue(label), chars)]
              for label in labels]  # fmt: skip
    rows = max((len(f) for f in fitted), default=1)
    bar_h = 22 + line_h * (rows - 1)
    finite = [float(v) if math.isfinite(float(v)) else 0.0 for v in values]
    most = max(finite + [reference])
    steps = (m * 10.0**k for k in range(-1, 300) for m in (1, 2, 5))
    step = next(s for s in steps if most / s <= 8)  # at most 8 axis ticks
    scale_max = step * math.ceil(most / step)
    x = lambda v: label_w + plot_w * v / scale_max
    height = top_m + bar_h * len(labels) + 30
    width = label_w + plot_w + 60
    parts = [(f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
              f'aria-label="{e(title)}" font-family="sans-serif" font-size="12">')]
    for i, (label, lines, value, shown) in enumerate(zip(labels, fitted, values, finite)):
        y = top_m + i * bar_h
        mid = y + bar_h / 2
        first = mid + 4 - line_h * (len(lines) - 1) / 2
        tspans = "".join(f'<tspan x="{label_w - 8}" y="{first + k * line_h:.1f}">{e(line)}</tspan>'
                         for k, line in enumerate(lines))  # fmt: skip
        colour = "#3b7dd8" if shown >= reference else "#c0504d"
        parts.append(
            f"<g><title>{e(label)}: {_fmt(float(value), '.2f')}</title>"
            f'<text class="label" text-anchor="end">{tspans}</text>'
            f'<rect x="{label_w}" y="{mid - 8:.1f}" width="{x(shown) - label_w:.1f}" '
            f'height="16" fill="{colour}"/>'
            f'<text x="{x(shown) + 4:.1f}" y="{mid + 4:.1f}">{_fmt(float(value), ".1f")}</text></g>'
        )
    axis_y = top_m + bar_h * len(labels)
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" '
                 'stroke="#888"/>')
    for k in range(round(scale_max / step) + 1):
        tick = k * step
        parts.append(f'<text x="{x(tick):.1f}" y="{axis_y + 16}" text-anchor="middle" '
                     f'fill="#555">{tick:g}</text>')
    parts.append(f'<line x1="{x(reference):.1f}" y1="{top_m}" x2="{x(reference):.1f}" '
                 f'y2="{axis_y}" stroke="#222" stroke-dasharray="4 3">'
                 f"<title>lift {reference:g} = chance</title></line>")
    parts.append("</svg>")
    return "\n".join(parts)


def _glue(label: str) -> str:
    """Join each separator to the word before it, so no wrapped line starts with one."""
    return label.replace(" + ", "\u00a0+ ").replace(" -> ", "\u00a0-> ")


def _fmt(x: float, spec: str) -> str:
    if math.isnan(x):
        return "–"
    return format(x, spec) if math.isfinite(x) else ("inf" if x > 0 else "-inf")
