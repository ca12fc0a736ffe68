"""Map a programme's modules and outcomes to a standard's KSBs: proposal, edits, totals and checks.

Each outcome (with its module's title for context) is compared with each KSB statement: half
the similarity is shared words (TF-IDF cosine over stemmed words), half is meaning (cosine of the
contextual all-MiniLM-L6-v2 vectors, htq.embed, rescaled between the space's floor and ceiling).
Without the model the similarity is the shared words alone. A KSB is proposed as *full* when
some outcome reaches FULL_AT, *partial* from PARTIAL_AT, otherwise *none*; thresholds and the
cosine range read off bench/coverage_quality.py.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from htq.embed import CONTEXTUAL_COSINE_RANGE, ContextualEmbedder, rescale
from htq.model import HTQ_LEVELS, KSB_KINDS, StandardContent
from htq.programme import Module, check_size
from htq.text import terms

FULL, PARTIAL, NONE = "full", "partial", "none"
GRADES = (FULL, PARTIAL, NONE)
PROPOSED, ACCEPTED, CHANGED, REJECTED = "Proposed", "Accepted", "Changed", "Rejected"
DECISIONS = (PROPOSED, ACCEPTED, CHANGED, REJECTED)
REVIEWED = (ACCEPTED, CHANGED, REJECTED)  # a person decided; Proposed rows are still the tool's guess
FULL_AT, PARTIAL_AT = 0.5, 0.38  # similarity thresholds of the grades (bench/coverage_quality.py)
MEANING_SHARE = 0.5  # with the model: this share meaning, the rest shared words
HIGH_CONFIDENCE_DISTANCE, MEDIUM_CONFIDENCE_DISTANCE = 0.1, 0.05  # from the nearest grade threshold
MAX_EVIDENCE = 3
MAX_OPTION_SETS = 50_000


@dataclass(frozen=True)
class Evidence:
    """A module outcome that evidences a KSB, and how similar they are (0..1)."""

    module: str
    outcome: str
    score: float


@dataclass(frozen=True)
class MappingRow:
    """One KSB of one standard: the tool's proposal and the team's decision."""

    standard: str
    version: str | None
    kind: str
    code: str
    statement: str
    proposed: str
    coverage: str
    evidence: tuple[Evidence, ...] = ()
    score: float = 0.0
    confidence: str = "low"
    decision: str = PROPOSED
    notes: str = ""
    decided_by: str = ""
    decided_at: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """Return (standard, code): unique across the standards of one mapping."""
        return self.standard, self.code


@dataclass(frozen=True)
class Proposal:
    """The proposed mapping and the module x KSB similarity behind it."""

    rows: tuple[MappingRow, ...]
    module_scores: pd.DataFrame  # index: module code; columns: "ST0116 K1" ...


@dataclass(frozen=True)
class Check:
    """One approval criterion checked against the mapping."""

    name: str
    status: str  # "pass", "fail", "warn" or "n/a"
    detail: str


def _items(modules: Sequence[Module]) -> list[tuple[str, str, str]]:
    """Return (module code, outcome shown, text compared) for every outcome, or the title of a module without any."""
    out = []
    for m in modules:
        if m.outcomes:
            out += [(m.code, o, f"{m.title}. {o}") for o in m.outcomes]
        else:
            out.append((m.code, m.title, m.title))
    return out


def _tfidf(texts: Sequence[str]) -> np.ndarray:
    docs = [Counter(terms(t)) for t in texts]
    vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
    df = Counter(t for d in docs for t in d)
    n = len(docs)
    matrix = np.zeros((n, len(vocab)), dtype=np.float32)
    for r, d in enumerate(docs):
        for t, tf in d.items():
            matrix[r, vocab[t]] = (1 + math.log(tf)) * math.log((1 + n) / (1 + df[t]))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1)


def similarity(item_texts: Sequence[str], ksb_texts: Sequence[str], embedder: ContextualEmbedder | None) -> np.ndarray:
    """Return an items x KSBs matrix of similarities in 0..1 (half shared words, half meaning; words
    alone without the model)."""
    if not item_texts or not ksb_texts:
        return np.zeros((len(item_texts), len(ksb_texts)), dtype=np.float32)
    vectors = _tfidf([*item_texts, *ksb_texts])
    lexical = vectors[: len(item_texts)] @ vectors[len(item_texts) :].T
    if embedder is None:
        return lexical
    a, b = embedder.embed_many(list(item_texts)), embedder.embed_many(list(ksb_texts))
    return (1 - MEANING_SHARE) * lexical + MEANING_SHARE * rescale(a @ b.T, CONTEXTUAL_COSINE_RANGE)


def grade(score: float) -> str:
    """Return the coverage grade a similarity proposes."""
    return FULL if score >= FULL_AT else PARTIAL if score >= PARTIAL_AT else NONE


def proposal_confidence(score: float) -> str:
    """Return how sure a proposal is: its distance from the nearest grade threshold."""
    distance = min(abs(score - FULL_AT), abs(score - PARTIAL_AT))
    if distance >= HIGH_CONFIDENCE_DISTANCE:
        return "high"
    return "medium" if distance >= MEDIUM_CONFIDENCE_DISTANCE else "low"


def propose(
    modules: Sequence[Module], standards: Sequence[StandardContent], embedder: ContextualEmbedder | None
) -> Proposal:
    """Return a proposed grade, evidence and confidence for every KSB of every standard given.

    At most programme.MAX_MODULES modules and MAX_OUTCOMES outcomes (ProgrammeError beyond), so the
    dense similarity matrices stay within a few tens of MB.
    """
    check_size(modules)
    items = _items(modules)
    ksbs = [(s, k) for s in standards for k in s.ksbs]
    sim = similarity([t for _, _, t in items], [k.text for _, k in ksbs], embedder)
    rows = []
    for j, (std, k) in enumerate(ksbs):
        column = sim[:, j] if len(items) else np.zeros(0)
        order = np.argsort(-column, kind="stable") if len(items) else np.zeros(0, dtype=np.intp)
        best = float(column[order[0]]) if len(items) else 0.0
        evidence = tuple(
            Evidence(items[i][0], items[i][1], round(float(column[i]), 3))
            for i in order[:MAX_EVIDENCE]
            if column[i] >= PARTIAL_AT
        )
        proposed = grade(best)
        rows.append(
            MappingRow(
                std.reference,
                std.version,
                k.kind,
                k.code,
                k.text,
                proposed,
                proposed,
                evidence,
                round(best, 3),
                proposal_confidence(best),
            )
        )
    codes = [m.code for m in modules]
    per_module = pd.DataFrame(
        0.0, index=pd.Index(codes, name="Module"), columns=[f"{s.reference} {k.code}" for s, k in ksbs]
    )
    for i, (code, _, _) in enumerate(items):
        per_module.loc[code] = np.maximum(per_module.loc[code].to_numpy(), sim[i])
    return Proposal(tuple(rows), per_module.round(3))


def apply_edits(rows: Sequence[MappingRow], edits: Iterable[Mapping[str, object]]) -> list[MappingRow]:
    """Return the rows with the team's coverage, decision and notes applied (matched on standard and code).

    A changed grade on an untouched row records the decision "Changed"; a rejected row counts as
    not covered.
    """
    by_key = {(str(e.get("standard")), str(e.get("code"))): e for e in edits}
    out = []
    for row in rows:
        e = by_key.get(row.key)
        if e is None:
            out.append(row)
            continue
        coverage = str(e.get("coverage") or row.coverage)
        decision = str(e.get("decision") or row.decision)
        if coverage not in GRADES:
            raise ValueError(f"{row.standard} {row.code}: coverage must be full, partial or none, not “{coverage}”")
        if decision not in DECISIONS:
            raise ValueError(f"{row.standard} {row.code}: decision must be one of {', '.join(DECISIONS)}")
        if coverage != row.proposed and decision == PROPOSED:
            decision = CHANGED
        if decision == REJECTED:
            coverage = NONE
        out.append(replace(row, coverage=coverage, decision=decision, notes=str(e.get("notes") or "").strip()))
    return out


def is_reviewed(row: MappingRow) -> bool:
    """Return whether a person has decided the row (accepted, changed or rejected the tool's proposal)."""
    return row.decision in REVIEWED


def needs_justification(row: MappingRow) -> bool:
    """Return whether a row is partial with no note saying why: the one rule the Gaps tab, the criteria
    check and the committee report share."""
    return row.coverage == PARTIAL and not row.notes.strip()


def is_gap(row: MappingRow) -> bool:
    """Return whether a row is a gap: not covered, or partial without a justification."""
    return row.coverage == NONE or needs_justification(row)


def gap_reason(row: MappingRow) -> str:
    """Return why a gap is listed, in words."""
    return "not covered" if row.coverage == NONE else "partial, with no note saying why that is acceptable"


TOTALS_COLUMNS = [
    "Standard",
    "Type",
    "KSBs",
    "Reviewed",
    "Full",
    "Partial",
    "None",
    "Covered (reviewed)",
    "Still proposed",
    "Proposed as covered",
]


def totals(rows: Sequence[MappingRow]) -> pd.DataFrame:
    """Return, per standard and KSB type, how many KSBs the team has reviewed and their grades, the share
    covered by reviewed rows, and apart from that the rows still proposed by the tool.

    Full / Partial / None count reviewed rows only; a proposal nobody has looked at is never counted
    as coverage ("Proposed as covered" says how many of those the tool would grade full or partial).
    """
    records = []
    for (std, kind), group in itertools.groupby(
        sorted(rows, key=lambda r: (r.standard, KSB_KINDS.index(r.kind))), key=lambda r: (r.standard, r.kind)
    ):
        members = list(group)
        done = [r for r in members if is_reviewed(r)]
        pending = [r for r in members if not is_reviewed(r)]
        grades = Counter(r.coverage for r in done)
        n = len(members)
        records.append(
            {
                "Standard": std,
                "Type": kind.capitalize(),
                "KSBs": n,
                "Reviewed": len(done),
                "Full": grades[FULL],
                "Partial": grades[PARTIAL],
                "None": grades[NONE],
                "Covered (reviewed)": f"{(grades[FULL] + grades[PARTIAL]) / n:.0%}" if n else "—",
                "Still proposed": len(pending),
                "Proposed as covered": sum(1 for r in pending if r.coverage != NONE),
            }
        )
    return pd.DataFrame(records, columns=TOTALS_COLUMNS)


def review_summary(rows: Sequence[MappingRow]) -> str:
    """Return one sentence on how far the team's review has gone ('' when there are no rows)."""
    if not rows:
        return ""
    done = sum(1 for r in rows if is_reviewed(r))
    if done == len(rows):
        return f"All {len(rows)} KSB rows have been reviewed by the team."
    return (
        f"{done} of {len(rows)} KSB rows have been reviewed by the team; the other {len(rows) - done} are still "
        "the tool's proposals and are not counted as covered."
    )


def gaps(rows: Sequence[MappingRow]) -> list[MappingRow]:
    """Return the KSBs not covered, and the partial ones nobody has justified with a note."""
    return [r for r in rows if is_gap(r)]


def gaps_frame(rows: Sequence[MappingRow]) -> pd.DataFrame:
    """Return the gaps as a table: which KSB, why it is listed, and whether the team has reviewed it."""
    listed = gaps(rows)
    frame = rows_frame(listed)[["Standard", "Code", "Statement", "Coverage", "Decision", "Notes"]]
    return frame.assign(**{"Why listed": [gap_reason(r) for r in listed]})


def by_duty(rows: Sequence[MappingRow], standards: Sequence[StandardContent]) -> pd.DataFrame:
    """Return coverage rolled up per duty, for standards whose duties and KSB links are known."""
    grade_of = {r.key: r.coverage for r in rows}
    records = []
    for std in standards:
        for duty in std.duties:
            linked = [grade_of.get((std.reference, c)) for c in duty.ksbs]
            linked = [g for g in linked if g]
            counts = Counter(linked)
            status = (
                "no KSBs linked"
                if not linked
                else "covered"
                if counts[FULL] == len(linked)
                else "gaps"
                if counts[NONE]
                else "partly covered"
            )
            records.append(
                {
                    "Standard": std.reference,
                    "Duty": duty.code,
                    "Description": duty.text,
                    "KSBs": ", ".join(duty.ksbs),
                    "Full": counts[FULL],
                    "Partial": counts[PARTIAL],
                    "None": counts[NONE],
                    "Status": status,
                }
            )
    return pd.DataFrame(
        records, columns=["Standard", "Duty", "Description", "KSBs", "Full", "Partial", "None", "Status"]
    )


def _covering_modules(rows: Sequence[MappingRow]) -> dict[tuple[str, str], set[str] | None]:
    """Return, per KSB, the modules whose outcomes evidence it; None when the team set it covered without evidence."""
    out: dict[tuple[str, str], set[str] | None] = {}
    for r in rows:
        if r.coverage == NONE:
            out[r.key] = set()
        elif r.decision in (CHANGED,) and not r.evidence:
            out[r.key] = None
        else:
            out[r.key] = {e.module for e in r.evidence} or None
    return out


EVERY_KSB = "Every KSB covered or justified"
EVERY_CHOICE = "Core plus every choice of options covers the standard"
MODULE_LEVELS = "Module levels fit the standard"


def check_criteria(
    rows: Sequence[MappingRow],
    modules: Sequence[Module],
    standard_levels: Mapping[str, int],
    options_to_choose: int | None = None,
    partial_lists: Iterable[str] = (),
) -> list[Check]:
    """Return the approval criteria checks: coverage, core plus every choice of options, module levels.

    `partial_lists` names standards whose KSB list is known to be partial: their coverage is never
    shown as complete.
    """
    return [
        check_every_ksb(rows, partial_lists),
        check_every_choice(rows, modules, options_to_choose),
        check_module_levels(rows, modules, standard_levels),
    ]


def _ksb_list(rows: Sequence[MappingRow], limit: int = 15) -> str:
    return ", ".join(f"{r.standard} {r.code}" for r in rows[:limit])


def check_every_ksb(rows: Sequence[MappingRow], partial_lists: Iterable[str] = ()) -> Check:
    """Every KSB covered, or partly covered with a reason; never confirmed while a list is partial or
    rows are still the tool's proposals."""
    uncovered = [r for r in rows if r.coverage == NONE]
    unjustified = [r for r in rows if needs_justification(r)]
    pending = [r for r in rows if not is_reviewed(r)]
    partial = sorted({r.standard for r in rows} & set(partial_lists))
    if partial and not uncovered:
        return Check(
            EVERY_KSB,
            "warn",
            f"Cannot be confirmed: the KSB list of {', '.join(partial)} is partial, so KSBs missing "
            "from it are not checked. Import the full list from the standard's page.",
        )
    if not rows:
        return Check(EVERY_KSB, "n/a", "No KSBs to check.")
    if uncovered:
        return Check(EVERY_KSB, "fail", f"{len(uncovered)} KSB(s) not covered: " + _ksb_list(uncovered))
    if unjustified:
        return Check(
            EVERY_KSB,
            "warn",
            f"{len(unjustified)} partial KSB(s) need a note saying why partial coverage is acceptable "
            "(e.g. better delivered in the workplace): " + _ksb_list(unjustified),
        )
    if pending:
        return Check(
            EVERY_KSB,
            "warn",
            f"Cannot be confirmed yet: {len(pending)} of {len(rows)} KSB(s) are still the tool's "
            "proposals. Accept, change or reject each one.",
        )
    return Check(EVERY_KSB, "pass", f"All {len(rows)} KSBs are reviewed and covered in full, or in part with a reason.")


def check_every_choice(rows: Sequence[MappingRow], modules: Sequence[Module], options_to_choose: int | None) -> Check:
    """Whatever options a student chooses, the core plus those options keep every covered KSB covered."""
    optional = [m.code for m in modules if not m.core]
    if not optional:
        return Check(EVERY_CHOICE, "n/a", "No optional modules: the core is the whole programme.")
    if not options_to_choose or options_to_choose < 1:
        return Check(
            EVERY_CHOICE,
            "warn",
            f"{len(optional)} optional module(s): say how many a student chooses to check every combination.",
        )
    k = min(options_to_choose, len(optional))
    combos = math.comb(len(optional), k)
    if combos > MAX_OPTION_SETS:
        return Check(
            EVERY_CHOICE,
            "warn",
            f"{combos:,} combinations of {k} from {len(optional)} options: too many to check one by one.",
        )
    core = {m.code for m in modules if m.core}
    covering = _covering_modules(rows)
    failing = []
    for choice in itertools.combinations(optional, k):
        taken = core | set(choice)
        missing = [key for key, mods in covering.items() if mods is not None and mods and not (mods & taken)]
        if missing:
            failing.append((choice, missing))
    if not failing:
        return Check(
            EVERY_CHOICE,
            "pass",
            f"All {combos} choices of {k} from {len(optional)} option(s) keep every covered KSB covered.",
        )
    choice, missing = failing[0]
    return Check(
        EVERY_CHOICE,
        "fail",
        f"{len(failing)} of {combos} choices of {k} option(s) leave KSBs uncovered; e.g. "
        f"{', '.join(choice)} misses " + ", ".join(f"{s} {c}" for s, c in missing[:10]) + ".",
    )


def check_module_levels(
    rows: Sequence[MappingRow], modules: Sequence[Module], standard_levels: Mapping[str, int]
) -> Check:
    """Modules sit at levels 4-5, and a level 5 standard's KSBs are evidenced by a level 5 module."""
    levels = [m.level for m in modules if m.level is not None]
    outside = [m for m in modules if m.level is not None and m.level not in HTQ_LEVELS]
    if not levels:
        return Check(MODULE_LEVELS, "warn", "No module has a level: add levels to check.")
    if outside:
        return Check(
            MODULE_LEVELS,
            "fail",
            "Modules outside levels 4-5 in an HTQ: " + ", ".join(f"{m.code} (level {m.level})" for m in outside),
        )
    needs_five = [s for s, lvl in standard_levels.items() if lvl == 5]
    evidencing = {e.module for r in rows if r.standard in needs_five for e in r.evidence}
    level5 = {m.code for m in modules if m.level == 5}
    if needs_five and not (evidencing & level5):
        return Check(
            MODULE_LEVELS,
            "warn",
            f"{', '.join(needs_five)} is a level 5 standard but no level 5 module evidences its KSBs.",
        )
    return Check(
        MODULE_LEVELS,
        "pass",
        f"Modules are at levels {', '.join(str(v) for v in sorted(set(levels)))}; standards at "
        + ", ".join(f"{s} level {lvl}" for s, lvl in standard_levels.items())
        + ".",
    )


ROWS_COLUMNS = [
    "Standard",
    "Type",
    "Code",
    "Statement",
    "Coverage",
    "Proposed",
    "Score",
    "Confidence",
    "Evidence",
    "Decision",
    "Notes",
    "Decided by",
    "Decided at",
]


def rows_frame(rows: Sequence[MappingRow]) -> pd.DataFrame:
    """Return the mapping as a table for people: one row per KSB, evidence written out."""
    records = [
        (
            r.standard,
            r.kind.capitalize(),
            r.code,
            r.statement,
            r.coverage,
            r.proposed,
            r.score,
            r.confidence,
            "\n".join(f"{e.module}: {e.outcome} ({e.score:.2f})" for e in r.evidence),
            r.decision,
            r.notes,
            r.decided_by,
            r.decided_at,
        )
        for r in rows
    ]
    return pd.DataFrame(records, columns=ROWS_COLUMNS)


def standards_from_rows(rows: Sequence[MappingRow]) -> list[StandardContent]:
    """Return the KSB lists a mapping was made against, rebuilt from its rows (order kept)."""
    from htq.model import Ksb

    by_standard: dict[str, list[MappingRow]] = {}
    for r in rows:
        by_standard.setdefault(r.standard, []).append(r)
    return [
        StandardContent(
            reference=ref,
            title=ref,
            version=group[0].version,
            complete=False,
            ksbs=tuple(Ksb(r.code, r.kind, r.statement) for r in group),
            source="re-opened KSB mapping sheet",
        )
        for ref, group in by_standard.items()
    ]
