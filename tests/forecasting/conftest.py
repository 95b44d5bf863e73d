"""A Dask ``LocalCluster`` of 2 worker processes (this machine only, no network) for the
tests that compare the Dask engine with the local one; started once per test process, when a
test asks for it."""

from __future__ import annotations

import logging

import pytest

from forecasting.engine import Engine


@pytest.fixture(scope="session")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0",
                                  silence_logs=logging.CRITICAL) as running:  # fmt: skip
        yield running


@pytest.fixture(scope="session")
def engine(cluster):
    """The Dask engine on :func:`cluster`; its clients are closed before the cluster is."""
    from forecasting.engine import close_clients

    yield Engine("dask", scheduler=cluster.scheduler_address)
    close_clients()  # this one's and those the command line opened on the same scheduler
