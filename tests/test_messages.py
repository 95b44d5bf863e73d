"""Library messages speak of Python parameters, not command-line flags.

A message of :mod:`basket`, :mod:`forecasting` or :mod:`customers` names a parameter in single backticks
(`` `top` ``, `` `min_confidence=0.2` ``, `` `columns={'date': 'day'}` ``); the command line
writes each as the option that sets it (:func:`cli.as_flags`), found by the Click parameter's
Python name. So a library string must never spell a flag, and every name it backticks must be
the name of some kori command's parameter.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p for package in ("basket", "forecasting", "customers")
                 for p in (ROOT / package).rglob("*.py"))

FLAG = re.compile(r"(?<![\w-])--[a-z]")
PARAMETER = re.compile(r"(?<!`)`([A-Za-z_]\w*)(?:=[^`]*)?`(?!`)")

SPECIAL = {"columns": "a column mapping, written as --date-col, --col NAME=COL..."}

MISMATCHED: dict[str, str] = {
    # library parameter: the Click name of the option that sets it today. The library's name is
    # the right one for a Python user; cli.py should name its parameter the same (or map it)
    # so that ``as_flags`` finds it. Remove an entry when cli.py does.
}
"""Library parameters whose command-line option has another Python name (see the report of
issue 12); ``stores`` is a Click name (``rules --store``) but not the one ``forecast --stores``
has."""


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes: the first statement of a module, class or function, and the
    bare strings after an assignment that document it (attribute docstrings): no string that
    stands alone as a statement is ever shown to a user."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}  # fmt: skip


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """Every string constant of a module but its docstrings (f-string pieces included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _library_strings() -> Iterator[tuple[str, int, str]]:
    for path in MODULES:
        for line, text in _strings(path):
            yield str(path.relative_to(ROOT)), line, text


WITHOUT_COMMANDS = ("customers/gammagamma.py", "customers/optimise.py")
"""Modules whose backticked names no `kori` command takes yet: the model fits' `monetary_value=` and
`period=`, which `kori customers next` sets itself (amounts summarised per visit day, weeks) and
does not offer as options. Remove an entry when a command takes its names."""


def _click_names() -> set[str]:
    """The Python names of every parameter of every kori command."""
    import cli

    names: set[str] = set()
    pending: list[click.Command] = [cli.kori]
    while pending:
        command = pending.pop()
        if isinstance(command, click.Group):
            pending += command.commands.values()
        names |= {param.name for param in command.params if param.name}
    return names


def test_the_library_modules_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in MODULES}
    assert {"basket/recommend.py", "forecasting/schemas.py", "forecasting/planning/demand.py"} <= names


def test_library_messages_name_no_command_line_flags() -> None:
    """``fix="Pass e.g. --top 10"`` reads wrong to a Python user: name `top=10` instead."""
    found = [f"{path}:{line}: {text!r}" for path, line, text in _library_strings()
             if FLAG.search(text)]  # fmt: skip
    assert not found, "flags in library messages:\n" + "\n".join(found)


def test_library_parameters_in_backticks_are_options_of_some_command() -> None:
    """Each `name` a message backticks is a Click parameter name (so the CLI writes its flag)."""
    known = _click_names() | set(SPECIAL) | set(MISMATCHED)
    unknown = [f"{path}:{line}: `{name}` in {text!r}"
               for path, line, text in _library_strings()
               if not path.startswith(WITHOUT_COMMANDS)
               for name in PARAMETER.findall(text) if name not in known]  # fmt: skip
    assert not unknown, "backticked names that no kori command takes:\n" + "\n".join(unknown)


def test_the_mismatched_names_still_differ() -> None:
    """An entry of MISMATCHED whose library name became a Click name is stale: remove it."""
    names = _click_names()
    assert {click_name for click_name in MISMATCHED.values()} <= names
    stale = [name for name in MISMATCHED if name in names and name != "stores"]
    assert not stale, f"cli.py now takes these names; remove them from MISMATCHED: {stale}"


@pytest.mark.parametrize("text, names", [
    ("Pass e.g. `top=10`", ["top"]),
    ("`columns={'date': 'day'}` or `levels=(80, 95)`", ["columns", "levels"]),
    ("``literal`` and `kori forecast run` and `forecast()`", []),
])  # fmt: skip
def test_the_parameter_pattern(text: str, names: list[str]) -> None:
    assert PARAMETER.findall(text) == names
