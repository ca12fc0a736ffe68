"""Refresh the snapshot from the live Skills England sources, safely.

Fetch (htq.ingest.sources) -> parse (htq.ingest.parse, the same parser the shipped snapshot was built with) ->
merge onto the current snapshot -> check that nothing collapsed -> write a new snapshot
atomically and make it current (htq.snapshot). Any failure raises RefreshError before the
switch, so the previous snapshot stays intact and in use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from htq import changes, embeddings, snapshot
from htq.errors import HTQError
from htq.ingest import parse, sources
from htq.model import (
    SOURCE_MAPS_API,
    SOURCE_STANDARD_PAGE,
    SOURCE_STANDARDS_API,
    Cluster,
    Occupation,
    Pathway,
    Route,
    Standard,
    StandardContent,
    VersionDates,
)

Progress = Callable[[str, int, int], None]

COLLAPSE_RATIO = 0.9
REQUIRED_STANDARD_FIELDS = ("title", "version", "status", "level")
LIVE_SOURCES = {
    SOURCE_STANDARDS_API: {
        "short": "Standards API",
        "name": "Skills England apprenticeship standards API",
        "detail": "GET /api/apprenticeshipstandards and /api/apprenticeshipstandards/{ST####}: version, status, "
        "dates, statutory regulation, KSBs and duties with their KSB links.",
        "file": "",
    },
    SOURCE_STANDARD_PAGE: {
        "short": "Standard page",
        "name": "Skills England standard pages",
        "detail": "The standard's HTML page, read where the API lacks a field (facts list and KSBs).",
        "file": "",
    },
}


class RefreshError(HTQError):
    """The refresh failed; the message says what failed. The previous snapshot is still in use."""


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did."""

    snapshot_id: str
    previous_id: str
    notices: tuple[str, ...]
    occupations: int
    standards: int
    standards_with_ksbs: int
    requests: int
    removed: tuple[str, ...]
    changes: str = ""  # what changed against the previous snapshot, taken before any pruning


def _latest(versions: list[Standard]) -> Standard:
    """Return the latest version, carrying the start and end dates of every version (oldest first)."""
    ordered = sorted(versions, key=lambda s: parse.version_key(s.version))
    dates = tuple(
        VersionDates(s.version, s.earliest_start, s.latest_start, s.latest_end)
        for s in ordered
        if s.version and (s.earliest_start or s.latest_start or s.latest_end)
    )
    return replace(ordered[-1], version_dates=dates)


def _merge_page(std: Standard, facts: dict[str, Any]) -> Standard:
    """Return the standard with the gaps its API record leaves filled from its page."""
    changes: dict[str, Any] = {}
    for name in ("version", "status", "level", "route", "regulated_body", "approved_date", "changed_date"):
        if getattr(std, name) in (None, "") and facts.get(name) not in (None, ""):
            changes[name] = facts[name]
    if changes.get("regulated_body") and std.regulated is None:
        changes["regulated"] = True
    if std.content is None and facts.get("ksbs"):
        changes["content"] = StandardContent(
            reference=std.reference,
            title=std.title,
            version=changes.get("version", std.version),
            complete=True,
            ksbs=tuple(facts["ksbs"]),
            source="Skills England standard page",
            note="KSBs read from the standard's page.",
        )
    return replace(std, **changes)


def _apply(occ: Occupation, std: Standard | None, route_ids: dict[str, int]) -> Occupation:
    """Return the occupation with what the standards API says about its standard."""
    if std is None:
        return occ
    sources_ = dict(occ.sources)
    values: dict[str, Any] = {}

    def put(name: str, value: Any, source: str = SOURCE_STANDARDS_API, fill_only: bool = False) -> None:
        if value in (None, "", ()) or (fill_only and getattr(occ, name) not in (None, "", ())):
            return
        values[name] = value
        sources_[name] = source

    put("standard_title", std.title)
    put("standard_status", std.status)
    put("version", std.version)
    put("approved_date", std.approved_date)
    put("changed_date", std.changed_date)
    put("change_note", std.change_note)
    put("version_dates", std.version_dates)
    put("standard_url", std.standard_url)
    put("job_titles", std.job_titles, fill_only=True)
    put("keywords", std.keywords, fill_only=True)
    if std.route in route_ids and occ.route is None:
        put("route", std.route)
        values["route_id"] = route_ids[std.route]
    if std.regulated is not None:  # the API's own flag overrides what was read from the title or summary
        put("regulated", std.regulated)
        values["regulated_body"] = std.regulated_body if std.regulated else None
        values["regulation_evidence"] = (
            (
                "The apprenticeship standards API marks the standard as regulated"
                + (f" by {std.regulated_body}." if std.regulated_body else ".")
            )
            if std.regulated
            else "The apprenticeship standards API marks the standard as not regulated."
        )
    return replace(occ, sources=sources_, **values)


