"""Reading programme documents, and the clear messages for files that cannot be read."""

import pytest

from htq import documents
from htq.documents import DocumentError

from .docs import encrypt_pdf, make_docx, make_pdf


def test_text_first_line_is_the_title():
    doc = documents.read_bytes(b"# FdSc Software Development\n\nModules:\nDatabases\n", "spec.md")
    assert (doc.title, doc.text) == ("FdSc Software Development", "Modules:\nDatabases")


def test_windows_text_is_read():
    assert documents.read_bytes("Café management\nMenus".encode("cp1252"), "a.txt").title == "Café management"


def test_docx_title_paragraphs_and_tables():
    blob = make_docx(
        "HNC Construction Management",
        ["Site supervision and safety."],
        [["Module", "Credits"], ["Construction technology", "15"]],
    )
    doc = documents.read_bytes(blob, "spec.docx")
    assert doc.title == "HNC Construction Management"
    assert "Site supervision and safety." in doc.text
    assert "Construction technology | 15" in doc.text
    assert doc.tables[0][1] == ("Construction technology", "15")


def test_pdf_text_layer():
    doc = documents.read_bytes(make_pdf(["FdSc Nursing Associate", "Pharmacology and medicines"]), "spec.pdf")
    assert doc.title == "FdSc Nursing Associate"
    assert "Pharmacology" in doc.text


@pytest.mark.parametrize(
    "blob, name, message",
    [
        (b"", "empty.txt", "is empty"),
        (b"   \n\t ", "blank.txt", "is empty"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "not a readable .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.docx", "password-protected or in the old Word"),
        (b"%PDF-1.4 garbage that is not a pdf", "broken.pdf", "not a readable PDF|could not be read as a PDF"),
        (b"hello", "notes.rtf", "upload .txt, .md, .docx or .pdf"),
    ],
)
def test_unreadable_files_get_a_clear_message(blob, name, message):
    with pytest.raises(DocumentError, match=message):
        documents.read_bytes(blob, name)


def test_password_protected_pdf():
    with pytest.raises(DocumentError, match="password-protected"):
        documents.read_bytes(encrypt_pdf(make_pdf(["Secret programme"])), "locked.pdf")


def test_pdf_without_text_layer():
    with pytest.raises(DocumentError, match="no text layer"):
        documents.read_bytes(make_pdf([]), "scan.pdf")


def test_huge_file_is_refused_before_reading():
    with pytest.raises(DocumentError, match="more than the 15 MB"):
        documents.read_bytes(b"x" * (documents.MAX_BYTES + 1), "huge.txt")


def test_huge_text_is_cut_with_a_note():
    doc = documents.from_text("Title\n" + "word " * 60_000)
    assert len(doc.text) < documents.MAX_CHARS and "first 200,000" in doc.warnings[0]


def test_missing_path(tmp_path):
    with pytest.raises(DocumentError, match="does not exist"):
        documents.read_path(tmp_path / "nope.txt")
