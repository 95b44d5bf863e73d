"""The README's Python API block runs as written, and gives what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_api_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]


def test_the_block_calls_one_function_per_capability() -> None:
    """One import line per package, and each exported capability called once."""
    import basket
    import forecasting

    block = _python_api_block()
    capabilities = [name for name in basket.__all__ + forecasting.__all__
                    if name[0].islower()]  # fmt: skip
    for name in capabilities:
        assert len(re.findall(rf"\b{name}\(", block)) == 1, name


@pytest.mark.slow
def test_the_python_api_block_runs() -> None:
    namespace: dict = {}
    exec(compile(_python_api_block(), str(README), "exec"), namespace)  # noqa: S102
    assert not namespace["checked"].errors
    rules = namespace["rules"]
    assert len(rules.table) and rules.summary()[-1].endswith(f"{len(rules.table):,} rules")
    assert namespace["ideas"].table["name"].str.contains("Dill").any()
    assert namespace["page"].startswith("<!DOCTYPE html>")
    for name in ("itemsets", "result", "scores", "orders", "staffing", "freezer"):
        result = namespace[name]
        assert len(result.table) and result.summary(), name
    assert namespace["inputs"].series.freq == "D"
    wide = namespace["wide"]
    assert wide.table is None and len(wide.files) == 2 and wide.series == len(namespace["result"].series.keys)
    tested = namespace["tested"]
    assert list(tested.overall["model"]) == list(namespace["scores"].overall["model"])
    assert len(namespace["chain_orders"].files) == 2
