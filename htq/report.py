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


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Return a CSV cell that a spreadsheet shows as text: a string starting like a formula gets a leading
    single quote, as OWASP recommends; numbers, dates and other strings are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(df: pd.DataFrame) -> bytes:
    """Return the table as UTF-8 CSV (with a byte-order mark so Excel reads accents right), every text
    cell neutralised against formula injection."""
    plain = _plain(df)
    for col in plain.columns:
        if not pd.api.types.is_numeric_dtype(plain[col]):
            plain[col] = plain[col].map(csv_cell)
    return plain.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")  # RFC 4180: CR in a cell is quoted


def write_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Return an .xlsx workbook with one sheet per table: bold headers, wrapped text, sized columns; every
    text cell is a string cell, never a formula, whatever it starts with."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _plain(frame).to_excel(writer, sheet_name=name[:31], index=False, freeze_panes=(1, 0))
        for ws in writer.book.worksheets:
            for row in ws.iter_rows():
                for cell in row:  # no export holds a formula: text that looks like one stays text
                    if cell.data_type == "f":
                        cell.data_type = "s"
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
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def when(stamp: str | None) -> str:
    """Return an ISO timestamp as '2026-12-01 17:39 UTC' ('' when there is none)."""
    if not stamp:
        return ""
    text = stamp.replace("T", " ")
    return text[:16] + (" UTC" if stamp.endswith(("+00:00", "Z")) else "")


def committee_html(
    sections: dict[str, pd.DataFrame], read_first: list[str], notes: dict[str, str], empty: dict[str, str]
) -> bytes:
    """Return the committee report as one self-contained, print-friendly HTML file (all text escaped).

    `sections` are the report's tables in order (the first is the summary), `read_first` the
    warnings printed above them, `empty` what to say for a section with no rows.
    """
    names = list(sections)
    summary = sections[names[0]]
    title = str(summary.iloc[0]["Value"])
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)} — committee "
        f"report</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p class='muted'>Committee report · HTQ Standards Explorer</p>",
    ]
    if read_first:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in read_first)
        parts.append(f"<div class='warn' role='note'><strong>Read first</strong><ul>{items}</ul></div>")
    parts.append(_table(summary, ""))
    coverage = sections.get("Coverage", pd.DataFrame())
    if not coverage.empty and "Covered (reviewed)" in coverage.columns:
        bars = []
        for row in coverage.itertuples(index=False):
            share = str(row[coverage.columns.get_loc("Covered (reviewed)")]).rstrip("%")
            percent = int(share) if share.isdigit() else 0
            kind = row[coverage.columns.get_loc("Type")]
            label = f"{row[0]} {kind}: {percent}% covered by reviewed rows"
            pending = int(row[coverage.columns.get_loc("Still proposed")])
            label += f" ({pending} still proposed by the tool)" if pending else ""
            if "KSB list" in coverage.columns and row[coverage.columns.get_loc("KSB list")] != "complete":
                label += f" — {row[coverage.columns.get_loc('KSB list')]} KSB list, so never complete coverage"
            bars.append(f"<p>{html.escape(label)} <span class='bar' style='width:{percent * 3}px'></span></p>")
        parts.append(
            f"<h2>Coverage at a glance</h2>{''.join(bars)}"
            "<p class='muted'>The Coverage table below holds the same figures.</p>"
        )
    for name in names[1:]:
        frame = sections[name]
        warn = " class='warn'" if name == "Change alerts" and not frame.empty else ""
        parts.append(f"<h2>{html.escape(name)}</h2><div{warn}>{_table(frame, empty.get(name, ''))}</div>")
    parts.append(
        "<h2>About this report</h2>" + _table(pd.DataFrame({"Item": list(notes), "Value": list(notes.values())}), "")
    )
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def committee_xlsx(
    sections: dict[str, pd.DataFrame], mapping: pd.DataFrame, structure: pd.DataFrame, notes: dict[str, str]
) -> bytes:
    """Return the committee report as an .xlsx workbook, with the KSB mapping and structure sheets."""
    about = pd.DataFrame({"Item": list(notes), "Value": list(notes.values())})
    return write_workbook({**sections, "KSB mapping": mapping, "Qualification structure": structure, "About": about})
