# The public face of geoaccess, in the order of a user's work. The package root loads these
# lazily (lazy_loader reads this file), so `import geoaccess` is quick and a process that only
# scores a saved matrix never imports networkx or matplotlib.
from . import datasets as datasets
from . import errors as errors
from . import settings as settings
from . import uk as uk
from ._version import __version__ as __version__

# errors
from .errors import DataWarning as DataWarning
from .errors import GeoaccessError as GeoaccessError
from .errors import InputError as InputError
from .errors import NetworkError as NetworkError

# 1. load sites and areas
from .io import read_areas as read_areas
from .io import read_sites as read_sites
from .io import set_origins as set_origins
from . import origins as origins
from .origins import build_origins as build_origins
from .origins import residential_origins as residential_origins
from .venues import read_venues as read_venues
from .venues import venues_from_place as venues_from_place
from .origins import summarise_origins as summarise_origins

# 2. networks
from .network import Network as Network
from .gtfs import GTFSFeed as GTFSFeed
from .gtfs import check_gtfs as check_gtfs
from .gtfs import read_gtfs as read_gtfs

# 3. the travel-time matrix
from .matrix import TravelTimes as TravelTimes
from .travel import travel_times as travel_times
from .transit import transit_travel_times as transit_travel_times
from .national import NationalTimes as NationalTimes
from .national import national_travel_times as national_travel_times

# 4. scenarios
from .scenario import Scenario as Scenario
from .scenario import read_scenarios as read_scenarios
from .scenario import scenario_table as scenario_table
from .scenario import write_scenarios as write_scenarios

# 5. measures, evaluate and compare
from . import measures as measures
from .measures import AccessRule as AccessRule
from .measures import NearestIndex as NearestIndex
from .measures import enhanced_two_step_fca as enhanced_two_step_fca
from .measures import gravity as gravity
from .measures import meets_rule as meets_rule
from .measures import nearest as nearest
from .measures import nearest_minutes_many as nearest_minutes_many
from .measures import score_many as score_many
from .measures import sessions_within as sessions_within
from .measures import two_step_fca as two_step_fca
from .measures import within as within
from .evaluate import Comparison as Comparison
from .evaluate import Result as Result
from .evaluate import compare as compare
from .evaluate import evaluate as evaluate
from .sensitivity import sensitivity as sensitivity
from .national import evaluate_batch as evaluate_batch

# 6. equality
from . import equality as equality
from .equality import DeprivedAreas as DeprivedAreas
from .equality import Findings as Findings
from .equality import RelativeRisk as RelativeRisk
from .equality import breakdown as breakdown
from .equality import eia_tables as eia_tables
from .equality import findings as findings
from .equality import group_exposure as group_exposure
from .equality import relative_risk as relative_risk
from .equality import standard_table as standard_table

# 7. optimise
from . import optimise as optimise
from .optimise import Constraints as Constraints
from .optimise import Equity as Equity
from .optimise import InfeasibleError as InfeasibleError
from .optimise import ProposalGap as ProposalGap
from .optimise import Rules as Rules
from .optimise import Solution as Solution
from .optimise import cost_frontier as cost_frontier
from .optimise import equity_frontier as equity_frontier
from .optimise import max_coverage as max_coverage
from .optimise import p_center as p_center
from .optimise import p_median as p_median
from .optimise import proposal_vs_best as proposal_vs_best
from .optimise import set_cover as set_cover
from .optimise import trade_off as trade_off

# 8. outputs: maps, charts, interactive map, report
from . import plot as plot
from .plot import MapContext as MapContext
from .plot import map_context as map_context
from .plot import plot_change as plot_change
from .plot import plot_cost_frontier as plot_cost_frontier
from .plot import plot_cumulative as plot_cumulative
from .plot import plot_equality as plot_equality
from .plot import plot_frontier as plot_frontier
from .plot import plot_minutes as plot_minutes
from .plot import plot_scenarios as plot_scenarios
from .plot import plot_service_areas as plot_service_areas
from .plot import plot_sites as plot_sites
from .plot import plot_trade_off as plot_trade_off
from .plot import save_figure as save_figure
from .travel import service_areas as service_areas
from .explore import explore as explore
from .explorer import write_explorer as write_explorer
from .report import DataSource as DataSource
from .report import render_report as render_report
from .report import savings_and_losses as savings_and_losses
from .report import write_report as write_report

__all__: list[str]
