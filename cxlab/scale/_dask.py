"""One way to get a ``dask.distributed`` client, for themes and personas alike."""
from __future__ import annotations

import logging
from contextlib import contextmanager

from cxlab.exceptions import ParameterError

__all__ = ["dask_client"]


@contextmanager
def dask_client(scheduler=None, *, n_workers: int = 2):
    """A client of ``scheduler`` (an address or a ``Client``), else of a new ``LocalCluster``.

    The local cluster has ``n_workers`` single-threaded worker processes (cxlab's tasks are
    pure Python and NumPy: processes, not threads, use the cores) and is closed on exit; a
    ``Client`` passed in is left open for its owner.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportError('engine="dask" needs dask.distributed: pip install "cxlab[dask]"') from None
    if isinstance(scheduler, Client):
        yield scheduler
        return
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"scheduler={scheduler!r}: cannot reach the Dask scheduler ({exc}); check the "
                                 "address (tcp://host:8786) or omit it for a local cluster.") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
