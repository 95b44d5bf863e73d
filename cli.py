"""``kori``: the command line over :mod:`basket` and :mod:`forecasting`.

Thin by design: each command parses its options, reads its files, calls one library function
and writes the result. Data goes to stdout (or ``-o FILE``); summaries, warnings and progress go
to stderr. Errors raised on purpose by the library become one ``Error:`` line and exit code 1;
usage errors exit 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from basket.errors import BasketError
from basket.errors import ParameterError as BasketParameterError
from forecasting.errors import ForecastError
from forecasting.errors import ParameterError as ForecastParameterError

if TYPE_CHECKING:
    import pandas as pd

INPUT_FORMATS = ("csv", "jsonl", "json", "parquet")
OUTPUT_FORMATS = ("csv", "json", "jsonl", "parquet", "table")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_COMPRESSION = (".gz", ".bz2", ".xz")
_TABLE_ROWS = 200  # rows shown by -f table; the rest is for -f csv


class DataError(click.ClickException):
    """A problem with the data or an input file: one ``Error:`` line and exit code 1."""

    exit_code = 1


class ParameterProblem(click.ClickException):
    """A parameter the library refused (out of range, unknown): one ``Error:`` line, exit 2."""

    exit_code = 2


@dataclass
class Settings:
    """Options of the root command, shared by every subcommand."""

    debug: bool = False
    quiet: bool = False

    def info(self, message: str) -> None:
        """Tell the user something on stderr, unless ``-q``."""
        if not self.quiet:
            click.echo(message, err=True)


class _Kori(click.Group):
    """The root group: turns library errors into one line, unless ``--debug``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except (BasketError, ForecastError) as exc:
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, (BasketParameterError, ForecastParameterError)):
                raise ParameterProblem(str(exc)) from None
            raise DataError(str(exc)) from None
        except Exception as exc:  # a bug: say so in one line, with the way to see more
            if ctx.params.get("debug"):
                raise
            raise DataError(
                f"internal error: {type(exc).__name__}: {exc}. Rerun with --debug for the "
                "traceback and report it"
            ) from None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kori")
    except PackageNotFoundError:
        return "unknown"


