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
import signal
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from basket.errors import BasketError
from basket.errors import ParameterError as BasketParameterError
from customers.errors import CustomerError
from customers.errors import ParameterError as CustomerParameterError
from forecasting.errors import ForecastError
from forecasting.errors import ParameterError as ForecastParameterError

if TYPE_CHECKING:
    import pandas as pd

_MODELS = ("regression", "gbm", "naive", "ets", "stl", "sarimax", "prophet", "slow")


class DataError(click.ClickException):
    """A problem with the data or an input file: one ``Error:`` line and exit code 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


class ParameterProblem(click.ClickException):
    """A parameter the library refused (out of range, unknown): one ``Error:`` line, exit 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), never sent raw.

    Labels come from data files: an escape sequence in an item name must not recolour, retitle
    or clear the user's terminal, and a line break must not split an ``Error:`` line in two.
    """
    text = _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)
    return text if keep_newlines else text.replace("\n", "\\n")


@dataclass
class Settings:
    """Options of the root command, shared by every subcommand (``--debug`` is read from the
    root context where an error is handled)."""

    quiet: bool = False

    def info(self, message: str) -> None:
        """Tell the user something on stderr, unless ``-q``."""
        if not self.quiet:
            context = click.get_current_context(silent=True)
            message = as_flags(message, context.command if context else None)
            click.echo(printable(message, keep_newlines=True), err=True)


class _Command(click.Command):
    """A command whose input and output paths are checked before it does any work, whose
    single-value options may be given once only (Click would keep the last one silently), and
    whose library errors read in its own option names."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = _renamed_options(self, args)
        _refuse_repeated_options(self, ctx, args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        check_paths(ctx)
        try:
            return super().invoke(ctx)
        except (BasketError, ForecastError, CustomerError) as exc:
            if _debugging():
                raise
            message = as_flags(str(exc), self)
            if isinstance(exc, (BasketParameterError, ForecastParameterError,
                                CustomerParameterError)):
                raise ParameterProblem(message) from None
            raise DataError(message) from None


# --------------------------------------------------------------------------- parameters as flags
# Library messages name the parameters of the Python functions in backticks: `top`,
# `min_support=0.01`, `columns={'date': 'day'}`. On the command line they read as the options
# that set them, found from the commands' own declarations (an option's Python name is the
# library's parameter name), so there is no second table to keep in step.

_PARAMETER = re.compile(r"`([A-Za-z_]\w*)(?:=([^`]*))?`")
_COLUMN_PAIR = re.compile(r"""\{\s*['"]([^'"]+)['"]\s*:\s*['"]([^'"]*)['"]\s*\}""")


def as_flags(text: str, command: click.Command | None = None) -> str:
    """``text`` with each `parameter` and `parameter=value` written as the option that sets it.

    The option is looked up among ``command``'s parameters first, then among every command's;
    a name no command takes is left as it is.
    """
    return _PARAMETER.sub(lambda match: _flag_of(match, command), text)


def _flag_of(match: re.Match[str], command: click.Command | None) -> str:
    import ast
    import shlex

    name, value = match[1], match[2]
    if name == "columns" and value is not None and (pair := _COLUMN_PAIR.fullmatch(value.strip())):
        canonical, actual = pair[1], pair[2]
        option = _parameter(f"col_{canonical}", command)
        if isinstance(option, click.Option):
            return f"{option.opts[0]} {shlex.quote(actual)}"
        return f"--col {shlex.quote(f'{canonical}={actual}')}"
    param = _parameter(name, command)
    if param is None:
        return match[0]
    if isinstance(param, click.Argument):
        return param.human_readable_name
    flag = next((opt for opt in param.opts if opt.startswith("--")), param.opts[0])
    if not value:  # `customer=` names the parameter to set, with no value
        return flag
    try:
        literal = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        literal = value
    if isinstance(param, click.Option) and param.is_flag:
        return flag if literal else (param.secondary_opts or [f"no {flag}"])[0]
    values = literal if isinstance(literal, (list, tuple)) else [literal]
    return " ".join(f"{flag} {shlex.quote(str(item))}" for item in values)


def _parameter(name: str, command: click.Command | None) -> click.Parameter | None:
    """The parameter called ``name`` of ``command``, else of any kori command."""
    for param in command.params if command else ():
        if param.name == name:
            return param
    return _all_parameters().get(name)


def _all_parameters() -> dict[str, click.Parameter]:
    """Every kori command's parameters by Python name (the first command's, for a shared name)."""
    found: dict[str, click.Parameter] = {}
    pending: list[click.Command] = [kori]
    while pending:
        command = pending.pop(0)
        if isinstance(command, click.Group):
            pending += [command.commands[name] for name in sorted(command.commands)]
        for param in command.params:
            found.setdefault(param.name or "", param)
    return found


RENAMED = {"--level": ("--items", "--interval"), "--by": ("--split", "--series")}
"""Old option names, each of which meant two things, and the names that replaced them: in
``rules``, ``--items`` (products or categories) and ``--split`` (mine each month, week or
store alone); in ``forecast`` and ``plan``, ``--series`` (one series per sku, category or
store) and ``--interval`` (prediction interval in percent). A command takes the new name it has;
the old one works until kori 0.3, with a note on stderr."""


def _renamed_options(command: click.Command, args: list[str]) -> list[str]:
    """``args`` with each old option name of :data:`RENAMED` replaced by the command's new one,
    and a note on stderr for each."""
    names = {name for param in command.params for name in param.opts}
    out = []
    for position, arg in enumerate(args):
        if arg == "--":
            return out + args[position:]
        old, equals, value = arg.partition("=")
        new = next((n for n in RENAMED.get(old, ()) if n in names), None)
        if new is None:
            out.append(arg)
            continue
        click.echo(f"Note: {old} is now {new} (the old name works until kori 0.3)", err=True)
        out.append(new + equals + value)
    return out


def _refuse_repeated_options(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """``--quantiles 0.9 --quantiles 0.95`` keeps 0.95 alone in Click: refuse it instead."""
    single = {
        name: param
        for param in command.params
        if isinstance(param, click.Option) and not param.multiple and not param.is_flag
        and not param.count
        for name in param.opts
    }  # fmt: skip
    seen: dict[click.Option, str] = {}
    for position, arg in enumerate(args):
        if arg == "--":
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
        param = single.get(name) if arg.startswith("-") else None
        if param is None:
            continue
        if param in seen:
            raise click.UsageError(f"{seen[param]} is given twice ({name} again at argument "
                                   f"{position + 1}); give it once", ctx)  # fmt: skip
        seen[param] = name


class _Group(click.Group):
    """A command group whose commands are :class:`_Command`."""

    command_class = _Command


class _Kori(_Group):
    """The root group: turns library errors into one line, unless ``--debug``."""

    group_class = _Group

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _expand_levels(args))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except (BasketError, ForecastError, CustomerError) as exc:
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, (BasketParameterError, ForecastParameterError,
                                CustomerParameterError)):
                raise ParameterProblem(as_flags(str(exc))) from None
            raise DataError(as_flags(str(exc))) from None
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
    ctx.obj = Settings(quiet=quiet)


def _debugging() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("debug"))


# ===========================================================================================
# TABLE I/O: paths, formats, compression, stdin and stdout, atomic writes. Everything kori does
# with files is in this section, down to "END OF TABLE I/O"; the commands below it only call
# read_table, write_table, atomic_write and output_options.
# ===========================================================================================

INPUT_FORMATS = ("csv", "jsonl", "json", "parquet")
OUTPUT_FORMATS = ("csv", "json", "jsonl", "parquet", "xlsx", "table")
_FILE_FORMATS = ("csv", "json", "jsonl", "parquet", "xlsx")
_BINARY = ("parquet", "xlsx")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}
_KNOWN_SUFFIXES = tuple(_EXTENSIONS)
_COMPRESSORS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}  # suffix: pandas' compression name
_COMPRESSION = tuple(_COMPRESSORS)
_TABLE_ROWS = 200  # rows shown by -f table; the rest is for -f csv

# --------------------------------------------------------------------------- paths
# Every path option is a click.Path: one with exists=True is an input, one without is an output
# (a file, or a folder with file_okay=False). check_paths() runs before each command's body and
# refuses what would lose data: an output over an input, two outputs on one file, an output into
# a folder that does not exist or cannot be written, a table in a format kori cannot tell.


class Document(click.Path):
    """An output file whose format the command fixes (an HTML page, a workbook), not -f."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False)


# Files that a folder output writes; other files in that folder are safe. Default: any file.
_FOLDER_WRITES = {"plots_dir": ("*.png", "index.html")}


def check_paths(ctx: click.Context) -> None:
    """Refuse, before any work, the paths of a command that would lose or mix data.

    Raises
    ------
    click.UsageError
        An output is one of the inputs (the same file by any path, symlink or hard link), two
        outputs are one file, an output folder is missing, not a folder or not writable, or a
        table's format cannot be told from its name.
    """
    inputs: list[tuple[click.Parameter, str]] = []
    files: list[tuple[click.Parameter, str]] = []
    folders: list[tuple[click.Parameter, str]] = []
    for param in ctx.command.params:
        if not isinstance(param.type, click.Path):
            continue
        value = ctx.params.get(param.name or "")
        for path in value if isinstance(value, (tuple, list)) else (value,):
            if path in (None, "-"):
                continue
            path = os.fspath(path)
            if param.type.exists:
                inputs.append((param, path))
            elif param.type.file_okay and not (param.type.dir_okay and _is_folder(path)):
                files.append((param, path))
            else:
                folders.append((param, path))
    for position, (param, path) in enumerate(files):
        for other, taken in inputs + files[:position]:
            if _same_file(path, taken):
                what = "the input" if (other, taken) in inputs else "also the output of"
                raise click.UsageError(
                    f"{_flag(param)} {path} is {what} {_flag(other)} {taken}: kori never writes "
                    "over an input, nor two outputs to one file. Write it to another file", ctx
                )  # fmt: skip
    for param, folder in folders:
        patterns = _FOLDER_WRITES.get(param.name or "", ("*",))
        for other, path in inputs + files:
            if _writes_into(folder, patterns, path):
                raise click.UsageError(
                    f"{_flag(param)} {folder} would write over {path} ({_flag(other)}). Use "
                    "another folder", ctx
                )  # fmt: skip
    for param, path in files:
        if not isinstance(param.type, Document):
            _check_table_format(ctx, param, path)
        _check_writable(ctx, param, path)
    for param, folder in folders:
        _check_folder(ctx, param, folder)


def _flag(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.human_readable_name or "").upper()


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file: the same path, a symlink to it, a hard link."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _writes_into(folder: str, patterns: tuple[str, ...], path: str) -> bool:
    import fnmatch

    real = os.path.realpath(path)
    if os.path.dirname(real) != os.path.realpath(folder):
        return False
    return any(fnmatch.fnmatch(os.path.basename(real), pattern) for pattern in patterns)


def _check_writable(ctx: click.Context, param: click.Parameter, path: str) -> None:
    """The folder of an output file exists and takes a new file (where the temp file goes)."""
    if os.path.exists(path) and not os.path.isfile(path):
        return  # a device or a pipe (/dev/null): written straight through
    folder = os.path.dirname(os.path.realpath(path))
    if not os.path.isdir(folder):
        raise click.UsageError(
            f"{_flag(param)} {path}: the folder {folder} does not exist. Create it first, or "
            "write elsewhere", ctx
        )  # fmt: skip
    _try_writing(ctx, param, path, folder)


def _check_folder(ctx: click.Context, param: click.Parameter, folder: str) -> None:
    """An output folder is a folder (or can be made one) and takes new files."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise click.UsageError(f"{_flag(param)} {folder} is not a folder. Name a folder", ctx)
    existing = os.path.realpath(folder)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise click.UsageError(f"{_flag(param)} {folder}: {existing} is not a folder", ctx)
    _try_writing(ctx, param, folder, existing)


def _try_writing(ctx: click.Context, param: click.Parameter, path: str, folder: str) -> None:
    try:
        probe = tempfile.mkdtemp(prefix=".kori-", dir=folder)
        os.rmdir(probe)
    except OSError as exc:
        raise click.UsageError(
            f"{_flag(param)} {path}: cannot write in {folder} ({exc.strerror}). Write elsewhere",
            ctx,
        ) from None


def _check_table_format(ctx: click.Context, param: click.Parameter, path: str) -> None:
    fmt = ctx.params.get("fmt") if param.name == "output" else None
    if fmt == "table":
        raise click.UsageError(
            "-f table is for the terminal; write files as " + ", ".join(_FILE_FORMATS), ctx
        )
    if fmt is None and _format_of(path) is None:
        how = " or give the format with -f" if param.name == "output" else ""
        raise click.UsageError(
            f"{_flag(param)} {path}: cannot tell the format from the name. End it in "
            f"{', '.join(_KNOWN_SUFFIXES)} (.csv and .json(l) may add .gz, .bz2 or .xz){how}",
            ctx,
        )


# --------------------------------------------------------------------------- reading


def input_format(path: str, given: str | None) -> str:
    """The format of an input file: ``given``, else from the extension (``-`` is CSV)."""
    if given:
        return given
    if path == "-":
        return "csv"
    fmt = _format_of(path)
    if fmt is None or fmt == "xlsx":
        raise DataError(
            f"{path}: cannot tell the format from the extension (known: "
            f"{', '.join(sorted(set(_EXTENSIONS) - {'.xlsx'}))}, optionally .gz). "
            f"Pass --input-format {'|'.join(INPUT_FORMATS)}"
        )
    return fmt


def _format_of(path: str) -> str | None:
    name = path.lower()
    for suffix in _COMPRESSION:
        name = name.removesuffix(suffix)
    return _EXTENSIONS.get(os.path.splitext(name)[1])


def source_name(path: str) -> str:
    """The name of an input in messages: its path, or ``<stdin>`` for ``-``."""
    return "<stdin>" if path == "-" else path


def read_optional(path: str | None) -> Any:
    """The table at ``path`` (without its first line number), or None when no path was given."""
    return read_table(path)[0] if path else None


def read_table(path: str, fmt: str | None = None, *,
               lists: bool = False) -> tuple[pd.DataFrame, int]:  # fmt: skip
    """Read a data file as text columns (CSV, JSON) or typed columns (Parquet).

    Returns the frame and the line number of its first row (2 for CSV with a header), so that
    problems can be reported by line. ``-`` reads stdin. The CSV delimiter (comma, semicolon,
    tab or bar) is taken from the header line. JSON values must be plain values, or also lists
    with ``lists=True`` (the sides of rules, as ``kori rules mine -f json`` writes them).
    """
    import pandas as pd

    fmt = input_format(path, fmt)
    label = source_name(path)
    try:
        if fmt == "parquet":
            # stdin cannot seek, and Parquet reads its footer first: take the bytes in whole.
            source = io.BytesIO(sys.stdin.buffer.read()) if path == "-" else path
            return pd.read_parquet(source), 1
        data = _read_bytes(path, label)
        _refuse_binary(data, label)
        if fmt != "csv":
            text = _decode(data, label)
            _refuse_empty(text, path, label)
            return _read_json(text, label, lines=fmt == "jsonl", lists=lists), 1
        header = _decode(data[: data.find(b"\n") + 1 or len(data)], label)
        _refuse_empty(header, path, label)
        sep = max(",;\t|", key=header.count)
        _refuse_repeated_columns(header, sep, label)
        try:  # pandas decodes as it parses: no second copy of a large file as text
            frame = pd.read_csv(io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False,
                                encoding="utf-8-sig")  # fmt: skip
        except UnicodeDecodeError:
            _decode(data, label)
            raise
        if not isinstance(frame.index, pd.RangeIndex):
            # pandas takes extra fields on the first row as an index and shifts every column.
            raise DataError(
                f"{label}: not a readable CSV file (line 2 has more fields than the header's "
                f"{len(frame.columns)}). Check the delimiter and the quoting of that line"
            )
        return frame, 2
    except DataError:
        raise
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
    except (ValueError, OSError, EOFError) as exc:
        if _debugging():
            raise
        raise DataError(
            f"{label}: cannot read it as {fmt} ({str(exc).splitlines()[0]}). Check the file, or "
            "give its format with --input-format"
        ) from None


