"""Hostile inputs and outputs (issue 10): every command fails with one clear line, or works.

One table of cases and one runner. A case names the files it starts from (written into a fresh
folder, the current directory while it runs), its arguments, the exit code and fragments of the
``Error:`` line it expects. The runner checks the contract every case shares: exactly one
``Error:`` line (Click's ``Usage:`` and ``Try`` lines may stand above it), no traceback and no
"internal error", nothing on stdout on error, every file that was there before still there and
byte-identical (inputs are never modified), and no temporary file left anywhere in the folder.
A test walks the Click tree so that no command can let an output overwrite one of its inputs.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from cli import kori

KORI_BIN = Path(sys.executable).parent / "kori"

# --------------------------------------------------------------------------- a tiny store
# One store (HKI), products A and B sold every day for ten weeks from a Monday: small enough that
# every command runs in well under a second, regular enough that every model fits.

START = date(2025, 1, 6)  # a Monday
DAYS = 70


def sales_text(skus: tuple[str, ...] = ("A", "B"), dates: Callable[[date], str] = str) -> str:
    """Daily sales; row k (from 0) of the data is on line k + 2."""
    lines = ["date,store,sku,quantity"]
    for i in range(DAYS):
        day = START + timedelta(i)
        for j, sku in enumerate(skus):
            noise = (i * 7919 + j * 104729 + i * i * 31) % 97 % 7  # no model fits it exactly
            quantity = 6 + noise + (4 if day.weekday() >= 4 else 0)
            lines.append(f"{dates(day)},HKI,{sku},{quantity}")
    return "\n".join(lines) + "\n"


def weather_text() -> str:
    lines = ["date,store,temperature_c,precipitation_mm"]
    for i in range(DAYS + 21):
        lines.append(f"{START + timedelta(i)},HKI,{-5 + (i % 17) * 0.5:.1f},{(i % 5) * 0.4:.1f}")
    return "\n".join(lines) + "\n"


def traffic_text() -> str:
    lines = ["timestamp,store,receipts"]
    for i in range(DAYS):
        day = START + timedelta(i)
        first, last = {5: (9, 18), 6: (10, 18)}.get(day.weekday(), (8, 20))
        for hour in range(first, last):
            lines.append(f"{day} {hour:02d}:00:00,HKI,{8 + (hour * 7 + i) % 11}")
    return "\n".join(lines) + "\n"


def forecast_text(days: int = 28) -> str:
    """A forecast table as `kori forecast run` writes it, from the day after the sales end."""
    lines = ["date,store,sku,model,forecast,lo80,hi80,lo95,hi95,weather,note"]
    for i in range(days):
        day = START + timedelta(DAYS + i)
        for j, sku in enumerate(("A", "B")):
            f = 8 + (i + j) % 4
            lines.append(f"{day},HKI,{sku},regression,{f:.3f},{f * 0.6:.3f},{f * 1.5:.3f},"
                         f"{f * 0.45:.3f},{f * 1.9:.3f},file,")  # fmt: skip
    return "\n".join(lines) + "\n"


def receipts_text(baskets: list[tuple[str, ...]] | None = None) -> str:
    """Receipt lines; each item is written as a CSV field, quoted when it needs to be."""
    baskets = baskets or ([("A", "B")] * 12 + [("A", "C")] * 8 + [("D", "E", "C")] * 10
                          + [("B",)] * 6 + [("C", "E")] * 6)  # fmt: skip
    lines = ["receipt_id,timestamp,store,sku,quantity"]
    for n, items in enumerate(baskets):
        stamp = f"{START + timedelta(n % 10)} {9 + n % 9:02d}:{n % 60:02d}:00"
        for item in items:
            if re.search(r'[,"\r\n]', item):
                item = '"' + item.replace('"', '""') + '"'
            lines.append(f"R{n:03d},{stamp},HKI,{item},1")
    return "\n".join(lines) + "\n"


SALES = sales_text()
WEATHER = weather_text()
TRAFFIC = traffic_text()
FORECAST = forecast_text()
RECEIPTS = receipts_text()
CATALOG = (
    "sku,name,category,department,unit_volume_l,pack_size,lead_time_days,shelf_life_days,"
    "price_eur\n"
    "A,Apple juice 1 l,juice,beverages,1.0,6,2,30,1.99\n"
    "B,Vanilla ice cream 1 l,ice cream,frozen,1.1,8,3,365,4.49\n"
    "C,Rye bread 500 g,bread,bakery,1.5,10,1,4,2.49\n"
    "D,Dill bunch,herbs,produce,0.2,10,1,5,0.99\n"
    "E,Lemons 500 g,fruit,produce,0.6,12,2,21,1.49\n"
)
STOCK = "store,sku,on_hand,on_order\nHKI,A,20,0\nHKI,B,15,0\n"
EVENTS = "date,name,lower,upper\n2025-03-20,Campaign,-1,0\n"
STORE_TOML = """[stores.HKI]
name = "Kori Testi"
city = "Helsinki"
country = "FI"
freezer_capacity_litres = 400.0
closed_on = ["Christmas Day"]

[stores.HKI.hours]
mon = "08:00-20:00"
tue = "08:00-20:00"
wed = "08:00-20:00"
thu = "08:00-20:00"
fri = "08:00-20:00"
sat = "09:00-18:00"
sun = "10:00-18:00"

[stores.HKI.staffing]
service_time_s = 90.0
wait_target_s = 120.0
service_target = 0.8
min_cashiers = 1
max_cashiers = 4

[stores.HKI.ordering]
service_level = 0.95
order_days = ["mon", "wed", "fri"]
"""

TINY = {"s.csv": SALES, "w.csv": WEATHER, "t.csv": TRAFFIC, "fc.csv": FORECAST, "r.csv": RECEIPTS,
        "c.csv": CATALOG, "st.csv": STOCK, "ev.csv": EVENTS, "store.toml": STORE_TOML}  # fmt: skip


def edit(text: str, line: int, column: str, value: str) -> str:
    """``text`` with the field ``column`` of (1-based) ``line`` replaced by ``value``."""
    lines = text.split("\n")
    index = lines[0].split(",").index(column)
    fields = lines[line - 1].split(",")
    fields[index] = value
    lines[line - 1] = ",".join(fields)
    return "\n".join(lines)


@dataclass(frozen=True)
class From:
    """A file of the module's world (the tiny store, ``rules.csv``, ``sample/...``), copied in."""

    name: str


def tiny(*names: str) -> dict[str, Any]:
    return {name: TINY[name] for name in names}


# --------------------------------------------------------------------------- cases and their runner


