"""Command line: `python -m htq <command> ...` (run with --help for the list)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from htq import snapshot
from htq.errors import HTQError


class UsageError(HTQError):
    """Bad input from the user: printed as one sentence, exit code 2."""


def _build_snapshot(args: argparse.Namespace) -> int:
    from htq import embeddings
    from htq.ingest import build

    data = build.build_from_harvest(Path(args.source))
    data_dir = Path(args.data_dir) if args.data_dir else None
    try:
        previous = snapshot.load(data_dir)
        kept = embeddings.read(previous.path)  # read now: a rebuild under the same id replaces the folder
    except snapshot.SnapshotError:
        kept = None
    written = snapshot.write(data, data_dir, make_current=False)
    embedded = embeddings.prepare(written, reuse=kept)
    snapshot.set_current(data_dir or snapshot.default_data_dir(), written.id)
    c = written.manifest["counts"]
    print(
        f"Snapshot {written.id} written to {written.path} and made current: "
        f"{c['occupations']:,} occupations ({c['full_records']} full records), {c['routes']} routes, "
        f"{c['htqs']} approved HTQs, KSBs for {c['standards_with_ksbs']} standards. {embedded}"
    )
    return 0


def _read_programme(source: str):
    from htq import documents

    if source == "-":
        text = documents.decode_text(documents.read_bounded(sys.stdin.buffer, "Standard input"))
        if text is None:
            raise documents.DocumentError("Standard input is not readable text; send UTF-8 text.")
        return documents.from_text(text, "Standard input")
    return documents.read_path(Path(source))


def _route_named(snap: snapshot.Snapshot, name: str | None) -> str | None:
    """Return the route a --route value names (any case), None for none; UsageError if unknown."""
    if not name:
        return None
    routes = {r.name.lower(): r.name for r in snap.data.routes}
    route = routes.get(name.strip().lower())
    if route is None:
        raise UsageError(f"unknown route '{name}'; routes are: {', '.join(sorted(routes.values()))}")
    return route


def _note(*notices: str) -> None:
    for notice in notices:
        if notice:
            print(f"note: {notice}", file=sys.stderr)


def _match(args: argparse.Namespace) -> int:
    import json

    from htq import match

    if args.top < 1:
        raise UsageError("--top must be 1 or more")
    doc = _read_programme(args.source)
    snap = snapshot.load(Path(args.data_dir) if args.data_dir else None)
    route = _route_named(snap, args.route)
    _note(*doc.warnings)
    index = match.MatchIndex.build(snap)
    _note(index.notice or "")
    result = match.rank(
        index,
        match.Programme(doc.title, doc.text, args.level, route),
        top=args.top,
        precedents=not args.no_precedents,
        eligible_only=not args.all,
    )
    _note(*result.warnings)
    if args.json:
        print(json.dumps([c.to_json() for c in result.candidates], ensure_ascii=False, indent=2))
        return 0
    level = f"  ·  level {result.level} ({result.level_source})" if result.level else ""
    print(f"Programme: {doc.title or '(untitled)'}  ·  snapshot {snap.date}{level}")
    _print_candidates(result)
    return 0


def _print_candidates(result) -> None:
    """The ranked candidates as a table for a terminal, with options, progression and what was left out."""
    if not result.candidates:
        print("No standard matches.")
        return
    print(f"{'#':>2}  {'Standard':<9} {'Title':<44} {'Lvl':>3}  {'Route':<28} {'Score':>5}  {'Confidence':<10} Why")
    for c in result.candidates:
        why = "; ".join(f"{e.field}: {', '.join(e.terms[:4])}" for e in c.reasons[:2])
        if c.precedents:
            why += f"; precedent: {c.precedents[0].title}"
        print(
            f"{c.rank:>2}  {c.reference:<9} {c.title[:44]:<44} {c.level:>3}  {(c.route or 'unknown')[:28]:<28} "
            f"{c.score:5.2f}  {c.confidence if c.rank == 1 else '':<10} {why}"
        )
        if not c.eligible or c.eligibility_notes:
            print(f"    {c.eligibility}: {' '.join(c.eligibility_notes)}")
        for o in c.options:
            apart = f" (job titles: {', '.join(o.distinct)})" if o.distinct else ""
            print(f"    option {o.occupation:<9} {o.title[:60]}  {o.score:.2f}{apart}")
    if result.progression:
        titles = {c.occupation: c.title for c in result.candidates}
        print("\n" + result.progression.explanation(titles))
    if result.hidden:
        print(
            f"\n{result.hidden} standard(s) that cannot be applied against for HTQ approval were left out; "
            "--all lists them, labelled."
        )


def _standards_for(snap: snapshot.Snapshot, codes: list[str], ksb_file: str | None) -> list:
    """Return the KSB lists to map against: from the snapshot, or from --ksbs for a single standard."""
    from htq import catalogue, ksbs

    wanted = []
    for text in codes:
        code = catalogue.normalise_code(text)
        if code is None:
            raise UsageError(f"'{text}' is not a standard code (ST0116 or OCC0116)")
        occ = (
            snap.occupation(code)
            if code.startswith("OCC")
            else next((o for o in snap.data.occupations if o.reference == code), None)
        )
        reference: str = occ.reference if occ and occ.reference else code
        if occ is None and ksb_file is None:
            raise UsageError(f"{code} is not in the snapshot of {snap.date}")
        wanted.append((reference, occ.title if occ else reference))
    if ksb_file:
        if len(wanted) != 1:
            raise UsageError("--ksbs gives the KSBs of one standard: pass exactly one --standard with it")
        from htq import documents

        path = Path(ksb_file)
        blob = documents.file_bytes(path)
        if path.suffix.lower() in documents.SHEET_SUFFIXES:
            return [ksbs.read_sheet(blob, path.name, *wanted[0])]
        decoded = documents.decode_text(blob)
        if decoded is None:
            raise UsageError(f"“{ksb_file}” is not readable text")
        return [ksbs.from_text(decoded, *wanted[0])]
    out = []
    for reference, _ in wanted:
        content = snap.data.content.get(reference)
        if content is None:
            raise UsageError(
                f"the snapshot has no KSBs for {reference}: pass --ksbs FILE (a KSB sheet with Code and "
                "Statement columns, or lines like 'K1 statement'), or refresh the snapshot"
            )
        out.append(content)
    return out


def _coverage(args: argparse.Namespace) -> int:
    import json

    from htq import coverage, documents, embed, programme

    path = Path(args.programme)
    structure = programme.read_structure(documents.file_bytes(path), path.name)
    snap = snapshot.load(Path(args.data_dir) if args.data_dir else None)
    standards = _standards_for(snap, args.standard, args.ksbs)
    embedder, reason = embed.load_contextual()
    if embedder is None:
        print(
            f"note: similar meaning is not used ({reason}); coverage is proposed from shared words alone",
            file=sys.stderr,
        )
    proposal = coverage.propose(structure.modules, standards, embedder)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "standard": r.standard,
                        "code": r.code,
                        "type": r.kind,
                        "statement": r.statement,
                        "coverage": r.coverage,
                        "score": r.score,
                        "confidence": r.confidence,
                        "evidence": [{"module": e.module, "outcome": e.outcome, "score": e.score} for e in r.evidence],
                    }
                    for r in proposal.rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(
        f"Programme: {structure.title or path.name} · {len(structure.modules)} modules · "
        + ", ".join(f"{s.reference} ({len(s.ksbs)} KSBs)" for s in standards)
    )
    print(f"{'Code':<10} {'Coverage':<8} {'Score':>5}  {'Evidence':<28} Statement")
    for r in proposal.rows:
        evidence = ", ".join(dict.fromkeys(e.module for e in r.evidence)) or "—"
        print(f"{r.standard + ' ' + r.code:<10} {r.coverage:<8} {r.score:5.2f}  {evidence[:28]:<28} {r.statement[:70]}")
    print()
    print(coverage.totals(proposal.rows).to_string(index=False))
    return 0


class _Bar:
    """A one-line progress bar on standard error, redrawn every few per cent."""

    def __init__(self) -> None:
        self.shown: dict[str, int] = {}

    def __call__(self, name: str, done: int, total: int) -> None:
        step = max(1, total // 40)
        if done != total and done - self.shown.get(name, -step) < step:
            return
        self.shown[name] = done
        filled = int(30 * done / max(1, total))
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{name:<15} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}{end}")
        sys.stderr.flush()


def _refresh(args: argparse.Namespace) -> int:
    import os

    from htq.ingest import refresh, sources

    if args.keep < 1:
        raise UsageError(f"--keep must be at least 1 (the snapshot in use), not {args.keep}")
    endpoints = sources.Endpoints(args.maps_api.rstrip("/"), args.standards_api.rstrip("/"))
    fetcher = sources.Fetcher(sources.new_session(), timeout=(args.timeout, args.timeout), retries=args.retries)
    data_dir = Path(args.data_dir) if args.data_dir else snapshot.default_data_dir()
    key = os.environ.get(sources.MAPS_KEY_ENV, "").strip() or None
    try:
        report = refresh.refresh(
            data_dir, fetcher, endpoints, key, workers=args.workers, keep=args.keep, progress=_Bar()
        )
    except refresh.RefreshError as exc:
        print(f"error: refresh failed: {exc}", file=sys.stderr)
        try:
            in_use = snapshot.current_id(data_dir)
        except snapshot.SnapshotError:
            in_use = "unknown (the data folder has no CURRENT file)"
        print(f"The snapshot in use is still {in_use}.", file=sys.stderr)
        return 1
    for notice in report.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(
        f"Snapshot {report.snapshot_id} is now in use: {report.occupations:,} occupations, {report.standards:,} "
        f"standards ({report.standards_with_ksbs:,} with KSBs), {report.requests:,} requests."
    )
    print(report.changes)
    if report.removed:
        print(f"Older snapshots removed (keeping {args.keep}): {', '.join(report.removed)}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    import json

    from htq import changes

    data_dir = Path(args.data_dir) if args.data_dir else snapshot.default_data_dir()

    def load(ref: str) -> snapshot.Snapshot:
        return snapshot.load_path(Path(ref)) if Path(ref).is_dir() else snapshot.load_id(data_dir, ref)

    result = changes.diff(load(args.old), load(args.new))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "occupation": i.occupation,
                        "reference": i.reference,
                        "title": i.title,
                        "changes": list(i.kinds),
                        "old_version": i.old_version,
                        "new_version": i.new_version,
                        "old_status": i.old_status,
                        "new_status": i.new_status,
                        "ksbs": [{"code": k.code, "change": k.change, "old": k.old, "new": k.new} for k in i.ksbs],
                    }
                    for i in result.items
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(changes.summary(result))
    for item in result.items:
        version = f" {item.old_version} -> {item.new_version}" if changes.REVERSIONED in item.kinds else ""
        print(f"  {item.reference or item.occupation:<9} {item.title[:50]:<50} {', '.join(item.kinds)}{version}")
        for k in item.ksbs:
            print(f"      {k.code:<4} {k.change}: {(k.new or k.old or '')[:90]}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m htq", description=__doc__)
    parser.add_argument("--data-dir", help="data folder (default: $HTQ_DATA_DIR or data/ of the project)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build-snapshot", help="build the app's snapshot from harvested Skills England files")
    p.add_argument("source", help="folder of harvested files, e.g. ../shared/data")
    p.set_defaults(run=_build_snapshot)

    p = sub.add_parser(
        "match",
        help="rank the standards a programme could align to",
        description="Rank the level 4/5 standards a programme could align to. The programme is a "
        ".txt/.md file (first line is the title), a .docx or a .pdf, or standard input.",
    )
    p.add_argument("source", nargs="?", default="-", metavar="PATH|-", help="programme file, or - for standard input")
    p.add_argument("--top", type=int, default=10, help="how many candidates to show (default 10)")
    p.add_argument("--level", type=int, choices=(4, 5), help="the programme's level")
    p.add_argument("--route", help="only standards in this route (e.g. Digital)")
    p.add_argument(
        "--all",
        action="store_true",
        help="also list standards that cannot be applied against for HTQ approval, each labelled why",
    )
    p.add_argument(
        "--no-precedents",
        action="store_true",
        help="rank on the standards' content alone, without approved-HTQ title evidence",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list of candidates")
    p.set_defaults(run=_match)

    p = sub.add_parser(
        "coverage",
        help="propose how a programme's modules cover a standard's KSBs",
        description="Map a programme's modules and outcomes to a standard's KSBs. PROGRAMME is a "
        ".docx/.pdf/.txt/.md specification or an .xlsx/.csv of modules.",
    )
    p.add_argument("programme", metavar="PROGRAMME", help="programme specification or module sheet")
    p.add_argument(
        "--standard",
        action="append",
        required=True,
        metavar="CODE",
        help="standard to map against (ST0116 or OCC0116); repeat for occupational progression",
    )
    p.add_argument(
        "--ksbs",
        metavar="FILE",
        help="the standard's KSBs, when the snapshot lacks them: .xlsx/.csv "
        "with Code and Statement columns, or text lines 'K1 statement'",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per KSB")
    p.set_defaults(run=_coverage)

    from htq.ingest import sources

    p = sub.add_parser(
        "refresh",
        help="refresh the snapshot from the live Skills England APIs",
        description="Fetch the Occupational Maps API (key in $HTQ_MAPS_API_KEY, sent as X-API-KEY; "
        "skipped without one), the apprenticeship standards API and, where it lacks a field, "
        "the standard pages. The new snapshot is validated and swapped in atomically; on any "
        "failure the previous one stays in use and the exit code is 1.",
    )
    p.add_argument("--maps-api", default=sources.Endpoints.from_env().maps_api, help="Occupational Maps API base URL")
    p.add_argument(
        "--standards-api",
        default=sources.Endpoints.from_env().standards_api,
        help="apprenticeship standards API base URL",
    )
    p.add_argument("--workers", type=int, default=8, help="requests in flight at once (default 8)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer (default 30)")
    p.add_argument("--retries", type=int, default=4, help="retries per request after the first try (default 4)")
    p.add_argument("--keep", type=int, default=5, help="how many snapshots to keep (default 5)")
    p.set_defaults(run=_refresh)

    p = sub.add_parser(
        "diff",
        help="what changed between two snapshots",
        description="Compare two snapshots (ids kept in data/snapshots, or folder paths).",
    )
    p.add_argument("old", help="the earlier snapshot id or folder")
    p.add_argument("new", help="the later snapshot id or folder")
    p.add_argument("--json", action="store_true", help="print a JSON list of changed standards")
    p.set_defaults(run=_diff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (2 with a message on bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except (HTQError, OSError) as exc:  # a message for the user; anything else is a bug and shows as one
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
