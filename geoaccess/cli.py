"""The ``geoaccess`` command line: run an analysis from a YAML file, build networks, demo.

Commands
--------
``geoaccess run CONFIG.yaml [--out DIR]``
    Read the network source, sites, areas and scenarios named in the configuration,
    compute the travel-time matrix, evaluate and compare the scenarios, and write the
    matrix, result tables (CSV, Excel), maps (PNG/SVG/PDF), the HTML report and an
    interactive map to the output folder; prints where. The configuration is checked in
    full before any work starts: an unknown key, a missing file or a bad value is
    reported in one message naming the key.
``geoaccess network build OSM_FILE --mode walk --out walk.npz``
    Build a network once and save it; a configuration can then name the ``.npz``.
``geoaccess national CONFIG.yaml [--out DIR] [--workers N | --scheduler ADDRESS]``
    Many local authorities in one run: the configuration of ``run`` plus a ``national``
    section (see :mod:`geoaccess.national.command`); travel times computed once for
    the country (on a Dask cluster with ``--workers``/``--scheduler``), one output
    folder per authority and ``national_summary.csv``.
``geoaccess demo --out DIR``
    The bundled Rutland demo: walk and drive networks, matrices, three illustrative
    scenarios compared, tables, maps and the report.

Options ``--quiet`` (errors only) and ``--verbose`` (debug logging, tracebacks) go before
the command. Exit codes: 0 success, 2 bad input or configuration, 1 unexpected error,
130 interrupted. Outputs are written to a staging folder inside the output folder and
moved into place only when complete, so an interrupted run leaves no half-written file.

Configuration (paths relative to the configuration file; ``{dataset: NAME}`` names a
bundled dataset, see :mod:`geoaccess.datasets`)::

    title: Family hubs review (illustrative)
    place: Rutland
    service: a centre                     # what is reached, with its article
    network:
      source: {dataset: rutland-osm}      # .osm.pbf/.osm/.osm.bz2, or a saved .npz
      modes: [walk]                       # the first mode drives maps and report
      speed_kmh: {walk: 4.8}              # optional overrides
      cache: networks                     # optional folder of built networks
    sites: {dataset: rutland-sites}       # or a path, or {path: ..., layer: ..., ...}
    areas:
      source: {dataset: rutland-lsoa}
      layer: lsoa21
      population: [children_0_4, children_5_15]
      origins: residential                # homes from the OSM file; or auto
    population: children_0_4
    scenarios:
      include_current: Current            # every site open in the role of its kind
      file: rutland_scenarios.csv         # CSV/Excel (a column per scenario) or YAML
    baseline: Current
    thresholds: [10, 15, 20, 30, 45, 60]
    equality: {by: [imd_decile, imd_quintile, ward], threshold: 15}
    transit:                              # optional: adds the mode "transit"
      gtfs: [bus.zip]                     # GTFS timetables (Bus Open Data Service...)
      date: 2023-06-13                    # a school-term weekday in their calendars
      arrive_by: "09:30"                  # or departure_window: ["07:00", "10:00"]
    outputs:
      folder: out/rutland
      tables: [csv, excel]
      maps: [png, pdf]
      report: true
      interactive: true

Examples
--------
>>> from geoaccess.cli import main
>>> main(["--version"])  # doctest: +SKIP
geoaccess 0.1.0
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .config import MODES, load_config
from .errors import GeoaccessError, InputError
from .pipeline import check_output_folder, read_inputs, run

__all__ = ["main"]

log = logging.getLogger("geoaccess")


# ================================================================================ CLI
def _config_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """The arguments of a command that runs a configuration: the file, --out, --check."""
    parser.add_argument("config", help=what)
    parser.add_argument("--out", default=None, help="output folder (overrides outputs.folder)")
    parser.add_argument("--check", action="store_true",
                        help="only validate the configuration and the input files")


def _parser() -> argparse.ArgumentParser:
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="geoaccess",
        description="Network travel-time access to family hubs and children's centres: "
                    "scenarios, equality impact, maps and reports.",
        epilog="Exit codes: 0 success, 2 bad input or configuration, 1 unexpected error, "
               "130 interrupted.")
    parser.add_argument("--version", action="version", version=f"geoaccess {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="print errors only (no progress bars)")
    verbosity.add_argument("-v", "--verbose", action="store_true",
                           help="debug logging, and tracebacks on unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run_p = sub.add_parser("run", help="run an analysis described by a YAML file",
                           description="Run an analysis described by a YAML configuration "
                                       "(see examples/rutland.yaml).")
    _config_arguments(run_p, "the YAML configuration file")

    nat = sub.add_parser("national", help="many local authorities in one run",
                         description="Run a national configuration: travel times for the "
                                     "country once, then one output folder per authority.")
    _config_arguments(nat, "the YAML configuration file (with a 'national' section)")
    where = nat.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None,
                       help="route on a local Dask cluster of this many worker processes")
    where.add_argument("--scheduler", default=None,
                       help="route on the Dask cluster at this address (tcp://host:8786)")

    demo = sub.add_parser("demo", help="run the bundled Rutland demo")
    demo.add_argument("--out", default="out", help="output folder (default: out)")

    network = sub.add_parser("network", help="network tools")
    nsub = network.add_subparsers(dest="network_command", required=True, metavar="ACTION")
    build = nsub.add_parser("build", help="build a network from an OSM file and save it")
    build.add_argument("osm", help=".osm.pbf, .osm or .osm.bz2 file")
    build.add_argument("--mode", default="walk", choices=list(MODES))
    build.add_argument("--out", required=True, help="output .npz file")
    build.add_argument("--speed-kmh", type=float, default=None, help="override the speed")
    return parser


def _print_written(written: Mapping[str, Path], out: Path, quiet: bool,
                   echo: Callable[[str], None]) -> None:
    for name, path in written.items():
        log.debug("  %-32s %s", name, path)
    if quiet:
        return
    out = out.resolve()
    key = {"report": "report", "interactive_map": "interactive map",
           "eia_excel": "EIA tables (Excel)", "results_excel": "results (Excel)"}
    echo(f"geoaccess: {len(written)} files written to {out}")
    for k, label in key.items():
        if k in written:
            echo(f"  {label:<20} {written[k]}")
    n_maps = sum(1 for k in written if k.startswith(("map_", "chart_")))
    if n_maps:
        echo(f"  {'maps and charts':<20} {n_maps} files in {out / 'maps'}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s",
                        force=True)
    logging.getLogger("geoaccess").setLevel(level)
    for noisy in ("matplotlib", "PIL", "fiona", "pyogrio", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))

    def echo(text: str) -> None:
        print(text)

    try:
        if args.command == "run":
            cfg = load_config(args.config, out=args.out)
            if args.check:
                check_output_folder(cfg.out)
                read_inputs(cfg)
                if not args.quiet:
                    echo(f"{args.config}: configuration and inputs are valid")
                return 0
            written = run(cfg, progress=not args.quiet)
            _print_written(written, cfg.out, args.quiet, echo)
            return 0
        if args.command == "national":
            # imported here: routing code is not needed by the other commands' startup
            from .national.command import check_national, load_national_config, run_national

            ncfg = load_national_config(args.config, out=args.out)
            if args.check:
                check_national(ncfg)
                if not args.quiet:
                    echo(f"{args.config}: national configuration and inputs are valid")
                return 0
            client = args.workers if args.workers is not None else args.scheduler
            written = run_national(ncfg, client=client, progress=not args.quiet)
            if not args.quiet:
                n = sum(1 for k in written if not k.startswith(("travel_times_", "national_")))
                echo(f"geoaccess: {n} authorities written to {ncfg.run.out.resolve()}")
                echo(f"  {'national table':<20} {written['national_summary']}")
            return 0
        if args.command == "demo":
            from .demo import run_demo

            written = run_demo(args.out, progress=not args.quiet)
            _print_written(written, Path(args.out), args.quiet, echo)
            return 0
        if args.command == "network" and args.network_command == "build":
            from .network import Network

            osm = Path(args.osm)
            if not osm.exists():
                raise InputError(f"{osm}: file not found", path=osm)
            if not str(args.out).endswith(".npz"):
                raise InputError(f"--out {args.out}: a network is saved as a .npz file",
                                 path=args.out)
            net = Network.from_osm_file(osm, mode=args.mode, speed_kmh=args.speed_kmh)
            path = net.save(args.out)
            if not args.quiet:
                echo(f"{net!r} saved to {path}")
            return 0
    except GeoaccessError as exc:
        log.error("%s", exc)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted; no partial outputs were left")
        return 130
    except Exception as exc:
        if args.verbose:
            log.exception("unexpected error")
        else:
            log.error("unexpected error: %s: %s (rerun with --verbose for the traceback)",
                      type(exc).__name__, exc)
        return 1
    return 1  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
