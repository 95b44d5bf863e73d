"""Screenshots of the planner's page of the sample store, at a desk's and a phone's width.

Forecasts every product of the sample store (seed 1) 28 days ahead with the catalog's names,
writes the planner's page (as ``kori forecast run ... --catalog catalog.csv --plots DIR``
does) and photographs it with headless chromium:

    python examples/planner_screenshots.py [OUTDIR]     # default examples/screenshots/

writes ``OUTDIR/planner_desktop.png`` (1280 x 900) and ``OUTDIR/planner_phone.png`` (390 x 844)
and prints one line per file. Needs chromium on the PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from forecasting import forecast, load_inputs, planner_page, simulate_store

SIZES = {"planner_desktop.png": (1280, 900), "planner_phone.png": (390, 844)}


def main(out: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed: it takes the screenshots")
    store = simulate_store(seed=1)
    inputs = load_inputs(store.sales, weather=store.weather, stores=store.stores)
    result = forecast(inputs.series, horizon=28, regressors=inputs.regressors, components=True,
                      catalog=store.catalog)  # fmt: skip
    page = planner_page(result, plot=["Christmas ham"], plot_top=6)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "index.html"
        index.write_text(page.html, encoding="utf-8")
        for name, png in page.pictures.items():
            (Path(folder) / name).write_bytes(png)
        for name, (width, height) in SIZES.items():
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", f"--window-size={width},{height}",
                            f"--screenshot={out / name}", index.as_uri()],
                           check=True, capture_output=True, timeout=120)  # fmt: skip
            print(f"{out / name}: {width} x {height}, {(out / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "screenshots")
