"""Shared fixtures: one simulation of the sample store per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from forecasting.sample import SampleStore, simulate_store


@pytest.fixture(scope="session")
def sample() -> SampleStore:
    """The default sample store (seed 1, three years ending 2025-11-30)."""
    return simulate_store(seed=1)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory, sample: SampleStore) -> Path:
    """The default sample written as `kori sample` writes it (its writer, the session's sample:
    `tests/test_cli.py` checks that `kori sample` itself writes the same bytes)."""
    from cli import Settings, _write_sample

    folder = tmp_path_factory.mktemp("sample")
    _write_sample(folder, Settings(quiet=True), sample=sample)
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def groceries():
    """The arules Groceries receipts (9,835 receipts, 169 items), read as kori reads them."""
    from basket.receipts import from_baskets

    with open(DATA / "groceries_arules_baskets.csv", encoding="utf-8", newline="") as handle:
        return from_baskets(handle, source="groceries_arules_baskets.csv")


@pytest.fixture(scope="session")
def sample_receipts(sample):
    """The sample store's receipts as basket.Receipts, and its name and category maps."""
    from basket.describe import catalog_maps
    from basket.receipts import from_long

    names, categories = catalog_maps(sample.catalog)
    return from_long(sample.receipts), names, categories
