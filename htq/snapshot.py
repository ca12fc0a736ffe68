"""The only module that knows the files in data/: load, validate and atomically write snapshots.

Layout of a data folder::

    data/CURRENT                      the id of the snapshot in use (one line)
    data/PROVENANCE.md                sources, date and counts of the snapshot in use
    data/snapshots/<id>/manifest.json schema, date, sources, counts, sha256 of every file
    data/snapshots/<id>/occupations.json
    data/snapshots/<id>/tree.json
    data/snapshots/<id>/standards.json

A snapshot folder is written under a temporary name, validated by loading it back, renamed
into place and only then made current, so a failure at any step leaves the previous snapshot
intact and in use.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from htq.errors import HTQError
from htq.model import KSB_KINDS, LEVELS, SOURCE_MAPS_API, SOURCE_STANDARDS_API, Occupation, Route, StandardContent

SCHEMA_VERSION = 1
CURRENT_FILE = "CURRENT"
PROVENANCE_FILE = "PROVENANCE.md"
SNAPSHOTS_DIR = "snapshots"
MANIFEST = "manifest.json"
DATA_FILES = ("occupations.json", "tree.json", "standards.json")
OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

_REQUIRED_OCCUPATION_FIELDS = {"code": str, "title": str, "level": int, "status": str}


class SnapshotError(HTQError):
    """A snapshot cannot be loaded or written; the message names the file and the problem."""


@dataclass(frozen=True)
class SnapshotData:
    """Everything a snapshot holds, before it has a place on disk."""

    snapshot_date: str
    occupations: tuple[Occupation, ...]
    routes: tuple[Route, ...]
    green_themes: tuple[dict[str, Any], ...] = ()
    content: dict[str, StandardContent] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    origin: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A snapshot loaded from disk: its id, folder, manifest and data."""

    id: str
    path: Path
    manifest: dict[str, Any]
    data: SnapshotData

    @property
    def date(self) -> str:
        """Return the date of the data (YYYY-MM-DD)."""
        return self.data.snapshot_date

    def occupation(self, code: str) -> Occupation | None:
        """Return the occupation with this OCC code, or None."""
        return self._by_code().get(code)

    def occupations_of(self, reference: str) -> list[Occupation]:
        """Return the occupations (options included) whose standard is this ST reference."""
        cache = self.__dict__.get("_by_reference_cache")
        if cache is None:
            cache = {}
            for o in self.data.occupations:
                if o.reference:
                    cache.setdefault(o.reference, []).append(o)
            object.__setattr__(self, "_by_reference_cache", cache)
        return list(cache.get(reference, ()))

    def _by_code(self) -> dict[str, Occupation]:
        cache = self.__dict__.get("_by_code_cache")
        if cache is None:
            cache = {o.code: o for o in self.data.occupations}
            object.__setattr__(self, "_by_code_cache", cache)
        return cache


