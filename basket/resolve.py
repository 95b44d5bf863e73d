"""What a person typed -> item labels: codes, names, categories and parts of names.

One resolver serves every command that takes items: the rule filters (``--with``,
``--antecedent`` ...) and the basket of ``kori rules recommend``. A query that matches nothing
is an error that lists the closest items, never an empty answer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from basket.errors import ParameterError

_SHOW = 6


def match_items(
    query: str,
    known: Iterable[str],
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    *,
    partial: bool = True,
) -> list[str]:
    """The items a query means, case aside.

    Items whose label or name equals the query, and items whose category equals it; when
    there are none (and ``partial``), the items whose label, name or category contains it.

    Parameters
    ----------
    query : str
        What was typed: ``"K1029"``, ``"salmon fillet 400 g"``, ``"salmon"``, ``"fresh fish"``.
    known : iterable of str
        The item labels to choose from.
    names, categories : mapping of str to str, optional
        Item -> product name and item -> category.
    partial : bool, default True
        Fall back to items that contain the query.

    Returns
    -------
    list of str
        Matching item labels, sorted; empty when nothing matches.

    Examples
    --------
    >>> match_items("salmon", ["K1", "K2", "K3"], {"K1": "Salmon fillet", "K2": "Smoked salmon"})
    ['K1', 'K2']
    """
    names, categories = names or {}, categories or {}
    wanted = query.strip().casefold()
    if not wanted:
        return []
    known = sorted(set(known))
    fields = [(i, i.casefold(), names.get(i, i).casefold(), categories.get(i, "").casefold())
              for i in known]  # fmt: skip
    exact = [i for i, code, name, category in fields if wanted in (code, name, category)]
    if exact or not partial:
        return exact
    return [i for i, code, name, category in fields
            if wanted in code or wanted in name or wanted in category]  # fmt: skip


def resolve_items(
    queries: Iterable[str], known: Iterable[str], names: Mapping[str, str] | None = None
) -> list[str]:
    """Turn what a buyer typed into one item label each.

    A query matches an item label or its name exactly (case aside), else the one item whose
    label or name contains it (:func:`match_items`).

    Raises
    ------
    ParameterError
        If a query matches nothing (the closest items are listed), or several items and none
        exactly.

    Examples
    --------
    >>> resolve_items(["dill"], ["K1", "K3"], {"K1": "Salmon fillet", "K3": "Dill bunch"})
    ['K3']
    """
    names = names or {}
    known = sorted(set(known))
    resolved = []
    for query in queries:
        matches = match_items(query, known, names)
        if len(matches) == 1:
            resolved.append(matches[0])
        elif matches:
            raise ambiguous(query, matches, names)
        else:
            raise no_match(query, known, names, problem=f"no rule mentions an item like {query!r}")
    return resolved


def ambiguous(query: str, matches: list[str], names: Mapping[str, str]) -> ParameterError:
    """The error for a query that means several items where one is needed."""
    return ParameterError(
        f"{query!r} matches {len(matches)} items",
        where=show(matches, names),
        fix="Use the full name or the code",
    )


def no_match(
    query: str,
    known: Iterable[str],
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    *,
    problem: str,
    source: str | None = None,
) -> ParameterError:
    """The error for a query that matches nothing: the closest items and categories, or a few
    examples when nothing is close."""
    names, categories = names or {}, categories or {}
    known = sorted(set(known))
    close = closest(query, known, names, categories)
    if close:
        where = "closest: " + ", ".join(close)
    else:
        where = f"{len(known):,} items, e.g. " + show(known[:3], names) if known else "no items"
    return ParameterError(
        problem,
        source=source,
        where=where,
        fix="Check the spelling; a code, a name, a category or part of a name will do",
    )


def closest(
    query: str,
    known: Iterable[str],
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    n: int = 5,
) -> list[str]:
    """Up to ``n`` items (shown as ``name [code]``) and categories spelled like ``query``,
    whole or word by word (``"samlon"`` finds ``Salmon fillet 400 g [K1029]``)."""
    names, categories = names or {}, categories or {}
    wanted = query.strip().casefold()
    texts: dict[str, str] = {}  # what to compare -> how to show it
    for item in sorted(set(known)):
        label = show([item], names)
        for text in (item, names.get(item, item)):
            texts.setdefault(text.casefold(), label)
            for word in re.findall(r"\w+", text.casefold()):
                texts.setdefault(word, label)
        if categories.get(item):
            texts.setdefault(categories[item].casefold(), f"category {categories[item]}")
    found = difflib.get_close_matches(wanted, list(texts), n=4 * n, cutoff=0.7)
    return list(dict.fromkeys(texts[text] for text in found))[:n]


def show(items: Iterable[str], names: Mapping[str, str]) -> str:
    """Items as people read them: ``Salmon fillet 400 g [K1029], Dill bunch [K1031]``."""
    items = list(items)
    shown = ", ".join(f"{names[i]} [{i}]" if names.get(i, i) != i else i for i in items[:_SHOW])
    return shown + (", ..." if len(items) > _SHOW else "")