@click.group(cls=_Kori, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", "-V", prog_name="kori")
@click.option("--debug", is_flag=True, help="Show the full traceback of errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summaries on stderr.")
@click.pass_context
def kori(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Grocery retail analytics: cross-sell rules, demand forecasts and plans.

    Data goes to stdout or -o FILE; everything else to stderr. Try `kori demo` for a tour on a
    simulated Finnish store, or `kori sample DIR` for its data files.
    """
    ctx.obj = Settings(debug=debug, quiet=quiet)


# --------------------------------------------------------------------------- reading and writing


def _debugging() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("debug"))


def input_format(path: str, given: str | None) -> str:
    """The format of an input file: ``given``, else from the extension (``-`` is CSV)."""
    if given:
        return given
    if path == "-":
        return "csv"
    fmt = _format_of(path)
    if fmt is None:
        raise DataError(
            f"{path}: cannot tell the format from the extension (known: "
            f"{', '.join(sorted(_EXTENSIONS))}, optionally .gz). "
            f"Pass --input-format {'|'.join(INPUT_FORMATS)}"
        )
    return fmt


def _format_of(path: str) -> str | None:
    name = path.lower()
    for suffix in _COMPRESSION:
        name = name.removesuffix(suffix)
    return _EXTENSIONS.get(os.path.splitext(name)[1])


def read_table(path: str, fmt: str | None = None) -> tuple[pd.DataFrame, int]:
    """Read a data file as text columns (CSV, JSON) or typed columns (Parquet).

    Returns the frame and the line number of its first row (2 for CSV with a header), so that
    problems can be reported by line. ``-`` reads stdin. The CSV delimiter (comma, semicolon,
    tab or bar) is taken from the header line.
    """
    import pandas as pd

    fmt = input_format(path, fmt)
    label = "<stdin>" if path == "-" else path
    try:
        if fmt == "parquet":
            return pd.read_parquet(sys.stdin.buffer if path == "-" else path), 1
        if fmt != "csv":
            with _open_text(path) as handle:
                text = handle.read()
            _refuse_empty(text, path, label)
            return _read_json(text, label, lines=fmt == "jsonl"), 1
        with _open_text(path) as handle:
            # stdin cannot be read twice: keep it; a file is opened again for pandas.
            source: Any = io.StringIO(handle.read()) if path == "-" else None
            header = source.readline() if source else handle.readline()
        _refuse_empty(header, path, label)
        sep = max(",;\t|", key=header.count)
        if source:
            source.seek(0)
        with source or _open_text(path) as handle:
            frame = pd.read_csv(handle, sep=sep, dtype=str, keep_default_na=False)
        if not isinstance(frame.index, pd.RangeIndex):
            # pandas takes extra fields on the first row as an index and shifts every column.
            raise DataError(
                f"{label}: not a readable CSV file (line 2 has more fields than the header's "
                f"{len(frame.columns)}). Check the delimiter and the quoting of that line"
            )
        return frame, 2
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        if _debugging():
            raise
        raise DataError(
            f"{label}: not UTF-8 text (byte {exc.start}: {exc.object[exc.start:exc.start + 1]!r})."
            " Save it as UTF-8 (in Excel: CSV UTF-8)"
        ) from None
    except pd.errors.ParserError as exc:
        if _debugging():
            raise
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        where = (
            f"line {found[2]} has {found[3]} fields, the header {found[1]}"
            if found
            else str(exc).strip()
        )
        raise DataError(
            f"{label}: not a readable CSV file ({where}). Check the delimiter and the quoting "
            "of that line"
        ) from None
    except (ValueError, OSError) as exc:
        if _debugging():
            raise
        raise DataError(
            f"{label}: cannot read it as {fmt} ({str(exc).splitlines()[0]}). Check the file, or "
            "give its format with --input-format"
        ) from None


def _refuse_empty(text: str, path: str, label: str) -> None:
    if not text.strip():
        where = "nothing came on stdin" if path == "-" else "no header, no rows"
        raise DataError(f"{label}: the file is empty ({where}). Check the path or the export")


def _read_json(text: str, label: str, *, lines: bool) -> pd.DataFrame:
    """JSON Lines or a JSON array of records, values as written (no guessing of dates)."""
    import json

    import pandas as pd

    number = 0
    try:
        if lines:
            records = []
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    records.append(json.loads(line))
        else:
            records = json.loads(text)
    except json.JSONDecodeError as exc:
        line = number if lines else exc.lineno
        raise DataError(f"{label}: not valid JSON (line {line}: {exc.msg}). Fix that line") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(
            f"{label}: not a list of records. Write one JSON object per record"
            + (" and line" if lines else ", in an array: [{...}, {...}]")
        )
    return pd.DataFrame.from_records(records)


def _open_text(path: str) -> Any:
    """A text handle on a file (decompressed by its extension) or on stdin."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    opener: Callable[..., Any] = open
    name = path.lower()
    if name.endswith(".gz"):
        import gzip

        opener = gzip.open
    elif name.endswith(".bz2"):
        import bz2

        opener = bz2.open
    elif name.endswith(".xz"):
        import lzma

        opener = lzma.open
    return opener(path, "rt", encoding="utf-8-sig", newline="")


def output_format(output: str | None, given: str | None, default: str = "csv") -> str:
    """The output format: ``given``, else from the extension of ``output``.

    Without either, stdout gets ``default`` on a terminal and CSV in a pipe or a file, and a
    file with an unknown extension gets CSV.
    """
    if given:
        return given
    if output and output != "-":
        return _format_of(output) or "csv"
    return default if sys.stdout.isatty() else "csv"


def write_table(frame: pd.DataFrame, output: str | None, fmt: str | None, default: str = "csv") -> None:
    """Write a table to ``output`` (atomically) or to stdout, in the format asked for."""
    fmt = output_format(output, fmt, default)
    to_stdout = output in (None, "-")
    if fmt == "table":
        if not to_stdout:
            raise click.UsageError("-f table is for the terminal; write files as csv, json, "
                                   "jsonl or parquet")  # fmt: skip
        _print_table(frame)
        return
    if fmt == "parquet" and to_stdout and sys.stdout.isatty():
        raise click.UsageError("Parquet is binary: write it to a file with -o FILE.parquet")
    sep = "\t" if output and output.lower().removesuffix(".gz").endswith(".tsv") else ","
    if to_stdout:
        stream = sys.stdout.buffer if fmt == "parquet" else sys.stdout
        _serialise(frame, stream, fmt, sep)
        stream.flush()
    else:
        atomic_write(Path(output), lambda path: _serialise(frame, path, fmt, sep))


def _serialise(frame: pd.DataFrame, target: Any, fmt: str, sep: str = ",") -> None:
    if fmt == "csv":
        frame.to_csv(target, index=False, sep=sep, lineterminator="\n")
    elif fmt == "parquet":
        frame.to_parquet(target, index=False)
    else:
        _jsonable(frame).to_json(target, orient="records", lines=fmt == "jsonl", force_ascii=False)


def _jsonable(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``YYYY-MM-DD`` and times as ``YYYY-MM-DDTHH:MM:SS`` rather than epoch numbers."""
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            dated = bool((column.dropna() == column.dropna().dt.normalize()).all())
            out[name] = column.dt.strftime("%Y-%m-%d" if dated else "%Y-%m-%dT%H:%M:%S")
    return out


def _print_table(frame: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for name in frame.columns:
        table.add_column(str(name), overflow="fold")
    for row in frame.head(_TABLE_ROWS).itertuples(index=False):
        table.add_row(*("" if value is None else str(value) for value in row))
    Console(file=sys.stdout, soft_wrap=False).print(table)
    if len(frame) > _TABLE_ROWS:
        click.echo(f"showing {_TABLE_ROWS} of {len(frame):,} rows; use -f csv for all", err=True)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file through a temporary file in the same folder, then rename it into place.

    A reader never sees a half-written file, and a failed write leaves the old file as it was.
    The folder must exist.
    """
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        os.close(handle)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror}). Check the folder") from None
    try:
        write(Path(temporary))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror}). Check the folder") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def output_options(default: str = "csv") -> Callable:
    """``-o/--output`` and ``-f/--format`` for commands that write a table."""

    def decorate(command: Callable) -> Callable:
        command = click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(OUTPUT_FORMATS),
            help=f"Output format; from the -o extension when not given, else {default}.",
        )(command)
        return click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=False, allow_dash=True),
            help="Write to this file (atomically) instead of stdout.",
        )(command)

    return decorate


