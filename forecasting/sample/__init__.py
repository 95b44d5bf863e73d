"""A simulated Finnish supermarket with known truths planted in its data.

``simulate_store`` returns the catalog, daily sales, receipts, weather, hourly traffic and store
configuration of two stores (Helsinki and Tampere), all from one seeded simulation.
"""

from __future__ import annotations

from forecasting.sample.simulate import (
    DEFAULT_END,
    END_RANGE,
    SAMPLE_STORES,
    SampleStore,
    simulate_store,
)

__all__ = ["DEFAULT_END", "END_RANGE", "SAMPLE_STORES", "SampleChain", "SampleStore",
           "simulate_store"]


def __getattr__(name: str) -> object:
    if name == "SampleChain":  # from forecasting.sample.chain, which imports simulate
        from forecasting.sample.chain import SampleChain

        return SampleChain
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
