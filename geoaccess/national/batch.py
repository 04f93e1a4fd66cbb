"""Scenario batches: many proposals × matrices (modes, speeds) scored on one cluster."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import InputError
from ..evaluate import evaluate
from ..matrix import TravelTimes
from ..scenario import Scenario, as_scenario
from ._dask import executor
from .store import NationalTimes

__all__ = ["evaluate_batch"]

log = logging.getLogger(__name__)


@dataclass
class _Job:
    label: str
    region: str | None
    scenarios: list[Scenario]
    kwargs: dict[str, Any] = field(default_factory=dict)


def _matrix(source: Any, job: _Job) -> TravelTimes:
    """The job's matrix: a dense one as given, or one region of a national run."""
    if isinstance(source, TravelTimes):
        return source
    sites = list(dict.fromkeys(s for sc in job.scenarios for s in sc.open_sites))
    return NationalTimes.open(source).read(job.region, sites=sites)


def _score(source: Any, areas: Any, job: _Job) -> pd.DataFrame:
    tt = _matrix(source, job)
    if job.region is not None and areas is not None:
        areas = areas[areas["area_id"].astype(str).isin(pd.Index(tt.area_ids))]
    summary = evaluate(tt, areas, job.scenarios, **job.kwargs).summary
    front = {"matrix": job.label} | ({"region": job.region} if job.region is not None else {})
    return pd.concat([pd.DataFrame(front, index=summary.index), summary], axis=1)


def evaluate_batch(
    matrices: Mapping[str, TravelTimes | NationalTimes],
    areas: Any,
    scenarios: Iterable[Any],
    *,
    client: Any = None,
    regions: Sequence[str] | None = None,
    scenarios_per_task: int = 16,
    **evaluate_kwargs: Any,
) -> pd.DataFrame:
    """Score many scenarios on many matrices, in tasks on a Dask cluster or in-process.

    Each task runs :func:`geoaccess.evaluate` on one matrix (a mode, a speed...) and up to
    ``scenarios_per_task`` scenarios. A national run (:class:`NationalTimes`) is scored
    region by region: each task reads its region's dense matrix on the worker (only the
    sites the scenarios open), so no national matrix is ever held in one place; the
    summary then has one row per region and scenario.

    Parameters
    ----------
    matrices : mapping
        Label → :class:`~geoaccess.TravelTimes` or :class:`NationalTimes` (its folder must
        be readable by the workers).
    areas : pandas.DataFrame or None
        Areas with the population column, as for :func:`geoaccess.evaluate`.
    scenarios : iterable of Scenario
        The proposals (Scenarios, or optimiser Solutions).
    client : None, distributed.Client, str or int
        Where to run, as in :func:`national_travel_times`.
    regions : list of str, optional
        Regions of the national matrices to score (default all).
    scenarios_per_task : int
        Scenarios scored per task on a dense matrix.
    **evaluate_kwargs
        Passed to :func:`geoaccess.evaluate` (``population``, ``thresholds``, ``roles``...).

    Returns
    -------
    pandas.DataFrame
        ``matrix`` (the label), ``region`` (national matrices only) and the columns of
        :attr:`geoaccess.Result.summary`, one row per matrix, region and scenario, in the
        order given.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> walk = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                               index=["E1", "E2"]))
    >>> slow = ga.TravelTimes.from_frame(walk.minutes * 1.5)
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
    >>> out = evaluate_batch({"walk": walk, "walk slow": slow}, areas,
    ...                      [ga.Scenario("S1", {"S1": "hub"}), ga.Scenario("S2", {"S2": "hub"})],
    ...                      population="kids", thresholds=[10])
    >>> out[["matrix", "scenario", "population_within_10"]]
          matrix scenario  population_within_10
    0       walk       S1                  10.0
    1       walk       S2                  30.0
    2  walk slow       S1                  10.0
    3  walk slow       S2                   0.0
    """
    if isinstance(scenarios_per_task, bool) or not isinstance(scenarios_per_task, int) \
            or scenarios_per_task < 1:
        raise InputError(f"scenarios_per_task must be a whole number >= 1, got "
                         f"{scenarios_per_task!r}", column="scenarios_per_task")
    if not isinstance(matrices, Mapping) or not matrices:
        raise InputError("evaluate_batch: matrices must be a non-empty mapping of label → "
                         "TravelTimes or NationalTimes", column="matrices")
    chosen = [as_scenario(s) for s in scenarios]
    names = [s.name for s in chosen]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise InputError(f"evaluate_batch: scenario names used twice {dups[:5]}",
                         column="scenarios", rows=dups)
    if not chosen:
        raise InputError("evaluate_batch: no scenarios given", column="scenarios")
    jobs: list[tuple[Any, _Job]] = []
    for label, mat in matrices.items():
        if isinstance(mat, NationalTimes):
            wanted = mat.regions if regions is None else [str(r) for r in regions]
            unknown = sorted(set(wanted) - set(mat.regions))
            if unknown:
                raise InputError(f"evaluate_batch: {label!r} has no regions {unknown[:5]}",
                                 column="regions", rows=unknown)
            jobs += [(str(mat.path), _Job(str(label), r, chosen, dict(evaluate_kwargs)))
                     for r in wanted]
        elif isinstance(mat, TravelTimes):
            jobs += [(mat, _Job(str(label), None, chosen[i:i + scenarios_per_task],
                                dict(evaluate_kwargs)))
                     for i in range(0, len(chosen), scenarios_per_task)]
        else:
            raise InputError(f"evaluate_batch: matrix {label!r} is a {type(mat).__name__}, "
                             "not TravelTimes or NationalTimes", column="matrices")
    with executor(client) as ex:
        if ex is None:
            parts = [_score(src, areas, job) for src, job in jobs]
        else:
            shared_areas = ex.scatter(areas, broadcast=True, hash=False) \
                if areas is not None else None
            sent: dict[int, Any] = {}
            futures = []
            for src, job in jobs:
                if isinstance(src, TravelTimes):
                    if id(src) not in sent:
                        sent[id(src)] = ex.scatter(src, hash=False)
                    src = sent[id(src)]
                futures.append(ex.submit(_score, src, shared_areas, job, pure=False))
            parts = ex.gather(futures)
    out = pd.concat(parts, ignore_index=True)
    log.info("evaluate_batch: %d scenarios × %d matrices in %d tasks", len(chosen),
             len(matrices), len(jobs))
    return out
