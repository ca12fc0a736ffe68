"""Read what people upload: a document (.txt, .md, .docx, .pdf) into a title and plain text, and a
spreadsheet (.xlsx, .csv) into rows.

Every failure is a DocumentError (a SpreadsheetError for sheets) whose message says what is wrong
and what to do, so the page and the command line can show it as it is. Every read is bounded in
bytes, characters, rows and columns, whatever size the file claims.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from htq.errors import HTQError

MAX_BYTES = 15 * 1024 * 1024
MAX_CHARS = 200_000
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
SHEET_SUFFIXES = (".xlsx", ".csv")
MAX_SHEET_ROWS = 5_000  # non-empty rows of a sheet
MAX_SHEET_COLUMNS = 100  # columns read; any further right are ignored
MAX_SCANNED_ROWS = 20_000  # rows read at all, empty ones included, before a sheet is refused
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentError(HTQError):
    """A document cannot be read; the message is meant for the user."""


class SpreadsheetError(DocumentError):
    """A spreadsheet (.xlsx or .csv) cannot be read, or is larger than this tool reads."""


@dataclass(frozen=True)
class Document:
    """The text of a programme document: its title, its body and anything the reader had to say."""

    title: str
    text: str
    warnings: tuple[str, ...] = ()
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()


def _split_title(text: str) -> tuple[str, str]:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        clean = line.strip().lstrip("#").strip()
        if clean:
            return clean[:300], "\n".join(lines[i + 1 :]).strip()
    return "", ""


def _limit(text: str, name: str) -> tuple[str, tuple[str, ...]]:
    if len(text) <= MAX_CHARS:
        return text, ()
    return text[:MAX_CHARS], (f"{name} holds {len(text):,} characters; the first {MAX_CHARS:,} were used.",)


def from_text(text: str, name: str = "The text") -> Document:
    """Return a Document from pasted or plain text: the first non-empty line is the title."""
    if not text or not text.strip():
        raise DocumentError(f"{name} is empty: paste or upload the programme's title, overview and modules.")
    text, warnings = _limit(text.replace("\x00", ""), name)
    title, body = _split_title(text)
    return Document(title, body, warnings)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(blob: bytes) -> str | None:
    """Return the text of a file's bytes: UTF-16 when it starts with a UTF-16 byte-order mark (Excel's
    "Unicode Text"), else UTF-8 (with or without its mark), else Windows-1252; None when none fits."""
    encodings = ("utf-16",) if blob.startswith(_UTF16_BOMS) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return blob.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _decode(blob: bytes, name: str) -> str:
    text = decode_text(blob)
    if text is None:
        raise DocumentError(f"{name} is not readable text; save it as UTF-8 text, .docx or .pdf.")
    return text


TITLE_SCAN = 20  # non-empty paragraphs searched for a Title or Heading style
MAX_TABLE_CELLS = 20_000


def _style_id(paragraph: object) -> str:
    """Return a paragraph's style id straight from its XML (python-docx's `.style` looks the style up
    in the styles part on every call, which costs seconds over a long document)."""
    return getattr(getattr(paragraph, "_p", None), "style", None) or ""


def _open_docx(blob: bytes, name: str) -> Any:
    if blob.startswith(_OLE_MAGIC):
        raise DocumentError(
            f"{name} is password-protected or in the old Word (.doc) format. Remove the password "
            "or save it as a .docx, then upload it again."
        )
    try:
        import docx  # python-docx

        return docx.Document(io.BytesIO(blob))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name} is not a readable .docx file (it may be damaged): {exc}.") from exc
    except Exception as exc:  # lxml and python-docx raise many types for a broken package
        raise DocumentError(f"{name} could not be opened as a Word document: {exc}.") from exc


def _docx_paragraphs(document: Any) -> tuple[str, list[str], bool]:
    """Return the title (a Title or Heading style among the first paragraphs), the other paragraphs'
    lines, and whether reading stopped at the character cap."""
    title, lines, size, seen = "", [], 0, 0
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        seen += 1
        if not title and seen <= TITLE_SCAN:
            style = _style_id(paragraph)
            if style == "Title" or style.startswith("Heading"):
                title = text
                continue
        lines.append(text)
        size += len(text) + 1
        if size > MAX_CHARS:  # stop reading at the cap: the rest would be cut anyway
            return title, lines, True
    return title, lines, False


def _docx_tables(document: Any, size: int) -> tuple[list[tuple[tuple[str, ...], ...]], list[str], str]:
    """Return the tables' rows (merged cells once), their lines, and "" or the cap reading stopped at
    ("chars" or "cells"); `size` is the characters already read."""
    tables, lines, cells_read = [], [], 0
    for table in document.tables:
        rows = []
        for row in table.rows:
            cells = tuple(dict.fromkeys(c.text.strip() for c in row.cells))
            cells_read += len(cells)
            rows.append(cells)
            lines.append(" | ".join(c for c in cells if c))
            size += len(lines[-1]) + 1
            if size > MAX_CHARS or cells_read > MAX_TABLE_CELLS:
                tables.append(tuple(rows))
                return tables, lines, "chars" if size > MAX_CHARS else "cells"
        tables.append(tuple(rows))
    return tables, lines, ""


def _docx(blob: bytes, name: str) -> Document:
    document = _open_docx(blob, name)
    title, lines, cut_paragraphs = _docx_paragraphs(document)
    tables: list[tuple[tuple[str, ...], ...]] = []
    cut = "chars" if cut_paragraphs else ""
    if not cut:
        tables, table_lines, cut = _docx_tables(document, sum(len(line) + 1 for line in lines))
        lines += table_lines
    text, warnings = _limit("\n".join(lines), name)
    if cut == "cells":
        warnings = (f"{name} has more table cells than this tool reads; the first {MAX_TABLE_CELLS:,} were used.",)
    elif cut:  # reading stopped at the cap, so the document's full length is not known
        warnings = (f"{name} is longer than this tool reads; the first {MAX_CHARS:,} characters were used.",)
    if not title:
        title, text = _split_title(text)
    if not (title or text).strip():
        raise DocumentError(f"{name} has no text in it.")
    return Document(title, text, warnings, tuple(tables))


def _pdf(blob: bytes, name: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(blob))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(
                f"{name} is password-protected. Remove the password (or print it to a new PDF) and upload it again."
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{name} is not a readable PDF (it may be damaged): {exc}.") from exc
    except Exception as exc:  # pypdf raises assorted errors on broken files
        raise DocumentError(f"{name} could not be read as a PDF: {exc}.") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError(
            f"{name} has no text layer (it may be a scanned image). Upload the Word version, or paste the text."
        )
    text, warnings = _limit(text, name)
    title, body = _split_title(text)
    return Document(title, body, warnings)


def read_bytes(blob: bytes, filename: str) -> Document:
    """Return the Document in a file's bytes; the file name's suffix says how to read it."""
    name = f"“{Path(filename).name}”"
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{name} is a {suffix or 'suffix-less'} file; upload .txt, .md, .docx or .pdf.")
    if len(blob) > MAX_BYTES:
        raise DocumentError(
            f"{name} is {len(blob) / 1024 / 1024:.1f} MB, more than the {MAX_BYTES // 1024 // 1024} MB "
            "this tool reads. Upload the programme specification alone."
        )
    if not blob.strip():
        raise DocumentError(f"{name} is empty.")
    if suffix == ".docx":
        return _docx(blob, name)
    if suffix == ".pdf":
        return _pdf(blob, name)
    return from_text(_decode(blob, name), name)


def read_path(path: Path) -> Document:
    """Return the Document in a file on disk."""
    return read_bytes(file_bytes(path), path.name)


def file_bytes(path: Path) -> bytes:
    """Return a file's bytes, refusing folders, missing files and anything over MAX_BYTES (pipes and
    devices included, whose size the file system does not know)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise DocumentError(f"“{path}” does not exist.") from exc
    if path.is_dir():
        raise DocumentError(f"“{path}” is a folder, not a file.")
    if size > MAX_BYTES:
        raise DocumentError(
            f"“{path.name}” is {size / 1024 / 1024:.1f} MB, more than the "
            f"{MAX_BYTES // 1024 // 1024} MB this tool reads."
        )
    with path.open("rb") as handle:  # a pipe or a device reports size 0: never read more than the limit
        return read_bounded(handle, f"“{path.name}”")


