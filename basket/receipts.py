"""Receipts in, a sparse receipt x item matrix out.

Two layouts are read: *long* (one row per receipt line: receipt id, item, optional quantity,
timestamp and store) and *basket* (one receipt per line, items separated by a delimiter, like the
arules Groceries file). Whatever the layout, an item counts once per receipt, returns and
cancelled receipts are left out and counted, and item labels are kept exactly as written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from basket.columns import read_quantities, read_timestamps, refuse_control
from basket.errors import ParameterError, SchemaError

if TYPE_CHECKING:
    from scipy import sparse


@dataclass(frozen=True)
class Receipts:
    """Receipts as a sparse 0/1 matrix, one row per receipt and one column per item.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        ``matrix[r, i]`` is 1 when receipt ``r`` holds item ``i`` (uint8, no explicit zeros).
    items : numpy.ndarray
        Item labels (str), one per column, exactly as written in the input.
    receipt_ids : numpy.ndarray
        Receipt identifiers, one per row.
    timestamps : pandas.DatetimeIndex or None
        Time of each receipt, when the input had one.
    stores : numpy.ndarray or None
        Store of each receipt, when the input had one.
    dropped : dict of str to int
        What was left out on the way, e.g. ``{"return lines": 12, "cancelled receipts": 3}``.
    source : str
        The input's name, for messages.
    """

    matrix: sparse.csr_matrix
    items: np.ndarray
    receipt_ids: np.ndarray
    timestamps: pd.DatetimeIndex | None = None
    stores: np.ndarray | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    source: str = "<receipts>"

    @property
    def n_receipts(self) -> int:
        """Number of receipts (rows)."""
        return int(self.matrix.shape[0])

    def summary(self) -> list[str]:
        """Receipts and items read, and what was left out on the way.

        Returns
        -------
        list of str
        """
        return [f"{self.source}: {self.n_receipts:,} receipts, {len(self.items):,} items"
                + "".join(f"; {what}: {n:,}" for what, n in self.dropped.items())]  # fmt: skip

    def item_counts(self) -> np.ndarray:
        """Receipts holding each item."""
        return np.asarray(self.matrix.sum(axis=0)).ravel().astype(np.int64)

    def select(self, rows: np.ndarray) -> Receipts:
        """The receipts at ``rows`` (a boolean mask or indices), items kept as they are."""
        return replace(
            self,
            matrix=self.matrix[rows],
            receipt_ids=self.receipt_ids[rows],
            timestamps=None if self.timestamps is None else self.timestamps[rows],
            stores=None if self.stores is None else self.stores[rows],
        )

    def filter(
        self,
        *,
        stores: Sequence[str] | None = None,
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> Receipts:
        """Receipts of some stores and of a period (``start`` and ``end`` days inclusive).

        Raises
        ------
        ParameterError
            If a store filter is asked for without a store column, a period without
            timestamps, or a store is unknown.
        """
        keep = np.ones(self.n_receipts, dtype=bool)
        if stores:
            if self.stores is None:
                raise ParameterError(
                    "the receipts have no store column to filter on",
                    source=self.source,
                    fix="Map it with `store`, or leave out `stores`",
                )
            unknown = sorted(set(stores) - set(self.stores))
            if unknown:
                raise ParameterError(
                    f"no receipts of store {unknown[0]!r}",
                    source=self.source,
                    where=f"stores: {', '.join(sorted(set(map(str, self.stores)))[:10])}",
                    fix="Use one of those",
                )
            keep &= np.isin(self.stores, list(stores))
        if start is not None or end is not None:
            if self.timestamps is None:
                raise ParameterError(
                    "the receipts have no timestamps to filter a period on",
                    source=self.source,
                    fix="Map one with `timestamp`, or leave out `start` and `end`",
                )
            days = self.timestamps.normalize()
            if start is not None:
                keep &= np.asarray(days >= start)
            if end is not None:
                keep &= np.asarray(days <= end)
        return self.select(keep)

    def to_level(self, mapping: Mapping[str, str], *, what: str = "category") -> Receipts:
        """Replace items by groups (e.g. their category); a receipt holds a group once.

        Items missing from ``mapping`` keep their own label and are counted in ``dropped``
        under ``"items without <what>"``.
        """
        from scipy import sparse

        labels = np.array([mapping.get(item, item) for item in self.items], dtype=object)
        missing = int(sum(item not in mapping for item in self.items))
        groups, column = np.unique(labels.astype(str), return_inverse=True)
        coo = self.matrix.tocoo()
        matrix = sparse.csr_matrix(
            (np.ones(coo.nnz, dtype=np.uint8), (coo.row, column[coo.col])),
            shape=(self.n_receipts, len(groups)),
        )
        matrix.data[:] = 1  # duplicates were summed
        dropped = dict(self.dropped)
        if missing:
            dropped[f"items without {what}"] = missing
        return replace(self, matrix=matrix, items=groups, dropped=dropped)


def from_long(
    frame: pd.DataFrame,
    *,
    receipt: str | Sequence[str] = "receipt_id",
    item: str = "sku",
    quantity: str | None = "quantity",
    timestamp: str | None = "timestamp",
    store: str | None = "store",
    exclude_items: Iterable[str] = (),
    dayfirst: bool = False,
    date_format: str | None = None,
    source: str = "<receipts>",
    first_line: int = 2,
) -> Receipts:
    """Build receipts from a table with one row per receipt line.

    Parameters
    ----------
    frame : pandas.DataFrame
        The lines, as read (text or typed columns).
    receipt : str or sequence of str, default "receipt_id"
        Column(s) that identify a receipt; several columns make one id together (the Kaggle
        Groceries file's receipt is member and date).
    item : str, default "sku"
        Column of the item label, kept exactly as written.
    quantity, timestamp, store : str or None
        Optional columns; used when present in ``frame``. Lines with a negative quantity are
        returns, and an item whose quantities on a receipt add up to zero or less was not
        bought; a receipt left with nothing is cancelled. Every quantity must be a finite
        number. Timestamps are kept as the local wall-clock time written: a UTC offset or
        ``Z`` is dropped, not applied (``10:00+02:00`` is 10:00), so offsets may differ from
        line to line; a typed tz-aware column keeps its zone's wall-clock time.
    exclude_items : iterable of str
        Placeholder labels to leave out (e.g. ``"NONE"``).
    dayfirst : bool
        Read ambiguous dates day first (31-01-2015), when no ``date_format`` is given.
    date_format : str, optional
        ``strftime`` format of the timestamps.
    source : str
        Name of the input, for messages.
    first_line : int, default 2
        Line number of the first row (for messages).

    Returns
    -------
    Receipts

    Raises
    ------
    SchemaError
        If a column is missing, a quantity is not a finite number (blank, text, ``nan``,
        ``inf``), a timestamp does not parse, is outside 1970-2100 or is stranded far from all
        the others (see :func:`basket.columns.check_dates`), or no receipt is left.
    """
    receipt_cols = [receipt] if isinstance(receipt, str) else list(receipt)
    _require(frame, {**dict.fromkeys(receipt_cols, "receipt"), item: "item"}, source)
    dropped: dict[str, int] = {}
    # Factorising the columns as they are (Arrow strings, integers) keeps ten million lines
    # out of Python objects.
    item_code, item_labels = pd.factorize(_as_text(frame[item]), sort=True)
    item_labels = np.asarray(item_labels, dtype=object)
    refuse_control(item_code, item_labels, item, source, first_line)
    blank = np.flatnonzero(item_labels == "")
    keep = (item_code >= 0) & ~np.isin(item_code, blank)
    _count(dropped, "lines without an item", int((~keep).sum()))
    excluded_codes = np.flatnonzero(np.isin(item_labels, list(exclude_items)))
    excluded = np.isin(item_code, excluded_codes) & keep
    _count(dropped, "lines of excluded items", int(excluded.sum()))
    keep &= ~excluded

    receipt_code, receipt_index = _receipt_codes(frame, receipt_cols)
    no_id = receipt_code < 0
    _count(dropped, "lines without a receipt id", int((no_id & keep).sum()))
    keep &= ~no_id
    seen = np.unique(receipt_code[receipt_code >= 0])
    _count(dropped, "receipts with only excluded or blank items",
           len(seen) - len(np.unique(receipt_code[keep])))  # fmt: skip

    if quantity and quantity in frame.columns:
        amounts = read_quantities(frame[quantity], quantity, source, first_line)
        _count(dropped, "return lines (negative quantity)", int(((amounts < 0) & keep).sum()))
    else:
        amounts = None
    stamps = None
    if timestamp and timestamp in frame.columns:
        stamps = read_timestamps(frame[timestamp], timestamp, source, first_line, dayfirst,
                                 date_format)  # fmt: skip
    stores = None
    if store and store in frame.columns:
        stores = _as_text(frame[store]).fillna("").to_numpy(dtype=object)
        refuse_control(*pd.factorize(stores), store, source, first_line)
    first_rows = None
    if stamps is not None or stores is not None:
        first_rows = np.unique(receipt_code, return_index=True)[1][int(no_id.any()):]
    return _assemble(
        receipt_code=receipt_code[keep].astype(np.int32),
        item_code=item_code[keep].astype(np.int32),
        amounts=None if amounts is None else amounts[keep],
        n_receipts_seen=len(receipt_index),
        receipt_index=receipt_index,
        item_labels=item_labels,
        first_of_receipt=first_rows,
        stamps=stamps,
        stores=stores,
        dropped=dropped,
        source=source,
    )


def _as_text(values: pd.Series) -> pd.Series:
    return values if pd.api.types.is_string_dtype(values) else values.astype("string")


def _receipt_codes(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Receipt number of each line, and the receipt ids (several columns joined with |)."""
    frame = pd.DataFrame({name: _blank_as_missing(frame[name]) for name in columns})
    if len(columns) == 1:
        codes, uniques = pd.factorize(frame[columns[0]], sort=False)
        return codes, np.asarray(uniques, dtype=object)
    codes = frame.groupby(columns, sort=False, dropna=True).ngroup().to_numpy()
    firsts = frame.loc[codes >= 0, columns].drop_duplicates()
    ids = firsts.astype("string").fillna("").agg("|".join, axis=1).to_numpy(dtype=object)
    return codes, ids


def _blank_as_missing(values: pd.Series) -> pd.Series:
    """Text that is blank (or only spaces) as missing: a blank receipt id is no receipt."""
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values
    text = values.astype("string")
    return text.where((text.str.strip() != "").fillna(False))


def from_baskets(
    lines: Iterable[str],
    *,
    delimiter: str = ",",
    header: bool = False,
    exclude_items: Iterable[str] = (),
    source: str = "<receipts>",
) -> Receipts:
    """Build receipts from lines that each list the items of one receipt.

    Fields are split as CSV (quotes protect delimiters inside a label). Blank lines and the
    header line (``header=True``) never become receipts; empty fields (``milk,,bread``, a
    trailing delimiter) are left out and counted in ``dropped``; an item repeated on a line
    counts once. Labels are kept exactly as written, spaces included.

    A file in which every receipt has one item (from 20 receipts up) is refused. Read with
    the wrong delimiter, every line of a basket file is one long label, which would mine to
    nothing without a word; and a file that really has one item per receipt holds no pair,
    so no itemset or rule across items can come of it either. The error names the
    delimiter the first lines hold, if any. Fewer receipts are let through: too few to judge.

    Raises
    ------
    ParameterError
        If ``delimiter`` is not one character.
    SchemaError
        If no receipt is found, the first line is a header of a long table, or every receipt
        has one item.

    Examples
    --------
    >>> receipts = from_baskets(["salmon;dill", "salmon"], delimiter=";")
    >>> receipts.n_receipts, receipts.items.tolist()
    (2, ['dill', 'salmon'])
    """
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ParameterError(
            f"the delimiter must be one character, got {delimiter!r}",
            source=source,
            fix="Pass e.g. `delimiter=';'` (or tab)",
        )
    dropped: dict[str, int] = {}
    excluded = set(exclude_items)
    receipt_code: list[int] = []
    labels: list[str] = []
    blank = repeats = placeholders = empty = 0
    head: list[str] = []
    rows = csv.reader(_peek(lines, head), delimiter=delimiter)
    if header:
        next(rows, None)
        dropped["header lines"] = 1
    n = 0
    for fields in rows:
        if n == 0 and not header and {"receipt_id", "sku", "item", "items"} & set(fields):
            raise SchemaError(
                "the first line looks like a header of column names, not a receipt",
                source=source,
                where=f"line 1: {','.join(fields[:6])}",
                fix="Pass `header=True` for a basket file with a header; a file with a row per "
                "receipt line is not a basket file",
            )
        basket = [label for label in fields if label != ""]
        if not basket:
            blank += 1
            continue
        empty += len(fields) - len(basket)
        kept = [label for label in basket if label not in excluded]
        placeholders += len(basket) - len(kept)
        unique = list(dict.fromkeys(kept))
        repeats += len(kept) - len(unique)
        if not unique:
            _count(dropped, "receipts with only excluded items", 1)
            continue
        receipt_code.extend([n] * len(unique))
        labels.extend(unique)
        n += 1
    _count(dropped, "blank lines", blank)
    _count(dropped, "empty items (a,,b or a trailing delimiter)", empty)
    _count(dropped, "lines of excluded items", placeholders)
    _count(dropped, "repeated items on a receipt", repeats)
    if n >= _MIN_TO_JUDGE and len(labels) == n:
        raise _one_item_each(n, head[int(header):], delimiter, source, first=1 + int(header))
    item_code, item_labels = pd.factorize(np.asarray(labels, dtype=object), sort=True)
    codes = np.asarray(receipt_code, dtype=np.int64)
    refuse_control(item_code, np.asarray(item_labels, dtype=object), "item", source, None)
    return _assemble(
        receipt_code=codes,
        item_code=item_code,
        amounts=None,
        n_receipts_seen=n,
        receipt_index=np.arange(1, n + 1),
        item_labels=np.asarray(item_labels, dtype=object),
        first_of_receipt=None,
        stamps=None,
        stores=None,
        dropped=dropped,
        source=source,
    )


_MIN_TO_JUDGE = 20  # receipts before "every receipt has one item" means a misread file
_PEEK = 10  # first lines searched for another delimiter
_DELIMITERS = {";": "';'", "\t": "tab", "|": "'|'", ",": "','", " ": "' '"}


def _peek(lines: Iterable[str], head: list[str]) -> Iterator[str]:
    """Pass ``lines`` through, keeping the first few in ``head``."""
    for line in lines:
        if len(head) < _PEEK:
            head.append(line)
        yield line


def _one_item_each(
    n: int, head: list[str], delimiter: str, source: str, first: int
) -> SchemaError:
    """The error for a basket file with one item on every receipt: which delimiter the first
    (non-blank) lines hold, when one does, and otherwise that there is nothing to pair."""
    text = [(first + i, line.rstrip("\r\n")) for i, line in enumerate(head)]
    text = [(number, line) for number, line in text if line.strip()]
    holding = {
        sep: [number for number, line in text if sep in line]
        for sep in _DELIMITERS
        if sep != delimiter
    }
    best = max(holding, key=lambda sep: len(holding[sep]))  # ties: the order of _DELIMITERS
    others = [sep for sep in holding if sep != " " and 2 * len(holding[sep]) >= len(text)]
    if others:
        best = max(others, key=lambda sep: len(holding[sep]))
    found = 2 * len(holding[best]) >= len(text) > 0
    where = f"line {text[0][0]}: {text[0][1][:60]!r}" if text else None
    if found and best != " ":
        shown = _DELIMITERS[best]
        how = "`delimiter` tab ('\\t')" if best == "\t" else f"`delimiter={shown}`"
        fix = f"{_span(holding[best])} hold {shown}: pass {how}"
    elif found:
        fix = (f"{_span(holding[best])} hold spaces: if a space separates the items, pass "
               "`delimiter=' '`; if every receipt really has one item, there is nothing to pair")
    else:
        fix = (f"Check `delimiter` (none of "
               f"{', '.join(v for k, v in _DELIMITERS.items() if k != delimiter)} is on most "
               "of the first lines); if every receipt really has one item, there is nothing "
               "to pair")
    return SchemaError(
        f"every one of the {n:,} receipts has one item, so no rules can be found",
        source=source,
        where=where,
        fix=fix,
    )


def _span(numbers: list[int]) -> str:
    """``lines 1-3`` or ``lines 1, 4`` or ``line 2``."""
    if len(numbers) == 1:
        return f"Line {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"Lines {numbers[0]}-{numbers[-1]}"
    return "Lines " + ", ".join(map(str, numbers))


def _assemble(
    *,
    receipt_code: np.ndarray,
    item_code: np.ndarray,
    amounts: np.ndarray | None,
    n_receipts_seen: int,
    receipt_index: np.ndarray,
    item_labels: np.ndarray,
    first_of_receipt: np.ndarray | None,
    stamps: pd.DatetimeIndex | None,
    stores: np.ndarray | None,
    dropped: dict[str, int],
    source: str,
) -> Receipts:
    """Net the quantities per receipt and item, keep what was bought, drop empty receipts.

    Without quantities (``amounts`` None) every line is one unit bought.
    """
    from scipy import sparse

    shape = (n_receipts_seen, len(item_labels))
    units = np.ones(len(receipt_code), dtype=np.float32) if amounts is None else amounts
    # The CSR constructor sums the lines of a pair; each stored entry is one receipt and item.
    net = sparse.csr_matrix((units, (receipt_code, item_code)), shape=shape)
    _count(dropped, "repeated lines of an item on a receipt", len(receipt_code) - net.nnz)
    if amounts is not None and (amounts < 0).any():
        bought_any = sparse.csr_matrix(
            (np.maximum(amounts, 0), (receipt_code, item_code)), shape=shape
        )
        voided = int((bought_any.data > 0).sum() - (net.data > 0).sum())
        _count(dropped, "items returned on the same receipt", max(voided, 0))
    net.data = (net.data > 0).astype(np.uint8)
    net.eliminate_zeros()
    sizes = np.diff(net.indptr)
    had_lines = np.zeros(n_receipts_seen, dtype=bool)
    had_lines[receipt_code] = True
    cancelled = had_lines & (sizes == 0)
    _count(dropped, "cancelled receipts (nothing bought)", int(cancelled.sum()))
    keep = sizes > 0
    if not keep.any():
        raise SchemaError(
            "no receipt with a bought item",
            source=source,
            where=", ".join(f"{k}: {v:,}" for k, v in dropped.items()) or "the input is empty",
            fix="Check the item and quantity columns, and `exclude_items`",
        )
    matrix = net[keep]
    used = np.asarray(matrix.sum(axis=0)).ravel() > 0
    matrix = matrix[:, used].tocsr()
    rows = first_of_receipt[keep] if first_of_receipt is not None else None
    return Receipts(
        matrix=matrix,
        items=np.asarray(item_labels[used], dtype=str),
        receipt_ids=receipt_index[keep],
        timestamps=None if stamps is None or rows is None else stamps[rows],
        stores=None if stores is None or rows is None else stores[rows],
        dropped=dropped,
        source=source,
    )


def _require(frame: pd.DataFrame, columns: Mapping[str, str], source: str) -> None:
    """Refuse a frame lacking any of ``columns`` (column -> the parameter that maps it)."""
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return
    found = ", ".join(map(str, frame.columns[:12])) or "no columns"
    names = list(dict.fromkeys(columns[c] for c in missing))
    what = (f"missing column {missing[0]!r}" if len(missing) == 1
            else "missing columns " + ", ".join(map(repr, missing)))  # fmt: skip
    raise SchemaError(
        f"{what} that receipts need",
        source=source,
        where=f"found: {found}",
        fix=f"Map {'it' if len(missing) == 1 else 'them'} with "
        + " and ".join(f"`{name}='NAME'`" for name in names)
        + ", or read it as a basket file (one receipt a line)",
    )


def _count(dropped: dict[str, int], what: str, n: int) -> None:
    if n:
        dropped[what] = dropped.get(what, 0) + n
