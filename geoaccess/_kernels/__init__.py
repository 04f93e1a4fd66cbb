"""The compiled kernels of geoaccess, in one place: one routing core, one numba policy.

==================  ==============================================================
module              kernels
==================  ==============================================================
``_numba``          the optional-numba policy: ``njit``, ``prange``, ``HAVE_NUMBA``
``dijkstra``        shortest travel times over CSR arrays (:func:`many_to_all`):
                    the travel-time matrix, service areas and transit walking legs
``raptor``          range RAPTOR over timetable patterns (public transport)
``scoring``         the nearest open site of many configurations at once
                    (:class:`geoaccess.NearestIndex`)
==================  ==============================================================

This ``__init__`` stays light (no numba, no scipy): it only reads the ``engine`` argument
that every kernel's caller takes, in the one vocabulary of the package:

- ``"auto"``: numba when it is installed (and the work is large enough to gain from it),
  else the fallback;
- ``"numba"``: the compiled kernels (the fallback, with a log message, without numba);
- ``"fallback"``: the code used when numba is missing (scipy's Dijkstra for routing,
  numpy for scoring).

The old names ``"scipy"`` and ``"numpy"`` still mean ``"fallback"``, with a FutureWarning.
"""

from __future__ import annotations

import logging

from .._deprecate import warn_old
from ..errors import InputError

__all__ = ["ENGINES", "check_engine", "use_numba"]

log = logging.getLogger(__name__)

#: Values of every ``engine`` argument.
ENGINES: tuple[str, ...] = ("auto", "numba", "fallback")
_OLD_ENGINES = ("scipy", "numpy")


def check_engine(engine: str, *, what: str = "") -> str:
    """``engine`` in the package's vocabulary: ``"auto"``, ``"numba"`` or ``"fallback"``.

    Parameters
    ----------
    engine : str
        The value a user passed.
    what : str
        What the engine computes, for the error message (e.g. ``"shortest-path"``).

    Raises
    ------
    InputError
        For an unknown engine, naming the values allowed.

    Examples
    --------
    >>> check_engine("auto")
    'auto'
    >>> check_engine("cuda", what="scoring")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoaccess.errors.InputError: unknown scoring engine 'cuda'; use one of ('auto', ...)
    """
    if engine in ENGINES:
        return engine
    if engine in _OLD_ENGINES:
        warn_old(f"engine={engine!r} is now engine='fallback' (the code used when numba is "
                 "missing); the old name will be removed in a future release")
        return "fallback"
    kind = f"{what} engine" if what else "engine"
    raise InputError(f"unknown {kind} {engine!r}; use one of {ENGINES}")


_told: set[str] = set()


def use_numba(what: str) -> bool:
    """Whether the numba kernels can run (an ``"auto"`` or ``"numba"`` engine was asked for).

    Without numba, says once per kind of kernel (``what``) at INFO level that the
    fallback runs instead.
    """
    # imported here, not at the top: it imports numba, which scoring a few configurations
    # (geoaccess.evaluate) never needs
    from . import _numba

    if _numba.HAVE_NUMBA:
        return True
    if what not in _told:
        _told.add(what)
        log.info("numba is not available (%s); %s uses the fallback engine. Install "
                 "geoaccess[fast] for the compiled kernels.", _numba.NUMBA_MISSING, what)
    return False
