"""Pseudonymised extracts: receipts and register rows with keyed hashes for ids and no personal
fields, so that segments, next-purchase and rules run on data that names no one.

An id becomes ``"P" + HMAC-SHA256(secret, id)[:16 hex]``. The hash is keyed: without the
secret nobody can recompute it from a list of card numbers (a plain SHA-256 of a loyalty id
could be reversed by hashing every possible id). The same secret gives the same pseudonym for
an id in every file and column, so a pseudonymised register still joins its pseudonymised
receipts; another secret gives unlinkable ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from customers.checks import blank
from customers.errors import CustomerError, ParameterError, SchemaError

if TYPE_CHECKING:
    import pandas as pd

ID_COLUMNS = ("member_id", "customer_id", "Member_number")
"""The id columns replaced when none are given: those of these that the table has."""

PERSONAL = ("first_name", "last_name", "street", "email", "phone", "name", "address",
            "birth_date")  # fmt: skip
"""Direct identifiers, dropped when present (unless kept on request)."""

COARSENED = {"postal_code": 3}
"""Quasi-identifiers cut to their first characters: a postal code to its postal area."""

MIN_SECRET_BYTES = 16
SECRET_ENV = "KORI_SECRET"
"""The environment variable :func:`load_secret` reads when given neither a file nor a name."""

_HEX = 16


@dataclass(frozen=True)
class Pseudonymised:
    """A table with its ids replaced by keyed hashes and its personal fields dropped.

    Attributes
    ----------
    table : pandas.DataFrame
        The rows of the input, in order; id columns hashed, personal fields dropped, postal
        codes cut to the postal area.
    source : str
        The name of the input in the summary.
    ids : dict of str to int
        Per id column, the distinct ids replaced.
    blanks : dict of str to int
        Per id column, the rows whose id was blank and stays blank.
    dropped, coarsened, kept : tuple of str
        The columns dropped, cut to their first digits, and the personal fields kept on request.
    """

    table: pd.DataFrame = field(repr=False)
    source: str
    ids: dict[str, int]
    blanks: dict[str, int]
    dropped: tuple[str, ...]
    coarsened: tuple[str, ...]
    kept: tuple[str, ...]

    def summary(self) -> list[str]:
        """Counts and column names only: never a value of the table, never the secret."""
        lines = [f"{self.source}: {len(self.table):,} rows pseudonymised"]
        for column, count in self.ids.items():
            lines.append(f"  {column}: {count:,} distinct ids replaced by keyed hashes "
                         f"(P + {_HEX} hex digits); {self.blanks[column]:,} blank left blank")  # fmt: skip
        lines.append("  dropped: " + (", ".join(self.dropped) or "no personal field found"))
        for column in self.coarsened:
            lines.append(f"  {column}: cut to its first {COARSENED[column]} digits "
                         "(the postal area)")  # fmt: skip
        if self.kept:
            lines.append("  kept as asked (personal data stays in the extract): "
                         + ", ".join(self.kept))  # fmt: skip
        return lines


def pseudonym(secret: bytes, value: str) -> str:
    """The pseudonym of one id: ``"P"`` + the first 16 hex digits of HMAC-SHA256.

    Examples
    --------
    >>> pseudonym(b"0123456789abcdef", "L10024684")
    'P465091bb5aaf9d31'
    """
    return "P" + hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:_HEX]


def pseudonymise(
    table: pd.DataFrame,
    *,
    secret: bytes,
    columns: Sequence[str] | None = None,
    drop: Sequence[str] = (),
    keep: Sequence[str] = (),
    source: str = "table",
) -> Pseudonymised:
    """Replace the ids of ``table`` by keyed hashes and drop its personal fields.

    What happens to each kind of column:

    - **hashed**: the id columns (``columns``; by default those of ``member_id``,
      ``customer_id`` and ``Member_number`` present). Each distinct id is hashed once; a blank
      id (empty, spaces, NaN) stays as it was, so that a missing card is not turned into one
      shared pseudonym that looks like a very loyal customer.
    - **dropped**: the direct identifiers ``first_name, last_name, street, email, phone, name,
      address, birth_date`` present, and the columns of ``drop``.
    - **cut**: ``postal_code`` to its first 3 digits, the postal area (``00100`` -> ``001``).
      A full postal code with a birth year and a town narrows a person down to a few people in
      a small place; the postal area still tells the regions apart for an analysis.
    - **kept**: everything else, ``town`` and ``birth_year`` included: a town is coarser than
      the postal area, a birth year is what age groups are made of, and both are needed by
      the analyses the extract is for. Drop them with ``drop`` for an extract that leaves the
      company.

    ``keep`` keeps named personal fields (or the full postal code) as they are.

    Parameters
    ----------
    table : pandas.DataFrame
        Receipts, visits or register rows.
    secret : bytes
        The key of the HMAC, at least 16 bytes (see :func:`load_secret`). Keep it out of the
        extract's hands: with it, anyone can test whether a known id is in the extract.
    columns : sequence of str, optional
        The id columns to replace.
    drop : sequence of str
        More columns to drop (free text, notes).
    keep : sequence of str
        Personal fields to keep as they are.
    source : str
        The name of the table in messages and the summary.

    Returns
    -------
    Pseudonymised

    Raises
    ------
    ParameterError
        A secret shorter than 16 bytes, or a column both hashed and kept.
    SchemaError
        No id column, or a column of ``columns``, ``drop`` or ``keep`` not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> visits = pd.DataFrame({"customer_id": ["L1", "L2", "L1", ""], "email": ["a@b.fi"] * 4})
    >>> result = pseudonymise(visits, secret=b"0123456789abcdef")
    >>> result.table["customer_id"].tolist()
    ['P27ffc7506099a559', 'P7c76c8b6432859f6', 'P27ffc7506099a559', '']
    >>> list(result.table.columns)
    ['customer_id']
    """
    _check_secret(secret)
    found = ", ".join(map(str, table.columns))
    for name, given in (("columns", columns or ()), ("drop", drop), ("keep", keep)):
        missing = [c for c in given if c not in table.columns]
        if missing:
            raise SchemaError("no column " + ", ".join(f"'{c}'" for c in missing), source=source,
                              where=f"found: {found}",
                              fix=f"Name columns of the table in `{name}`")  # fmt: skip
    if columns is None:
        columns = [c for c in ID_COLUMNS if c in table.columns]
        if not columns:
            raise SchemaError("no id column (member_id, customer_id or Member_number)",
                              source=source, where=f"found: {found}",
                              fix="Name the id columns with `columns`")  # fmt: skip
    both = [c for c in columns if c in keep]
    if both:
        raise ParameterError(f"{', '.join(both)} both hashed and kept", source=source,
                             fix="Leave it out of `columns` or out of `keep`")  # fmt: skip
    out = table.copy()
    ids, blanks = {}, {}
    for column in dict.fromkeys(columns):
        out[column], ids[column], blanks[column] = _hash_column(table[column], secret, source)
    dropped = [c for c in table.columns
               if c not in columns and c not in keep and (c in PERSONAL or c in drop)]  # fmt: skip
    coarsened = [c for c in COARSENED if c in out.columns and c not in keep and c not in dropped]
    for column in coarsened:
        values = out[column]
        empty = blank(values)
        out[column] = values.where(empty, values.astype(str).str.strip().str[: COARSENED[column]])
    kept = [c for c in keep if c in PERSONAL or c in COARSENED]
    return Pseudonymised(table=out.drop(columns=dropped), source=source, ids=ids, blanks=blanks,
                         dropped=tuple(dropped), coarsened=tuple(coarsened),
                         kept=tuple(kept))  # fmt: skip


def _hash_column(values: pd.Series, secret: bytes, source: str) -> tuple[pd.Series, int, int]:
    """The column with each distinct non-blank id hashed once, its distinct ids and blanks."""
    import numpy as np
    import pandas as pd

    empty = blank(values)
    codes, uniques = pd.factorize(values.astype(object).where(~empty, None))
    tokens = np.array([pseudonym(secret, str(u)) for u in uniques] + [""], dtype=object)
    if len(set(tokens[:-1])) < len(uniques):  # 64 bits: about 1 in 10**7 for a million ids
        raise CustomerError(f"two ids of {values.name} have the same pseudonym", source=source,
                            fix="Use another secret")  # fmt: skip
    hashed = pd.Series(tokens[codes], index=values.index, name=values.name)
    return hashed.where(~empty, values), len(uniques), int(empty.sum())


def load_secret(path: str | os.PathLike[str] | None = None, env: str | None = None, *,
                environ: Mapping[str, str] | None = None) -> bytes:  # fmt: skip
    """The secret of :func:`pseudonymise`, from a file or an environment variable.

    A file's bytes are taken whole but for a trailing newline (what ``echo`` and editors add);
    a variable's text is encoded as UTF-8. Messages name the file or the variable, never the
    secret.

    Parameters
    ----------
    path : path-like, optional
        A file holding the secret (e.g. made with ``head -c 32 /dev/urandom > kori.key``).
    env : str, optional
        An environment variable holding it; :data:`SECRET_ENV` when neither is given.
    environ : mapping, optional
        The environment to read (``os.environ`` when not given).

    Returns
    -------
    bytes

    Raises
    ------
    ParameterError
        Both a file and a variable given, an unreadable file, an unset variable, or a secret
        shorter than 16 bytes.
    """
    if path is not None and env is not None:
        raise ParameterError("the secret is given both as a file and as an environment "
                             "variable", fix="Give one of them")  # fmt: skip
    if path is not None:
        where = f"secret file {os.fspath(path)}"
        try:
            secret = Path(path).read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise ParameterError(f"cannot read it ({exc.strerror or type(exc).__name__})",
                                 source=where, fix="Give a readable file") from None  # fmt: skip
    else:
        name = env or SECRET_ENV
        where = f"environment variable {name}"
        value = (os.environ if environ is None else environ).get(name)
        if not value:
            raise ParameterError("not set", source=where,
                                 fix=f"Set it to a secret of at least {MIN_SECRET_BYTES} "
                                 "random bytes, or read the secret from a file")  # fmt: skip
        secret = value.encode("utf-8")
    _check_secret(secret, where)
    return secret


def _check_secret(secret: bytes, where: str = "secret") -> None:
    if not isinstance(secret, bytes):
        raise ParameterError(f"the secret must be bytes, not {type(secret).__name__}",
                             source=where)  # fmt: skip
    if len(secret) < MIN_SECRET_BYTES:
        raise ParameterError(f"the secret is shorter than {MIN_SECRET_BYTES} bytes", source=where,
                             fix="Make a longer random one, e.g. head -c 32 /dev/urandom")  # fmt: skip
