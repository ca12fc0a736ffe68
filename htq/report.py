"""Exports: tables as CSV and Excel workbooks that carry their provenance."""

from __future__ import annotations

import io

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
