"""Headless Chromium for tests: load a page at a given window size, read its DOM, take a PNG.

Tests import these helpers and skip when :func:`find_chromium` finds no browser::

    from tests.browser import find_chromium, layout_findings, screenshot

    if find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    findings = layout_findings(page, width=390, height=844)
    assert findings["page_overflow_px"] <= 0

:func:`layout_findings` checks the layout from inside the page: it copies the page, injects
:data:`LAYOUT_SCRIPT` (which measures every SVG text and table once the page has laid out,
and writes its findings as JSON into ``<pre id="kori-findings">``), loads the copy with
``--dump-dom`` and reads the findings back. Nothing here touches the network: pages are
loaded from ``file://`` URLs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["LAYOUT_SCRIPT", "MIN_WINDOW_PX", "dump_dom", "find_chromium", "layout_findings",
           "screenshot"]

_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--virtual-time-budget=5000", "--no-first-run", "--disable-extensions")  # fmt: skip
_TIMEOUT_S = 120


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("no chromium on PATH")
    with tempfile.TemporaryDirectory(prefix="kori-chromium-") as profile:
        return subprocess.run(
            [chromium, *_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=_TIMEOUT_S, check=False,
        )  # fmt: skip


MIN_WINDOW_PX = 500
"""Headless Chromium lays a page out at least this wide, whatever ``--window-size`` says.
Narrower (phone) widths are emulated by loading the page into an ``<iframe srcdoc>`` of that
size in a wrapper page (same origin, so the frame's DOM can be read back)."""

_FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html,body{{margin:0;padding:0;background:#fff}}iframe{{border:0;display:block}}</style></head>
<body><iframe id="kori-frame" width="{width}" height="{height}" srcdoc="{page}"></iframe>
<pre id="kori-frame-dom" hidden></pre><script>
document.getElementById('kori-frame').addEventListener('load', function () {{
  var doc = this.contentDocument;
  document.getElementById('kori-frame-dom').textContent = doc.documentElement.outerHTML;
}});
</script></body></html>"""


def _framed(html_path: Path, width: int, height: int, folder: str) -> Path:
    """The page itself, or below :data:`MIN_WINDOW_PX` a wrapper holding it in a frame."""
    if width >= MIN_WINDOW_PX:
        return html_path
    import html

    page = html.escape(html_path.read_text(encoding="utf-8"), quote=True)
    wrapper = Path(folder) / "framed.html"
    wrapper.write_text(_FRAME.format(width=width, height=height, page=page), encoding="utf-8")
    return wrapper


def dump_dom(html_path: str | Path, width: int, height: int) -> str:
    """The DOM of a page after its scripts ran, laid out in a ``width`` x ``height`` px window.

    Raises RuntimeError when Chromium is missing or prints no document.
    """
    import html

    source = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="kori-dom-") as folder:
        page = _framed(source, width, height, folder)
        done = _run([f"--window-size={max(width, MIN_WINDOW_PX)},{height}", "--dump-dom",
                     page.as_uri()])  # fmt: skip
    if "<html" not in done.stdout.lower():
        raise RuntimeError(f"chromium printed no DOM for {source}: {done.stderr[-2000:]}")
    if page == source:
        return done.stdout
    inner = re.search(r'<pre id="kori-frame-dom" hidden="">(.*?)</pre>', done.stdout, re.DOTALL)
    if not inner or not inner[1].strip():
        raise RuntimeError(f"the framed page {source} did not load in time")
    return html.unescape(inner[1])


def screenshot(html_path: str | Path, png_path: str | Path, width: int, height: int) -> Path:
    """Save a PNG of the page's first ``width`` x ``height`` px (the top of the page).

    Raises RuntimeError when Chromium is missing or writes no file.
    """
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    if png.exists():
        png.unlink()
    source = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="kori-shot-") as folder:
        page = _framed(source, width, height, folder)
        done = _run([f"--window-size={max(width, MIN_WINDOW_PX)},{height}",
                     f"--screenshot={png}", page.as_uri()])  # fmt: skip
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot of {source}: {done.stderr[-2000:]}")
    if width < MIN_WINDOW_PX:  # cut the wrapper's margin beside the frame away
        from PIL import Image

        with Image.open(png) as image:
            image.crop((0, 0, width, height)).save(png, optimize=True)
    return png


LAYOUT_SCRIPT = """
(function () {
  function measure() {
    var view = document.documentElement.clientWidth;
    var out = {viewport_px: view, svgs: 0, labels: 0, label_overflows: [], tables: 0,
               table_overflows: [], scrolling_tables: 0,
               page_overflow_px: document.documentElement.scrollWidth - view};
    document.querySelectorAll('svg').forEach(function (svg) {
      out.svgs += 1;
      var box = svg.getBoundingClientRect();
      svg.querySelectorAll('text').forEach(function (text) {
        out.labels += 1;
        var r = text.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
            r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
          out.label_overflows.push({text: text.textContent, left: r.left - box.left,
                                    right: r.right - box.right});
        }
      });
    });
    document.querySelectorAll('table').forEach(function (table) {
      out.tables += 1;
      var r = table.getBoundingClientRect();
      if (r.right <= view + 0.5) { return; }
      for (var el = table.parentElement; el && el !== document.body; el = el.parentElement) {
        var style = getComputedStyle(el).overflowX;
        if ((style === 'auto' || style === 'scroll') &&
            el.getBoundingClientRect().right <= view + 0.5) {
          out.scrolling_tables += 1;
          return;
        }
      }
      out.table_overflows.push({right: r.right, viewport: view});
    });
    var pre = document.createElement('pre');
    pre.id = 'kori-findings';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  if (document.readyState === 'complete') { measure(); }
  else { window.addEventListener('load', measure); }
})();
"""
"""Measures the layout and writes JSON into ``<pre id="kori-findings">``: ``viewport_px``,
``page_overflow_px`` (how far the page is wider than the window), ``label_overflows`` (SVG
texts whose box leaves their SVG), ``table_overflows`` (tables past the window's right edge
that no scrolling box of their own holds) and counts of SVGs, labels, tables and tables that
scroll inside their box."""


def layout_findings(html_path: str | Path, width: int, height: int) -> dict:
    """Load a copy of the page with :data:`LAYOUT_SCRIPT` at ``width`` x ``height`` and return
    what it found (see :data:`LAYOUT_SCRIPT`).

    Raises RuntimeError when Chromium is missing or the findings are not in the DOM.
    """
    page = Path(html_path).read_text(encoding="utf-8")
    probe = page.replace("</body>", f"<script>{LAYOUT_SCRIPT}</script></body>", 1)
    with tempfile.TemporaryDirectory(prefix="kori-layout-") as folder:
        copy = Path(folder) / "page.html"
        copy.write_text(probe, encoding="utf-8")
        dom = dump_dom(copy, width, height)
    found = re.search(r'<pre id="kori-findings">(.*?)</pre>', dom, re.DOTALL)
    if not found:
        raise RuntimeError("the layout script wrote no findings into the page")
    import html

    return json.loads(html.unescape(found[1]))