def _read_bytes(path: str, label: str) -> bytes:
    """The bytes of a file (decompressed by its extension) or of stdin.

    Raises
    ------
    DataError
        A compressed file is damaged, cut short or not compressed at all.
    """
    compressed = path != "-" and path.lower().endswith(_COMPRESSION)
    try:
        return sys.stdin.buffer.read() if path == "-" else _open_binary(path)
    except (EOFError, OSError, ValueError) as exc:  # gzip, bz2 and lzma name theirs differently
        if not compressed:
            raise
        if _debugging():  # Click would turn an EOFError into a bare "Aborted!"
            raise RuntimeError(f"{label}: {exc}") from exc
        suffix = os.path.splitext(path)[1]
        if isinstance(exc, EOFError) or "end-of-stream" in str(exc):
            problem = "the compressed file is cut short (it ends before its data does)"
            fix = "Copy or export it again"
        else:
            problem = f"not a {suffix} file, though its name ends in {suffix} ({exc})"
            fix = f"If it is plain text, rename it without {suffix}"
        raise DataError(f"{label}: {problem}. {fix}") from None


def _decode(data: bytes, label: str) -> str:
    """UTF-8 bytes (with or without a byte order mark) as text.

    Raises
    ------
    DataError
        Naming the line and byte of the first byte that is not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # after the BOM
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise DataError(
            f"{label}: not UTF-8 text (line {line}, byte {column} of the line: "
            f"{data[start:start + 1]!r}). Save it as UTF-8 (in Excel: CSV UTF-8)"
        ) from None


def _open_binary(path: str) -> bytes:
    """The bytes of a file, decompressed by its extension."""
    with _opener(_compression(path))(path, "rb") as handle:
        return handle.read()


def _compression(path: str) -> str | None:
    """pandas' name of the compression a file's extension says (``gzip``, ``bz2``, ``xz``)."""
    return _COMPRESSORS.get(os.path.splitext(path.lower())[1])


def _opener(compression: str | None) -> Callable[..., Any]:
    """``open``, or the ``open`` of the module that (de)compresses ``compression``."""
    if compression is None:
        return open
    import importlib

    return importlib.import_module({"xz": "lzma"}.get(compression, compression)).open


def _open_text(path: str) -> Any:
    """A text handle on a whole file (decompressed by its extension) or on stdin."""
    label = source_name(path)
    return io.StringIO(_decode(_read_bytes(path, label), label), newline="")


_MAGIC = {
    b"PAR1": ("a Parquet file", "Name it .parquet, or pass --input-format parquet"),
    b"PK\x03\x04": ("a zip archive or an Excel workbook", "Export the sheet as CSV UTF-8"),
    b"\x1f\x8b": ("gzip-compressed", "Name it with .gz at the end"),
    b"\xff\xfe": ("UTF-16 text", "Save it as UTF-8 (in Excel: CSV UTF-8)"),
    b"\xfe\xff": ("UTF-16 text", "Save it as UTF-8 (in Excel: CSV UTF-8)"),
}


def _refuse_binary(data: bytes, label: str) -> None:
    """Refuse bytes that are not text: a known binary format by its first bytes, or a NUL byte
    (which no text file holds, and which would reach ids and the terminal)."""
    for magic, (what, fix) in _MAGIC.items():
        if data.startswith(magic):
            raise DataError(f"{label}: not a text file: it is {what} by its content. {fix}")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DataError(f"{label}: a NUL byte on line {line}: the file is binary or damaged. "
                        "Export it again as CSV UTF-8")  # fmt: skip


def _refuse_repeated_columns(header: str, sep: str, label: str) -> None:
    """Two columns of one name: pandas would rename the second (``quantity.1``) and kori would
    read the first alone, silently."""
    import csv

    names = [name.strip() for name in next(csv.reader([header.lstrip("\ufeff")], delimiter=sep))]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        where = "; ".join(
            f"{name!r} in columns {', '.join(str(i + 1) for i, n in enumerate(names) if n == name)}"
            for name in repeated
        )
        raise DataError(f"{label}: the header names a column twice ({where}). Rename or remove "
                        "one of them")  # fmt: skip


def _refuse_empty(text: str, path: str, label: str) -> None:
    if not text.strip():
        where = "nothing came on stdin" if path == "-" else "no header, no rows"
        raise DataError(f"{label}: the file is empty ({where}). Check the path or the export")


def _read_json(text: str, label: str, *, lines: bool, lists: bool = False) -> pd.DataFrame:
    """JSON Lines or a JSON array of records, values as written (no guessing of dates)."""
    import json

    import pandas as pd

    number = 0
    try:
        if lines:
            records = []
            for number, line in enumerate(text.split("\n"), start=1):
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
    for number, record in enumerate(records, start=1):
        for key, value in record.items():
            if isinstance(value, dict) or (isinstance(value, list) and not lists):
                where = f"line {number}" if lines else f"record {number}"
                raise DataError(
                    f"{label}: {where}: {key!r} holds a JSON {type(value).__name__} "
                    f"({json.dumps(value)[:60]}), not one value. Write one plain value per key"
                )  # fmt: skip
    return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------- writing


def output_format(output: str | None, given: str | None, default: str = "csv") -> str:
    """The output format: ``given``, else from the extension of ``output``.

    Without either, stdout gets ``default`` on a terminal and CSV in a pipe or a file.
    :func:`check_paths` has refused a file whose extension tells no format.
    """
    if given:
        return given
    if output and output != "-":
        fmt = _format_of(output)
        if fmt is None:
            raise click.UsageError(f"{output}: cannot tell the format from the name; give -f")
        return fmt
    return default if sys.stdout.isatty() else "csv"


def write_table(frame: pd.DataFrame, output: str | None, fmt: str | None, default: str = "csv") -> None:
    """Write a table to ``output`` (atomically) or to stdout, in the format asked for."""
    fmt = output_format(output, fmt, default)
    to_stdout = output in (None, "-")
    if fmt == "table":
        if not to_stdout:
            raise click.UsageError("-f table is for the terminal; write files as "
                                   + ", ".join(_FILE_FORMATS))  # fmt: skip
        _print_table(frame)
        return
    if fmt in _BINARY and to_stdout and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is binary: write it to a file with -o FILE.{fmt}")
    sep = "\t" if output and output.lower().removesuffix(".gz").endswith(".tsv") else ","
    if to_stdout:
        stream = sys.stdout.buffer if fmt in _BINARY else sys.stdout
        _serialise(frame, stream, fmt, sep)
        stream.flush()
    else:
        compression = _compression(output)
        atomic_write(Path(output), lambda path: _serialise(frame, path, fmt, sep, compression))


def _serialise(frame: pd.DataFrame, target: Any, fmt: str, sep: str = ",",
               compression: str | None = None) -> None:  # fmt: skip
    if fmt == "csv":
        import csv

        # The csv writer quotes a field holding "\n" but not a bare "\r" (the line ends in
        # "\n"), and readers split rows on either: quote every text field when one holds "\r".
        quoting = csv.QUOTE_NONNUMERIC if _holds_cr(frame) else csv.QUOTE_MINIMAL
        frame.to_csv(target, index=False, sep=sep, lineterminator="\n", quoting=quoting,
                     compression=compression)  # fmt: skip
    elif fmt == "parquet":
        frame.to_parquet(target, index=False)
    elif fmt == "xlsx":
        data = _xlsx_bytes(frame)
        if isinstance(target, Path):
            target.write_bytes(data)
        else:
            target.write(data)
    else:
        text = _json_text(frame, lines=fmt == "jsonl")
        if isinstance(target, Path):
            with _text_writer(target, compression) as handle:
                handle.write(text)
        else:
            # In pieces: a pipe whose reader has gone takes one partial write of a long text
            # silently; the next write then fails as it does for CSV (kori ... | head).
            for start in range(0, len(text), 1 << 16):
                target.write(text[start : start + (1 << 16)])


def _holds_cr(frame: pd.DataFrame) -> bool:
    import pandas as pd

    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            if column.astype("string").str.contains("\r", regex=False).any():
                return True
    return False


def _text_writer(path: Path, compression: str | None) -> Any:
    return _opener(compression)(path, "wt", encoding="utf-8", newline="")


def _json_text(frame: pd.DataFrame, *, lines: bool) -> str:
    """Records as JSON (an array) or JSON Lines: numbers in their shortest exact form (257.58,
    not 257.579999999999984), missing values as null, dates as text."""
    import json

    import numpy as np

    table = _jsonable(frame)
    floats = table.select_dtypes("number").columns
    table[floats] = table[floats].where(np.isfinite(table[floats].astype(float)))
    table = table.astype(object).where(table.notna(), None)  # JSON has no NaN nor infinity
    records = table.to_dict(orient="records")

    def default(value: Any) -> Any:
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        return str(value)

    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=default,
                             separators=(",", ":")).encode  # fmt: skip
    if lines:
        return "".join(dumps(record) + "\n" for record in records)
    return "[" + ",".join(dumps(record) for record in records) + "]"


def _xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """One sheet with the table: a header row, then the values as typed cells.

    Text is written as text (a label starting with ``=`` is not a formula), dates as dates.
    """
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from basket.report import workbook_bytes

    if len(frame) >= 1_048_576:
        raise DataError(f"{len(frame):,} rows do not fit in an Excel sheet (1,048,575 at most). "
                        "Write CSV or Parquet instead")  # fmt: skip
    book = Workbook(write_only=True)
    sheet = book.create_sheet("kori")
    table = _jsonable(frame, dates=False)

    def cell(value: Any) -> Any:
        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            return None
        if isinstance(value, (list, tuple)):
            value = "|".join(map(str, value))
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            out.data_type = "s"
        return out

    sheet.append([cell(str(name)) for name in table.columns])
    for row in table.itertuples(index=False):
        sheet.append([cell(value) for value in row])
    return workbook_bytes(book)


def _jsonable(frame: pd.DataFrame, *, dates: bool = True) -> pd.DataFrame:
    """Dates as ``YYYY-MM-DD`` and times as ``YYYY-MM-DDTHH:MM:SS`` rather than epoch numbers
    (``dates=False``: kept as they are), and numpy integers and booleans as plain values."""
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if dates and pd.api.types.is_datetime64_any_dtype(column):
            dated = bool((column.dropna() == column.dropna().dt.normalize()).all())
            out[name] = column.dt.strftime("%Y-%m-%d" if dated else "%Y-%m-%dT%H:%M:%S")
    return out


def _print_table(frame: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for name in frame.columns:
        # Text, not a string: rich would read "[link=...]" in a label as markup.
        table.add_column(Text(printable(str(name))), overflow="fold")
    for row in frame.head(_TABLE_ROWS).itertuples(index=False):
        table.add_row(*(Text(printable(_cell(value))) for value in row))
    Console(file=sys.stdout, soft_wrap=False).print(table)
    if len(frame) > _TABLE_ROWS:
        click.echo(f"showing {_TABLE_ROWS} of {len(frame):,} rows; use -f csv for all", err=True)


def _cell(value: Any) -> str:
    """A value as a person reads it in a table: 4 significant digits, lists joined, days
    without a midnight time."""
    import pandas as pd

    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return f"{value:%Y-%m-%d}"
    return str(value)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file through a temporary file in the same folder, then rename it into place.

    A reader never sees a half-written file, and a failed or interrupted write (an error,
    Ctrl-C, SIGTERM) leaves the old file as it was and no temporary file. A symlink is written
    through (its target is replaced, the link stays); an existing file keeps its permissions;
    a device or a pipe (``/dev/null``) is written straight to.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        try:
            write(path)
        except OSError as exc:
            raise DataError(f"{path}: cannot write ({exc.strerror})") from None
        return
    real = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp",
                                             dir=real.parent)  # fmt: skip
        os.close(handle)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror}). Check the folder") from None
    try:
        write(Path(temporary))
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror}). Check the folder") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def visit_columns(amount: str | None = "", store: bool = True) -> Callable:
    """The options that map a visits file's columns (customer, time, amount, store, date
    format), named like the customers library's parameters. ``amount``: what happens without
    one, for the help (``None``: no amount option)."""

    def decorate(command: Callable) -> Callable:
        options = [
            click.option("--customer-col", "customer", default="customer_id", show_default=True,
                         metavar="NAME", help="Column of the customer (card) id."),
            click.option("--timestamp-col", "timestamp", default="timestamp", show_default=True,
                         metavar="NAME", help="Column of the visit time (or date)."),
        ]
        if amount is not None:
            without = f"; {amount}" if amount else ""
            options.append(click.option(
                "--amount-col", "amount", metavar="NAME",
                help=f"Column of the amount spent (default: amount_eur when there{without})."))
        if store:
            options.append(click.option(
                "--store-col", "store", default="store", show_default=True, metavar="NAME",
                help="Column of the store (used when there)."))
        options.append(click.option(
            "--date-format", metavar="FMT",
            help="strftime format of the visit times, e.g. %d-%m-%Y (default: inferred)."))
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def output_options(default: str = "csv", *, folders: bool = False) -> Callable:
    """``-o/--output`` and ``-f/--format`` for commands that write a table (``folders``: or a
    Parquet dataset partitioned by store, when ``-o`` ends with / or is a folder)."""

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
            type=click.Path(dir_okay=folders, allow_dash=True),
            help="Write to this file (atomically) instead of stdout"
            + ("; to a FOLDER/ as a Parquet dataset partitioned by store." if folders else "."),
        )(command)

    return decorate


# ===========================================================================================
# END OF TABLE I/O
# ===========================================================================================

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
    "kind", type=click.Choice(["receipts", "sales", "weather", "catalog", "stock", "forecast", "traffic",
                               "loyalty", "customers", "loyalty_visits", "survey", "register"])
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of FILE.")
@click.option("--date-format", metavar="FMT", help="strftime format of dates, e.g. %d.%m.%Y.")
@click.option("--negative", type=click.Choice(["error", "clip", "drop"]), default="error",
              show_default=True, help="Negative sales quantities: an error, or a warning that "
              "they would be clipped to 0 or dropped (as `forecast run --negative`).")
@click.option("--freq", type=click.Choice(["D", "W"], case_sensitive=False),
              help="Daily or weekly series (default: as the sales are).")
@click.option("--country", default="FI", show_default=True, help="Holiday calendar (ISO code).")
@click.option("--subdiv", help="Subdivision (state, province) of the holiday calendar.")
@column_options
@output_options(default="table")
@click.pass_obj
def data_validate(
    settings: Settings,
    kind: str,
    file: str,
    input_format: str | None,
    date_format: str | None,
    negative: str,
    freq: str | None,
    country: str,
    subdiv: str | None,
    output: str | None,
    fmt: str | None,
    **columns: Any,
) -> None:
    """Check a KIND of data FILE and report every problem in it.

    KIND is receipts, sales, weather, catalog or traffic, or a loyalty file: loyalty,
    customers, loyalty_visits, survey or register (a birth year after this year is an
    error). Problems are listed on stdout (one row
    each: severity, check, column, count, first lines, message); the exit code is 1 when any of
    them is an error. Warnings (gaps, returns, repeated receipt lines) do not fail the file.
    Gaps are days without rows, or weeks in weekly data (--freq); missing days that are public
    holidays of --country are notes.

    \b
    Examples:
      kori data validate sales sales.csv
      kori data validate sales my_sales.csv --date-col day --sku-col item --qty-col units
      kori data validate sales weekly.csv --freq W --country US
      kori data validate receipts receipts.parquet -f json
    """
    from forecasting import validate_table

    frame, first_line = read_table(file, input_format)
    label = source_name(file)
    report = validate_table(frame, _schema(kind), source=label, columns=column_mapping(columns),
                            date_format=date_format, first_line=first_line, freq=freq,
                            country=country, subdiv=subdiv, negative=negative)  # fmt: skip
    command = click.get_current_context().command
    if report.problems or output or fmt not in (None, "table"):
        table = report.to_frame()
        table["message"] = [as_flags(message, command) for message in table["message"]]
        write_table(table, output, fmt, default="table")
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        listed = "above" if output in (None, "-") else f"in {output}"
        more = f"; {errors - 1} more error{'s' if errors > 2 else ''} listed {listed}"
        first = as_flags(report.errors[0].message, command)
        raise DataError(f"{label}: {first}{more if errors > 1 else ''}")
    notes = len(report.notes)
    settings.info(
        f"{label}: valid {kind} file, {report.rows:,} rows, {warnings} "
        f"warning{'s' if warnings != 1 else ''}, {notes} note{'s' if notes != 1 else ''}"
    )


def _schema(kind: str) -> Any:
    """The schema of a KIND of file: basket's for receipts, customers' for the loyalty files,
    forecasting's for the others."""
    import datetime as dt

    from customers.schemas import SCHEMAS as LOYALTY
    from customers.schemas import register_schema

    if kind != "receipts" and kind not in LOYALTY:
        return kind
    from basket.columns import RECEIPTS_SCHEMA
    from forecasting.schemas import Schema

    if kind == "register":  # a birth year after this one is in the future
        return Schema.from_spec(register_schema(dt.date.today().year))
    return Schema.from_spec(RECEIPTS_SCHEMA if kind == "receipts" else LOYALTY[kind])


