"""What a planning committee reads about a saved programme: the tables of the committee report and view.

One place builds them, so the HTML report, the XLSX report and the read-only committee view say
the same thing: per standard, how many KSBs the team has reviewed and how many are still the
tool's proposals (coverage counts reviewed rows only), which KSB list version was mapped and
where it came from, the approval-criteria checks, the gaps, shortlisted standards never mapped,
change alerts and the readiness checklist.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from htq import alerts as alerts_module
from htq import catalogue, coverage, eligibility, ksbs, lifecycle, readiness
from htq.model import StandardContent
from htq.report import when
from htq.snapshot import Snapshot
from htq.store import SavedProgramme

SECTIONS = (
    "Summary",
    "Candidate standards",
    "KSB lists",
    "Coverage",
    "Criteria checks",
    "Gaps",
    "Change alerts",
    "Review and revision",
    "Readiness checklist",
)
EMPTY = {
    "Candidate standards": "No standards shortlisted.",
    "KSB lists": "No KSB mapping saved yet.",
    "Coverage": "No KSB mapping saved yet.",
    "Criteria checks": "No KSB mapping saved yet, so the approval criteria cannot be checked.",
    "Gaps": "No gaps: every mapped KSB is covered, or partly covered with a reason.",
    "Change alerts": "No changes to the standards this programme uses.",
    "Review and revision": "No standards shortlisted or mapped.",
    "Readiness checklist": "No readiness answers yet.",
}


def _mapped_counts(programme: SavedProgramme) -> Counter[str]:
    return Counter(r.standard for r in programme.mapping)


def never_mapped(programme: SavedProgramme) -> list[str]:
    """Return the ST references shortlisted for the programme that its KSB mapping does not cover."""
    mapped = _mapped_counts(programme)
    return [s.reference for s in programme.shortlist if s.reference and s.reference not in mapped]


def candidates_table(programme: SavedProgramme, snap: Snapshot) -> pd.DataFrame:
    """Return the shortlist with eligibility, why, the official map link, the team's note and whether it was mapped."""
    mapped = _mapped_counts(programme)
    rows = []
    for s in programme.shortlist:
        occ = snap.occupation(s.occupation)
        verdict = eligibility.assess(occ) if occ is not None else None
        why = (
            " ".join(r.text for r in verdict.reasons if r.kind in (eligibility.BLOCKS, eligibility.CAUTION))
            if verdict
            else ""
        )
        n = mapped.get(s.reference or "", 0)
        rows.append(
            {
                "Standard": s.reference,
                "Occupation": s.occupation,
                "Title": s.title,
                "HTQ eligibility": verdict.verdict if verdict else "unknown",
                "Why": why,
                "KSB mapping": f"{n} KSBs mapped" if n else "not mapped",
                "Occupational map": catalogue.map_url(s.occupation),
                "Standard page": (occ.standard_url if occ is not None else None) or catalogue.STANDARD_PAGE_UNKNOWN,
                "Note": s.note,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Standard",
            "Occupation",
            "Title",
            "HTQ eligibility",
            "Why",
            "KSB mapping",
            "Occupational map",
            "Standard page",
            "Note",
        ],
    )


def _list_of(reference: str, version: str | None, snap: Snapshot) -> StandardContent | None:
    """Return the snapshot's KSB list for a mapped standard when it is the list the rows were made from."""
    content = snap.data.content.get(reference)
    return content if content is not None and content.version == version else None


def ksb_lists_table(programme: SavedProgramme, snap: Snapshot) -> pd.DataFrame:
    """Return, per mapped standard, the KSB list version mapped against the standard's current version,
    where the list came from, whether it is complete, and what to check before submitting."""
    first: dict[str, str | None] = {}
    for r in programme.mapping:
        first.setdefault(r.standard, r.version)
    rows = []
    for ref, version in first.items():
        occs = snap.occupations_of(ref)
        current = occs[0].version if occs else None
        content = _list_of(ref, version, snap)
        if content is None:  # imported by the team, or a list the snapshot no longer holds
            content = StandardContent(
                reference=ref,
                title=ref,
                version=version,
                complete=False,
                source="imported by the team or from an earlier snapshot",
            )
            complete = "unknown"
        else:
            complete = "complete" if content.complete else "partial"
        rows.append(
            {
                "Standard": ref,
                "KSB version mapped": version or "unknown",
                "Standard's current version": current or "unknown",
                "List": complete,
                "Source": content.source or "unknown",
                "Check before submitting": " ".join(ksbs.provenance(content, current)) or "—",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Standard",
            "KSB version mapped",
            "Standard's current version",
            "List",
            "Source",
            "Check before submitting",
        ],
    )


