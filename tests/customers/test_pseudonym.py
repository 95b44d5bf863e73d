"""Pseudonymised extracts (issue 15): keyed hashes for ids, no personal field in any output or
log, the secret nowhere but where it was read from, and the analyses unchanged."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import kori
from customers import ParameterError, SchemaError, load_secret, pseudonymise
from customers.pseudonym import pseudonym

SECRET = b"kori-test-secret-0123456789"
OTHER = b"another-secret-9876543210abc"
ENV_SECRET = "Env-Secret-Value-That-Is-Long"
KORI_BIN = Path(sys.executable).with_name("kori")
TOKEN = re.compile(r"^P[0-9a-f]{16}$")

REGISTER_COLUMNS = ["member_id", "first_name", "last_name", "street", "postal_code", "town",
                    "email", "phone", "birth_year", "joined_on", "updated_on", "consent",
                    "consent_date", "channel"]  # fmt: skip
PEOPLE = [
    ["L10024684", "Eeva-Liisa", "Mäkinen", "Hämeentie 12 B 7", "00530", "Helsinki",
     "eeva.makinen@example.fi", "040 123 4567", "1961", "2017-12-04", "2024-03-01", "yes",
     "2024-03-01", "email"],
    ["L99000001", "Eeva-Liisa", "Makinen", "Hämeentie 12 B 7", "00530", "Helsinki",
     "eevaliisa.m@example.com", "+358 40 1234567", "1961", "2021-05-17", "", "", "", ""],
    ["L99000002", "Tuomas", "Heikkilä", "Pyynikintie 3", "33230", "Tampere",
     "tuomas.heikkila@example.fi", "0501112223", "1988", "2019-01-10", "2019-01-10", "no", "",
     "sms"],
    ["", "Kerttu", "Vainikainen", "Kuusikuja 9", "96100", "Rovaniemi", "kerttu@example.org",
     "045 987 6543", "1975", "2020-06-01", "2023-06-01", "yes", "2023-06-01", "post"],
]  # fmt: skip


@pytest.fixture(scope="module")
def handmade_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register with names, streets, emails, phones, a Mäkinen/Makinen pair and a blank
    member id."""
    path = tmp_path_factory.mktemp("register") / "register.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([REGISTER_COLUMNS, *PEOPLE])
    return path


