"""Read a programme document (.txt, .md, .docx, .pdf) into a title and plain text.

Every failure is a DocumentError whose message says what is wrong and what to do, so the page
and the command line can show it as it is.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 15 * 1024 * 1024
MAX_CHARS = 200_000
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentError(ValueError):
    """A document cannot be read; the message is meant for the user."""


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
            return clean[:300], "\n".join(lines[i + 1:]).strip()
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


def _decode(blob: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return blob.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name} is not readable text; save it as UTF-8 text, .docx or .pdf.")


def _docx(blob: bytes, name: str) -> Document:
    if blob.startswith(_OLE_MAGIC):
        raise DocumentError(f"{name} is password-protected or in the old Word (.doc) format. Remove the password "
                            "or save it as a .docx, then upload it again.")
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(blob))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name} is not a readable .docx file (it may be damaged): {exc}.") from exc
    except Exception as exc:  # lxml and python-docx raise many types for a broken package
        raise DocumentError(f"{name} could not be opened as a Word document: {exc}.") from exc
    title = ""
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if not title and (style == "Title" or style.startswith("Heading")):
            title = text
            continue
        lines.append(text)
    tables = []
    for table in document.tables:
        rows = []
        for row in table.rows:
            cells = tuple(dict.fromkeys(c.text.strip() for c in row.cells))
            rows.append(cells)
            lines.append(" | ".join(c for c in cells if c))
        tables.append(tuple(rows))
    text, warnings = _limit("\n".join(lines), name)
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
            raise DocumentError(f"{name} is password-protected. Remove the password (or print it to a new PDF) and "
                                "upload it again.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{name} is not a readable PDF (it may be damaged): {exc}.") from exc
    except Exception as exc:  # pypdf raises assorted errors on broken files
        raise DocumentError(f"{name} could not be read as a PDF: {exc}.") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError(f"{name} has no text layer (it may be a scanned image). Upload the Word version, or "
                            "paste the text.")
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
        raise DocumentError(f"{name} is {len(blob) / 1024 / 1024:.1f} MB, more than the {MAX_BYTES // 1024 // 1024} MB "
                            "this tool reads. Upload the programme specification alone.")
    if not blob.strip():
        raise DocumentError(f"{name} is empty.")
    if suffix == ".docx":
        return _docx(blob, name)
    if suffix == ".pdf":
        return _pdf(blob, name)
    return from_text(_decode(blob, name), name)


def read_path(path: Path) -> Document:
    """Return the Document in a file on disk."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise DocumentError(f"“{path}” does not exist.") from exc
    if path.is_dir():
        raise DocumentError(f"“{path}” is a folder, not a file.")
    if size > MAX_BYTES:
        raise DocumentError(f"“{path.name}” is {size / 1024 / 1024:.1f} MB, more than the "
                            f"{MAX_BYTES // 1024 // 1024} MB this tool reads.")
    return read_bytes(path.read_bytes(), path.name)
