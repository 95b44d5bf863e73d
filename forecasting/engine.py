"""The one place where work fans out over series: local processes or a Dask cluster.

Everything that runs a model over many series (forecasts, backtests, model selection, and the
per-store jobs of a Parquet dataset) goes through :func:`map_tasks`. A task is a block of
series of one store (or a whole store's partition), never one series; the function and the
tasks must be picklable.

>>> map_tasks(work, blocks, engine=Engine("dask", jobs=2))          # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from forecasting.errors import EngineError, ParameterError

T = TypeVar("T")

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class Engine:
    """Where tasks run.

    Attributes
    ----------
    name : {"local", "dask"}
        ``local``: this process (``jobs=1``) or ``jobs`` worker processes on this machine.
        ``dask``: the Dask cluster at ``scheduler``, or a ``LocalCluster`` of ``jobs``
        single-threaded worker processes started for the run when there is no address.
    jobs : int, default 1
        Local worker processes, or the workers of the ``LocalCluster``.
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    memory_limit : str, optional
        Memory limit of each ``LocalCluster`` worker, e.g. ``"1GiB"`` (Dask's default: the
        machine's memory shared among the workers).
    """

    name: str = "local"
    jobs: int = 1
    scheduler: str | None = None
    memory_limit: str | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ParameterError(f"unknown engine {self.name!r}", fix=f"Use one of {ENGINES}")
        if self.scheduler and self.name != "dask":
            raise ParameterError(f"`scheduler={self.scheduler!r}` needs `engine='dask'`",
                                 fix="Add `engine='dask'`, or leave the scheduler out")  # fmt: skip
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise ParameterError(f"`jobs={self.jobs!r}` must be a whole number of at least 1")

    @property
    def distributed(self) -> bool:
        """Whether tasks run on a Dask cluster."""
        return self.name == "dask"

    def describe(self) -> str:
        """``Dask scheduler tcp://...``, ``Dask LocalCluster of 2 workers`` or ``2 local
        processes``, for messages."""
        if self.distributed:
            if self.scheduler:
                return f"Dask scheduler {self.scheduler}"
            limit = f", {self.memory_limit} each" if self.memory_limit else ""
            return f"Dask LocalCluster of {self.jobs} worker{'s' * (self.jobs > 1)}{limit}"
        return f"{self.jobs} local process{'es' * (self.jobs > 1)}"


def map_tasks(
    function: Callable[[Any], T],
    tasks: Sequence[Any],
    *,
    jobs: int = 1,
    engine: Engine | None = None,
    progress: Callable[[int], None] | None = None,
    weight: Callable[[Any], int] = lambda task: 1,
) -> list[T]:
    """``[function(task) for task in tasks]``, in parallel when ``jobs > 1`` or on Dask.

    Parameters
    ----------
    function : callable
        Module-level function (or ``functools.partial`` of one) of one task.
    tasks : sequence
    jobs : int, default 1
        Worker processes when no ``engine`` is given; 1 runs in this process.
    engine : Engine, optional
        Where to run; overrides ``jobs``.
    progress : callable, optional
        Called with ``weight(task)`` as each task finishes.
    weight : callable
        Size of a task for the progress count (e.g. its number of series).

    Returns
    -------
    list
        Results in the order of ``tasks``.

    Raises
    ------
    EngineError
        For the Dask engine when dask or distributed is not installed, or its scheduler cannot
        be reached. An error raised by ``function`` on a worker is raised here as it was.
    """
    engine = engine or Engine(jobs=jobs)
    if engine.distributed and tasks:
        return _on_dask(function, tasks, engine, progress, weight)
    if engine.jobs <= 1 or len(tasks) <= 1:
        results = []
        for task in tasks:
            results.append(function(task))
            if progress:
                progress(weight(task))
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    out: list[Any] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=engine.jobs) as pool:
        futures = {pool.submit(function, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            out[i] = future.result()
            if progress:
                progress(weight(tasks[i]))
    return out


def _on_dask(function: Callable[[Any], T], tasks: Sequence[Any], engine: Engine,
             progress: Callable[[int], None] | None,
             weight: Callable[[Any], int]) -> list[T]:  # fmt: skip
    """The tasks on the engine's cluster: scattered (no big objects in the task graph), one
    future each, results gathered in task order; the first failure is raised as it was."""
    client = dask_client(engine)  # first: it says how to install distributed if missing
    from distributed import as_completed

    # Unique keys (hash=False): with content keys, a second call with the same tasks (a
    # backtest's next model) would reuse the data keys this call's clean-up cancels.
    data = client.scatter(list(tasks), hash=False)
    futures = client.map(function, data, pure=False)
    index = {future.key: i for i, future in enumerate(futures)}
    out: list[Any] = [None] * len(tasks)
    try:
        for future in as_completed(futures, loop=client.loop):
            i = index[future.key]
            out[i] = future.result()
            if progress:
                progress(weight(tasks[i]))
    finally:
        client.cancel(futures + data)
    return out


_CLIENTS: dict[Engine, Any] = {}


def dask_client(engine: Engine) -> Any:
    """The ``distributed.Client`` of ``engine``: connected to its scheduler, or to a
    ``LocalCluster`` started on first use (one per engine, until :func:`close_clients`).

    Raises
    ------
    EngineError
        When dask or distributed is not installed, or the scheduler cannot be reached.
    """
    if engine not in _CLIENTS:
        _CLIENTS[engine] = _connect(engine)
    return _CLIENTS[engine]


def close_clients() -> None:
    """Close every client :func:`dask_client` opened (and the local clusters it started)."""
    while _CLIENTS:
        _, client = _CLIENTS.popitem()
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(engine: Engine) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("`engine='dask'` needs the packages dask and distributed",
                          fix="Install them: pip install 'kori[dask]'") from None
    if engine.scheduler:
        try:
            return Client(engine.scheduler, timeout="10s", set_as_default=False)
        except OSError as exc:
            raise EngineError(f"cannot reach the Dask scheduler at {engine.scheduler} ({exc})",
                              fix="Check the address (tcp://HOST:8786) and that the scheduler "
                              "is running and reachable from here") from None  # fmt: skip
    # No dashboard on the default port (a second cluster would warn), and the workers' own log
    # lines off: a failed task is raised here, and the command line prints it as one line.
    cluster = LocalCluster(n_workers=engine.jobs, threads_per_worker=1, processes=True,
                           memory_limit=engine.memory_limit or "auto", dashboard_address=":0",
                           silence_logs=logging.CRITICAL)  # fmt: skip
    return Client(cluster, set_as_default=False)


def worker_peak_memory(engine: Engine) -> dict[str, int]:
    """Peak resident memory of each worker of ``engine``'s cluster, in bytes (Linux).

    Returns
    -------
    dict of str to int
        ``{worker address: bytes}``; empty for the local engine.
    """
    if not engine.distributed:
        return {}
    return dict(dask_client(engine).run(_peak_rss))


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
