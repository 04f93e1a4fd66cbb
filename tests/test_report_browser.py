"""The HTML report (geoaccess.write_report) opened offline in a real headless Chromium."""

from __future__ import annotations

import pytest
from browser import chromium_fixture, offline_fixture  # noqa: F401 (fixtures)

import geoaccess as ga
from geoaccess.demo import demo_scenarios

pytest.importorskip("jinja2")

IMAGES = """() => Array.from(document.images, (i) => [i.src.slice(0, 22), i.complete,
                                                     i.naturalWidth])"""


def test_rutland_report_opens_offline_with_every_figure(rutland_walk_tt, rutland_areas,
                                                        rutland_sites, tmp_path, offline):
    result = ga.evaluate(rutland_walk_tt, rutland_areas, demo_scenarios(rutland_sites),
                         population="children_0_4")
    path = ga.write_report(ga.compare(result), rutland_areas, tmp_path / "report.html",
                           sites=rutland_sites, place="Rutland")
    offline.open(path)
    images = offline.page.evaluate(IMAGES)
    assert images, "the report has no figures"
    # every figure is inside the file and drawn (a broken image has no width)
    assert all(src.startswith("data:image/") and done and width > 0
               for src, done, width in images), images
    text = offline.text()
    assert "OpenStreetMap contributors" in text
    assert offline.outside == [] and offline.errors == []
