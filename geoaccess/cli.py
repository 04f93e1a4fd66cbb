"""The ``geoaccess`` command line.

Examples
--------
``geoaccess demo --out out`` runs the bundled Rutland demo;
``geoaccess network build rutland.osm.pbf --mode walk --out walk.npz`` caches a network.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import GeoaccessError

log = logging.getLogger("geoaccess")


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="geoaccess",
        description="Network travel-time access to family hubs and children's centres.")
    parser.add_argument("--version", action="version", version=f"geoaccess {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the bundled Rutland demo")
    demo.add_argument("--out", default="out", help="output folder (default: out)")

    network = sub.add_parser("network", help="network tools")
    nsub = network.add_subparsers(dest="network_command", required=True)
    build = nsub.add_parser("build", help="build a network from an OSM file and save it")
    build.add_argument("osm", help=".osm.pbf, .osm or .osm.bz2 file")
    build.add_argument("--mode", default="walk",
                       choices=["walk", "pushchair", "cycle", "drive"])
    build.add_argument("--out", required=True, help="output .npz file")
    build.add_argument("--speed-kmh", type=float, default=None, help="override the speed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "demo":
            from .demo import run_demo

            written = run_demo(args.out, progress=not args.quiet)
            log.info("demo outputs written to %s:", Path(args.out).resolve())
            for name, path in written.items():
                log.info("  %-24s %s", name, path)
            if not args.quiet:
                print(f"geoaccess demo: {len(written)} files written to {Path(args.out)}")
            return 0
        if args.command == "network" and args.network_command == "build":
            from .network import Network

            net = Network.from_osm_file(args.osm, mode=args.mode, speed_kmh=args.speed_kmh)
            path = net.save(args.out)
            if not args.quiet:
                print(f"{net!r} saved to {path}")
            return 0
    except GeoaccessError as exc:
        log.error("%s", exc)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
