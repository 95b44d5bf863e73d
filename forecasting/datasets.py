"""Parquet datasets partitioned by store: find the partitions, read one, write one.

A dataset is a folder of Parquet files in hive-style partition folders,
``sales/store=S0001/part-0.parquet``, each partition holding whole series of one store (as
``kori sample --stores N --format parquet`` writes them). The driver of a distributed run only
lists the partitions and reads their schemas; each worker reads its own partitions, so no
process holds the whole dataset.

>>> parts = partitions("chain/sales")                              # doctest: +SKIP
>>> read_partition(parts[0]).head()
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecasting.errors import SchemaError


@dataclass(frozen=True)
class Partition:
    """One partition of a dataset: its files and the values of its partition columns.

    Attributes
    ----------
    files : tuple of str
        Parquet files of the partition, sorted.
    values : tuple of (str, str)
        ``(column, value)`` pairs from the folder names, e.g. ``(("store", "S0001"),)``.
    """

    files: tuple[str, ...]
    values: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """The file for messages (the partition's folder when it has several files)."""
        return self.files[0] if len(self.files) == 1 else str(Path(self.files[0]).parent) + "/"

    @property
    def store(self) -> str | None:
        """The ``store`` value of the partition, if it is partitioned by store."""
        return dict(self.values).get("store")


def partitions(folder: str | os.PathLike[str]) -> list[Partition]:
    """The partitions of the dataset in ``folder``, sorted by their folder names.

    Parameters
    ----------
    folder : path
        A folder of ``*.parquet`` files, in ``column=value`` partition folders or not.

    Returns
    -------
    list of Partition

    Raises
    ------
    SchemaError
        If the folder holds no Parquet file, or a file lies beside the partition folders.
    """
    root = Path(folder)
    files = sorted(path for path in root.rglob("*.parquet")
                   if path.is_file() and not _hidden(path.relative_to(root)))  # fmt: skip
    if not files:
        raise SchemaError("no Parquet files (*.parquet) in the dataset folder", source=f"{root}/",
                          fix="Give a folder of Parquet files partitioned by store "
                          "(store=S0001/part-0.parquet), or a single file")  # fmt: skip
    groups: dict[Path, list[str]] = {}
    for path in files:
        groups.setdefault(path.parent, []).append(str(path))
    out = []
    for parent, members in groups.items():
        names = parent.relative_to(root).parts
        bad = [name for name in names if "=" not in name]
        if bad:
            raise SchemaError(
                f"folder {bad[0]!r} is not a partition folder (column=value)",
                source=f"{root}/", where=members[0],
                fix="Partition the dataset as store=S0001/part-0.parquet, or move the files",
            )  # fmt: skip
        values = tuple(tuple(name.split("=", 1)) for name in names)
        out.append(Partition(files=tuple(members), values=values))  # type: ignore[arg-type]
    return out


def _hidden(path: Path) -> bool:
    """Whether a file of a dataset is left out: under a name starting with . or _ (temporary
    files, ``_SUCCESS``, ``_metadata``)."""
    return any(part.startswith((".", "_")) for part in path.parts)


def read_partition(partition: Partition, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The rows of one partition, with its partition columns (text) added when the files lack
    them.

    Parameters
    ----------
    partition : Partition
    columns : iterable of str, optional
        Read only these columns (those present in the files).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    SchemaError
        If a file cannot be read as Parquet (naming it).
    """
    frames = []
    for path in partition.files:
        present = _columns(path)
        wanted = [c for c in columns if c in present] if columns is not None else None
        try:
            frames.append(pd.read_parquet(path, columns=wanted))
        except (OSError, ValueError) as exc:
            raise _unreadable(path, exc) from None
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for column, value in partition.values:
        if column not in frame.columns:
            frame[column] = value
    return frame


def check_columns(partition: Partition, needed: Mapping[str, str], *, what: str) -> None:
    """Refuse a partition whose files lack a needed column, from the files' schemas only.

    Parameters
    ----------
    partition : Partition
    needed : mapping of str to str
        ``{kori's name: the column's name in the files}``.
    what : str
        What the table is (``"sales"``), for the message.

    Raises
    ------
    SchemaError
        Naming the file, the missing column and the columns found.
    """
    given = {column for column, _ in partition.values}
    for path in partition.files:
        present = _columns(path)
        absent = [(name, column) for name, column in needed.items()
                  if column not in present and column not in given]  # fmt: skip
        missing = [f"{name!r}" + (f" (as {column!r})" if column != name else "")
                   for name, column in absent]  # fmt: skip
        if missing:
            raise SchemaError(
                f"{what} partition lacks column {', '.join(missing)}", source=path,
                where=f"found: {', '.join(present)}",
                fix="Every partition needs the same columns; rewrite this one, or map the "
                "column names with the column options",
            )  # fmt: skip


def _columns(path: str) -> list[str]:
    """The column names of a Parquet file, from its footer alone."""
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path).names
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: str, exc: Exception) -> SchemaError:
    return SchemaError(f"cannot read the Parquet file ({exc})", source=path,
                       fix="Check that it is a whole Parquet file")  # fmt: skip


def write_partition(frame: pd.DataFrame, folder: str | os.PathLike[str],
                    values: tuple[tuple[str, str], ...]) -> str:  # fmt: skip
    """Write ``frame`` as the partition ``values`` of the dataset in ``folder``, atomically
    (a temporary file, then a rename), without the partition columns.

    Returns
    -------
    str
        The file written: ``folder/store=S0001/part-0.parquet``.
    """
    target = Path(folder).joinpath(*(f"{column}={value}" for column, value in values))
    target.mkdir(parents=True, exist_ok=True)
    path = target / "part-0.parquet"
    temporary = target / f".part-0.parquet.{os.getpid()}.tmp"
    frame.drop(columns=[column for column, _ in values if column in frame.columns]).to_parquet(
        temporary, index=False)
    os.replace(temporary, path)
    return str(path)


def write_dataset(frame: pd.DataFrame, folder: str | os.PathLike[str],
                  by: str = "store") -> list[str]:  # fmt: skip
    """Write ``frame`` as a dataset partitioned by ``by``, one atomic file per value.

    Returns
    -------
    list of str
        The files written, in the order of the values.
    """
    return [write_partition(part, folder, ((by, str(value)),))
            for value, part in frame.groupby(by, sort=True, observed=True)]  # fmt: skip