def default_data_dir() -> Path:
    """Return the data folder: $HTQ_DATA_DIR, or data/ beside the htq package."""
    env = os.environ.get("HTQ_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


def counts(data: SnapshotData) -> dict[str, Any]:
    """Return the headline counts recorded in a manifest."""
    occ = data.occupations
    return {
        "occupations": len(occ),
        "by_level": {str(level): n for level, n in sorted(Counter(o.level for o in occ).items())},
        "full_records": sum(1 for o in occ if o.sources.get("code") == SOURCE_MAPS_API),
        "with_reference": sum(1 for o in occ if o.reference),
        "routes": len(data.routes),
        "pathways": sum(len(r.pathways) for r in data.routes),
        "clusters": sum(len(p.clusters) for r in data.routes for p in r.pathways),
        "htqs": len({h.code for o in occ for h in o.htqs}),
        "htq_alignments": sum(len(o.htqs) for o in occ),
        "standards_with_ksbs": sum(1 for c in data.content.values() if c.ksbs),
        "standards_with_duties": sum(1 for c in data.content.values() if c.duties),
        "standards_with_complete_ksbs": sum(1 for c in data.content.values() if c.complete),
        "standards_from_api": len(
            {o.reference for o in occ if o.sources.get("standard_status") == SOURCE_STANDARDS_API}
        ),
    }


def _dump(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _payloads(data: SnapshotData) -> dict[str, bytes]:
    return {
        "occupations.json": _dump({"occupations": [o.to_json() for o in data.occupations]}),
        "tree.json": _dump({"routes": [r.to_json() for r in data.routes], "green_themes": list(data.green_themes)}),
        "standards.json": _dump({"standards": {ref: c.to_json() for ref, c in sorted(data.content.items())}}),
    }


def _write_file(path: Path, blob: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())


_INCOMING, _REPLACED = ".incoming-", ".replaced-"


def recover(data_dir: Path | None = None) -> list[str]:
    """Put right what a killed write left behind; return what was done, in words.

    A kill between the two renames of a replacement leaves the old folder as `.replaced-ID-…` and
    no `ID`: it is renamed back, so CURRENT names a complete folder again. Half-written
    `.incoming-…` folders and finished `.replaced-…` ones are then deleted.
    """
    data_dir = Path(data_dir or default_data_dir())
    root = data_dir / SNAPSHOTS_DIR
    done: list[str] = []
    if not root.is_dir():
        return done
    for retired in sorted(root.glob(_REPLACED + "*")):
        snapshot_id = retired.name[len(_REPLACED) :].rsplit("-", 1)[0]
        final = root / snapshot_id
        if not final.exists():
            retired.rename(final)
            done.append(f"restored snapshot {snapshot_id} after an interrupted replacement")
        else:
            shutil.rmtree(retired, ignore_errors=True)
            done.append(f"removed {retired.name}")
    for staging in root.glob(_INCOMING + "*"):
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"removed {staging.name}")
    return done


def free_id(data_dir: Path | None, wanted: str) -> str:
    """Return `wanted`, or `wanted-2`, `wanted-3`… if a folder of that name is kept already: a refresh
    never reuses an id for a different folder."""
    root = Path(data_dir or default_data_dir()) / SNAPSHOTS_DIR
    if not (root / wanted).exists():
        return wanted
    n = 2
    while (root / f"{wanted}-{n}").exists():
        n += 1
    return f"{wanted}-{n}"


def write(
    data: SnapshotData, data_dir: Path | None = None, snapshot_id: str | None = None, make_current: bool = True
) -> Snapshot:
    """Write a snapshot atomically, validate it by loading it back, and make it current.

    Returns the loaded snapshot. On any failure the previous snapshot stays current and no
    half-written folder is left under its final name. Writing what a kept folder of the same id
    already holds changes nothing; replacing a folder of the same id with other content (a
    rebuild of the shipped snapshot) renames the old one away first, and `recover` puts it back
    if the process dies between the two renames.
    """
    data_dir = Path(data_dir or default_data_dir())
    snapshot_id = snapshot_id or data.snapshot_date
    if not snapshot_id or "/" in snapshot_id or snapshot_id.startswith("."):
        raise SnapshotError(f"'{snapshot_id}' is not a usable snapshot id")
    root = data_dir / SNAPSHOTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    recover(data_dir)
    staging = root / f"{_INCOMING}{snapshot_id}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        payloads = _payloads(data)
        for name, blob in payloads.items():
            _write_file(staging / name, blob)
        files = {name: _sha256(blob) for name, blob in payloads.items()}
        manifest = {
            "schema": SCHEMA_VERSION,
            "id": snapshot_id,
            "snapshot_date": data.snapshot_date,
            "origin": data.origin,
            "attribution": OGL_ATTRIBUTION,
            "sources": data.sources,
            "counts": counts(data),
            "files": files,
        }
        _write_file(staging / MANIFEST, _dump(manifest))
        load_path(staging)
        final = root / snapshot_id
        if final.exists() and _same_files(final, files):
            shutil.rmtree(staging, ignore_errors=True)  # nothing changed: keep the folder in use as it is
        elif final.exists():
            retired = root / f"{_REPLACED}{snapshot_id}-{secrets.token_hex(4)}"
            final.rename(retired)
            staging.rename(final)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if make_current:
        set_current(data_dir, snapshot_id)
    return load_path(final)


def _same_files(folder: Path, files: dict[str, str]) -> bool:
    """Return whether a kept snapshot folder's manifest lists exactly these files and checksums."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files") == files
    except (OSError, json.JSONDecodeError):
        return False


def set_current(data_dir: Path, snapshot_id: str) -> None:
    """Make an existing, valid snapshot the one in use (atomic replace of CURRENT)."""
    data_dir = Path(data_dir)
    snapshot = load_path(data_dir / SNAPSHOTS_DIR / snapshot_id)
    _replace_text(data_dir / PROVENANCE_FILE, provenance_markdown(snapshot.manifest))
    _replace_text(data_dir / CURRENT_FILE, snapshot_id + "\n")


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    _write_file(tmp, text.encode("utf-8"))
    os.replace(tmp, path)


def current_id(data_dir: Path | None = None) -> str:
    """Return the id of the snapshot in use."""
    data_dir = Path(data_dir or default_data_dir())
    pointer = data_dir / CURRENT_FILE
    try:
        snapshot_id = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"{pointer}: file not found, so no snapshot is in use. Restore data/ from the "
            "repository or build one with `python -m htq build-snapshot ../shared/data`."
        ) from exc
    if not snapshot_id:
        raise SnapshotError(f"{pointer}: the file is empty; it should name a folder in {data_dir / SNAPSHOTS_DIR}")
    return snapshot_id


def version_key(data_dir: Path | None = None) -> str:
    """Return a string that changes whenever the snapshot in use changes (for caches)."""
    data_dir = Path(data_dir or default_data_dir())
    snapshot_id = current_id(data_dir)
    manifest = data_dir / SNAPSHOTS_DIR / snapshot_id / MANIFEST
    try:
        stamp = manifest.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    return f"{data_dir.resolve()}|{snapshot_id}|{stamp}"


def load(data_dir: Path | None = None) -> Snapshot:
    """Return the snapshot in use in the data folder (restoring it first if a replacement was interrupted)."""
    data_dir = Path(data_dir or default_data_dir())
    folder = data_dir / SNAPSHOTS_DIR / current_id(data_dir)
    if not folder.exists() and any((data_dir / SNAPSHOTS_DIR).glob(f"{_REPLACED}{folder.name}-*")):
        recover(data_dir)
    return load_path(folder)


def list_snapshots(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Return id, date and counts of every snapshot kept in the data folder, newest first."""
    data_dir = Path(data_dir or default_data_dir())
    out = []
    for folder in sorted((data_dir / SNAPSHOTS_DIR).glob("[!.]*"), reverse=True):
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        out.append(
            {
                "id": folder.name,
                "snapshot_date": manifest.get("snapshot_date"),
                "origin": manifest.get("origin"),
                "counts": manifest.get("counts", {}),
            }
        )
    return out


def _read_json(path: Path) -> tuple[bytes, Any]:
    try:
        blob = path.read_bytes()
    except FileNotFoundError as exc:
        raise SnapshotError(f"{path}: file not found (the snapshot is incomplete)") from exc
    try:
        return blob, json.loads(blob.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{path}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc


def _check_occupation(path: Path, n: int, raw: Any) -> Occupation:
    if not isinstance(raw, dict):
        raise SnapshotError(f"{path}: record {n} is not an object")
    label = f"record {n} ({raw.get('code', 'no code')})"
    for name, kind in _REQUIRED_OCCUPATION_FIELDS.items():
        if name not in raw or raw[name] in (None, ""):
            raise SnapshotError(f"{path}: {label} has no '{name}'")
        if not isinstance(raw[name], kind) or isinstance(raw[name], bool):
            raise SnapshotError(f"{path}: {label} has '{name}' of the wrong type ({type(raw[name]).__name__})")
    if raw["level"] not in LEVELS:
        raise SnapshotError(f"{path}: {label} has level {raw['level']}, outside 2-7")
    try:
        return Occupation.from_json(raw)
    except TypeError as exc:
        raise SnapshotError(f"{path}: {label} does not fit the occupation schema ({exc})") from exc


def _read_manifest(folder: Path) -> dict[str, Any]:
    mpath = folder / MANIFEST
    _, manifest = _read_json(mpath)
    if not isinstance(manifest, dict):
        raise SnapshotError(f"{mpath}: not a JSON object")
    if manifest.get("schema") != SCHEMA_VERSION:
        raise SnapshotError(
            f"{mpath}: schema {manifest.get('schema')!r}, this version of the tool reads schema {SCHEMA_VERSION}"
        )
    for key in ("snapshot_date", "files", "counts"):
        if key not in manifest:
            raise SnapshotError(f"{mpath}: the field '{key}' is missing")
    return manifest


def _read_checked(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Return each data file parsed, once its bytes match the manifest's checksum."""
    parsed = {}
    for name in DATA_FILES:
        blob, obj = _read_json(folder / name)
        if manifest["files"].get(name) != _sha256(blob):
            raise SnapshotError(
                f"{folder / name}: contents do not match the checksum in manifest.json "
                "(the file was changed or only partly written)"
            )
        parsed[name] = obj
    return parsed


def _occupations(opath: Path, parsed: Any) -> tuple[Occupation, ...]:
    raw_occ = parsed.get("occupations") if isinstance(parsed, dict) else None
    if not isinstance(raw_occ, list) or not raw_occ:
        raise SnapshotError(f"{opath}: no occupations (expected a non-empty list under 'occupations')")
    occupations = tuple(_check_occupation(opath, n, raw) for n, raw in enumerate(raw_occ, start=1))
    dupes = [c for c, k in Counter(o.code for o in occupations).items() if k > 1]
    if dupes:
        raise SnapshotError(f"{opath}: occupation codes appear twice: {', '.join(sorted(dupes)[:5])}")
    return occupations


def _routes(tpath: Path, tree: Any) -> tuple[Route, ...]:
    if not isinstance(tree, dict) or not isinstance(tree.get("routes"), list) or not tree["routes"]:
        raise SnapshotError(f"{tpath}: no routes (expected a non-empty list under 'routes')")
    try:
        return tuple(Route.from_json(r) for r in tree["routes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{tpath}: a route does not fit the schema ({exc!r})") from exc


def _content(spath: Path, parsed: Any) -> dict[str, StandardContent]:
    raw_std = parsed.get("standards") if isinstance(parsed, dict) else None
    if not isinstance(raw_std, dict):
        raise SnapshotError(f"{spath}: expected an object under 'standards'")
    content = {}
    for ref, raw in raw_std.items():
        try:
            item = StandardContent.from_json(raw)
        except (KeyError, TypeError) as exc:
            raise SnapshotError(f"{spath}: standard {ref} does not fit the schema ({exc!r})") from exc
        bad = [k.code for k in item.ksbs if k.kind not in KSB_KINDS]
        if bad:
            raise SnapshotError(f"{spath}: standard {ref} has KSBs of unknown kind: {', '.join(bad[:5])}")
        content[ref] = item
    return content


def load_path(folder: Path) -> Snapshot:
    """Return the snapshot in one folder, validated; raise SnapshotError naming file and problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SnapshotError(f"{folder}: snapshot folder not found")
    manifest = _read_manifest(folder)
    parsed = _read_checked(folder, manifest)
    opath = folder / "occupations.json"
    occupations = _occupations(opath, parsed["occupations.json"])
    tree = parsed["tree.json"]
    routes = _routes(folder / "tree.json", tree)
    route_names = {r.name for r in routes}
    stray = sorted({o.route for o in occupations if o.route and o.route not in route_names})
    if stray:
        raise SnapshotError(f"{opath}: routes not in tree.json: {', '.join(stray)}")
    data = SnapshotData(
        snapshot_date=str(manifest["snapshot_date"]),
        occupations=occupations,
        routes=routes,
        green_themes=tuple(tree.get("green_themes", ())),
        content=_content(folder / "standards.json", parsed["standards.json"]),
        sources=manifest.get("sources", {}),
        origin=manifest.get("origin", ""),
    )
    actual = counts(data)
    for key in ("occupations", "routes", "htqs"):
        if manifest["counts"].get(key) != actual[key]:
            raise SnapshotError(
                f"{folder / MANIFEST}: counts say {manifest['counts'].get(key)} {key}, the files hold {actual[key]}"
            )
    return Snapshot(id=manifest.get("id", folder.name), path=folder, manifest=manifest, data=data)


STALE_AFTER_DAYS = 90


def age_days(snap: Snapshot, today: date | None = None) -> int | None:
    """Return how many days old the snapshot's data is (None when its date is unreadable)."""
    try:
        return ((today or date.today()) - date.fromisoformat(snap.date[:10])).days
    except ValueError:
        return None


def provenance_markdown(manifest: dict[str, Any], for_people: bool = False) -> str:
    """Return the PROVENANCE.md text of a snapshot: date, sources, counts and attribution.

    `for_people=True` gives the version the About page shows: no build commands or file names, the
    licence left to the page.
    """
    c = manifest.get("counts", {})
    levels = ", ".join(f"L{k} {v:,}" for k, v in c.get("by_level", {}).items())
    if for_people:
        lines = [
            f"The data is a snapshot of **{manifest.get('snapshot_date')}**.",
            "",
            "| Source | What it gives | Date of the data |",
            "|---|---|---|",
        ]
        lines += [
            f"| {src.get('name', sid)} | {src.get('detail', '')} | {src.get('date') or '—'} |"
            for sid, src in manifest.get("sources", {}).items()
        ]
        lines += ["", "Each standard's page names the source of every fact it shows.", ""]
    else:
        lines = [
            "# Data provenance",
            "",
            f"Snapshot **{manifest.get('id')}**, data of **{manifest.get('snapshot_date')}**, "
            f"made by `{manifest.get('origin', 'unknown')}`. This file is written by the tool; do not edit it by hand.",
            "",
            OGL_ATTRIBUTION + f" ({OGL_URL})",
            "",
            "## Sources",
            "",
            "| Source | What it gives | Date of the data | File |",
            "|---|---|---|---|",
        ]
        for sid, src in manifest.get("sources", {}).items():
            lines.append(
                f"| {src.get('name', sid)} (`{sid}`) | {src.get('detail', '')} | {src.get('date') or '—'} | "
                f"{('`' + src['file'] + '`') if src.get('file') else '—'} |"
            )
        lines += [
            "",
            "Every occupation record keeps, per field, the source that gave it (`sources` in "
            "`occupations.json`); the app shows it on each standard's page.",
            "",
        ]
    lines += [
        "## Counts" if not for_people else "**What it holds**",
        "",
        f"- Occupations on the maps: {c.get('occupations', 0):,} ({levels})",
        f"- Full occupation records (route, pathway, cluster, summary, HTQs): {c.get('full_records', 0):,}",
        f"- Occupations linked to a standard reference (ST####): {c.get('with_reference', 0):,}",
        f"- Routes / pathways / clusters: {c.get('routes', 0)} / {c.get('pathways', 0)} / {c.get('clusters', 0)}",
        f"- Approved HTQs: {c.get('htqs', 0):,} distinct codes, {c.get('htq_alignments', 0):,} HTQ–occupation alignments",
        f"- Standards with KSBs: {c.get('standards_with_ksbs', 0)} "
        f"({c.get('standards_with_complete_ksbs', 0)} complete lists)",
        "",
        "## What this snapshot does not know" if not for_people else "**What it does not know**",
        "",
        "- KSBs and duties for all but the standards counted above; duty-to-KSB links.",
        "- Review, approval and last-changed dates, and the statutory regulation flag, except where a "
        "standard's title or summary states the regulator (marked as inferred).",
        "- Pathway, cluster, summary and HTQs for occupations outside levels 4 and 5 (index row only; "
        "route, status and version from the apprenticeship standards list where it has the standard).",
        "- Awarding bodies of HTQs whose titles do not name one.",
        "",
        (
            "A refresh from the live Skills England sources brings these; your administrator can run one "
            "(see For administrators)."
            if for_people
            else "A refresh from the live Skills England APIs (`python -m htq refresh`) brings these."
        ),
        "",
    ]
    return "\n".join(lines)


def prune(data_dir: Path | None = None, keep: int = 5) -> list[str]:
    """Delete all but the newest `keep` snapshots (never the one in use); return the ids removed."""
    data_dir = Path(data_dir or default_data_dir())
    in_use = current_id(data_dir)
    kept = [s["id"] for s in list_snapshots(data_dir)]
    removable = [sid for sid in kept[max(1, keep) :] if sid != in_use]
    for sid in removable:
        shutil.rmtree(data_dir / SNAPSHOTS_DIR / sid, ignore_errors=True)
    return removable


def previous_id(data_dir: Path | None = None) -> str | None:
    """Return the id of the snapshot kept just before the one in use, or None."""
    data_dir = Path(data_dir or default_data_dir())
    ids = [s["id"] for s in list_snapshots(data_dir)]
    in_use = current_id(data_dir)
    older = [sid for sid in ids if sid < in_use]
    return older[0] if older else None


def load_id(data_dir: Path | None, snapshot_id: str) -> Snapshot:
    """Return one kept snapshot by id."""
    data_dir = Path(data_dir or default_data_dir())
    if "/" in snapshot_id or snapshot_id.startswith("."):
        raise SnapshotError(f"'{snapshot_id}' is not a snapshot id")
    return load_path(data_dir / SNAPSHOTS_DIR / snapshot_id)
