"""Which sites to keep: location-allocation on the precomputed travel-time matrix.

Councils publish one proposal ("keep 18 of our 36 centres"); this module finds the best
achievable configuration under the same constraints, so the proposal can be judged against it.
Every function works on the :class:`~geoaccess.TravelTimes` matrix already computed (no
new shortest-path search) and returns a :class:`Solution` whose ``.scenario`` goes
straight into :func:`geoaccess.evaluate` and :func:`geoaccess.compare`.

=======================================  ===========================================================
question                                 function
=======================================  ===========================================================
keep *p* sites, shortest mean journey    :func:`p_median` (population-weighted minutes)
keep *p* sites, most people within *T*   :func:`max_coverage`
fewest sites with everyone within *T*    :func:`set_cover` (reports who cannot be covered)
keep *p* sites, best worst case          :func:`p_center`
save £X with the least access lost       :func:`p_median` with ``min_saving=`` (or ``budget=``)
how good can it get, site by site        :func:`trade_off`, :func:`geoaccess.plot_trade_off`
efficiency against equity                :func:`equity_frontier`, :func:`geoaccess.plot_frontier`
access for each running-cost budget      :func:`cost_frontier`, :func:`geoaccess.plot_cost_frontier`
the proposal against the best            :func:`proposal_vs_best`
=======================================  ===========================================================

Constraints every function accepts, as keywords or all at once as
``constraints=Constraints(...)`` (see :class:`Constraints`; ``Rules`` and ``rules=`` are
their old names, deprecated: in :func:`geoaccess.evaluate`, ``rules=`` are access
standards): ``must_keep`` / ``must_close`` site ids, ``candidates`` (the sites that
may be chosen), ``zones`` with ``min_per_zone`` / ``max_per_zone`` (e.g. one hub per
locality), ``catchment="zone"`` (families use a site of their own zone),
``capacity`` (assignment within each site's capacity), ``equity`` (an :class:`Equity`
constraint on a group of areas, e.g. the most deprived areas' share within 15 minutes
at least everyone else's), and money: ``budget`` (most the kept sites may cost to run,
pounds a year) or ``min_saving`` (least saving against ``current``, the configuration
today), from the sites' ``running_cost``.

==================  ===================================================================
module              what it holds
==================  ===================================================================
``locate``          :func:`p_median`, :func:`max_coverage`, :func:`set_cover`,
                    :func:`p_center`
``tradeoff``        :func:`trade_off`, :func:`equity_frontier`
``proposal``        :func:`proposal_vs_best` and its :class:`ProposalGap`
``savings``         :func:`cost_frontier`
``costs``           today's configuration, running and one-off costs, the roles of the
                    chosen sites and the table of sites kept, added and closed
``solution``        :class:`Solution`, and how one is built from a choice of sites
``problem``         :class:`Constraints`, :class:`InfeasibleError`, and the ``Instance``
                    (matrix, areas and constraints as arrays) the solvers work on
``equity``          :class:`Equity` and its groups of areas
``solve``           one question solved: heuristic, exact model, better answer
``exact``           the mixed-integer models (HiGHS) and the p-center search
``milp``            the models' building blocks as sparse arrays
``heuristics``      greedy construction and Teitz-Bart interchange
==================  ===================================================================

How it is solved
----------------
Exactly, as a mixed-integer programme solved by HiGHS through
:func:`scipy.optimize.milp`, with a time limit and the optimality gap reported
(:mod:`geoaccess.optimise.exact`). The uncapacitated models use a compact "radius"
formulation in which areas sharing the same nearest sites share rows, so 5,000 areas ×
36 sites solve in well under a second (see ``benchmarks/bench_optimise.py``). A fast
heuristic (greedy construction followed by Teitz-Bart vertex interchange,
:mod:`geoaccess.optimise.heuristics`) runs first with ``method="auto"``: its answer is
kept if the exact solver runs out of time, with the gap to the solver's proven bound.

Conventions
-----------
- A pair with no time (NaN) can never be assigned. Areas with no time to any candidate
  site cannot be served whatever is chosen: they are left out of the objective and
  listed in :attr:`Solution.not_served` with the reason, never dropped.
- Every open site serves every area (roles are ignored when choosing), or with
  ``catchment="zone"`` every area of its zone. A chosen site open today keeps its role
  (a kept hub stays a hub); a site added takes ``role``, else its ``kind``, else
  ``"centre"``. :attr:`Solution.changes` lists the sites kept, added and closed.
- Weights are the population column (default: the areas' first population column,
  ``areas.attrs["population"]``); without one every area counts 1.
- "Within *T* minutes" means ``<= T``, as in :mod:`geoaccess.measures`.

Examples
--------
Four areas, three candidate sites; keep 2 minimising children-weighted minutes::

           S1   S2   S3   children
    E1      2   10    9        100
    E2      9    3    8        100
    E3      8    9    1         10
    E4      7    8    9        100

Keeping S1 and S2 gives 100×2 + 100×3 + 10×8 + 100×7 = 1,280 child-minutes; S1+S3
gives 200 + 800 + 10 + 700 = 1,710; S2+S3 gives 900 + 300 + 10 + 800 = 2,010. So S1 and
S2, a mean of 1,280 / 310 = 4.13 minutes.

>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [2.0, 9, 8, 7], "S2": [10.0, 3, 9, 8], "S3": [9.0, 8, 1, 9]},
...     index=["E1", "E2", "E3", "E4"]))
>>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3", "E4"],
...                       "children": [100.0, 100, 10, 100]})
>>> best = ga.p_median(tt, areas, p=2, population="children")
>>> best.scenario.open_sites, round(best.objective, 2), best.status
(['S1', 'S2'], 4.13, 'optimal')
>>> ga.evaluate(tt, areas, best.scenario, population="children").summary.loc[
...     0, "mean_minutes"].round(2)
np.float64(4.13)
"""

from __future__ import annotations

from .equity import Equity
from .locate import max_coverage, p_center, p_median, set_cover
from .problem import Constraints, InfeasibleError, Rules
from .proposal import ProposalGap, proposal_vs_best
from .savings import cost_frontier
from .solution import Solution
from .solve import METHODS
from .tradeoff import equity_frontier, trade_off

__all__ = [
    "METHODS",
    "Constraints",
    "Equity",
    "InfeasibleError",
    "ProposalGap",
    "Rules",
    "Solution",
    "cost_frontier",
    "equity_frontier",
    "max_coverage",
    "p_center",
    "p_median",
    "proposal_vs_best",
    "set_cover",
    "trade_off",
]
