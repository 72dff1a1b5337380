"""Many documents at once: ``local`` keeps ``jobs`` forked children busy on this
machine; ``dask`` sends the same per-document work to a Dask cluster. Both yield
``(index, Outcome)`` as each document finishes, in finishing order.

The unit of work is ``work(path)`` in an ``isolate.Worker``: on a Dask worker
too, each document runs in a forked derive worker under the same budgets.
``work.warm()`` (when it has one) runs once per process before the first fork."""

from __future__ import annotations

import os
import select
import threading
import time
from collections import deque
from typing import Callable, Iterator

from derive.check.corpus import isolate
from derive.errors import UsageError


def local(paths: list[str], work: Callable, jobs: int, seconds: float,
          memory_mb: int | None) -> Iterator[tuple[int, isolate.Outcome]]:
    """Each path in one of ``jobs`` forked workers, a worker replaced when it failed,
    ran out of time or finished ``isolate.WORKER_DOCUMENTS`` documents."""
    if not isolate.CAN_FORK:          # (Windows) one after another in this process, no time limit
        for index, path in enumerate(paths):
            yield index, isolate.run(work, (path,), seconds, memory_mb)
        return
    _warm(work)
    waiting = deque(largest_first(paths))
    workers: list[isolate.Worker] = []
    doing: dict[isolate.Worker, int] = {}
    try:
        while waiting or doing:
            workers = [w for w in workers if w.alive]
            for worker in [w for w in workers if not w.busy and w.spent]:
                worker.close()
                workers.remove(worker)
            while waiting and len(workers) < jobs:
                workers.append(isolate.Worker(work, memory_mb))
            for worker in workers:
                if waiting and not worker.busy:
                    index, path = waiting.popleft()
                    worker.submit(path, seconds)
                    doing[worker] = index
            now = time.monotonic()
            for worker in [w for w in doing if w.deadline <= now]:
                yield doing.pop(worker), worker.kill()
            if not doing:
                continue
            left = max(0.0, min(w.deadline for w in doing) - time.monotonic())
            ready, _, _ = select.select(list(doing), [], [], left)
            for worker in ready:
                outcome = worker.read()
                if outcome is not None:
                    yield doing.pop(worker), outcome
    finally:                     # finished, or interrupted (Ctrl-C, a closed pipe): no worker outlives the run
        for worker in workers:
            isolate.retire(worker)


def dask(paths: list[str], work: Callable, address: str, jobs: int, seconds: float,
         memory_mb: int | None) -> Iterator[tuple[int, isolate.Outcome]]:
    """Each path as one task of a Dask cluster at ``address``. ``local``: a
    LocalCluster of ``jobs`` single-threaded workers in this process, each handing its
    documents to a forked derive worker as on any cluster (worker processes of
    Dask's own would only add the start-up of a Python that imports derive, and
    their memory). Workers read the files themselves: on a real cluster they must
    see the same paths."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UsageError("--dask needs Dask: pip install 'derive[dask]' (or pip install 'dask[distributed]')") from None
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=False,
                                   dashboard_address=None, silence_logs=50)
            client = Client(cluster)
        else:
            client = Client(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--dask {address}: cannot reach the cluster: {exc}") from None
    try:
        futures = {client.submit(_task, work, path, seconds, memory_mb, pure=False,
                                 key=f"derive-check-{index}"): index
                   for index, path in largest_first(paths)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 (a worker lost, a task that failed on the cluster)
                outcome = isolate.Outcome(None, f"the Dask task failed: {type(exc).__name__}: {exc}")
            future.release()
            yield index, outcome
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def largest_first(paths: list[str]) -> list[tuple[int, str]]:
    """(index, path) with the largest files first: a long document started last would
    keep one worker busy while the others wait (the time a check takes grows with the
    document)."""
    def size(item: tuple[int, str]) -> int:
        try:
            return os.path.getsize(item[1])
        except OSError:
            return 0
    return sorted(enumerate(paths), key=lambda item: (-size(item), item[0]))


def _task(work: Callable, path: str, seconds: float, memory_mb: int | None) -> isolate.Outcome:
    """One document on a Dask worker: the Dask worker's process warmed once, then the
    document in a forked derive worker of that thread, kept for the thread's next
    documents (replaced as ``local`` replaces one)."""
    if not isolate.CAN_FORK:
        return isolate.run(work, (path,), seconds, memory_mb)   # in the Dask worker's process
    _warm(work)
    worker = getattr(_THREAD, "worker", None)
    if worker is None or worker.spent or worker.work != work:
        if worker is not None:
            isolate.retire(worker)
        worker = _THREAD.worker = isolate.Worker(work, memory_mb)
    worker.submit(path, seconds)
    return isolate.wait(worker)


_THREAD = threading.local()


def _warm(work: Callable) -> None:
    warm = getattr(work, "warm", None)
    if warm is not None:
        warm()
