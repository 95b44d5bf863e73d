"""The `kori` command: help, sample, validate, demo, and one-line errors."""

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pandas as pd
import pytest

from cli import kori

SALES_HEADER = "date,store,sku,quantity\n"


def all_commands(group, path=()):
    yield path
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            yield from all_commands(command, (*path, name))


@pytest.mark.parametrize("path", list(all_commands(kori)), ids=" ".join)
def test_every_help_exits_zero(runner, path):
    result = runner.invoke(kori, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: kori")


def test_version(runner):
    result = runner.invoke(kori, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("kori, version ")


def test_importing_the_cli_leaves_heavy_libraries_unloaded():
    code = (
        "import sys, cli; heavy = ('pandas', 'numpy', 'prophet', 'statsmodels', 'mlxtend', "
        "'holidays', 'rich', 'scipy'); print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_sample_writes_byte_identical_files_for_the_same_seed(runner, sample_dir, tmp_path):
    again = tmp_path / "again"
    result = runner.invoke(kori, ["sample", str(again), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the summary goes to stderr
    assert "receipts.csv" in result.stderr
    names = sorted(p.name for p in sample_dir.iterdir())
    assert names == ["catalog.csv", "customers.csv", "loyalty.csv", "loyalty_visits.csv",
                     "receipts.csv", "register.csv", "sales.csv", "stock.csv", "store.toml",
                     "survey.csv", "traffic.csv", "weather.csv"]  # fmt: skip
    for name in names:
        assert (sample_dir / name).read_bytes() == (again / name).read_bytes(), name
    assert not [p for p in again.iterdir() if p.name.startswith(".")]  # no temporary files


@pytest.mark.parametrize("kind", ["catalog", "receipts", "sales", "weather", "traffic"])
def test_sample_files_pass_validation(runner, sample_dir, kind):
    result = runner.invoke(kori, ["data", "validate", kind, str(sample_dir / f"{kind}.csv"),
                                  "-f", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"valid {kind} file" in result.stderr
    # Only notes (the public holidays the stores were closed on) may be listed.
    assert set(pd.read_csv(io.StringIO(result.stdout))["severity"]) <= {"note"}


def test_sample_store_toml_reads_back(sample_dir):
    from forecasting.sample import SAMPLE_STORES
    from forecasting.stores import load_store_configs

    assert load_store_configs(sample_dir / "store.toml") == SAMPLE_STORES


def write(path: Path, text: str | bytes) -> str:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return str(path)


ERROR_CASES = [
    # (file name, content, extra args, exit code, fragment of the Error line)
    ("missing.csv", "day,store,sku,quantity\n2025-01-01,HKI,a,1\n", [], 1,
     "missing.csv: missing column 'date' that sales files need (found: day, store, sku, "
     "quantity). Map it with --date-col day"),
    ("dates.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n31.01.2025,HKI,a,1\n", [], 1,
     "dates.csv: column 'date': not a date in 1 row (line 3: '31.01.2025'). Write them as"),
    ("empty.csv", "", [], 1, "empty.csv: the file is empty"),
    ("header.csv", SALES_HEADER, [], 1, "header.csv: the file has a header but no rows"),
    ("qty.csv", SALES_HEADER + "2025-01-01,HKI,a,many\n", [], 1,
     "qty.csv: column 'quantity': not a number in 1 row (line 2: 'many')"),
    ("neg.csv", SALES_HEADER + "2025-01-01,HKI,a,-3\n", [], 1, "negative in 1 row"),
    ("dup.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n2025-01-01,HKI,a,2\n", [], 1,
     "repeats a (date, store, sku)"),
    ("ragged.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n2025-01-02,HKI,a,1,9,9\n", [], 1,
     "ragged.csv: not a readable CSV file"),
    ("shifted.csv", SALES_HEADER + "2025-01-01,HKI,a,1,9\n2025-01-02,HKI,a,1\n", [], 1,
     "shifted.csv: not a readable CSV file (line 2 has more fields than the header's 4)"),
    ("semicolons.csv", "date;store;sku;quantity\n2025-01-01;HKI;a;1,5\n", [], 1,
     "Write decimals with a point (1.5, not 1,5)"),
    ("garbage.parquet", b"\x00\x01 not parquet", [], 1, "garbage.parquet: cannot read it as parquet"),
    ("latin.csv", SALES_HEADER.encode() + "2025-01-01,HKI,p\xe4\xe4,1\n".encode("latin-1"), [], 1,
     "latin.csv: not UTF-8 text (line 2, byte 17 of the line: b'\\xe4'). Save it as UTF-8"),
    ("sales.dat", SALES_HEADER, [], 1, "sales.dat: cannot tell the format from the extension"),
    ("many.csv", "day,shop\nx,y\n", [], 1, "; 3 more errors listed above"),
    ("ok.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n", ["--col", "nonsense"], 2,
     "'nonsense' is not KORI=FILE"),
]  # fmt: skip


@pytest.mark.parametrize("name, content, args, code, fragment", ERROR_CASES,
                         ids=[case[0] for case in ERROR_CASES])  # fmt: skip
def test_bad_input_gives_one_error_line(runner, tmp_path, name, content, args, code, fragment):
    path = write(tmp_path / name, content)
    result = runner.invoke(kori, ["data", "validate", "sales", path, *args])
    assert result.exit_code == code, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert fragment in errors[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["data", "validate", "sales", "no/such/file.csv"], "does not exist"),
        (["data", "validate", "stocks", "x.csv"], "'stocks' is not one of"),
        (["sample", "out", "--end", "2025-02-31"], "'2025-02-31' is not a date"),
        (["sample", "out", "--years", "0"], "0 is not in the range"),
        (["rules", "--no-such-option"], "No such option"),
    ],
)
def test_usage_errors_exit_two(runner, tmp_path, args, fragment):
    result = runner.invoke(kori, args)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and fragment in errors[0]


def test_a_directory_is_not_a_file(runner, tmp_path):
    result = runner.invoke(kori, ["data", "validate", "sales", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_parameters_the_library_refuses_exit_two_and_debug_shows_the_traceback(runner, tmp_path):
    args = ["sample", str(tmp_path / "s"), "--years", "1", "--receipt-weeks", "60"]
    result = runner.invoke(kori, args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Error: receipt weeks must be")
    debug = runner.invoke(kori, ["--debug", *args])
    from forecasting.errors import ParameterError

    assert isinstance(debug.exception, ParameterError)


def test_debug_shows_what_the_reader_raised(runner, tmp_path):
    path = write(tmp_path / "ragged.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n2025-01-02,HKI,a,1,9\n")
    result = runner.invoke(kori, ["--debug", "data", "validate", "sales", path])
    assert isinstance(result.exception, pd.errors.ParserError)


def test_unexpected_errors_are_one_line_too(runner, tmp_path, monkeypatch):
    import forecasting

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(forecasting, "validate_table", broken)
    path = write(tmp_path / "s.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n")
    result = runner.invoke(kori, ["data", "validate", "sales", path])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: internal error: RuntimeError: boom. Rerun with --debug for the traceback and "
        "report it"
    )


def test_column_mapping_and_date_format(runner, tmp_path):
    path = write(tmp_path / "mine.csv",
                 "day,shop,item,units,extra\n24.12.2025,HKI,a,1,x\n27.12.2025,HKI,a,2,y\n")
    args = ["data", "validate", "sales", path, "--date-col", "day", "--store-col", "shop",
            "--item-col", "item", "--col", "quantity=units", "--date-format", "%d.%m.%Y",
            "-f", "csv"]  # fmt: skip
    result = runner.invoke(kori, args)
    assert result.exit_code == 0, result.output
    assert "note,gap" in result.stdout  # 25 and 26 December are holidays


def test_bom_crlf_gzip_jsonl_parquet_and_stdin(runner, tmp_path):
    rows = '\ufeffdate,store,sku,quantity\r\n2025-01-01,HKI,"Salmon ""fresh"", 400 g",1\r\n'
    bom = write(tmp_path / "bom.csv", rows.encode("utf-8"))
    gz = tmp_path / "s.csv.gz"
    gz.write_bytes(gzip.compress(rows.encode("utf-8")))
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-01-01"]), "store": ["HKI"],
                          "sku": ["<b>&amp;</b>"], "quantity": [1]})  # fmt: skip
    frame.to_parquet(tmp_path / "s.parquet")
    frame.assign(date="2025-01-01").to_json(tmp_path / "s.jsonl", orient="records", lines=True)
    for path in (bom, str(gz), str(tmp_path / "s.parquet"), str(tmp_path / "s.jsonl")):
        result = runner.invoke(kori, ["data", "validate", "sales", path])
        assert result.exit_code == 0, (path, result.output)
        assert result.stdout == ""
    piped = runner.invoke(kori, ["data", "validate", "sales", "-"], input=rows.encode())
    assert piped.exit_code == 0 and "<stdin>: valid sales file, 1 rows" in piped.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet"])
def test_report_formats_and_atomic_output(runner, tmp_path, fmt):
    bad = write(tmp_path / "bad.csv", SALES_HEADER + "2025-01-01,HKI,a,x\n2025-01-02,HKI,a,-1\n")
    target = tmp_path / "out" / f"report.{fmt}"
    target.parent.mkdir()
    target.write_text("old")
    result = runner.invoke(kori, ["data", "validate", "sales", bad, "-o", str(target)])
    assert result.exit_code == 1
    assert "1 more error listed in" in result.stderr
    assert result.stdout == ""
    if fmt == "csv":
        frame = pd.read_csv(target)
    elif fmt == "parquet":
        frame = pd.read_parquet(target)
    elif fmt == "json":
        frame = pd.DataFrame(json.loads(target.read_text()))
    else:
        frame = pd.read_json(target, lines=True)
    assert frame["check"].tolist() == ["non_numeric", "below_range"]
    assert os.listdir(target.parent) == [target.name]


def test_table_and_stdout_formats(runner, tmp_path):
    bad = write(tmp_path / "bad.csv", SALES_HEADER + "2025-01-01,HKI,a,x\n")
    table = runner.invoke(kori, ["data", "validate", "sales", bad, "-f", "table"])
    assert "non_numeric" in table.stdout and "┃" in table.stdout
    piped = runner.invoke(kori, ["data", "validate", "sales", bad])  # not a terminal: CSV
    assert piped.stdout.startswith("severity,check,column,count,lines,message\n")
    jsonl = runner.invoke(kori, ["data", "validate", "sales", bad, "-f", "jsonl"])
    assert json.loads(jsonl.stdout.splitlines()[0])["check"] == "non_numeric"
    as_json = runner.invoke(kori, ["data", "validate", "sales", bad, "-f", "json"])
    assert json.loads(as_json.stdout)[0]["lines"] == "2"
    to_file = runner.invoke(kori, ["data", "validate", "sales", bad, "-f", "table", "-o",
                                   str(tmp_path / "t.txt")])  # fmt: skip
    assert to_file.exit_code == 2


def test_quiet_silences_the_summary(runner, tmp_path):
    ok = write(tmp_path / "ok.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n")
    result = runner.invoke(kori, ["-q", "data", "validate", "sales", ok])
    assert result.exit_code == 0 and result.stderr == "" and result.stdout == ""


@pytest.mark.slow  # the one end-to-end run of the demo: CI runs it, the quick run skips it
def test_demo_generates_validates_forecasts_plots_and_plans(runner, tmp_path):
    result = runner.invoke(kori, ["demo", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "valid" in result.stderr and "sales.csv" in result.stderr
    assert (tmp_path / "demo" / "store.toml").exists()
    table = pd.read_csv(tmp_path / "demo" / "forecast.csv")
    assert table["date"].nunique() == 28
    assert (tmp_path / "demo" / "plots" / "HKI_K1040.png").exists()
    assert "Christmas ham peaks on Tue 23.12." in result.stderr
    for name in ("orders.csv", "staffing.csv", "freezer.csv"):
        assert len(pd.read_csv(tmp_path / "demo" / name)) > 0, name
    assert "5. Planning" in result.stderr and "ice cream grows from week" in result.stderr
    for name in ("customers_next.csv", "customers_regulars.csv", "customers.html",
                 "register_findings.csv", "register.html", "visits_pseudonymised.csv"):
        assert (tmp_path / "demo" / name).stat().st_size > 0, name
    assert "register.csv: valid" in result.stderr and "7. The customer register" in result.stderr


def test_installed_kori_through_a_pipe(sample_dir):
    kori_bin = Path(sys.executable).parent / "kori"
    assert kori_bin.exists(), "install the project (pip install -e .) to get the kori script"
    validate = f"cat {sample_dir / 'sales.csv'} | {kori_bin} data validate sales - -f csv"
    full = subprocess.run(["bash", "-o", "pipefail", "-c", f"{validate} | cat"],
                          capture_output=True, text=True)  # fmt: skip
    assert full.returncode == 0
    assert full.stdout.splitlines()[0] == "severity,check,column,count,lines,message"
    assert len(full.stdout.splitlines()) == 3  # two notes: closed holidays in each store
    rows = len(pd.read_csv(sample_dir / "sales.csv"))
    assert full.stderr == f"<stdin>: valid sales file, {rows:,} rows, 0 warnings, 2 notes\n"
    # A reader that stops early gets clean data and no traceback.
    head = subprocess.run(["bash", "-c", f"{validate} | head -1"], capture_output=True, text=True)
    assert head.stdout == "severity,check,column,count,lines,message\n"
    assert "Traceback" not in head.stderr


def test_a_clean_file_still_gives_scripts_a_report(runner, tmp_path):
    ok = write(tmp_path / "ok.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n")
    as_json = runner.invoke(kori, ["data", "validate", "sales", ok, "-f", "json"])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == []
    tsv = tmp_path / "report.tsv"
    runner.invoke(kori, ["data", "validate", "sales", ok, "-o", str(tsv)])
    assert tsv.read_text() == "severity\tcheck\tcolumn\tcount\tlines\tmessage\n"


def test_output_into_a_missing_folder_is_an_error(runner, tmp_path):
    ok = write(tmp_path / "ok.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n")
    target = tmp_path / "missing" / "r.csv"
    result = runner.invoke(kori, ["data", "validate", "sales", ok, "-o", str(target)])
    assert result.exit_code == 2 and "the folder" in result.stderr
    assert "does not exist. Create it first" in result.stderr
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "name, content, fragment",
    [("e.jsonl", "\n", "e.jsonl: the file is empty"),
     ("o.json", '{"date": 1}', "o.json: not a list of records"),
     ("b.jsonl", '{"date": "2025-01-01"}\n{"date": \n', "b.jsonl: not valid JSON (line 2")],
)  # fmt: skip
def test_json_inputs_fail_clearly(runner, tmp_path, name, content, fragment):
    result = runner.invoke(kori, ["data", "validate", "sales", write(tmp_path / name, content)])
    assert result.exit_code == 1 and fragment in result.stderr


def test_sample_without_receipt_weeks_writes_no_receipts_file(runner, tmp_path):
    result = runner.invoke(kori, ["sample", str(tmp_path / "s"), "--years", "1",
                                  "--receipt-weeks", "0"])  # fmt: skip
    assert result.exit_code == 0
    assert not (tmp_path / "s" / "receipts.csv").exists()
    assert any(line.split()[0].endswith("receipts.csv") and line.endswith("not written (no rows)")
               for line in result.stderr.splitlines())  # fmt: skip


def test_a_sample_folder_never_holds_two_runs(runner, tmp_path):
    folder = tmp_path / "s"
    assert runner.invoke(kori, ["sample", str(folder), "--years", "1",
                                "--receipt-weeks", "1"]).exit_code == 0  # fmt: skip
    assert (folder / "receipts.csv").exists()
    result = runner.invoke(kori, ["sample", str(folder), "--years", "1", "--receipt-weeks", "0",
                                  "--seed", "2"])  # fmt: skip
    assert result.exit_code == 0
    assert not (folder / "receipts.csv").exists()
    assert "receipts.csv: removed, it was from an earlier run" in result.stderr


def test_quiet_and_debug_may_follow_the_command(tmp_path):
    kori_bin = Path(sys.executable).parent / "kori"
    ok = write(tmp_path / "ok.csv", SALES_HEADER + "2025-01-01,HKI,a,1\n")
    out = subprocess.run([str(kori_bin), "data", "validate", "sales", ok, "-q"],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0 and out.stderr == ""


# ------------------------------------------------- one name per meaning; the old names still work


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
@pytest.mark.parametrize(("old", "new"), [
    (["rules", "mine", "{receipts}", "--catalog", "{catalog}", "--level", "category"],
     ["rules", "mine", "{receipts}", "--catalog", "{catalog}", "--items", "category"]),
    (["rules", "mine", "{receipts}", "--by=store", "--max-p", "1", "--min-support", "0.01"],
     ["rules", "mine", "{receipts}", "--split=store", "--max-p", "1", "--min-support", "0.01"]),
    (["forecast", "run", "{sales}", "--horizon", "7", "--by", "store", "--level", "70", "90"],
     ["forecast", "run", "{sales}", "--horizon", "7", "--series", "store", "--interval", "70",
      "90"]),
])  # fmt: skip
def test_old_option_names_work_with_a_note(runner, sample_dir, old, new):
    files = {name: str(sample_dir / f"{name}.csv") for name in ("receipts", "catalog", "sales")}
    before = runner.invoke(kori, ["-q", *[arg.format(**files) for arg in old]])
    after = runner.invoke(kori, ["-q", *[arg.format(**files) for arg in new]])
    assert before.exit_code == 0 and after.exit_code == 0, before.output + after.output
    assert before.stdout == after.stdout
    for name in {arg.split("=")[0] for arg in old} & {"--level", "--by"}:
        assert f"Note: {name} is now" in before.stderr, before.stderr
    assert "Note:" not in after.stderr


def test_no_option_name_means_two_things(runner):
    meanings: dict[str, set[str]] = {}
    for path in all_commands(kori):
        command = kori
        for name in path:
            command = command.commands[name]
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    meanings.setdefault(opt, set()).add(param.help or "")
    doubled = {opt: helps for opt, helps in meanings.items() if len(helps) > 1}
    assert "--level" not in meanings and "--by" not in meanings
    assert not {opt for opt in doubled if opt in ("--items", "--split", "--series", "--interval")}


def test_library_parameters_read_as_the_commands_options() -> None:
    """Library messages name parameters in backticks; the CLI writes the option that sets each
    (the command's own first, then any command's), values quoted for a shell."""
    import cli

    mine = cli.kori.commands["rules"].commands["mine"]
    run = cli.kori.commands["forecast"].commands["run"]
    text = "Pass `min_confidence=0.2` or `top`; map `columns={'date': 'day'}` or `columns={'x': 'y z'}`"
    assert cli.as_flags(text, mine) == (
        "Pass --min-confidence 0.2 or --top; map --date-col day or --col 'x=y z'"
    )
    assert cli.as_flags("`levels=(80, 95)`, `delimiter=';'`, `receipts`", run) == (
        "--interval 80 --interval 95, --delimiter ';', RECEIPTS"
    )
    assert cli.as_flags("`no_such_parameter` stays", run) == "`no_such_parameter` stays"