def read_bounded(handle: BinaryIO, name: str) -> bytes:
    """Return at most MAX_BYTES from a file, pipe or device; DocumentError when there is more."""
    blob = handle.read(MAX_BYTES + 1)
    if len(blob) > MAX_BYTES:
        raise DocumentError(f"{name} holds more than the {MAX_BYTES // 1024 // 1024} MB this tool reads.")
    return blob


def _rows_from_csv(blob: bytes, name: str) -> list[dict[str, object]]:
    text = decode_text(blob)
    if text is None:
        raise SpreadsheetError(f"{name} is not readable text; save the sheet as CSV UTF-8 or .xlsx.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[dict[str, object]] = []
    try:
        for row in csv.DictReader(io.StringIO(text), dialect=dialect):
            rows.append(row)
            if len(rows) > MAX_SHEET_ROWS:
                raise SpreadsheetError(f"{name} has more than {MAX_SHEET_ROWS:,} rows, the most this tool reads.")
    except csv.Error as exc:
        raise SpreadsheetError(f"{name} is not a readable CSV file: {exc}.") from exc
    return rows


def sheet_rows(blob: bytes, filename: str, sheet: str | None = None) -> list[dict[str, object]]:
    """Return the rows of a .csv file or of one sheet of an .xlsx workbook (the first by default),
    each a dict keyed by the header row; SpreadsheetError when it cannot be read within the bounds."""
    name = f"“{Path(filename).name}”"
    if len(blob) > MAX_BYTES:
        raise SpreadsheetError(f"{name} is larger than the {MAX_BYTES // 1024 // 1024} MB this tool reads.")
    if filename.lower().endswith(".csv"):
        return _rows_from_csv(blob, name)
    if blob.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            f"{name} is password-protected or an old .xls workbook; save it as .xlsx without a password."
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(blob), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException and more on bad files
        raise SpreadsheetError(f"{name} is not a readable .xlsx workbook (it may be damaged): {exc}.") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise SpreadsheetError(f"{name} has no sheet called “{sheet}” (it has: {', '.join(book.sheetnames)}).")
    ws = book[sheet] if sheet else book.worksheets[0]
    try:
        rows = _bounded_rows(ws, name)
    finally:
        book.close()
    if not rows:
        raise SpreadsheetError(f"{name} (sheet “{ws.title}”) is empty.")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [{header[i]: ("" if v is None else v) for i, v in enumerate(r) if i < len(header)} for r in rows[1:]]


def _bounded_rows(ws: Any, name: str) -> list[list[object]]:
    """Return a read-only worksheet's non-empty rows, reading at most MAX_SHEET_COLUMNS columns and
    MAX_SCANNED_ROWS rows: a sheet whose declared size is a million rows by 16,384 columns (one stray
    cell at XFD1048576) is refused in a fraction of a second instead of filling memory."""
    rows: list[list[object]] = []
    declared = ws.max_row or 0  # the sheet's own dimension, when it states one: refuse without reading
    for scanned, values in enumerate(ws.iter_rows(max_col=MAX_SHEET_COLUMNS, values_only=True), start=1):
        if scanned > MAX_SCANNED_ROWS or declared > MAX_SCANNED_ROWS:
            raise SpreadsheetError(
                f"{name} (sheet “{ws.title}”) runs to row {ws.max_row:,}; this tool reads at most "
                f"{MAX_SCANNED_ROWS:,} rows. Delete the unused rows below the table, or copy the "
                "table into a new sheet."
            )
        if any(v not in (None, "") for v in values):
            rows.append(list(values))
            if len(rows) > MAX_SHEET_ROWS + 1:
                raise SpreadsheetError(
                    f"{name} (sheet “{ws.title}”) has more than {MAX_SHEET_ROWS:,} rows of data, "
                    "the most this tool reads."
                )
    return rows
