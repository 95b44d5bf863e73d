"""Seasonal demand per product and store, and the plans that follow from it.

Holidays come from the ``holidays`` package (Finland by default), weather from a weather file per
store. :mod:`forecasting.sample` simulates a Finnish supermarket to try everything on.
"""

from __future__ import annotations

from forecasting.errors import (
    ConfigError,
    ForecastError,
    NotFittedError,
    ParameterError,
    SchemaError,
)

__all__ = ["ConfigError", "ForecastError", "NotFittedError", "ParameterError", "SchemaError"]