def criteria_table(programme: SavedProgramme, snap: Snapshot, lists: pd.DataFrame) -> pd.DataFrame:
    """Return the approval-criteria checks on the saved mapping (the same checks as the KSB coverage page)."""
    if not programme.mapping:
        return pd.DataFrame(columns=["Check", "Result", "Detail"])
    levels = {}
    for ref in dict.fromkeys(r.standard for r in programme.mapping):
        occs = snap.occupations_of(ref)
        if occs:
            levels[ref] = occs[0].level
    partial = list(lists.loc[lists["List"] != "complete", "Standard"]) if not lists.empty else []
    checks = coverage.check_criteria(programme.mapping, programme.modules, levels, None, partial)
    return pd.DataFrame(
        [{"Check": c.name, "Result": c.status.upper(), "Detail": c.detail} for c in checks],
        columns=["Check", "Result", "Detail"],
    )


def schedule(programme: SavedProgramme, snap: Snapshot) -> pd.DataFrame:
    """Return the review stage and dates of every standard the programme shortlists or maps (readiness D1b)."""
    references = dict.fromkeys(
        [s.reference for s in programme.shortlist if s.reference] + [r.standard for r in programme.mapping]
    )
    occupations = [occs[0] for ref in references if (occs := snap.occupations_of(ref))]
    return lifecycle.schedule_table(occupations)


def summary_table(programme: SavedProgramme, candidates: pd.DataFrame) -> pd.DataFrame:
    """Return the report's opening facts, including how far the review has gone."""
    unmapped = never_mapped(programme)
    items = {
        "Programme": programme.title,
        "Level": programme.level or "not set",
        "Modules": len(programme.modules),
        "Standards shortlisted": len(candidates),
        "KSB review": coverage.review_summary(programme.mapping) or "No KSB mapping saved yet.",
        "Shortlisted but never mapped": ", ".join(unmapped) if unmapped else "none",
        "Mapped against snapshot": programme.snapshot_date or "unknown",
        "Last saved": f"{when(programme.updated_at)} by {programme.updated_by}",
    }
    return pd.DataFrame({"Item": list(items), "Value": [str(v) for v in items.values()]})


def tables(programme: SavedProgramme, snap: Snapshot) -> dict[str, pd.DataFrame]:
    """Return the committee report's tables by section name (HTML, XLSX and the committee view share them)."""
    candidates = candidates_table(programme, snap)
    lists = ksb_lists_table(programme, snap)
    checklist = readiness.checklist_frame(programme.answers)
    if not checklist.empty:
        checklist = checklist.assign(**{"Answered at": checklist["Answered at"].map(when)})
    totals = coverage.totals(programme.mapping)
    if not totals.empty:  # a partial list's coverage is never read as complete: say which lists are partial
        kind = dict(zip(lists["Standard"], lists["List"], strict=True))
        totals.insert(1, "KSB list", [kind.get(ref, "unknown") for ref in totals["Standard"]])
    out = {
        "Summary": summary_table(programme, candidates),
        "Candidate standards": candidates,
        "KSB lists": lists,
        "Coverage": totals,
        "Criteria checks": criteria_table(programme, snap, lists),
        "Gaps": coverage.gaps_frame(programme.mapping),
        "Change alerts": alerts_module.alerts_frame(alerts_module.programme_alerts(programme, snap)),
        "Review and revision": schedule(programme, snap),
        "Readiness checklist": checklist,
    }
    return {name: out[name] for name in SECTIONS}


def read_first(programme: SavedProgramme, sections: dict[str, pd.DataFrame]) -> list[str]:
    """Return what a committee must read before the tables: rows still unreviewed and KSB lists to check."""
    out = []
    if any(not coverage.is_reviewed(r) for r in programme.mapping):
        out.append(coverage.review_summary(programme.mapping))
    lists = sections["KSB lists"]
    out += [
        f"{ref}: {check}"
        for ref, check in zip(lists["Standard"], lists["Check before submitting"], strict=True)
        if check != "—"
    ]
    return out
