"""What a committee reads: reviewed vs proposed, KSB list versions, criteria checks, never-mapped standards."""

import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from htq import committee, coverage, mapping_sheet, portfolio, readiness, report, snapshot, store

from .test_alerts import mapped_programme, revised

HOSTILE = "<script>alert('x')</script>"


def half_reviewed(snap):
    """ST0116 mapped with all 38 rows proposed full by the tool and only three accepted by the team."""
    p = mapped_programme(snap)
    rows = tuple(r if i < 3 else replace(r, decision=coverage.PROPOSED) for i, r in enumerate(p.mapping))
    return replace(p, mapping=rows, shortlist=(*p.shortlist, store.ShortlistEntry("OCC0118", "ST0118", "Data analyst")))


def test_a_half_reviewed_mapping_says_how_much_is_reviewed(snap, df):
    p = half_reviewed(snap)
    tables = committee.tables(p, snap)
    summary = tables["Summary"].set_index("Item")["Value"]
    assert summary["KSB review"].startswith("3 of 38 KSB rows have been reviewed by the team; the other 35")
    totals = tables["Coverage"].set_index("Type")
    assert totals.loc["Knowledge", "Covered (reviewed)"] == "25%"  # 3 of 12, not the 100% the tool proposes
    assert totals["Still proposed"].sum() == 35 and totals["Proposed as covered"].sum() == 35
    check = tables["Criteria checks"].iloc[0]
    assert check["Check"] == "Every KSB covered or justified" and check["Result"] == "WARN"
    assert "35 of 38" in check["Detail"]
    assert committee.read_first(p, tables)[0] == summary["KSB review"]
    portfolio_row = portfolio.coverage_table([p], df).iloc[0]
    assert (portfolio_row["Reviewed"], portfolio_row["Still proposed"]) == (3, 35)
    assert portfolio_row["Covered"] == round(3 / 38, 3)


def test_shortlisted_standards_never_mapped_are_named(snap):
    p = half_reviewed(snap)
    tables = committee.tables(p, snap)
    assert committee.never_mapped(p) == ["ST0118"]
    assert tables["Summary"].set_index("Item").at["Shortlisted but never mapped", "Value"] == "ST0118"
    mapped = tables["Candidate standards"].set_index("Standard")["KSB mapping"]
    assert mapped["ST0116"] == "38 KSBs mapped" and mapped["ST0118"] == "not mapped"


def test_the_ksb_version_and_source_are_in_the_report(snap):
    p = half_reviewed(snap)
    tables = committee.tables(p, snap)
    row = tables["KSB lists"].set_index("Standard").loc["ST0116"]
    assert (row["KSB version mapped"], row["Standard's current version"], row["List"]) == ("1.1", "1.2", "complete")
    assert "third-party" in row["Source"]
    assert "These KSBs are version 1.1; the standard is now at version 1.2" in row["Check before submitting"]
    assert any(line.startswith("ST0116: These KSBs are version 1.1") for line in committee.read_first(p, tables))
    page = report.committee_html(tables, committee.read_first(p, tables), {}, committee.EMPTY).decode()
    assert "<strong>Read first</strong>" in page and "the standard is now at version 1.2" in page
    assert "25% covered by reviewed rows (9 still proposed by the tool)" in page


def test_a_list_the_snapshot_does_not_hold_is_not_called_complete(snap):
    p = mapped_programme(snap)
    p = replace(p, mapping=tuple(replace(r, version="0.9") for r in p.mapping))
    row = committee.tables(p, snap)["KSB lists"].iloc[0]
    assert row["List"] == "unknown" and "imported by the team" in row["Source"]
    assert "This list is partial" in row["Check before submitting"]


