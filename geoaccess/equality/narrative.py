"""Findings: plain-English sentences for an Equality Impact Assessment, with caveats.

:func:`findings` writes, for each proposal, sentences an assessor can paste ("Under
Proposal B, 1,240 children aged 0–4 (6.1%) would no longer have a centre within 15
minutes' walk; 58% of them live in the 20% most deprived areas of England...") and the
caveats the reader must know, from the result's provenance. :class:`Findings` holds them.

Every person in an area is assumed to share the area's travel time: the analysis is
ecological, at the resolution of the areas supplied.

Examples
--------
>>> describe_population("children_0_4"), service_noun("a family hub")
('children aged 0–4', 'family hub')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..evaluate import Comparison, Result
from ..measures import AccessRule, threshold_label
from ._format import capital, date_text, minutes_text, pct, people, ratio_text
from ._inputs import (
    comparison_of,
    group_label,
    people_of,
    renamed,
    share_columns,
    standard_rule,
    threshold_labels,
    weighted_areas,
)
from .deprivation import DeprivedAreas, most_deprived
from .stats import relative_risk

__all__ = ["SHARE_LABELS", "TRAVEL_WORDS", "Findings", "describe_population", "findings",
           "service_noun", "within_phrase"]


# --------------------------------------------------------------------------- wording
_AGE = re.compile(r"^(children|people|persons|residents|population|pop|adults|women|men|"
                  r"girls|boys|infants)_(?:aged_)?(\d+)_(?:to_)?(\d+)$")
_UNDER = re.compile(r"^(children|people|persons|residents|population|pop|infants)_"
                    r"(?:under|u)_?(\d+)$")
_NOUNS = {"pop": "people", "population": "people", "persons": "people"}


def describe_population(column: str) -> str:
    """Readable words for a population column: ``children_0_4`` → "children aged 0–4".

    Examples
    --------
    >>> describe_population("children_0_4"), describe_population("residents_2021")
    ('children aged 0–4', 'residents 2021')
    """
    key = column.strip().lower()
    m = _AGE.match(key)
    if m:
        return f"{_NOUNS.get(m[1], m[1])} aged {m[2]}–{m[3]}"
    m = _UNDER.match(key)
    if m:
        return f"{_NOUNS.get(m[1], m[1])} under {m[2]}"
    return column.replace("_", " ")


#: Readable labels of common share columns, completing "...of them are <label>".
SHARE_LABELS: dict[str, str] = {
    "ethnic_minority_share": "from ethnic minority groups",
    "disabled_share": "disabled",
    "lone_parent_share": "in lone-parent households",
    "no_car_share": "in households without a car",
}


#: How a journey by each travel mode is named in the sentences ("within 15 minutes' walk").
TRAVEL_WORDS: dict[str, str] = {"walk": "walk", "pushchair": "walk with a pushchair",
                                "cycle": "cycle ride", "drive": "drive"}


def within_phrase(label: str, mode: str) -> str:
    """``within 15 minutes' walk`` for a threshold label and a travel mode.

    Examples
    --------
    >>> within_phrase("15", "walk"), within_phrase("20", "transit")
    ("within 15 minutes' walk", 'within 20 minutes by public transport')
    """
    unit = "minute" if label == "1" else "minutes"
    if mode in TRAVEL_WORDS:
        return f"within {label} {unit}' {TRAVEL_WORDS[mode]}"
    if mode == "transit":
        return f"within {label} {unit} by public transport"
    return f"within {label} {unit}' travel"


def service_noun(service: str) -> str:
    """The service without its article: "a family hub" → "family hub".

    Examples
    --------
    >>> service_noun("a centre"), service_noun("an open site"), service_noun("libraries")
    ('centre', 'open site', 'libraries')
    """
    for article in ("a ", "an ", "the "):
        if service.lower().startswith(article):
            return service[len(article):]
    return service


def _open(noun: str) -> str:
    """The noun with "open" before it, unless it has it already (no "open open site")."""
    return noun if noun.lower().startswith("open ") else f"open {noun}"


# --------------------------------------------------------------------------- findings
class Findings:
    """Plain-English findings of an equality analysis, with their caveats.

    Attributes
    ----------
    table : pandas.DataFrame
        ``kind`` (``"finding"`` or ``"caveat"``), ``scenario`` (None for general lines)
        and ``text``, in reading order.

    Examples
    --------
    >>> f = Findings(pd.DataFrame({"kind": ["finding", "caveat"], "scenario": ["B", None],
    ...                            "text": ["Under B, nobody loses.", "Times are modelled."]}))
    >>> print(f)
    Under B, nobody loses.
    <BLANKLINE>
    Caveats:
    - Times are modelled.
    """

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table.reset_index(drop=True)

    @property
    def sentences(self) -> list[str]:
        """The findings, one sentence (or two) per line."""
        return self.table.loc[self.table["kind"] == "finding", "text"].tolist()

    @property
    def caveats(self) -> list[str]:
        """What the reader must know about the method and the data."""
        return self.table.loc[self.table["kind"] == "caveat", "text"].tolist()

    def for_scenario(self, scenario: str) -> list[str]:
        """The findings about one proposal."""
        rows = self.table[(self.table["kind"] == "finding")
                          & (self.table["scenario"] == scenario)]
        return rows["text"].tolist()

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`table` (for export)."""
        return self.table.copy()

    def __str__(self) -> str:
        text = "\n".join(self.sentences)
        if self.caveats:
            text += "\n\nCaveats:\n" + "\n".join(f"- {c}" for c in self.caveats)
        return text

    def __repr__(self) -> str:
        return f"Findings({len(self.sentences)} findings, {len(self.caveats)} caveats)"

    def _repr_markdown_(self) -> str:
        out = []
        for scenario, rows in self.table[self.table["kind"] == "finding"].groupby(
                "scenario", sort=False, dropna=False):
            if isinstance(scenario, str):
                out.append(f"**{scenario}**\n")
            out.extend(f"- {t}" for t in rows["text"])
            out.append("")
        if self.caveats:
            out.append("**Caveats**\n")
            out.extend(f"- {c}" for c in self.caveats)
        return "\n".join(out)


