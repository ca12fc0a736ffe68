"""Command line: `python -m htq <command> ...` (run with --help for the list)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from htq import snapshot


class UsageError(Exception):
    """Bad input from the user: printed as one sentence, exit code 2."""


def _build_snapshot(args: argparse.Namespace) -> int:
    from htq import build

    data = build.build_from_harvest(Path(args.source))
    written = snapshot.write(data, Path(args.data_dir) if args.data_dir else None)
    c = written.manifest["counts"]
    print(f"Snapshot {written.id} written to {written.path} and made current: "
          f"{c['occupations']:,} occupations ({c['full_records']} full records), {c['routes']} routes, "
          f"{c['htqs']} approved HTQs, KSBs for {c['standards_with_ksbs']} standards.")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m htq", description=__doc__)
    parser.add_argument("--data-dir", help="data folder (default: $HTQ_DATA_DIR or data/ of the project)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build-snapshot", help="build the app's snapshot from harvested Skills England files")
    p.add_argument("source", help="folder of harvested files, e.g. ../shared/data")
    p.set_defaults(run=_build_snapshot)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (2 with a message on bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, snapshot.SnapshotError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
