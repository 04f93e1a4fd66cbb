"""The kinds of site (and the roles a site takes in a scenario), with their common spellings."""

from __future__ import annotations

__all__ = ["KIND_SYNONYMS", "SITE_KINDS"]

SITE_KINDS: tuple[str, ...] = ("hub", "centre", "outreach", "base", "other")

KIND_SYNONYMS = {
    "family hub": "hub", "family hubs": "hub", "hub": "hub", "integrated hub": "hub",
    "children's centre": "centre", "childrens centre": "centre", "children centre": "centre",
    "family centre": "centre", "centre": "centre", "center": "centre",
    "outreach": "outreach", "outreach site": "outreach", "outreach centre": "outreach",
    "outreach center": "outreach", "spoke": "outreach",
    "base": "base", "shared base": "base", "locality base": "base", "shared locality base": "base",
    "other": "other",
}
