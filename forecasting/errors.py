"""The exceptions that :mod:`forecasting` raises on purpose.

Every error names the file or input it is about, what is wrong, where, and how to fix it, so the
``kori`` command line can show it as one line::

    Error: sales.csv: missing column 'date' (found: day, sku, qty). Map it with --date-col day.
"""

from __future__ import annotations


class ForecastError(Exception):
    """Base class of every error raised on purpose by :mod:`forecasting`.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"missing column 'date'"``.
    source : str, optional
        The file or input the problem is in, e.g. ``"sales.csv"``.
    where : str, optional
        Where in it: columns, first offending lines or values.
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

    def __reduce__(self) -> tuple:
        """Pickle with the keyword fields, so an error raised on a worker process or a Dask
        worker arrives whole."""
        return (_rebuild, (type(self), self.problem, self.source, self.where, self.fix))

    @property
    def message(self) -> str:
        """The one-line message: ``<source>: <problem> (<where>). <fix>``."""
        text = f"{self.source}: {self.problem}" if self.source else self.problem
        if self.where:
            text += f" ({self.where})"
        if self.fix:
            text += f". {self.fix}"
        return text


class SchemaError(ForecastError):
    """An input table lacks a column or holds values that cannot be read."""


class ParameterError(ForecastError):
    """A parameter is out of range or unknown (a country code, a date, a count)."""


class ConfigError(ForecastError):
    """A store configuration file is malformed or inconsistent."""


class EngineError(ForecastError):
    """The engine cannot run the work: Dask is not installed, or its scheduler cannot be
    reached."""


class NotFittedError(ForecastError):
    """A model was asked to forecast before it was fitted, or to forecast other series than it
    was fitted on."""


def _rebuild(kind: type[ForecastError], problem: str, source: str | None, where: str | None,
             fix: str | None) -> ForecastError:  # fmt: skip
    return kind(problem, source=source, where=where, fix=fix)
