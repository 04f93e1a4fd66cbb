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
# isort: split
from . import measures as measures
from .evaluate import Comparison as Comparison
from .evaluate import Result as Result
from .evaluate import compare as compare
from .evaluate import evaluate as evaluate
from .measures import AccessRule as AccessRule
from .measures import NearestIndex as NearestIndex
from .measures import enhanced_two_step_fca as enhanced_two_step_fca
from .measures import gravity as gravity
from .measures import meets_rule as meets_rule
from .measures import nearest as nearest
from .measures import nearest_minutes_many as nearest_minutes_many
from .measures import score_many as score_many
from .measures import two_step_fca as two_step_fca
from .measures import within as within
from .scenario import read_scenarios as read_scenarios
from .scenario import scenario_table as scenario_table
from .scenario import write_scenarios as write_scenarios

# isort: split
# --- end scenarios ---

# --- equality (issue 5) ---
# isort: split
from . import equality as equality
from .equality import breakdown as breakdown
from .equality import eia_tables as eia_tables
from .equality import findings as findings
from .equality import group_exposure as group_exposure
from .equality import relative_risk as relative_risk

# isort: split
# --- end equality ---

# --- plot, explore, report (issue 6) ---
# isort: split
from . import plot as plot
from .explore import explore as explore
from .plot import plot_change as plot_change
from .plot import plot_cumulative as plot_cumulative
from .plot import plot_equality as plot_equality
from .plot import plot_minutes as plot_minutes
from .plot import plot_scenarios as plot_scenarios
from .plot import plot_service_areas as plot_service_areas
from .plot import plot_sites as plot_sites
from .plot import save_figure as save_figure
from .plot import service_areas as service_areas
from .report import render_report as render_report
from .report import write_report as write_report

# isort: split
# --- end plot ---

# --- optimise (issue 8) ---
# isort: split
from . import optimise as optimise
from .optimise import Equity as Equity
from .optimise import equity_frontier as equity_frontier
from .optimise import max_coverage as max_coverage
from .optimise import p_center as p_center
from .optimise import p_median as p_median
from .optimise import plot_frontier as plot_frontier
from .optimise import plot_trade_off as plot_trade_off
from .optimise import proposal_vs_best as proposal_vs_best
from .optimise import set_cover as set_cover
from .optimise import trade_off as trade_off

# isort: split
# --- end optimise ---

# --- public transport (issue 10) ---
from .gtfs import GTFSFeed as GTFSFeed
from .gtfs import read_gtfs as read_gtfs
from .transit import transit_travel_times as transit_travel_times
# --- end public transport ---
