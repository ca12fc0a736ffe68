"""The occupational-standard prompts of the HTQ readiness toolkit, by quality stage, and their answers.

Prompts reproduced from "Guide to Identifying Occupational Standards for HTQs" (Elizabeth Cleaver
Consulting for the Gatsby Foundation and QAA, 2026), the HTQ Readiness Prompts worksheet; letters
and numbers are the toolkit's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ANSWERS = ("Yes", "Partly", "No", "Not applicable")


@dataclass(frozen=True)
class Prompt:
    """One readiness prompt: its toolkit id, stage and question."""

    id: str
    stage: str
    section: str
    question: str


@dataclass(frozen=True)
class Answer:
    """A programme team's answer to one prompt, with evidence and who answered when."""

    prompt: str
    answer: str
    evidence: str = ""
    answered_by: str = ""
    answered_at: str = ""


STAGES = (
    "Development consent",
    "Validation",
    "Annual monitoring",
    "External examining",
    "Programme and module changes",
    "Periodic review",
)

PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "B2a",
        "Development consent",
        "B2. Alignment to occupational standard(s)",
        "Do programme development consent/planning processes and paperwork include the expectation for all "
        "programmes in relevant areas to identify relevant occupational standards, irrespective of whether the "
        "programme is planning to gain HTQ approval?",
    ),
    Prompt(
        "B2b",
        "Development consent",
        "B2. Alignment to occupational standard(s)",
        "Are programmes required to state why they are not considering HTQ approval?",
    ),
    Prompt(
        "C2a",
        "Validation",
        "C2. Alignment to occupational standard(s)",
        "Do programme specification documents have required sections which ask for the identification of and "
        "alignment to relevant occupational standard(s)?",
    ),
    Prompt(
        "C2b",
        "Validation",
        "C2. Alignment to occupational standard(s)",
        "Are programme development teams provided with support and guidance to identify programme-relevant "
        "occupational standards and associated HTQ opportunities?",
    ),
    Prompt(
        "D1a",
        "Annual monitoring",
        "D1. Annual monitoring",
        "Do annual monitoring processes include HTQ specific questions and requirements around continued KSB "
        "alignment?",
    ),
    Prompt(
        "D1b",
        "Annual monitoring",
        "D1. Annual monitoring",
        "Do annual monitoring processes for HTQ programmes ask for information from the Skills England "
        "occupational standards reapproval schedule that may impact on future programme changes?",
    ),
    Prompt(
        "D2c",
        "External examining",
        "D2. External examining",
        "Do External Examiner forms include a section where HTQ alignment (or potential for alignment) to "
        "occupational standards and employer needs can be discussed and any issues highlighted?",
    ),
    Prompt(
        "D3d",
        "Programme and module changes",
        "D3. Making programme and module changes",
        "Do major/minor change processes and paperwork require HTQ programmes, or any modules shared with HTQ "
        "programmes, to directly highlight the impact of any proposed changes on continued alignment to KSBs?",
    ),
    Prompt(
        "E2a",
        "Periodic review",
        "E2. Alignment to occupational standard(s)",
        "Do periodic review processes and paperwork include the expectation for non-HTQ programmes in relevant "
        "areas to identify potentially relevant occupational standards for the programme(s) under review?",
    ),
    Prompt(
        "E2b",
        "Periodic review",
        "E2. Alignment to occupational standard(s)",
        "Are these programmes required to state why they are not considering HTQ approval as they revalidate?",
    ),
    Prompt(
        "E2c",
        "Periodic review",
        "E2. Alignment to occupational standard(s)",
        "Do HTQ periodic review processes require HTQ programmes to evidence continuing alignment to relevant "
        "occupational standards?",
    ),
)
PROMPT = {p.id: p for p in PROMPTS}
SOURCE = (
    "HTQ Readiness Prompts, “Guide to Identifying Occupational Standards for Higher Technical "
    "Qualifications”, Elizabeth Cleaver Consulting for the Gatsby Foundation and QAA (2026)."
)


def checklist_frame(answers: dict[str, Answer], stage: str | None = None) -> pd.DataFrame:
    """Return the prompts (of one stage, or all) with their answers: the checklist as a table."""
    rows = []
    for p in PROMPTS:
        if stage and p.stage != stage:
            continue
        a = answers.get(p.id)
        rows.append(
            {
                "Prompt": p.id,
                "Stage": p.stage,
                "Question": p.question,
                "Answer": a.answer if a else "",
                "Evidence": a.evidence if a else "",
                "Answered by": a.answered_by if a else "",
                "Answered at": a.answered_at if a else "",
            }
        )
    return pd.DataFrame(
        rows, columns=["Prompt", "Stage", "Question", "Answer", "Evidence", "Answered by", "Answered at"]
    )


def progress(answers: dict[str, Answer]) -> dict[str, tuple[int, int]]:
    """Return, per stage, (prompts answered, prompts in the stage)."""
    out = {}
    for stage in STAGES:
        ids = [p.id for p in PROMPTS if p.stage == stage]
        out[stage] = (sum(1 for i in ids if i in answers and answers[i].answer), len(ids))
    return out
