"""The examples run as documented."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(name: str) -> list[str]:
    """The lines an example prints."""
    out = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return out.stdout.splitlines()


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_sample_store_tour_shows_the_planted_truths():
    lines = _run("sample_store_tour.py")
    assert lines[0].startswith("sales: ") and ", 0 errors," in lines[0]
    assert "receipts with salmon that hold dill" in lines[1]
    assert float(lines[2].split("r = ")[1]) > 0.4
    assert "December" in lines[3]


def test_cross_sell_groceries_prints_the_published_count():
    lines = _run("cross_sell_groceries.py")
    assert lines[0] == "9,835 receipts, 169 items: 463 rules at support 0.006, confidence 0.25"
    assert lines[2].startswith("  Of receipts with herbs, 43% also have root vegetables")


@pytest.mark.slow  # an end-to-end run: CI runs it, the quick local run skips it
def test_forecast_sample_store_recovers_the_planted_truths():
    lines = _run("forecast_sample_store.py")
    assert lines[0].startswith("Christmas ham peaks on 2025-12-23")
    base, warm = (float(part.split(" units")[0].split()[-1]) for part in lines[1].split(";"))
    assert warm > base
    naive = float(lines[2].split("WAPE ")[1].split("%")[0])
    regression = float(lines[3].split("WAPE ")[1].split("%")[0])
    assert lines[3].startswith("regression") and regression < naive


@pytest.mark.slow  # an end-to-end run: CI runs it, the quick local run skips it
def test_plan_sample_store_orders_staffs_and_fills_the_freezer():
    lines = _run("plan_sample_store.py")
    assert lines[0].startswith("salmon, order on Mon 2025-12-01: ") and "packs of 8" in lines[0]
    assert lines[1].startswith("Christmas Eve in Kallio: 6 open hours")
    assert "Erlangs" in lines[2]
    assert "week of 2026-07" in lines[3] and "week of 2025-12-15" in lines[4]
