"""Sphinx configuration of the geoaccess documentation.

Build with ``make docs`` (or ``sphinx-build -W --keep-going -b html docs build/docs``).
Warnings are errors. Notebooks under ``docs/tutorials`` (links to ``notebooks/``) are
shown as committed, without outputs, unless ``GEOACCESS_DOCS_EXECUTE=force`` (or
``cache``) asks myst-nb to run them during the build.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # building from a checkout without installing
    sys.path.insert(0, str(ROOT))

import geoaccess  # noqa: E402

# -- project ------------------------------------------------------------------------
project = "geoaccess"
author = "geoaccess developers"
copyright = f"{date.today().year}, {author}"  # noqa: A001
version = release = geoaccess.__version__

# -- extensions ---------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",  # Markdown (MyST) pages and Jupyter notebooks
    "sphinx_copybutton",
]

exclude_patterns = ["_build", "Makefile.fragment", "**/.ipynb_checkpoints"]
root_doc = "index"
language = "en"

# Markdown pages: $...$ maths, ::: fences, definition lists, heading anchors.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# Notebooks: committed without outputs and executed in CI by `pytest --nbmake`.
nb_execution_mode = os.environ.get("GEOACCESS_DOCS_EXECUTE", "off")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True

# API reference from the numpy-style docstrings.
autodoc_typehints = "none"  # types are written in the docstrings' Parameters sections
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()

# Maths is typeset by MathJax, loaded from its CDN by default; for a site read offline,
# point GEOACCESS_DOCS_MATHJAX at a local copy of MathJax 3's tex-chtml.js.
if os.environ.get("GEOACCESS_DOCS_MATHJAX"):
    mathjax_path = os.environ["GEOACCESS_DOCS_MATHJAX"]

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

# -- HTML ---------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"geoaccess {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_last_updated_fmt = None


# -- links to names re-exported at the top level ------------------------------------
def _lookup(target: str) -> object | None:
    """The object a dotted ``geoaccess...`` name refers to, as users reach it."""
    parts = target.split(".")
    obj: object = geoaccess
    for attr in parts[1:]:
        nxt = getattr(obj, attr, None)
        if nxt is None:  # a submodule not imported by the package
            try:
                nxt = importlib.import_module(f"{getattr(obj, '__name__', '')}.{attr}")
            except ImportError:
                return None
        obj = nxt
    return obj


def _resolve_reexport(app, env, node, contnode):  # type: ignore[no-untyped-def]
    """Resolve ``geoaccess.read_sites`` to where it is documented (``geoaccess.io``).

    Docstrings and pages refer to the public names users type (``geoaccess.TravelTimes``);
    the API pages document each object once, under the module that defines it.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target.startswith("geoaccess."):
        return None
    obj = _lookup(target)
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname:
        return None
    canonical = f"{module}.{qualname}"
    if canonical == target:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], canonical,
                               node, contnode)


_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")


def _module_sections(app, what, name, obj, options, lines):  # type: ignore[no-untyped-def]
    """Turn numpy-style headings in module docstrings into rubrics.

    numpydoc parses the sections of functions and classes but passes module docstrings
    through as reST, where ``Examples`` underlined with dashes would become a document
    section (and clash with the next module's on the same page).
    """
    if what != "module":
        return
    out: list[str] = []
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        if (title and i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1])
                and len(lines[i + 1].strip()) >= len(title)):
            out += [f".. rubric:: {title}", ""]
            i += 2
            continue
        out.append(lines[i])
        i += 1
    lines[:] = out


_MARKER = "<!-- top-level names -->"
_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`.]+)`")
_STAGES = {
    "geoaccess.io": "Loading", "geoaccess.origins": "Loading",
    "geoaccess.network": "Networks", "geoaccess.matrix": "Travel times",
    "geoaccess.travel": "Travel times",
    "geoaccess.scenario": "Scenarios", "geoaccess.evaluate": "Evaluating and comparing",
    "geoaccess.measures": "Measures", "geoaccess.equality": "Equality",
    "geoaccess.plot": "Maps and charts", "geoaccess.explore": "Interactive maps",
    "geoaccess.report": "Reports", "geoaccess.optimise": "Optimisation",
    "geoaccess.gtfs": "Public transport", "geoaccess.transit": "Public transport",
    "geoaccess.errors": "Errors",
}


def _first_line(obj: object) -> str:
    doc = (getattr(obj, "__doc__", None) or "").strip()
    line = doc.splitlines()[0] if doc else ""
    return _ROLE.sub(r"`\1`", line).replace("|", "\\|")


def top_level_table() -> str:
    """Markdown tables of the names ``geoaccess`` exports, by stage, linked to their pages."""
    groups: dict[str, list[str]] = {}
    for name in geoaccess.__all__:  # the package root is lazy: ask for each public name
        obj = getattr(geoaccess, name)
        module = getattr(obj, "__module__", None)
        if name.startswith("_") or not isinstance(module, str):
            continue
        if not module.startswith("geoaccess."):
            continue
        role = "class" if isinstance(obj, type) else "func"
        top = ".".join(module.split(".")[:2])  # geoaccess.equality.findings -> equality
        stage = _STAGES.get(top, top)
        groups.setdefault(stage, []).append(
            f"| {{py:{role}}}`~geoaccess.{name}` | {_first_line(obj)} |")
    order = list(dict.fromkeys(_STAGES.values()))
    out = []
    for stage in sorted(groups, key=lambda g: order.index(g) if g in order else len(order)):
        rows = groups[stage]
        out += [f"**{stage}**", "", "| name | what it is |", "|---|---|", *rows, ""]
    return "\n".join(out)


def _fill_api_index(app, docname, source):  # type: ignore[no-untyped-def]
    if docname == "api/index" and _MARKER in source[0]:
        source[0] = source[0].replace(_MARKER, top_level_table())


def setup(app):  # type: ignore[no-untyped-def]
    app.connect("source-read", _fill_api_index)
    app.connect("missing-reference", _resolve_reexport)
    app.connect("autodoc-process-docstring", _module_sections)
