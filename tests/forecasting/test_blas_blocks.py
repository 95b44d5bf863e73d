"""The slow-mover model's weighted Gram matrices, and the one BLAS thread of a block."""

from __future__ import annotations

import numpy as np

from forecasting.models import run_block
from forecasting.models.slow import _weighted_gram


def test_weighted_gram_is_the_einsum_it_replaced() -> None:
    rng = np.random.default_rng(3)
    x, weights = rng.normal(size=(365, 31)), rng.random((365, 17))
    expected = np.einsum("np,nk,nq->kpq", x, weights, x)
    np.testing.assert_allclose(_weighted_gram(x, weights), expected, rtol=1e-12, atol=1e-9)


def test_a_block_runs_on_one_blas_thread(monkeypatch) -> None:
    """Inside run_block the BLAS libraries are limited to one thread (and restored after)."""
    from threadpoolctl import threadpool_info

    import forecasting.models as models

    seen: list[list[int]] = []

    def spy(name, tasks, depth):
        seen.append([pool["num_threads"] for pool in threadpool_info()
                     if pool["user_api"] == "blas"])  # fmt: skip
        return []

    monkeypatch.setattr(models, "_run", spy)
    run_block("naive", [], calibrate=False)
    assert seen and all(threads == 1 for threads in seen[0])