def _pick_threshold(res: Result, threshold_minutes: float | None) -> str:
    """Label of the threshold the findings are about (default 15, else the first)."""
    labels = threshold_labels(res)
    if threshold_minutes is None:
        return "15" if "15" in labels else labels[0]
    if isinstance(threshold_minutes, (str, bool)) or not isinstance(
            threshold_minutes, (int, float, np.integer, np.floating)):
        raise InputError(f"threshold_minutes must be a number of minutes, got "
                         f"{threshold_minutes!r}", column="threshold_minutes")
    lab = threshold_label(threshold_minutes)
    if lab not in labels:
        raise InputError(f"threshold {threshold_minutes:g} minutes was not evaluated; "
                         f"thresholds are {[float(t) for t in res.thresholds]} (evaluate "
                         "with thresholds=...)", column="threshold_minutes")
    return lab


def findings(
    result: Result | Comparison,
    areas: pd.DataFrame,
    *,
    threshold_minutes: float | None = None,
    population: str | None = None,
    baseline: str | None = None,
    deprivation: str | None = None,
    deprived_deciles: Sequence[int] | None = None,
    shares: str | Sequence[str] | Mapping[str, str] | None = None,
    place: str | None = None,
    service: str = "an open site",
    population_label: str | None = None,
    confidence: float = 0.95,
    threshold: float | None = None,
    standard: str | None = None,
) -> Findings:
    """Plain-English findings for an Equality Impact Assessment, with caveats.

    For each proposal, sentences such as: "Under Proposal B, 1,240 children aged 0–4
    (6.1%) would no longer have a centre within 15 minutes' walk; 58% of them live in
    the 20% most deprived areas of England (IMD deciles 1–2), against 31% of all
    children aged 0–4." Then any gains, the change in the average journey, what families
    would reach (when the result holds the hours of the nearest site, from
    ``evaluate(..., measures={"sessions": True})``: "the nearest is a centre (open 10
    sessions a week on average) for 55% and an outreach site (open 2...) for 45%"), the
    relative risk for the most deprived areas with its intervals, and the share of those
    losing access who belong to each group of ``shares``.

    "Most deprived" is phrased for what is present: national IMD deciles 1-2 when any
    area is in them; otherwise the two most deprived deciles present, described as
    "the most deprived areas of <place>, which nationally are in IMD deciles 6–7" (the
    national deciles always stated with the local comparison) and a caveat that none is
    among the most deprived nationally (``deprived_deciles`` overrides the choice).

    The caveats come from the result's provenance: the travel mode and assumed speeds,
    the OpenStreetMap extract and its date, how areas and sites were joined to the
    network (snapping), areas without a time and why, and the limits of the statistics.

    Parameters
    ----------
    result : Comparison or Result
        A comparison (or a Result with ``baseline=``).
    areas : DataFrame
        The areas (population, ``imd_decile``, share columns).
    threshold_minutes : float, optional
        The threshold in minutes the sentences are about (default 15 when evaluated,
        else the first threshold).
    population : str, optional
        Population column (default: the result's).
    baseline : str, optional
        Baseline scenario when ``result`` is a Result.
    deprivation : str, optional
        IMD decile column (default ``imd_decile`` when present).
    deprived_deciles : sequence of int, optional
        Deciles counted as "most deprived", overriding the rule above.
    shares : str, sequence or mapping, optional
        Share columns for :func:`~geoaccess.equality.group_exposure`; a mapping gives
        labels completing "...of them are <label>" (defaults in :data:`SHARE_LABELS`,
        else the column name).
    place : str, optional
        Name of the place ("Rutland"), used in "the most deprived areas in Rutland".
    service : str
        What is reached, with its article: "a centre", "a family hub".
    population_label : str, optional
        Words for the population (default from the column: ``children_0_4`` →
        "children aged 0–4").
    confidence : float
        Confidence level of the relative risk's intervals.
    threshold : float, optional
        Deprecated name of ``threshold_minutes``; still works, with a FutureWarning.
    standard : str, optional
        Make the measure an access standard instead of "within *t* minutes": the name
        (or text) of a rule evaluated (``rules=`` of :func:`geoaccess.evaluate`), e.g.
        "a centre within 15 minutes on foot or 10 by car" over a walking and a driving
        matrix. The sentences then give the share meeting it under the baseline and each
        proposal, who would lose it and where, the relative risk and the groups.

    Returns
    -------
    Findings
        ``.sentences``, ``.caveats``, ``.table``; ``print()`` gives the text.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]),
    ...     mode="walk")
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"],
    ...                       "children_0_4": [100.0, 300, 100], "imd_decile": [6, 6, 8]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Proposal B", {"S1": "hub"})],
    ...                 population="children_0_4", thresholds=[15])
    >>> f = findings(ga.compare(r), areas, service="a centre", place="Rutland")
    >>> print(f.sentences[0])  # doctest: +NORMALIZE_WHITESPACE
    Under Proposal B, 300 children aged 0–4 (60%) would no longer have a centre within
    15 minutes' walk; 100% of them live in the most deprived areas of Rutland,
    which nationally are in IMD decile 6, against 80% of all children aged 0–4.

    A standard over two modes, "a hub within 10 minutes on foot or 5 by car". Now: E1
    walks 5 and E2 walks 8 (met), E3 walks 14 and drives 6 (not met): 400 of 500
    children. Proposal B: E2 walks 25 and drives 9, so only E1 (100) meets it; E2's 300
    lose it, all in decile 6 (E1 and E2: 400 of 500 children).

    >>> drive = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 9.0, 6.0], "S2": [4.0, 3.0, 11.0]}, index=["E1", "E2", "E3"]),
    ...     mode="drive")
    >>> r = ga.evaluate({"walk": tt, "drive": drive}, areas,
    ...                 [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                  ga.Scenario("Proposal B", {"S1": "hub"})],
    ...                 population="children_0_4", thresholds=[15],
    ...                 rules={"standard": "a hub within 10 minutes on foot or 5 by car"})
    >>> f = findings(ga.compare(r), areas, place="Rutland", standard="standard")
    >>> print(f.sentences[0])  # doctest: +NORMALIZE_WHITESPACE
    Today, 80% of children aged 0–4 (400) can reach a hub within 10 minutes on foot or
    5 minutes by car; under Proposal B, 20% (100) could. 300 children aged 0–4 (60%)
    would lose that, 100% of them in the most deprived areas of Rutland, which
    nationally are in IMD decile 6, against 80% of all children aged 0–4.
    """
    what = "findings"
    threshold_minutes = renamed(threshold_minutes, threshold, new="threshold_minutes",
                                old="threshold", what=what)
    res, comp = comparison_of(result, baseline, what)
    table, ids, w, pop_col = weighted_areas(res, areas, population, what)
    lab = _pick_threshold(res, threshold_minutes)
    label = population_label or describe_population(pop_col)
    dep = most_deprived(table, ids, deprivation=deprivation, deprived_deciles=deprived_deciles,
                        place=place)
    share_cols: dict[str, tuple[str, np.ndarray]] = {}
    if shares is not None:
        if isinstance(shares, str):
            shares = [shares]
        if not isinstance(shares, Mapping):
            shares = {c: SHARE_LABELS.get(c, group_label(c)) for c in shares}
        share_cols = share_columns(table, shares, ids, what)
    within = within_phrase(lab, res.mode)
    noun = service_noun(service)
    total = float(w.sum())
    entries: list[tuple[str, str | None, str]] = []

    def add(scenario: str, text: str) -> None:
        entries.append(("finding", scenario, text))

    rule_name = None
    if standard is not None:  # the measure is a standard, perhaps over several modes
        rule_name, rule = standard_rule(res, standard, what)
        entries += _standard_entries(res, comp, ids, w, rule_name, rule, label, service, dep,
                                     share_cols, confidence)
    for scenario in (comp.scenario_names if standard is None else []):
        ch = comp[scenario].reindex(ids)
        lose = people_of(ch, f"loses_{lab}", w)  # at their homes when the matrix has them
        gain = people_of(ch, f"gains_{lab}", w)
        n_lose = float(lose.sum())
        if n_lose > 0:
            text = (f"Under {scenario}, {people(n_lose)} {label} ({pct(n_lose / total)}) "
                    f"would no longer have {service} {within}")
            if dep is not None and dep.mask.any():
                text += (f"; {pct(lose[dep.mask].sum() / n_lose)} of them live in "
                         f"{dep.phrase}, against {pct(w[dep.mask].sum() / total)} of all "
                         f"{label}")
            add(scenario, text + ".")
        else:
            add(scenario, f"Under {scenario}, no {label} would lose {service} {within}.")
        n_gain = float(gain.sum())
        if n_gain > 0:
            add(scenario, f"{capital(people(n_gain))} {label} ({pct(n_gain / total)}) "
                          f"would newly have {service} {within}.")
        add(scenario, _journey_sentence(ch, w, label, noun, total))
        reach = _reach_sentence(scenario, res[scenario].reindex(ids), w, lab, within, label)
        if reach:
            add(scenario, reach)
        none = ch["nearest_minutes"].isna().to_numpy()
        if none.any() and w[none].sum() > 0:
            reasons = ch.loc[none, "reason"].dropna()
            why = f"; reason recorded: {reasons.value_counts().index[0]}" if len(reasons) else ""
            add(scenario, f"{capital(people(float(w[none].sum())))} {label} "
                          f"({pct(w[none].sum() / total)}) would have no journey time to "
                          f"any {_open(noun)}{why}.")
        if dep is not None and n_lose > 0 and dep.mask.any() and (~dep.mask).any():
            add(scenario, _risk_sentence(lose, w, dep, label, lab, confidence))
        for _col, (glabel, s) in share_cols.items():
            if n_lose > 0:
                group = s * w
                add(scenario, f"An estimated {pct((s * lose).sum() / n_lose)} of the "
                              f"{label} losing {lab}-minute access under {scenario} are "
                              f"{glabel}, against {pct(group.sum() / total)} of all {label}. "
                              f"This is an estimate: it applies each area's share of "
                              f"residents who are {glabel} (of all ages) to its {label}.")
    for text in _caveats(res, comp, table, ids, w, label, pop_col, dep, share_cols, place):
        entries.append(("caveat", None, text))
    if rule_name is not None:
        entries.append(("caveat", None, _standard_caveat(res, rule, label, service)))
    return Findings(pd.DataFrame(entries, columns=["kind", "scenario", "text"]))