def test_a_fully_reviewed_mapping_reads_clean(snap):
    p = mapped_programme(snap)  # every row accepted
    tables = committee.tables(p, snap)
    assert (
        tables["Summary"].set_index("Item").at["KSB review", "Value"]
        == "All 38 KSB rows have been reviewed by the team."
    )
    assert tables["Criteria checks"].iloc[0]["Result"] == "PASS"
    assert tables["Gaps"].empty
    assert not any("still the tool's proposals" in line for line in committee.read_first(p, tables))


def test_committee_report_lists_eligibility_why_and_official_links(snap):
    programme = store.SavedProgramme(
        id="x",
        title="Cyber",
        shortlist=(
            store.ShortlistEntry("OCC1021A", "ST1021", "Cyber security technologist", ""),
            store.ShortlistEntry(
                "OCC1445",
                "ST1445",
                "Fraud control specialist",
                "Shortlisted although it cannot be applied against for HTQ approval: not yet published",
            ),
        ),
    )
    table = committee.tables(programme, snap)["Candidate standards"]
    fraud = table[table["Standard"] == "ST1445"].iloc[0]
    assert fraud["HTQ eligibility"] == "Not eligible" and "not yet published" in fraud["Why"]
    assert fraud["Note"].startswith("Shortlisted although it cannot be applied against")
    assert fraud["Occupational map"].endswith("/maps/occupation/OCC1445")
    assert fraud["Standard page"].startswith("not yet known")  # the shipped snapshot has no standard page addresses


def test_a_partial_list_is_marked_in_the_coverage_table(snap):
    p = mapped_programme(snap)
    p = replace(p, mapping=tuple(replace(r, version="0.9") for r in p.mapping))  # a list the snapshot does not hold
    tables = committee.tables(p, snap)
    assert set(tables["Coverage"]["KSB list"]) == {"unknown"}
    page = report.committee_html(tables, [], {}, committee.EMPTY).decode()
    assert "unknown KSB list, so never complete coverage" in page
    assert set(committee.tables(mapped_programme(snap), snap)["Coverage"]["KSB list"]) == {"complete"}


@pytest.fixture
def sections(snap):
    p = replace(
        mapped_programme(snap, f"FdSc {HOSTILE}"),
        shortlist=(store.ShortlistEntry("OCC0116", "ST0116", "Software developer", HOSTILE, "1.2"),),
        answers={"C2a": readiness.Answer("C2a", "Yes", HOSTILE, "Ann", "2026-07-10T10:00:00")},
    )
    return committee.tables(p, revised(snap)), p


def test_committee_html_is_self_contained_and_escapes_text(sections):
    tables, p = sections
    page = report.committee_html(
        tables, committee.read_first(p, tables), {"Licence": snapshot.OGL_ATTRIBUTION}, committee.EMPTY
    ).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "http" not in page.split("<body>")[0]  # no external stylesheet or script
    for heading in committee.SECTIONS[1:]:
        assert f"<h2>{heading}</h2>" in page
    assert "C2a" in page and "@media print" in page


def test_committee_xlsx_has_every_sheet(sections):
    tables, p = sections
    blob = report.committee_xlsx(
        tables,
        mapping_sheet.mapping_frame(p.mapping, p.modules),
        mapping_sheet.structure_frame(p.modules),
        {"Licence": "OGL"},
    )
    book = load_workbook(io.BytesIO(blob))
    assert book.sheetnames == [*committee.SECTIONS, "KSB mapping", "Qualification structure", "About"]
    lists = [[c.value for c in row] for row in book["KSB lists"].iter_rows()]
    assert lists[0][:3] == ["Standard", "KSB version mapped", "Standard's current version"]


def test_review_and_revision_facts_for_readiness_d1b(snap):
    p = half_reviewed(snap)
    table = committee.tables(p, snap)["Review and revision"].set_index("Standard")
    assert list(table.index) == ["ST0116", "ST0118"]  # shortlisted and mapped, once each
    assert table.loc["ST0116", "Stage"] == "approved for delivery"
    assert table.loc["ST0116", "New starts on this version until"] == "unknown"  # the shipped snapshot has no API dates
