"""A council's access standard, in words, and which areas meet it.

For example "a hub within 20 minutes or an outreach site within 10": :class:`AccessRule`
reads it, :func:`meets_rule` applies it to a matrix and a scenario.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..matrix import TravelTimes
from ..scenario import ROLES, Scenario, role_lookup
from ._common import TravelLike, as_travel, matrix_arrays, open_mask
from .hours import site_sessions

__all__ = ["RULE_MODES", "AccessRule", "Condition", "aligned_matrix", "meets_rule",
           "mode_phrase", "rule_matrices"]


#: One condition of a rule: (roles or None for any, minutes) or, asking for hours,
#: (roles, minutes, least sessions a week).
Condition = tuple[tuple[str, ...] | None, float] | tuple[tuple[str, ...] | None, float, float]

#: Travel modes a condition may name ("on foot", "by car"...), as the matrices' modes.
RULE_MODES = ("walk", "pushchair", "cycle", "drive", "transit")

#: The words read as each mode after the minutes (most specific first: "walking with a
#: pushchair" is a pushchair, not a walk).
_MODE_WORDS: dict[str, str] = {
    "pushchair": (r"(?:(?:walk(?:ing)?|on\s+foot)\s+)?with\s+an?\s+(?:pushchair|buggy|pram)|"
                  r"(?:by|pushing)\s+(?:an?\s+)?(?:pushchair|buggy|pram)|"
                  r"(?:pushchair|buggy|pram)(?:\s+walk)?"),
    "walk": r"on\s+foot|by\s+foot|walking|walk",
    "cycle": r"by\s+(?:bike|bicycle|cycle)|on\s+a\s+(?:bike|bicycle)|cycling|"
             r"(?:cycle|bike)(?:\s+ride)?",
    "drive": r"by\s+car|in\s+a\s+car|driving|drive",
    "transit": r"(?:by|on)\s+(?:the\s+)?(?:bus|public\s+transport|transit|train)|"
               r"public\s+transport|transit",
}
_MODE_RE = {m: re.compile(rf"^(?:{w})$") for m, w in _MODE_WORDS.items()}
_ANY_MODE = "|".join(f"(?:{w})" for w in _MODE_WORDS.values())
#: How each mode is written back in plain words ("within 15 minutes on foot").
_MODE_PHRASES = {"walk": "on foot", "pushchair": "with a pushchair", "cycle": "by bike",
                 "drive": "by car", "transit": "by public transport"}

_ANY_WORDS = {"any", "site", "sites", "service", "services", "any site", "open site",
              "any open site", "venue", "venues", "anything"}
#: "<who> open at least 5 sessions", "<who> with 5+ sessions a week": a condition on hours
_SESSIONS = re.compile(
    r"^(?P<who>.+?)\s+(?:that\s+is\s+|which\s+is\s+)?(?:open(?:ing)?|with|running|"
    r"offering)\s+(?:at\s+least\s+|>=\s*|≥\s*)?(?P<n>\d+(?:\.\d+)?)\s*\+?\s*"
    r"(?:or\s+more\s+)?sessions?(?:\s+(?:a|per|each)\s+week)?$")
_WITHIN = r"(?:within|<=|≤|=<|in\s+under|under|in\s+at\s+most|at\s+most)"
#: "15 minutes' walk", "10 by car", "20 mins on the bus away"
_TIME = (r"(?P<minutes>\d+(?:\.\d+)?)\s*-?\s*(?:min(?:ute)?s?'?|m)?"
         rf"(?:\s*(?:'s\s+)?(?P<mode>{_ANY_MODE}))?(?:\s+away)?\.?$")
_CLAUSE = re.compile(rf"^(?:(?:an?|any|one|the)\s+)?(?P<roles>.+?)\s*(?:is\s+|are\s+)?"
                     rf"{_WITHIN}\s*{_TIME}")
#: a later condition naming only its time and mode: "... or 20 by bus" (same sites)
_MORE = re.compile(rf"^(?:{_WITHIN}\s*)?{_TIME}")


def mode_phrase(mode: str) -> str:
    """Plain words for a travel mode in a rule: ``"drive"`` → ``"by car"``.

    Examples
    --------
    >>> mode_phrase("walk"), mode_phrase("transit")
    ('on foot', 'by public transport')
    """
    return _MODE_PHRASES.get(mode, f"by {mode}")


def _mode_of(words: str | None) -> str | None:
    if not words:
        return None
    words = " ".join(words.split())
    return next(m for m, pattern in _MODE_RE.items() if pattern.match(words))


@dataclass(frozen=True)
class AccessRule:
    """A standard a council can state, e.g. "a hub within 20 minutes or an outreach site within 10".

    A rule is an OR of AND-groups of conditions; each condition is "an open site with one
    of these roles within *t* minutes" (any role when ``roles`` is None), and may ask
    for hours: "a site open at least 5 sessions within 15 minutes" (sessions a week, see
    :func:`~geoaccess.measures.site_sessions`). "and" binds tighter than "or";
    parentheses are not supported.

    A condition may name how people travel, after its minutes: "on foot" / "walk" /
    "walking" (``walk``), "with a pushchair" (``pushchair``), "by bike" / "cycling"
    (``cycle``), "by car" / "driving" (``drive``), "by bus" / "by public transport" /
    "by transit" (``transit``). A condition naming only its time and mode takes the
    sites of the one before: "a centre within 15 minutes on foot or 20 by bus" is "a
    centre within 15 minutes on foot, or a centre within 20 minutes by bus". A condition
    naming no mode uses the main matrix (see :func:`meets_rule`).

    Parameters
    ----------
    clauses : tuple of tuple of (roles, minutes) or (roles, minutes, min_sessions)
        OR over the outer tuple, AND over each inner one.
    text : str
        The rule as written, for reports.
    modes : tuple of tuple of (str or None)
        The mode of each condition, shaped as ``clauses`` (None: the main matrix); empty
        when no condition names one.

    Examples
    --------
    >>> r = AccessRule.parse("a hub within 20 minutes or an outreach site within 10")
    >>> r.clauses
    (((('hub',), 20.0),), ((('outreach',), 10.0),))
    >>> AccessRule.parse("hub/centre <= 15 and any site within 10").clauses
    (((('hub', 'centre'), 15.0), (None, 10.0)),)
    >>> AccessRule.parse("a site open at least 5 sessions within 15 minutes").clauses
    (((None, 15.0, 5.0),),)

    Several modes: the second condition takes the centre of the first.

    >>> r = AccessRule.parse("a centre within 15 minutes on foot or 20 by bus")
    >>> r.clauses
    (((('centre',), 15.0),), ((('centre',), 20.0),))
    >>> r.modes, r.named_modes
    ((('walk',), ('transit',)), ('walk', 'transit'))
    >>> r.phrase()
    'a centre within 15 minutes on foot or 20 minutes by public transport'
    """

    clauses: tuple[tuple[Condition, ...], ...]
    text: str = ""
    modes: tuple[tuple[str | None, ...], ...] = ()

    def __post_init__(self) -> None:
        if not self.modes:
            return
        shape = [len(g) for g in self.clauses]
        if [len(g) for g in self.modes] != shape:
            raise InputError(f"access rule {self.text!r}: modes must be shaped as the "
                             f"clauses ({shape} conditions per group)")
        bad = sorted({str(m) for g in self.modes for m in g
                      if m is not None and m not in RULE_MODES})
        if bad:
            raise InputError(f"access rule {self.text!r}: unknown modes {bad}; use "
                             f"{list(RULE_MODES)}")

    @property
    def named_modes(self) -> tuple[str, ...]:
        """The modes the conditions name, in order of first mention (empty: none)."""
        return tuple(dict.fromkeys(m for g in self.modes for m in g if m is not None))

    def mode(self, group: int, condition: int) -> str | None:
        """The mode a condition names (None: the main matrix's)."""
        return self.modes[group][condition] if self.modes else None

    @classmethod
    def parse(cls, text: str, roles: Sequence[str] | None = None) -> AccessRule:
        """Read a rule written in words (see the class examples).

        Parameters
        ----------
        text : str
            E.g. ``"a hub within 20 minutes or an outreach site within 10"``,
            ``"hub <= 20 or outreach <= 10"``, ``"any site within 15"``,
            ``"hub/centre within 15 and outreach within 5"``, ``"a centre within 15
            minutes on foot or 10 by car"``.
        roles : sequence of str, optional
            Known role names (default :data:`geoaccess.scenario.ROLES`).

        Raises
        ------
        InputError
            When a part cannot be read, naming it and showing the expected form.
        """
        lookup = role_lookup(list(roles) if roles is not None else list(ROLES))
        source = " ".join(str(text).strip().lower().replace("’", "'").split())
        if not source:
            raise InputError("access rule: empty text; write e.g. 'a hub within 20 minutes "
                             "or an outreach site within 10'")
        groups: list[tuple[Condition, ...]] = []
        modes: list[tuple[str | None, ...]] = []
        last: tuple[tuple[str, ...] | None, tuple[float, ...]] | None = None
        for group in re.split(r"\s+or\s+|\s*\|\|\s*", source):
            conds: list[Condition] = []
            cmodes: list[str | None] = []
            for raw in re.split(r"\s+and\s+|\s*&&\s*|\s*,\s+", group):
                part = raw.strip().rstrip(",;")
                match = _CLAUSE.match(part)
                more = None if match else _MORE.match(part)
                if more and more["mode"] and last is not None:
                    role_t, hours_t = last  # "... or 20 by bus": the same sites
                    conds.append((role_t, float(more["minutes"]), *hours_t))  # type: ignore[arg-type]
                    cmodes.append(_mode_of(more["mode"]))
                    continue
                if not match:
                    hint = (" (a condition giving only minutes must name how people "
                            "travel, e.g. '20 by bus', and follow one naming the sites)"
                            if more else "")
                    raise InputError(
                        f"access rule {text!r}: cannot read {part!r}; write each condition "
                        "as '<role> within <minutes>' (e.g. 'a hub within 20 minutes'), "
                        "optionally with how people travel ('on foot', 'by car', 'by bus'), "
                        f"joined by 'or' / 'and'{hint}")
                role_t, hours_t = _who(match["roles"].strip(), lookup, text)
                conds.append((role_t, float(match["minutes"]), *hours_t))  # type: ignore[arg-type]
                cmodes.append(_mode_of(match["mode"]))
                last = (role_t, hours_t)
            groups.append(tuple(conds))
            modes.append(tuple(cmodes))
        named = any(m is not None for g in modes for m in g)
        return cls(tuple(groups), str(text), tuple(modes) if named else ())

    def describe(self) -> str:
        """The rule in words, e.g. ``'hub within 20 min or outreach within 10 min'``."""
        def cond(g: int, k: int) -> str:
            c = self.clauses[g][k]
            who = "any site" if c[0] is None else "/".join(c[0])
            hours = f" open at least {c[2]:g} sessions" if len(c) > 2 else ""
            mode = self.mode(g, k)
            how = f" {mode_phrase(mode)}" if mode else ""
            return f"{who}{hours} within {c[1]:g} min{how}"
        return " or ".join(" and ".join(cond(g, k) for k in range(len(group)))
                           for g, group in enumerate(self.clauses))

    def phrase(self, service: str | None = None) -> str:
        """The rule in plain words for sentences ("a centre within 15 minutes on foot...").

        A condition with the sites of the one before gives only its time and mode.

        Parameters
        ----------
        service : str, optional
            Words for "any site" (e.g. "a centre"); default "an open site".

        Examples
        --------
        >>> AccessRule.parse("hub <= 20 or outreach <= 10").phrase()
        'a hub within 20 minutes or an outreach site within 10 minutes'
        >>> AccessRule.parse("any site within 15 walking or 10 by car").phrase("a centre")
        'a centre within 15 minutes on foot or 10 minutes by car'
        """
        nouns = {"hub": "a hub", "centre": "a centre", "outreach": "an outreach site",
                 "shared": "a shared site"}
        prev: Any = object()
        out = []
        for g, group in enumerate(self.clauses):
            parts = []
            for k, c in enumerate(group):
                who: tuple[Any, ...] = (c[0], *c[2:])
                mode = self.mode(g, k)
                how = f" {mode_phrase(mode)}" if mode else ""
                unit = "minute" if c[1] == 1 else "minutes"
                if who == prev and mode:
                    parts.append(f"{c[1]:g} {unit}{how}")
                    continue
                if c[0] is None:
                    noun = "a site" if len(c) > 2 else (service or "an open site")
                else:
                    noun = " or ".join(nouns.get(r, f"a {r} site") for r in c[0])
                hours = f" open at least {c[2]:g} sessions a week" if len(c) > 2 else ""
                parts.append(f"{noun}{hours} within {c[1]:g} {unit}{how}")
                prev = who
            out.append(" and ".join(parts))
        return " or ".join(out)


def _who(names: str, lookup: dict[str, str], text: str
         ) -> tuple[tuple[str, ...] | None, tuple[float, ...]]:
    """The roles of a condition (None: any) and its least sessions a week (if any)."""
    hours = _SESSIONS.match(names)
    if hours:
        names = re.sub(r"^(?:an?|any|one|the)\s+", "", hours["who"].strip())
    names = re.sub(r"\s+sites?$", "", names) if names not in _ANY_WORDS else names
    extra = (float(hours["n"]),) if hours else ()
    if names in _ANY_WORDS:
        return None, extra
    found = []
    for word in re.split(r"\s*/\s*|\s+or\s+", names):
        word = word.strip()
        role = lookup.get(word) or lookup.get(re.sub(r"\s+sites?$", "", word))
        if role is None:
            raise InputError(
                f"access rule {text!r}: unknown role {word!r}; use one of "
                f"{sorted(set(lookup.values()))} or 'any site'")
        found.append(role)
    return tuple(dict.fromkeys(found)), extra


def aligned_matrix(main: TravelLike, other: TravelLike, *, mode: str) -> TravelTimes:
    """``other`` with the rows and sites of ``main``, in its order.

    Every matrix of a rule over several modes must hold the same rows (areas, or the
    same homes) and the same sites.

    Raises
    ------
    InputError
        Naming the rows or sites one matrix has and the other lacks.

    Examples
    --------
    >>> import pandas as pd
    >>> walk = pd.DataFrame({"S1": [5.0, 9.0], "S2": [7.0, 1.0]}, index=["E1", "E2"])
    >>> drive = pd.DataFrame({"S2": [2.0, 3.0], "S1": [1.0, 4.0]}, index=["E2", "E1"])
    >>> aligned_matrix(walk, drive, mode="drive").minutes.to_dict("list")
    {'S1': [4.0, 1.0], 'S2': [3.0, 2.0]}
    """
    a, b = as_travel(main), as_travel(other)
    for what, mine, theirs in (("rows", a.minutes.index, b.minutes.index),
                               ("sites", a.minutes.columns, b.minutes.columns)):
        mine, theirs = pd.Index(mine.astype(str)), pd.Index(theirs.astype(str))
        if mine.equals(theirs):
            continue
        missing, extra = mine.difference(theirs).tolist(), theirs.difference(mine).tolist()
        if missing or extra or theirs.has_duplicates:
            kind = ("homes (origins)" if a.origins is not None else "areas") \
                if what == "rows" else "sites"
            raise InputError(
                f"access rule over several modes: the {mode} matrix does not hold the same "
                f"{kind} as the main ({a.mode}) matrix: missing {show_ids(missing)}, "
                f"unexpected {show_ids(extra)}; compute every mode's travel_times from the "
                "same sites and the same areas (or origins)",
                column="site_id" if what == "sites" else "area_id", rows=missing + extra)
    minutes = b.minutes
    if not (minutes.index.equals(a.minutes.index) and minutes.columns.equals(
            a.minutes.columns)):
        minutes = minutes.set_axis(minutes.index.astype(str), axis=0).set_axis(
            minutes.columns.astype(str), axis=1).reindex(
            index=a.minutes.index.astype(str), columns=a.minutes.columns.astype(str))
        minutes.index, minutes.columns = a.minutes.index, a.minutes.columns
    else:
        return b if b.origins is None or a.origins is None or b.origins is a.origins \
            else _with_origins(b, minutes, a)
    return _with_origins(b, minutes, a)


def _with_origins(b: TravelTimes, minutes: pd.DataFrame, a: TravelTimes) -> TravelTimes:
    """``b``'s minutes as a matrix over ``a``'s rows (and ``a``'s origins)."""
    return TravelTimes(minutes, mode=b.mode,
                       area_reason=b.area_reason.reindex(minutes.index),
                       site_reason=b.site_reason.reindex(minutes.columns),
                       pair_reason=b.pair_reason, max_minutes=b.max_minutes,
                       provenance=b.provenance, origins=a.origins)


def rule_matrices(tt: Any, rule: AccessRule) -> dict[str | None, TravelLike]:
    """The matrix of each mode the rule names, and the main one (key None).

    ``tt`` is one matrix or a mapping mode → matrix (the first is the main one); the
    others are aligned on the main one (:func:`aligned_matrix`).

    Raises
    ------
    InputError
        A mode the rule names with no matrix, several modes named with one matrix, or a
        matrix of another mode.
    """
    named = rule.named_modes
    if isinstance(tt, Mapping):
        if not tt:
            raise InputError("meets_rule: no travel-time matrix given")
        items = {str(k): v for k, v in tt.items()}
        main_mode, main = next(iter(items.items()))
        out: dict[str | None, TravelLike] = {None: main}
        missing = [m for m in named if m not in items]
        if missing:
            raise InputError(
                f"access rule {rule.text or rule.describe()!r} names travel "
                f"{', '.join(mode_phrase(m) for m in missing)} ({', '.join(missing)}) but no "
                f"matrix was given for it; matrices given: {list(items)}. Pass one "
                "travel_times per mode the rule names, e.g. {'walk': tt_walk, 'drive': "
                "tt_drive}", column="mode", rows=missing)
        for m in named:
            out[m] = main if m == main_mode else aligned_matrix(main, items[m], mode=m)
        return out
    if len(named) > 1:
        raise InputError(
            f"access rule {rule.text or rule.describe()!r} names several modes "
            f"({', '.join(named)}); pass a mapping mode → travel_times, e.g. "
            "{'walk': tt_walk, 'drive': tt_drive}", column="mode", rows=list(named))
    own = getattr(tt, "mode", "unknown")
    if named and own not in ("unknown", named[0]):
        raise InputError(
            f"access rule {rule.text or rule.describe()!r} names travel "
            f"{mode_phrase(named[0])} ({named[0]}) but the matrix is for {own}; pass a "
            f"mapping {{{own!r}: ..., {named[0]!r}: ...}} with a matrix for each",
            column="mode", rows=[named[0]])
    return {None: tt, **dict.fromkeys(named, tt)}


def meets_rule(tt: TravelLike | Mapping[str, TravelLike], scenario: Scenario,
               rule: str | AccessRule, *, sites: pd.DataFrame | None = None) -> pd.Series:
    """Whether each area meets an access standard (see :class:`AccessRule`).

    Parameters
    ----------
    tt : TravelTimes, or mapping of mode to TravelTimes
        One matrix, or one per mode the rule names (``{"walk": ..., "drive": ...}``):
        the first is the main one, used by conditions naming no mode. Every matrix must
        hold the same rows (areas, or homes) and sites. One matrix serves a rule naming
        one mode when it is of that mode (or of no recorded mode).
    scenario : Scenario
    rule : str or AccessRule
        E.g. ``"a hub within 20 minutes or an outreach site within 10"``, ``"a site
        open at least 5 sessions within 15 minutes"``, or ``"a centre within 15
        minutes on foot or 10 by car"``.
    sites : pandas.DataFrame, optional
        Sites table, for the sessions a week the scenario does not hold (a site of
        unknown hours counts as open a full week).

    Returns
    -------
    pandas.Series of bool
        Index ``area_id`` (the rows of the main matrix), named after the rule text. Areas
        with no times at all do not meet any rule (:func:`nearest` gives the reason).

    Raises
    ------
    InputError
        A mode the rule names has no matrix, or the matrices' rows or sites differ.

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

    Two modes, "any site within 15 minutes on foot or 10 by car": E1 walks 12 (yes), E2
    walks 20 but drives 8 (yes), E3 walks 30 and drives 11 (no).

    >>> walk = pd.DataFrame({"S1": [12.0, 20, 30]}, index=["E1", "E2", "E3"])
    >>> drive = pd.DataFrame({"S1": [4.0, 8, 11]}, index=["E1", "E2", "E3"])
    >>> meets_rule({"walk": walk, "drive": drive}, ga.Scenario("B", {"S1": "hub"}),
    ...            "any site within 15 minutes on foot or 10 by car").tolist()
    [True, True, False]
    """
    parsed = rule if isinstance(rule, AccessRule) else AccessRule.parse(str(rule))
    mats = rule_matrices(tt, parsed)
    values, area_ids, site_ids = matrix_arrays(mats[None])
    arrays: dict[str | None, np.ndarray] = {None: values}
    for m in parsed.named_modes:
        arrays[m] = values if mats[m] is mats[None] else matrix_arrays(mats[m])[0]
    open_mask(scenario, site_ids, None)
    result = np.zeros(len(area_ids), dtype=bool)
    for g, group in enumerate(parsed.clauses):
        ok = np.ones(len(area_ids), dtype=bool)
        for k, (roles, minutes, *hours) in enumerate(group):
            mask = scenario.mask(site_ids, None if roles is None else list(roles))
            if hours and mask.any():
                open_hours = site_sessions(scenario, sites=sites,
                                           site_ids=site_ids[mask]).to_numpy()
                mask[np.nonzero(mask)[0][open_hours < hours[0]]] = False
            with np.errstate(invalid="ignore"):
                ok &= (arrays[parsed.mode(g, k)][:, mask] <= minutes).any(axis=1)
        result |= ok
    return pd.Series(result, index=area_ids, name=parsed.text or parsed.describe())
