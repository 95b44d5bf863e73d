"""The README's customers block runs as written and prints the figures shown under it."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Customers: lifecycle and next purchase")
    return text[start:text.index("\n## ", start + 3)]


def test_the_customers_block_runs_and_gives_the_figures_shown() -> None:
    section = _section()
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL)[1]
    namespace: dict = {}
    out = io.StringIO()
    here = os.getcwd()
    os.chdir(ROOT)  # the block reads tests/data/ relative to the repository
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(here)
    for line in out.getvalue().splitlines():
        assert line in section, line
    for line in namespace["outlook"].summary() + namespace["check"].summary():
        assert line in section, line
    shown = namespace["check"].table.round(2).to_string().splitlines()
    for line in shown[2:]:
        assert line in section, line
