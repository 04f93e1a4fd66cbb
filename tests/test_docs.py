"""The documentation site and the notebooks: they build, and they say what the code does.

- the Sphinx site builds with warnings as errors (skipped when the ``docs`` extra is not
  installed);
- every public module has an API page, and every notebook a tutorial page;
- notebooks are committed without outputs (CI runs them with ``pytest --nbmake``);
- the numbers the method notes state (speeds, snapping limit, thresholds, E2SFCA bands)
  are the numbers in the code, so the text an assessor cites cannot drift from it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import geoaccess as ga
from geoaccess import _modes, measures

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
DOCS_PACKAGES = ("sphinx", "numpydoc", "myst_nb", "pydata_sphinx_theme", "sphinx_copybutton")


def _markdown_rows(text: str) -> list[list[str]]:
    """Cells of every Markdown table row in ``text`` (header and rule rows included)."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|") and line.endswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


# ----------------------------------------------------------------------------- build
@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    missing = [p for p in DOCS_PACKAGES if importlib.util.find_spec(p) is None]
    if missing:
        pytest.skip(f"docs extra not installed (missing {', '.join(missing)}); "
                    "pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "GEOACCESS_DOCS_EXECUTE": "off", "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html",
         str(DOCS), str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"docs build failed:\n{proc.stderr[-5000:]}"
    return out


def test_site_builds_with_warnings_as_errors(built_site):
    for page in ("index", "getting-started", "licences", "method/measures",
                 "method/speeds", "method/snapping", "method/inequality", "api/index",
                 "api/measures", "guide/loading", "tutorials/01_quick_start"):
        assert (built_site / f"{page}.html").is_file(), page


def test_api_pages_hold_the_docstrings(built_site):
    html = (built_site / "api" / "measures.html").read_text(encoding="utf-8")
    # the signature and a sentence of the docstring of a measure
    assert 'id="geoaccess.measures.two_step_fca"' in html
    assert "Luo and Wang 2003" in html
    # the top-level table links re-exported names to where they are documented
    index = (built_site / "api" / "index.html").read_text(encoding="utf-8")
    assert 'href="travel.html#geoaccess.travel.travel_times"' in index
    assert 'href="loading.html#geoaccess.io.read_sites"' in index


def test_licence_page_carries_the_attributions(built_site):
    html = (built_site / "licences.html").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in html
    assert "Open Government Licence v3.0" in html
    assert "ODbL" in html


# ------------------------------------------------------------------ completeness
def _documented_modules() -> set[str]:
    found = set()
    for page in (DOCS / "api").glob("*.md"):
        found |= set(re.findall(r"\.\. automodule:: (geoaccess[\w.]*)", page.read_text()))
    return found


def test_every_public_module_has_an_api_page():
    public = {f"geoaccess.{p.stem}" for p in (ROOT / "geoaccess").glob("*.py")
              if not p.stem.startswith("_")}
    missing = sorted(public - _documented_modules())
    assert not missing, (f"modules without an API page: {missing}; add an "
                         "'.. automodule:: <module>' block to a page in docs/api/")


def test_every_top_level_name_is_documented_somewhere():
    documented = _documented_modules()
    undocumented = []
    for name in ga.__all__:  # the package root is lazy: ask for every public name
        obj = getattr(ga, name)
        module = getattr(obj, "__module__", None)
        if name.startswith("_") or not isinstance(module, str):
            continue
        if module.startswith("geoaccess.") and module not in documented:
            undocumented.append(f"{name} ({module})")
    assert not undocumented, undocumented


def test_every_notebook_has_a_tutorial_page():
    index = (DOCS / "tutorials" / "index.md").read_text()
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        link = DOCS / "tutorials" / nb.name
        assert link.exists(), f"docs/tutorials/{nb.name} missing: ln -s ../../notebooks/{nb.name}"
        assert link.resolve() == nb.resolve(), f"{link} does not point at {nb}"
        assert re.search(rf"^{re.escape(nb.stem)}$", index, re.M), \
            f"{nb.stem} is not in the toctree of docs/tutorials/index.md"


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert notebooks
    for nb in notebooks:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert code, nb.name
        dirty = [i for i, c in enumerate(code) if c.get("outputs") or c.get("execution_count")]
        assert not dirty, (f"{nb.name}: code cells {dirty} have outputs; clear them "
                           "(jupyter nbconvert --clear-output --inplace)")


# ------------------------------------------------------- method notes = the code
def test_documented_mode_speeds_are_the_settings():
    rows = {r[0]: r[1] for r in _markdown_rows((DOCS / "method" / "speeds.md").read_text())
            if len(r) >= 2}
    expected = {"walk": ga.settings.walk_speed_kmh, "pushchair": ga.settings.pushchair_speed_kmh,
                "cycle": ga.settings.cycle_speed_kmh, "access legs": ga.settings.access_speed_kmh}
    for mode, kmh in expected.items():
        stated = re.match(r"([\d.]+) km/h", rows[mode])
        assert stated is not None, (mode, rows[mode])
        assert float(stated.group(1)) == pytest.approx(kmh), mode


def test_documented_uk_drive_defaults_are_the_code():
    """The table of untagged-road speeds in mph equals ``UK_DRIVE_SPEEDS_KMH`` / 1.609344."""
    text = (DOCS / "method" / "speeds.md").read_text()
    table = {r[0]: float(r[1]) for r in _markdown_rows(text)
             if len(r) == 2 and re.fullmatch(r"\d+", r[1])}
    assert set(table) == set(_modes.UK_DRIVE_SPEEDS_KMH)
    for highway, mph in table.items():
        assert _modes.UK_DRIVE_SPEEDS_KMH[highway] == pytest.approx(mph * 1.609344), highway


def test_documented_limits_thresholds_and_bands_are_the_code():
    snapping = (DOCS / "method" / "snapping.md").read_text()
    assert f"`max_snap_m` ({ga.settings.max_snap_m:g} m by default)" in snapping
    text = " ".join((DOCS / "method" / "measures.md").read_text().split())
    *head, last = (f"{t:g}" for t in ga.settings.thresholds_minutes)
    assert f"The default thresholds, {', '.join(head)} and {last} minutes" in text
    (u1, w1), (u2, w2), (u3, w3) = measures.E2SFCA_BANDS
    assert (f"0-{u1:g} minutes weight {w1:g}, {u1:g}-{u2:g} minutes {w2:g}, "
            f"{u2:g}-{u3:g} minutes {w3:g}, and 0 beyond") in text
    assert f"\\min(\\text{{sessions}} / {measures.FULL_WEEK_SESSIONS:g}, 1)" in text
