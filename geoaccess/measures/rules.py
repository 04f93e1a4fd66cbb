"""A council's access standard, in words, and which areas meet it.

For example "a hub within 20 minutes or an outreach site within 10": :class:`AccessRule`
reads it, :func:`meets_rule` applies it to a matrix and a scenario.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..scenario import ROLES, Scenario, role_lookup
from ._common import TravelLike, matrix_arrays, open_mask
from .hours import site_sessions

__all__ = ["AccessRule", "Condition", "meets_rule"]

#: One condition of a rule: (roles or None for any, minutes) or, asking for hours,
#: (roles, minutes, least sessions a week).
Condition = tuple[tuple[str, ...] | None, float] | tuple[tuple[str, ...] | None, float, float]


_ANY_WORDS = {"any", "site", "sites", "service", "services", "any site", "open site",
              "any open site", "venue", "venues", "anything"}
#: "<who> open at least 5 sessions", "<who> with 5+ sessions a week": a condition on hours
_SESSIONS = re.compile(
    r"^(?P<who>.+?)\s+(?:that\s+is\s+|which\s+is\s+)?(?:open(?:ing)?|with|running|"
    r"offering)\s+(?:at\s+least\s+|>=\s*|≥\s*)?(?P<n>\d+(?:\.\d+)?)\s*\+?\s*"
    r"(?:or\s+more\s+)?sessions?(?:\s+(?:a|per|each)\s+week)?$")
_CLAUSE = re.compile(
    r"^(?:(?:an?|any|one|the)\s+)?(?P<roles>.+?)\s*"
    r"(?:is\s+|are\s+)?(?:within|<=|≤|=<|in\s+under|under|in\s+at\s+most|at\s+most)\s*"
    r"(?P<minutes>\d+(?:\.\d+)?)\s*(?:min(?:ute)?s?|m)?(?:\s+(?:walk|drive|away))?\.?$")


@dataclass(frozen=True)
class AccessRule:
    """A standard a council can state, e.g. "a hub within 20 minutes or an outreach site within 10".

    A rule is an OR of AND-groups of conditions; each condition is "an open site with one
    of these roles within *t* minutes" (any role when ``roles`` is None), and may ask
    for hours: "a site open at least 5 sessions within 15 minutes" (sessions a week, see
    :func:`~geoaccess.measures.site_sessions`). "and" binds tighter than "or";
    parentheses are not supported.

    Parameters
    ----------
    clauses : tuple of tuple of (roles, minutes) or (roles, minutes, min_sessions)
        OR over the outer tuple, AND over each inner one.
    text : str
        The rule as written, for reports.

    Examples
    --------
    >>> r = AccessRule.parse("a hub within 20 minutes or an outreach site within 10")
    >>> r.clauses
    (((('hub',), 20.0),), ((('outreach',), 10.0),))
    >>> AccessRule.parse("hub/centre <= 15 and any site within 10").clauses
    (((('hub', 'centre'), 15.0), (None, 10.0)),)
    >>> AccessRule.parse("a site open at least 5 sessions within 15 minutes").clauses
    (((None, 15.0, 5.0),),)
    """

    clauses: tuple[tuple[Condition, ...], ...]
    text: str = ""

    @classmethod
    def parse(cls, text: str, roles: Sequence[str] | None = None) -> AccessRule:
        """Read a rule written in words (see the class examples).

        Parameters
        ----------
        text : str
            E.g. ``"a hub within 20 minutes or an outreach site within 10"``,
            ``"hub <= 20 or outreach <= 10"``, ``"any site within 15"``,
            ``"hub/centre within 15 and outreach within 5"``.
        roles : sequence of str, optional
            Known role names (default :data:`geoaccess.scenario.ROLES`).

        Raises
        ------
        InputError
            When a part cannot be read, naming it and showing the expected form.
        """
        lookup = role_lookup(list(roles) if roles is not None else list(ROLES))
        source = " ".join(str(text).strip().lower().split())
        if not source:
            raise InputError("access rule: empty text; write e.g. 'a hub within 20 minutes "
                             "or an outreach site within 10'")
        groups = []
        for group in re.split(r"\s+or\s+|\s*\|\|\s*", source):
            conds: list[Condition] = []
            for part in re.split(r"\s+and\s+|\s*&&\s*|\s*,\s+", group):
                match = _CLAUSE.match(part.strip())
                if not match:
                    raise InputError(
                        f"access rule {text!r}: cannot read {part!r}; write each condition "
                        "as '<role> within <minutes>' (e.g. 'a hub within 20 minutes'), "
                        "joined by 'or' / 'and'")
                names = match["roles"].strip()
                hours = _SESSIONS.match(names)
                if hours:
                    names = re.sub(r"^(?:an?|any|one|the)\s+", "", hours["who"].strip())
                names = re.sub(r"\s+sites?$", "", names) if names not in _ANY_WORDS else names
                if names in _ANY_WORDS:
                    role_t: tuple[str, ...] | None = None
                else:
                    found = []
                    for word in re.split(r"\s*/\s*|\s+or\s+", names):
                        word = word.strip()
                        role = lookup.get(word) or lookup.get(re.sub(r"\s+sites?$", "", word))
                        if role is None:
                            raise InputError(
                                f"access rule {text!r}: unknown role {word!r}; use one of "
                                f"{sorted(set(lookup.values()))} or 'any site'")
                        found.append(role)
                    role_t = tuple(dict.fromkeys(found))
                if hours:
                    conds.append((role_t, float(match["minutes"]), float(hours["n"])))
                else:
                    conds.append((role_t, float(match["minutes"])))
            groups.append(tuple(conds))
        return cls(tuple(groups), str(text))

    def describe(self) -> str:
        """The rule in words, e.g. ``'hub within 20 min or outreach within 10 min'``."""
        def cond(c: Condition) -> str:
            who = "any site" if c[0] is None else "/".join(c[0])
            hours = f" open at least {c[2]:g} sessions" if len(c) > 2 else ""
            return f"{who}{hours} within {c[1]:g} min"
        return " or ".join(" and ".join(cond(c) for c in g) for g in self.clauses)


def meets_rule(tt: TravelLike, scenario: Scenario, rule: str | AccessRule, *,
               sites: pd.DataFrame | None = None) -> pd.Series:
    """Whether each area meets an access standard (see :class:`AccessRule`).

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    rule : str or AccessRule
        E.g. ``"a hub within 20 minutes or an outreach site within 10"``, or ``"a site
        open at least 5 sessions within 15 minutes"``.
    sites : pandas.DataFrame, optional
        Sites table, for the sessions a week the scenario does not hold (a site of
        unknown hours counts as open a full week).

    Returns
    -------
    pandas.Series of bool
        Index ``area_id``, named after the rule text. Areas with no times at all do not
        meet any rule (:func:`nearest` gives the reason).

    Examples
    --------
    Hub S1 and outreach S2; rule "a hub within 20 minutes or an outreach site within 10"::

              S1 (hub)  S2 (outreach)
        E1        15            30      hub 15 <= 20             -> True
        E2        25             8      outreach 8 <= 10         -> True
        E3        25            12      neither                  -> False

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [15.0, 25, 25], "S2": [30.0, 8, 12]}, index=["E1", "E2", "E3"]))
    >>> s = ga.Scenario("A", {"S1": "hub", "S2": "outreach"})
    >>> meets_rule(tt, s, "a hub within 20 minutes or an outreach site within 10").tolist()
    [True, True, False]

    With hours: the outreach site opens 2 sessions a week, so only E1's hub (10) counts
    for "a site open at least 5 sessions within 20 minutes".

    >>> s = s.modified("A", sessions_per_week={"S1": 10, "S2": 2})
    >>> meets_rule(tt, s, "a site open at least 5 sessions within 20 minutes").tolist()
    [True, False, False]
    """
    parsed = rule if isinstance(rule, AccessRule) else AccessRule.parse(str(rule))
    values, area_ids, site_ids = matrix_arrays(tt)
    open_mask(scenario, site_ids, None)
    result = np.zeros(len(area_ids), dtype=bool)
    for group in parsed.clauses:
        ok = np.ones(len(area_ids), dtype=bool)
        for roles, minutes, *hours in group:
            mask = scenario.mask(site_ids, None if roles is None else list(roles))
            if hours and mask.any():
                open_hours = site_sessions(scenario, sites=sites,
                                           site_ids=site_ids[mask]).to_numpy()
                mask[np.nonzero(mask)[0][open_hours < hours[0]]] = False
            with np.errstate(invalid="ignore"):
                ok &= (values[:, mask] <= minutes).any(axis=1)
        result |= ok
    return pd.Series(result, index=area_ids, name=parsed.text or parsed.describe())
