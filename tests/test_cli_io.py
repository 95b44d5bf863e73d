"""The CLI's table I/O: atomic writes that keep modes and links, every output format, CR-safe
CSV, exact JSON numbers, escaped terminal tables, readable errors for damaged inputs."""

import csv
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cli
from cli import kori


def frame():
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-01-06", "2025-01-13"]),
        "sku": ["=HYPERLINK(\"x\")", "a\r=2+2"],
        "units": [257.58, np.inf],
        "count": [1, 2],
    })  # fmt: skip


def test_atomic_write_keeps_the_mode_and_writes_through_a_symlink(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    cli.atomic_write(link, lambda p: p.write_text("new\n"))
    assert link.is_symlink() and target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_atomic_write_leaves_nothing_behind_when_interrupted(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def interrupted(path):
        path.write_text("half")
        raise SystemExit(143)  # what SIGTERM raises in `kori`

    with pytest.raises(SystemExit):
        cli.atomic_write(target, interrupted)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_to_a_device_writes_through_it():
    cli.atomic_write(Path(os.devnull), lambda p: p.write_text("x"))
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, not a file


def test_csv_quotes_every_text_field_when_one_holds_a_carriage_return(tmp_path):
    path = tmp_path / "x.csv"
    cli.atomic_write(path, lambda p: cli._serialise(frame(), p, "csv"))
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))
    assert len(rows) == 3 and rows[2][1] == "a\r=2+2"
    assert path.read_bytes().count(b"\n") == 3  # the CR stays inside its quoted field


def test_csv_without_carriage_returns_is_unchanged(tmp_path):
    plain = pd.DataFrame({"sku": ["a", "b"], "units": [1.5, 2.0]})
    buffer = io.StringIO()
    cli._serialise(plain, buffer, "csv")
    assert buffer.getvalue() == "sku,units\na,1.5\nb,2.0\n"


def test_json_numbers_are_exact_and_infinity_is_null():
    records = json.loads(cli._json_text(frame(), lines=False))
    assert records[0] == {"date": "2025-01-06", "sku": "=HYPERLINK(\"x\")", "units": 257.58,
                          "count": 1}  # fmt: skip
    assert records[1]["units"] is None
    text = cli._json_text(pd.DataFrame({"x": [0.1 + 0.2, 257.58]}), lines=True)
    assert text == '{"x":0.30000000000000004}\n{"x":257.58}\n'


def test_xlsx_is_deterministic_and_keeps_text_as_text():
    from openpyxl import load_workbook

    data = cli._xlsx_bytes(frame())
    assert data == cli._xlsx_bytes(frame())
    assert zipfile.is_zipfile(io.BytesIO(data))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["date", "sku", "units", "count"]
    assert sheet["B2"].value == "=HYPERLINK(\"x\")" and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == 257.58 and sheet["C3"].value is None
    assert sheet["A2"].value.date().isoformat() == "2025-01-06"


def test_every_table_command_writes_xlsx(runner, tmp_path):
    out = tmp_path / "h.xlsx"
    result = runner.invoke(kori, ["forecast", "holidays", "--years", "2026", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
    fmt = runner.invoke(kori, ["forecast", "holidays", "--years", "2026", "-f", "xlsx",
                               "-o", str(tmp_path / "h.bin")])  # fmt: skip
    assert fmt.exit_code == 0 and (tmp_path / "h.bin").read_bytes()[:2] == b"PK"


def test_table_cells_show_markup_and_escape_sequences_as_text(capsys):
    cli._print_table(pd.DataFrame({"item": ["[link=http://x]a[/link]", "\x1b[31mred",
                                            "x\x1b]0;title\x07"]}))  # fmt: skip
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "[link=http://x]a[/link]" in out and "\\x1b[31mred" in out


def test_table_dates_have_no_midnight():
    assert cli._cell(pd.Timestamp("2025-01-06")) == "2025-01-06"
    assert cli._cell(pd.Timestamp("2025-01-06 10:30")) == "2025-01-06 10:30:00"


def test_error_lines_never_carry_control_characters():
    assert str(cli.DataError("bad 'a\x1b[2J\nb'").message) == "bad 'a\\x1b[2J\\nb'"


@pytest.mark.parametrize(
    "name, content, fragment",
    [("cut.csv.gz", None, "the compressed file is cut short"),
     ("plain.csv.gz", b"date,store,sku,quantity\n", "not a .gz file, though its name ends in .gz"),
     ("bom.csv", b"\xef\xbb\xbfdate,store,sku,quantity\n2025-01-01,HKI,p\xe4,1\n",
      "not UTF-8 text (line 2, byte 17 of the line")],
)  # fmt: skip
def test_damaged_inputs_fail_clearly(runner, tmp_path, name, content, fragment):
    import gzip

    if content is None:
        content = gzip.compress(b"date,store,sku,quantity\n" + b"2025-01-01,HKI,a,1\n" * 500)[:60]
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(kori, ["data", "validate", "sales", str(path)])
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and fragment in result.stderr


@pytest.mark.parametrize(
    "name, content, fragment",
    [("dup.csv", b"date,store,sku,quantity,quantity\n2025-01-01,HKI,a,1,2\n",
      "the header names a column twice ('quantity' in columns 4, 5)"),
     ("nul.csv", b"date,store,sku,quantity\n2025-01-01,HK\x00I,a,1\n", "a NUL byte on line 2"),
     ("pq.csv", b"PAR1\x15\x04rest", "it is a Parquet file by its content"),
     ("book.csv", b"PK\x03\x04rest", "a zip archive or an Excel workbook"),
     ("u16.csv", "date,store\n".encode("utf-16"), "it is UTF-16 text by its content"),
     ("nested.jsonl", b'{"date": "2025-01-01", "sku": ["a", "b"]}\n',
      "line 1: 'sku' holds a JSON list"),
     ("nested.json", b'[{"date": "2025-01-01", "store": {"id": 1}}]',
      "record 1: 'store' holds a JSON dict")],
)  # fmt: skip
def test_inputs_that_would_be_misread_are_refused(runner, tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(kori, ["data", "validate", "sales", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("Error:") == 1 and fragment in result.stderr


@pytest.mark.parametrize(
    "args",
    [["--horizon", "3", "--horizon", "4"], ["--horizon=3", "--horizon", "4"],
     ["--quantiles", "0.9", "--quantiles", "0.95"], ["-f", "csv", "--format", "json"]],
)  # fmt: skip
def test_a_single_value_option_given_twice_is_refused(runner, tmp_path, args):
    sales = tmp_path / "s.csv"
    sales.write_text("date,store,sku,quantity\n2025-01-01,HKI,a,1\n")
    result = runner.invoke(kori, ["forecast", "run", str(sales), *args])
    assert result.exit_code == 2
    assert "is given twice" in result.stderr and "give it once" in result.stderr


def test_repeatable_options_and_flags_may_repeat(runner, tmp_path):
    receipts = tmp_path / "r.csv"
    receipts.write_text("receipt_id,sku\n" + "".join(f"{i},A\n{i},B\n{i},C\n" for i in range(30)))
    result = runner.invoke(kori, ["rules", "itemsets", str(receipts), "--exclude-item", "A",
                                  "--exclude-item", "B", "--header", "--header", "-f", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["C,C,1,30,1.0"]
