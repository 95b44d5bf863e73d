"""Screenshots of the buyer report of the sample store, at desktop and phone widths.

Run: python examples/take_screenshots.py [OUT_DIR]

Simulates the sample store (seed 1, as `kori sample` does), writes its buyer report as
`kori rules report receipts.csv --catalog catalog.csv --html ...` would, and photographs the
top of the page in headless Chromium at 1280 x 900 and 390 x 844 pixels:
OUT_DIR/buyer_report_desktop.png and OUT_DIR/buyer_report_phone.png (default OUT_DIR:
examples/screenshots). Needs `chromium` on PATH. The browser helpers are the tests' own
(tests/browser.py), so the pictures show what the layout tests check.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.browser

from basket import find_rules
from basket.receipts import from_long
from forecasting import simulate_store
from tests.browser import find_chromium, screenshot

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def main(out: Path = ROOT / "examples" / "screenshots") -> None:
    if find_chromium() is None:
        sys.exit("chromium is not on PATH: install it (apt-get install chromium) and run again")
    store = simulate_store(seed=1)
    report = find_rules(from_long(store.receipts, source="receipts.csv"), catalog=store.catalog)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "rules.html"
        page.write_text(report.html(), encoding="utf-8")
        for label, (width, height) in SIZES.items():
            png = screenshot(page, out / f"buyer_report_{label}.png", width, height)
            print(f"{png.relative_to(out.parent) if png.is_relative_to(out.parent) else png}: "
                  f"{width} x {height}, {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "examples" / "screenshots")
