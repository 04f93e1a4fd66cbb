"""geoaccess: how easily families reach public services, by network travel time.

Load sites and small-area demand, build OpenStreetMap travel-time networks, compute the
area → site matrix once, then score, compare and optimise hub configurations and analyse
who gains and who loses access.

Examples
--------
>>> import geoaccess as ga
>>> ga.__version__
'0.1.0'
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import datasets as datasets
from . import errors as errors
from . import settings as settings
from .errors import GeoaccessError as GeoaccessError
from .errors import InputError as InputError
from .errors import NetworkError as NetworkError
from .io import read_areas as read_areas
from .io import read_sites as read_sites
from .network import Network as Network
from .origins import residential_origins as residential_origins
from .scenario import Scenario as Scenario
from .travel import TravelTimes as TravelTimes
from .travel import travel_times as travel_times

# --- scenarios and measures (issue 4) ---
# --- end scenarios ---

# --- equality (issue 5) ---
# --- end equality ---

# --- plot, explore, report (issue 6) ---
# --- end plot ---

# --- optimise (issue 8) ---
# --- end optimise ---

# --- public transport (issue 10) ---
# --- end public transport ---
