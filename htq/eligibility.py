"""HTQ eligibility policy: which occupational standards a level 4/5 programme can be approved against.

This is the module to open when Skills England changes its guidance. Each rule below is one small
check that returns its reasons; `assess` runs them in order and the verdict follows from the
reasons' kinds (any "blocks" → not eligible; else any "caution" → eligible, check first).

Guidance applied (the documents are in ../shared/seeds/):
- Seed 002, the Institute's HTQ approvals guidance: HTQs are level 4 or 5 qualifications aligned to
  employer-led occupational standards; where a statutory regulator registers practitioners, the
  qualification must meet its requirements.
- Seed 003, Skills England's "HTQ recognition for your qualification" (last updated 26 February
  2025): hair and beauty has no level 4 or 5 standards available for HTQ approval.
- Seed 001, "Streamlining the HTQ Approvals Process" (Skills England and DfE, 19 November 2025):
  every level 4/5 standard may be applied against; extra scrutiny where skills are better shown
  in the workplace (a tugboat captain) or facilities must meet a safety standard (the protective
  services route).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from htq.model import (
    APPROVED_FOR_DELIVERY,
    APPROVED_OCCUPATION,
    HTQ_LEVELS,
    POTENTIAL_OCCUPATION,
    RETIRED_STATUSES,
    WITHOUT_APPRENTICESHIP,
    Occupation,
)

GUIDANCE_DATE = "2025-11-19"  # the newest guidance applied (seed 001)
GUIDANCE_SOURCE = (
    "the Institute's HTQ approvals guidance, Skills England's “HTQ recognition for your qualification” "
    "(26 February 2025) and “Streamlining the HTQ Approvals Process” (Skills England and DfE, 19 November 2025)"
)

ELIGIBLE = "Eligible"
CHECK_FIRST = "Eligible – check first"
NOT_ELIGIBLE = "Not eligible"

# The kinds of reason, strongest last: the verdict is decided by the strongest present.
MEETS, CAUTION, BLOCKS, UNKNOWN = "meets", "caution", "blocks", "unknown"

PUBLISHED_STATUSES = (APPROVED_OCCUPATION, WITHOUT_APPRENTICESHIP)

# Seed 003 (Skills England HTQ page, Feb 2025): the one route with no L4/5 standards for HTQs.
CLOSED_ROUTES = {
    "Hair and beauty": "Skills England's HTQ page lists hair and beauty as having no level 4 or 5 "
    "standards available for HTQ approval (kept under review); contact Skills England first."
}
# Seed 001 (Skills England and DfE, Nov 2025): areas of extra scrutiny.
SCRUTINY_ROUTES = {
    "Protective services": "Skills England applies extra scrutiny where delivery facilities must meet "
    "a safety standard (the protective services route is its example)."
}
WORKPLACE_HEAVY = {
    "tug": "Skills England applies extra scrutiny where skills are better demonstrated in the "
    "workplace (its example is a tugboat captain)."
}


@dataclass(frozen=True)
class Reason:
    """One reason behind an eligibility verdict."""

    kind: str
    text: str


@dataclass(frozen=True)
class Eligibility:
    """Whether a standard can be applied against for HTQ approval, and why."""

    verdict: str
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        """Return True unless a reason blocks approval."""
        return self.verdict != NOT_ELIGIBLE


def level(occ: Occupation) -> list[Reason]:
    """HTQs are level 4 or 5 qualifications."""
    if occ.level in HTQ_LEVELS:
        return [Reason(MEETS, f"Level {occ.level}: HTQs are level 4 or 5 qualifications.")]
    return [
        Reason(
            BLOCKS,
            f"Level {occ.level}: HTQs are level 4 or 5 qualifications, so a level "
            f"{occ.level} standard cannot be the basis of an HTQ.",
        )
    ]


def published(occ: Occupation) -> list[Reason]:
    """An HTQ aligns to a published occupational standard."""
    if occ.status in PUBLISHED_STATUSES:
        return [Reason(MEETS, f"An occupational standard is published (map status: {occ.status}).")]
    if occ.status == POTENTIAL_OCCUPATION:
        return [
            Reason(
                BLOCKS,
                "No standard is published yet (potential occupation). Skills England "
                "invites providers to discuss occupations without a standard.",
            )
        ]
    return [Reason(BLOCKS, f"The standard is not yet published (map status: {occ.status}).")]


def standard_status(occ: Occupation) -> list[Reason]:
    """A retired standard is no basis, unless it stays published without an apprenticeship."""
    ref = occ.reference or "The standard"
    status = occ.standard_status
    if status in RETIRED_STATUSES and occ.status == WITHOUT_APPRENTICESHIP:
        return [
            Reason(
                MEETS,
                f"The apprenticeship {ref} is {status.lower()}, but the occupational "
                "standard stays published without an apprenticeship; that is what an HTQ aligns to.",
            )
        ]
    if status in RETIRED_STATUSES:
        return [Reason(BLOCKS, f"{ref} is {status.lower()}; align to its replacement.")]
    if status and "paused" in status.lower():
        return [Reason(CAUTION, f"{ref} is approved but paused ({status}).")]
    if status and status != APPROVED_FOR_DELIVERY and occ.level in HTQ_LEVELS:
        return [Reason(CAUTION, f"{ref} status: {status}; a revision may be under way.")]
    return []


def route(occ: Occupation) -> list[Reason]:
    """Routes Skills England has closed to HTQs or scrutinises more closely."""
    notes = [CLOSED_ROUTES.get(occ.route or ""), SCRUTINY_ROUTES.get(occ.route or "")]
    return [Reason(CAUTION, text) for text in notes if text]


def workplace(occ: Occupation) -> list[Reason]:
    """Occupations whose skills are better demonstrated in the workplace."""
    title = occ.title.lower()
    return [Reason(CAUTION, text) for term, text in WORKPLACE_HEAVY.items() if re.search(rf"\b{term}", title)]


def regulation(occ: Occupation) -> list[Reason]:
    """A statutory regulator must recognise provider and qualification first; unknown is said so."""
    if occ.regulated:
        body = occ.regulated_body or "the statutory regulator (not named in this snapshot)"
        evidence = f" ({occ.regulation_evidence})" if occ.regulation_evidence else ""
        return [
            Reason(
                CAUTION,
                f"Check first — statutory regulation: the provider and the qualification "
                f"must be recognised by {body} before submission.{evidence}",
            )
        ]
    if occ.regulated is None and occ.level in HTQ_LEVELS:
        return [
            Reason(
                UNKNOWN,
                "Statutory regulation: unknown in this snapshot (the standard's page or a "
                "refresh says whether a regulator must recognise the qualification first).",
            )
        ]
    return []


def precedents(occ: Occupation) -> list[Reason]:
    """Approved HTQs already aligned to the occupation."""
    n = len(occ.htqs)
    return [Reason(MEETS, f"{n} approved HTQ{'s' if n != 1 else ''} already align to this occupation.")] if n else []


CHECKS: tuple[Callable[[Occupation], list[Reason]], ...] = (
    level,
    published,
    standard_status,
    route,
    workplace,
    regulation,
    precedents,
)


def verdict(reasons: list[Reason] | tuple[Reason, ...]) -> str:
    """The verdict the reasons add up to: any block → not eligible; else any caution → check first."""
    kinds = {r.kind for r in reasons}
    return NOT_ELIGIBLE if BLOCKS in kinds else CHECK_FIRST if CAUTION in kinds else ELIGIBLE


def assess(occ: Occupation) -> Eligibility:
    """Return the HTQ eligibility verdict for one occupation, with its reasons in order."""
    reasons = [reason for check in CHECKS for reason in check(occ)]
    return Eligibility(verdict(reasons), tuple(reasons))
