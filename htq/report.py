"""Exports: tables as CSV and Excel workbooks that carry their provenance."""

from __future__ import annotations

import html
import io
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

MAX_COLUMN_WIDTH = 80


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out


def table_csv(df: pd.DataFrame) -> bytes:
    """Return the table as UTF-8 CSV (with a byte-order mark so Excel reads accents right)."""
    return _plain(df).to_csv(index=False).encode("utf-8-sig")


def write_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an .xlsx workbook with one sheet per table: bold headers, wrapped text, sized columns."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _plain(frame).to_excel(writer, sheet_name=name[:31], index=False, freeze_panes=(1, 0))
        for ws in writer.book.worksheets:
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for i, column in enumerate(ws.columns, start=1):
                width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
                ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), MAX_COLUMN_WIDTH)
                for c in column:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
    return buffer.getvalue()


def table_xlsx(df: pd.DataFrame, title: str, notes: dict[str, str]) -> bytes:
    """Return an .xlsx workbook: the table on its first sheet, then an 'About' sheet of notes."""
    about = pd.DataFrame({"Item": list(notes), "Value": list(notes.values())})
    return write_workbook({title or "Table": df, "About": about})


# ---- Committee report ---------------------------------------------------------------------------

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #1d70b8}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}.muted{color:#505a5f;font-size:.9rem}.bar{background:#00703c;height:.8rem;display:inline-block}
.warn{background:#fff7bf;padding:.5rem;border-left:5px solid #ffdd00}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table{page-break-inside:auto}tr{page-break-inside:avoid}}
"""


def _table(frame: pd.DataFrame, empty: str) -> str:
    if frame.empty:
        return f"<p class='muted'>{html.escape(empty)}</p>"
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def when(stamp: str | None) -> str:
    """Return an ISO timestamp as '2026-12-01 17:39 UTC' ('' when there is none)."""
    if not stamp:
        return ""
    text = stamp.replace("T", " ")
    return text[:16] + (" UTC" if stamp.endswith(("+00:00", "Z")) else "")


def committee_sections(programme: Any, shortlist: pd.DataFrame, totals: pd.DataFrame, gaps: pd.DataFrame,
                       alerts: pd.DataFrame, checklist: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return the committee report's tables by sheet name (the XLSX and HTML share them)."""
    summary = pd.DataFrame({"Item": ["Programme", "Level", "Modules", "Standards", "Mapped against snapshot",
                                     "Last saved"],
                            "Value": [programme.title, programme.level or "not set", len(programme.modules),
                                      len(shortlist), programme.snapshot_date or "unknown",
                                      f"{when(programme.updated_at)} by {programme.updated_by}"]})
    checklist = checklist.assign(**{"Answered at": checklist["Answered at"].map(when)}) if not checklist.empty else checklist
    return {"Summary": summary, "Candidate standards": shortlist, "Coverage": totals, "Gaps": gaps,
            "Change alerts": alerts, "Readiness checklist": checklist}


COMMITTEE_EMPTY = {"Candidate standards": "No standards shortlisted.", "Coverage": "No KSB mapping saved yet.",
                   "Gaps": "No gaps: every mapped KSB is covered, or partly covered with a reason.",
                   "Change alerts": "No changes to the standards this programme uses.",
                   "Readiness checklist": "No readiness answers yet."}


def committee_html(sections: dict[str, pd.DataFrame], notes: dict[str, str]) -> bytes:
    """Return the committee report as one self-contained, print-friendly HTML file (all text escaped)."""
    title = str(sections["Summary"].iloc[0]["Value"])
    empty = COMMITTEE_EMPTY
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)} — committee "
             f"report</title><style>{_CSS}</style></head><body>",
             f"<h1>{html.escape(title)}</h1><p class='muted'>Committee report · HTQ Standards Explorer</p>",
             _table(sections["Summary"], "")]
    coverage = sections["Coverage"]
    if not coverage.empty and "Covered (full or partial)" in coverage.columns:
        bars = []
        for label, share in zip(coverage["Standard"] + " " + coverage["Type"], coverage["Covered (full or partial)"]):
            percent = int(str(share).rstrip("%")) if str(share).rstrip("%").isdigit() else 0
            bars.append(f"<p>{html.escape(label)}: {percent}% <span class='bar' style='width:{percent * 3}px'></span></p>")
        parts.append(f"<h2>Coverage at a glance</h2>{''.join(bars)}"
                     "<p class='muted'>The Coverage table below holds the same figures.</p>")
    for name in ("Candidate standards", "Coverage", "Gaps", "Change alerts", "Readiness checklist"):
        frame = sections[name]
        warn = " class='warn'" if name == "Change alerts" and not frame.empty else ""
        parts.append(f"<h2>{html.escape(name)}</h2><div{warn}>{_table(frame, empty[name])}</div>")
    parts.append("<h2>About this report</h2>" + _table(pd.DataFrame({"Item": list(notes), "Value": list(notes.values())}), ""))
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def committee_xlsx(sections: dict[str, pd.DataFrame], mapping: pd.DataFrame, structure: pd.DataFrame,
                   notes: dict[str, str]) -> bytes:
    """Return the committee report as an .xlsx workbook, with the KSB mapping and structure sheets."""
    about = pd.DataFrame({"Item": list(notes), "Value": list(notes.values())})
    return write_workbook({**sections, "KSB mapping": mapping, "Qualification structure": structure, "About": about})
