"""`kori customers register check`: the findings, the summary, the HTML page, one `Error:` line for
bad input; and, on the sample's register, every planted fault found and no false alarm."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from cli import kori
from tests.browser import find_chromium, layout_findings
from tests.customers.test_register_check import PLANTED, _register, _visits

AS_OF = ["--as-of", "2025-11-30"]


@pytest.fixture()
def files(tmp_path):
    register, visits = tmp_path / "register.csv", tmp_path / "visits.csv"
    _register().to_csv(register, index=False)
    _visits().to_csv(visits, index=False)
    return str(register), str(visits)


def test_check_writes_findings_page_and_summary(runner, files, tmp_path):
    register, visits = files
    out, page = tmp_path / "out" / "findings.csv", tmp_path / "out" / "register.html"
    out.parent.mkdir()
    result = runner.invoke(kori, ["customers", "register", "check", register, *AS_OF,
                                  "--receipts", visits, "--threshold", "off", "--html", str(page),
                                  "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{register}: health ") and "over 21 records" in lines[0]
    assert "uniqueness: not checked (no duplicate search)" in result.stderr
    assert "to do: delete or anonymise 1 records past the 5-year retention" in lines
    findings = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(findings.columns) == ["member_id", "check", "field", "detail"]
    found = set(zip(findings["member_id"], findings["check"]))
    assert {(m, check) for m, (check, _) in PLANTED.items()} <= found
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "What to do first" in text
    assert sorted(p.name for p in out.parent.iterdir()) == ["findings.csv", "register.html"]


def test_findings_go_to_stdout_without_o(runner, files):
    register, _ = files
    result = runner.invoke(kori, ["-q", "customers", "register", "check", register, *AS_OF,
                                  "--threshold", "off", "--retention-years", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    findings = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert (findings["check"] == "past_retention").sum() == 3 and result.stderr == ""


def _edit(path: str, member: str, **change: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column, value in change.items():
        frame.loc[frame["member_id"] == member, column] = value
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("case, code, fragment", [
    ("birth year in the future", 1, ("register.csv: 1 birth years not a year from 1900 to 2025 "
                                    "(line 5: 'L003' birth_year='2031')")),
    ("consent before joining", 1, "1 consent dates before the join (line 5"),
    ("no id column", 1, "register.csv: missing column 'member_id'"),
    ("late receipts", 1, "visits.csv: 1 visits after --as-of 2025-11-30"),
    ("bad threshold", 2, "'1.5' is not a probability in (0, 1) nor off"),
    ("bad date", 2, "'30.11.2025' is not a date"),
])  # fmt: skip
def test_bad_input_is_one_error_line_and_leaves_the_old_page(runner, files, tmp_path, case, code,
                                                             fragment):  # fmt: skip
    register, visits = files
    args = ["customers", "register", "check", register, *AS_OF, "--threshold", "off",
            "--receipts", visits]  # fmt: skip
    if case == "birth year in the future":
        _edit(register, "L003", birth_year="2031")
    elif case == "consent before joining":
        _edit(register, "L003", consent_date="2020-01-01")
    elif case == "no id column":
        _edit(register, "L003")
        pd.read_csv(register, dtype=str).drop(columns="member_id").to_csv(register, index=False)
    elif case == "late receipts":
        pd.DataFrame({"customer_id": ["L001"], "timestamp": ["2025-12-01"]}).to_csv(
            visits, index=False)
    elif case == "bad threshold":
        args[args.index("off")] = "1.5"
    else:
        args[args.index("2025-11-30")] = "30.11.2025"
    old = tmp_path / "old.html"
    old.write_text("old page", encoding="utf-8")
    result = runner.invoke(kori, [*args, "--html", str(old)])
    assert result.exit_code == code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and fragment in errors[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert old.read_text(encoding="utf-8") == "old page"


def test_help_names_the_options(runner):
    result = runner.invoke(kori, ["customers", "register", "check", "--help"])
    assert result.exit_code == 0
    for flag in ("--as-of", "--receipts", "--retention-years", "--stale-months",
                 "--address-months", "--consent-months", "--threshold", "--id-col",
                 "--customer-col", "--timestamp-col", "--html", "-o"):  # fmt: skip
        assert flag in result.output


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (apt-get install "
                    "chromium): the layout check needs a real browser")  # fmt: skip
@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_page_renders_with_every_label_inside_its_chart(runner, files, tmp_path, size):
    register, visits = files
    page = tmp_path / "register.html"
    result = runner.invoke(kori, ["-q", "customers", "register", "check", register, *AS_OF,
                                  "--receipts", visits, "--threshold", "off", "--html",
                                  str(page), "-o", str(tmp_path / "f.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    found = layout_findings(page, *size)
    assert found["svgs"] == 1 and found["tables"] == 3
    assert found["label_overflows"] == [], found["label_overflows"]
    assert found["table_overflows"] == [], found["table_overflows"]
    assert found["page_overflow_px"] <= 0, found


# --------------------------------------------------------------------------- planted truth


def _truth(sample):
    if getattr(sample, "register_truth", None) is None:  # not in every checkout of issue 15
        pytest.skip("the sample has no register yet (SampleStore.register_truth)")
    return sample.register_truth


@pytest.mark.slow  # the sample's register, its visits and (with duplicates) splink: seconds
@pytest.mark.parametrize("threshold", [None, 0.9], ids=["rules", "with-duplicates"])
def test_the_sample_register_every_planted_fault_found_no_false_alarm(sample, threshold):
    """Each record's findings are exactly the faults planted in it: every stale, consent,
    retention, invalid-field (and, with the duplicate search, duplicate) fault is found, and
    no clean record has a finding."""
    from customers import check_register

    truth = _truth(sample)
    if threshold is not None:
        pytest.importorskip("customers.linkage")
    end = pd.Timestamp(sample.loyalty_visits["timestamp"].max()).normalize()
    check = check_register(sample.register.astype(str), as_of=end,
                           receipts=sample.loyalty_visits, threshold=threshold)  # fmt: skip
    found = check.findings.groupby("member_id")["check"].apply(set)
    planted = truth.set_index("member_id")["faults"].fillna("").map(
        lambda text: {f for f in text.split(";") if f} - ({"duplicate"} if threshold is None
                                                          else set()))  # fmt: skip
    wrong = {m: (faults, found.get(m, set())) for m, faults in planted.items()
             if faults != found.get(m, set())}  # fmt: skip
    assert wrong == {}, list(wrong.items())[:5]
    kinds = {f for faults in planted for f in faults}
    assert {"stale", "address_unchecked", "consent_missing", "consent_expired",
            "past_retention", "invalid_phone"} <= kinds  # the sample plants them all
    assert len(planted[planted.map(len) == 0]) > 2000  # and many clean records
