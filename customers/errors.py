"""The exceptions that :mod:`customers` raises on purpose.

Every error names the input it is about, what is wrong, where, and how to fix it, so that a
command line can show it as one line::

    Error: summary: recency above T (customer 17: recency=40.1, T=38.9). Recency is the time of
    the last purchase and cannot be later than the end of the observation.
"""

from __future__ import annotations


class CustomerError(Exception):
    """Base class of every error raised on purpose by :mod:`customers`.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"negative frequency"``.
    source : str, optional
        The table or input the problem is in, e.g. ``"summary"``.
    where : str, optional
        Where in it: columns, first offending customers or values.
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
        self.problem = problem
        self.source = source
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message: ``<source>: <problem> (<where>). <fix>``."""
        text = f"{self.source}: {self.problem}" if self.source else self.problem
        if self.where:
            text += f" ({self.where})"
        if self.fix:
            text += f". {self.fix}"
        return text


class SchemaError(CustomerError):
    """An input table lacks a column or holds values that cannot be used (NaN, negative
    frequency, recency above T, a purchase after `as_of`)."""


class ParameterError(CustomerError):
    """A parameter is out of range or unknown (a period, a horizon, a threshold)."""


class TooFewCustomersError(CustomerError):
    """Too few customers (or too few with repeat purchases) to fit a model."""


class FitError(CustomerError):
    """The maximum-likelihood fit did not converge or ended at a degenerate point."""


class NotFittedError(CustomerError):
    """A model was asked to predict before it was fitted."""
