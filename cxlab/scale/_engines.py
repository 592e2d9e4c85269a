"""Running chunk tasks: a local process pool or a ``dask.distributed`` cluster.

Both engines run :func:`cxlab.scale._work.process_chunk` on the same chunks with the same fitted
model (shipped once per worker), so their parts are identical. Only a few chunks are in flight
at a time (two per worker), which bounds memory however large the input is.
"""
from __future__ import annotations

import copy
import os
import pickle
from collections.abc import Callable, Iterable

from cxlab.scale._dask import dask_client
from cxlab.scale._work import ChunkSpec, process_chunk

__all__ = ["run_chunks", "light_model", "default_jobs"]

_MINER = None  # the model inside a local worker process


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def light_model(miner):
    """The fitted model without its training matrices and tables: what a worker needs to assign."""
    _ = miner.sentiment_scorer_  # fitted from the training clauses before they are left behind
    light = copy.copy(miner)
    light._train = None
    light._tables_ = None
    return light


def _init_worker(model_bytes: bytes) -> None:
    global _MINER
    # one BLAS thread per worker process: the pool already uses every core
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover
        pass
    _MINER = pickle.loads(model_bytes)


def _local_task(part, frame, spec):
    return process_chunk(_MINER, part, frame, spec)


def _run_local(miner, chunks, spec, n_jobs, on_done):
    if n_jobs == 1:
        for part, frame in chunks:
            on_done(process_chunk(miner, part, frame, spec))
        return
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # fork starts workers fast and copies nothing large: the model arrives once, pickled
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(pickle.dumps(miner, protocol=5),)) as pool:
        running = set()
        for part, frame in chunks:
            running.add(pool.submit(_local_task, part, frame, spec))
            if len(running) >= 2 * n_jobs:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for f in sorted(done, key=id):
                    on_done(f.result())
        for f in running:
            on_done(f.result())


def _run_dask(miner, chunks, spec, n_jobs, scheduler, on_done):
    from distributed import as_completed

    with dask_client(scheduler, n_workers=n_jobs) as client:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        # hash=False: a fresh key per run (a reused one may still be being released)
        model = client.scatter(miner, broadcast=True, hash=False)
        pending = as_completed()
        n_running = 0
        for part, frame in chunks:
            pending.add(client.submit(process_chunk, model, part, frame, spec, pure=False,
                                      key=f"cxlab-chunk-{part}-{os.getpid()}"))
            n_running += 1
            while n_running >= 2 * n_workers:
                on_done(next(pending).result())
                n_running -= 1
        for fut in pending:
            on_done(fut.result())


def run_chunks(miner, chunks: Iterable, spec: ChunkSpec, *, engine: str, n_jobs: int,
               scheduler: str | None, on_done: Callable[[dict], None]) -> None:
    """Run every ``(part, frame)`` of ``chunks``; call ``on_done(counts)`` as each part is written."""
    light = light_model(miner)
    if engine == "local":
        _run_local(light, chunks, spec, n_jobs, on_done)
    else:
        _run_dask(light, chunks, spec, n_jobs, scheduler, on_done)
