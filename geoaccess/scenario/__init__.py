"""Hub configurations: which sites are open, in which role, and who may use them.

A :class:`Scenario` names one configuration a council is considering ("Current",
"Proposal A: 18 centres"...). Each open site has a role (``hub``, ``centre``,
``outreach``, ``base``...); sites not mentioned are closed. A scenario can also cut a
site's hours (``sessions_per_week``) and say which sites families may use (its
``catchment``: the nearest open site, an open site in their own zone, or a given
allocation).

Councils usually write their options as one table, a row per site and a column per
option, with the site's role in each cell and blank where it closes.
:func:`read_scenarios` reads such a table (CSV or Excel) or a YAML file, checks it
against the sites, and reports every problem at once. :meth:`Scenario.from_sites`
builds the current network from the sites' kinds.

==================  ===================================================================
module              what it holds
==================  ===================================================================
``model``           :class:`Scenario`, :func:`as_scenario`, :func:`scenario_masks`
``tables``          :func:`read_scenarios`, :func:`write_scenarios`,
                    :func:`scenario_table`, :func:`validate_scenarios`
``catchment``       :func:`catchment_times` (the matrix as a catchment rule lets families
                    use it) and :func:`site_zones`
==================  ===================================================================

Examples
--------
>>> from geoaccess import Scenario
>>> s = Scenario("Proposal A", {"S01": "hub", "S02": "outreach"})
>>> s.open_sites
['S01', 'S02']
>>> s.role_of("S03")
'closed'
>>> s.describe()
'2 open sites: 1 hub, 1 outreach'
"""

from __future__ import annotations

from .catchment import catchment_times, site_zones
from .model import (
    CATCHMENTS,
    CLOSED,
    ROLES,
    Scenario,
    as_scenario,
    role_lookup,
    scenario_masks,
)
from .tables import read_scenarios, scenario_table, validate_scenarios, write_scenarios

__all__ = [
    "CATCHMENTS",
    "CLOSED",
    "ROLES",
    "Scenario",
    "as_scenario",
    "catchment_times",
    "read_scenarios",
    "role_lookup",
    "scenario_masks",
    "scenario_table",
    "site_zones",
    "validate_scenarios",
    "write_scenarios",
]
