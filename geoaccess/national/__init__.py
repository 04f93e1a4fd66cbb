"""National runs: every origin to every site, bounded, partitioned, on Dask or in-process.

- :func:`national_travel_times`: the matrix of a country in parts (site chunks, or tiles of
  nearby sites on a clipped network), searches bounded by ``max_minutes`` and optionally
  ``k_nearest``, stored long (origin, site, minutes) as Parquet partitioned by region.
- :class:`NationalTimes`: the stored result; :meth:`NationalTimes.read` gives a dense
  :class:`~geoaccess.TravelTimes` for one region for scoring.
- :func:`evaluate_batch`: many scenarios × matrices (modes, speeds) scored on the same
  cluster.
- :mod:`geoaccess.national.command`: the ``geoaccess national`` command (many local
  authorities in one run).

Dask (``geoaccess[national]``) is imported only when a cluster is used.
"""

from .batch import evaluate_batch
from .store import NationalTimes
from .times import national_travel_times

__all__ = ["NationalTimes", "evaluate_batch", "national_travel_times"]
