"""The import graph of kori's own modules: no cycles, packages apart, modules small.

The graph is read from the source with :mod:`ast` (top-level *and* function-level imports), so
the test never imports the modules and runs in well under a second.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("basket", "forecasting", "customers")
MAX_LINES = 600

# Edges (importer, imported) tolerated although they close a cycle. Keep it empty: each entry
# needs a comment saying why the shared piece cannot move down.
ALLOWED_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()


def _module_files() -> dict[str, Path]:
    """Map each module name of basket, forecasting and cli to its file."""
    files = {"cli": ROOT / "cli.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module name an ``ImportFrom`` node refers to."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _target(name: str, modules: set[str]) -> str | None:
    """The longest known module that ``name`` is or lies inside (``a.b.func`` -> ``a.b``)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _imports(module: str, source: str, modules: set[str], *, is_package: bool) -> set[str]:
    """Every kori module that ``module`` imports, wherever in its ``source`` the import sits
    (``if TYPE_CHECKING:`` blocks too: a type-only import is still a dependency).

    ``import a.b.c`` counts as an edge to ``a.b.c`` only, not to the packages ``a`` and ``a.b``
    Python runs first: a package's ``__init__`` re-exporting its submodules is no cycle.
    """
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = _resolve(module, is_package, node)
            # `from package import submodule` depends on the submodule, not only the package.
            names = [f"{origin}.{alias.name}" for alias in node.names if alias.name != "*"]
            names = names or [origin]
        for name in names:
            target = _target(name, modules)
            if target is not None and target != module:
                found.add(target)
    return found


@cache
def _graph() -> dict[str, frozenset[str]]:
    """Module -> the kori modules it imports (parsed once per session)."""
    files = _module_files()
    modules = set(files)
    return {
        module: frozenset(_imports(module, path.read_text(encoding="utf-8"), modules,
                                   is_package=path.name == "__init__.py"))
        for module, path in files.items()
    }


def _find_cycle(graph: dict[str, frozenset[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, ..., a]``, or None; depth-first search with colours."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if (node, nxt) in ALLOWED_CYCLE_EDGES:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_function_level_and_relative_imports() -> None:
    graph = _graph()
    assert "forecasting.forecast" in graph and "basket.rules" in graph and "cli" in graph
    assert any(targets for targets in graph.values())
    # cli.py imports the library inside its command functions.
    assert any(t.split(".")[0] == "forecasting" for t in graph["cli"])
    assert any(t.split(".")[0] == "basket" for t in graph["cli"])


def test_the_reader_resolves_relative_imports_and_submodules() -> None:
    modules = {"pkg", "pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c"}
    source = (
        "from . import b\n"  # the submodule pkg.b, not the package
        "def later():\n"
        "    from .sub.c import thing\n"  # function level, a name inside pkg.sub.c
        "    from pkg import not_a_module\n"  # a name of the package itself
        "import numpy\n"
    )
    assert _imports("pkg.a", source, modules, is_package=False) == {"pkg.b", "pkg.sub.c", "pkg"}
    assert _imports("pkg.sub", "from .. import a\nfrom .c import x\n", modules,
                    is_package=True) == {"pkg.a", "pkg.sub.c"}


def test_the_search_reports_a_cycle_path_and_passes_a_package_over_its_submodules() -> None:
    tree = {"p": frozenset({"p.a", "p.b"}), "p.a": frozenset({"p.b"}), "p.b": frozenset()}
    assert _find_cycle(tree) is None
    looped = {**tree, "p.b": frozenset({"p.c"}), "p.c": frozenset({"p.a"})}
    assert _find_cycle(looped) == ["p.a", "p.b", "p.c", "p.a"]


def test_no_import_cycles() -> None:
    cycle = _find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_packages_never_import_each_other_or_cli() -> None:
    bad = [
        f"{module} -> {target}"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if target == "cli"
        or (module != "cli" and module.split(".")[0] != target.split(".")[0])
    ]
    assert not bad, "forbidden imports:\n" + "\n".join(bad)


def test_forecasting_does_not_reach_into_planning() -> None:
    # Planning reads forecast tables; the forecasting side never needs planning.
    bad = [
        f"{module} -> {target}"
        for module, targets in sorted(_graph().items())
        if module.startswith("forecasting.") and not module.startswith("forecasting.planning")
        for target in sorted(targets)
        if target.startswith("forecasting.planning")
    ]
    assert not bad, "forecasting imports planning:\n" + "\n".join(bad)


def test_no_module_over_600_lines() -> None:
    long = {
        module: n
        for module, path in _module_files().items()
        if module != "cli"
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them): {long}"