def _personal(path: Path) -> dict[str, set[str]]:
    """The personal values of a file, by column: ids, names, streets, emails, phones, postal
    codes."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    wanted = ["member_id", "customer_id", "first_name", "last_name", "street", "email", "phone",
              "postal_code"]  # fmt: skip
    return {c: {v for v in frame[c] if v.strip()} for c in wanted if c in frame.columns}


def _run(args: list[str], env: dict[str, str] | None = None):
    result = CliRunner().invoke(kori, args, env={"KORI_SECRET": ENV_SECRET, **(env or {})})
    return result


def _no_personal_value(personal: dict[str, set[str]], output: bytes, stderr: str) -> None:
    rows = list(csv.reader(io.StringIO(output.decode("utf-8"), newline="")))
    header = rows[0]
    assert not {"first_name", "last_name", "street", "email", "phone"} & set(header), header
    town = header.index("town") if "town" in header else None
    cells = {cell for row in rows[1:] for i, cell in enumerate(row) if i != town}
    # A surname may be a town (Salo, Lahti): look for names everywhere but in the towns.
    text = "\n".join(",".join(c for i, c in enumerate(row) if i != town) for row in rows)
    for column, values in personal.items():
        if column == "postal_code":  # a faulty 3-digit code is its own postal area
            values = {v for v in values if len(v.strip()) > 3}
        assert not values & cells, f"a {column} value in the output"
        for value in values:
            # Whole cells above; long values (streets, emails, phones) inside any cell too.
            if column not in ("member_id", "customer_id", "postal_code") and len(value) >= 8:
                assert value not in text, f"a {column} value in the output"
            if column != "postal_code":
                assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", stderr), column
    if "postal_code" in header:
        column = header.index("postal_code")
        assert all(len(row[column]) <= 3 for row in rows[1:])


# --------------------------------------------------------------------------- library


def test_ids_become_keyed_hashes_and_blank_ids_stay_blank():
    table = pd.DataFrame({"customer_id": ["L1", "L2", "L1", "", "  "], "amount": list("abcde")})
    result = pseudonymise(table, secret=SECRET)
    ids = result.table["customer_id"].tolist()
    assert ids[0] == ids[2] == pseudonym(SECRET, "L1") and ids[1] == pseudonym(SECRET, "L2")
    assert all(TOKEN.match(i) for i in ids[:3]) and ids[0] != ids[1]
    assert ids[3:] == ["", "  "]  # not one shared pseudonym for every missing card
    assert result.ids == {"customer_id": 2} and result.blanks == {"customer_id": 2}
    assert result.table["amount"].tolist() == list("abcde")


def test_the_pseudonym_is_the_hmac_of_the_brief():
    import hashlib
    import hmac

    want = "P" + hmac.new(SECRET, b"L10024684", hashlib.sha256).hexdigest()[:16]
    assert pseudonym(SECRET, "L10024684") == want


def test_personal_fields_are_dropped_and_postal_codes_cut():
    table = pd.DataFrame([dict(zip(REGISTER_COLUMNS, row)) for row in PEOPLE])
    result = pseudonymise(table, secret=SECRET)
    assert set(result.dropped) == {"first_name", "last_name", "street", "email", "phone"}
    assert result.table["postal_code"].tolist() == ["005", "005", "332", "961"]
    assert result.table["town"].tolist() == ["Helsinki", "Helsinki", "Tampere", "Rovaniemi"]
    assert list(result.table.columns) == ["member_id", "postal_code", "town", "birth_year",
                                          "joined_on", "updated_on", "consent", "consent_date",
                                          "channel"]  # fmt: skip
    kept = pseudonymise(table, secret=SECRET, keep=["postal_code", "email"], drop=["town"])
    assert kept.table["postal_code"].tolist() == ["00530", "00530", "33230", "96100"]
    assert "email" in kept.table and "town" not in kept.table and kept.kept == ("postal_code",
                                                                                "email")


def test_the_summary_counts_and_names_no_value():
    table = pd.DataFrame([dict(zip(REGISTER_COLUMNS, row)) for row in PEOPLE])
    lines = pseudonymise(table, secret=SECRET, source="register.csv").summary()
    assert lines[0] == "register.csv: 4 rows pseudonymised"
    assert "3 distinct ids" in lines[1] and "1 blank" in lines[1]
    text = "\n".join(lines)
    for row in PEOPLE:
        for value in row[:8]:
            assert not value or value not in text.split(), value
    assert SECRET.decode() not in text and SECRET.decode() not in repr(
        pseudonymise(table, secret=SECRET))


def test_several_id_columns_and_named_columns():
    table = pd.DataFrame({"Member_number": ["1000", "1001"], "customer_id": ["1000", "x"]})
    both = pseudonymise(table, secret=SECRET)
    assert both.table["Member_number"][0] == both.table["customer_id"][0]  # joins still join
    one = pseudonymise(table, secret=SECRET, columns=["customer_id"])
    assert one.table["Member_number"].tolist() == ["1000", "1001"]


@pytest.mark.parametrize("kwargs, error, fragment", [
    ({"secret": b"short"}, ParameterError, "shorter than 16 bytes"),
    ({"secret": "a text, not bytes at all"}, ParameterError, "must be bytes"),
    ({"secret": SECRET, "columns": ["nosuch"]}, SchemaError, "no column 'nosuch'.*`columns`"),
    ({"secret": SECRET, "keep": ["nosuch"]}, SchemaError, "`keep`"),
    ({"secret": SECRET, "keep": ["customer_id"]}, ParameterError, "both hashed and kept"),
])  # fmt: skip
def test_refusals(kwargs, error, fragment):
    table = pd.DataFrame({"customer_id": ["L1"], "store": ["HKI"]})
    with pytest.raises(error, match=fragment):
        pseudonymise(table, **kwargs)


def test_a_table_without_an_id_column_is_refused():
    with pytest.raises(SchemaError, match="no id column.*found: store.*`columns`"):
        pseudonymise(pd.DataFrame({"store": ["HKI"]}), secret=SECRET)


def test_load_secret_from_a_file_or_a_variable(tmp_path: Path):
    path = tmp_path / "kori.key"
    path.write_bytes(SECRET + b"\n")
    assert load_secret(path) == SECRET
    assert load_secret(env="MY_KEY", environ={"MY_KEY": ENV_SECRET}) == ENV_SECRET.encode()
    assert load_secret(environ={"KORI_SECRET": ENV_SECRET}) == ENV_SECRET.encode()
    with pytest.raises(ParameterError, match="environment variable MY_KEY: not set"):
        load_secret(env="MY_KEY", environ={})
    with pytest.raises(ParameterError, match="both"):
        load_secret(path, env="MY_KEY")
    short = tmp_path / "short.key"
    short.write_bytes(b"tiny-secret\n")
    with pytest.raises(ParameterError, match=f"secret file {re.escape(str(short))}") as caught:
        load_secret(short)
    assert "tiny-secret" not in str(caught.value)
    with pytest.raises(ParameterError, match="environment variable X") as caught:
        load_secret(env="X", environ={"X": "tiny-secret"})
    assert "tiny-secret" not in str(caught.value)


# --------------------------------------------------------------------------- command line


@pytest.mark.parametrize("name", ["loyalty_visits.csv", "loyalty.csv", "customers.csv",
                                  "register.csv", "handmade"])  # fmt: skip
def test_no_personal_value_in_the_output_or_on_stderr(name, sample_dir: Path,
                                                      handmade_register: Path, tmp_path: Path):  # fmt: skip
    source = handmade_register if name == "handmade" else sample_dir / name
    if not source.exists():
        pytest.skip(f"kori sample writes no {name} yet")
    out = tmp_path / "out.csv"
    result = _run(["customers", "register", "pseudonymise", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    _no_personal_value(_personal(source), out.read_bytes(), result.stderr)
    assert ENV_SECRET not in result.stderr and ENV_SECRET.encode() not in out.read_bytes()
    assert "rows pseudonymised" in result.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    original = pd.read_csv(source, dtype=str, keep_default_na=False)
    assert len(frame) == len(original)
    for column in {"member_id", "customer_id"} & set(frame.columns):
        filled = frame[column][original[column].str.strip() != ""]
        assert filled.str.match(TOKEN.pattern).all()


def test_same_secret_same_ids_another_secret_none_in_common(sample_dir: Path, tmp_path: Path):
    key, other = tmp_path / "a.key", tmp_path / "b.key"
    key.write_bytes(SECRET)
    other.write_bytes(OTHER)
    ids = {}
    for label, secret_args in [("first", ["--secret-file", str(key)]),
                               ("again", ["--secret-env", "A_KEY"]),
                               ("other", ["--secret-file", str(other)])]:  # fmt: skip
        out = tmp_path / f"{label}.csv"
        result = _run(["customers", "register", "pseudonymise",
                       str(sample_dir / "customers.csv"), *secret_args, "-o", str(out)],
                      env={"A_KEY": SECRET.decode()})  # fmt: skip
        assert result.exit_code == 0, result.output
        ids[label] = pd.read_csv(out, dtype=str)["customer_id"]
    assert ids["first"].equals(ids["again"])
    assert not set(ids["first"]) & set(ids["other"])


@pytest.mark.parametrize("args, env, code, fragment", [
    (["--secret-file", "{d}/missing.key"], {}, 2, r"missing\.key"),
    ([], {"KORI_SECRET": ""}, 2, "environment variable KORI_SECRET: not set"),
    (["--secret-env", "NOT_SET_HERE"], {}, 2, "environment variable NOT_SET_HERE: not set"),
    (["--secret-file", "{d}/short.key"], {}, 2, r"short\.key.*shorter than 16 bytes"),
    (["--secret-env", "SHORT"], {"SHORT": "tiny-secret"}, 2, "SHORT.*shorter than 16 bytes"),
    (["--secret-file", "{d}/short.key", "--secret-env", "SHORT"], {"SHORT": "tiny-secret"}, 2,
     "both"),
    (["--columns", "nosuch"], {}, 1, "no column 'nosuch'.*--columns"),
])  # fmt: skip
def test_a_missing_or_short_secret_is_one_error_line(args, env, code, fragment,
                                                     sample_dir: Path, tmp_path: Path):  # fmt: skip
    (tmp_path / "short.key").write_bytes(b"tiny-secret\n")
    args = [a.replace("{d}", str(tmp_path)) for a in args]
    result = _run(["customers", "register", "pseudonymise", str(sample_dir / "loyalty.csv"),
                   *args, "-o", str(tmp_path / "out.csv")], env=env)  # fmt: skip
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    assert re.search(fragment, errors[0]), errors[0]
    assert "Traceback" not in result.stderr
    assert "tiny-secret" not in result.stderr and ENV_SECRET not in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_secret_is_in_no_debug_traceback(sample_dir: Path, tmp_path: Path):
    """Errors after the secret was read, with --debug: a library error raised where the secret
    is an argument, and a write that fails (/dev/full)."""
    env = {**os.environ, "KORI_SECRET": ENV_SECRET}
    visits = str(sample_dir / "loyalty.csv")
    done = subprocess.run([str(KORI_BIN), "--debug", "customers", "register", "pseudonymise",
                           visits, "--columns", "nosuch"], capture_output=True, check=False, env=env,
                          timeout=120)  # fmt: skip
    stderr = done.stderr.decode()
    assert done.returncode != 0 and "Traceback" in stderr and "SchemaError" in stderr, stderr
    assert ENV_SECRET not in stderr and ENV_SECRET not in done.stdout.decode()
    if os.path.exists("/dev/full"):
        result = _run(["--debug", "customers", "register", "pseudonymise", visits,
                       "-o", "/dev/full", "-f", "csv"])  # fmt: skip
        assert result.exit_code == 1 and "/dev/full: cannot write" in result.stderr
        assert ENV_SECRET not in result.stderr + result.stdout


def test_the_secret_is_in_no_frame_of_a_traceback_with_locals(sample_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):  # fmt: skip
    """Even a traceback that shows every frame's local variables (rich, IDE debuggers) shows
    no secret when the failure comes after the pseudonymisation: no frame keeps it."""
    import cli

    def fail(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "write_table", fail)
    result = _run(["--debug", "customers", "register", "pseudonymise",
                   str(sample_dir / "customers.csv"), "-o", str(tmp_path / "out.csv")])  # fmt: skip
    assert isinstance(result.exception, RuntimeError)
    # Leave out the frame of the test runner itself: it holds the environment it was given.
    tb = result.exc_info[2]
    while tb is not None and tb.tb_frame.f_code.co_filename.endswith(("click/testing.py",)):
        tb = tb.tb_next
    error = result.exception
    text = "".join(traceback.TracebackException(type(error), error, tb,
                                                capture_locals=True).format())  # fmt: skip
    assert "disk on fire" in text and "customers_register_pseudonymise" in text
    assert ENV_SECRET not in text and repr(ENV_SECRET.encode()) not in text


def _run_on(path: Path, command: str, out: Path) -> tuple[pd.DataFrame, list[str]]:
    """The table (by customer) and the summary lines of ``kori customers COMMAND PATH``."""
    result = _run(["customers", command, str(path), "--as-of", "2025-11-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    if not frame["customer_id"].str.startswith("P").all():  # the originals: their pseudonyms
        frame["customer_id"] = [pseudonym(ENV_SECRET.encode(), v) for v in frame["customer_id"]]
    return frame.set_index("customer_id").sort_index(), result.stderr.splitlines()


@pytest.mark.slow  # 6 to 10 s: next and segments, each on the visits and on their extract
def test_segments_and_next_give_the_same_figures_on_the_extract(sample_dir: Path,
                                                                tmp_path: Path):  # fmt: skip
    visits = sample_dir / "loyalty_visits.csv"
    extract = tmp_path / "visits_p.csv"
    assert _run(["-q", "customers", "register", "pseudonymise", str(visits),
                 "-o", str(extract)]).exit_code == 0  # fmt: skip

    # next: the same summary, the same customers lapsed, the same figures per customer
    (before, said), (after, again) = (_run_on(path, "next", tmp_path / f"next_{n}.csv")
                                      for n, path in enumerate((visits, extract)))  # fmt: skip
    assert said == again and any("lapsed" in line for line in said)
    assert before.index.equals(after.index)
    assert (before["lapsed"] == "True").sum() == (after["lapsed"] == "True").sum() > 0
    assert before["lapsed"].equals(after["lapsed"]) and before["p_alive"].equals(after["p_alive"])
    spend = before["expected_spend"].astype(float) / after["expected_spend"].astype(float)
    assert (spend - 1).abs().max() < 1e-3  # the Gamma-Gamma optimiser sums in another order

    # segments: the same habits, RFM scores and segments per customer and the same base by
    # year (k-means takes the customers in the order of their habits, not of their ids).
    (before, said), (after, again) = (_run_on(path, "segments", tmp_path / f"seg_{n}.csv")
                                      for n, path in enumerate((visits, extract)))  # fmt: skip
    habits = ["r", "f", "m", "rfm", "recency_days", "frequency", "spend", "first_visit",
              "last_visit", "main_store"]  # fmt: skip
    assert before.index.equals(after.index) and before[habits].equals(after[habits])
    assert before["segment_name"].equals(after["segment_name"])
    assert said == again
    years = [[line for line in lines if line.startswith("year to")] for lines in (said, again)]
    assert years[0] == years[1] and len(years[0]) == 3
    assert said[0] == again[0]  # customers in segments


def test_the_options_keep_drop_and_read_stdin(handmade_register: Path):
    result = CliRunner().invoke(kori, ["customers", "register", "pseudonymise", "-", "--keep",
                                       "postal_code", "--drop", "town,birth_year"],
                                input=handmade_register.read_bytes(),
                                env={"KORI_SECRET": ENV_SECRET})  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["member_id", "postal_code", "joined_on", "updated_on",
                                   "consent", "consent_date", "channel"]  # fmt: skip
    assert frame["postal_code"].tolist() == ["00530", "00530", "33230", "96100"]
    assert "<stdin>: 4 rows pseudonymised" in result.stderr
    assert "kept as asked (personal data stays in the extract): postal_code" in result.stderr
