"""The one place where work fans out over series.

Everything that runs a model over many series (forecasts, backtests, model selection) goes
through :func:`map_tasks`, so that a distributed engine (Dask, Ray, Spark) can later take over
here alone. Tasks are batches of series of one store; the function and tasks must be picklable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def map_tasks(
    function: Callable[[Any], T],
    tasks: Sequence[Any],
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    weight: Callable[[Any], int] = lambda task: 1,
) -> list[T]:
    """``[function(task) for task in tasks]``, in parallel when ``jobs > 1``.

    Parameters
    ----------
    function : callable
        Module-level function (or ``functools.partial`` of one) of one task.
    tasks : sequence
    jobs : int, default 1
        Worker processes; 1 runs in this process.
    progress : callable, optional
        Called with ``weight(task)`` as each task finishes.
    weight : callable
        Size of a task for the progress count (e.g. its number of series).

    Returns
    -------
    list
        Results in the order of ``tasks``.
    """
    if jobs <= 1 or len(tasks) <= 1:
        results = []
        for task in tasks:
            results.append(function(task))
            if progress:
                progress(weight(task))
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    out: list[Any] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(function, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            out[i] = future.result()
            if progress:
                progress(weight(tasks[i]))
    return out
