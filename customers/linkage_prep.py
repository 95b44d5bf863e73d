"""The register's fields made comparable for the duplicate finder: names without diacritics,
phone digits, a name sound key and the blocking keys built from them.

Every function works per distinct value (a register has far fewer distinct names than records),
so a million records take seconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FIELDS = ("first_name", "last_name", "street", "postal_code", "town", "email", "phone",
          "birth_year")  # fmt: skip
"""The register's fields the duplicate finder reads (absent ones count as blank)."""

_SOUND_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def plain(text: str) -> str:
    """``text`` lowercased, without diacritics (ä -> a, ö -> o, å -> a), single-spaced.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        Empty for a blank value.
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.split())


def sound_key(name: str) -> str:
    """A Soundex-like key of a plain name: its first letter and the codes of the consonants
    that follow (repeats collapsed, vowels dropped), four characters at most.

    Parameters
    ----------
    name : str
        A name as :func:`plain` returns it.

    Returns
    -------
    str
        Empty for an empty name. ``virtanen`` and ``virtannen`` share ``v635``.
    """
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return ""
    key = letters[0]
    last = _SOUND_CODES.get(letters[0], "")
    for ch in letters[1:]:
        code = _SOUND_CODES.get(ch, "")
        if code and code != last:
            key += code
            if len(key) == 4:
                break
        if ch not in "hw":
            last = code
    return key


def _per_value(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """``function`` of each value, computed once per distinct value; blank -> None."""
    text = values.astype("string").fillna("")
    distinct = text.unique()
    mapped = {value: function(value) for value in distinct}
    out = text.map(mapped)
    return out.where(out != "", None).astype(object)


def _phone(text: str) -> str:
    """The digits of a phone number in Finnish national form (``+358 40 123`` -> ``040123``)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits.startswith("00358"):
        digits = "0" + digits[5:]
    elif digits.startswith("358") and len(digits) > 9:
        digits = "0" + digits[3:]
    return digits


def prepare(register: pd.DataFrame) -> pd.DataFrame:
    """The comparison columns of ``register``, one row per record in its order.

    Parameters
    ----------
    register : pandas.DataFrame
        Any of :data:`FIELDS` (absent ones are blank).

    Returns
    -------
    pandas.DataFrame
        ``row_id`` (0..n-1), ``fn``, ``ln``, ``street``, ``postal_code``, ``postal_area`` (its
        first three digits), ``email``, ``phone`` (text or None), ``birth_year`` (Int64),
        ``fn_key``, ``ln_key`` (sound keys) and ``name_key`` (the sorted pair of both keys, the
        same for swapped first and last names).
    """
    import numpy as np
    import pandas as pd

    n = len(register)

    def column(name: str) -> pd.Series:
        if name in register.columns:
            return register[name].reset_index(drop=True)
        return pd.Series([None] * n, dtype=object)

    out = pd.DataFrame({"row_id": np.arange(n, dtype=np.int64)})
    out["fn"] = _per_value(column("first_name"), plain)
    out["ln"] = _per_value(column("last_name"), plain)
    out["street"] = _per_value(column("street"), plain)
    postal = _per_value(column("postal_code"), lambda v: "".join(v.split()))
    out["postal_code"] = postal
    out["postal_area"] = _per_value(postal, lambda v: v[:3])
    out["email"] = _per_value(column("email"), lambda v: v.strip().lower())
    out["phone"] = _per_value(column("phone"), _phone)
    year = pd.to_numeric(column("birth_year").astype("string").str.strip(), errors="coerce")
    out["birth_year"] = year.round().astype("Int64")
    out["fn_key"] = _per_value(out["fn"], sound_key)
    out["ln_key"] = _per_value(out["ln"], sound_key)
    both = out["fn_key"].fillna("") + "|" + out["ln_key"].fillna("")
    out["name_key"] = _per_value(both, lambda v: "" if v == "|" else "|".join(sorted(v.split("|"))))
    return out
