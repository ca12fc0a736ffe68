"""Build a snapshot from a folder of harvested Skills England files (`../shared/data` layout).

The occupation records there are real Occupational Maps API responses, so they go through the
same parser as the live refresh; the other files fill what those records lack, and every
field keeps the name of the source it came from.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from htq.errors import HTQError
from htq.ingest import parse
from htq.model import (
    LEVELS,
    SOURCE_INFERRED,
    SOURCE_KSB_COPIES,
    SOURCE_MAP_VOCABULARY,
    SOURCE_MAPS_API,
    SOURCE_MAPS_INDEX,
    SOURCE_STANDARDS_LIST,
    Cluster,
    Duty,
    Ksb,
    Occupation,
    Pathway,
    Route,
    StandardContent,
)
from htq.snapshot import SnapshotData

INDEX_FILE = "occupational_maps_occupations_index.csv"
RECORDS_DIR = "occupations_raw"
STANDARDS_FILE = "apprenticeship_standards_list.csv"
ROUTES_FILE = "occupational_maps_routes_green_themes.json"
VOCABULARY_FILE = "seom_vocabulary_routes_pathways_clusters_soc.ttl"
KSB_FILE = "ksbs.json"

HARVEST_SOURCES: dict[str, dict[str, str]] = {
    SOURCE_MAPS_API: {
        "short": "Maps API",
        "name": "Occupational Maps API — occupation records",
        "detail": "One real response of GET /api/v1/occupations/{code} per Level 4 and 5 occupation "
        "(links dropped, progression reduced to codes), harvested from the public API by Tesseract "
        "Academy (linstan1/Tesseract-Gov-Website @ b172780).",
        "date": "2026-07-06",
        "file": RECORDS_DIR + "/",
    },
    SOURCE_MAPS_INDEX: {
        "short": "Maps index",
        "name": "Occupational Maps — index of all occupations",
        "detail": "Code, name, level and status of every occupation on the maps (same harvest).",
        "date": "2026-07-06",
        "file": INDEX_FILE,
    },
    SOURCE_STANDARDS_LIST: {
        "short": "Standards list",
        "name": "Skills England apprenticeship standards list",
        "detail": "Route, status, version and job titles of every apprenticeship standard, from the "
        "Skills England apprenticeship CSV as published by jamesevelynross1-sketch/levytate-wren "
        "@ 212ce15. Joined to an occupation by its code number where the levels agree.",
        "date": "2026-07-02",
        "file": STANDARDS_FILE,
    },
    SOURCE_MAP_VOCABULARY: {
        "short": "Maps vocabulary",
        "name": "Occupational maps vocabulary (SKOS)",
        "detail": "Routes, pathways and clusters of the maps (tunings-lab/open-ontologies @ c46599c) "
        "with route sequence from the same harvest as the occupation records.",
        "date": "2026-07-06",
        "file": VOCABULARY_FILE,
    },
    SOURCE_KSB_COPIES: {
        "short": "KSB copies",
        "name": "KSB lists from third-party copies",
        "detail": "Knowledge, skills and behaviours for a few standards, copied from public GitHub "
        "repositories and stored pages of third-party sites (each list names its own source and whether it is "
        "complete), cross-checked against a second copy where one exists.",
        "date": "mixed",
        "file": KSB_FILE,
    },
    SOURCE_INFERRED: {
        "short": "Inferred",
        "name": "Inferred by this tool",
        "detail": "Derived from the text of another field: the awarding body an HTQ title names; "
        "statutory regulation where a standard's title names a regulator or its summary states it.",
        "date": "",
        "file": "",
    },
}


class HarvestError(HTQError):
    """The harvested source folder is missing a file or holds one that cannot be read."""


def _read_text(folder: Path, name: str) -> str:
    path = folder / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise HarvestError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise HarvestError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def _read_json(folder: Path, name: str) -> Any:
    text = _read_text(folder, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HarvestError(f"{folder / name}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc


def repair_mojibake(text: str) -> str:
    """Return text with UTF-8 read as Windows-1252 (e.g. 'â€“') turned back into what was meant."""
    if "â€" not in text and "Ã" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _code_number(code: str) -> str:
    return re.sub(r"\D", "", code)


def read_index(folder: Path) -> list[dict[str, Any]]:
    """Return the rows of the occupations index: code, title, level, status."""
    rows = []
    for n, row in enumerate(csv.DictReader(_read_text(folder, INDEX_FILE).splitlines()), start=2):
        try:
            level = int(row["level"])
        except (KeyError, TypeError, ValueError) as exc:
            raise HarvestError(f"{folder / INDEX_FILE}: line {n} has no numeric level") from exc
        if not row.get("stdCode") or not row.get("name"):
            raise HarvestError(f"{folder / INDEX_FILE}: line {n} has no code or name")
        rows.append(
            {
                "code": row["stdCode"].strip(),
                "title": row["name"].strip(),
                "level": level,
                "status": row["statusName"].strip(),
            }
        )
    return rows


def read_standards_list(folder: Path) -> dict[str, dict[str, str]]:
    """Return the apprenticeship standards list keyed by reference (rows without one dropped)."""
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(_read_text(folder, STANDARDS_FILE).splitlines()):
        ref = (row.get("referenceCode") or "").strip()
        if not ref:
            continue
        out[ref] = {k: repair_mojibake((v or "").strip()) for k, v in row.items()}
    return out


def read_records(folder: Path) -> list[dict[str, Any]]:
    """Return the raw occupation records (Occupational Maps API responses) in the folder."""
    records_dir = folder / RECORDS_DIR
    if not records_dir.is_dir():
        raise HarvestError(f"{records_dir}: folder not found")
    return [_read_json(records_dir, path.name) for path in sorted(records_dir.glob("*.json"))]


def parse_records(folder: Path, raw_records: list[dict[str, Any]]) -> dict[str, Occupation]:
    """Return the occupations of the raw records, keyed by code."""
    out = {}
    for raw in raw_records:
        try:
            occupation = parse.occupation_from_api(raw)
        except parse.ParseError as exc:
            raise HarvestError(f"{folder / RECORDS_DIR}: {exc}") from exc
        out[occupation.code] = occupation
    return out


def _ordered(items: Iterable[tuple[int, str]], sequence: dict[int, int]) -> list[tuple[int, str]]:
    return sorted(items, key=lambda item: (sequence.get(item[0], 10_000), item[1].lower()))


def build_tree(folder: Path, raw_records: list[dict[str, Any]]) -> tuple[list[Route], list[dict[str, Any]]]:
    """Return the route -> pathway -> cluster tree and the green themes.

    Names and parents come from the SKOS vocabulary; the order of pathways and clusters from
    the sequences the occupation records carry (alphabetical where no record gives one).
    """
    routes_raw = _read_json(folder, ROUTES_FILE)
    pathways, clusters = parse.map_vocabulary(_read_text(folder, VOCABULARY_FILE))
    pathway_seq: dict[int, int] = {}
    cluster_seq: dict[int, int] = {}
    for raw in raw_records:
        hierarchy = raw.get("mapHierarchy") or {}
        if "pathwayId" in hierarchy:
            pathway_seq.setdefault(hierarchy["pathwayId"], hierarchy.get("pathwaySequence", 10_000))
        if "clusterId" in hierarchy:
            # The API spells this key 'clusterSeqeunce'; accept the correct spelling too.
            seq = hierarchy.get("clusterSeqeunce", hierarchy.get("clusterSequence", 10_000))
            cluster_seq.setdefault(hierarchy["clusterId"], seq)
    routes = []
    for r in sorted(routes_raw["routes"], key=lambda r: r["sequence"]):
        route_pathways = []
        for pid, pname in _ordered(
            ((i, n) for i, (n, parent) in pathways.items() if parent == r["routeId"]), pathway_seq
        ):
            route_clusters = _ordered(((i, n) for i, (n, parent) in clusters.items() if parent == pid), cluster_seq)
            route_pathways.append(Pathway(pid, pname, tuple(Cluster(cid, cname) for cid, cname in route_clusters)))
        routes.append(Route(int(r["routeId"]), r["name"], int(r["sequence"]), tuple(route_pathways)))
    return routes, list(routes_raw.get("greenThemes", []))


def _source_of(entry: dict[str, Any]) -> tuple[str, str]:
    """Return (a plain-English sentence naming where a KSB list was copied from, its address)."""
    primary = (entry.get("source") or {}).get("primary") or {}
    if primary.get("repository"):
        url = f"https://github.com/{primary['repository']}"
        where = f"the GitHub repository {primary['repository']}" + (
            f" ({primary['path']})" if primary.get("path") else ""
        )
    elif primary.get("url"):
        url = primary["url"]
        where = f"the web page {url}"
    else:
        return "Copied from a third-party publication of the standard.", ""
    return f"Copied from a third-party publication of the standard: {where}, not from Skills England.", url


def read_ksbs(folder: Path) -> dict[str, StandardContent]:
    """Return the KSB lists and duties that hold at least one statement or duty, keyed by ST reference."""
    raw = _read_json(folder, KSB_FILE)
    out = {}
    for ref, entry in sorted(raw.items()):
        ksbs = [
            Ksb(code=item["code"].strip(), kind=kind, text=" ".join(item["text"].split()))
            for key, kind in (("knowledge", "knowledge"), ("skills", "skill"), ("behaviours", "behaviour"))
            for item in entry.get(key) or ()
        ]
        duties = [
            Duty(
                code=d["code"].strip(),
                text=" ".join(d["text"].split()),
                ksbs=tuple(k.strip() for k in d.get("ksbs") or ()),
            )
            for d in entry.get("duties") or ()
        ]
        if not ksbs and not duties:
            continue
        note = entry.get("missing") or ""
        if entry.get("source", {}).get("version_basis"):
            note = (note + " " + entry["source"]["version_basis"]).strip()
        source, url = _source_of(entry)
        out[ref] = StandardContent(
            reference=ref,
            title=entry.get("title") or ref,
            version=entry.get("version"),
            complete=bool(entry.get("complete")),
            ksbs=tuple(ksbs),
            duties=tuple(duties),
            source=source,
            note=note,
            source_url=url,
        )
    return out


def _from_standards_list(
    occ: Occupation, standards: dict[str, dict[str, str]], route_ids: dict[str, int]
) -> Occupation:
    """Return the occupation with the gaps its record leaves filled from the standards list."""
    ref = occ.reference
    sources = dict(occ.sources)
    if ref is None:
        candidate = "ST" + _code_number(occ.code)
        row = standards.get(candidate)
        if row is None or row.get("level") != str(occ.level):
            return occ
        ref = candidate
        sources["reference"] = SOURCE_STANDARDS_LIST
    row = standards.get(ref)
    if row is None:
        return replace(occ, reference=ref, sources=sources)
    changes: dict[str, Any] = {"reference": ref}
    fill: dict[str, Any] = {
        "standard_title": row.get("title") or None,
        "standard_status": row.get("sourceStatus") or None,
        "version": row.get("version") or None,
    }
    route = row.get("occupationalRoute")
    if route and route in route_ids:
        fill["route"] = route
        fill["route_id"] = route_ids[route]
    if occ.sources.get("code") != SOURCE_MAPS_API:
        # Job titles of the whole standard, for occupations the API harvest does not cover.
        fill["job_titles"] = tuple(t.strip() for t in (row.get("jobTitles") or "").split(" | ") if t.strip()) or None
    for name, value in fill.items():
        if value is not None and getattr(occ, name) in (None, ()):
            changes[name] = value
            if name != "route_id":
                sources[name] = SOURCE_STANDARDS_LIST
    if occ.regulated is None and changes.get("standard_title"):
        regulated, body, evidence = parse.regulation_from_text(changes["standard_title"], "")
        if regulated:
            changes.update(regulated=True, regulated_body=body, regulation_evidence=evidence)
            sources["regulated"] = SOURCE_INFERRED
    return replace(occ, sources=sources, **changes)


def build_from_harvest(folder: Path) -> SnapshotData:
    """Return a complete snapshot built from the harvested files in `folder`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise HarvestError(f"{folder}: folder not found")
    index = read_index(folder)
    raw_records = read_records(folder)
    records = parse_records(folder, raw_records)
    standards = read_standards_list(folder)
    routes, green_themes = build_tree(folder, raw_records)
    route_ids = {r.name: r.id for r in routes}
    content = read_ksbs(folder)

    occupations = []
    for row in index:
        occ = records.get(row["code"])
        if occ is None:
            occ = Occupation(
                code=row["code"],
                title=row["title"],
                level=row["level"],
                status=row["status"],
                sources=dict.fromkeys(("code", "title", "level", "status"), SOURCE_MAPS_INDEX),
            )
        elif (occ.level, occ.status) != (row["level"], row["status"]):
            raise HarvestError(
                f"{folder / RECORDS_DIR / (occ.code + '.json')}: level/status "
                f"({occ.level}, {occ.status}) disagree with the index ({row['level']}, {row['status']})"
            )
        occupations.append(_from_standards_list(occ, standards, route_ids))
    missing = sorted(set(records) - {r["code"] for r in index})
    if missing:
        raise HarvestError(f"{folder / RECORDS_DIR}: records not in the index: {', '.join(missing)}")
    bad_levels = [o.code for o in occupations if o.level not in LEVELS]
    if bad_levels:
        raise HarvestError(f"{folder / INDEX_FILE}: levels outside 2-7 for {', '.join(bad_levels[:5])}")

    return SnapshotData(
        snapshot_date=HARVEST_SOURCES[SOURCE_MAPS_API]["date"],
        occupations=tuple(sorted(occupations, key=lambda o: o.code)),
        routes=tuple(routes),
        green_themes=tuple(green_themes),
        content=content,
        sources={k: dict(v) for k, v in HARVEST_SOURCES.items()},
        origin=f"python -m htq build-snapshot {folder.as_posix()}",
    )
