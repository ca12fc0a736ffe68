"""Importing KSB lists the snapshot lacks: sheets and pasted text."""

import pytest

from htq import documents, ksbs
from htq.ksbs import KsbError


def test_pasted_lines_with_continuations():
    content = ksbs.from_text(
        "K1: principles of business analysis\n  and its tools\nS1 - elicit requirements\nB1 acts with integrity",
        "ST0117",
        "Business analyst",
    )
    assert [(k.code, k.kind) for k in content.ksbs] == [("K1", "knowledge"), ("S1", "skill"), ("B1", "behaviour")]
    assert content.ksbs[0].text == "principles of business analysis and its tools"
    assert not content.complete and content.reference == "ST0117"


def test_sheet_rows_with_lower_case_codes():
    rows = [{"KSB": "k 1", "Description": "Know things"}, {"KSB": "S2", "Description": "Do things"}]
    assert [k.code for k in ksbs.from_rows(rows, "ST0117").ksbs] == ["K1", "S2"]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([{"Code": "K1"}], "no statement column"),
        ([{"Text": "x"}], "no code column"),
        ([{"Code": "Q1", "Statement": "x"}], "is not a KSB code"),
        ([{"Code": "K1", "Statement": ""}], "K1 has no statement"),
        ([{"Code": "K1", "Statement": "a"}, {"Code": "K1", "Statement": "b"}], "more than once: K1"),
        ([], "has no rows"),
    ],
)
def test_bad_sheets_are_named(rows, message):
    with pytest.raises(KsbError, match=message):
        ksbs.from_rows(rows, "ST0117")


def test_text_without_codes_is_refused():
    with pytest.raises(KsbError, match="No KSBs found"):
        ksbs.from_text("just some words\nmore words", "ST0117")


def test_corrupt_sheet_file():
    with pytest.raises(documents.SpreadsheetError, match="not a readable .xlsx"):
        ksbs.read_sheet(b"PK\x03\x04 nope", "ksbs.xlsx", "ST0117")
