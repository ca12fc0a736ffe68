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


def _standards_for(snap: snapshot.Snapshot, codes: list[str], ksb_file: str | None) -> list:
    """Return the KSB lists to map against: from the snapshot, or from --ksbs for a single standard."""
    from htq import catalogue, ksbs

    wanted = []
    for text in codes:
        code = catalogue.normalise_code(text)
        if code is None:
            raise UsageError(f"'{text}' is not a standard code (ST0116 or OCC0116)")
        occ = snap.occupation(code) if code.startswith("OCC") else next(
            (o for o in snap.data.occupations if o.reference == code), None)
        reference = occ.reference if occ and occ.reference else code
        if occ is None and ksb_file is None:
            raise UsageError(f"{code} is not in the snapshot of {snap.date}")
        wanted.append((reference, occ.title if occ else reference))
    if ksb_file:
        if len(wanted) != 1:
            raise UsageError("--ksbs gives the KSBs of one standard: pass exactly one --standard with it")
        path = Path(ksb_file)
        try:
            if path.suffix.lower() in (".xlsx", ".csv"):
                return [ksbs.read_sheet(path.read_bytes(), path.name, *wanted[0])]
            return [ksbs.from_text(path.read_text(encoding="utf-8"), *wanted[0])]
        except FileNotFoundError as exc:
            raise UsageError(f"“{ksb_file}” does not exist") from exc
        except (ksbs.KsbError, UnicodeDecodeError) as exc:
            raise UsageError(str(exc)) from exc
    out = []
    for reference, _ in wanted:
        content = snap.data.content.get(reference)
        if content is None:
            raise UsageError(f"the snapshot has no KSBs for {reference}: pass --ksbs FILE (a KSB sheet with Code and "
                             "Statement columns, or lines like 'K1 statement'), or refresh the snapshot")
        out.append(content)
    return out


def _coverage(args: argparse.Namespace) -> int:
    import json

    from htq import coverage, embed, programme

    path = Path(args.programme)
    if not path.is_file():
        raise UsageError(f"“{args.programme}” does not exist")
    try:
        structure = programme.read_structure(path.read_bytes(), path.name)
    except programme.ProgrammeError as exc:
        raise UsageError(str(exc)) from exc
    snap = snapshot.load(Path(args.data_dir) if args.data_dir else None)
    standards = _standards_for(snap, args.standard, args.ksbs)
    embedder = embed.StaticEmbedder(f"{o.title} {o.overview or ''} {o.summary or ''}" for o in snap.data.occupations)
    proposal = coverage.propose(structure.modules, standards, embedder)
    if args.json:
        print(json.dumps([{
            "standard": r.standard, "code": r.code, "type": r.kind, "statement": r.statement, "coverage": r.coverage,
            "score": r.score, "confidence": r.confidence,
            "evidence": [{"module": e.module, "outcome": e.outcome, "score": e.score} for e in r.evidence],
        } for r in proposal.rows], ensure_ascii=False, indent=2))
        return 0
    print(f"Programme: {structure.title or path.name} · {len(structure.modules)} modules · "
          + ", ".join(f"{s.reference} ({len(s.ksbs)} KSBs)" for s in standards))
    print(f"{'Code':<10} {'Coverage':<8} {'Score':>5}  {'Evidence':<28} Statement")
    for r in proposal.rows:
        evidence = ", ".join(dict.fromkeys(e.module for e in r.evidence)) or "—"
        print(f"{r.standard + ' ' + r.code:<10} {r.coverage:<8} {r.score:5.2f}  {evidence[:28]:<28} {r.statement[:70]}")
    print()
    print(coverage.totals(proposal.rows).to_string(index=False))
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

    p = sub.add_parser("coverage", help="propose how a programme's modules cover a standard's KSBs",
                       description="Map a programme's modules and outcomes to a standard's KSBs. PROGRAMME is a "
                                   ".docx/.pdf/.txt/.md specification or an .xlsx/.csv of modules.")
    p.add_argument("programme", metavar="PROGRAMME", help="programme specification or module sheet")
    p.add_argument("--standard", action="append", required=True, metavar="CODE",
                   help="standard to map against (ST0116 or OCC0116); repeat for occupational progression")
    p.add_argument("--ksbs", metavar="FILE", help="the standard's KSBs, when the snapshot lacks them: .xlsx/.csv "
                                                  "with Code and Statement columns, or text lines 'K1 statement'")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per KSB")
    p.set_defaults(run=_coverage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (2 with a message on bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except (UsageError, snapshot.SnapshotError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
