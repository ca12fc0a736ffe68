"""What changed between two snapshots: new, retired and re-versioned standards, status changes, KSBs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from htq.model import RETIRED_STATUSES, Occupation, StandardContent
from htq.snapshot import Snapshot

NEW, RETIRED, REVERSIONED, STATUS, KSBS = "new", "retired", "re-versioned", "status changed", "KSBs changed"
KINDS = (NEW, RETIRED, REVERSIONED, STATUS, KSBS)
ADDED, REMOVED, REWORDED = "added", "removed", "reworded"


@dataclass(frozen=True)
class KsbChange:
    """One KSB added, removed or reworded between two versions of a standard."""

    code: str
    change: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class StandardChange:
    """Everything that changed for one occupation and its standard."""

    occupation: str
    reference: str | None
    title: str
    kinds: tuple[str, ...]
    old_version: str | None = None
    new_version: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    ksbs: tuple[KsbChange, ...] = ()


@dataclass(frozen=True)
class Changes:
    """The changes from one snapshot to another."""

    old_id: str
    new_id: str
    old_date: str
    new_date: str
    items: tuple[StandardChange, ...]

    def count(self, kind: str | None = None) -> int:
        """Return how many occupations changed (in one way, or in any)."""
        return sum(1 for i in self.items if kind is None or kind in i.kinds)

    def standards_changed(self) -> int:
        """Return how many distinct standards (ST references, else occupations) changed."""
        return len({i.reference or i.occupation for i in self.items})

    def for_reference(self, reference: str) -> StandardChange | None:
        """Return the change recorded for a standard, if any."""
        return next((i for i in self.items if i.reference == reference), None)


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def ksb_changes(old: StandardContent | None, new: StandardContent | None) -> tuple[KsbChange, ...]:
    """Return KSBs added, removed or reworded; nothing when either side's KSBs are unknown."""
    if old is None or new is None or not old.ksbs or not new.ksbs:
        return ()
    before = {k.code: k.text for k in old.ksbs}
    after = {k.code: k.text for k in new.ksbs}
    out = [KsbChange(c, REMOVED, before[c], None) for c in before if c not in after]
    out += [KsbChange(c, ADDED, None, after[c]) for c in after if c not in before]
    out += [
        KsbChange(c, REWORDED, before[c], after[c])
        for c in after
        if c in before and _norm(before[c]) != _norm(after[c])
    ]
    order = {k.code: i for i, k in enumerate((*new.ksbs, *old.ksbs))}
    return tuple(sorted(out, key=lambda k: order.get(k.code, 0)))


def _status(o: Occupation) -> str:
    return f"{o.status}; standard {o.standard_status}" if o.standard_status else o.status


def diff(old: Snapshot, new: Snapshot) -> Changes:
    """Return what changed from `old` to `new`, occupation by occupation."""
    before = {o.code: o for o in old.data.occupations}
    after = {o.code: o for o in new.data.occupations}
    items = []
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code), after.get(code)
        if a is None:
            assert b is not None  # the code came from one side or the other
            items.append(
                StandardChange(code, b.reference, b.title, (NEW,), new_version=b.version, new_status=_status(b))
            )
            continue
        if b is None:
            items.append(
                StandardChange(code, a.reference, a.title, (RETIRED,), old_version=a.version, old_status=_status(a))
            )
            continue
        kinds = []
        if b.standard_status in RETIRED_STATUSES and a.standard_status not in RETIRED_STATUSES:
            kinds.append(RETIRED)
        if a.version and b.version and a.version != b.version:
            kinds.append(REVERSIONED)
        if _status(a) != _status(b) and RETIRED not in kinds:
            kinds.append(STATUS)
        ksbs = ksb_changes(old.data.content.get(a.reference or ""), new.data.content.get(b.reference or ""))
        if ksbs:
            kinds.append(KSBS)
        if kinds:
            items.append(
                StandardChange(
                    code, b.reference, b.title, tuple(kinds), a.version, b.version, _status(a), _status(b), ksbs
                )
            )
    return Changes(old.id, new.id, old.date, new.date, tuple(items))


def changes_frame(changes: Changes, kinds: Sequence[str] = KINDS) -> pd.DataFrame:
    """Return one row per changed occupation (of the given kinds) for tables and downloads."""
    rows = [
        {
            "Occupation": i.occupation,
            "Standard": i.reference or "",
            "Title": i.title,
            "Changes": ", ".join(i.kinds),
            "Old version": i.old_version or "",
            "New version": i.new_version or "",
            "Old status": i.old_status or "",
            "New status": i.new_status or "",
            "KSBs added": sum(1 for k in i.ksbs if k.change == ADDED),
            "KSBs removed": sum(1 for k in i.ksbs if k.change == REMOVED),
            "KSBs reworded": sum(1 for k in i.ksbs if k.change == REWORDED),
        }
        for i in changes.items
        if set(i.kinds) & set(kinds)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "Occupation",
            "Standard",
            "Title",
            "Changes",
            "Old version",
            "New version",
            "Old status",
            "New status",
            "KSBs added",
            "KSBs removed",
            "KSBs reworded",
        ],
    )


def ksb_frame(change: StandardChange) -> pd.DataFrame:
    """Return a standard's KSB changes, old and new wording side by side."""
    return pd.DataFrame(
        [{"Code": k.code, "Change": k.change, "Before": k.old or "", "After": k.new or ""} for k in change.ksbs],
        columns=["Code", "Change", "Before", "After"],
    )


def summary(changes: Changes) -> str:
    """Return one line: how many standards changed since which date."""
    parts = ", ".join(f"{changes.count(k)} {k}" for k in KINDS if changes.count(k))
    return (
        f"Snapshot of {changes.new_date}: {changes.standards_changed()} standard(s) changed since "
        f"{changes.old_date}" + (f" ({parts})" if parts else "") + "."
    )
