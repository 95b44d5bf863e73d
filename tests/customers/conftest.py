"""The CDNOW files of tests/data as frames (read once per session)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def cdnow_summary() -> pd.DataFrame:
    """2,357 CDNOW customers over the 39-week calibration: frequency, recency, T in weeks."""
    return pd.read_csv(DATA / "cdnow_customers_summary.csv", index_col="ID")


@pytest.fixture(scope="session")
def cdnow_value() -> pd.DataFrame:
    """The same with the mean repeat spend, in this package's column names."""
    frame = pd.read_csv(DATA / "cdnow_customers_summary_with_value.csv", index_col="ID")
    return frame.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    """Every purchase of those customers, 1997-01-01 to 1998-06-30. The second column numbers
    the customers 1..2357 as the summary files' ID does."""
    return pd.read_csv(
        DATA / "cdnow_sample_transactions.txt", sep=r"\s+", header=None,
        names=["master_id", "customer_id", "date", "cds", "dollars"], dtype={"date": str},
    )