# --------------------------------------------------------------------------- rules


def _options(*options: Callable) -> Callable:
    """Apply a list of click options in the order they are listed."""

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


_RECEIPTS = click.Path(exists=True, allow_dash=True)  # a folder: a Parquet dataset
receipt_options = _options(
    click.option("--layout", type=click.Choice(["long", "basket"]), default="long",
                 show_default=True,
                 help="long: a row per receipt line; basket: a receipt per line, items "
                 "separated by --delimiter."),
    click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of RECEIPTS."),
    click.option("--delimiter", default=",", show_default=True,
                 callback=lambda c, p, v: {"tab": "\t", "\\t": "\t", "space": " "}.get(v, v),
                 help="Item separator (basket); tab and space by name."),
    click.option("--header", is_flag=True, help="The first line is a header (basket)."),
    click.option("--receipt-col", "receipt", default="receipt_id", show_default=True, metavar="NAME[,NAME]",
                 help="Column(s) that identify a receipt, e.g. Member_number,Date."),
    click.option("--item-col", "--sku-col", "item", default="sku", show_default=True,
                 metavar="NAME", help="Column of the item."),
    click.option("--quantity-col", "quantity", default="quantity", show_default=True, metavar="NAME",
                 help="Column of the quantity (optional; negative lines are returns)."),
    click.option("--timestamp-col", "timestamp", default="timestamp", show_default=True, metavar="NAME",
                 help="Column of the receipt time (optional)."),
    click.option("--store-col", "store", default="store", show_default=True, metavar="NAME",
                 help="Column of the store (optional)."),
    click.option("--dayfirst", is_flag=True, help="Read dates like 31-01-2025 day first."),
    click.option("--date-format", metavar="FMT", help="strftime format of the timestamps."),
    click.option("--exclude-item", "exclude_items", multiple=True, metavar="ITEM",
                 help="Leave out a placeholder item (repeatable), e.g. NONE."),
    click.option("--catalog", type=click.Path(exists=True, dir_okay=False),
                 help="Catalog (sku, name, category) for names and --items category."),
    click.option("--items", "level", type=click.Choice(["sku", "category"]), default="sku",
                 show_default=True, help="Mine products or their categories."),
    click.option("--store", "stores", multiple=True, help="Only receipts of this store."),
    click.option("--from", "start", callback=lambda c, p, v: _day(v), metavar="DATE",
                 help="Only receipts on or after this day."),
    click.option("--to", "end", callback=lambda c, p, v: _day(v), metavar="DATE",
                 help="Only receipts on or before this day."),
)  # fmt: skip


