"""`kori customers next|nps|survey-sample` and `kori data validate` of the loyalty files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli import kori

DATA = Path(__file__).resolve().parents[1] / "data"
LOYALTY = ("loyalty.csv", "customers.csv", "loyalty_visits.csv", "survey.csv")


def _run(runner, args):
    return runner.invoke(kori, args)


def test_the_sample_has_the_loyalty_files(sample_dir):
    assert all((sample_dir / name).is_file() for name in LOYALTY)


@pytest.mark.parametrize("kind", ["loyalty", "customers", "loyalty_visits", "survey"])
def test_validate_loyalty_files(runner, sample_dir, kind):
    result = _run(runner, ["data", "validate", kind, str(sample_dir / f"{kind}.csv")])
    assert result.exit_code == 0, result.output
    assert f"valid {kind} file" in result.output


def _bad_survey(sample_dir, tmp_path) -> tuple[Path, int]:
    frame = pd.read_csv(sample_dir / "survey.csv", dtype=str)
    frame.loc[4, "score"] = "11"
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return path, 4 + 2


def test_validate_survey_refuses_11_with_its_line(runner, sample_dir, tmp_path):
    path, line = _bad_survey(sample_dir, tmp_path)
    result = _run(runner, ["data", "validate", "survey", str(path)])
    assert result.exit_code == 1
    assert "above 10" in result.output and str(line) in result.output


def test_next_on_the_sample(runner, sample_dir, tmp_path):
    out = tmp_path / "next.csv"
    result = _run(runner, ["customers", "next", str(sample_dir / "loyalty_visits.csv"),
                           "--as-of", "2025-11-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases",
            "expected_spend", "expected_value", "lapsed"} <= set(table.columns)
    assert table["customer_id"].is_unique and len(table) > 3000
    assert table["p_alive"].between(0, 1).all()
    assert "lapsed" in result.output and "BG/NBD" in result.output and "Gamma-Gamma" in result.output


def test_next_json(runner, sample_dir):
    result = runner.invoke(kori, ["-q", "customers", "next", str(sample_dir / "loyalty_visits.csv"),
                                  "--as-of", "2025-11-30", "--horizon-days", "30", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and "p_alive" in rows[0]


def test_next_refuses_a_visit_after_as_of(runner, sample_dir):
    result = _run(runner, ["customers", "next", str(sample_dir / "loyalty_visits.csv"),
                           "--as-of", "2025-11-01"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "--as-of 2025-11-01" in lines[0]
    assert "first: customer L" in lines[0] and "on 2025-11-" in lines[0]


def test_next_without_a_customer_column_says_how_to_map_it(runner, sample_dir, tmp_path):
    frame = pd.read_csv(sample_dir / "loyalty_visits.csv", dtype=str, nrows=2000)
    path = tmp_path / "visits.csv"
    frame.rename(columns={"customer_id": "card"}).to_csv(path, index=False)
    result = _run(runner, ["customers", "next", str(path), "--as-of", "2025-11-30"])
    assert result.exit_code == 1
    assert "missing column 'customer_id'" in result.output and "--customer-col" in result.output
    assert "Traceback" not in result.output


def test_next_needs_as_of(runner, sample_dir):
    result = _run(runner, ["customers", "next", str(sample_dir / "loyalty_visits.csv")])
    assert result.exit_code == 2 and "--as-of" in result.output


def test_next_on_kaggle_groceries_without_amounts(runner, tmp_path):
    out = tmp_path / "next.csv"
    result = _run(runner, ["customers", "next", str(DATA / "groceries_kaggle_member_date.csv"),
                           "--as-of", "2015-12-30", "--customer-col", "Member_number",
                           "--timestamp-col", "Date", "--date-format", "%d-%m-%Y",
                           "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert "expected_spend" not in table.columns and len(table) > 3800
    assert "spend not modelled" in result.output


def test_nps_with_the_register(runner, sample_dir):
    result = runner.invoke(kori, ["customers", "nps", str(sample_dir / "survey.csv"),
                                  "--customers", str(sample_dir / "customers.csv"),
                                  "--group", "store", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["store"] for row in rows] == ["all", "HKI", "TRE"]
    register = pd.read_csv(sample_dir / "customers.csv")
    assert rows[0]["population"] == len(register) and rows[0]["n"] == 600
    assert "of 3,258 customers answered" in result.stderr or "customers answered" in result.stderr


def test_nps_refuses_11_with_its_line(runner, sample_dir, tmp_path):
    path, line = _bad_survey(sample_dir, tmp_path)
    result = _run(runner, ["customers", "nps", str(path)])
    assert result.exit_code == 1
    lines = [text for text in result.output.splitlines() if text.startswith("Error:")]
    assert len(lines) == 1 and f"line {line}: '11'" in lines[0]


def test_survey_sample_same_seed_same_customers(runner, sample_dir):
    args = ["-q", "customers", "survey-sample", str(sample_dir / "customers.csv"), "--size", "100",
            "--seed", "7", "--strata", "store"]
    first, second = runner.invoke(kori, args), runner.invoke(kori, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    assert len(first.stdout.strip().splitlines()) == 101
    other = runner.invoke(kori, [*args[:-3], "8", "--strata", "store"])
    assert other.stdout != first.stdout


def test_demo_step_6(sample_dir, tmp_path, capsys):
    """The demo's customers step on the sample's files (the whole demo runs in tests/test_cli.py)."""
    import datetime as dt
    import shutil

    from cli import Settings, _demo_customers

    for name in ("loyalty_visits.csv", "survey.csv", "customers.csv", "receipts.csv",
                 "catalog.csv"):
        shutil.copy(sample_dir / name, tmp_path / name)
    _demo_customers(Settings(), tmp_path, dt.date(2025, 11, 30))
    err = capsys.readouterr().err
    assert "6. Customers" in err and "lapsed" in err and "store TRE: NPS" in err
    assert "expected visit days in the next 90 days" in err
    assert "L10024684: Wednesday 08-09, next 2025-12-03" in err
    assert "buys 2 x Skimmed milk 1 l, Coffee 500 g" in err
    assert len(pd.read_csv(tmp_path / "customers_next.csv")) > 3000
    assert len(pd.read_csv(tmp_path / "customers_regulars.csv")) == 6
    page = (tmp_path / "customers.html").read_text(encoding="utf-8")
    assert 'id="segments"' in page and "store TRE" in page
    assert f"{tmp_path / 'customers.html'}: the customers report" in err
