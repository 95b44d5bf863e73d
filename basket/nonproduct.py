"""Items that are not products: fees, deposits, bags, postage, and items on most receipts.

Real receipts are full of them (a carrier bag, a bottle deposit, a postage line) and they crowd
out the rules a buyer wants. :func:`flag_nonproducts` names the suspects; :func:`leave_out`
takes items matching regular expressions out of the receipts before mining.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from basket.errors import ParameterError
from basket.receipts import Receipts

__all__ = ["NONPRODUCT_SHARE", "NONPRODUCT_WORDS", "LeftOut", "NonProduct", "flag_nonproducts",
           "leave_out", "nonproduct_lines", "nonproduct_message"]  # fmt: skip

NONPRODUCT_SHARE = 0.50
"""An item on at least this share of receipts is flagged: it pairs with everything. Half, not
less: grocery staples sit on a third of receipts (milk on 34% of the sample store's, whole milk
on 26% of the Groceries data) and are products; carrier bags and deposits often pass half."""

NONPRODUCT_WORDS = re.compile(
    r"\b(?:fees?|charges?|deposits?|postage|shipping|delivery|carriage|"
    r"(?:carrier|shopping|plastic|paper|grocery|reusable)\s+bags?|post$)"
    r"|^bags?\b|pantti|kassi|maksu|toimitus|postitus|postikulu|\bposti\b",
    re.IGNORECASE,
)
"""Words of fees, deposits, bags and postage in English and Finnish, matched against an item's
code and name (Finnish compounds as parts of words: ``pullopantti``, ``muovikassi``,
``toimitusmaksu``). ``Bin bags 20 pcs`` and ``Black tea 25 bags`` are products, so a bare
"bag" counts only as the whole name or at its start or end."""


@dataclass(frozen=True)
class NonProduct:
    """An item that may not be a product, and why."""

    item: str
    name: str
    share: float
    """Share of receipts holding it."""
    why: str


@dataclass(frozen=True)
class LeftOut:
    """Items left out by ``exclude_pattern`` and their receipt lines."""

    patterns: tuple[str, ...]
    items: dict[str, str] = field(default_factory=dict)
    """Item -> name of each item left out."""
    lines: int = 0
    """Receipt lines (receipt and item) of those items."""
    emptied: int = 0
    """Receipts that held nothing else, left out too."""
    unmatched: tuple[str, ...] = ()
    """Patterns that matched no item."""

    def message(self) -> str:
        """One line for the summary, e.g. ``left out 2 items matching 'bag|pantti' (1,234
        receipt lines)``."""
        shown = ", ".join(repr(p) for p in self.patterns)
        n = len(self.items)
        text = (f"left out {n:,} item{'s' * (n != 1)} matching {shown} "
                f"({self.lines:,} receipt lines")  # fmt: skip
        if self.emptied:
            text += f"; {self.emptied:,} receipts held nothing else and are left out too"
        text += ")"
        if self.items:
            some = [f"{i} {self.items[i]}" if self.items[i] != i else i
                    for i in sorted(self.items)[:5]]  # fmt: skip
            text += ": " + ", ".join(some) + (", ..." if n > 5 else "")
        if self.unmatched:
            text += "; matched no item: " + ", ".join(repr(p) for p in self.unmatched)
        return text


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ParameterError(
            f"`exclude_pattern` {pattern!r} is not a regular expression: {exc}",
            fix="Write it as a Python regular expression, e.g. `exclude_pattern='bag|pantti'`",
        ) from None


def leave_out(
    receipts: Receipts,
    patterns: Sequence[str],
    names: Mapping[str, str] | None = None,
) -> tuple[Receipts, LeftOut | None]:
    """Take the items whose code or name matches any pattern out of the receipts.

    Each pattern is a regular expression searched (``re.search``, case ignored) in an item's
    code and in its name. Receipts left with no item are left out too and counted.

    Parameters
    ----------
    receipts : Receipts
    patterns : sequence of str
        Regular expressions, e.g. ``["bag|pantti", "^POST$"]``.
    names : mapping of str to str, optional
        Item -> product name.

    Returns
    -------
    (Receipts, LeftOut or None)
        The receipts without those items, and what was left out (None without patterns).

    Raises
    ------
    ParameterError
        If a pattern is not a regular expression.

    Examples
    --------
    >>> from basket.receipts import from_baskets
    >>> r = from_baskets(["milk,carrier bag", "milk,bread", "pantti"])
    >>> kept, gone = leave_out(r, ["bag|pantti"])
    >>> sorted(map(str, kept.items)), kept.n_receipts, gone.message()
    (['bread', 'milk'], 2, "left out 2 items matching 'bag|pantti' (2 receipt lines; 1 receipts \
held nothing else and are left out too): carrier bag, pantti")
    """
    patterns = tuple(p for p in patterns if p)
    if not patterns:
        return receipts, None
    compiled = [_compile(p) for p in patterns]
    names = names or {}
    labels = [str(item) for item in receipts.items]
    hits = [[bool(c.search(label) or c.search(names.get(label, ""))) for label in labels]
            for c in compiled]  # fmt: skip
    drop = np.any(np.array(hits, dtype=bool).reshape(len(compiled), len(labels)), axis=0)
    unmatched = tuple(p for p, row in zip(patterns, hits) if not any(row))
    matrix = receipts.matrix.tocsc()
    lines = int(matrix[:, np.flatnonzero(drop)].nnz) if drop.any() else 0
    kept = matrix[:, np.flatnonzero(~drop)].tocsr()
    nonempty = np.diff(kept.indptr) > 0
    gone = LeftOut(
        patterns=patterns,
        items={label: names.get(label, label) for label, d in zip(labels, drop) if d},
        lines=lines,
        emptied=int((~nonempty).sum()),
        unmatched=unmatched,
    )
    dropped = dict(receipts.dropped)
    if lines:
        dropped["lines of items matching `exclude_pattern`"] = lines
    out = replace(receipts, matrix=kept, items=receipts.items[~drop], dropped=dropped)
    return (out.select(nonempty) if gone.emptied else out), gone


def flag_nonproducts(
    receipts: Receipts,
    names: Mapping[str, str] | None = None,
    *,
    share: float = NONPRODUCT_SHARE,
) -> list[NonProduct]:
    """Items that may not be products: on ``share`` or more of the receipts, or named like a
    fee, deposit, bag or postage (:data:`NONPRODUCT_WORDS`, matched against code and name).

    Returns
    -------
    list of NonProduct
        Most common first.

    Examples
    --------
    >>> from basket.receipts import from_baskets
    >>> r = from_baskets(["milk,muovikassi", "milk,bread", "milk,eggs", "milk,cheese"])
    >>> [(f.item, f.share, f.why) for f in flag_nonproducts(r)]
    [('milk', 1.0, 'on 100% of receipts'), ('muovikassi', 0.25, "named like a fee, deposit, \
bag or postage ('kassi')")]
    """
    names = names or {}
    n = receipts.n_receipts
    counts = receipts.item_counts()
    found = []
    for item, count in zip(receipts.items, counts):
        label = str(item)
        name = names.get(label, label)
        part = float(count / n) if n else 0.0
        word = NONPRODUCT_WORDS.search(label) or NONPRODUCT_WORDS.search(name)
        reasons = [f"on {part:.0%} of receipts"] if part >= share else []
        if word:
            reasons.append(f"named like a fee, deposit, bag or postage ({word[0]!r})")
        if not reasons:
            continue
        why = "; ".join(reasons)
        found.append(NonProduct(item=label, name=name, share=float(part), why=why))
    return sorted(found, key=lambda f: (-f.share, f.item))


def nonproduct_lines(left_out: LeftOut | None, found: Sequence[NonProduct]) -> list[str]:
    """Summary lines: what ``exclude_pattern`` left out, and the items that may not be products."""
    lines = [left_out.message()] if left_out else []
    return lines + ([nonproduct_message(found)] if found else [])


_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")


def _share(part: float) -> str:
    return "<1%" if 0 < part < 0.005 else f"{part:.0%}"


def nonproduct_message(found: Sequence[NonProduct], show: int = 5) -> str:
    """One summary line naming the flagged items and how to leave them out."""
    some = [f"{f.item}" + (f" {f.name}" if f.name != f.item else "") + f" ({_share(f.share)} of "
            f"receipts" + (", by its name" if "named" in f.why else "") + ")"
            for f in found[:show]]  # fmt: skip
    more = f" and {len(found) - show:,} more" if len(found) > show else ""
    codes = [_SPECIAL.sub(r"\\\g<0>", f.item) for f in found[:3]]
    example = f"^({'|'.join(codes)})$" if len(codes) > 1 else f"^{codes[0]}$"
    one = len(found) == 1
    what = "1 item may not be a product" if one else f"{len(found):,} items may not be products"
    # the share part only when some item is flagged for it (a staple-heavy store is told why)
    it, names = ("it", "its name") if one else ("them", "their names")
    return (f"{what} (on {NONPRODUCT_SHARE:.0%} or more of receipts, or named like a fee, "
            f"deposit, bag or postage): {', '.join(some)}{more}. To leave {it} out, pass "
            f"`exclude_pattern={example!r}` or a pattern of {names}")
