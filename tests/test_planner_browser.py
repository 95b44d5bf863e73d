"""The planner's page in a headless browser, at a desk's and a phone's width.

A copy of the page gets a script that measures it after loading (does anything stick out of the
viewport horizontally, outside a table's own scrolling box? did every picture load?). Headless
chromium's window is at least 500 px wide, so the copy is loaded in an iframe of the width
asked for; the script posts its answer to the frame's page, which writes it into the DOM that
``chromium --dump-dom`` prints.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from cli import kori

SKUS = ["K1001", "K1029", "K1040", "K1049", "K1091"]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}

_CHECK = """<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const images = [...document.images];
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0))
                       .map(i => i.getAttribute("src"));
  const wide = [...document.body.querySelectorAll("*")].filter(e => {
    const box = e.getBoundingClientRect();
    const scroller = e.parentElement && e.parentElement.closest(".scroll");
    return !scroller && (box.right > width + 0.5 || box.left < -0.5);
  }).map(e => e.tagName + (e.className ? "." + e.className : ""));
  parent.postMessage(JSON.stringify({width, scrollWidth: document.documentElement.scrollWidth,
                                     images: images.length, broken, wide: wide.slice(0, 10)}),
                     "*");
});
</script>"""

_FRAME = """<!doctype html><body style="margin:0">
<iframe src="kori-check.html" style="width:{width}px;height:{height}px;border:0"></iframe>
<script>
addEventListener("message", event => {{
  const out = document.createElement("pre");
  out.id = "kori-check";
  out.textContent = event.data;
  document.body.appendChild(out);
}});
</script></body>"""


def _chromium() -> str | None:
    try:
        from tests.browser import find_chromium  # the shared helper, when there is one
    except ImportError:
        return shutil.which("chromium") or shutil.which("chromium-browser")
    return find_chromium()


CHROMIUM = _chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="chromium is not installed (headless browser checks)")


def _chrome(page: Path, width: int, height: int, *extra: str) -> str:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--virtual-time-budget=5000", f"--window-size={width},{height}", *extra,
               page.resolve().as_uri()]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def measure(page: Path, width: int, height: int) -> dict:
    """What the check script found on ``page`` (a copy beside it gets the script)."""
    probe, frame = page.with_name("kori-check.html"), page.with_name("kori-frame.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _CHECK + "</body>"),
                     encoding="utf-8")  # fmt: skip
    frame.write_text(_FRAME.format(width=width, height=height), encoding="utf-8")
    try:
        dom = _chrome(frame, max(width, 500) + 20, height + 20, "--dump-dom")
    finally:
        probe.unlink()
        frame.unlink()
    found = re.search(r'<pre id="kori-check">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the check script did not run: " + dom[-500:]
    return json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))


def screenshot(page: Path, png: Path, width: int, height: int) -> Path:
    _chrome(page, width, height, f"--screenshot={png}")
    assert png.exists() and png.stat().st_size > 1000
    return png


def check_page(page: Path, shots: Path) -> dict[str, dict]:
    """Measure and photograph ``page`` at every size; the measures by size."""
    found = {}
    for name, (width, height) in SIZES.items():
        measures = measure(page, width, height)
        assert measures["width"] == width, measures  # the window is the size asked for
        assert measures["broken"] == [], measures
        assert measures["wide"] == [] and measures["scrollWidth"] <= width, measures
        screenshot(page, shots / f"planner_{name}.png", width, height)
        found[name] = measures
    return found


def _plots(runner, folder: Path, tmp_path: Path, *extra: str) -> Path:
    result = runner.invoke(kori, ["forecast", "run", str(folder / "sales.csv"), "--weather",
                                  str(folder / "weather.csv"), "--stores",
                                  str(folder / "store.toml"), "--catalog",
                                  str(folder / "catalog.csv"), "--plots", str(tmp_path / "plots"),
                                  "-o", str(tmp_path / "forecast.csv"), *extra])  # fmt: skip
    assert result.exit_code == 0, result.output
    return tmp_path / "plots" / "index.html"


@pytest.fixture(scope="module")
def few(sample_dir, tmp_path_factory):
    """The sample's files with the sales of five skus only."""
    folder = tmp_path_factory.mktemp("few")
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    sales[sales["sku"].isin(SKUS)].to_csv(folder / "sales.csv", index=False)
    for name in ("weather.csv", "store.toml", "catalog.csv", "stock.csv"):
        (folder / name).write_bytes((sample_dir / name).read_bytes())
    return folder


@pytest.mark.slow  # a forecast and a browser run (6 s): in CI, which runs pytest without -m
@needs_chromium
def test_the_page_fits_a_phone_and_every_picture_loads(runner, few, tmp_path):
    page = _plots(runner, few, tmp_path, "--plot", "ham", "--plot-top", "1")
    found = check_page(page, tmp_path)
    assert found["phone"]["images"] == found["desktop"]["images"] == 3
    assert "Christmas ham salted 2 kg" in page.read_text(encoding="utf-8")


@needs_chromium
def test_the_check_finds_a_missing_picture_and_a_page_too_wide(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<!doctype html><meta name=viewport content="width=device-width">'
                    '<body><img src="gone.png"><div style="width:450px">wide</div></body>',
                    encoding="utf-8")  # fmt: skip
    found = measure(page, 390, 844)
    assert found["broken"] == ["gone.png"] and "DIV" in found["wide"]


@pytest.mark.slow
@needs_chromium
def test_the_whole_samples_page_fits_a_phone(runner, sample_dir, tmp_path):
    page = _plots(runner, sample_dir, tmp_path)
    found = check_page(page, tmp_path)
    assert found["phone"]["images"] == 30


@pytest.mark.slow
@needs_chromium
def test_the_screenshot_example_writes_two_small_pictures(tmp_path):
    import struct
    import sys

    script = Path(__file__).resolve().parents[1] / "examples" / "planner_screenshots.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for name, size in (("planner_desktop.png", (1280, 900)), ("planner_phone.png", (390, 844))):
        png = (tmp_path / name).read_bytes()
        assert struct.unpack(">II", png[16:24]) == size and len(png) < 300_000, name