@dataclass
class Case:
    id: str
    args: list[str]  # "{d}" is the case's folder (also the current directory)
    files: dict[str, Any] = field(default_factory=dict)  # name: text, bytes or From
    code: int | tuple[int, ...] = 2
    fragment: str | tuple[str, ...] = ()  # regexes the Error line must all match (any case)
    absent: tuple[str, ...] = ()  # texts the Error line must not hold
    outputs: tuple[str, ...] = ()  # files present before that the command may replace
    setup: Callable[[Path], None] | None = None  # after the files are written
    check: Callable[[Any, Path], None] | None = None  # after the contract, on any exit code
    stdin: bytes | None = None
    early: bool = False  # refused before any work: stderr holds nothing but the usage error
    env: dict[str, str] | None = None


OVER_INPUT = r"same file|overwrit|write over|input|would replace|read from"
SAME_OUTPUT = r"same file|twice|two outputs|both|write over"


def _snapshot(folder: Path) -> dict[str, tuple[str, str]]:
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = Path(root, name)
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            else:
                found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def _leftovers(folder: Path) -> list[str]:
    """Temporary files: hidden names or names ending in .tmp, anywhere under ``folder``."""
    return [str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.name.startswith(".") or p.name.endswith(".tmp")]  # fmt: skip


def _error_line(result: Any) -> str:
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, f"want one Error line, got:\n{result.stderr}"
    assert lines[-1] == errors[0], f"the Error line must come last:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "internal error" not in errors[0], errors[0]
    return errors[0]


def _not_usage(stderr: str) -> list[str]:
    """The lines of stderr that are neither Click's usage error nor the Error line."""
    others, in_usage = [], False
    for line in stderr.splitlines():
        if line.startswith("Usage:"):
            in_usage = True
        elif line.startswith("Try ") or line.startswith("Error: "):
            in_usage = False
        elif line.strip() and not in_usage:
            others.append(line)
    return others


def _no_crash(result: Any) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def run_case(case: Case, world: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, From):
            content = (world / content.name).read_bytes()
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
    if case.setup:
        case.setup(folder)
    before = _snapshot(folder)
    monkeypatch.chdir(folder)
    args = [str(a).replace("{d}", str(folder)) for a in case.args]
    result = CliRunner().invoke(kori, args, input=case.stdin, env=case.env)
    codes = case.code if isinstance(case.code, tuple) else (case.code,)
    assert result.exit_code in codes, (
        f"exit {result.exit_code}, want {codes}\nstderr: {result.stderr[-2000:]}\n"
        f"exception: {result.exception!r}"
    )
    _no_crash(result)
    if result.exit_code != 0:
        line = _error_line(result)
        fragments = case.fragment if isinstance(case.fragment, tuple) else (case.fragment,)
        for fragment in fragments:
            assert re.search(fragment, line, re.IGNORECASE), f"{fragment!r} not in {line!r}"
        for text in case.absent:
            assert text not in line, line
        if args[:2] != ["data", "validate"]:  # the validator's report is data, on stdout
            assert result.stdout_bytes == b"", result.stdout[:500]
        if case.early:
            others = _not_usage(result.stderr)
            assert others == [], f"work was done before the refusal:\n{result.stderr}"
    else:
        assert not [x for x in result.stderr.splitlines() if x.startswith("Error:")], result.stderr
    after = _snapshot(folder)
    for name, state in before.items():
        if name in case.outputs:
            continue
        assert name in after, f"{name} is gone"
        assert after[name] == state, f"{name} was modified"
    assert _leftovers(folder) == [], "temporary files left behind"
    if case.check:
        case.check(result, folder)
    return result


# --------------------------------------------------------------------------- checks


def _xlsx(name: str) -> Callable[[Any, Path], None]:
    def check(result: Any, folder: Path) -> None:
        data = (folder / name).read_bytes()
        assert data[:2] == b"PK", data[:40]
        from openpyxl import load_workbook

        book = load_workbook(folder / name, read_only=True)
        try:
            header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
        finally:
            book.close()
        assert header[0]  # a header row

    return check


def _mode_kept(name: str) -> Callable[[Any, Path], None]:
    def check(result: Any, folder: Path) -> None:
        path = folder / name
        assert (path.stat().st_mode & 0o777) == 0o600, oct(path.stat().st_mode)
        assert path.read_bytes() != b"old\n"

    return check


def _secret(name: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / name).write_bytes(b"old\n")
        os.chmod(folder / name, 0o600)

    return setup


