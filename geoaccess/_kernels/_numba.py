"""The one optional-numba policy of geoaccess (as momepy has it).

numba is an optional dependency (``pip install geoaccess[fast]``). Every kernel is written
once, as a plain Python function decorated with :func:`njit`: with numba installed the
decorator compiles it; without numba it returns the function unchanged, :data:`prange` is
:func:`range` and :func:`get_num_threads` is 1, so the same body runs as Python. Callers
that have a faster non-numba path (scipy's Dijkstra, numpy's vectorised scoring) check
:data:`HAVE_NUMBA` and take it when numba is missing (the ``"fallback"`` engine).

Importing this module imports numba (when installed): keep it out of code that only scores
a saved matrix by importing the kernels that need it where they are used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["HAVE_NUMBA", "NUMBA_MISSING", "get_num_threads", "njit", "prange"]

_nb: Any
try:  # numba is optional (geoaccess[fast])
    import numba as _nb
except ImportError as _exc:  # pragma: no cover - depends on the environment
    _nb = None
    #: Why numba is missing (the ImportError's text), for log messages.
    NUMBA_MISSING = str(_exc)
else:
    NUMBA_MISSING = ""

#: Whether numba imported.
HAVE_NUMBA: bool = _nb is not None


njit: Any
prange: Any
get_num_threads: Callable[[], int]
if _nb is not None:
    njit = _nb.njit
    prange = _nb.prange
    get_num_threads = _nb.get_num_threads
else:  # pragma: no cover - exercised only without numba

    def njit(*args: Any, **kwargs: Any) -> Any:  # type: ignore[no-redef]
        """No-op stand-in for :func:`numba.njit`: ``@njit`` and ``@njit(...)`` both work."""
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]

        def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
            return func

        return decorate

    prange = range

    def get_num_threads() -> int:  # type: ignore[misc]
        """One thread: the Python fallback runs on the calling thread."""
        return 1
