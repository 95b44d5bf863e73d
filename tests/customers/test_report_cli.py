"""`kori customers report` on the sample's loyalty files, and the page in headless Chromium."""

from __future__ import annotations

import pandas as pd
import pytest

from cli import kori
from tests.browser import find_chromium, layout_findings

AS_OF = ["--as-of", "2025-11-30"]


def _files(sample_dir):
    return {name: str(sample_dir / f"{name}.csv")
            for name in ("loyalty_visits", "survey", "customers")}  # fmt: skip


@pytest.fixture(scope="module")
def written(sample_dir, tmp_path_factory):
    """The report of the sample store with the NPS per store, written with -o."""
    from click.testing import CliRunner

    files = _files(sample_dir)
    page = tmp_path_factory.mktemp("report") / "customers.html"
    result = CliRunner().invoke(kori, ["customers", "report", files["loyalty_visits"], *AS_OF,
                                       "--survey", files["survey"], "--customers",
                                       files["customers"], "--group", "store", "-o", str(page)])
    assert result.exit_code == 0, result.output
    return page, result


def test_report_to_a_file(written):
    page, result = written
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'id="nps"' in text and "store TRE" in text
    assert result.stdout == ""  # the page went to the file; the summary to stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and "lapsed" in lines[0] and "Traceback" not in result.stderr
    assert lines[1].startswith("Fitted on the visits up to 2025-09-01") and "NPS +21" in lines[2]
    assert [p.name for p in page.parent.iterdir()] == ["customers.html"]  # no temporary left


def test_report_to_stdout_is_the_same_page(runner, sample_dir, written):
    files = _files(sample_dir)
    result = runner.invoke(kori, ["-q", "customers", "report", files["loyalty_visits"], *AS_OF,
                                  "--survey", files["survey"], "--customers", files["customers"],
                                  "--group", "store"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == written[0].read_text(encoding="utf-8")
    assert result.stderr == ""


def _an_eleven(sample_dir, tmp_path):
    frame = pd.read_csv(sample_dir / "survey.csv", dtype=str)
    frame.loc[4, "score"] = "11"
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize("case, code, fragment", [
    ("late visits", 1, "purchases after --as-of 2025-11-01"),
    ("no timestamp column", 1, "survey.csv: missing column 'timestamp'"),
    ("an answer of 11", 1, "line 6: '11'"),
    ("group without survey", 2, "--group given without --survey"),
])  # fmt: skip
def test_bad_input_is_one_error_line_and_leaves_the_old_page(runner, sample_dir, tmp_path, case,
                                                             code, fragment):
    files = _files(sample_dir)
    args = ["customers", "report", files["loyalty_visits"], *AS_OF]
    if case == "late visits":
        args = args[:3] + ["--as-of", "2025-11-01"]
    elif case == "no timestamp column":
        args[2] = files["survey"]
    elif case == "an answer of 11":
        args += ["--survey", _an_eleven(sample_dir, tmp_path)]
    else:
        args += ["--group", "store"]
    old = tmp_path / "old.html"
    old.write_text("old page", encoding="utf-8")
    result = runner.invoke(kori, args + ["-o", str(old)])
    assert result.exit_code == code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and fragment in errors[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert old.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_help_names_the_options(runner):
    result = runner.invoke(kori, ["customers", "report", "--help"])
    assert result.exit_code == 0
    for flag in ("--as-of", "--survey", "--customers", "--group", "--horizon-days", "--k",
                 "--seed", "--customer-col", "--timestamp-col", "--amount-col", "-o"):
        assert flag in result.output


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (apt-get install "
                    "chromium): the layout check needs a real browser")  # fmt: skip
@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_page_renders_with_every_label_inside_its_chart(written, size):
    found = layout_findings(written[0], *size)
    assert found["viewport_px"] == size[0]
    assert found["svgs"] == 5 and found["labels"] > 60 and found["tables"] == 4
    assert found["label_overflows"] == [], found["label_overflows"]
    assert found["table_overflows"] == [], found["table_overflows"]
    assert found["page_overflow_px"] <= 0, found
