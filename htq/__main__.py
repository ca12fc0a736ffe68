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


def _read_programme(source: str):
    from htq import documents

    if source == "-":
        return documents.from_text(sys.stdin.read(), "Standard input")
    return documents.read_path(Path(source))


def _match(args: argparse.Namespace) -> int:
    import json

    from htq import documents, match

    if args.top < 1:
        raise UsageError("--top must be 1 or more")
    try:
        doc = _read_programme(args.source)
    except documents.DocumentError as exc:
        raise UsageError(str(exc)) from exc
    snap = snapshot.load(Path(args.data_dir) if args.data_dir else None)
    routes = {r.name.lower(): r.name for r in snap.data.routes}
    route = None
    if args.route:
        route = routes.get(args.route.strip().lower())
        if route is None:
            raise UsageError(f"unknown route '{args.route}'; routes are: {', '.join(sorted(routes.values()))}")
    for warning in doc.warnings:
        print(f"note: {warning}", file=sys.stderr)
    index = match.MatchIndex.build(snap)
    result = match.rank(index, match.Programme(doc.title, doc.text, args.level, route), top=args.top,
                        precedents=not args.no_precedents)
    for warning in result.warnings:
        print(f"note: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps([c.to_json() for c in result.candidates], ensure_ascii=False, indent=2))
        return 0
    print(f"Programme: {doc.title or '(untitled)'}  ·  snapshot {snap.date}")
    if not result.candidates:
        print("No standard matches.")
        return 0
    print(f"{'#':>2}  {'Standard':<9} {'Title':<44} {'Lvl':>3}  {'Route':<28} {'Score':>5}  {'Confidence':<10} Why")
    for c in result.candidates:
        why = "; ".join(f"{e.field}: {', '.join(e.terms[:4])}" for e in c.reasons[:2])
        if c.precedents:
            why += f"; precedent: {c.precedents[0].title}"
        print(f"{c.rank:>2}  {c.reference:<9} {c.title[:44]:<44} {c.level:>3}  {(c.route or 'unknown')[:28]:<28} "
              f"{c.score:5.2f}  {c.confidence:<10} {why}")
    if result.progression:
        titles = {c.occupation: c.title for c in result.candidates}
        print("\n" + result.progression.explanation(titles))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m htq", description=__doc__)
    parser.add_argument("--data-dir", help="data folder (default: $HTQ_DATA_DIR or data/ of the project)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build-snapshot", help="build the app's snapshot from harvested Skills England files")
    p.add_argument("source", help="folder of harvested files, e.g. ../shared/data")
    p.set_defaults(run=_build_snapshot)

    p = sub.add_parser("match", help="rank the standards a programme could align to",
                       description="Rank the level 4/5 standards a programme could align to. The programme is a "
                                   ".txt/.md file (first line is the title), a .docx or a .pdf, or standard input.")
    p.add_argument("source", nargs="?", default="-", metavar="PATH|-", help="programme file, or - for standard input")
    p.add_argument("--top", type=int, default=10, help="how many candidates to show (default 10)")
    p.add_argument("--level", type=int, choices=(4, 5), help="the programme's level")
    p.add_argument("--route", help="only standards in this route (e.g. Digital)")
    p.add_argument("--no-precedents", action="store_true",
                   help="rank on the standards' content alone, without approved-HTQ title evidence")
    p.add_argument("--json", action="store_true", help="print a JSON list of candidates")
    p.set_defaults(run=_match)
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