def _tree(previous: tuple[Route, ...], records: list[dict[str, Any]]) -> tuple[Route, ...]:
    """Return the route tree with any pathway or cluster the new records name added to it."""
    routes = {r.id: r for r in previous}
    for raw in records:
        h = raw.get("mapHierarchy") or {}
        rid, pid, cid = h.get("routeId"), h.get("pathwayId"), h.get("clusterId")
        if rid not in routes or pid is None:
            continue
        route = routes[rid]
        pathways = {p.id: p for p in route.pathways}
        pathway = pathways.get(pid) or Pathway(pid, " ".join(str(h.get("pathwayName", pid)).split()))
        if cid is not None and cid not in {c.id for c in pathway.clusters}:
            pathway = replace(
                pathway, clusters=(*pathway.clusters, Cluster(cid, " ".join(str(h.get("clusterName", cid)).split())))
            )
        pathways[pid] = pathway
        routes[rid] = replace(route, pathways=tuple(pathways.values()))
    return tuple(routes[r.id] for r in previous)


def _check_standards(standards: dict[str, Standard]) -> None:
    if not standards:
        raise RefreshError("the standards API returned no standards; the snapshot was not changed")
    missing = [
        f"{s.reference} ({', '.join(f for f in REQUIRED_STANDARD_FIELDS if getattr(s, f) in (None, ''))})"
        for s in standards.values()
        if any(getattr(s, f) in (None, "") for f in REQUIRED_STANDARD_FIELDS)
    ]
    if missing:
        raise RefreshError(
            f"{len(missing)} standard(s) lack required fields, e.g. {'; '.join(missing[:5])}; "
            "the snapshot was not changed"
        )


def _check_not_collapsing(old: snapshot.SnapshotData, new: snapshot.SnapshotData) -> None:
    before, after = len(old.occupations), len(new.occupations)
    if after < COLLAPSE_RATIO * before:
        raise RefreshError(
            f"the refresh would cut occupations from {before:,} to {after:,}; refusing it as a "
            "likely source failure (the snapshot was not changed)"
        )
    refreshed_before = snapshot.counts(old)["standards_from_api"]
    refreshed_now = snapshot.counts(new)["standards_from_api"]
    if refreshed_now < COLLAPSE_RATIO * refreshed_before:
        raise RefreshError(
            f"the standards API gave {refreshed_now:,} standards where the last refresh had "
            f"{refreshed_before:,}; refusing it as a likely source failure (the snapshot was not changed)"
        )
    had = sum(1 for o in old.occupations if o.reference)
    has = sum(1 for o in new.occupations if o.reference)
    if has < COLLAPSE_RATIO * had:
        raise RefreshError(
            f"the refresh would cut occupations linked to a standard from {had:,} to {has:,}; "
            "refusing it (the snapshot was not changed)"
        )


LOCK_FILE = ".refresh.lock"