# --------------------------------------------------------------------------- groups


@kori.group()
def rules() -> None:
    """Cross-sell rules from receipts: what sells together, and whether it is real."""


@kori.group()
def forecast() -> None:
    """Demand forecasts per product and store, with Finnish holidays and weather."""


@kori.group()
def plan() -> None:
    """Orders, staff hours and freezer space from forecasts."""


@kori.group()
def data() -> None:
    """Check the data files kori reads."""


# --------------------------------------------------------------------------- data


_COLUMN_FLAGS = {
    "receipt_id": ("--receipt-col",),
    "timestamp": ("--timestamp-col",),
    "date": ("--date-col",),
    "store": ("--store-col",),
    "sku": ("--sku-col", "--item-col"),
    "quantity": ("--quantity-col", "--qty-col"),
    "temperature_c": ("--temperature-col",),
    "precipitation_mm": ("--precipitation-col",),
}


def column_options(command: Callable) -> Callable:
    """Options that name the columns of an input file, when they differ from kori's."""
    for canonical, flags in reversed(_COLUMN_FLAGS.items()):
        command = click.option(
            *flags,
            f"col_{canonical}",
            metavar="NAME",
            help=f"Column holding {canonical.replace('_', ' ')} (default: {canonical}).",
        )(command)
    return click.option(
        "--col",
        "col_pairs",
        multiple=True,
        metavar="KORI=FILE",
        help="Map any other column, e.g. --col pack_size=case_qty (repeatable).",
    )(command)