#: Baseline names read as "today" in the findings about a standard.
_TODAY = {"current", "today", "now", "existing", "current network", "as now", "status quo"}


def people_meeting(rows: pd.DataFrame, rule: str, w: np.ndarray) -> np.ndarray:
    """People per area meeting a rule: at their homes (``<rule>_share``) or the whole area."""
    col = f"{rule}_share" if f"{rule}_share" in rows.columns else rule
    share = pd.to_numeric(rows[col].astype(np.float64), errors="coerce").fillna(0.0)
    return w * share.to_numpy(np.float64)


def _standard_entries(res: Result, comp: Comparison, ids: pd.Index, w: np.ndarray, name: str,
                      rule: AccessRule, label: str, service: str, dep: DeprivedAreas | None,
                      share_cols: Mapping[str, tuple[str, np.ndarray]], confidence: float
                      ) -> list[tuple[str, str | None, str]]:
    """The findings when the measure is a standard ("a centre within 15 minutes on foot").

    Who meets it now and under each proposal, who would lose it, and where.
    """
    words = rule.phrase(service)
    total = float(w.sum())
    base = comp.baseline
    now = "Today" if base.strip().lower() in _TODAY else f"Under {base}"
    met_b = float(people_meeting(res[base].reindex(ids), name, w).sum())
    out: list[tuple[str, str | None, str]] = []
    for scenario in comp.scenario_names:
        ch = comp[scenario].reindex(ids)
        met_p = float(people_meeting(res[scenario].reindex(ids), name, w).sum())
        lose = people_of(ch, f"loses_{name}", w)
        gain = people_of(ch, f"gains_{name}", w)
        n_lose, n_gain = float(lose.sum()), float(gain.sum())
        text = [(f"{now}, {pct(met_b / total)} of {label} ({people(met_b)}) can reach "
                 f"{words}; under {scenario}, {pct(met_p / total)} ({people(met_p)}) could.")]
        if n_lose > 0:
            loss = f"{capital(people(n_lose))} {label} ({pct(n_lose / total)}) would lose that"
            if dep is not None and dep.mask.any():
                loss += (f", {pct(lose[dep.mask].sum() / n_lose)} of them in {dep.phrase}, "
                         f"against {pct(w[dep.mask].sum() / total)} of all {label}")
            text.append(loss + ".")
        else:
            text.append(f"No {label} would lose that.")
        if n_gain > 0:
            text.append(f"{capital(people(n_gain))} {label} ({pct(n_gain / total)}) would "
                        "newly have it.")
        out.append(("finding", scenario, " ".join(text)))
        if dep is not None and n_lose > 0 and dep.mask.any() and (~dep.mask).any():
            out.append(("finding", scenario,
                        _risk_sentence(lose, w, dep, label, "", confidence, access=words)))
        for _col, (glabel, s) in share_cols.items():
            if n_lose > 0:
                group = (f"An estimated {pct((s * lose).sum() / n_lose)} of the {label} "
                         f"losing it under {scenario} are {glabel}, against "
                         f"{pct((s * w).sum() / total)} of all {label}. This is an "
                         f"estimate: it applies each area's share of residents who are "
                         f"{glabel} (of all ages) to its {label}.")
                out.append(("finding", scenario, group))
    return out