def _refused(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Refuse a mining parameter as the library does, in its words, before any file is read."""
    from basket.mining import check_thresholds
    from basket.recommend import check_top
    from basket.rules import check_rule_thresholds

    if value is None:
        return value
    name = param.name
    try:
        if name in ("min_support", "min_count", "max_len"):
            check_thresholds(**{"min_support": None, "min_count": None, "max_len": 1, name: value})
        elif name == "top":
            check_top(value)
        else:
            check_rule_thresholds(**{name: value})
    except BasketParameterError as exc:
        raise click.BadParameter(as_flags(f"{exc.problem}. {exc.fix}", ctx.command)) from None
    return value


mining_options = _options(
    click.option("--min-support", type=float, default=0.001, show_default=True,
                 callback=_refused,
                 help="Least share of receipts holding an itemset, in (0, 1]."),
    click.option("--min-count", type=int, callback=_refused,
                 help="Least number of receipts (overrides support)."),
    click.option("--min-confidence", type=float, default=0.1, show_default=True,
                 callback=_refused, help="Least confidence of a rule, in [0, 1]; ties are kept."),
    click.option("--min-lift", type=float, callback=_refused,
                 help="Least lift of a rule (0 or more)."),
    click.option("--max-len", type=int, default=3, show_default=True, callback=_refused,
                 help="Most items in a rule (both sides)."),
    click.option("--max-consequent-len", type=int, default=1, show_default=True,
                 callback=_refused, help="Most items on the right-hand side."),
    click.option("--algorithm", type=click.Choice(["fpgrowth", "apriori"]), default="fpgrowth",
                 show_default=True, help="mlxtend's algorithm (for the mlxtend engine)."),
    click.option("--engine", type=click.Choice(["auto", "sparse", "mlxtend", "dask"]),
                 default="auto", show_default=True,
                 help="auto: sparse counting up to 3 items, mlxtend beyond; dask: sparse "
                 "counting on a Dask cluster (--scheduler)."),
    click.option("--max-p", type=float, default=0.05, show_default=True, callback=_refused,
                 help="Keep rules whose corrected Fisher p-value is at most this, in (0, 1]; "
                 "1 keeps all."),
    click.option("--correction", type=click.Choice(["holm", "bh", "bonferroni", "none"]),
                 default="holm", show_default=True, help="Multiple-testing correction."),
    click.option("--keep-redundant", is_flag=True,
                 help="Keep rules no more confident than a more general one."),
    click.option("--with", "mentioning", multiple=True, metavar="ITEM",
                 help="Only rules with this item on either side: a code, name, part of a "
                 "name or category."),
    click.option("--antecedent", multiple=True, metavar="ITEM",
                 help="Only rules with this item (as --with) on the left."),
    click.option("--consequent", multiple=True, metavar="ITEM",
                 help="Only rules with this item (as --with) on the right."),
    click.option("--antecedent-from", multiple=True, metavar="ITEM",
                 help="Only rules whose left side has nothing but these items (as --with)."),
    click.option("--consequent-from", multiple=True, metavar="ITEM",
                 help="Only rules whose right side has nothing but these items (as --with)."),
    click.option("--top-per-antecedent", type=click.IntRange(1), metavar="K",
                 help="Keep the K best rules of each left-hand side."),
    click.option("--exclude-pattern", "exclude_pattern", multiple=True, metavar="REGEX",
                 help="Leave out items whose code or name matches this regular expression "
                 "(case ignored; repeatable) before mining, e.g. 'bag|pantti|postage'."),
)  # fmt: skip
shaping_options = _options(
    click.option("--pairs/--no-pairs", default=None,
                 help="One row per pair of items with both directions' confidence (the "
                 "report's default; `mine` lists rules unless asked)."),
    click.option("--sort", type=click.Choice(["lift", "support", "confidence", "count"]),
                 default="lift", show_default=True, help="Order of the rules, descending."),
)  # fmt: skip


dask_options = _options(
    click.option("--scheduler", envvar="KORI_SCHEDULER", metavar="ADDRESS",
                 help="With --engine dask: a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                 "(env KORI_SCHEDULER); without one a local cluster is started."),
    click.option("--jobs", type=click.IntRange(1), default=2, show_default=True,
                 help="With --engine dask and no --scheduler: worker processes started."),
)  # fmt: skip


def _check_scheduler(options: dict[str, Any]) -> None:
    """Refuse --scheduler (given on the command line) without --engine dask."""
    source = click.get_current_context().get_parameter_source("scheduler")
    if options.get("engine") != "dask" and source == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--scheduler runs the work on Dask: add --engine dask")


def _day(value: str | None) -> Any:
    import datetime as dt

    import pandas as pd

    if value is None:
        return None
    try:  # ISO only: 01.11.2025 could be read either way round
        return pd.Timestamp(dt.date.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-11-30") from None


def _load_receipts(settings: Settings, options: dict[str, Any]) -> Any:
    """Read RECEIPTS in either layout (:func:`basket.read_receipts`), or list the files of a
    Parquet dataset folder (listed, not read)."""
    from basket import read_receipts

    path = options["receipts"]
    label = source_name(path)
    common = {"exclude_items": options["exclude_items"], "source": label}
    if Path(path).is_dir():
        if options["layout"] == "basket":
            raise click.UsageError("a folder of receipts is a Parquet dataset of receipt "
                                   "lines: leave out --layout basket")  # fmt: skip
        receipts = read_receipts(
            Path(path), receipt=[c.strip() for c in options["receipt"].split(",")],
            item=options["item"], quantity=options["quantity"],
            timestamp=options["timestamp"], store=options["store"],
            dayfirst=options["dayfirst"], date_format=options["date_format"], **common,
        )  # fmt: skip
    elif options["layout"] == "basket":
        with _open_text(path) as handle:
            receipts = read_receipts(handle, delimiter=options["delimiter"],
                                     header=options["header"], **common)  # fmt: skip
    else:
        frame, first_line = read_table(path, options["input_format"])
        receipts = read_receipts(
            frame, receipt=[c.strip() for c in options["receipt"].split(",")],
            item=options["item"], quantity=options["quantity"],
            timestamp=options["timestamp"], store=options["store"],
            dayfirst=options["dayfirst"], date_format=options["date_format"],
            first_line=first_line, **common,
        )  # fmt: skip
    _tell(settings, receipts)
    return receipts


def _tables(formats: dict[str, str | None] | None = None, **paths: str | None) -> dict[str, Any]:
    """Read the files given, for a library call: each table by its name, and ``sources`` and
    ``first_lines`` for its messages (``formats``: the input format of a table, by name)."""
    tables: dict[str, Any] = {"sources": {}, "first_lines": {}}
    for name, path in paths.items():
        if path:
            fmt = (formats or {}).get(name)
            tables[name], tables["first_lines"][name] = read_table(path, fmt)
            tables["sources"][name] = source_name(path)
    return tables


def _tell(settings: Settings, result: Any) -> None:
    """Print a library result's summary lines on stderr."""
    for line in result.summary():
        settings.info(line)


_MINING = ("level", "stores", "start", "end", "min_support", "min_count", "max_len",
           "algorithm", "engine", "min_confidence", "min_lift", "max_consequent_len", "max_p",
           "correction", "keep_redundant", "mentioning", "antecedent", "consequent",
           "antecedent_from", "consequent_from", "top_per_antecedent", "by",
           "exclude_pattern", "pairs", "sort", "scheduler", "jobs")  # fmt: skip


def _mining(options: dict[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`basket.find_rules` among a command's options."""
    return {key: options[key] for key in _MINING if key in options}


def _find_rules(settings: Settings, options: dict[str, Any]) -> Any:
    from basket import find_rules

    _check_scheduler(options)
    receipts = _load_receipts(settings, options)
    with _progress(settings, "Mining") as progress:
        report = find_rules(receipts, **_tables(catalog=options["catalog"]), **_mining(options),
                            progress=progress)  # fmt: skip
    _tell(settings, report)
    return report


class _progress:
    """A rich progress bar on stderr for a library ``progress(done, total)`` callback."""

    def __init__(self, settings: Settings, label: str) -> None:
        self.enabled = not settings.quiet and sys.stderr.isatty()
        self.label = label

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=None)
        return lambda done, total: self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()


@rules.command("mine")
@click.argument("receipts", type=_RECEIPTS)
@receipt_options
@mining_options
@shaping_options
@click.option("--split", "by", type=click.Choice(["month", "week", "store"]),
              help="Also mine each period (or store) alone; say where each rule holds.")
@dask_options
@output_options()
@click.pass_obj
def rules_mine(settings: Settings, output: str | None, fmt: str | None, **options: Any) -> None:
    """Mine cross-sell rules from RECEIPTS and write them as a table.

    One row per rule: both sides (item codes, names and categories with --catalog), counts and
    supports, confidence, lift, leverage, conviction, Zhang's metric, Jaccard, certainty,
    Kulczynski, the Fisher p-value and its corrected value, and whether the rule is significant
    and redundant. Sorted by lift (--sort for support, confidence or count). With --pairs, one
    row per pair of items with both directions' confidence. In CSV the sides are |-joined; in
    JSON they are arrays. Items that may not be products (fees, bags, deposits) are named on
    stderr; --exclude-pattern leaves them out.

    \b
    Examples:
      kori rules mine receipts.csv --catalog catalog.csv -o rules.csv
      kori rules mine receipts.csv --catalog catalog.csv --pairs --sort count
      kori rules mine groceries.csv --layout basket --min-support 0.001 --min-confidence 0.5
      kori rules mine receipts.csv --catalog catalog.csv --with "Salmon fillet 400 g"
      kori rules mine receipts.csv --split month -f json
      kori rules mine chain/receipts/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from basket.describe import for_output

    report = _find_rules(settings, options)
    fmt = output_format(output, fmt)
    table = report.table
    if fmt == "table":  # a person at a terminal: the sides and the key numbers
        table = table[[c for c in (_PAIR_VIEW if report.pairs else _RULE_VIEW) if c in table]]
    write_table(for_output(table, fmt), output, fmt)


_RULE_VIEW = ("antecedent_names", "consequent_names", "count", "support", "confidence", "lift",
              "p_adjusted", "periods")  # fmt: skip
_PAIR_VIEW = ("name_a", "name_b", "count", "support", "confidence_a_b", "confidence_b_a", "lift",
              "p_adjusted")  # fmt: skip


@rules.command("itemsets")
@click.argument("receipts", type=_RECEIPTS)
@receipt_options
@click.option("--min-support", type=float, default=0.001, show_default=True, callback=_refused,
              help="Least share of receipts holding an itemset, in (0, 1].")
@click.option("--min-count", type=int, callback=_refused,
              help="Least number of receipts (overrides support).")
@click.option("--max-len", type=int, default=3, show_default=True, callback=_refused,
              help="Most items.")
@click.option("--algorithm", type=click.Choice(["fpgrowth", "apriori", "fpmax"]),
              default="fpgrowth", show_default=True, help="fpmax: maximal itemsets only.")
@click.option("--engine", type=click.Choice(["auto", "sparse", "mlxtend", "dask"]),
              default="auto", show_default=True,
              help="auto: sparse counting up to 3 items, mlxtend beyond; dask: sparse counting "
              "on a Dask cluster (--scheduler).")
@dask_options
@output_options()
@click.pass_obj
def rules_itemsets(settings: Settings, output: str | None, fmt: str | None,
                   **options: Any) -> None:  # fmt: skip
    """Write the frequent itemsets of RECEIPTS: items, count and support.

    \b
    Example:
      kori rules itemsets groceries.csv --layout basket --algorithm fpmax --min-support 0.01
      kori rules itemsets chain/receipts/ --engine dask --jobs 4
    """
    from basket import find_itemsets
    from basket.describe import for_output

    _check_scheduler(options)
    receipts = _load_receipts(settings, options)
    with _progress(settings, "Counting") as progress:
        found = find_itemsets(receipts, **_tables(catalog=options["catalog"]),
                              **_mining(options), progress=progress)  # fmt: skip
    _tell(settings, found)
    fmt = output_format(output, fmt)
    write_table(for_output(found.table, fmt), output, fmt)


@rules.command("recommend")
@click.argument("receipts", required=False, type=_RECEIPTS)
@click.option("--item", "items", multiple=True, metavar="ITEM",
              help="What goes with this item (code, name or part of a name); repeatable.")
@click.option("--basket", metavar="A,B,...", help="What goes with a whole basket.")
@click.option("--rules", type=click.Path(exists=True, dir_okay=False),
              help="A rules file from `kori rules mine` (else RECEIPTS are mined first).")
@click.option("--top", type=int, default=10, show_default=True, callback=_refused,
              help="How many to list.")
@receipt_options
@mining_options
@dask_options
@output_options()
@click.pass_obj
def rules_recommend(settings: Settings, items: tuple[str, ...], basket: str | None,
                    rules: str | None, top: int, output: str | None, fmt: str | None,
                    **options: Any) -> None:  # fmt: skip
    """Rank what to place beside an item or a basket.

    The rules come from a rules file (--rules, as `kori rules mine` writes it: CSV, JSON,
    JSON Lines or Parquet) or are mined from RECEIPTS with the options of `kori rules mine`.
    Each candidate is ranked by its most confident rule; the output says which rule. An item
    that exists but is in no rule is an error (exit 2) that says why, where RECEIPTS tell.

    \b
    Examples:
      kori rules recommend --item salmon --rules rules.csv
      kori rules recommend --basket "Tortillas 8 pcs,Salsa 300 g" --rules rules.json
      kori rules recommend receipts.csv --catalog catalog.csv --item "salmon fillet"
    """
    from basket import recommend_for
    from basket.describe import for_output

    queries = [*items, *([q for q in basket.split(",") if q.strip()] if basket else [])]
    if not queries:
        raise click.UsageError("say what is in the basket: --item ITEM or --basket A,B")
    if not rules and not options["receipts"]:
        raise click.UsageError("give a rules file with --rules, or RECEIPTS to mine")
    catalog = _tables(catalog=options["catalog"])
    if rules:
        catalog.setdefault("sources", {})["rules"] = rules
        found = recommend_for(queries, rules=read_table(rules, lists=True)[0], top=top,
                              **catalog)  # fmt: skip
    else:
        _check_scheduler(options)
        receipts = _load_receipts(settings, options)
        with _progress(settings, "Mining") as progress:
            found = recommend_for(queries, receipts=receipts, top=top, **catalog,
                                  **_mining(options), progress=progress)
        _tell(settings, found.rules)
    _tell(settings, found)
    fmt = output_format(output, fmt)
    ranked = found.table
    if fmt == "table":
        ranked = ranked[["rank", "name", "category", "confidence", "lift", "because_names"]]
    write_table(for_output(ranked, fmt), output, fmt)


@rules.command("report")
@click.argument("receipts", type=_RECEIPTS)
@receipt_options
@mining_options
@shaping_options
@click.option("--html", "html_path", type=Document(),
              help="Write the buyer report as a self-contained HTML page.")
@click.option("--excel", "excel_path", type=Document(),
              help="Write it as an Excel workbook too.")
@click.option("--title", default="Cross-sell rules", show_default=True, help="Report title.")
@click.option("--top", type=click.IntRange(1), default=50, show_default=True,
              help="Rules in the report.")
@dask_options
@click.pass_obj
def rules_report(settings: Settings, html_path: str | None, excel_path: str | None, title: str,
                 top: int, **options: Any) -> None:  # fmt: skip
    """Write a buyer report of the rules mined from RECEIPTS: HTML and/or Excel.

    The report lists the top significant, non-redundant rules by lift with product names,
    categories, the numbers and a sentence per rule ("Of receipts with salmon, 49% also have
    dill: 4.9 times the usual rate"), and a chart of the strongest ones.

    \b
    Example:
      kori rules report receipts.csv --catalog catalog.csv --html rules.html --excel rules.xlsx
    """
    if not html_path and not excel_path:
        raise click.UsageError("say where to write the report: --html FILE and/or --excel FILE")
    report = _find_rules(settings, options)
    if html_path:
        page = report.html(title=title, top=top)
        atomic_write(Path(html_path), lambda p: p.write_text(page, encoding="utf-8"))
        settings.info(f"wrote {html_path}")
    if excel_path:
        book = report.workbook(title=title, top=top)
        atomic_write(Path(excel_path), lambda p: p.write_bytes(book))
        settings.info(f"wrote {excel_path}")


# --------------------------------------------------------------------------- forecast


def _years(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    first, _, last = value.partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a year like 2026 or a range like 2025-2027")
    if years[1] < years[0]:
        raise click.BadParameter(f"{value!r} ends before it starts")
    return years


@forecast.command("holidays")
@click.option("--country", default="FI", show_default=True, help="ISO country code.")
@click.option("--subdiv", help="Subdivision (state, province) code, where the country has them.")
@click.option("--years", required=True, callback=_years, metavar="YEAR[-YEAR]",
              help="Calendar years to show, e.g. 2026 or 2025-2027.")
@click.option("--events", "events", type=click.Path(exists=True, dir_okay=False),
              help="User events: date,name[,lower,upper,store] (campaigns, local events).")
@output_options(default="table")
@click.pass_obj
def forecast_holidays(settings: Settings, country: str, subdiv: str | None,
                      years: tuple[int, int], events: str | None, output: str | None,
                      fmt: str | None) -> None:  # fmt: skip
    """Show the calendar events the forecasting models will see, day by day.

    One row per day and event: the event (a public holiday from the `holidays` package, or a
    user event), the day's offset from it (-7 is a week before Christmas Eve), its date, and
    the store a user event is given for (blank for holidays and chain-wide events). Finnish
    holidays that move the most shopping get longer windows (Christmas Eve a week, Easter
    Thursday to Monday, Midsummer Eve three days); every other holiday has the day before it and
    the day itself.

    \b
    Examples:
      kori forecast holidays --years 2026
      kori forecast holidays --country SE --years 2025-2026 -f csv
      kori forecast holidays --years 2026 --events campaigns.csv
    """
    import datetime as dt

    from forecasting.calendar import check_years
    from forecasting.events import calendar_events, read_events

    check_years(*years, country=country)
    events = read_events(read_table(events)[0], source=events) if events else None
    table = calendar_events(dt.date(years[0], 1, 1), dt.date(years[1], 12, 31), country=country,
                            subdiv=subdiv, events=events)  # fmt: skip
    settings.info(f"{table['event'].nunique()} events over {table['date'].nunique()} days "
                  f"({country}{'-' + subdiv if subdiv else ''}, {years[0]}-{years[1]})")  # fmt: skip
    write_table(table, output, fmt, default="table")


# --------------------------------------------------------------------------- customers


@kori.group()
def customers() -> None:
    """Loyalty customers: who comes back and how often, and what they would tell a friend."""


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    return None if value is None else _date(ctx, param, value)


@customers.group("register", cls=_Group)
def customers_register() -> None:
    """The customer register: its health check (duplicates, stale records, consents, GDPR
    retention) and pseudonymised extracts for analysis without personal data."""


def _threshold(ctx: click.Context, param: click.Parameter, value: str) -> float | None:
    """``--threshold``: a match probability in (0, 1), or ``off`` for no duplicate search."""
    if value.strip().lower() == "off":
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < 1:
        raise click.BadParameter(f"{value!r} is not a probability in (0, 1) nor off")
    return number


@customers_register.command("check")
@click.argument("register", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--as-of", "as_of", required=True, callback=_as_of, metavar="DATE",
              help="Day of the check (required: kori never assumes today).")
@click.option("--receipts", type=click.Path(exists=True, dir_okay=False), help="Purchases "
              "with a card and a time (loyalty_visits.csv): each member's last purchase.")
@click.option("--retention-years", "retention_years", type=click.FloatRange(0, min_open=True),
              default=5, show_default=True, help="No purchase, update or join in this many "
              "years: past retention (delete or anonymise).")
@click.option("--stale-months", "stale_months", type=click.IntRange(1), default=24,
              show_default=True, help="No purchase and no update in this many months: stale.")
@click.option("--address-months", "address_months", type=click.IntRange(1), default=36,
              show_default=True, help="Address not confirmed in this many months: unchecked.")
@click.option("--consent-months", "consent_months", type=click.IntRange(1), default=24,
              show_default=True, help="A marketing consent older than this has expired.")
@click.option("--threshold", default="0.9", show_default=True, callback=_threshold,
              metavar="P|off", help="Match probability of a likely duplicate pair; off: no "
              "duplicate search.")
@click.option("--id-col", "id", default="member_id", show_default=True, metavar="NAME",
              help="Column of the register's member (card) id.")
@click.option("--customer-col", "customer", default="customer_id", show_default=True,
              metavar="NAME", help="Column of the card id in --receipts.")
@click.option("--timestamp-col", "timestamp", default="timestamp", show_default=True,
              metavar="NAME", help="Column of the purchase time in --receipts.")
@click.option("--html", "html_path", type=Document(),
              help="Write the health report as a self-contained HTML page.")
@output_options()
@click.pass_obj
def customers_register_check(settings: Settings, register: str, receipts: str | None,
                             html_path: str | None, output: str | None, fmt: str | None,
                             **options: Any) -> None:  # fmt: skip
    """Check the customer REGISTER (register.csv): missing and invalid fields, likely duplicate
    people, stale records, consent gaps and records past the GDPR retention.

    Writes one row per record and problem (member_id, check, field, detail); the health score
    (0-100) and its parts, the counts and what to do go to stderr.

    \b
    Example:
      kori customers register check register.csv --as-of 2025-11-30 \\
          --receipts loyalty_visits.csv --html register.html -o findings.csv
    """
    from customers import check_register

    frame, first_line = read_table(register)
    purchases = read_optional(receipts)
    result = check_register(frame, receipts=purchases, source=source_name(register),
                            receipts_source=receipts or "receipts", first_line=first_line,
                            **options)  # fmt: skip
    write_table(result.table, output, fmt)
    if html_path:
        page = result.html()
        atomic_write(Path(html_path), lambda p: p.write_text(page, encoding="utf-8"))
    _tell(settings, result)


def _column_names(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    return None if value is None else tuple(c.strip() for c in value.split(",") if c.strip())


@customers_register.command("pseudonymise")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--secret-file", "secret_file", type=click.Path(exists=True, dir_okay=False),
              help="File holding the secret key (at least 16 bytes; e.g. head -c 32 "
              "/dev/urandom > kori.key).")
@click.option("--secret-env", "secret_env", metavar="NAME", help="Environment variable "
              "holding the secret instead  [default: KORI_SECRET].")
@click.option("--columns", "columns", callback=_column_names, metavar="COL,...",
              help="Id columns to hash (default: member_id, customer_id, Member_number present).")
@click.option("--drop", "drop", callback=_column_names, default="", metavar="COL,...",
              help="More columns to drop besides the personal fields (notes, free text).")
@click.option("--keep", "keep", callback=_column_names, default="", metavar="COL,...",
              help="Personal fields to keep as they are (e.g. postal_code in full).")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of FILE.")
@output_options()
@click.pass_obj
def customers_register_pseudonymise(settings: Settings, file: str, secret_file: str | None,
                                    secret_env: str | None, input_format: str | None,
                                    output: str | None, fmt: str | None,
                                    **options: Any) -> None:  # fmt: skip
    """Replace the ids of FILE by keyed hashes and drop its personal fields.

    Each id becomes P + 16 hex digits of HMAC-SHA256 under a secret read from --secret-file or
    an environment variable (never from the command line): the same secret gives the same ids
    in every file, another gives unlinkable ones. Names, street, email and phone are dropped,
    postal codes cut to the postal area (3 digits); town, birth year and the rest are kept.

    \b
    Examples:
      kori customers register pseudonymise loyalty_visits.csv --secret-env KORI_KEY -o visits_p.csv
      kori customers register pseudonymise register.csv --secret-file kori.key -o register_p.csv
    """
    from customers import load_secret, pseudonymise

    frame, _ = read_table(file, input_format)
    label = source_name(file)
    result = pseudonymise(frame, secret=load_secret(secret_file, secret_env), source=label,
                          **options)  # fmt: skip
    write_table(result.table, output, fmt)
    _tell(settings, result)


@customers.command("next")
@click.argument("visits", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--as-of", "as_of", required=True, callback=_as_of, metavar="DATE",
              help="Last day of the visits (required: kori never assumes today).")
@click.option("--horizon-days", "horizon_days", type=click.FloatRange(0), default=90,
              show_default=True, help="Days ahead of the expected visits and spend.")
@visit_columns(amount="without amounts spend is not modelled", store=False)
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of VISITS.")
@output_options()
@click.pass_obj
def customers_next(settings: Settings, visits: str, input_format: str | None,
                   output: str | None, fmt: str | None, **options: Any) -> None:  # fmt: skip
    """Who will come back, how often and for how much: one row per customer of VISITS.

    VISITS has one row per visit (customer_id, timestamp, amount_eur; `kori sample` writes
    loyalty_visits.csv). Visits on one day count once. Fits the BG/NBD model of visits and
    drop-out, and the Gamma-Gamma model of spend per visit when there are amounts, and writes
    per customer: frequency (repeat visit days), recency and T (weeks), p_alive,
    expected_purchases and (with amounts) expected_spend per visit and expected_value in the
    next --horizon-days, and lapsed (P(alive) below 0.5).

    \b
    Examples:
      kori customers next loyalty_visits.csv --as-of 2025-11-30
      kori customers next groceries.csv --as-of 2015-12-30 --customer-col Member_number \\
          --timestamp-col Date --date-format %d-%m-%Y
    """
    from customers import next_purchases

    frame, first_line = read_table(visits, input_format)
    label = source_name(visits)
    result = next_purchases(frame, source=label, first_line=first_line, **options)
    write_table(result.table, output, fmt)
    _tell(settings, result)


@customers.command("nps")
@click.argument("survey", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--group", "by", metavar="COLUMN", help="Score per group of this column (of "
              "SURVEY, or of --customers).")
@click.option("--customers", "customers", type=click.Path(exists=True, dir_okay=False),
              help="The customer register the survey was drawn from (customers.csv): the "
              "population, and the --group groups, joined on the customer id.")
@click.option("--population", type=click.IntRange(1), metavar="N",
              help="Customers the answers were drawn from (without --customers).")
@click.option("--confidence", "level", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.95, show_default=True, help="Confidence level of the interval, e.g. "
              "0.9.")
@click.option("--score-col", "score", default="score", show_default=True, metavar="NAME",
              help="Column of the answers, 0 to 10.")
@click.option("--customer-col", "customer", default="customer_id", show_default=True,
              metavar="NAME", help="Column of the customer id.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of SURVEY.")
@output_options()
@click.pass_obj
def customers_nps(settings: Settings, survey: str, customers: str | None,
                  input_format: str | None, output: str | None, fmt: str | None,
                  **options: Any) -> None:  # fmt: skip
    """The Net Promoter Score of SURVEY answers (0-10), with its interval, overall and per --group.

    Promoters answer 9-10, detractors 0-6; the NPS is the promoter share minus the detractor
    share, in points. The standard error is corrected for the population the answers were
    drawn from: --population N, or the customers of --customers (per --group).

    \b
    Examples:
      kori customers nps survey.csv
      kori customers nps survey.csv --customers customers.csv --group store
    """
    from customers import survey_nps

    answers, first_line = read_table(survey, input_format)
    label = source_name(survey)
    register = read_optional(customers)
    result = survey_nps(answers, customers=register, customers_source=customers or "customers",
                        source=label, first_line=first_line, **options)  # fmt: skip
    write_table(result.table, output, fmt)
    _tell(settings, result)


@customers.command("survey-sample")
@click.argument("customers", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--size", "n", type=int, required=True, metavar="N",
              help="Customers to draw.")
@click.option("--seed", type=click.IntRange(0), required=True, help="Random seed.")
@click.option("--strata", metavar="COLUMN",
              help="Draw in proportion to this column, e.g. store.")
@click.option("--customer-col", "customer", default="customer_id", show_default=True,
              metavar="NAME", help="Column of the customer id.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of CUSTOMERS.")
@output_options()
@click.pass_obj
def customers_survey_sample(settings: Settings, customers: str, input_format: str | None,
                            output: str | None, fmt: str | None, **options: Any) -> None:  # fmt: skip
    """Whom to survey: a seeded random sample of --size customers of CUSTOMERS.

    With --strata each group gets its share of the sample (rounded by the largest remainder).
    The same file, size and seed give the same customers. Writes their rows of CUSTOMERS.

    \b
    Examples:
      kori customers survey-sample customers.csv --size 400 --seed 1 --strata store
    """
    from customers import draw_survey_sample

    frame, _ = read_table(customers, input_format)
    label = source_name(customers)
    result = draw_survey_sample(frame, source=label, **options)
    write_table(result.table, output, fmt)
    _tell(settings, result)


def _segments_k(ctx: click.Context, param: click.Parameter, value: str) -> Any:
    if value == "auto":
        return value
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a whole number nor auto") from None


@customers.command("segments")
@click.argument("visits", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--as-of", "as_of", required=True, callback=_as_of, metavar="DATE",
              help="Last day of the visits (required: kori never assumes today).")
@click.option("--k", "k", default="5", show_default=True, callback=_segments_k, metavar="N|auto",
              help="Segments, or auto: the best silhouette over 3..8.")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="Seed of the k-means starts.")
@visit_columns(amount="without amounts the rows of a visit count")
@click.option("--segments", "segments_file", type=click.Path(dir_okay=False),
              help="Also write the table of segments here.")
@click.option("--by-year", "by_year_file", type=click.Path(dir_okay=False),
              help="Also write the active base year by year (with segment shares) here.")
@click.option("--lines", "lines", type=click.Path(exists=True, dir_okay=False),
              help="Receipt lines (receipts.csv): adds items per visit and category shares to "
              "the habits; lines without a customer column take it from the visits' receipt_id.")
@click.option("--catalog", "catalog", type=click.Path(exists=True, dir_okay=False),
              help="Catalog giving the lines their --category-col from --item-col.")
@click.option("--category-col", "category", default="category", show_default=True,
              metavar="NAME", help="Column of the category in --lines or --catalog (e.g. "
              "department).")
@click.option("--item-col", "item", default="sku", show_default=True, metavar="NAME",
              help="Column of the item in --lines, to join --catalog.")
@click.option("--by-store", "by_store_file", type=click.Path(dir_okay=False),
              help="Also write how each store's customers differ from the other's (or the "
              "rest's) here: per measure both means, the difference and its 95% interval.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of VISITS.")
@output_options()
@click.pass_obj
def customers_segments(settings: Settings, visits: str, input_format: str | None,
                       segments_file: str | None, by_year_file: str | None,
                       by_store_file: str | None, output: str | None, fmt: str | None,
                       **options: Any) -> None:  # fmt: skip
    """RFM scores and behavioural segments in words: one row per customer of VISITS.

    Profiles each customer (recency, visits, spend, weekdays, hours), scores R, F and M 1-5
    (quintiles), clusters the habits with seeded k-means and describes each segment by what
    sets it apart, with its share of customers and sales, how the active base changed year by
    year (12-month years ending on --as-of), and with two or more stores how their customers
    differ (only differences whose 95% interval leaves out 0 are named).

    \b
    Examples:
      kori customers segments loyalty_visits.csv --as-of 2025-11-30 --segments segments.csv
      kori customers segments loyalty_visits.csv --as-of 2025-11-30 --lines receipts.csv \\
          --catalog catalog.csv --category-col department
      kori customers segments groceries.csv --as-of 2015-12-30 --customer-col Member_number \\
          --timestamp-col Date --date-format %d-%m-%Y --k auto
    """
    from customers import customer_segments

    _distinct_outputs(output, segments_file, by_year_file, by_store_file)
    frame, first_line = read_table(visits, input_format)
    label = source_name(visits)
    for name in ("lines", "catalog"):
        options[name] = read_optional(options[name])
    result = customer_segments(frame, source=label, first_line=first_line, **options)
    _tell(settings, result)
    stores = result.by_store.differences if result.by_store is not None else None
    for path, table, what in ((segments_file, result.segments, "Segments"),
                              (by_year_file, result.by_year.reset_index(), "Base by year"),
                              (by_store_file, stores, "Stores compared")):  # fmt: skip
        if path and table is None:
            settings.info(f"{what}: not written, fewer than two stores with 30+ customers")
        elif path:
            write_table(table, path, None)
            settings.info(f"{what}: {path}")
    write_table(result.table, output, fmt)


@customers.command("regulars")
@click.argument("visits", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--as-of", "as_of", required=True, callback=_as_of, metavar="DATE",
              help="Last day of the visits (required: kori never assumes today).")
@click.option("--min-visits", "min_visits", type=click.IntRange(2), default=8, show_default=True,
              help="Visits a customer needs to be a regular.")
@click.option("--lines", "lines", type=click.Path(exists=True, dir_okay=False),
              help="Receipt lines (customer_id, receipt_id or timestamp, item): adds each "
              "regular's usual basket.")
@click.option("--item-col", "item", default="sku", show_default=True, metavar="NAME",
              help="Column of the item in --lines (a sku or a name).")
@click.option("--catalog", "catalog", type=click.Path(exists=True, dir_okay=False),
              help="Catalog (the item column and name): the basket names its items.")
@visit_columns(amount=None)
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of VISITS.")
@output_options()
@click.pass_obj
def customers_regulars(settings: Settings, visits: str, input_format: str | None,
                       lines: str | None, catalog: str | None, output: str | None,
                       fmt: str | None,
                       **options: Any) -> None:  # fmt: skip
    """Regulars of VISITS and their next likely visit: one row per regular.

    A regular has at least --min-visits visits, 70% of them on one weekday within one 2-hour
    window. Writes their weekday, hours, next_date (after --as-of, at their usual spacing),
    share of visits in the slot, days since the last visit and status: overdue after 3 or more
    expected visits missed, else due. With --lines also their usual basket (items on at least
    half of their visits with lines; receipt lines without a customer column take it from the
    visits' receipt_id), named from --catalog.

    \b
    Examples:
      kori customers regulars loyalty_visits.csv --as-of 2025-11-30
      kori customers regulars loyalty_visits.csv --as-of 2025-11-30 --lines receipts.csv \\
        --catalog catalog.csv
    """
    from customers import next_visits

    frame, first_line = read_table(visits, input_format)
    label = source_name(visits)
    basket = read_optional(lines)
    names = read_optional(catalog)
    result = next_visits(frame, lines=basket, catalog=names, source=label,
                         first_line=first_line, **options)  # fmt: skip
    write_table(result.table, output, fmt)
    _tell(settings, result)


@customers.command("report")
@click.argument("visits", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--as-of", "as_of", required=True, callback=_as_of, metavar="DATE",
              help="Last day of the visits (required: kori never assumes today).")
@click.option("--survey", type=click.Path(exists=True, dir_okay=False),
              help="NPS answers (survey.csv): adds the NPS section.")
@click.option("--customers", "customers", type=click.Path(exists=True, dir_okay=False),
              help="The customer register the survey was drawn from (customers.csv).")
@click.option("--group", "by", metavar="COLUMN", help="Score the NPS per group of this column.")
@click.option("--horizon-days", "horizon_days", type=click.FloatRange(0), default=90,
              show_default=True, help="Days ahead, and the days the holdout check hides.")
@click.option("--k", "k", default="5", show_default=True, callback=_segments_k, metavar="N|auto",
              help="Segments, or auto: the best silhouette over 3..8.")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="Seed of the k-means starts.")
@visit_columns(amount="")
@click.option("--score-col", "score", default="score", show_default=True, metavar="NAME",
              help="Column of the survey answers, 0 to 10.")
@click.option("--title", default="Our customers", show_default=True, help="Page title.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of VISITS.")
@click.option("-o", "--output", type=Document(), help="Write the page here (atomically) "
              "instead of stdout.")
@click.pass_obj
def customers_report(settings: Settings, visits: str, survey: str | None, customers: str | None,
                     input_format: str | None, output: str | None, **options: Any) -> None:  # fmt: skip
    """The customers report of VISITS: one HTML page with segments, who comes back, the
    holdout check of the model and (with --survey) the NPS, with charts.

    \b
    Examples:
      kori customers report loyalty_visits.csv --as-of 2025-11-30 --survey survey.csv \\
          --customers customers.csv --group store -o customers.html
    """
    from customers import customer_report

    frame, _ = read_table(visits, input_format)
    answers, first_line = read_table(survey) if survey else (None, None)
    register = read_optional(customers)
    result = customer_report(frame, survey=answers, customers=register, first_line=first_line,
                             source=source_name(visits),
                             survey_source=survey or "survey",
                             customers_source=customers or "customers", **options)  # fmt: skip
    page = result.html()
    if output:
        atomic_write(Path(output), lambda p: p.write_text(page, encoding="utf-8"))
    else:
        click.echo(page, nl=False)
    _tell(settings, result)


# --------------------------------------------------------------------------- sample and demo


def _floats(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, ...]:
    if not value:
        return ()
    try:
        return tuple(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of numbers, "
                                 "e.g. 0.5,0.9,0.95") from None


def _checked(check: Callable[[Any], Any], value: Any) -> Any:
    """``check(value)``: the library's refusal as a usage error, before any file is read."""
    try:
        return check(value)
    except ForecastError as exc:
        command = click.get_current_context().command
        raise click.BadParameter(as_flags(exc.message, command)) from None


def _quantiles(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from forecasting.forecast import check_quantiles

    return _checked(check_quantiles, _floats(ctx, param, value))


def _levels(ctx: click.Context, param: click.Parameter, value: tuple[float, ...]) -> Any:
    from forecasting.forecast import check_levels

    return _checked(check_levels, value) if value else ()


_FILE = click.Path(exists=True, dir_okay=False)
forecast_input_options = _options(
    click.option("--weather", "weather", type=_FILE,
                 help="Daily weather per store (date, store, temperature_c[, precipitation_mm])"
                 " over the history and the forecast days."),
    click.option("--stores", type=_FILE,
                 help="Store configuration (store.toml): opening hours and closed days."),
    click.option("--events", "events", type=_FILE,
                 help="User events: date, name[, lower, upper, store] (campaigns, local "
                 "events; a blank store is every store)."),
    click.option("--catalog", "catalog", type=_FILE,
                 help="Catalog, for --series category; `forecast run` also adds product names "
                 "and categories to the table and the planner's page."),
    click.option("--series", "level", type=click.Choice(["sku", "category", "store"]),
                 default="sku", show_default=True,
                 help="One series per sku x store, category x store or store."),
    click.option("--freq", type=click.Choice(["D", "W"], case_sensitive=False),
                 help="Daily or weekly series (default: as the sales are)."),
    click.option("--country", default="FI", show_default=True, help="Holiday calendar (ISO code)."),
    click.option("--subdiv", help="Subdivision (state, province) of the holiday calendar."),
    click.option("--no-holidays", is_flag=True, help="Leave public holidays out of the models."),
    click.option("--negative", type=click.Choice(["error", "clip", "drop"]), default="error",
                 show_default=True,
                 help="Negative quantities (returns): refuse the file, clip them to 0, or drop "
                 "their rows (counted on stderr)."),
    click.option("--input-format", type=click.Choice(INPUT_FORMATS), help="Format of SALES."),
    click.option("--date-format", metavar="FMT", help="strftime format of dates, e.g. %d.%m.%Y."),
    click.option("--jobs", type=click.IntRange(1), default=1, show_default=True,
                 help="Worker processes (with --engine dask and no --scheduler: the local "
                 "cluster's workers, 2 unless given)."),
    click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
                 show_default=True,
                 help="Run the series here (with --jobs processes) or on a Dask cluster."),
    click.option("--scheduler", envvar="KORI_SCHEDULER", metavar="ADDRESS",
                 help="With --engine dask: a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                 "(env KORI_SCHEDULER); without one a local cluster is started."),
    click.option("--interval", "levels", type=float, multiple=True, callback=_levels,
                 help="Prediction interval in percent, up to 99.9 (repeatable; --interval 80 95 "
                 "works too).  [default: 80, 95]"),
    column_options,
)  # fmt: skip


def _engine(options: dict[str, Any]) -> Any:
    """The :class:`forecasting.engine.Engine` of ``--engine``, ``--scheduler`` and ``--jobs``."""
    from forecasting.engine import Engine

    _check_scheduler(options)
    if options["engine"] != "dask":
        return Engine(jobs=options["jobs"])
    source = click.get_current_context().get_parameter_source("jobs")
    jobs = 2 if source == click.core.ParameterSource.DEFAULT else options["jobs"]
    return Engine("dask", jobs=jobs, scheduler=options["scheduler"] or None)


def _load_forecast_inputs(settings: Settings, options: dict[str, Any]) -> Any:
    """Read SALES and the optional files (:func:`forecasting.load_inputs`)."""
    from forecasting import load_inputs

    tables = _tables({"sales": options["input_format"]},
                     **{name: options[name] for name in ("sales", "weather", "events", "catalog")})
    inputs = load_inputs(
        **tables, stores=options["stores"], columns=column_mapping(options),
        level=options["level"], freq=options["freq"], country=options["country"],
        subdiv=options["subdiv"], holidays=not options["no_holidays"],
        temperature_offset=options.get("temperature_offset", 0.0),
        negative=options.get("negative", "error"), date_format=options["date_format"],
    )  # fmt: skip
    _tell(settings, inputs)
    return inputs


class _Counter:
    """Progress over series for the library's ``progress(n_done)`` callbacks."""

    def __init__(self, settings: Settings, label: str, total: int) -> None:
        self.bar = _progress(settings, label)
        self.total = total
        self.done = 0

    def __enter__(self) -> Callable[[int], None] | None:
        update = self.bar.__enter__()
        if update is None:
            return None

        def step(n: int) -> None:
            self.done += n
            update(self.done, self.total)

        return step

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)


_SALES = click.Path(exists=True, allow_dash=True)  # a folder: a Parquet dataset by store


@forecast.command("run")
@click.argument("sales", type=_SALES)
@forecast_input_options
@click.option("--model", type=click.Choice(list(_MODELS)), default="regression",
              show_default=True, help="Forecasting model; see the README for each.")
@click.option("--horizon", type=int, default=28, show_default=True,
              help="Periods (days or weeks) to forecast.")
@click.option("--quantiles", callback=_quantiles, metavar="P,P,...",
              help="Quantiles to add, from 0.001 to 0.999, e.g. 0.5,0.9,0.95.")
@click.option("--temperature-offset", type=float, default=0.0, metavar="DEGREES",
              help="What-if: add this to the future temperature (needs --weather).")
@click.option("--components", "components_file", type=click.Path(dir_okay=False),
              help="Also write the holiday, weather and season effects (regression) here.")
@click.option("--plots", "plots_dir", type=click.Path(file_okay=False),
              help="Write the planner's page (index.html: what changes and why, products to "
              "watch) and a PNG per chosen series into this folder.")
@click.option("--plot", "plot", multiple=True, metavar="ITEM",
              help="Picture this series: a sku, part of a product name or a category, any case "
              "(repeatable; names and categories need --catalog).")
@click.option("--plot-top", "plot_top", type=click.IntRange(0), metavar="N",
              help="Then picture the top N series by --plot-by.  [default: 30, none with --plot]")
@click.option("--plot-by", "plot_by", type=click.Choice(["units", "change", "width"]),
              default="units", show_default=True,
              help="Top series by forecast units, change against the same weeks last year, or "
              "relative interval width.")
@output_options(folders=True)
@click.pass_obj
def forecast_run(settings: Settings, output: str | None, fmt: str | None, **options: Any) -> None:
    """Forecast the sales in SALES per sku and store, days or weeks ahead.

    SALES has one row per date, store and sku with the units sold (date,store,sku,quantity;
    map other names with --date-col and friends). Missing open days are zero sales; closed days
    (from --stores, or days a whole store sold nothing) are left out, and forecasts on them are
    zero. The table has the forecast, the intervals (lo80, hi80, ...), the quantiles asked for,
    the model that made each series, whether its weather was the forecast file's or the
    climatology, and a note where a model fell back to a simpler one.

    \b
    Examples:
      kori forecast run sales.csv --weather weather.csv --stores store.toml > forecast.csv
      kori forecast run sales.csv --horizon 8 --freq W --series category --catalog catalog.csv
      kori forecast run sales.csv --weather weather.csv --temperature-offset 3 --quantiles 0.9
      kori forecast run sales.csv --catalog catalog.csv --plots plots/ --plot ham --plot-top 5
    """
    from forecasting.forecast import forecast as run_forecast

    if options["temperature_offset"] and not options["weather"]:
        raise click.UsageError("--temperature-offset needs --weather")
    engine = _engine(options)
    if Path(options["sales"]).is_dir():
        _forecast_dataset(settings, options, engine, output, fmt)
        return
    inputs = _load_forecast_inputs(settings, options)
    with _Counter(settings, "Forecasting", len(inputs.series.keys)) as progress:
        result = run_forecast(
            inputs.series, horizon=options["horizon"], model=options["model"],
            regressors=inputs.regressors, levels=options["levels"] or (80.0, 95.0),
            quantiles=options["quantiles"], engine=engine,
            components=bool(options["components_file"] or options["plots_dir"]),
            catalog=inputs.catalog, progress=progress,
        )  # fmt: skip
    _tell(settings, result)
    if options["components_file"]:
        if result.components is None:
            settings.info("No components: only the regression model has them")
        else:
            path = options["components_file"]
            write_table(result.components, path, None)
            settings.info(f"Components: {path}")
    if options["plots_dir"]:
        _write_plots(settings, result, Path(options["plots_dir"]), plot=options["plot"],
                     plot_top=options["plot_top"], plot_by=options["plot_by"])  # fmt: skip
    if _is_folder(output):
        _write_dataset(settings, result.table, output)
    else:
        write_table(result.table, output, fmt)


def _is_folder(output: str | None) -> bool:
    """Whether ``-o`` names a folder (ends with / or is one): a dataset partitioned by store."""
    return bool(output) and (output.endswith(("/", os.sep)) or Path(output).is_dir())


def _write_dataset(settings: Settings, table: Any, folder: str) -> None:
    from forecasting.datasets import write_dataset

    files = write_dataset(table, folder)
    settings.info(f"Wrote {len(files):,} partitions: {folder.rstrip('/')}/")


def _forecast_dataset(settings: Settings, options: dict[str, Any], engine: Any,
                      output: str | None, fmt: str | None) -> None:  # fmt: skip
    """``forecast run`` of a Parquet dataset folder: a task per store, each writing its own
    partition of ``-o FOLDER/`` (:func:`forecasting.forecast_dataset`)."""
    from forecasting import forecast_dataset

    for flag, given in (("--plots", options["plots_dir"]), ("--components", options["components_file"])):
        if given:
            raise click.UsageError(f"{flag} needs SALES as one file, not a dataset folder")
    folder = _is_folder(output)
    if folder and Path(output).resolve() == Path(options["sales"]).resolve():
        raise click.UsageError("-o is the SALES folder: write the forecasts to another folder")
    from forecasting.datasets import partitions

    tables = _tables(**{name: options[name] for name in ("weather", "events", "catalog")})
    del tables["first_lines"]

    with _Counter(settings, "Forecasting stores", len(partitions(options["sales"]))) as progress:
        result = forecast_dataset(
            options["sales"], horizon=options["horizon"], model=options["model"],
            levels=options["levels"] or (80.0, 95.0), quantiles=options["quantiles"],
            stores=options["stores"], output=output if folder else None, engine=engine,
            progress=progress, columns=column_mapping(options), level=options["level"],
            freq=options["freq"], country=options["country"], subdiv=options["subdiv"],
            holidays=not options["no_holidays"], negative=options["negative"],
            temperature_offset=options["temperature_offset"],
            date_format=options["date_format"], **tables,
        )  # fmt: skip
    _tell(settings, result)
    if result.table is not None:
        write_table(result.table, output, fmt)


def _write_plots(settings: Settings, result: Any, folder: Path, **choice: Any) -> None:
    """The planner's page (:func:`forecasting.planner_page`) and its PNGs into ``folder``."""
    from forecasting import planner_page

    folder.mkdir(parents=True, exist_ok=True)
    asked = len(choice["plot"]) + (choice["plot_top"] if choice["plot_top"] is not None
                                   else 0 if choice["plot"] else 30)  # about: an item may match many
    with _Counter(settings, "Plotting", min(asked, len(result.series.keys))) as progress:
        page = planner_page(result, **choice, progress=progress)
    for name, png in page.pictures.items():
        atomic_write(folder / name, lambda p, data=png: p.write_bytes(data))
    atomic_write(folder / "index.html", lambda p: p.write_text(page.html, encoding="utf-8"))
    _tell(settings, page)
    settings.info(f"Plots of {len(page.pictures)} series: {folder / 'index.html'}")


def _write_pictures(settings: Settings, folder: Path, title: str, series: Any, positions: Any,
                    draw: Callable[[int], bytes], note: str) -> None:  # fmt: skip
    """A PNG per series at ``positions`` of ``series.keys`` (``draw(position)``), atomically,
    and an ``index.html`` with all of them."""
    from forecasting.plots import html_index, plot_file_names

    folder.mkdir(parents=True, exist_ok=True)
    labels = series.labels()
    names = plot_file_names(series.keys)
    pictures = []
    with _Counter(settings, "Plotting", len(positions)) as progress:
        for position in positions:
            png = draw(int(position))
            atomic_write(folder / names[position], lambda p, data=png: p.write_bytes(data))
            pictures.append((labels[position], png))
            if progress:
                progress(1)
    page = html_index(title, pictures, [note], [names[p] for p in positions])
    atomic_write(folder / "index.html", lambda p: p.write_text(page, encoding="utf-8"))
    settings.info(f"Plots of {len(positions)} series: {folder / 'index.html'}")


@forecast.command("backtest")
@click.argument("sales", type=_SALES)
@forecast_input_options
@click.option("--models", default="regression", show_default=True, metavar="NAME,NAME|all",
              help="Models to score (seasonal naive is always added); 'all' for every one.")
@click.option("--horizon", type=int, default=28, show_default=True,
              help="Periods forecast from each origin.")
@click.option("--windows", type=int, default=3, show_default=True, help="Rolling origins.")
@click.option("--step", type=int, help="Periods between origins (default: the horizon).")
@click.option("--weather-at", type=click.Choice(["observed", "origin"]), default="observed",
              show_default=True,
              help="Weather of the test periods: as observed, or as known at each origin (the "
              "file's first --weather-days days, then the climatology of the weather up to it).")
@click.option("--weather-days", type=click.IntRange(0), default=0, show_default=True,
              metavar="DAYS", help="With --weather-at origin: days after each origin whose "
              "weather is the file's (a stand-in for a weather forecast).")
@click.option("--per-series", "per_series_file", type=click.Path(dir_okay=False),
              help="Also write the metrics of every series and model here.")
@click.option("--forecasts", "forecasts_file", type=click.Path(dir_okay=False),
              help="Also write every model's forecast beside the actual, per series, window and "
              "date, here.")
@click.option("--plots", "plots_dir", type=click.Path(file_okay=False),
              help="Write a PNG per series (actual against every model, per window) and an "
              "index.html into this folder.")
@click.option("--plot-top", type=click.IntRange(1), default=30, show_default=True,
              help="Plot only this many series with the most units sold in the windows.")
@output_options(default="table")
@click.pass_obj
def forecast_backtest(settings: Settings, output: str | None, fmt: str | None,
                      **options: Any) -> None:  # fmt: skip
    """Score models on the past: forecast from rolling origins and compare with what sold.

    For each of --windows origins (the last ends with the history), every model forecasts
    --horizon periods from the history before it. The table gives per model MAE, RMSE, WAPE
    (absolute error over units sold), MASE (error over seasonal naive's in-sample error), bias
    (over-forecast share) and interval coverage, with seasonal naive beside as the baseline
    (wape_vs_naive below 1 beats it). Weather in the test periods is the observed weather, or
    with --weather-at origin the weather as known at each origin: the honest setting for models
    that use weather. SALES may be a Parquet dataset folder partitioned by store: one task per
    store, here or on Dask (--engine dask), with the scores of the same sales in one file.

    \b
    Examples:
      kori forecast backtest sales.csv --weather weather.csv --models regression,ets
      kori forecast backtest sales.csv --models all --horizon 26 --windows 1 --freq W
      kori forecast backtest sales.csv --weather weather.csv --weather-at origin --weather-days 5
      kori forecast backtest sales.csv --forecasts windows.parquet --plots backtest/
      kori forecast backtest chain/sales/ --weather chain/weather.parquet --engine dask
    """
    from forecasting.backtest import run_backtest

    names = _model_names(options["models"])
    _check_backtest_weather(options)
    engine = _engine(options)
    if Path(options["sales"]).is_dir():
        _backtest_dataset(settings, options, engine, names, output, fmt)
        return
    inputs = _load_forecast_inputs(settings, options)
    total = len(inputs.series.keys) * len({"naive", *names})
    with _Counter(settings, "Backtesting", total) as progress:
        result = run_backtest(inputs.series, models=names, horizon=options["horizon"],
                              windows=options["windows"], step=options["step"],
                              levels=options["levels"] or (80.0, 95.0),
                              regressors=inputs.regressors, weather_at=options["weather_at"],
                              weather_days=options["weather_days"], engine=engine,
                              progress=progress, source=inputs.source,
                              catalog=inputs.catalog)  # fmt: skip
    _tell(settings, result)
    write_table(result.table, output, fmt, default="table")
    _write_backtest_files(settings, result, inputs.series, options)


def _backtest_dataset(settings: Settings, options: dict[str, Any], engine: Any, names: list[str],
                      output: str | None, fmt: str | None) -> None:  # fmt: skip
    """``forecast backtest`` of a Parquet dataset folder: a task per store
    (:func:`forecasting.backtest_dataset`)."""
    from forecasting import backtest_dataset
    from forecasting.datasets import partitions

    if options["plots_dir"]:
        raise click.UsageError("--plots needs SALES as one file, not a dataset folder")
    tables = _tables(**{name: options[name] for name in ("weather", "events", "catalog")})
    del tables["first_lines"]
    with _Counter(settings, "Backtesting stores", len(partitions(options["sales"]))) as progress:
        result = backtest_dataset(
            options["sales"], models=names, horizon=options["horizon"],
            windows=options["windows"], step=options["step"],
            levels=options["levels"] or (80.0, 95.0), weather_at=options["weather_at"],
            weather_days=options["weather_days"], stores=options["stores"],
            forecasts=bool(options["forecasts_file"]), engine=engine, progress=progress,
            columns=column_mapping(options), level=options["level"], freq=options["freq"],
            country=options["country"], subdiv=options["subdiv"],
            holidays=not options["no_holidays"], negative=options["negative"],
            date_format=options["date_format"], **tables,
        )  # fmt: skip
    _tell(settings, result)
    write_table(result.table, output, fmt, default="table")
    _write_backtest_files(settings, result, None, options)


_COMPARED = click.Path(exists=True, dir_okay=False, allow_dash=True)


@forecast.command("compare")
@click.argument("base", metavar="BASE", type=_COMPARED)
@click.argument("other", metavar="OTHER", type=_COMPARED)
@click.option("--catalog", "catalog", type=click.Path(exists=True, dir_okay=False),
              help="Catalog (sku, category): compare per category instead of per sku.")
@output_options()
@click.pass_obj
def forecast_compare(settings: Settings, base: str, other: str, catalog: str | None,
                     output: str | None, fmt: str | None) -> None:  # fmt: skip
    """Compare two forecasts of `kori forecast run`: what OTHER changes against BASE.

    One row per store and category (per store and sku without --catalog), and a total row per
    store: base_units, units, change_units, change_pct, the biggest changes first. Only the
    series and dates both files have are compared; the others are counted on stderr.

    \b
    Examples:
      kori forecast run sales.csv --weather weather.csv -o base.csv
      kori forecast run sales.csv --weather weather.csv --temperature-offset 3 -o hot.csv
      kori forecast compare base.csv hot.csv --catalog catalog.csv
    """
    from forecasting import compare_forecasts

    _distinct_inputs(base, other)
    result = compare_forecasts(**_tables(base=base, other=other, catalog=catalog))
    _tell(settings, result)
    write_table(result.table, output, fmt)


def _distinct_inputs(*paths: str) -> None:
    """Refuse stdin twice: it can be read only once."""
    if sum(path == "-" for path in paths) > 1:
        raise click.UsageError("only one input can be - (stdin)")


def _check_backtest_weather(options: dict[str, Any]) -> None:
    if options["weather_days"] and options["weather_at"] != "origin":
        raise click.UsageError("--weather-days needs --weather-at origin")
    if options["weather_at"] == "origin" and not options["weather"]:
        raise click.UsageError("--weather-at origin needs --weather")


def _write_backtest_files(settings: Settings, result: Any, series: Any,
                          options: dict[str, Any]) -> None:  # fmt: skip
    """--per-series, --forecasts and --plots of a backtest."""
    from forecasting.plots import plot_backtest, series_rows, top_backtested

    for name, table, what in (("per_series_file", result.per_series, "Metrics per series"),
                              ("forecasts_file", result.forecasts, "Forecasts per window")):
        if options[name]:
            write_table(table, options[name], None)
            settings.info(f"{what}: {options[name]}")
    if options["plots_dir"]:
        positions = top_backtested(result.forecasts, series.keys, options["plot_top"])
        labels = series.labels()
        note = (f"{len(positions)} of {len(labels)} series, most units sold in the windows "
                "first; each model's WAPE in each window beside its name")
        _write_pictures(settings, Path(options["plots_dir"]), "kori backtest", series, positions,
                        lambda position: plot_backtest(series_rows(result.forecasts,
                                                                   series.keys.iloc[position]),
                                                       labels[position]), note)  # fmt: skip


def _model_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return list(_MODELS)
    unknown = [name for name in names if name not in _MODELS]
    if unknown or not names:
        raise click.BadParameter(f"unknown model {unknown[0] if unknown else text!r}; use "
                                 f"{', '.join(_MODELS)} or all", param_hint="--models")
    return names


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-11-30") from None


def _sample_end(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``--end`` of the sample: a date within the years the simulation has holidays for."""
    from forecasting.sample import END_RANGE

    day = _date(ctx, param, value)
    if day is not None and not END_RANGE[0] <= day <= END_RANGE[1]:
        raise click.BadParameter(f"{value!r} is outside {END_RANGE[0]} to {END_RANGE[1]}: the "
                                 "sample's dates must stay within 1970-2100, the dates kori "
                                 "reads")  # fmt: skip
    return day


# --------------------------------------------------------------------------- plan


def _limit(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback refusing what :func:`forecasting.stores.check_limit` refuses for ``name``."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from forecasting.stores import check_limit

        if value is None:
            return None
        _checked(lambda v: check_limit(name, v), value)
        return value

    return callback


def _distinct_outputs(*paths: str | None) -> None:
    """Refuse to write two tables to one file."""
    given = [Path(p).resolve() for p in paths if p and p != "-"]
    if len(given) != len(set(given)):
        raise click.UsageError("two outputs name the same file; give each table its own")


_FORECAST_FILE = click.Path(exists=True, dir_okay=False, allow_dash=True)
_STORES_OPTION = click.option("--stores", type=click.Path(exists=True, dir_okay=False),
                              help="Store configuration (store.toml): order days, service "
                              "levels, capacities, staffing standards.")  # fmt: skip


@plan.command("orders")
@click.argument("forecast_file", metavar="FORECAST", type=_SALES)
@click.option("--stock", "stock_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Stock per store and sku: store, sku, on_hand[, on_order].")
@click.option("--catalog", "catalog", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Catalog with pack_size, lead_time_days[, shelf_life_days, min_order_packs, "
              "order_days].")
@_STORES_OPTION
@click.option("--service-level", type=float, callback=_limit("service_level"), metavar="P",
              help="Chance of no stock-out before the next delivery, for every product, up to "
              "0.999 (overrides store.toml).")
@click.option("--distribution", type=click.Choice(["negbin", "normal"]), default="negbin",
              show_default=True, help="Of demand summed over the days an order covers.")
@click.option("--store", "only_stores", multiple=True, metavar="CODE",
              help="Only this store's lines (repeatable).")
@click.option("--category", "categories", multiple=True, metavar="NAME",
              help="Only lines of products in this catalog category (repeatable).")
@click.option("--order-date", "order_date", callback=lambda c, p, v: _day(v), metavar="DATE",
              help="Only lines ordered on this day.")
@click.option("--next-order-from", "next_order_from", callback=lambda c, p, v: _day(v),
              metavar="DATE", help="Per store and product, only the first order day on or "
              "after DATE: what to order next.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Plan the stores here (with --jobs processes) or on a "
              "Dask cluster, one task per store.")
@click.option("--scheduler", envvar="KORI_SCHEDULER", metavar="ADDRESS",
              help="With --engine dask: a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
              "(env KORI_SCHEDULER); without one a local cluster is started.")
@click.option("--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes (with --engine dask and no --scheduler: the local "
              "cluster's workers, 2 unless given).")
@column_options
@output_options(folders=True)
@click.pass_obj
def plan_orders(settings: Settings, forecast_file: str, stock_file: str, catalog: str,
                stores: str | None, service_level: float | None, distribution: str,
                output: str | None, fmt: str | None, **columns: Any) -> None:  # fmt: skip
    """Orders to place on each order day, from a forecast (a file, or a FOLDER/ of forecasts
    partitioned by store) and the stock.

    For each store, product and order day: the order-up-to level covers demand over the lead
    time plus the days to the next order at the service level (the quantile of demand summed
    over those days, from the forecast's 80% interval), capped for perishables at what sells
    before the delivery expires; the order is that level less the stock on hand and on order,
    rounded up to whole packs and the minimum order. Each line gives the order and delivery
    dates, units and packs, the stock-out risk left and the expected waste.

    \b
    Examples:
      kori forecast run sales.csv --weather weather.csv --stores store.toml > forecast.csv
      kori plan orders forecast.csv --stock stock.csv --catalog catalog.csv --stores store.toml
      kori plan orders forecast.csv --stock stock.csv --catalog catalog.csv --service-level 0.98
      kori plan orders forecast.csv --stock stock.csv --catalog catalog.csv --stores store.toml \
        --store HKI --category "ice cream" --next-order-from 2025-12-03 -o next_orders.csv
      kori plan orders forecasts/ --stock stock.csv --catalog catalog.csv --stores store.toml \
        --engine dask -o orders/
    """
    from forecasting import plan_orders as run_plan
    from forecasting.stores import load_store_configs

    filters = {name: columns.pop(name) for name in ("only_stores", "categories", "order_date",
                                                    "next_order_from")}  # fmt: skip
    if filters["order_date"] is not None and filters["next_order_from"] is not None:
        raise click.UsageError("--order-date and --next-order-from exclude each other")
    run = {name: columns.pop(name) for name in ("engine", "scheduler", "jobs")}
    engine = _engine(run)
    if Path(forecast_file).is_dir() or engine.distributed or engine.jobs > 1 or _is_folder(output):
        result = _plan_orders_dataset(forecast_file, stock_file, catalog, stores, engine, output,
                                      settings, service_level=service_level,
                                      distribution=distribution, **filters,
                                      columns=column_mapping(columns))  # fmt: skip
        _tell(settings, result)
        if result.table is not None:
            write_table(result.table, output, fmt)
        return
    result = run_plan(**_tables(forecast=forecast_file, stock=stock_file, catalog=catalog),
                      stores=load_store_configs(stores) if stores else None,
                      service_level=service_level, distribution=distribution, **filters,
                      columns=column_mapping(columns))  # fmt: skip
    _tell(settings, result)
    write_table(result.table, output, fmt)


def _plan_orders_dataset(forecast: str, stock: str, catalog: str, stores: str | None,
                         engine: Any, output: str | None, settings: Settings,
                         **options: Any) -> Any:  # fmt: skip
    """``plan orders`` one store per task (:func:`forecasting.plan_orders_dataset`): a FOLDER/
    of forecasts, ``--engine dask``, ``--jobs`` or ``-o FOLDER/``."""
    from forecasting import plan_orders_dataset
    from forecasting.stores import load_store_configs

    folder = _is_folder(output)
    if folder and Path(output).resolve() == Path(forecast).resolve():
        raise click.UsageError("-o is the FORECAST folder: write the orders to another folder")
    given = [flag for flag, name in (("--store", "only_stores"), ("--category", "categories"),
             ("--order-date", "order_date"), ("--next-order-from", "next_order_from"))
             if options[name]]  # fmt: skip
    if folder and given:
        raise click.UsageError(f"{', '.join(given)} filter{'s' * (len(given) == 1)} the whole "
                               "plan: write it to a file "
                               "(-o FILE) or stdout, not to a folder of partitions")  # fmt: skip
    tables = _tables(stock=stock, catalog=catalog,
                     **({} if Path(forecast).is_dir() else {"forecast": forecast}))  # fmt: skip
    from forecasting.datasets import partitions

    stores_total = len(partitions(forecast)) if Path(forecast).is_dir() else None
    with _Counter(settings, "Planning stores", stores_total) as progress:  # type: ignore[arg-type]
        return plan_orders_dataset(tables.pop("forecast", forecast), **tables,
                                   stores=load_store_configs(stores) if stores else None,
                                   output=output if folder else None, engine=engine,
                                   progress=progress, **options)  # fmt: skip


@plan.command("staffing")
@click.argument("traffic_file", metavar="TRAFFIC", type=_FORECAST_FILE)
@click.option("--stores", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Store configuration (store.toml): opening hours and staffing standards.")
@click.option("--weather", "weather", type=click.Path(exists=True, dir_okay=False),
              help="Daily weather per store over the history and the forecast days.")
@click.option("--horizon", type=click.IntRange(1), default=28, show_default=True,
              help="Days to plan.")
@click.option("--country", default="FI", show_default=True, help="Holiday calendar.")
@click.option("--service-time", "service_time_s", type=float, callback=_limit("service_time_s"), metavar="SECONDS",
              help="Mean time to serve a customer (overrides store.toml).")
@click.option("--wait-target", "wait_target_s", type=float, callback=_limit("wait_target_s"), metavar="SECONDS",
              help="The wait the service target refers to (overrides store.toml).")
@click.option("--service-target", type=float, callback=_limit("service_target"), metavar="P",
              help="Share of customers served within the wait target, e.g. 0.8.")
@click.option("--min-staff", "min_cashiers", type=int, callback=_limit("min_cashiers"),
              help="Least cashiers in any open hour.")
@click.option("--max-staff", "max_cashiers", type=int, callback=_limit("max_cashiers"),
              help="Most cashiers in any open hour.")
@click.option("--daily", "daily_file", type=click.Path(dir_okay=False),
              help="Also write staff hours per store and day here.")
@column_options
@output_options()
@click.pass_obj
def plan_staffing(settings: Settings, traffic_file: str, stores: str,
                  weather: str | None, daily_file: str | None, output: str | None,
                  fmt: str | None, **options: Any) -> None:  # fmt: skip
    """Cashiers per opening hour and staff hours per day, from the customer traffic.

    Forecasts each store's daily customers from TRAFFIC (customers per opening hour) with the
    default model (holidays, weather, store hours), spreads each day over its opening hours by
    the store's profile of the last eight weeks, and finds for every hour the fewest cashiers
    that serve the service target within the wait target (Erlang C: customers arrive at random,
    service times are exponential). The table explains each hour: customers, arrival rate,
    service time, load, cashiers, chance of waiting, share served in time and mean wait.

    \b
    Examples:
      kori plan staffing traffic.csv --stores store.toml --weather weather.csv > staffing.csv
      kori plan staffing traffic.csv --stores store.toml --service-time 80 --daily days.csv
    """
    from forecasting.planning.plans import plan_staffing as run_plan
    from forecasting.stores import load_store_configs

    _distinct_outputs(output, daily_file)
    standards = {key: value for key, value in options.items() if not key.startswith("col_")}
    result = run_plan(**_tables(traffic=traffic_file, weather=weather),
                      stores=load_store_configs(stores), columns=column_mapping(options),
                      **standards)  # fmt: skip
    _tell(settings, result)
    if daily_file:
        write_table(result.daily.round({"receipts": 1}), daily_file, None)
        settings.info(f"Staff hours per day: {daily_file}")
    write_table(_rounded(result.table), output, fmt)


@plan.command("freezer")
@click.argument("forecast_file", metavar="FORECAST", type=_FORECAST_FILE)
@click.option("--catalog", "catalog", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Catalog with department, category, unit_volume_l and lead_time_days.")
@_STORES_OPTION
@click.option("--capacity", multiple=True, metavar="[STORE=]LITRES",
              callback=lambda ctx, param, value: _capacity_values(value),
              help="Freezer capacity (overrides store.toml); repeat per store. LITRES alone is "
              "every other store's.")
@click.option("--service-level", type=float, callback=_limit("service_level"), metavar="P",
              help="Service level of the safety stock (overrides store.toml).")
@click.option("--review-days", type=click.IntRange(1), default=7, show_default=True,
              help="Days between deliveries of frozen goods.")
@click.option("--department", default="frozen", show_default=True,
              help="The catalog department of the products that go in the freezer.")
@click.option("--skus", "skus_file", type=click.Path(dir_okay=False),
              help="Also write the space per sku and week here.")
@column_options
@output_options()
@click.pass_obj
def plan_freezer(settings: Settings, forecast_file: str, catalog: str,
                 stores: str | None, capacity: dict[str, float],
                 service_level: float | None, review_days: int, department: str,
                 skus_file: str | None, output: str | None, fmt: str | None,
                 **columns: Any) -> None:  # fmt: skip
    """Freezer space per category and week, from forecasts of frozen products.

    Each product needs a delivery's worth of stock (--review-days of demand) plus safety stock
    for the lead time and review period, times its unit volume. When a week's needs exceed the
    capacity, space goes first to the stock that serves the most forecast demand per litre, and
    what does not fit is listed. The summary names the weeks each category's space should grow
    or shrink. Forecast far enough ahead to see the seasons (e.g. --horizon 365).

    \b
    Examples:
      kori forecast run sales.csv --stores store.toml --horizon 365 > year.csv
      kori plan freezer year.csv --catalog catalog.csv --stores store.toml > freezer.csv
      kori plan freezer year.csv --catalog catalog.csv --capacity HKI=2000 --capacity TRE=1200
    """
    from forecasting.planning.plans import plan_freezer as run_plan
    from forecasting.stores import load_store_configs

    _distinct_outputs(output, skus_file)
    tables = _tables(forecast=forecast_file, catalog=catalog)
    tables["sources"]["stores"] = stores or "<stores>"
    result = run_plan(**tables, stores=load_store_configs(stores) if stores else {},
                      capacity=capacity, service_level=service_level,
                      review_days=review_days, department=department,
                      columns=column_mapping(columns))  # fmt: skip
    _tell(settings, result)
    if skus_file:
        write_table(_round_floats(result.skus), skus_file, None)
        settings.info(f"Space per sku: {skus_file}")
    write_table(_round_floats(result.table), output, fmt)


def _round_floats(frame: Any, digits: int = 3) -> Any:
    """Float columns rounded (litres and units to a thousandth read better than 17 digits)."""
    return frame.round(dict.fromkeys(frame.select_dtypes("float").columns, digits))


def _capacity_values(values: tuple[str, ...]) -> dict[str, float]:
    """``--capacity 1800`` (key ``"*"``: every store) and ``--capacity HKI=1800``, checked as
    :func:`forecasting.stores.limit_problem` checks store.toml; a store given twice is refused."""
    from forecasting.stores import limit_problem

    out: dict[str, float] = {}
    for value in values:
        store, _, litres = value.rpartition("=")
        store = store.strip()
        try:
            amount = float(litres)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not LITRES or STORE=LITRES",
                                     param_hint="--capacity") from None  # fmt: skip
        problem = limit_problem("freezer_capacity_litres", amount)
        if problem is not None:
            raise click.BadParameter(f"{value!r}: capacity {problem.split(' = ', 1)[1]}",
                                     param_hint="--capacity")  # fmt: skip
        if store in out:
            which = f"store {store!r}" if store else "LITRES without a store"
            raise click.BadParameter(f"{which} is given twice ({out[store]:g} and {amount:g}); "
                                     "give each store once",
                                     param_hint="--capacity")  # fmt: skip
        out[store] = amount
    return {store or "*": litres for store, litres in out.items()}


def _write_sample(outdir: Path, settings: Settings, sample: Any = None,
                  **kwargs: Any) -> dict[str, Path]:
    """Write the sample store (simulated from ``kwargs``, or the ``sample`` given) to OUTDIR."""
    from forecasting.sample import simulate_store

    sample = simulate_store(**kwargs) if sample is None else sample
    written: dict[str, Path] = {}
    outdir.mkdir(parents=True, exist_ok=True)
    tables = {**sample.tables(), **sample.loyalty_tables()}
    width = max(len(str(outdir / name)) for name in tables)
    for name, frame in tables.items():
        if frame.empty:  # no receipt weeks asked for: no receipts file rather than an empty one
            _remove_stale(outdir / name, settings)
            settings.info(f"  {outdir / name!s:<{width}}  not written (no rows)")
            continue
        path = outdir / name
        atomic_write(path, lambda target, frame=frame: _serialise(frame, target, "csv"))
        written[name] = path
        settings.info(f"  {path!s:<{width}}  {len(frame):>9,} rows")
    toml_path = outdir / "store.toml"
    atomic_write(toml_path, lambda target: target.write_text(sample.store_toml(), encoding="utf-8"))
    written["store.toml"] = toml_path
    settings.info(f"  {toml_path!s:<{width}}  {len(sample.stores):>9} stores")
    return written


_CHAIN_TABLES = ("sales", "traffic", "receipts")
_SAMPLE_FILES = ("catalog", "receipts", "sales", "weather", "traffic", "stock", "customers",
                 "loyalty", "loyalty_visits", "survey", "register")  # fmt: skip


def _write_chain(outdir: Path, settings: Settings, chain: Any, fmt: str) -> None:
    """Write a simulated chain to OUTDIR store by store (one store in memory at a time): sales,
    traffic and receipts as one CSV file each or as Parquet datasets partitioned by store
    (``sales/store=S0001/part-0.parquet``), each put in place only once complete."""
    import shutil

    import pandas as pd

    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=outdir, prefix=".kori-chain-"))
    rows, stock = dict.fromkeys(_CHAIN_TABLES, 0), []
    try:
        for part in chain.parts():
            for table in (t for t in _CHAIN_TABLES if len(getattr(part, t))):
                frame = getattr(part, table)
                rows[table] += len(frame)
                if fmt == "parquet":
                    folder = work / table / f"store={part.store}"
                    folder.mkdir(parents=True)
                    frame.drop(columns="store").to_parquet(folder / "part-0.parquet", index=False)
                    continue
                with open(work / f"{table}.csv", "a", encoding="utf-8", newline="") as out:
                    frame.to_csv(out, index=False, header=out.tell() == 0, lineterminator="\n")
            stock.append(part.stock)
        small = {"catalog": chain.catalog, "weather": chain.weather,
                 "stock": pd.concat(stock, ignore_index=True)}  # fmt: skip
        for name, frame in small.items():
            _serialise(frame, work / f"{name}.{fmt}", fmt)
            rows[name] = len(frame)
        for stale in _SAMPLE_FILES:  # a folder never holds two runs
            _remove_stale(outdir / f"{stale}.csv", settings)
            _remove_stale(outdir / f"{stale}.parquet", settings)
            if (outdir / stale).is_dir() and stale in _CHAIN_TABLES:
                shutil.rmtree(outdir / stale)
                settings.info(f"  {outdir / stale}/: removed, it was from an earlier run")
        shown = {name: str(outdir / name) + ("/" if fmt == "parquet" and name in _CHAIN_TABLES
                                             else f".{fmt}") for name in rows}  # fmt: skip
        width = max(map(len, shown.values()))
        for name, count in rows.items():
            if not count:
                settings.info(f"  {shown[name]:<{width}}  not written (no rows)")
                continue
            os.replace(work / Path(shown[name]).name, outdir / Path(shown[name]).name)
            settings.info(f"  {shown[name]:<{width}}  {count:>11,} rows")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    atomic_write(outdir / "store.toml",
                 lambda target: target.write_text(chain.store_toml(), encoding="utf-8"))  # fmt: skip
    settings.info(f"  {outdir / 'store.toml'!s:<{width}}  {len(chain.stores):>11,} stores")


def _validates(kind: str) -> bool:
    """Whether `kori data validate` knows a KIND of sample file."""
    from customers.schemas import SCHEMAS as LOYALTY
    from forecasting.schemas import KINDS

    return kind == "receipts" or kind in KINDS or kind in LOYALTY


def _remove_stale(path: Path, settings: Settings) -> None:
    """Remove a file of an earlier run that this run does not write, so that a folder never
    holds two runs (old receipts beside new sales would look like one store's data)."""
    if path.is_file():
        path.unlink()
        settings.info(f"  {path}: removed, it was from an earlier run")


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
            "--end", callback=_sample_end, metavar="DATE",
            help="Last day of the history, 1990-01-01 to 2099-12-31.  [default: 2025-11-30]",
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
@click.option("--stores", type=int, metavar="N",
              help="A chain of N generated stores (1-2,000) instead of the two sample stores: "
                   "sales, traffic, weather, stock (receipts only with --receipt-weeks).")
@click.option("--products", type=int, metavar="N",
              help="With --stores: N products spread over the catalog instead of all.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True,
              help="With --stores: parquet writes sales, traffic and receipts as datasets "
                   "partitioned by store (sales/store=S0001/part-0.parquet).")
@click.pass_obj
def sample(settings: Settings, outdir: str, stores: int | None, products: int | None, fmt: str,
           **options: Any) -> None:
    """Write the data of a simulated Finnish supermarket to OUTDIR.

    Two stores (Helsinki and Tampere), about 150 products, daily sales, receipts of the last
    weeks, weather with a 14-day forecast, hourly customers, a store configuration and loyalty
    cards (card holders, their visits over the history, a customer survey), all from one
    simulation: the same seed gives byte-identical files. Known truths are planted in it
    (see the README): salmon sells with dill and coarse salt, ice cream with warm weather, ham
    before Christmas; stores close on some public holidays.

    \b
    Examples:
      kori sample data/
      kori sample data/ --seed 7 --years 2 --end 2024-06-30
      kori sample chain/ --stores 400 --products 250 --years 1 --format parquet
    """
    kwargs = _sample_kwargs(**options)
    if stores is not None or products is not None:
        from forecasting.sample import simulate_store

        source = click.get_current_context().get_parameter_source("receipt_weeks")
        if source == click.core.ParameterSource.DEFAULT:  # a chain gets receipts when asked
            kwargs["receipt_weeks"] = 0
        chain = simulate_store(**kwargs, stores=stores,
                               **({} if products is None else {"products": products}))  # fmt: skip
        settings.info(f"Simulating {len(chain.stores):,} stores x {len(chain.catalog)} products "
                      f"up to {kwargs['end']} (seed {kwargs['seed']}) into {outdir}/")  # fmt: skip
        _write_chain(Path(outdir), settings, chain, fmt)
        return
    if fmt != "csv":
        raise click.UsageError("--format parquet is for a chain: add --stores N")
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
    file as `kori data validate` would, mines the receipts for cross-sell rules (as `kori rules
    mine` does), writes the buyer report (as `kori rules report` does), and forecasts every
    product 28 days ahead with plots (as `kori forecast run` does), and turns the forecasts
    into orders, a staffing plan and a freezer plan (as `kori plan` does); it compares a first
    week 5 degrees warmer with the forecast (as `kori forecast compare` does); and it says
    which loyalty customers come back and the NPS per store (as `kori customers next` and
    `kori customers nps` do), with the customers report (as `kori customers report` does); and
    it checks the customer register and writes a pseudonymised extract of the visits (as `kori
    customers register check` and `pseudonymise` do). OUTDIR defaults to ./kori-demo.
    """
    kwargs = _sample_kwargs(**options)
    folder = Path(outdir)
    settings.info(f"1. Simulating the sample store (seed {kwargs['seed']}) into {folder}/")
    written = _write_sample(folder, settings, **kwargs)
    _demo_validate(settings, written)
    if "receipts.csv" in written:
        _demo_rules(settings, folder)
    else:
        for name in _RULE_FILES:
            _remove_stale(folder / name, settings)
    inputs, table = _demo_forecast(settings, folder)
    _demo_whatif(settings, folder, inputs, table)
    _demo_plans(settings, folder, inputs, table)
    if "loyalty_visits.csv" in written:
        _demo_customers(settings, folder, kwargs["end"])
    if "register.csv" in written:
        _demo_register(settings, folder, kwargs["end"], kwargs["seed"])
    settings.info(f"Done. Try: kori data validate sales {folder / 'sales.csv'}")


_RULE_FILES = ("rules.csv", "rules.html", "rules.xlsx")


def _demo_validate(settings: Settings, written: dict[str, Path]) -> None:
    """Step 2 of the demo: every sample file through its validator, as `kori data validate`."""
    from forecasting.validation import validate_table

    settings.info("2. Validating the files")
    for name, path in written.items():
        if not name.endswith(".csv") or not _validates(name.removesuffix(".csv")):
            continue
        frame, first_line = read_table(str(path))
        report = validate_table(frame, _schema(name.removesuffix(".csv")), source=str(path),
                                first_line=first_line)  # fmt: skip
        report.raise_for_errors()
        settings.info(
            f"  {path}: valid, {len(report.warnings)} warnings, {len(report.notes)} notes"
            + "".join(f"\n    note: {note.message}" for note in report.notes)
        )


def _demo_rules(settings: Settings, folder: Path) -> None:
    """Step 3 of the demo: cross-sell rules and the buyer report."""
    from basket import find_rules, read_receipts
    from basket.describe import for_output
    from basket.report import rule_sentence

    settings.info("3. Mining cross-sell rules from the receipts")
    frame, first_line = read_table(str(folder / "receipts.csv"))
    receipts = read_receipts(frame, source=str(folder / "receipts.csv"), first_line=first_line)
    report = find_rules(receipts, catalog=read_table(str(folder / "catalog.csv"))[0])
    title = "Cross-sell rules of the sample store"
    atomic_write(folder / "rules.csv",
                 lambda p: _serialise(for_output(report.table, "csv"), p, "csv"))  # fmt: skip
    page, book = report.html(title=title), report.workbook(title=title)
    atomic_write(folder / "rules.html", lambda p: p.write_text(page, encoding="utf-8"))
    atomic_write(folder / "rules.xlsx", lambda p: p.write_bytes(book))
    settings.info(
        f"  {report.receipts:,} receipts, {report.tested:,} rules tested, {len(report.rules)} "
        f"significant and not redundant: {folder / 'rules.csv'}, the buyer report "
        f"{folder / 'rules.html'} and {folder / 'rules.xlsx'}. The strongest pairs:"
    )
    for _, rule in report.rules[report.rules["length"] == 2].head(5).iterrows():
        settings.info(f"    {rule_sentence(rule)}")


def _demo_forecast(settings: Settings, folder: Path) -> tuple[Any, Any]:
    """Step 4 of the demo: forecasts 28 days ahead, with plots; the inputs and the forecast
    table, for the plans."""
    from forecasting import forecast, load_inputs

    settings.info("4. Forecasting every product 28 days ahead (holidays, weather, store hours)")
    inputs = load_inputs(**_tables(sales=str(folder / "sales.csv"),
                                   weather=str(folder / "weather.csv")),
                         stores=folder / "store.toml")  # fmt: skip
    with _Counter(settings, "Forecasting", len(inputs.series.keys)) as progress:
        result = forecast(inputs.series, horizon=28, regressors=inputs.regressors,
                          quantiles=(0.5, 0.9), components=True,
                          catalog=read_table(str(folder / "catalog.csv"))[0],
                          progress=progress)  # fmt: skip
    atomic_write(folder / "forecast.csv", lambda p: _serialise(result.table, p, "csv"))
    _tell(settings, result)
    _write_plots(settings, result, folder / "plots", plot=("K1040", "K1091"), plot_top=8)
    table = result.table
    ham = table[table["sku"] == "K1040"].groupby("date")["forecast"].sum()
    settings.info(f"  {folder / 'forecast.csv'}: {len(table):,} rows. Christmas ham peaks on "
                  f"{ham.idxmax():%a %d.%m.} ({ham.max():.0f} units in both stores); stores are "
                  "closed on Christmas Day, so its forecasts are zero")
    return inputs, table


def _demo_whatif(settings: Settings, folder: Path, inputs: Any, table: Any) -> None:
    """Step 4's what-if: the first week 5 degrees warmer, against the base forecast of those
    days (as `kori forecast run --temperature-offset 5` and `kori forecast compare` do)."""
    import dataclasses

    from forecasting import compare_forecasts, forecast

    hot = dataclasses.replace(inputs.regressors, temperature_offset=5.0)
    week = forecast(inputs.series, horizon=7, regressors=hot).table
    result = compare_forecasts(table[table["date"] <= week["date"].max()], week,
                               catalog=read_table(str(folder / "catalog.csv"))[0],
                               sources={"base": "forecast.csv", "other": "a week at +5 degrees"})  # fmt: skip
    atomic_write(folder / "whatif.csv", lambda p: _serialise(result.table, p, "csv"))
    settings.info(f"  What if the first week is 5 degrees warmer: {folder / 'whatif.csv'}")
    for line in result.summary():
        settings.info(f"    {line}")


def _demo_plans(settings: Settings, folder: Path, inputs: Any, table: Any) -> None:
    """Step 5 of the demo: orders, staffing and freezer space from the forecasts."""
    from forecasting import forecast, plan_freezer, plan_orders, plan_staffing

    settings.info("5. Planning: orders, checkout staff and freezer space")
    stores, files = inputs.regressors.stores, _tables(catalog=str(folder / "catalog.csv"),
                                                      stock=str(folder / "stock.csv"),
                                                      traffic=str(folder / "traffic.csv"))  # fmt: skip
    catalog = files["catalog"]
    orders = plan_orders(table, files["stock"], catalog, stores)
    atomic_write(folder / "orders.csv", lambda p: _serialise(orders.table, p, "csv"))
    settings.info(f"  {folder / 'orders.csv'}: " + "; ".join(orders.summary()[:2]))
    staffing = plan_staffing(files["traffic"], stores, horizon=28,
                             weather=inputs.regressors.weather)  # fmt: skip
    atomic_write(folder / "staffing.csv",
                 lambda p: _serialise(_rounded(staffing.table), p, "csv"))  # fmt: skip
    days = staffing.daily
    settings.info(f"  {folder / 'staffing.csv'}: {days['staff_hours'].sum():,.0f} checkout "
                  f"hours in 28 days; busiest day {days.loc[days['staff_hours'].idxmax(), 'date']:%a %d.%m.}")  # fmt: skip
    series = inputs.series
    frozen = series.select(series.keys["sku"].isin(
        catalog.loc[catalog["department"] == "frozen", "sku"]).to_numpy())  # fmt: skip
    year = forecast(frozen, horizon=365, regressors=inputs.regressors).table
    space = plan_freezer(year, catalog, stores)
    atomic_write(folder / "freezer.csv", lambda p: _serialise(space.table, p, "csv"))
    settings.info(f"  {folder / 'freezer.csv'}: a year of frozen forecasts")
    for line in space.plan.summary():
        settings.info(f"    {line}")


def _demo_customers(settings: Settings, folder: Path, end: Any) -> None:
    """Step 6 of the demo: who comes back (as `kori customers next`), the regulars and their
    baskets (as `kori customers regulars --lines --catalog`), the NPS per store (as `kori
    customers nps --customers --group store`) and the customers report."""
    from customers import customer_report, next_purchases, next_visits, survey_nps

    settings.info("6. Customers: who comes back in the next 90 days, the regulars, the NPS")
    visits, visits_line = read_table(str(folder / "loyalty_visits.csv"))
    source = str(folder / "loyalty_visits.csv")
    outlook = next_purchases(visits, as_of=end, source=source, first_line=visits_line)
    regulars = next_visits(visits, as_of=end, lines=read_table(str(folder / "receipts.csv"))[0],
                           catalog=read_table(str(folder / "catalog.csv"))[0], source=source,
                           first_line=visits_line)  # fmt: skip
    answers, first_line = read_table(str(folder / "survey.csv"))
    register = read_table(str(folder / "customers.csv"))[0]
    score = survey_nps(answers, customers=register, by="store", first_line=first_line,
                       source=str(folder / "survey.csv"))  # fmt: skip
    for name, result, lines in (
        ("customers_next.csv", outlook,
         [x for x in outlook.summary() if not x.startswith("BG/NBD")]),
        ("customers_regulars.csv", regulars, regulars.summary()[:1] + regulars.summary()[2:5]),
    ):  # fmt: skip
        atomic_write(folder / name, lambda p, t=result.table: _serialise(t, p, "csv"))
        settings.info(f"  {folder / name}:")
        for line in lines:
            settings.info(f"    {line}")
    for line in score.summary():
        settings.info(f"    {line.split(' from ')[0]}")
    page = customer_report(visits, as_of=end, survey=answers, by="store", customers=register,
                           first_line=visits_line, source=source).html()  # fmt: skip
    atomic_write(folder / "customers.html", lambda p: p.write_text(page, encoding="utf-8"))
    settings.info(f"  {folder / 'customers.html'}: the customers report (segments, the stores "
                  "compared, who comes back, the holdout check, the NPS per store)")


def _demo_register(settings: Settings, folder: Path, end: Any, seed: int) -> None:
    """Step 7 of the demo: the register's health check (as `kori customers register check`)
    and a pseudonymised extract of the visits (as `kori customers register pseudonymise`)."""
    import hashlib

    from customers import check_register, pseudonymise

    settings.info("7. The customer register: its health, and visits without personal data")
    register, first_line = read_table(str(folder / "register.csv"))
    visits = read_table(str(folder / "loyalty_visits.csv"))[0]
    check = check_register(register, as_of=end, receipts=visits, first_line=first_line,
                           source=str(folder / "register.csv"),
                           receipts_source=str(folder / "loyalty_visits.csv"))  # fmt: skip
    atomic_write(folder / "register_findings.csv",
                 lambda p: _serialise(check.table, p, "csv"))  # fmt: skip
    page = check.html()
    atomic_write(folder / "register.html", lambda p: p.write_text(page, encoding="utf-8"))
    settings.info(f"  {folder / 'register_findings.csv'} and {folder / 'register.html'}:")
    for line in check.summary()[:1] + [x for x in check.summary() if x.startswith("to do")][:3]:
        settings.info(f"    {line.strip()}")
    # A demo key, made from the seed so that the demo stays the same run to run: never use a
    # key anyone can derive for real data (make one with: head -c 32 /dev/urandom > kori.key).
    key = hashlib.sha256(f"kori demo key {seed}".encode()).digest()
    atomic_write(folder / "demo.key", lambda p: p.write_bytes(key))
    extract = pseudonymise(visits, secret=key, source=str(folder / "loyalty_visits.csv"))
    atomic_write(folder / "visits_pseudonymised.csv",
                 lambda p: _serialise(extract.table, p, "csv"))  # fmt: skip
    settings.info(f"  {folder / 'visits_pseudonymised.csv'}: card ids replaced by keyed hashes "
                  f"(demo.key, a demo key only), {len(extract.table):,} visits")


def _rounded(hours: Any) -> Any:
    """The staffing table with readable decimals."""
    return hours.round({"receipts": 2, "arrivals_per_min": 3, "load_erlangs": 3, "p_wait": 4,
                        "service_level": 4, "mean_wait_s": 1, "staff_hours": 2})  # fmt: skip


def main() -> None:
    """Entry point of the ``kori`` console script (and of ``python -m cli``).

    Click stops quietly when the reader of stdout goes away (``kori ... | head``). SIGTERM and
    SIGHUP end kori as Ctrl-C does: through the clean-up of a write in progress, so no
    temporary file is left behind.
    """
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _terminate)
    kori.main(args=_global_flags_first(sys.argv[1:]), prog_name="kori")


def _terminate(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


_INTERVALS = ("--interval", "--level")  # --level: the old name (see RENAMED)


def _expand_levels(args: list[str]) -> list[str]:
    """``--interval 80 95`` means ``--interval 80 --interval 95`` (click options take one
    value)."""
    out: list[str] = []
    for position, arg in enumerate(args):
        if arg == "--":
            return out + args[position:]
        if out and out[-1] not in _INTERVALS and _is_number(arg) and _after_level(out):
            out += [out[-2], arg]
        else:
            out.append(arg)
    return out


def _after_level(out: list[str]) -> bool:
    """Whether ``out`` ends with ``--interval N`` (and maybe more numbers expanded from it)."""
    return len(out) >= 2 and out[-2] in _INTERVALS and _is_number(out[-1])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _global_flags_first(args: list[str]) -> list[str]:
    """Let ``-q``, ``--quiet`` and ``--debug`` stand anywhere before ``--``, not only first."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in ("-q", "--quiet", "--debug")]
    rest = [a for a in args[:end] if a not in ("-q", "--quiet", "--debug")]
    return flags + rest + args[end:]


if __name__ == "__main__":
    main()