def _link(link: str, target: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        if not (folder / target).exists():
            (folder / target).write_bytes(b"old\n")
        os.symlink(target, folder / link)

    return setup


def _hard_link(link: str, target: str) -> Callable[[Path], None]:
    return lambda folder: os.link(folder / target, folder / link)


def _mkdir(*names: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        for name in names:
            (folder / name).mkdir(parents=True, exist_ok=True)

    return setup


def _link_kept(link: str, target: str, header: str) -> Callable[[Any, Path], None]:
    def check(result: Any, folder: Path) -> None:
        assert (folder / link).is_symlink(), "the link was replaced by a file"
        assert os.readlink(folder / link) == target
        assert (folder / target).read_text(encoding="utf-8").startswith(header)

    return check


def _no_escapes(*literals: str) -> Callable[[Any, Path], None]:
    def check(result: Any, folder: Path) -> None:
        shown = result.stdout
        assert "\x1b" not in shown and "\x07" not in shown, repr(shown[:300])
        for literal in literals:
            assert literal in shown, f"{literal!r} not shown as written"

    return check


def _significant_digits(number: str) -> int:
    mantissa = re.split(r"[eE]", number.lstrip("-"))[0].replace(".", "")
    return len(mantissa.lstrip("0"))


def _no_float_noise(lines: bool) -> Callable[[Any, Path], None]:
    def check(result: Any, folder: Path) -> None:
        texts = result.stdout.splitlines() if lines else [result.stdout]
        noisy: list[str] = []

        def number(text: str) -> float:
            if _significant_digits(text) >= 15:
                noisy.append(text)
            return float(text)

        for text in texts:
            json.loads(text, parse_float=number)
        assert noisy == [], f"float noise: {noisy[:5]}"
        assert texts and texts[0].strip()

    return check


def _no_midnight(result: Any, folder: Path) -> None:
    assert result.stdout.strip()
    assert "00:00:00" not in result.stdout, result.stdout[:600]


def _receipts_gone(result: Any, folder: Path) -> None:
    assert (folder / "s" / "sales.csv").exists()
    assert not (folder / "s" / "receipts.csv").exists(), "an old receipts.csv beside new sales"


def _rows(result: Any, folder: Path) -> None:
    table = pd.read_csv(io.StringIO(result.stdout))
    assert len(table) > 0
    assert "K1029" in result.stdout  # Salmon fillet 400 g


def _clean_report(result: Any, folder: Path) -> None:
    assert "error," not in result.stdout, result.stdout


def _no_rule(result: Any, folder: Path) -> None:
    assert re.search(r"no rules?\b", result.stderr, re.IGNORECASE), result.stderr
    assert "spelling" not in result.stderr


def _three_plots(result: Any, folder: Path) -> None:
    plots = folder / "pl"
    pngs = sorted(p for p in plots.rglob("*.png"))
    assert all(p.parent == plots for p in pngs), pngs  # `A/B` makes no sub-folder
    assert len({p.name for p in pngs}) == 3, pngs
    assert [p.name for p in folder.iterdir() if p.suffix == ".png"] == []
    index = (plots / "index.html").read_text(encoding="utf-8")
    assert all(p.name in index or quote(p.name) in index for p in pngs), index


def _neutral_csv(name: str) -> Callable[[Any, Path], None]:
    """Labels holding CR/LF are quoted (the file parses), and no line can run as a formula."""

    def check(result: Any, folder: Path) -> None:
        text = (folder / name).read_bytes().decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header, body = rows[0], rows[1:]
        assert body and all(len(row) == len(header) for row in body), (
            "the file does not parse as CSV: a label holding CR or LF was left unquoted"
        )
        assert any("2+2" in cell for row in body for cell in row), "the CR label was lost"
        assert not [x for x in re.split(r"\r\n|\r|\n", text) if x.startswith("=")]
        text_columns = [i for i, n in enumerate(header)
                        if n.startswith(("antecedent", "consequent")) and "count" not in n
                        and "support" not in n]  # fmt: skip
        for row in body:
            for i in text_columns:
                for part in re.split(r"\r\n|\r|\n", row[i]):
                    assert not part.startswith(("=", "+", "-", "@")), repr(row[i])

    return check


def _huge_flagged(line: int) -> Callable[[Any, Path], None]:
    """Exit 1 naming the line, or exit 0 with the line flagged (and, for forecasts, sane ones)."""

    def check(result: Any, folder: Path) -> None:
        if result.exit_code != 0:
            return
        if result.stdout.startswith("severity,"):  # the validator's report
            report = pd.read_csv(io.StringIO(result.stdout), dtype=str)
            assert any(re.search(rf"\b{line}\b", str(x)) for x in report["lines"]), report
        else:
            assert re.search(rf"\bline {line}\b", result.stderr), result.stderr
            table = pd.read_csv(io.StringIO(result.stdout))
            assert table["hi95"].max() < 1e6, table["hi95"].max()

    return check


# --------------------------------------------------------------------------- the cases

CASES: list[Case] = []


def add(*cases: Case) -> None:
    CASES.extend(cases)


R = tiny("r.csv", "c.csv")
RUN = ["forecast", "run", "s.csv", "--horizon", "7"]
ORDERS = ["plan", "orders", "fc.csv", "--stock", "st.csv", "--catalog", "c.csv"]
STAFF = ["plan", "staffing", "t.csv", "--stores", "store.toml", "--horizon", "7"]
FREEZER = ["plan", "freezer", "fc.csv", "--catalog", "c.csv", "--stores", "store.toml"]
BACKTEST = ["forecast", "backtest", "s.csv", "--horizon", "7", "--windows", "1"]

# A. An output that names an input: refused (exit 2) before any work, the input untouched.
add(
    Case("A-mine-same-name", ["rules", "mine", "r.csv", "-o", "r.csv"], R, 2,
         (OVER_INPUT, r"r\.csv"), early=True),
    Case("A-mine-dot-slash", ["rules", "mine", "r.csv", "-o", "./r.csv"], R, 2,
         (OVER_INPUT, r"r\.csv"), early=True),
    Case("A-mine-absolute", ["rules", "mine", "r.csv", "-o", "{d}/r.csv"], R, 2,
         (OVER_INPUT, r"r\.csv"), early=True),
    Case("A-mine-absolute-input", ["rules", "mine", "{d}/r.csv", "-o", "r.csv"], R, 2,
         (OVER_INPUT, r"r\.csv"), early=True),
    Case("A-mine-dotdot", ["rules", "mine", "r.csv", "-o", "sub/../r.csv"], R, 2, OVER_INPUT,
         setup=_mkdir("sub"), early=True),
    Case("A-mine-symlink", ["rules", "mine", "r.csv", "-o", "link.csv"], R, 2, OVER_INPUT,
         setup=_link("link.csv", "r.csv"), early=True),
    Case("A-mine-input-via-symlink", ["rules", "mine", "link.csv", "-o", "r.csv"], R, 2,
         OVER_INPUT, setup=_link("link.csv", "r.csv"), early=True),
    Case("A-mine-hard-link", ["rules", "mine", "r.csv", "-o", "hard.csv"], R, 2, OVER_INPUT,
         setup=_hard_link("hard.csv", "r.csv"), early=True),
    Case("A-mine-catalog", ["rules", "mine", "r.csv", "--catalog", "c.csv", "-o", "c.csv"], R, 2,
         (OVER_INPUT, r"c\.csv"), early=True),
    Case("A-itemsets", ["rules", "itemsets", "r.csv", "-o", "r.csv"], R, 2, OVER_INPUT,
         early=True),
    Case("A-recommend-rules", ["rules", "recommend", "--rules", "rules.csv", "--item",
                               "Apple juice 1 l", "-o", "rules.csv"],
         {"rules.csv": From("rules.csv")}, 2, (OVER_INPUT, r"rules\.csv"), early=True),
    Case("A-report-html", ["rules", "report", "r.csv", "--html", "r.csv"], R, 2, OVER_INPUT,
         early=True),
    Case("A-report-excel-catalog", ["rules", "report", "r.csv", "--catalog", "c.csv", "--excel",
                                    "c.csv"], R, 2, OVER_INPUT, early=True),
    Case("A-run-sales", [*RUN, "-o", "s.csv"], tiny("s.csv"), 2, (OVER_INPUT, r"s\.csv"),
         early=True),
    Case("A-run-weather", [*RUN, "--weather", "w.csv", "-o", "w.csv"], tiny("s.csv", "w.csv"), 2,
         (OVER_INPUT, r"w\.csv"), early=True),
    Case("A-run-stores", [*RUN, "--stores", "store.toml", "-o", "store.toml"],
         tiny("s.csv", "store.toml"), 2, OVER_INPUT, early=True),
    Case("A-run-components", [*RUN, "--components", "s.csv"], tiny("s.csv"), 2, OVER_INPUT,
         early=True),
    Case("A-run-plots-index", ["forecast", "run", "pl/index.html", "--input-format", "csv",
                               "--horizon", "7", "--plots", "pl"],
         {"pl/index.html": SALES}, 2, OVER_INPUT, early=True),
    Case("A-backtest-per-series", [*BACKTEST, "--per-series", "s.csv"], tiny("s.csv"), 2,
         OVER_INPUT, early=True),
    Case("A-backtest-output", [*BACKTEST, "-o", "s.csv"], tiny("s.csv"), 2, OVER_INPUT,
         early=True),
    Case("A-holidays-events", ["forecast", "holidays", "--years", "2025", "--events", "ev.csv",
                               "-o", "ev.csv"], tiny("ev.csv"), 2, OVER_INPUT, early=True),
    Case("A-orders-stock", [*ORDERS, "-o", "st.csv"], tiny("fc.csv", "st.csv", "c.csv"), 2,
         (OVER_INPUT, r"st\.csv"), early=True),
    Case("A-orders-forecast", [*ORDERS, "-o", "./fc.csv"], tiny("fc.csv", "st.csv", "c.csv"), 2,
         OVER_INPUT, early=True),
    Case("A-staffing-daily-toml", [*STAFF, "--daily", "store.toml"], tiny("t.csv", "store.toml"),
         2, OVER_INPUT, early=True),
    Case("A-staffing-output", [*STAFF, "-o", "t.csv"], tiny("t.csv", "store.toml"), 2,
         OVER_INPUT, early=True),
    Case("A-freezer-skus-catalog", [*FREEZER, "--skus", "c.csv"],
         tiny("fc.csv", "c.csv", "store.toml"), 2, OVER_INPUT, early=True),
    Case("A-validate", ["data", "validate", "sales", "f.csv", "-o", "f.csv"], {"f.csv": SALES},
         2, (OVER_INPUT, r"f\.csv"), early=True),
)

# B. Two outputs on one path: refused (exit 2) before any work.
add(
    Case("B-report-html-excel", ["rules", "report", "r.csv", "--html", "x", "--excel", "x"], R,
         2, SAME_OUTPUT, early=True),
    Case("B-run-output-components", [*RUN, "-o", "x.csv", "--components", "x.csv"],
         tiny("s.csv"), 2, SAME_OUTPUT, early=True),
    Case("B-run-output-in-plots", [*RUN, "-o", "pl/index.html", "--plots", "pl"], tiny("s.csv"),
         2, SAME_OUTPUT, setup=_mkdir("pl"), early=True),
    Case("B-backtest-output-per-series", [*BACKTEST, "-o", "x.csv", "--per-series", "x.csv"],
         tiny("s.csv"), 2, SAME_OUTPUT, early=True),
    Case("B-staffing-output-daily", [*STAFF, "-o", "x.csv", "--daily", "x.csv"],
         tiny("t.csv", "store.toml"), 2, SAME_OUTPUT, early=True),
    Case("B-staffing-output-daily-spelled-apart", [*STAFF, "-o", "x.csv", "--daily", "./x.csv"],
         tiny("t.csv", "store.toml"), 2, SAME_OUTPUT, early=True),
    Case("B-freezer-output-skus", [*FREEZER, "-o", "x.csv", "--skus", "x.csv"],
         tiny("fc.csv", "c.csv", "store.toml"), 2, SAME_OUTPUT, early=True),
    Case("B-freezer-output-skus-hard-link", [*FREEZER, "-o", "x.csv", "--skus", "y.csv"],
         {**tiny("fc.csv", "c.csv", "store.toml"), "x.csv": "old\n"}, 2, SAME_OUTPUT,
         setup=_hard_link("y.csv", "x.csv"), early=True),
)

# C. Output formats.
FORMATS = (r"csv", r"jsonl", r"parquet")
add(
    Case("C-orders-xlsx", [*ORDERS, "-o", "orders.xlsx"], tiny("fc.csv", "st.csv", "c.csv"), 0,
         check=_xlsx("orders.xlsx")),
    Case("C-mine-f-xlsx", ["rules", "mine", "r.csv", "--max-p", "1", "-f", "xlsx", "-o",
                           "rules.xlsx"], R, 0, check=_xlsx("rules.xlsx")),
    Case("C-holidays-f-xlsx", ["forecast", "holidays", "--years", "2026", "-f", "xlsx", "-o",
                               "h.xlsx"], {}, 0, check=_xlsx("h.xlsx")),
    Case("C-validate-f-xlsx", ["data", "validate", "sales", "s.csv", "-f", "xlsx", "-o",
                               "report.xlsx"], tiny("s.csv"), 0, check=_xlsx("report.xlsx")),
    Case("C-run-xlsx", [*RUN, "-o", "fc.xlsx"], tiny("s.csv"), 0, check=_xlsx("fc.xlsx")),
    Case("C-mine-unknown-extension", ["rules", "mine", "r.csv", "-o", "out.foo"], R, 2,
         (*FORMATS, r"\.foo")),
    Case("C-run-unknown-extension", [*RUN, "-o", "out.foo"], tiny("s.csv"), 2, FORMATS),
    Case("C-validate-unknown-extension", ["data", "validate", "sales", "s.csv", "-o", "out.foo"],
         tiny("s.csv"), 2, FORMATS),
    Case("C-orders-unknown-extension", [*ORDERS, "-o", "orders.foo"],
         tiny("fc.csv", "st.csv", "c.csv"), 2, FORMATS),
    Case("C-mine-missing-folder", ["rules", "mine", "r.csv", "-o", "missing_dir/out.csv"], R,
         (1, 2), r"missing_dir", early=True),
    Case("C-run-missing-folder", [*RUN, "-o", "missing_dir/out.csv"], tiny("s.csv"), (1, 2),
         r"missing_dir", early=True),
    Case("C-run-components-missing-folder", [*RUN, "--components", "missing_dir/c.csv"],
         tiny("s.csv"), (1, 2), r"missing_dir", early=True),
    Case("C-staffing-daily-missing-folder", [*STAFF, "--daily", "missing_dir/d.csv"],
         tiny("t.csv", "store.toml"), (1, 2), r"missing_dir", early=True),
    Case("C-report-html-missing-folder", ["rules", "report", "r.csv", "--html",
                                          "missing_dir/r.html"], R, (1, 2), r"missing_dir",
         early=True),
    Case("C-mine-table-to-file", ["rules", "mine", "r.csv", "-f", "table", "-o", "x.csv"], R, 2,
         r"table"),
    Case("C-holidays-table-to-file", ["forecast", "holidays", "--years", "2026", "-f", "table",
                                      "-o", "x.csv"], {}, 2, r"table"),
    Case("C-orders-table-to-file", [*ORDERS, "-f", "table", "-o", "x.csv"],
         tiny("fc.csv", "st.csv", "c.csv"), 2, r"table"),
)

# D. Atomic writes keep what the user set up: the mode, the link.
add(
    Case("D-mine-keeps-mode", ["rules", "mine", "r.csv", "-o", "out.csv"], R, 0,
         outputs=("out.csv",), setup=_secret("out.csv"), check=_mode_kept("out.csv")),
    Case("D-run-keeps-mode", [*RUN, "-o", "out.csv"], tiny("s.csv"), 0, outputs=("out.csv",),
         setup=_secret("out.csv"), check=_mode_kept("out.csv")),
    Case("D-staffing-daily-keeps-mode", [*STAFF, "--daily", "d.csv"], tiny("t.csv", "store.toml"),
         0, outputs=("d.csv",), setup=_secret("d.csv"), check=_mode_kept("d.csv")),
    Case("D-mine-through-symlink", ["rules", "mine", "r.csv", "-o", "link.csv"], R, 0,
         outputs=("real.csv",), setup=_link("link.csv", "real.csv"),
         check=_link_kept("link.csv", "real.csv", "antecedent,")),
    Case("D-validate-through-symlink", ["data", "validate", "sales", "s.csv", "-f", "csv", "-o",
                                        "link.csv"], tiny("s.csv"), 0, outputs=("real.csv",),
         setup=_link("link.csv", "real.csv"),
         check=_link_kept("link.csv", "real.csv", "severity,")),
    Case("D-sample-over-an-older-sample", ["sample", "s", "--years", "1", "--receipt-weeks", "0"],
         {f"s/{n}": From(f"sample/{n}") for n in ("catalog.csv", "receipts.csv", "sales.csv",
                                                   "weather.csv", "traffic.csv", "stock.csv",
                                                   "store.toml")},
         0, outputs=tuple(f"s/{n}" for n in ("catalog.csv", "receipts.csv", "sales.csv",
                                             "weather.csv", "traffic.csv", "stock.csv",
                                             "store.toml")),
         check=_receipts_gone),
)  # fmt: skip

# E. Injection: labels that break lines, run as formulas or drive the terminal.
CR_BASKETS = ([("A", "\r=2+2", "\n@SUM(1)")] * 12 + [("A", "=1+1", "+x", "-x")] * 8
              + [("C", "D")] * 10)  # fmt: skip
MARKUP = ("[link=http://x]a[/link]", "[bold]b", "[red on white]c[/]")
MARKUP_BASKETS = [("A", *MARKUP)] * 12 + [("C", "D")] * 10
ESCAPES = ("\x1b[31mred", "\x1b]0;title\x07t")  # never labels: refused where they are read
ESCAPE_BASKETS = [("A", *ESCAPES)] * 12 + [("C", "D")] * 10
WIDE = {"COLUMNS": "400"}
add(
    Case("E-cr-label-validates", ["data", "validate", "receipts", "r.csv", "-f", "csv"],
         {"r.csv": receipts_text(CR_BASKETS)}, 0, check=_clean_report),
    Case("E-cr-label-mined-neutral", ["rules", "mine", "r.csv", "--max-p", "1", "--min-count",
                                      "2", "-o", "x.csv"],
         {"r.csv": receipts_text(CR_BASKETS)}, 0, check=_neutral_csv("x.csv")),
    Case("E-markup-itemsets-table", ["rules", "itemsets", "r.csv", "--min-count", "2", "-f",
                                     "table"], {"r.csv": receipts_text(MARKUP_BASKETS)}, 0,
         env=WIDE, check=_no_escapes("[link=http://x]a[/link]", "[bold]b")),
    Case("E-markup-recommend-table", ["rules", "recommend", "r.csv", "--item", "A", "--max-p",
                                      "1", "-f", "table"],
         {"r.csv": receipts_text(MARKUP_BASKETS)}, 0, env=WIDE,
         check=_no_escapes("[link=http://x]a[/link]", "[bold]b")),
    Case("E-markup-mine-table", ["rules", "mine", "r.csv", "--max-p", "1", "-f", "table"],
         {"r.csv": receipts_text(MARKUP_BASKETS)}, 0, env=WIDE, check=_no_escapes()),
    Case("E-markup-forecast-table", [*RUN, "-f", "table"],
         {"s.csv": sales_text(("[bold]A", "[link=http://x]B[/link]"))}, 0, env=WIDE,
         check=_no_escapes("[bold]A", "[link=http://x]B[/link]")),
    Case("E-escape-label-mine", ["rules", "mine", "r.csv", "--max-p", "1", "-f", "table"],
         {"r.csv": receipts_text(ESCAPE_BASKETS)}, 1, r"control character.*line \d+"),
    Case("E-escape-label-validate", ["data", "validate", "receipts", "r.csv", "-f", "csv"],
         {"r.csv": receipts_text(ESCAPE_BASKETS)}, 1, r"control character"),
    Case("E-escape-sku-forecast", [*RUN, "-f", "table"],
         {"s.csv": sales_text(("A", "\x1b[31mB"))}, 1, r"control character"),
    Case("E-markup-validate-table", ["data", "validate", "sales", "s.csv", "-f", "table"],
         {"s.csv": edit(SALES, 3, "quantity", "[bold]x\x1b[31m")}, 1, r"\bline 3\b", env=WIDE,
         check=_no_escapes("[bold]x")),
)

# F. Implausible data: refused with the line, by the validator and by the commands that read it.
KINDS = {  # kind: (file, column, content, a command reading it, the other files it needs)
    "receipts": ("r.csv", "quantity", RECEIPTS, ["rules", "mine", "r.csv"], {}),
    "sales": ("s.csv", "quantity", SALES, RUN, {}),
    "stock": ("st.csv", "on_hand", STOCK, ORDERS, tiny("fc.csv", "c.csv")),
    "weather": ("w.csv", "temperature_c", WEATHER, [*RUN, "--weather", "w.csv"], tiny("s.csv")),
}
for kind, (name, column, content, command, others) in KINDS.items():
    for value in ("inf", "-inf", "Infinity", "nan"):
        bad = {name: edit(content, 3, column, value)}
        add(
            Case(f"F-{kind}-{value}-validate", ["data", "validate", kind, name], bad, 1,
                 r"\bline 3\b"),
            Case(f"F-{kind}-{value}-{'-'.join(command[:2])}", command, {**others, **bad}, 1,
                 r"\bline 3\b"),
        )
HUGE = edit(SALES, 20, "quantity", "1e308")
STRAY = SALES + f"{START + timedelta(DAYS + 180)},HKI,A,7\n"
TZ_SALES = sales_text(dates=lambda day: f"{day}T00:00:00+02:00")
add(
    Case("F-huge-sales-validate", ["data", "validate", "sales", "s.csv", "-f", "csv"],
         {"s.csv": HUGE}, (0, 1), r"\bline 20\b", check=_huge_flagged(20)),
    Case("F-huge-sales-forecast", RUN, {"s.csv": HUGE}, (0, 1), r"\bline 20\b",
         check=_huge_flagged(20)),
    Case("F-stray-row-forecast", RUN, {"s.csv": STRAY}, 1, r"\bline 142\b"),
    Case("F-tz-dates-validate", ["data", "validate", "sales", "s.csv"], {"s.csv": TZ_SALES}, 0),
    Case("F-tz-dates-forecast", RUN, {"s.csv": TZ_SALES}, 0),
    Case("F-blank-name-validate", ["data", "validate", "catalog", "c.csv"],
         {"c.csv": edit(CATALOG, 3, "name", "")}, 1, r"name"),
    Case("F-blank-name-mine", ["rules", "mine", "r.csv", "--catalog", "c.csv"],
         {"r.csv": RECEIPTS, "c.csv": edit(CATALOG, 3, "name", "")}, 1, r"name"),
    Case("F-two-column-receipts-validate", ["data", "validate", "receipts", "r.csv"],
         {"r.csv": pd.read_csv(io.StringIO(RECEIPTS))[["receipt_id", "sku"]].to_csv(index=False)},
         0),
    Case("F-two-column-receipts-mine", ["rules", "mine", "r.csv"],
         {"r.csv": pd.read_csv(io.StringIO(RECEIPTS))[["receipt_id", "sku"]].to_csv(index=False)},
         0),
    Case("F-semicolon-baskets", ["rules", "mine", "b.csv", "--layout", "basket"],
         {"b.csv": "A;B\nA;C\nD;E;C\nA;B;E\nB;C\n" * 5}, 1, (r"delimiter", r";")),
)

# G. What used to crash: clear errors (or it works).
SALES_GZ = gzip.compress(SALES.encode())
RECEIPTS_GZ = gzip.compress(RECEIPTS.encode() * 20)
DAMAGED = r"truncat|damaged|corrupt|incomplete|cut short"
LATIN = edit(SALES, 3, "sku", "p\xe4\xe4").encode("latin-1")  # the rest is ASCII
LATIN_RECEIPTS = edit(RECEIPTS, 3, "sku", "p\xe4\xe4").encode("latin-1")


def _parquet(text: str) -> bytes:
    buffer = io.BytesIO()
    frame = pd.read_csv(io.StringIO(text))
    frame["date"] = pd.to_datetime(frame["date"])
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


add(
    Case("G-truncated-gz-validate", ["data", "validate", "sales", "s.csv.gz"],
         {"s.csv.gz": SALES_GZ[: len(SALES_GZ) // 2]}, 1, DAMAGED),
    Case("G-truncated-gz-forecast", ["forecast", "run", "s.csv.gz", "--horizon", "7"],
         {"s.csv.gz": SALES_GZ[: len(SALES_GZ) // 2]}, 1, DAMAGED),
    Case("G-truncated-gz-mine", ["rules", "mine", "r.csv.gz"],
         {"r.csv.gz": RECEIPTS_GZ[: len(RECEIPTS_GZ) // 2]}, 1, DAMAGED),
    Case("G-plain-text-gz-validate", ["data", "validate", "sales", "s.csv.gz"], {"s.csv.gz": SALES},
         1, r"gzip|compress", absent=("--input-format csv",)),
    Case("G-plain-text-gz-mine", ["rules", "mine", "r.csv.gz"], {"r.csv.gz": RECEIPTS}, 1,
         r"gzip|compress", absent=("--input-format csv",)),
    Case("G-latin1-line-validate", ["data", "validate", "sales", "s.csv"], {"s.csv": LATIN}, 1,
         (r"\bline 3\b", r"UTF-8")),
    Case("G-latin1-line-forecast", RUN, {"s.csv": LATIN}, 1, r"\bline 3\b"),
    Case("G-latin1-line-mine", ["rules", "mine", "r.csv"], {"r.csv": LATIN_RECEIPTS}, 1,
         r"\bline 3\b"),
    Case("G-parquet-stdin-validate", ["data", "validate", "sales", "--input-format", "parquet",
                                      "-"], {}, (0, 1), r"parquet|stdin", stdin=_parquet(SALES)),
    Case("G-parquet-stdin-forecast", ["forecast", "run", "--input-format", "parquet", "-",
                                      "--horizon", "7"], {}, (0, 1), r"parquet|stdin",
         stdin=_parquet(SALES)),
    Case("G-run-horizon-200000", [*RUN[:3], "--horizon", "200000"], tiny("s.csv"), 2,
         r"horizon"),
    Case("G-run-horizon-0", [*RUN[:3], "--horizon", "0"], tiny("s.csv"), 2, r"horizon"),
    Case("G-run-horizon-negative", [*RUN[:3], "--horizon", "-3"], tiny("s.csv"), 2, r"horizon"),
    Case("G-backtest-horizon-200000", [*BACKTEST[:3], "--horizon", "200000"], tiny("s.csv"), 2,
         r"horizon"),
    Case("G-backtest-windows-0", [*BACKTEST[:5], "--windows", "0"], tiny("s.csv"), 2,
         r"windows"),
    Case("G-staffing-horizon-200000", [*STAFF[:5], "--horizon", "200000"],
         tiny("t.csv", "store.toml"), 2, r"horizon"),
    Case("G-holidays-years-0", ["forecast", "holidays", "--years", "0"], {}, 2, r"years"),
    Case("G-holidays-years-1-99999", ["forecast", "holidays", "--years", "1-99999"], {}, 2,
         r"years"),
    Case("G-holidays-years-backwards", ["forecast", "holidays", "--years", "2027-2025"], {}, 2,
         r"years"),
    Case("G-date-format-validate", ["data", "validate", "sales", "s.csv", "--date-format", "%Q"],
         tiny("s.csv"), 2, r"%Q"),
    Case("G-date-format-forecast", [*RUN, "--date-format", "%Q"], tiny("s.csv"), 2, r"%Q"),
    Case("G-date-format-mine", ["rules", "mine", "r.csv", "--date-format", "%Q"], R, 2, r"%Q"),
    Case("G-sample-into-proc", ["sample", "/proc/kori", "--years", "1"], {}, (1, 2),
         r"/proc/kori"),
    Case("G-sample-into-dev-null", ["sample", "/dev/null", "--years", "1"], {}, (1, 2),
         r"/dev/null"),
    Case("G-sample-end-9999", ["sample", "out", "--years", "1", "--end", "9999-12-31"], {}, 2,
         r"9999|--end"),
    Case("G-sample-end-1600", ["sample", "out", "--years", "1", "--end", "1600-01-01"], {}, 2,
         r"1600|--end"),
    Case("G-plots-into-proc", [*RUN, "--plots", "/proc/x"], tiny("s.csv"), (1, 2), r"/proc/x"),
    Case("G-missing-receipt-col", ["rules", "mine", "r.csv", "--receipt-col", "Member_number"],
         R, 1, (r"Member_number", r"--receipt-col")),
    Case("G-slashes-in-skus-plots", [*RUN, "--plots", "pl"],
         {"s.csv": sales_text(("A/B", "A_B", "A?B"))}, 0, check=_three_plots),
)

# H. Found on the sample store and in the outputs.
add(
    Case("H-mine-with-salmon", ["rules", "mine", "receipts.csv", "--catalog", "catalog.csv",
                                "--with", "salmon"],
         {"receipts.csv": From("sample/receipts.csv"), "catalog.csv": From("sample/catalog.csv")},
         0, check=_rows),
    Case("H-recommend-item-without-rules", ["rules", "recommend", "--rules", "rules.csv",
                                            "--catalog", "catalog.csv", "--item", "milk"],
         {"rules.csv": From("sample_rules.csv"), "catalog.csv": From("sample/catalog.csv")},
         (0, 1, 2), r"no rules?\b", absent=("spelling",), check=_no_rule),
    Case("H-orders-from-sales", ["plan", "orders", "daily.csv", "--stock", "st.csv", "--catalog",
                                 "c.csv"], {"daily.csv": SALES, **tiny("st.csv", "c.csv")}, 1,
         r"sales"),
    Case("H-json-staffing", [*STAFF, "-f", "json"], tiny("t.csv", "store.toml"), 0,
         check=_no_float_noise(lines=False)),
    Case("H-json-forecast", [*RUN, "-f", "json"], tiny("s.csv"), 0,
         check=_no_float_noise(lines=False)),
    Case("H-jsonl-forecast-weekly", [*RUN[:3], "--freq", "w", "--horizon", "4", "-f", "jsonl"],
         tiny("s.csv"), 0, check=_no_float_noise(lines=True)),
    Case("H-json-orders", [*ORDERS, "-f", "json"], tiny("fc.csv", "st.csv", "c.csv"), 0,
         check=_no_float_noise(lines=False)),
    Case("H-json-freezer", [*FREEZER, "-f", "json"], tiny("fc.csv", "c.csv", "store.toml"), 0,
         check=_no_float_noise(lines=False)),
    Case("H-holidays-table-dates", ["forecast", "holidays", "--years", "2026", "-f", "table"], {},
         0, env=WIDE, check=_no_midnight),
    Case("H-holidays-csv-dates", ["forecast", "holidays", "--years", "2026", "-f", "csv"], {}, 0,
         check=_no_midnight),
    Case("H-weekly-forecast-table-dates", [*RUN[:3], "--freq", "w", "--horizon", "4", "-f",
                                           "table"], tiny("s.csv"), 0, env=WIDE,
         check=_no_midnight),
    Case("H-weekly-forecast-csv-dates", [*RUN[:3], "--freq", "w", "--horizon", "4"],
         tiny("s.csv"), 0, check=_no_midnight),
    Case("H-freezer-table-dates", [*FREEZER, "-f", "table"], tiny("fc.csv", "c.csv", "store.toml"),
         0, env=WIDE, check=_no_midnight),
    Case("H-orders-table-dates", [*ORDERS, "-f", "table"], tiny("fc.csv", "st.csv", "c.csv"), 0,
         env=WIDE, check=_no_midnight),
)


# --------------------------------------------------------------------------- the module's world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny store's files, rules mined from them, and a small sample store with its rules."""
    folder = tmp_path_factory.mktemp("world")
    for name, content in TINY.items():
        (folder / name).write_text(content, encoding="utf-8", newline="")
    runner = CliRunner()
    for args in (["sample", folder / "sample", "--years", "1", "--receipt-weeks", "2"],
                 ["rules", "mine", folder / "r.csv", "--catalog", folder / "c.csv", "--max-p",
                  "1", "-o", folder / "rules.csv"],
                 ["rules", "mine", folder / "sample" / "receipts.csv", "--catalog",
                  folder / "sample" / "catalog.csv", "-o",
                  folder / "sample_rules.csv"]):  # fmt: skip
        result = runner.invoke(kori, ["-q", *map(str, args)])
        assert result.exit_code == 0, result.stderr
    return folder


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile(case: Case, world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    run_case(case, world, tmp_path / "case", monkeypatch)


def test_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- the walk
# Every command of the Click tree, every output it writes, aimed at each of its inputs.

OUTPUT_OPTIONS = {"-o", "--output", "--html", "--excel", "--components", "--plots", "--per-series",
                  "--daily", "--skus", "--forecasts", "--segments", "--by-year",
                  "--by-store"}  # fmt: skip
# command: invocations, each the arguments ("{param}" stands for the file of that input) and the
# file of each input parameter. Together the invocations of a command give every input it has.
WALK_BASE: dict[str, list[tuple[list[str], dict[str, str]]]] = {
    "rules mine": [(["rules", "mine", "{receipts}", "--catalog", "{catalog}"],
                    {"receipts": "r.csv", "catalog": "c.csv"})],
    "rules itemsets": [(["rules", "itemsets", "{receipts}", "--catalog", "{catalog}"],
                        {"receipts": "r.csv", "catalog": "c.csv"})],
    "rules recommend": [
        (["rules", "recommend", "--rules", "{rules}", "--catalog", "{catalog}", "--item",
          "Apple juice 1 l"], {"rules": "rules.csv", "catalog": "c.csv"}),
        (["rules", "recommend", "{receipts}", "--catalog", "{catalog}", "--item",
          "Rye bread 500 g"], {"receipts": "r.csv", "catalog": "c.csv"}),
    ],
    "rules report": [(["rules", "report", "{receipts}", "--catalog", "{catalog}"],
                      {"receipts": "r.csv", "catalog": "c.csv"})],
    "forecast run": [(["forecast", "run", "{sales}", "--weather", "{weather}", "--stores",
                       "{stores}", "--events", "{events}", "--catalog", "{catalog}",
                       "--horizon", "7"],
                      {"sales": "s.csv", "weather": "w.csv", "stores": "store.toml",
                       "events": "ev.csv", "catalog": "c.csv"})],
    "forecast backtest": [(["forecast", "backtest", "{sales}", "--weather", "{weather}",
                            "--stores", "{stores}", "--events", "{events}", "--catalog",
                            "{catalog}", "--horizon", "7", "--windows", "1"],
                           {"sales": "s.csv", "weather": "w.csv", "stores": "store.toml",
                            "events": "ev.csv", "catalog": "c.csv"})],
    "forecast compare": [(["forecast", "compare", "{base}", "{other}", "--catalog", "{catalog}"],
                          {"base": "fc.csv", "other": "fc.csv", "catalog": "c.csv"})],
    "forecast holidays": [(["forecast", "holidays", "--years", "2025", "--events", "{events}"],
                           {"events": "ev.csv"})],
    "plan orders": [(["plan", "orders", "{forecast_file}", "--stock", "{stock_file}", "--catalog",
                      "{catalog}", "--stores", "{stores}"],
                     {"forecast_file": "fc.csv", "stock_file": "st.csv", "catalog": "c.csv",
                      "stores": "store.toml"})],
    "plan staffing": [(["plan", "staffing", "{traffic_file}", "--stores", "{stores}",
                        "--weather", "{weather}", "--horizon", "7"],
                       {"traffic_file": "t.csv", "stores": "store.toml",
                        "weather": "w.csv"})],
    "plan freezer": [(["plan", "freezer", "{forecast_file}", "--catalog", "{catalog}",
                       "--stores", "{stores}"],
                      {"forecast_file": "fc.csv", "catalog": "c.csv",
                       "stores": "store.toml"})],
    "data validate": [(["data", "validate", "sales", "{file}"], {"file": "s.csv"})],
    "customers next": [(["customers", "next", "{visits}", "--as-of", "2025-11-30"],
                        {"visits": "s.csv"})],
    "customers nps": [(["customers", "nps", "{survey}", "--customers", "{customers}"],
                       {"survey": "s.csv", "customers": "c.csv"})],
    "customers survey-sample": [(["customers", "survey-sample", "{customers}", "--size", "1",
                                  "--seed", "1"], {"customers": "c.csv"})],
    "customers segments": [(["customers", "segments", "{visits}", "--as-of", "2025-11-30",
                             "--lines", "{lines}", "--catalog", "{catalog}"],
                            {"visits": "s.csv", "lines": "r.csv", "catalog": "c.csv"})],
    "customers regulars": [(["customers", "regulars", "{visits}", "--as-of", "2025-11-30",
                             "--lines", "{lines}", "--catalog", "{catalog}"],
                            {"visits": "s.csv", "lines": "r.csv", "catalog": "c.csv"})],
    "customers report": [(["customers", "report", "{visits}", "--as-of", "2025-11-30",
                           "--survey", "{survey}", "--customers", "{customers}"],
                          {"visits": "s.csv", "survey": "w.csv", "customers": "c.csv"})],
    "customers register check": [(["customers", "register", "check", "{register}", "--as-of",
                                   "2025-11-30", "--receipts", "{receipts}"],
                                  {"register": "c.csv", "receipts": "s.csv"})],
    "customers register pseudonymise": [(["customers", "register", "pseudonymise", "{file}",
                                          "--secret-file", "{secret_file}"],
                                         {"file": "s.csv", "secret_file": "st.csv"})],
}  # fmt: skip


def _commands(group: click.Command, path: tuple[str, ...] = ()):
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            yield from _commands(command, (*path, name))
    else:
        yield " ".join(path), group


def _is_output(param: click.Parameter) -> bool:
    return bool(OUTPUT_OPTIONS & set(param.opts)) or param.name == "outdir"


def _inputs(command: click.Command) -> set[str]:
    return {p.name for p in command.params
            if isinstance(p.type, click.Path) and not _is_output(p)}  # fmt: skip


def _walk_cases() -> list[Case]:
    cases = []
    for name, command in _commands(kori):
        outputs = [p for p in command.params if _is_output(p) and p.name != "outdir"]
        bases = WALK_BASE.get(name, [])
        for number, (template, inputs) in enumerate(bases, start=1):
            args = [a.format(**inputs) if a.startswith("{") else a for a in template]
            for output in outputs:
                option = max(output.opts, key=len)
                for param, file in inputs.items():
                    label = f"{name} {option} over {param}"
                    label += f" ({number})" if len(bases) > 1 else ""
                    cases.append(Case(label, [*args, option, file],
                                      {**TINY, "rules.csv": From("rules.csv")}, 2,
                                      re.escape(file), early=True))  # fmt: skip
    return cases


WALK_CASES = _walk_cases()


def test_the_walk_knows_every_input_of_every_command():
    """A new command or a new input must join WALK_BASE, so its outputs are checked too."""
    for name, command in _commands(kori):
        inputs = _inputs(command)
        outputs = [p for p in command.params if _is_output(p)]
        if not inputs:
            continue
        assert outputs, f"{name} reads files but writes none?"
        covered = set().union(*(set(given) for _, given in WALK_BASE.get(name, [])))
        assert covered == inputs, f"{name}: WALK_BASE gives {covered}, the command reads {inputs}"


@pytest.mark.parametrize("case", WALK_CASES, ids=[case.id for case in WALK_CASES])
def test_no_output_may_name_an_input(case: Case, world: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch):  # fmt: skip
    run_case(case, world, tmp_path / "case", monkeypatch)


# --------------------------------------------------------------------------- processes


@pytest.mark.slow  # a real kori sample in a subprocess, killed midway
def test_sigterm_during_sample_leaves_no_temporary_or_half_file(tmp_path: Path):
    outdir = tmp_path / "s"
    process = subprocess.Popen([str(KORI_BIN), "sample", str(outdir), "--years", "3"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    # The first file written anywhere (in OUTDIR, or in a folder kori stages it in): kill it then.
    while time.monotonic() < deadline and not any(p.is_file() for p in tmp_path.rglob("*")):
        time.sleep(0.005)
    time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0, "finished before the signal: nothing was tested"
    assert b"Traceback" not in stderr, stderr.decode()
    assert _leftovers(tmp_path) == [], "temporary files left behind"
    assert [p for p in tmp_path.iterdir() if p != outdir] == [], "a staging folder left behind"
    for path in outdir.iterdir() if outdir.exists() else []:
        assert path.is_file(), path
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n"), f"{path.name} is cut short"
        if path.suffix == ".csv":
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), path.name


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
@pytest.mark.parametrize(
    "args",
    [["forecast", "holidays", "--years", "2000-2049"],
     ["rules", "mine", "{sample}/receipts.csv", "--max-p", "1"]],
    ids=["holidays", "rules-mine"],
)  # fmt: skip
def test_a_reader_that_stops_early_gets_the_same_exit_for_csv_and_jsonl(world: Path, args):
    codes = {}
    for fmt in ("csv", "jsonl"):
        given = [a.replace("{sample}", str(world / "sample")) for a in args]
        command = [str(KORI_BIN), "-q", *given, "-f", fmt]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
            first = process.stdout.readline()
            process.stdout.close()  # as `head -1` does
            stderr = process.stderr.read().decode()
            codes[fmt] = process.wait(timeout=120)
        assert first.strip(), stderr
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert codes["csv"] == codes["jsonl"] == 1, codes
