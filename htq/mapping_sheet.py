"""The KSB mapping sheet: export a mapping as .xlsx (and CSV), and import the sheet back unchanged.

Workbook layout (what applicants fill by hand today, one row per KSB):
  "KSB mapping"              Standard, Version, Type, Code, Statement, Mapped modules, Mapped outcomes,
                             Coverage, Assessment, Notes, Proposed, Score, Confidence, Decision
  "Qualification structure"  Code, Title, Level, Credits, Core/optional, Learning outcomes, Assessment
  "About"                    programme, snapshot, tool and licence
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from htq.coverage import DECISIONS, GRADES, Evidence, MappingRow
from htq.documents import sheet_rows
from htq.errors import HTQError
from htq.model import KSB_PREFIX
from htq.programme import Module

MAPPING_SHEET = "KSB mapping"
STRUCTURE_SHEET = "Qualification structure"
ABOUT_SHEET = "About"
MAPPING_COLUMNS = [
    "Standard",
    "Version",
    "Type",
    "Code",
    "Statement",
    "Mapped modules",
    "Mapped outcomes",
    "Coverage",
    "Assessment",
    "Notes",
    "Proposed",
    "Score",
    "Confidence",
    "Decision",
]
OPTIONAL_COLUMNS = ["Decided by", "Decided at"]  # added later: sheets exported before them still import
STRUCTURE_COLUMNS = ["Code", "Title", "Level", "Credits", "Core/optional", "Learning outcomes", "Assessment"]
_EVIDENCE = re.compile(r"^(?P<module>.+?):\s(?P<outcome>.*)\s\((?P<score>\d+(?:\.\d+)?)\)$", re.S)


class SheetError(HTQError):
    """A mapping sheet cannot be imported; the message names the sheet, row and problem."""


@dataclass(frozen=True)
class Mapping:
    """Everything a KSB mapping sheet holds."""

    programme: str
    rows: tuple[MappingRow, ...]
    modules: tuple[Module, ...]


def mapping_frame(rows: Sequence[MappingRow], modules: Sequence[Module]) -> pd.DataFrame:
    """Return the KSB mapping sheet as a table, one row per KSB."""
    assessment = {m.code: m.assessment for m in modules}
    return pd.DataFrame(
        [
            {
                "Standard": r.standard,
                "Version": r.version or "",
                "Type": r.kind.capitalize(),
                "Code": r.code,
                "Statement": r.statement,
                "Mapped modules": ", ".join(dict.fromkeys(e.module for e in r.evidence)),
                "Mapped outcomes": "\n".join(f"{e.module}: {e.outcome} ({e.score:.3f})" for e in r.evidence),
                "Coverage": r.coverage,
                "Assessment": "; ".join(
                    dict.fromkeys(assessment[e.module] for e in r.evidence if assessment.get(e.module))
                ),
                "Notes": r.notes,
                "Proposed": r.proposed,
                "Score": r.score,
                "Confidence": r.confidence,
                "Decision": r.decision,
                "Decided by": r.decided_by,
                "Decided at": r.decided_at,
            }
            for r in rows
        ],
        columns=MAPPING_COLUMNS + OPTIONAL_COLUMNS,
    )


def structure_frame(modules: Sequence[Module]) -> pd.DataFrame:
    """Return the qualification structure sheet: one row per module."""
    return pd.DataFrame(
        [
            {
                "Code": m.code,
                "Title": m.title,
                "Level": m.level if m.level is not None else "",
                "Credits": m.credits if m.credits is not None else "",
                "Core/optional": "Core" if m.core else "Optional",
                "Learning outcomes": "\n".join(m.outcomes),
                "Assessment": m.assessment,
            }
            for m in modules
        ],
        columns=STRUCTURE_COLUMNS,
    )


def to_xlsx(programme: str, rows: Sequence[MappingRow], modules: Sequence[Module], notes: dict[str, str]) -> bytes:
    """Return the KSB mapping workbook (.xlsx)."""
    from htq.report import write_workbook

    about = {"Programme": programme, **notes}
    return write_workbook(
        {
            MAPPING_SHEET: mapping_frame(rows, modules),
            STRUCTURE_SHEET: structure_frame(modules),
            ABOUT_SHEET: pd.DataFrame({"Item": list(about), "Value": list(about.values())}),
        }
    )


def to_csv(rows: Sequence[MappingRow], modules: Sequence[Module]) -> bytes:
    """Return the KSB mapping sheet alone as UTF-8 CSV."""
    from htq.report import table_csv

    return table_csv(mapping_frame(rows, modules))


def _text(value: object) -> str:
    """Return a cell that holds a code or a choice, trimmed."""
    return "" if value is None else str(value).strip()


def _free(value: object) -> str:
    """Return a cell of free text exactly as exported (no trimming: leading tabs, quotes or '=' are text)."""
    return "" if value is None else str(value)


def _lines(value: object) -> list[str]:
    """Return the lines of a multi-line cell (split on line feeds only: a carriage return is text)."""
    return [line for line in _free(value).split("\n") if line.strip()]


def _evidence(cell: str, where: str) -> tuple[Evidence, ...]:
    out = []
    for line in _lines(cell):
        m = _EVIDENCE.match(line)
        if not m:
            raise SheetError(
                f"{where}: the mapped outcome “{line.strip()[:60]}” should read “MODULE: outcome (score)”."
            )
        out.append(Evidence(m.group("module"), m.group("outcome"), float(m.group("score"))))
    return tuple(out)


def from_xlsx(blob: bytes, filename: str = "mapping.xlsx") -> Mapping:
    """Return the mapping in an exported KSB mapping workbook; SheetError names anything missing."""
    name = f"“{filename}”"
    if not filename.lower().endswith(".xlsx"):
        raise SheetError(f"{name}: re-open the .xlsx KSB mapping sheet this tool exported.")
    rows = sheet_rows(blob, filename, MAPPING_SHEET)
    structure = sheet_rows(blob, filename, STRUCTURE_SHEET)
    about = sheet_rows(blob, filename, ABOUT_SHEET)
    for sheet, found, wanted in (
        (MAPPING_SHEET, rows, MAPPING_COLUMNS),
        (STRUCTURE_SHEET, structure, STRUCTURE_COLUMNS),
    ):
        present = set(found[0].keys()) if found else set()
        missing = [c for c in wanted if c not in present]
        if found and missing:
            raise SheetError(f"{name}, sheet “{sheet}”: missing column(s) {', '.join(missing)}.")
    modules = []
    for r in structure:
        title = _free(r["Title"])
        if not title.strip():
            continue
        level, credits = _text(r["Level"]), _text(r["Credits"])
        modules.append(
            Module(
                code=_free(r["Code"]),
                title=title,
                level=int(float(level)) if level else None,
                credits=int(float(credits)) if credits else None,
                core=_text(r["Core/optional"]).lower() != "optional",
                outcomes=tuple(_lines(r["Learning outcomes"])),
                assessment=_free(r["Assessment"]),
            )
        )
    mapping = []
    for n, r in enumerate(rows, start=2):
        where = f"{name}, sheet “{MAPPING_SHEET}”, row {n}"
        code = _text(r["Code"]).upper()
        if not code:
            continue
        if code[:1] not in KSB_PREFIX:
            raise SheetError(f"{where}: “{code}” is not a KSB code.")
        coverage_grade, proposed, decision = (
            _text(r["Coverage"]).lower(),
            _text(r["Proposed"]).lower(),
            _text(r["Decision"]),
        )
        if coverage_grade not in GRADES or (proposed and proposed not in GRADES):
            raise SheetError(f"{where}: coverage must be full, partial or none, not “{_text(r['Coverage'])}”.")
        if decision not in DECISIONS:
            raise SheetError(f"{where}: decision must be one of {', '.join(DECISIONS)}, not “{decision}”.")
        score = _text(r["Score"])
        mapping.append(
            MappingRow(
                standard=_text(r["Standard"]),
                version=_text(r["Version"]) or None,
                kind=KSB_PREFIX[code[0]],
                code=code,
                statement=_free(r["Statement"]),
                proposed=proposed or coverage_grade,
                coverage=coverage_grade,
                evidence=_evidence(_free(r["Mapped outcomes"]), where),
                score=float(score) if score else 0.0,
                confidence=_text(r["Confidence"]) or "low",
                decision=decision,
                notes=_free(r["Notes"]),
                decided_by=_free(r.get("Decided by")),
                decided_at=_text(r.get("Decided at")),
            )
        )
    if not mapping:
        raise SheetError(f"{name}, sheet “{MAPPING_SHEET}”: no KSB rows.")
    programme = next((_free(r.get("Value")) for r in about if _text(r.get("Item")) == "Programme"), "")
    return Mapping(programme, tuple(mapping), tuple(modules))
