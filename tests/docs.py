"""Make real .docx and .pdf files for tests (python-docx writes Word; a PDF is written by hand)."""

from __future__ import annotations

import io
import zlib


def make_docx(title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """Return a real .docx: a Title paragraph, body paragraphs and an optional table."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(lines: list[str]) -> bytes:
    """Return a one-page PDF whose text layer holds the given lines (Helvetica, top to bottom)."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"] + [f"({_escape(line)}) Tj T*" for line in lines] + ["ET"]
    stream = zlib.compress("\n".join(ops).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypt_pdf(blob: bytes, password: str = "secret") -> bytes:
    """Return the PDF protected by a user password (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(blob)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_long_docx(paragraphs: int, text: str = "A line of the specification") -> bytes:
    """Return a real .docx with a Title and `paragraphs` body paragraphs, written straight into its XML
    (python-docx's add_paragraph would take minutes for 100,000)."""
    import re
    import zipfile

    base = make_docx("Long specification", ["placeholder"])
    source = zipfile.ZipFile(io.BytesIO(base))
    xml = source.read("word/document.xml").decode("utf-8")
    body = "".join(f"<w:p><w:r><w:t>{text} {n}</w:t></w:r></w:p>" for n in range(paragraphs))
    xml = re.sub(r"<w:p>(?:(?!<w:p>).)*?placeholder.*?</w:p>", body, xml, count=1, flags=re.S)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == "word/document.xml" else source.read(item.filename))
    return out.getvalue()


def make_xlsx(fill) -> bytes:
    """Return a real .xlsx whose first sheet `fill(worksheet)` writes."""
    from openpyxl import Workbook

    book = Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