def _standard_caveat(res: Result, rule: AccessRule, label: str, service: str) -> str:
    """How the standard is counted, in words (for the caveats)."""
    text = f"Meeting the standard means having {rule.phrase(service)}"
    modes = rule.named_modes
    if len(modes) > 1:
        text += ("; each part of it uses the journey times of the way of travelling it "
                 "names, each modelled separately")
    if getattr(res, "origins", None) is not None:
        text += (f". It is judged home by home and the {label} counted where they live; "
                 f"on maps and in area tables an area meets it when at least half of its "
                 f"{label} do")
    else:
        text += ". Everyone in an area is counted as meeting it or not, as the area does"
    return text + "."


#: Words for the roles of sites in sentences.
_ROLE_NOUNS = {"outreach": "outreach site", "base": "shared base", "other": "other site"}


def _reach_sentence(scenario: str, rows: pd.DataFrame, w: np.ndarray, lab: str,
                    within: str, label: str) -> str | None:
    """What families reach: the role and hours of their nearest site within the threshold.

    Written when the result holds ``nearest_role`` and ``nearest_sessions`` (evaluate
    with ``measures={"sessions": True}``), so that "a site within 15 minutes" is not read
    as a centre open all week when it is an outreach room open two mornings.
    """
    if "nearest_role" not in rows.columns or f"share_within_{lab}" not in rows.columns:
        return None
    inside = w * rows[f"share_within_{lab}"].fillna(0.0).to_numpy(np.float64)
    total = float(inside.sum())
    if total <= 0:
        return None
    roles = rows["nearest_role"].to_numpy(dtype=object)
    hours = pd.to_numeric(rows["nearest_sessions"], errors="coerce").to_numpy(np.float64)
    parts = []
    for role in pd.unique(roles[(inside > 0) & pd.notna(roles)]):
        sel = (roles == role) & (inside > 0)
        n = float(inside[sel].sum())
        ok = sel & np.isfinite(hours)
        mean = float((inside[ok] * hours[ok]).sum() / inside[ok].sum()) if ok.any() else np.nan
        noun = _ROLE_NOUNS.get(str(role), str(role))
        article = "an" if noun[:1] in "aeiou" else "a"
        when = f" (open {mean:.3g} sessions a week on average)" if math.isfinite(mean) \
            else ""
        parts.append((n, f"{article} {noun}{when} for {pct(n / total)}"))
    parts.sort(key=lambda x: -x[0])
    listed = [t for _, t in parts]
    text = ", ".join(listed[:-1]) + (" and " if len(listed) > 1 else "") + listed[-1]
    return (f"Under {scenario}, of the {label} with an open site {within}, the nearest is "
            f"{text}.")


