"""The exceptions that :mod:`basket` raises on purpose.

Each carries the input it is about, what is wrong, where and how to fix it; ``str(error)`` is
the one line the ``kori`` command line prints after ``Error:``.
"""

from __future__ import annotations


class BasketError(Exception):
    """Base class of every error raised on purpose by :mod:`basket`.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"no item column"``.
    source : str, optional
        The file or input the problem is in.
    where : str, optional
        Where in it: columns, lines or values.
    fix : str, optional
        One sentence on how to fix it.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem, self.source, self.where, self.fix = problem, source, where, fix
        parts = [f"{source}: {problem}" if source else problem]
        if where:
            parts.append(f" ({where})")
        if fix:
            parts.append(f". {fix}")
        super().__init__("".join(parts))

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled by its parts, so that an error raised on a Dask worker arrives whole.
        return _rebuild, (type(self), self.problem, self.source, self.where, self.fix)


def _rebuild(cls: type[BasketError], problem: str, source: str | None, where: str | None,
             fix: str | None) -> BasketError:  # fmt: skip
    """A pickled error made again from its parts."""
    return cls(problem, source=source, where=where, fix=fix)


class SchemaError(BasketError):
    """A receipts table lacks a column or holds values that cannot be read."""


class ParameterError(BasketError):
    """A mining parameter is out of range (a support outside (0, 1], a negative length)."""
