"""Hostile files and streams: each is refused (or cut) with a clear message, in bounded time and memory."""

import io
import time
import tracemalloc
from pathlib import Path

import pytest

from htq import documents, programme
from htq.programme import ProgrammeError

from .docs import make_long_docx, make_xlsx

MB = 1024 * 1024


def bounded(call, seconds=2.0, megabytes=80):
    """Run `call`, returning (result or exception, seconds taken, peak MB allocated in Python)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except Exception as exc:  # the caller checks which
        outcome = exc
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    assert peak < megabytes, f"peaked at {peak:.0f} MB"
    return outcome


def test_a_sheet_claiming_a_million_rows_by_16384_columns_is_refused_fast():
    """4.9 KB: one stray cell at XFD1048576 used to make 1M x 16k values (OOM at 21.8 GB)."""

    def fill(ws):
        ws["A1"], ws["A2"], ws["XFD1048576"] = "Title", "Programming", "x"

    blob = make_xlsx(fill)
    assert len(blob) < 10_000
    error = bounded(lambda: programme.read_structure(blob, "modules.xlsx"))
    assert isinstance(error, documents.SpreadsheetError)
    assert "runs to row 1,048,576" in str(error) and f"at most {documents.MAX_SCANNED_ROWS:,} rows" in str(error)


def test_a_sheet_of_30000_modules_is_refused_naming_the_limit():
    def fill(ws):
        ws.append(["Code", "Title", "Learning outcomes"])
        for n in range(30_000):
            ws.append([f"M{n}", f"Module {n}", f"Outcome {n}"])

    blob = make_xlsx(fill)
    error = bounded(lambda: programme.read_structure(blob, "modules.xlsx"), seconds=5)
    assert isinstance(error, documents.SpreadsheetError) and "runs to row 30,001" in str(error)


def test_too_many_modules_or_outcomes_are_refused_before_mapping():
    text = "\n".join(f"CS{n:03d} Module {n}\nAn outcome" for n in range(400))
    with pytest.raises(ProgrammeError, match=f"this tool maps at most {programme.MAX_MODULES}"):
        programme.modules_from_text(text)
    many = [programme.Module(f"M{n}", f"Module {n}", outcomes=tuple(f"o{i}" for i in range(20))) for n in range(200)]
    with pytest.raises(ProgrammeError, match="4,000 learning outcomes"):
        programme.check_size(many)
    from htq import coverage

    with pytest.raises(ProgrammeError):  # the coverage proposal checks too, whatever fed it
        coverage.propose(many, [], None)


def test_a_docx_of_100000_paragraphs_is_read_to_the_cap_quickly():
    """66 KB used to cost 127 s of CPU (a style lookup per paragraph) before the character cap applied."""
    blob = make_long_docx(100_000)
    assert len(blob) < 1 * MB
    doc = bounded(lambda: documents.read_bytes(blob, "long.docx"), seconds=10, megabytes=400)
    assert isinstance(doc, documents.Document), doc
    assert doc.title == "Long specification"
    assert len(doc.text) <= documents.MAX_CHARS and doc.warnings
    assert "first 200,000 characters were used" in doc.warnings[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_reading_a_device_is_bounded():
    error = bounded(lambda: documents.read_path(Path("/dev/zero")), seconds=5, megabytes=3 * documents.MAX_BYTES / MB)
    assert isinstance(error, documents.DocumentError) and "more than the 15 MB" in str(error)


def test_a_pipe_is_read_to_the_limit_only():
    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    error = bounded(
        lambda: documents.read_bounded(io.BufferedReader(Endless()), "Standard input"),
        seconds=5,
        megabytes=3 * documents.MAX_BYTES / MB,
    )
    assert isinstance(error, documents.DocumentError) and "Standard input" in str(error)


def test_utf16_text_and_csv_from_excel_are_decoded():
    text = "FdSc Software Development\nCS401 Programming (20 credits, Level 4)\nWrite code in Python"
    doc = documents.read_bytes(text.encode("utf-16"), "programme.txt")  # with its byte-order mark
    assert doc.title == "FdSc Software Development" and "Programming" in doc.text
    sheet = "Code\tTitle\tLearning outcomes\r\nCS401\tProgramming – Python\tWrite code\r\n".encode("utf-16")
    modules = programme.read_structure(sheet, "modules.csv").modules
    assert [(m.code, m.title) for m in modules] == [("CS401", "Programming – Python")]


def test_a_sheet_just_over_the_data_row_limit_is_refused_naming_it():
    def fill(ws):
        ws.append(["Code", "Title"])
        for n in range(documents.MAX_SHEET_ROWS + 1):
            ws.append([f"M{n}", f"Module {n}"])

    error = bounded(lambda: programme.read_structure(make_xlsx(fill), "modules.xlsx"), seconds=10)
    assert isinstance(error, documents.SpreadsheetError)
    assert f"more than {documents.MAX_SHEET_ROWS:,} rows of data" in str(error)
