"""Reading programme structures: pasted text, module sheets, Word tables; clear errors."""

import io

import pytest
from openpyxl import Workbook

from htq import programme
from htq.errors import HTQError

from .conftest import FIXTURES
from .docs import make_docx

SPEC = FIXTURES / "programmes" / "software-spec.txt"


def xlsx(rows):
    book = Workbook()
    for r in rows:
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_spec_text_gives_modules_with_level_credits_core_and_outcomes():
    structure = programme.read_structure(SPEC.read_bytes(), SPEC.name)
    assert structure.title == "FdSc Software Development (Level 5)"
    assert [m.code for m in structure.modules] == [
        "SD401",
        "SD402",
        "SD403",
        "SD404",
        "SD501",
        "SD502",
        "SD503",
        "SD504",
    ]
    first = structure.modules[0]
    assert (first.title, first.level, first.credits, first.core) == ("Programming Fundamentals", 4, 20, True)
    assert first.outcomes[0] == "Write logical, readable and maintainable code in Python using functions and objects"
    assert structure.modules[6].core is False


def test_lines_without_codes_become_modules():
    modules = programme.modules_from_text("Databases: relational design and SQL\nSoftware testing\n")
    assert [(m.title, m.outcomes) for m in modules] == [
        ("Databases", ("relational design and SQL",)),
        ("Software testing", ("Software testing",)),
    ]


def test_outcome_numbering_and_bullets_are_removed():
    assert programme.split_outcomes("LO1: Design schemas\n2. Write SQL\n- Test queries") == (
        "Design schemas",
        "Write SQL",
        "Test queries",
    )


def test_module_sheet_with_synonym_headers():
    blob = xlsx(
        [
            ["Module code", "Module title", "FHEQ level", "Credit value", "Status", "Learning outcomes"],
            ["CS101", "Programming", 4, 20, "Compulsory", "Write code\nTest code"],
            ["CS205", "Games", 5, 15, "Optional", "Build a game"],
        ]
    )
    modules = programme.read_structure(blob, "modules.xlsx").modules
    assert [(m.code, m.level, m.credits, m.core, m.outcomes) for m in modules] == [
        ("CS101", 4, 20, True, ("Write code", "Test code")),
        ("CS205", 5, 15, False, ("Build a game",)),
    ]


def test_csv_sheet():
    modules = programme.read_structure(b"Title;Level\nDatabases;4\n", "m.csv").modules
    assert (modules[0].title, modules[0].level) == ("Databases", 4)


def test_word_table_of_modules():
    blob = make_docx(
        "HNC Construction",
        ["Programme overview."],
        [["Code", "Module", "Credits"], ["C1", "Construction technology", "15"], ["C2", "Site safety", "15"]],
    )
    modules = programme.read_structure(blob, "spec.docx").modules
    assert [(m.code, m.title, m.credits) for m in modules] == [
        ("C1", "Construction technology", 15),
        ("C2", "Site safety", 15),
    ]


@pytest.mark.parametrize(
    "blob, name, message",
    [
        (xlsx([["Code", "Credits"], ["C1", 15]]), "m.xlsx", "no column for the module title"),
        (b"PK\x03\x04broken", "m.xlsx", "not a readable .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, "m.xlsx", "password-protected or an old .xls"),
        (xlsx([]), "empty.xlsx", "is empty"),
        (b"", "spec.docx", "is empty"),
    ],
)
def test_bad_structures_get_a_message_naming_the_problem(blob, name, message):
    with pytest.raises(HTQError, match=message):  # ProgrammeError, or DocumentError for an unreadable file
        programme.read_structure(blob, name)
