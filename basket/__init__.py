"""Association rules on grocery receipts: what sells together, and whether it is real.

The public API is what this package exports, one function per capability, each returning a
result with a ``table`` and ``summary()`` lines (loaded on first use, so that ``import basket``
stays light):

- :func:`read_receipts`: a table of receipt lines, or lines of a basket file, as receipts
- :func:`find_rules`: cross-sell rules with their measures and significance; the result also
  renders the buyer report (``.html()``, ``.workbook()``)
- :func:`find_itemsets`: the frequent itemsets
- :func:`recommend_for`: what to place beside an item or a basket

The submodules are internal: their names and signatures may change between releases.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from basket.errors import BasketError, ParameterError, SchemaError

if TYPE_CHECKING:
    from basket.api import find_itemsets, read_receipts, recommend_for
    from basket.crosssell import find_rules

# Exported name -> (module, name in it).
_LAZY = {
    "read_receipts": ("basket.api", "read_receipts"),
    "find_rules": ("basket.crosssell", "find_rules"),
    "find_itemsets": ("basket.api", "find_itemsets"),
    "recommend_for": ("basket.api", "recommend_for"),
}

__all__ = [
    "BasketError",
    "ParameterError",
    "SchemaError",
    "find_itemsets",
    "find_rules",
    "read_receipts",
    "recommend_for",
]


def __getattr__(name: str) -> Any:
    """Import a lazy export on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'basket' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
