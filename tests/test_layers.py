"""The package's shape: data flows one way, no cycles, and scoring stays light.

Every module of ``geoaccess`` belongs to one layer of the flow (load → network → matrix →
routing → scenario → measures/evaluate → equality/optimise → outputs → pipeline/CLI). A module
may import its own layer or lower ones, never a higher one, and the import graph (imports
inside functions included, ``if TYPE_CHECKING:`` blocks excluded) has no cycle. A process that
only scores a saved matrix imports neither networkx, matplotlib, numba nor the routing code.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "geoaccess"

#: layer of every top-level module or subpackage of geoaccess (lower imports nothing higher)
LAYERS: dict[str, int] = {
    # 0: foundations with no geoaccess imports of note
    "errors": 0, "settings": 0, "_version": 0, "_fs": 0, "_crs": 0, "_kinds": 0,
    "_validate": 0, "_progress": 0, "_csr": 0, "_numba": 0, "_yaml": 0, "_staging": 0,
    "_deprecate": 0,
    # 1: loading inputs
    "io": 1, "datasets": 1, "origins": 1, "gtfs": 1, "_gtfs_check": 1, "_gtfs_times": 1,
    "_gtfs_files": 1, "uk": 1, "venues": 1,
    # 2: networks
    "network": 2, "_osm": 2, "_modes": 2, "_graph": 2,
    # 3: the matrix (light: no routing, no plotting)
    "matrix": 3,
    # 4: routing, which produces matrices
    "travel": 4, "transit": 4, "_snap": 4, "_kernels": 4,
    # 5: scenarios
    "scenario": 5,
    # 6: measures and evaluation
    "measures": 6, "evaluate": 6, "sensitivity": 6,
    # 7: analysis on results
    "equality": 7, "optimise": 7,
    # 8: outputs
    "plot": 8, "explore": 8, "explorer": 8, "_explorer": 8, "report": 8,
    # 9: pipeline and command line
    "config": 9, "pipeline": 9, "national": 9, "demo": 9, "cli": 9,
}


def _modules() -> dict[str, Path]:
    """Dotted name (below geoaccess) → file, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path) -> set[str]:
    """Top-level geoaccess modules that ``name`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    found.add(target[0])
                else:  # ``from . import x``
                    found.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] == "geoaccess":
                parts = node.module.split(".")
                found.add(parts[1] if len(parts) > 1 else node.names[0].name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "geoaccess" and len(parts) > 1:
                    found.add(parts[1])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    own = name.split(".")[0]
    return {m for m in found if m != own}


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for name, path in _modules().items():
        if not name:  # the package root is lazy and imports nothing eagerly
            continue
        for target in _imports(name, path):
            g.add_edge(name.split(".")[0], target, where=name)
    return g


def test_every_module_has_a_layer():
    tops = {name.split(".")[0] for name in _modules() if name}
    assert tops - set(LAYERS) == set(), "add the new module to LAYERS in tests/test_layers.py"


def test_no_module_imports_a_higher_layer(graph):
    upward = [(graph.edges[a, b]["where"], b) for a, b in graph.edges
              if LAYERS.get(b, -1) > LAYERS.get(a, 99)]
    assert upward == []


def test_no_import_cycles(graph):
    assert list(nx.simple_cycles(graph)) == []


def test_the_layer_test_catches_an_upward_import(tmp_path):
    """The checker itself: a measures module that imports plot is flagged."""
    bad = tmp_path / "measures.py"
    bad.write_text("def f():\n    from .plot import plot_minutes\n", encoding="utf-8")
    found = _imports("measures", bad)
    assert found == {"plot"} and LAYERS["plot"] > LAYERS["measures"]
    ok = tmp_path / "matrix.py"
    ok.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                  "    from .network import Network\n", encoding="utf-8")
    assert _imports("matrix", ok) == set()


def test_package_root_has_no_eager_imports():
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    eager = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level]
    assert eager == []


def test_scoring_a_saved_matrix_loads_no_routing_or_plotting(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        import pandas as pd
        import geoaccess as ga
        tt = ga.TravelTimes.from_frame(pd.DataFrame({{"S1": [4.0, 30.0], "S2": [9.0, 3.0]}},
                                                    index=["E1", "E2"]))
        tt.save({str(tmp_path / "m.parquet")!r})
        tt = ga.TravelTimes.load({str(tmp_path / "m.parquet")!r})
        areas = pd.DataFrame({{"area_id": ["E1", "E2"], "kids": [10.0, 30.0]}})
        r = ga.evaluate(tt, areas, [ga.Scenario("Now", {{"S1": "hub", "S2": "hub"}}),
                                    ga.Scenario("Close S2", {{"S1": "hub"}})], population="kids")
        ga.compare(r, baseline="Now")
        assert abs(r.summary.set_index("scenario").loc["Close S2", "mean_minutes"]
                   - (4 * 10 + 30 * 30) / 40) < 1e-9
        heavy = ["networkx", "matplotlib", "numba", "scipy.sparse.csgraph", "geoaccess.travel",
                 "geoaccess.network", "geoaccess.plot", "osmnx"]
        print(sorted(m for m in heavy if m in sys.modules))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_progress_bars_do_not_import_the_notebook_widget_without_ipywidgets():
    """Without ipywidgets, tqdm.auto warns "IProgress not found" in every notebook when it
    is imported; geoaccess's bars use plain text then, and never import it."""
    code = ("import importlib.util, sys\n"
            "from geoaccess._progress import tqdm\n"
            "bar = tqdm(total=3, disable=True); bar.update(3); bar.close()\n"
            "print(importlib.util.find_spec('ipywidgets') is None, 'tqdm.auto' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    if out[0] == "True":  # no ipywidgets here
        assert out[1] == "False"
