"""Change alerts: what a refreshed snapshot changed in the standards a saved programme uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from htq import lifecycle
from htq.changes import REMOVED, REWORDED, ksb_changes
from htq.model import RETIRED_STATUSES, WITHOUT_APPRENTICESHIP, Ksb, StandardContent
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
        mapped = _mapped(programme, ref)
        title = occupations[0].title if occupations else (entries[ref].title if ref in entries else ref)
        if not occupations:
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
        then_version = (
            mapped.version if mapped and mapped.version else (entries[ref].version if ref in entries else None)
        )
        current = snap.data.content.get(ref)
        now_version = (current.version if current and current.version else None) or now.version
        if then_version and now_version and then_version != now_version:
            alerts.append(
                Alert(
                    ref,
                    title,
                    NEW_VERSION,
                    f"Mapped against version {then_version}; version {now_version} is now current.",
                    recheck="Review the new version's KSBs against the programme.",
                )
            )
        then_status = entries[ref].status if ref in entries else None
        if (
            now.standard_status in RETIRED_STATUSES
            and then_status not in RETIRED_STATUSES
            and now.status != WITHOUT_APPRENTICESHIP
        ):
            alerts.append(
                Alert(
                    ref,
                    title,
                    RETIRED,
                    f"{ref} is now {now.standard_status.lower()}.",
                    recheck="Find the replacement standard before the next approval or review.",
                )
            )
        elif lifecycle.stage(now) == lifecycle.IN_REVISION and "revision" not in (then_status or "").lower():
            alerts.append(
                Alert(
                    ref,
                    title,
                    REVISION,
                    f"{ref} is now in revision (status “{now.standard_status}”).",
                    recheck="Follow the revision on the standard's page; its KSBs may change.",
                )
            )
        elif then_status and now.standard_status and then_status != now.standard_status:
            alerts.append(Alert(ref, title, STATUS, f"Status was “{then_status}”, now “{now.standard_status}”."))
        closing = lifecycle.closing_note(now, then_version or now_version, today)
        if closing:
            alerts.append(
                Alert(
                    ref,
                    title,
                    CLOSING,
                    f"The version you mapped: {closing}",
                    recheck="Plan the move to the current version before that date.",
                )
            )
        for change in ksb_changes(mapped, current):
            modules = covered.get((ref, change.code), [])
            if change.change == REWORDED:
                alerts.append(
                    Alert(
                        ref,
                        title,
                        KSB_REWORDED,
                        f"{change.code} now reads: “{change.new}”",
                        (change.code,) if modules else (),
                        f"Check that {', '.join(dict.fromkeys(modules)) or 'the mapped modules'} still "
                        f"evidence {change.code}.",
                    )
                )
            elif change.change == REMOVED:
                alerts.append(
                    Alert(
                        ref,
                        title,
                        KSB_REMOVED,
                        f"{change.code} (“{change.old}”) is no longer in the standard.",
                        (change.code,) if modules else (),
                        "Remove it from the KSB mapping sheet.",
                    )
                )
            else:
                alerts.append(
                    Alert(
                        ref,
                        title,
                        KSB_ADDED,
                        f"New {change.code}: “{change.new}”",
                        (change.code,),
                        f"Map {change.code} to the modules that cover it, or record a gap.",
                    )
                )
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