def _journey_sentence(ch: pd.DataFrame, w: np.ndarray, label: str, noun: str,
                      total: float) -> str:
    b = ch["baseline_minutes"].to_numpy(np.float64)
    p = ch["nearest_minutes"].to_numpy(np.float64)
    both = np.isfinite(b) & np.isfinite(p)
    longer = float(people_of(ch, "loss", w).sum())  # at their homes when there are homes
    shorter = float(people_of(ch, "gain", w).sum())
    text = ""
    if w[both].sum() > 0:
        mb = float(np.dot(w[both], b[both]) / w[both].sum())
        mp = float(np.dot(w[both], p[both]) / w[both].sum())
        verb = "would rise" if mp > mb + 0.05 else ("would fall" if mp < mb - 0.05
                                                   else "would stay at about")
        span = (f"from {minutes_text(mb)} to {minutes_text(mp)} minutes"
                if verb != "would stay at about" else f"{minutes_text(mb)} minutes")
        text = (f"The average journey of {label} to the nearest {_open(noun)} {verb} {span}; ")
    def count(n: float) -> str:
        return f"{people(n)} ({pct(n / total)})" if n > 0 else "none"

    text += f"{count(longer)} would have a longer journey and {count(shorter)} a shorter one."
    return capital(text)


def _risk_sentence(events: np.ndarray, w: np.ndarray, dep: DeprivedAreas, label: str,
                   lab: str, confidence: float, *, access: str | None = None) -> str:
    """The relative risk of losing ``access`` (default "<lab>-minute access") in words."""
    what = access or f"{lab}-minute access"
    katz = relative_risk(events, w, dep.mask, confidence=confidence)
    clus = relative_risk(events, w, dep.mask, confidence=confidence, method="cluster")
    # the phrase may end in a clause ("..., which nationally are in IMD deciles 6–7"):
    # close it with a comma before the verb
    who = f"{label} in {dep.phrase}" + ("" if dep.national else ",")
    if katz.exposed_events == 0:
        return (f"None of the {who} would lose {what}, against "
                f"{pct(katz.other_risk)} of other {label}.")
    if katz.other_events == 0:
        return (f"Everyone losing {what} lives in {dep.phrase}: "
                f"{pct(katz.exposed_risk)} of the {label} there, none elsewhere.")
    rr = katz.risk_ratio
    conf = f"{confidence:.0%}"
    # one interval in the findings: the one allowing for whole areas changing together
    # when it can be estimated; how both are computed is for the method appendix
    best = clus if math.isfinite(clus.lower) else katz
    upper = ("no upper limit" if not math.isfinite(best.upper)
             else f"{ratio_text(best.upper)}")
    intervals = (f"{conf} confidence interval {ratio_text(best.lower)} to {upper}"
                 if math.isfinite(best.lower) else "confidence interval not estimated")
    if rr >= 1.05:
        head = (f"{capital(who)} would be {ratio_text(rr)} times as likely to lose "
                f"{what} as other {label}")
    elif rr <= 0.95:
        head = (f"{capital(who)} would be less likely to lose {what} "
                f"than other {label}")
    else:
        head = (f"{capital(who)} would be about as likely to lose {what} "
                f"as other {label}")
    return (f"{head} ({pct(katz.exposed_risk)} against {pct(katz.other_risk)}; relative "
            f"risk {ratio_text(rr)}, {intervals}).")


