"""Receipts in partitions: a Parquet dataset folder, or receipts split by receipt.

A dataset is a folder of Parquet files partitioned hive-style, e.g.
``receipts/store=S0001/part-0.parquet`` as ``kori sample chain --stores N --receipt-weeks W
--format parquet`` writes it. Each file holds whole receipts; the partition columns (``store``)
are in the folder names and are added to each file's rows when it is read. Listing the files
reads none of them: :class:`ReceiptsDataset` is what the Dask engine ships to its workers, each
of which reads and checks its own files (:func:`read_partition`) as :func:`basket.receipts.
from_long` checks one table, so an error names the partition file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from basket.errors import SchemaError
from basket.receipts import Receipts, _require, from_long


@dataclass(frozen=True)
class PartitionFile:
    """One file of a dataset and the partition values in its folder names."""

    path: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReceiptsDataset:
    """A Parquet dataset of receipt lines, listed but not read.

    Attributes
    ----------
    files : tuple of PartitionFile
        The partition files, sorted by path.
    options : dict
        Keyword arguments of :func:`basket.receipts.from_long` (columns, ``exclude_items``,
        date parsing) for every file.
    source : str
        The folder's name, for messages.
    """

    files: tuple[PartitionFile, ...]
    options: dict[str, Any] = field(default_factory=dict)
    source: str = "<receipts>"

    def summary(self) -> list[str]:
        """How many partition files the dataset has (none of them is read yet).

        Returns
        -------
        list of str
        """
        n = len(self.files)
        return [f"{self.source}: a Parquet dataset of {n:,} partition file{'s' * (n != 1)}"]

    def load(self) -> Receipts:
        """Every partition read into one process, as :func:`basket.receipts.from_long` reads
        one table (what the local engines mine).

        Returns
        -------
        Receipts
        """
        import pandas as pd

        receipt = self.options.get("receipt", "receipt_id")
        needed = {**dict.fromkeys([receipt] if isinstance(receipt, str) else receipt, "receipt"),
                  self.options.get("item", "sku"): "item"}  # fmt: skip
        frames = []
        for part in self.files:  # each file checked, as the Dask engine's workers check it
            frames.append(_read_frame(part))
            _require(frames[-1], needed, part.path)
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return from_long(frame, **self.options, source=self.source, first_line=1)


def read_receipts_dataset(
    folder: str | Path,
    *,
    receipt: str | list[str] = "receipt_id",
    item: str = "sku",
    quantity: str | None = "quantity",
    timestamp: str | None = "timestamp",
    store: str | None = "store",
    exclude_items: tuple[str, ...] | list[str] = (),
    dayfirst: bool = False,
    date_format: str | None = None,
    source: str | None = None,
) -> ReceiptsDataset:
    """List the Parquet files of a receipts dataset folder, reading none of them.

    Parameters
    ----------
    folder : str or Path
        A folder of ``.parquet`` files, partitioned hive-style by store
        (``store=S0001/part-0.parquet``); each file holds whole receipts.
    receipt, item, quantity, timestamp, store, exclude_items, dayfirst, date_format
        As in :func:`basket.receipts.from_long`, for every file.
    source : str, optional
        The folder's name in messages (default: ``folder`` as given).

    Returns
    -------
    ReceiptsDataset

    Raises
    ------
    SchemaError
        If the folder holds no Parquet file.

    Examples
    --------
    >>> dataset = read_receipts_dataset("chain/receipts")          # doctest: +SKIP
    >>> dataset.files[0].path, dataset.files[0].values              # doctest: +SKIP
    ('chain/receipts/store=S0001/part-0.parquet', (('store', 'S0001'),))
    """
    root = Path(folder)
    label = source or str(folder)
    files = []
    for path in sorted(root.rglob("*.parquet")):
        relative = path.relative_to(root).parts
        if any(part.startswith((".", "_")) for part in relative):
            continue  # hidden work folders and _metadata files are not partitions
        values = tuple(tuple(part.split("=", 1)) for part in relative[:-1] if "=" in part)
        files.append(PartitionFile(str(path), values))  # type: ignore[arg-type]
    if not files:
        raise SchemaError(
            "no Parquet file in the folder",
            source=label,
            fix="Give a dataset folder such as receipts/ with store=S0001/part-0.parquet "
            "files, or a receipts file",
        )
    options = {"receipt": receipt, "item": item, "quantity": quantity, "timestamp": timestamp,
               "store": store, "exclude_items": tuple(exclude_items), "dayfirst": dayfirst,
               "date_format": date_format}  # fmt: skip
    return ReceiptsDataset(files=tuple(files), options=options, source=label)


def read_partition(part: PartitionFile, options: dict[str, Any]) -> Receipts:
    """One partition file read and checked as :func:`basket.receipts.from_long` checks a table.

    Raises
    ------
    SchemaError
        Naming the file, if it cannot be read or its lines fail a check.
    """
    return from_long(_read_frame(part), **options, source=part.path, first_line=1)


def as_receipts(receipts: Receipts | ReceiptsDataset) -> Receipts:
    """Receipts as they are, or a dataset read into this process (:meth:`ReceiptsDataset.load`)."""
    return receipts.load() if isinstance(receipts, ReceiptsDataset) else receipts


def split_receipts(receipts: Receipts, parts: int) -> list[Receipts]:
    """Receipts cut into up to ``parts`` runs of whole receipts, every item kept in each.

    What reading dropped is kept on the first part only, so that summing the parts' ``dropped``
    gives the whole's.
    """
    bounds = np.linspace(0, receipts.n_receipts, max(1, parts) + 1).astype(int)
    chunks = []
    for number, (lo, hi) in enumerate(pairwise(bounds)):
        if hi > lo or number == 0:
            chunk = receipts.select(np.arange(lo, hi))
            chunks.append(chunk if number == 0 else replace(chunk, dropped={}))
    return chunks


def _read_frame(part: PartitionFile) -> Any:
    """A partition's rows, with its partition columns from the folder names."""
    import pandas as pd

    try:
        frame = pd.read_parquet(part.path)
    except (OSError, ValueError) as exc:
        raise SchemaError(
            f"cannot read it as Parquet ({str(exc).splitlines()[0][:200]})",
            source=part.path,
            fix="Rewrite the partition, or move it out of the dataset folder",
        ) from None
    for key, value in part.values:
        if key not in frame.columns:
            frame[key] = value
    return frame