def column_mapping(params: dict[str, Any]) -> dict[str, str]:
    """The ``{canonical: name in file}`` mapping from :func:`column_options`' values."""
    mapping = {
        key.removeprefix("col_"): value
        for key, value in params.items()
        if key.startswith("col_") and key != "col_pairs" and value
    }
    for pair in params.get("col_pairs", ()):
        canonical, sep, actual = pair.partition("=")
        if not sep or not canonical or not actual:
            raise click.BadParameter(f"{pair!r} is not KORI=FILE, e.g. pack_size=case_qty",
                                     param_hint="--col")  # fmt: skip
        mapping[canonical.strip()] = actual.strip()
    return mapping


@data.command("validate")
@click.argument(
    "kind", type=click.Choice(["receipts", "sales", "weather", "catalog", "traffic"])
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of FILE.")
@click.option("--date-format", metavar="FMT", help="strftime format of dates, e.g. %d.%m.%Y.")
@column_options
@output_options(default="table")
@click.pass_obj
def data_validate(
    settings: Settings,
    kind: str,
    file: str,
    input_format: str | None,
    date_format: str | None,
    output: str | None,
    fmt: str | None,
    **columns: Any,
) -> None:
    """Check a KIND of data FILE and report every problem in it.

    KIND is receipts, sales, weather, catalog or traffic. Problems are listed on stdout (one row
    each: severity, check, column, count, first lines, message); the exit code is 1 when any of
    them is an error. Warnings (gaps, returns, repeated receipt lines) do not fail the file.

    \b
    Examples:
      kori data validate sales sales.csv
      kori data validate sales my_sales.csv --date-col day --sku-col item --qty-col units
      kori data validate receipts receipts.parquet -f json
    """
    from forecasting.validation import validate_table

    frame, first_line = read_table(file, input_format)
    label = "<stdin>" if file == "-" else file
    report = validate_table(
        frame,
        kind,
        source=label,
        columns=column_mapping(columns),
        date_format=date_format,
        first_line=first_line,
    )
    if report.problems or output or fmt not in (None, "table"):
        write_table(report.to_frame(), output, fmt, default="table")
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        listed = "above" if output in (None, "-") else f"in {output}"
        more = f"; {errors - 1} more error{'s' if errors > 2 else ''} listed {listed}"
        raise DataError(f"{label}: {report.errors[0].message}{more if errors > 1 else ''}")
    notes = len(report.notes)
    settings.info(
        f"{label}: valid {kind} file, {report.rows:,} rows, {warnings} "
        f"warning{'s' if warnings != 1 else ''}, {notes} note{'s' if notes != 1 else ''}"
    )


# --------------------------------------------------------------------------- sample and demo


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-11-30") from None


def _write_sample(outdir: Path, settings: Settings, **kwargs: Any) -> dict[str, Path]:
    from forecasting.sample import simulate_store

    sample = simulate_store(**kwargs)
    written: dict[str, Path] = {}
    outdir.mkdir(parents=True, exist_ok=True)
    width = len(str(outdir / "receipts.csv"))
    for name, frame in sample.tables().items():
        if frame.empty:  # no receipt weeks asked for: no receipts file rather than an empty one
            settings.info(f"  {str(outdir / name):<{width}}  not written (no rows)")
            continue
        path = outdir / name
        atomic_write(path, lambda target, frame=frame: _serialise(frame, target, "csv"))
        written[name] = path
        settings.info(f"  {str(path):<{width}}  {len(frame):>9,} rows")
    toml_path = outdir / "store.toml"
    atomic_write(toml_path, lambda target: target.write_text(sample.store_toml(), encoding="utf-8"))
    written["store.toml"] = toml_path
    settings.info(f"  {str(toml_path):<{width}}  {len(sample.stores):>9} stores")
    return written


def sample_options(command: Callable) -> Callable:
    """Options of the simulated store, shared by ``kori sample`` and ``kori demo``."""
    options = [
        click.option("--seed", type=click.IntRange(0), default=1, show_default=True,
                     help="Random seed."),
        click.option(
            "--years", type=click.IntRange(1, 20), default=3, show_default=True,
            help="Years of daily sales history.",
        ),
        click.option(
            "--end", callback=_date, metavar="DATE",
            help="Last day of the history.  [default: 2025-11-30]",
        ),
        click.option(
            "--receipt-weeks", type=click.IntRange(0), default=12, show_default=True,
            help="Weeks at the end of the history that get receipts.",
        ),
        click.option(
            "--forecast-days", type=click.IntRange(0), default=14, show_default=True,
            help="Days of weather forecast after the history.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _sample_kwargs(seed: int, years: int, end: Any, receipt_weeks: int, forecast_days: int) -> dict:
    from forecasting.sample import DEFAULT_END

    return {
        "seed": seed,
        "years": years,
        "end": end or DEFAULT_END,
        "receipt_weeks": receipt_weeks,
        "forecast_days": forecast_days,
    }


@kori.command()
@click.argument("outdir", type=click.Path(file_okay=False))
@sample_options
@click.pass_obj
def sample(settings: Settings, outdir: str, **options: Any) -> None:
    """Write the data of a simulated Finnish supermarket to OUTDIR.

    Two stores (Helsinki and Tampere), about 150 products, daily sales, receipts of the last
    weeks, weather with a 14-day forecast, hourly customers and a store configuration, all from
    one simulation: the same seed gives byte-identical files. Known truths are planted in it
    (see the README): salmon sells with dill and coarse salt, ice cream with warm weather, ham
    before Christmas; stores close on some public holidays.

    \b
    Examples:
      kori sample data/
      kori sample data/ --seed 7 --years 2 --end 2024-06-30
    """
    kwargs = _sample_kwargs(**options)
    settings.info(
        f"Simulating {kwargs['years']} year{'s' if kwargs['years'] > 1 else ''} of a Finnish "
        f"supermarket up to {kwargs['end']} "
        f"(seed {kwargs['seed']}) into {outdir}/"
    )
    _write_sample(Path(outdir), settings, **kwargs)


@kori.command()
@click.argument("outdir", type=click.Path(file_okay=False), default="kori-demo")
@sample_options
@click.pass_obj
def demo(settings: Settings, outdir: str, **options: Any) -> None:
    """Run everything kori can do on the simulated store, writing into OUTDIR.

    Needs no input files: it simulates the sample store (as `kori sample` does), checks every
    file as `kori data validate` would, and reports what it wrote. OUTDIR defaults to
    ./kori-demo.
    """
    from forecasting.validation import validate_table

    kwargs = _sample_kwargs(**options)
    folder = Path(outdir)
    settings.info(f"1. Simulating the sample store (seed {kwargs['seed']}) into {folder}/")
    written = _write_sample(folder, settings, **kwargs)
    settings.info("2. Validating the files")
    for name, path in written.items():
        if not name.endswith(".csv"):
            continue
        frame, first_line = read_table(str(path))
        report = validate_table(frame, name.removesuffix(".csv"), source=str(path),
                                first_line=first_line)  # fmt: skip
        report.raise_for_errors()
        settings.info(
            f"  {path}: valid, {len(report.warnings)} warnings, {len(report.notes)} notes"
            + "".join(f"\n    note: {note.message}" for note in report.notes)
        )
    settings.info(f"Done. Try: kori data validate sales {folder / 'sales.csv'}")


def main() -> None:
    """Entry point of the ``kori`` console script (and of ``python -m cli``).

    Click stops quietly when the reader of stdout goes away (``kori ... | head``).
    """
    kori.main(prog_name="kori")


if __name__ == "__main__":
    main()
