"""Rules as people and scripts read them: product names, categories, stable output columns."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from basket.errors import SchemaError

if TYPE_CHECKING:
    from basket.receipts import Receipts

ITEMSET_COLUMNS = (
    "antecedent", "consequent", "antecedent_names", "consequent_names",
    "antecedent_categories", "consequent_categories",
)  # fmt: skip


def catalog_maps(
    catalog: pd.DataFrame,
    *,
    item: str = "sku",
    name: str | None = "name",
    category: str | None = "category",
    source: str = "<catalog>",
    first_line: int = 2,
) -> tuple[dict[str, str], dict[str, str]]:
    """Item -> name and item -> category from a catalog table.

    The catalog is held to the schema ``kori data validate catalog`` checks: the item, name
    and category columns are present, no value in them is blank (or only spaces), and no item
    is listed twice (spaces around it aside). Every problem is reported at once, with the
    column, how many rows and their first line numbers and values.

    Parameters
    ----------
    catalog : pandas.DataFrame
        One row per product, as read (text or typed columns).
    item, name, category : str
        The columns of the item code, the product name and the category. ``name`` or
        ``category`` None reads no such map (e.g. an item hierarchy without names).
    source : str
        Name of the input, for messages.
    first_line : int, default 2
        Line number of the first row (for messages).

    Returns
    -------
    tuple of dict
        Item -> name and item -> category, keyed by the item exactly as written.

    Raises
    ------
    SchemaError
        If a column is missing, a value is blank or an item is listed twice.

    Examples
    --------
    >>> catalog = pd.DataFrame({"sku": ["K1"], "name": ["Dill bunch"], "category": ["herbs"]})
    >>> catalog_maps(catalog)
    ({'K1': 'Dill bunch'}, {'K1': 'herbs'})
    """
    columns = list(dict.fromkeys(c for c in (item, name, category) if c is not None))
    missing = [c for c in columns if c not in catalog.columns]
    if missing:
        raise SchemaError(
            f"missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(map(repr, missing)) + " that a catalog needs",
            source=source,
            where=f"found: {', '.join(map(str, catalog.columns[:12])) or 'no columns'}",
            fix="Give a catalog with sku, name and category (see `kori sample`)",
        )
    text = {c: catalog[c].astype("string") for c in columns}
    problems = []
    for column in columns:
        blank = (text[column].str.strip().fillna("") == "").to_numpy()
        if blank.any():
            where = _lines(blank, catalog[column], first_line)
            problems.append(f"column {column!r}: blank in {where}")
    key = text[item].str.strip()
    repeated = (key.duplicated() & key.fillna("").ne("")).to_numpy()
    if repeated.any():
        problems.append(f"column {item!r}: an item listed before in "
                        f"{_lines(repeated, catalog[item], first_line)}")  # fmt: skip
    if problems:
        raise SchemaError(
            "; ".join(problems),
            source=source,
            fix="Fill in every blank and keep one row per item (`kori data validate catalog "
            "FILE` checks the whole file)",
        )
    ids = text[item].to_numpy(dtype=object)

    def column_map(label: str | None) -> dict[str, str]:
        if label is None:
            return {}
        return dict(zip(ids, text[label].to_numpy(dtype=object)))

    return column_map(name), column_map(category)


def _lines(mask: np.ndarray, values: pd.Series, first_line: int, show: int = 5) -> str:
    """``2 rows (lines 3, 9: '', ' ')``: how many, and the first line numbers and values."""
    rows = np.flatnonzero(mask)
    count = len(rows)
    lines = ", ".join(str(first_line + i) for i in rows[:show]) + (", ..." if count > show else "")
    examples = ", ".join(repr("" if pd.isna(values.iloc[i]) else str(values.iloc[i]))
                         for i in rows[:show])  # fmt: skip
    return (f"{count:,} row{'s' if count > 1 else ''} "
            f"(line{'s' if count > 1 else ''} {lines}: {examples})")  # fmt: skip


@dataclass(frozen=True)
class CatalogGaps:
    """Items of the receipts that the catalog lacks: they keep their codes (or, mined by
    category, each is a category of its own).

    Attributes
    ----------
    items : dict of str to int
        Item (exactly as written) -> receipt lines holding it (one per receipt), most first.
    spaced : dict of str to str
        Those of them that are a catalog item once spaces around both are stripped
        (``"K1029 "`` -> ``"K1029"``): most likely the same product, written differently.
    level : str
        ``"sku"`` or ``"category"``: what the catalog was asked for.
    """

    items: dict[str, int]
    spaced: dict[str, str]
    level: str = "sku"

    @property
    def lines(self) -> int:
        """Receipt lines of the items missing."""
        return sum(self.items.values())

    def message(self, catalog: str = "the catalog", show: int = 5) -> str:
        """One sentence for the user, e.g. ``2 items (41 receipt lines) are not in
        catalog.csv: 'K1029 ', 'X1'; they keep their codes``."""
        n, one = len(self.items), len(self.items) == 1
        listed = ", ".join(repr(item) for item in list(self.items)[:show])
        if self.level == "category":
            fate = "it is left as its own category" if one else "each is left as its own category"
        else:
            fate = "it keeps its code" if one else "they keep their codes"
        lines = f"{self.lines:,} receipt line{'' if self.lines == 1 else 's'}"
        text = (f"{n:,} item{'' if one else 's'} ({lines}) {'is' if one else 'are'} not in "
                f"{catalog}: {listed}{', ...' if n > show else ''}; {fate}")  # fmt: skip
        if self.spaced:
            k = len(self.spaced)
            who = "It is" if one else f"{k:,} of them are" if k > 1 else "1 of them is"
            item, known = next(iter(self.spaced.items()))
            text += (f". {who} in the catalog once spaces are stripped ({item!r} is {known!r}):"
                     " strip the spaces in the receipts or the catalog")  # fmt: skip
        return text


def catalog_gaps(
    receipts: Receipts,
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    *,
    level: str = "sku",
) -> CatalogGaps | None:
    """The items of ``receipts`` that a catalog lacks, with the receipt lines of each.

    An item is in the catalog when ``names`` or ``categories`` has it (``categories`` alone
    with ``level="category"``), exactly as written: ``"K1029 "`` is not ``"K1029"``, but is
    listed in :attr:`CatalogGaps.spaced`.

    Returns
    -------
    CatalogGaps or None
        None when no catalog is given or it has every item.

    Examples
    --------
    >>> from basket.receipts import from_baskets
    >>> receipts = from_baskets(["K1,K2 ", "K1,X9"])
    >>> gaps = catalog_gaps(receipts, {"K1": "Dill", "K2": "Salt"})
    >>> gaps.items, gaps.spaced
    ({'K2 ': 1, 'X9': 1}, {'K2 ': 'K2'})
    """
    names, categories = names or {}, categories or {}
    known = set(categories) if level == "category" else set(names) | set(categories)
    if not known:
        return None
    items = receipts.items.tolist()
    counts = receipts.item_counts()
    missing = [i for i, item in enumerate(items) if item not in known]
    if not missing:
        return None
    order = sorted(missing, key=lambda i: (-counts[i], items[i]))
    stripped = {str(item).strip(): item for item in known}
    found = {items[i]: int(counts[i]) for i in order}
    spaced = {item: stripped[item.strip()] for item in found if item.strip() in stripped}
    return CatalogGaps(items=found, spaced=spaced, level=level)


def describe(
    rules: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Add the names and categories of both sides; order each side's items by name.

    Items missing from ``names`` show their own label; missing categories are ``""``.
    """
    names = names or {}
    categories = categories or {}
    out = rules.copy()
    for side in ("antecedent", "consequent"):
        ordered = [tuple(sorted(items, key=lambda i: (names.get(i, i), i))) for items in rules[side]]
        out[side] = pd.Series(ordered, index=rules.index, dtype=object)
        out[f"{side}_names"] = pd.Series(
            [tuple(names.get(i, i) for i in items) for items in ordered], index=rules.index,
            dtype=object,
        )  # fmt: skip
        out[f"{side}_categories"] = pd.Series(
            [tuple(categories.get(i, "") for i in items) for items in ordered],
            index=rules.index, dtype=object,
        )  # fmt: skip
    first = [c for c in ITEMSET_COLUMNS if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


def item_map(rules: pd.DataFrame, what: str = "names") -> dict[str, str]:
    """Item -> name (``what="names"``) or category (``"categories"``) as a rules table's
    ``antecedent_<what>`` and ``consequent_<what>`` columns give them."""
    out: dict[str, str] = {}
    for side in ("antecedent", "consequent"):
        if f"{side}_{what}" in rules.columns:
            for items, values in zip(rules[side], rules[f"{side}_{what}"]):
                if len(values) == len(items):  # a CSV without a catalog reads () back
                    out.update(zip(items, values))
    return out


def for_output(rules: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """The rules table as written: itemsets ``|``-joined in CSV, lists in JSON and Parquet.

    In CSV, text that a spreadsheet would run as a formula (a line starting with
    ``= + - @``, see :func:`basket.report.neutralise`) gets a quote in front of that line;
    :func:`read_rules` takes the quotes of itemset labels away again.
    """
    from basket.report import neutralise

    out = rules.copy()
    for name in out.columns:
        values = out[name]
        if values.dtype == object and len(values) and isinstance(values.iloc[0], tuple):
            if fmt == "csv":
                out[name] = ["|".join(_guard(_escape(v)) for v in items) for items in values]
            else:
                out[name] = [list(items) for items in values]
        elif fmt == "csv" and (values.dtype == object or pd.api.types.is_string_dtype(values)):
            out[name] = [neutralise(v) for v in values]
    return out


# A line start (of the label or after a line break) before a formula character or a quote;
# the guarded form has a quote there, which _restore takes away again.
_GUARD = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r'])")
_GUARDED = re.compile(r"(?:^|(?<=[\r\n]))'(?=[=+\-@\t\r'])")


def _guard(label: str) -> str:
    """The formula guard of a label in a joined cell, line by line as :func:`neutralise` does;
    a line starting with a quote is quoted too, so that reading back is unambiguous."""
    return _GUARD.sub("'", label)


def _escape(label: str) -> str:
    """A label inside a ``|``-joined CSV cell: backslash and bar escaped."""
    return label.replace("\\", "\\\\").replace("|", "\\|")


def itemsets_table(
    counts: Mapping[tuple[str, ...], int], n_receipts: int, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Frequent itemsets as a table: ``itemset, itemset_names, length, count, support``.

    Sorted by length, then count (descending), then the items.
    """
    names = names or {}
    rows = sorted(counts.items(), key=lambda kv: (len(kv[0]), -kv[1], kv[0]))
    return pd.DataFrame(
        {
            "itemset": pd.Series([items for items, _ in rows], dtype=object),
            "itemset_names": pd.Series(
                [tuple(names.get(i, i) for i in items) for items, _ in rows], dtype=object
            ),
            "length": [len(items) for items, _ in rows],
            "count": [n for _, n in rows],
            "support": [n / n_receipts for _, n in rows],
        }
    )


def read_rules(frame: pd.DataFrame, *, source: str = "<rules>") -> pd.DataFrame:
    """A rules table read back from a file written by ``kori rules mine``.

    Itemset columns become tuples again and measures numbers.

    Raises
    ------
    SchemaError
        If the table lacks the columns of a rules table.
    """
    missing = [c for c in ("antecedent", "consequent", "confidence", "lift") if c not in frame]
    if missing:
        raise SchemaError(
            f"not a rules table (no column {missing[0]!r})",
            source=source,
            where=f"found: {', '.join(map(str, frame.columns[:12])) or 'no columns'}",
            fix="Write one with `kori rules mine -o rules.csv`",
        )
    out = frame.copy()
    for name in ITEMSET_COLUMNS:
        if name in out.columns:
            out[name] = pd.Series(parse_itemsets(out[name]), index=out.index, dtype=object)
    for name in out.columns:
        if name not in ITEMSET_COLUMNS and name not in ("significant", "redundant"):
            numbers = pd.to_numeric(out[name], errors="coerce")
            if numbers.notna().sum() == out[name].notna().sum():
                out[name] = numbers
    return out


def parse_itemsets(values: pd.Series) -> list[tuple[str, ...]]:
    """Read itemsets back from a rules file: lists (JSON, Parquet) or ``|``-joined text (CSV)."""
    parsed = []
    for value in values:
        if isinstance(value, (list, tuple, np.ndarray)):
            parsed.append(tuple(str(v) for v in value))
        else:
            text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
            parts = re.split(r"(?<!\\)((?:\\\\)*)\|", text) if text else []
            # re.split keeps the captured run of escaped backslashes: glue it back on.
            labels = [parts[0]] if parts else []
            for run, rest in zip(parts[1::2], parts[2::2]):
                labels[-1] += run
                labels.append(rest)
            parsed.append(tuple(_restore(_unescape(label)) for label in labels))
    return parsed


def _unescape(label: str) -> str:
    return re.sub(r"\\(.)", r"\1", label)


def _restore(text: str) -> str:
    """Undo the formula guard of a label in a CSV cell."""
    return _GUARDED.sub("", text)
