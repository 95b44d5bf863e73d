"""Seasonal demand per product and store, and the plans that follow from it.

Holidays come from the ``holidays`` package (Finland by default), weather from a weather file per
store. :mod:`forecasting.sample` simulates a Finnish supermarket to try everything on.

The public API is what this package exports, one function per capability, each returning a
result with a ``table`` and ``summary()`` lines (loaded on first use, so that ``import
forecasting`` stays light):

- :func:`load_inputs`: sales and the optional tables as series and regressors
- :func:`forecast` and :func:`backtest`, and :func:`compare_forecasts` (a what-if against a base)
- :func:`plan_orders`, :func:`plan_staffing` and :func:`plan_freezer`
- :func:`validate_table` and :func:`simulate_store`
- :func:`planner_page`: the planner's page of a forecast, with its pictures

The submodules are internal: their names and signatures may change between releases.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from forecasting.errors import (
    ConfigError,
    EngineError,
    ForecastError,
    NotFittedError,
    ParameterError,
    SchemaError,
)

if TYPE_CHECKING:
    from forecasting.backtest import run_backtest as backtest
    from forecasting.backtest_dataset import backtest_dataset
    from forecasting.compare import compare_forecasts
    from forecasting.forecast import forecast
    from forecasting.inputs import load_inputs
    from forecasting.planner_page import planner_page
    from forecasting.planning.partitioned import plan_orders_dataset
    from forecasting.planning.plans import plan_freezer, plan_orders, plan_staffing
    from forecasting.sample import simulate_store
    from forecasting.validation import validate_table

# Exported name -> (module, name in it).
_LAZY = {
    "forecast": ("forecasting.forecast", "forecast"),
    "forecast_dataset": ("forecasting.partitioned", "forecast_dataset"),
    "Engine": ("forecasting.engine", "Engine"),
    "backtest": ("forecasting.backtest", "run_backtest"),
    "backtest_dataset": ("forecasting.backtest_dataset", "backtest_dataset"),
    "compare_forecasts": ("forecasting.compare", "compare_forecasts"),
    "load_inputs": ("forecasting.inputs", "load_inputs"),
    "plan_orders": ("forecasting.planning.plans", "plan_orders"),
    "plan_orders_dataset": ("forecasting.planning.partitioned", "plan_orders_dataset"),
    "simulate_store": ("forecasting.sample", "simulate_store"),
    "validate_table": ("forecasting.validation", "validate_table"),
    "plan_staffing": ("forecasting.planning.plans", "plan_staffing"),
    "plan_freezer": ("forecasting.planning.plans", "plan_freezer"),
    "planner_page": ("forecasting.planner_page", "planner_page"),
}

__all__ = [
    "ConfigError",
    "Engine",
    "EngineError",
    "ForecastError",
    "NotFittedError",
    "ParameterError",
    "SchemaError",
    "backtest",
    "backtest_dataset",
    "compare_forecasts",
    "forecast",
    "forecast_dataset",
    "load_inputs",
    "plan_freezer",
    "plan_orders",
    "plan_orders_dataset",
    "plan_staffing",
    "planner_page",
    "simulate_store",
    "validate_table",
]


def __getattr__(name: str) -> Any:
    """Import a lazy export on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'forecasting' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """The package, whose exported ``forecast`` and ``backtest`` keep their names.

    Importing the submodule :mod:`forecasting.forecast` (or :mod:`forecasting.backtest`) binds
    it on the package under the same name as the exported function; the function wins, and the
    module stays reachable through ``from forecasting.forecast import ...``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
