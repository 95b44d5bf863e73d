"""The buyer report in a real browser: headless Chromium at desktop and phone widths.

A script injected into a copy of the page (:func:`tests.browser.layout_findings`) measures the
laid-out page: no chart label may leave its SVG, and no table may run past the window unless
it scrolls inside its own box. Screenshots go to pytest's tmp_path; their paths are printed
(``pytest -s`` shows them).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.browser import find_chromium, layout_findings, screenshot

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="chromium is not installed (apt-get install chromium): the layout checks need a "
    "real browser",
)

DESKTOP, PHONE = (1280, 900), (390, 844)


@pytest.fixture(scope="module")
def sample_report(sample_dir, tmp_path_factory):
    """The buyer report of the sample store, written by `kori rules report`."""
    from click.testing import CliRunner

    from cli import kori

    folder = tmp_path_factory.mktemp("report")
    page = folder / "rules.html"
    result = CliRunner().invoke(kori, ["-q", "rules", "report", str(sample_dir / "receipts.csv"),
                                       "--catalog", str(sample_dir / "catalog.csv"),
                                       "--html", str(page)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return page


def _assert_fits(found: dict, width: int) -> None:
    assert found["viewport_px"] == width
    assert found["svgs"] >= 1 and found["labels"] >= 15 and found["tables"] >= 1
    assert found["label_overflows"] == [], found["label_overflows"]
    assert found["table_overflows"] == [], found["table_overflows"]
    assert found["page_overflow_px"] <= 0, found


@pytest.mark.slow  # a browser on the sample store's report: in CI, which runs pytest without -m
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sample_report_fits_and_is_photographed(sample_report, tmp_path, size):
    width, height = size
    found = layout_findings(sample_report, width, height)
    _assert_fits(found, width)
    if size == PHONE:
        assert found["scrolling_tables"] == found["tables"]  # wide tables scroll in their box
    png = screenshot(sample_report, tmp_path / f"buyer_report_{width}.png", width, height)
    from PIL import Image

    with Image.open(png) as image:
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or range(1 << 16)) > 20  # not a blank page
    print(f"screenshot: {png}")


def test_very_long_names_stay_inside_the_chart(tmp_path):
    from basket.report import render_html

    long = ("Luomu täysjyväruisleipä, viipaloitu ja paahdettu, perinteinen karjalainen resepti "
            "1,2 kg")  # fmt: skip
    rows = []
    for k in range(6):
        support_a, support_b, support = 0.1, 0.2, 0.05 - k * 0.005
        rows.append({
            "antecedent": (f"a{k}",), "consequent": (f"b{k}",),
            "antecedent_names": (f"{long} {k}",), "consequent_names": (f"WIDE {'W' * 60} {k}",),
            "antecedent_categories": ("bread",), "consequent_categories": ("x" * 90,),
            "count": 500 - k, "support": support, "antecedent_support": support_a,
            "consequent_support": support_b, "confidence": support / support_a,
            "lift": support / support_a / support_b, "p_value": 1e-9, "p_adjusted": 1e-8,
            "significant": True, "redundant": False,
        })  # fmt: skip
    page = tmp_path / "long.html"
    page.write_text(render_html(pd.DataFrame(rows), title="Long names", summary={}, pairs=True),
                    encoding="utf-8")
    for width, height in (DESKTOP, PHONE):
        _assert_fits(layout_findings(page, width, height) | {"labels": 99}, width)


def test_the_checker_sees_overflow(tmp_path):
    """The script would catch what it looks for: a label out of its SVG, a table too wide."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        '</head><body><svg width="200" height="40"><text x="-50" y="20">cut off</text></svg>'
        '<table style="width:900px"><tr><td>wide</td></tr></table></body></html>',
        encoding="utf-8",
    )
    found = layout_findings(page, *PHONE)
    assert [o["text"] for o in found["label_overflows"]] == ["cut off"]
    assert len(found["table_overflows"]) == 1 and found["page_overflow_px"] > 0
