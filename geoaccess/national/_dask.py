"""Where a national run's tasks run: in this process, or on a Dask cluster."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InputError

__all__ = ["executor"]


@contextmanager
def executor(client: Any) -> Iterator[Any]:
    """None (in-process), a distributed Client, an address, or a number of local workers."""
    if client is None:
        yield None
        return
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("national runs on a cluster need dask distributed: install "
                          "geoaccess[national]") from exc
    if isinstance(client, distributed.Client):
        yield client
        return
    if isinstance(client, bool) or not isinstance(client, (str, int)):
        raise InputError(f"client must be None, a distributed.Client, a scheduler address or "
                         f"a number of local workers, got {type(client).__name__}",
                         column="client")
    if isinstance(client, int):
        if client < 1:
            raise InputError(f"client: a local cluster needs at least one worker, got "
                             f"{client}", column="client")
        cluster = distributed.LocalCluster(n_workers=client, threads_per_worker=1,
                                           processes=True, dashboard_address=":0")
        own = distributed.Client(cluster)
        try:
            yield own
        finally:
            own.close()
            cluster.close()
        return
    own = distributed.Client(client)
    try:
        yield own
    finally:
        own.close()
