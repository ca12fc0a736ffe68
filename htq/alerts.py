"""Change alerts: what a refreshed snapshot changed in the standards a saved programme uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from htq import lifecycle
from htq.changes import REMOVED, REWORDED, ksb_changes
from htq.model import RETIRED_STATUSES, WITHOUT_APPRENTICESHIP, Ksb, Occupation, StandardContent
from htq.snapshot import Snapshot
from htq.store import SavedProgramme

NEW_VERSION, STATUS, RETIRED, KSB_REWORDED, KSB_REMOVED, KSB_ADDED, MISSING, REVISION, CLOSING = (
    "new version",
    "status changed",
    "retired",
    "KSB reworded",
    "KSB removed",
    "KSB added",
    "no longer on the maps",
    "in revision",
    "version closing to new starts",
)


@dataclass(frozen=True)
class Alert:
    """One change to a standard a programme uses, the mapped KSBs it affects and what to re-check."""

    reference: str
    title: str
    kind: str
    detail: str
    affected: tuple[str, ...] = ()
    recheck: str = ""


def _mapped(programme: SavedProgramme, reference: str) -> StandardContent | None:
    rows = [r for r in programme.mapping if r.standard == reference]
    if not rows:
        return None
    return StandardContent(
        reference, reference, rows[0].version, True, tuple(Ksb(r.code, r.kind, r.statement) for r in rows)
    )


@dataclass(frozen=True)
class _Then:
    """What the programme recorded of one standard, and what the snapshot holds now."""

    ref: str
    title: str
    now: Occupation
    then_version: str | None
    now_version: str | None
    then_status: str | None
    mapped: StandardContent | None
    current: StandardContent | None


def _version_alerts(t: _Then) -> list[Alert]:
    if t.then_version and t.now_version and t.then_version != t.now_version:
        return [
            Alert(
                t.ref,
                t.title,
                NEW_VERSION,
                f"Mapped against version {t.then_version}; version {t.now_version} is now current.",
                recheck="Review the new version's KSBs against the programme.",
            )
        ]
    return []


def _status_alerts(t: _Then) -> list[Alert]:
    """Retired (unless the standard stays without an apprenticeship), else in revision, else any change."""
    now, then_status = t.now, t.then_status
    if (
        now.standard_status in RETIRED_STATUSES
        and then_status not in RETIRED_STATUSES
        and now.status != WITHOUT_APPRENTICESHIP
    ):
        return [
            Alert(
                t.ref,
                t.title,
                RETIRED,
                f"{t.ref} is now {now.standard_status.lower()}.",
                recheck="Find the replacement standard before the next approval or review.",
            )
        ]
    if lifecycle.stage(now) == lifecycle.IN_REVISION and "revision" not in (then_status or "").lower():
        return [
            Alert(
                t.ref,
                t.title,
                REVISION,
                f"{t.ref} is now in revision (status “{now.standard_status}”).",
                recheck="Follow the revision on the standard's page; its KSBs may change.",
            )
        ]
    if then_status and now.standard_status and then_status != now.standard_status:
        return [Alert(t.ref, t.title, STATUS, f"Status was “{then_status}”, now “{now.standard_status}”.")]
    return []


def _closing_alerts(t: _Then, today: date | None) -> list[Alert]:
    closing = lifecycle.closing_note(t.now, t.then_version or t.now_version, today)
    if not closing:
        return []
    return [
        Alert(
            t.ref,
            t.title,
            CLOSING,
            f"The version you mapped: {closing}",
            recheck="Plan the move to the current version before that date.",
        )
    ]


def _ksb_alerts(t: _Then, covered: dict[tuple[str, str], list[str]]) -> list[Alert]:
    """One alert per KSB reworded, removed or added since the mapping was made."""
    out = []
    for change in ksb_changes(t.mapped, t.current):
        modules = covered.get((t.ref, change.code), [])
        affected = (change.code,) if modules else ()
        if change.change == REWORDED:
            detail, kind = f"{change.code} now reads: “{change.new}”", KSB_REWORDED
            recheck = (
                f"Check that {', '.join(dict.fromkeys(modules)) or 'the mapped modules'} still evidence {change.code}."
            )
        elif change.change == REMOVED:
            detail, kind = f"{change.code} (“{change.old}”) is no longer in the standard.", KSB_REMOVED
            recheck = "Remove it from the KSB mapping sheet."
        else:
            detail, kind, affected = f"New {change.code}: “{change.new}”", KSB_ADDED, (change.code,)
            recheck = f"Map {change.code} to the modules that cover it, or record a gap."
        out.append(Alert(t.ref, t.title, kind, detail, affected, recheck))
    return out


def programme_alerts(programme: SavedProgramme, snap: Snapshot, today: date | None = None) -> list[Alert]:
    """Return the alerts for a saved programme against a (usually newer) snapshot."""
    alerts: list[Alert] = []
    covered = {(r.standard, r.code): [e.module for e in r.evidence] for r in programme.mapping if r.coverage != "none"}
    references = list(
        dict.fromkeys([s.reference for s in programme.shortlist] + [r.standard for r in programme.mapping])
    )
    entries = {s.reference: s for s in programme.shortlist}
    for ref in references:
        occupations = snap.occupations_of(ref)
        entry = entries.get(ref)
        if not occupations:
            title = entry.title if entry else ref
            alerts.append(
                Alert(
                    ref,
                    title,
                    MISSING,
                    f"{ref} is not in the snapshot of {snap.date}.",
                    recheck="Check with Skills England whether it was replaced.",
                )
            )
            continue
        now = occupations[0]
        mapped = _mapped(programme, ref)
        current = snap.data.content.get(ref)
        t = _Then(
            ref=ref,
            title=now.title,
            now=now,
            then_version=(mapped.version if mapped and mapped.version else None) or (entry.version if entry else None),
            now_version=(current.version if current and current.version else None) or now.version,
            then_status=entry.status if entry else None,
            mapped=mapped,
            current=current,
        )
        alerts += _version_alerts(t) + _status_alerts(t) + _closing_alerts(t, today) + _ksb_alerts(t, covered)
    return alerts


def alerts_frame(alerts: Sequence[Alert]) -> pd.DataFrame:
    """Return alerts as a table."""
    return pd.DataFrame(
        [
            {
                "Standard": a.reference,
                "Title": a.title,
                "Change": a.kind,
                "Detail": a.detail,
                "Mapped KSBs affected": ", ".join(a.affected),
                "What to re-check": a.recheck,
            }
            for a in alerts
        ],
        columns=["Standard", "Title", "Change", "Detail", "Mapped KSBs affected", "What to re-check"],
    )


def overview(programmes: Sequence[SavedProgramme], snap: Snapshot) -> pd.DataFrame:
    """Return one row per alert across every saved programme (programmes without alerts left out)."""
    frames = []
    for p in programmes:
        table = alerts_frame(programme_alerts(p, snap))
        if not table.empty:
            frames.append(table.assign(Programme=p.title, **{"Programme id": p.id}))
    if not frames:
        return pd.DataFrame(columns=["Programme", "Programme id", *alerts_frame([]).columns])
    out = pd.concat(frames, ignore_index=True)
    return out[["Programme", "Programme id", *[c for c in out.columns if c not in ("Programme", "Programme id")]]]
