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
from ..scenario import ROLES, Scenario, _role_lookup  # to move to _kinds as role_lookup
from ._common import TravelLike, matrix_arrays, open_mask

__all__ = ["AccessRule", "meets_rule"]


_ANY_WORDS = {"any", "site", "sites", "service", "services", "any site", "open site",
              "any open site", "venue", "venues", "anything"}
_CLAUSE = re.compile(
    r"^(?:(?:an?|any|one|the)\s+)?(?P<roles>.+?)\s*"
    r"(?:is\s+|are\s+)?(?:within|<=|≤|=<|in\s+under|under|in\s+at\s+most|at\s+most)\s*"
    r"(?P<minutes>\d+(?:\.\d+)?)\s*(?:min(?:ute)?s?|m)?(?:\s+(?:walk|drive|away))?\.?$")


@dataclass(frozen=True)
class AccessRule:
    """A standard a council can state, e.g. "a hub within 20 minutes or an outreach site within 10".

    A rule is an OR of AND-groups of conditions; each condition is "an open site with one
    of these roles within *t* minutes" (any role when ``roles`` is None). "and" binds
    tighter than "or"; parentheses are not supported.

    Parameters
    ----------
    clauses : tuple of tuple of (roles, minutes)
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
    """

    clauses: tuple[tuple[tuple[tuple[str, ...] | None, float], ...], ...]
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
        lookup = _role_lookup(list(roles) if roles is not None else list(ROLES))
        source = " ".join(str(text).strip().lower().split())
        if not source:
            raise InputError("access rule: empty text; write e.g. 'a hub within 20 minutes "
                             "or an outreach site within 10'")
        groups = []
        for group in re.split(r"\s+or\s+|\s*\|\|\s*", source):
            conds = []
            for part in re.split(r"\s+and\s+|\s*&&\s*|\s*,\s+", group):
                match = _CLAUSE.match(part.strip())
                if not match:
                    raise InputError(
                        f"access rule {text!r}: cannot read {part!r}; write each condition "
                        "as '<role> within <minutes>' (e.g. 'a hub within 20 minutes'), "
                        "joined by 'or' / 'and'")
                names = match["roles"].strip()
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
                conds.append((role_t, float(match["minutes"])))
            groups.append(tuple(conds))
        return cls(tuple(groups), str(text))

    def describe(self) -> str:
        """The rule in words, e.g. ``'hub within 20 min or outreach within 10 min'``."""
        def cond(c: tuple[tuple[str, ...] | None, float]) -> str:
            who = "any site" if c[0] is None else "/".join(c[0])
            return f"{who} within {c[1]:g} min"
        return " or ".join(" and ".join(cond(c) for c in g) for g in self.clauses)


def meets_rule(tt: TravelLike, scenario: Scenario, rule: str | AccessRule) -> pd.Series:
    """Whether each area meets an access standard (see :class:`AccessRule`).

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    rule : str or AccessRule
        E.g. ``"a hub within 20 minutes or an outreach site within 10"``.

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
    """
    parsed = rule if isinstance(rule, AccessRule) else AccessRule.parse(str(rule))
    values, area_ids, site_ids = matrix_arrays(tt)
    open_mask(scenario, site_ids, None)
    result = np.zeros(len(area_ids), dtype=bool)
    for group in parsed.clauses:
        ok = np.ones(len(area_ids), dtype=bool)
        for roles, minutes in group:
            mask = scenario.mask(site_ids, None if roles is None else list(roles))
            with np.errstate(invalid="ignore"):
                ok &= (values[:, mask] <= minutes).any(axis=1)
        result |= ok
    return pd.Series(result, index=area_ids, name=parsed.text or parsed.describe())