@contextmanager
def _one_at_a_time(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's refresh lock; RefreshError at once if another refresh holds it."""
    import fcntl

    path = Path(data_dir) / LOCK_FILE
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (closed by the `with` below, once opened)
    except OSError as exc:
        raise RefreshError(f"cannot open the refresh lock {path}: {exc}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            since = handle.read().strip()
            raise RefreshError(
                "another refresh is running" + (f" (started {since})" if since else "") + "; wait for it to finish"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(datetime.now(UTC).isoformat(timespec="seconds"))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh(
    data_dir: Any,
    fetcher: sources.Fetcher,
    endpoints: sources.Endpoints,
    maps_key: str | None,
    workers: int = 8,
    keep: int = 5,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> RefreshReport:
    """Fetch the live sources, write a validated new snapshot and make it current; return what happened.

    One refresh at a time per data folder (a lock file); every failure is a RefreshError and
    leaves the snapshot in use unchanged.
    """
    if keep < 1:
        raise RefreshError(f"keep must be at least 1 (the snapshot in use), not {keep}")
    data_dir = Path(data_dir)
    with _one_at_a_time(data_dir):
        return _refresh(data_dir, fetcher, endpoints, maps_key, workers, keep, progress, now)


def _fetch_occupations(
    current: snapshot.Snapshot,
    fetcher: sources.Fetcher,
    endpoints: sources.Endpoints,
    maps_key: str,
    workers: int,
    step: Callable[[str], Any],
) -> tuple[dict[str, Occupation], tuple[Route, ...]]:
    """Every occupation record from the Occupational Maps API, and the route tree rebuilt from them."""
    index = sources.maps_index(fetcher, endpoints, maps_key)
    raws = sources.fetch_many(
        [r["stdCode"] for r in index],
        lambda code: sources.maps_occupation(fetcher, endpoints, maps_key, code),
        workers,
        step("Occupations"),
    )
    try:
        occupations = {code: parse.occupation_from_api(raw) for code, raw in raws.items()}
    except parse.ParseError as exc:
        raise RefreshError(f"an Occupational Maps API record could not be read: {exc}") from exc
    return occupations, _tree(current.data.routes, list(raws.values()))


def _fetch_standards(
    fetcher: sources.Fetcher, endpoints: sources.Endpoints, workers: int, step: Callable[[str], Any]
) -> dict[str, Standard]:
    """Every standard's latest version from the standards API, with KSBs from its page where the API has none."""
    listing = sources.standards(fetcher, endpoints)
    references = sorted(
        {str(parse.json_field(r, "referenceNumber", "reference") or "").upper() for r in listing} - {""}
    )
    details = sources.fetch_many(
        references, lambda ref: sources.standard(fetcher, endpoints, ref), workers, step("Standards")
    )
    try:
        standards = {
            ref: _latest([parse.standard_from_api(v) for v in versions])
            for ref, versions in details.items()
            if versions
        }
    except parse.ParseError as exc:
        raise RefreshError(f"a standards API record could not be read: {exc}") from exc
    lacking = [s for s in standards.values() if s.content is None and s.standard_url]
    pages = sources.fetch_many(
        [s.reference for s in lacking],
        lambda ref: sources.standard_page(fetcher, standards[ref].standard_url or ""),
        workers,
        step("Standard pages"),
    )
    for ref, html in pages.items():
        try:
            standards[ref] = _merge_page(standards[ref], parse.standard_page(html, standards[ref].standard_url or ""))
        except parse.ParseError as exc:
            raise RefreshError(f"a standard page could not be read: {exc}") from exc
    _check_standards(standards)
    return standards


def _refresh(
    data_dir: Path,
    fetcher: sources.Fetcher,
    endpoints: sources.Endpoints,
    maps_key: str | None,
    workers: int,
    keep: int,
    progress: Progress | None,
    now: datetime | None,
) -> RefreshReport:
    now = now or datetime.now(UTC)
    try:
        current = snapshot.load(data_dir)
    except snapshot.SnapshotError as exc:
        raise RefreshError(
            f"the current snapshot cannot be loaded, so there is nothing to refresh onto: {exc}"
        ) from exc
    notices: list[str] = []
    step = (lambda name: lambda done, total: progress(name, done, total)) if progress else (lambda name: None)
    occupations = {o.code: o for o in current.data.occupations}
    routes = current.data.routes
    source_info = {k: dict(v) for k, v in current.data.sources.items()}
    try:
        if maps_key:
            occupations, routes = _fetch_occupations(current, fetcher, endpoints, maps_key, workers, step)
            source_info[SOURCE_MAPS_API] = {
                **source_info.get(SOURCE_MAPS_API, {}),
                "date": now.date().isoformat(),
                "detail": "Live Occupational Maps API: /api/v1/occupations and /api/v1/occupations/{code}.",
            }
        else:
            notices.append(
                f"No Occupational Maps API key (set {sources.MAPS_KEY_ENV}): the occupation records are "
                f"kept from snapshot {current.id}; only the standards were refreshed."
            )
        standards = _fetch_standards(fetcher, endpoints, workers, step)
    except sources.FetchError as exc:
        raise RefreshError(f"fetching failed: {exc}. The snapshot was not changed.") from exc

    route_ids = {r.name: r.id for r in routes}
    merged = tuple(
        sorted(
            (_apply(o, standards.get(o.reference or ""), route_ids) for o in occupations.values()), key=lambda o: o.code
        )
    )
    content = dict(current.data.content)
    content.update({ref: s.content for ref, s in standards.items() if s.content is not None})
    source_info.update({k: {**v, "date": now.date().isoformat()} for k, v in LIVE_SOURCES.items()})
    data = snapshot.SnapshotData(
        snapshot_date=now.date().isoformat(),
        occupations=merged,
        routes=routes,
        green_themes=current.data.green_themes,
        content=content,
        sources=source_info,
        origin="python -m htq refresh" + ("" if maps_key else " (standards only; no Occupational Maps API key)"),
    )
    _check_not_collapsing(current.data, data)
    snapshot_id = snapshot.free_id(data_dir, now.strftime("%Y-%m-%dT%H%M%SZ"))  # never reuse a kept id
    try:
        written = snapshot.write(data, data_dir, snapshot_id=snapshot_id, make_current=False)
        embeddings.prepare(written, reuse=embeddings.read(current.path))
        snapshot.set_current(data_dir, written.id)
    except (OSError, snapshot.SnapshotError) as exc:  # a full disk, a read-only folder…
        snapshot.recover(data_dir)
        raise RefreshError(f"the new snapshot could not be written: {exc}") from exc
    summary = changes.summary(changes.diff(current, written))  # before pruning can remove the previous one
    try:
        removed = snapshot.prune(data_dir, keep)
    except OSError as exc:
        removed = []
        notices.append(f"older snapshots could not be removed: {exc}")
    return RefreshReport(
        written.id,
        current.id,
        tuple(notices),
        len(merged),
        len(standards),
        sum(1 for s in standards.values() if s.content is not None),
        fetcher.requests,
        tuple(removed),
        summary,
    )