_ORIGINS = {
    "residential buildings": "the centre of its residential buildings",
    "residential landuse": "the centre of its residential land",
    "representative_point": "a point inside the area",
    "centroid": "the area's centroid",
    "point": "the area's point",
    "supplied": "a supplied point (e.g. population-weighted centroid)",
}


def _caveats(res: Result, comp: Comparison, table: pd.DataFrame, ids: pd.Index, w: np.ndarray,
             label: str, pop_col: str, dep: DeprivedAreas | None,
             share_cols: Mapping[str, tuple[str, np.ndarray]], place: str | None
             ) -> list[str]:
    prov = dict(res.provenance)
    mode = res.mode
    out: list[str] = []
    source = prov.get("source")
    osm_date = date_text(prov.get("osm_timestamp"))
    speeds = prov.get("speeds_kmh") or {}
    reader = str(prov.get("reader", ""))
    is_osm = bool(prov.get("osm_timestamp")) or reader in ("pyosmium", "networkx graph") \
        or "osm" in str(source).lower()
    where = f"the OpenStreetMap network ({source}" if source else "the OpenStreetMap network ("
    where += f", extract dated {osm_date})" if osm_date else ", extract date not recorded)"
    if mode in ("walk", "pushchair", "cycle") and mode in speeds:
        doing = {"walk": "walking", "pushchair": "walking with a pushchair (avoiding steps)",
                 "cycle": "cycling"}[mode]
        out.append(f"Journey times are modelled, not observed: {doing} at "
                   f"{float(speeds[mode]):g} km/h by the quickest route along {where}. Real "
                   "journeys vary with pace, hills, crossings, weather and waiting.")
    elif mode == "drive" and (speeds or is_osm):
        out.append(f"Journey times are modelled, not observed: driving along {where} at the "
                   "tagged speed limits, or UK defaults by road type where untagged, with no "
                   "allowance for congestion, junctions or parking.")
    elif mode == "transit":
        date = prov.get("date")
        out.append("Journey times are modelled from the public transport timetables"
                   + (f" for {date}" if date else "") + " with walking to and from stops; "
                   "they depend on the departure time and do not allow for delays.")
        if prov.get("arrive_by"):
            t = prov["arrive_by"]
            out.append(f"Each time is for arriving by {t}: from the latest time a family can "
                       f"leave home and still arrive by {t}, so any wait before {t} counts.")
        elif prov.get("departure_window"):
            pct = float(prov.get("percentile", 50))
            which = "the median" if pct == 50 else f"the {pct:g}th percentile"
            out.append(f"Each time is {which} over leaving home at each minute between "
                       f"{str(prov['departure_window']).replace('-', ' and ')}; waiting for "
                       "the bus counts.")
    else:
        out.append(f"Journey times were supplied as a matrix ({source or 'source not recorded'}"
                   "); how they were modelled is not recorded here.")
    if "max_snap_m" in prov:
        methods = table["origin_method"].reindex(ids).dropna() \
            if "origin_method" in table.columns else pd.Series(dtype=object)
        origin = (_ORIGINS.get(str(methods.mode().iloc[0]), str(methods.mode().iloc[0]))
                  if len(methods) else "one point in the area")
        access = prov.get("access_speed_kmh")
        start = ("Each journey starts at a home" if getattr(res, "origins", None) is not None
                 else f"Each area's journeys start from one point ({origin})")
        out.append(f"{start}, joined to the nearest {mode} path or road"
                   + (f" and walked at {float(access):g} km/h" if access else "")
                   + f"; sites are joined the same way. Points more than "
                   f"{float(prov['max_snap_m']):g} m from the network have no time.")
    if prov.get("max_minutes"):
        out.append(f"Journeys longer than {float(prov['max_minutes']):g} minutes were not "
                   "computed and count as having no time.")
    no_time = res.areas[res.areas["nearest_minutes"].isna()]
    if len(no_time):
        counts = no_time.drop_duplicates("area_id")["reason"].fillna("no reason recorded") \
            .value_counts()
        listed = "; ".join(f"{r} ({n})" for r, n in counts.head(3).items())
        n = no_time["area_id"].nunique()
        out.append(f"{n} of {len(ids)} areas {'has' if n == 1 else 'have'} no journey time "
                   f"under at least one scenario: {listed}. Their people count as not within "
                   "any threshold.")
    if getattr(res, "origins", None) is not None:
        out.append(f"Journeys start at homes: each area's {label} are shared among its homes "
                   f"(OpenStreetMap buildings, and a grid on residential land) in proportion "
                   f"to floor area, which is an estimate; counts of {label} "
                   f"({people(float(w.sum()))} in all, in {len(ids)} areas) are rounded here.")
    else:
        out.append(f"Everyone in an area is given the area's journey time; counts of {label} "
                   f"({people(float(w.sum()))} in all, in {len(ids)} areas) are rounded here.")
    tol = getattr(comp, "tolerance_minutes", 0.0)
    if tol:
        out.append(f"Changes of up to {tol:g} minutes count as unchanged.")
    if dep is not None and not dep.national:
        scope = f"in {place}" if place else "analysed"
        out.append(f"No area {scope} is among the 20% most deprived in England (IMD deciles "
                   f"1–2; decile 1 is the most deprived tenth of England); the deciles "
                   f"present are {', '.join(map(str, dep.present))}, so 'most deprived' here "
                   f"means relatively more deprived within {place or 'the areas analysed'} "
                   f"({dep.short}), which is middling nationally.")
    if dep is not None:
        out.append(f"Relative risks compare {dep.short} with all other areas. Their "
                   "confidence intervals allow for everyone in an area gaining or losing "
                   "access together (how, in the method appendix); with few areas they are "
                   "wide.")
    elif "imd_decile" not in table.columns:
        out.append("No IMD decile column was given, so deprivation is not analysed.")
    if share_cols:
        groups = ", ".join(glabel for glabel, _ in share_cols.values())
        out.append(f"Figures for groups ({groups}) are estimates: each area's share of "
                   f"residents in the group times its {label}, assuming the share among "
                   f"{label} matches the area's.")
    out.append("'Within t minutes' means a journey of at most t minutes, as in the DfT "
               "Journey Time Statistics.")
    if is_osm:
        out.append("Contains OpenStreetMap data © OpenStreetMap contributors (ODbL 1.0).")
    return out


