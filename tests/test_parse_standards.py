"""Parsers for the standards API records and the standard pages: one assert per field."""

import json

import pytest

from htq.ingest import parse
from htq.model import RegulationDetail

from .conftest import FIXTURES

API = FIXTURES / "standards_api"
PAGES = FIXTURES / "pages"


@pytest.fixture(scope="module")
def software():
    versions = json.loads((API / "ST0116.json").read_text(encoding="utf-8"))
    return parse.standard_from_api(versions[1])


def test_reference(software):
    assert software.reference == "ST0116"


def test_title(software):
    assert software.title == "Software developer"


def test_version(software):
    assert software.version == "1.2"


def test_status(software):
    assert software.status == "Approved for delivery"


def test_level(software):
    assert software.level == 4


def test_route(software):
    assert software.route == "Digital"


def test_regulated(software):
    assert software.regulated is False


def test_dates(software):
    assert (software.approved_date, software.changed_date) == ("2018-01-01", "2025-09-01")


def test_change_note(software):
    assert software.change_note == "Revised: KSBs updated"


def test_page_url(software):
    assert software.standard_url == "https://skillsengland.education.gov.uk/apprenticeships/st0116-v1-2"


def test_job_titles_split_on_bars(software):
    assert software.job_titles == ("Software developer", "Web developer", "Application developer")


def test_overview_is_plain_text(software):
    assert software.overview == "Overview of the software developer occupation."


def test_ksbs_coded_in_order(software):
    codes = [k.code for k in software.content.ksbs]
    assert codes[:2] == ["K1", "K2"] and codes.count("K12") == 1 and "S18" in codes and "B9" not in codes


def test_duties_linked_to_ksb_codes(software):
    assert software.content.duties[2].ksbs == ("K12", "S4", "S5", "S6", "S13") and software.content.duties[2].core


def test_leading_codes_in_details_are_stripped():
    record = json.loads((API / "ST1512.json").read_text(encoding="utf-8"))[0]
    assert parse.standard_from_api(record).content.ksbs[0].text.startswith("fixture knowledge statement")


def test_keys_are_read_whatever_their_case():
    record = {
        "ReferenceNumber": "st0118",
        "Title": "Data analyst",
        "VERSION": "1.1",
        "Regulated": True,
        "RegulatedBody": "A body",
    }
    std = parse.standard_from_api(record)
    assert (std.reference, std.version, std.regulated, std.regulated_body) == ("ST0118", "1.1", True, "A body")


@pytest.mark.parametrize(
    "record, message",
    [({"title": "x"}, "reference"), ({"referenceNumber": "ST0001"}, "title"), ([], "not a JSON object")],
)
def test_broken_records(record, message):
    with pytest.raises(parse.ParseError, match=message):
        parse.standard_from_api(record)


def test_versions_sort_numerically():
    assert sorted(["1.10", "1.2", "1.9"], key=parse.version_key) == ["1.2", "1.9", "1.10"]


@pytest.fixture(scope="module")
def page():
    return parse.standard_page((PAGES / "st0827-v2-0.html").read_text(encoding="utf-8"))


def test_page_reference(page):
    assert page["reference"] == "ST0827"


def test_page_version(page):
    assert page["version"] == "2.0"


def test_page_level(page):
    assert page["level"] == 5


def test_page_status(page):
    assert page["status"] == "Approved for delivery"


def test_page_route(page):
    assert page["route"] == "Health and science"


def test_page_date(page):
    assert page["changed_date"] == "2023-04-12"


def test_page_regulated_body(page):
    assert page["regulated_body"] == "Nursing and Midwifery Council"


def test_page_ksbs(page):
    assert [(k.code, k.kind) for k in page["ksbs"]] == [
        ("K1", "knowledge"),
        ("K2", "knowledge"),
        ("S1", "skill"),
        ("B1", "behaviour"),
    ]


def test_definition_list_layout_and_long_dates():
    facts = parse.standard_page((PAGES / "st0066-v1-0.html").read_text(encoding="utf-8"))
    assert (facts["reference"], facts["level"], facts["changed_date"], facts["ksbs"]) == ("ST0066", 4, "2016-09-07", ())


def test_changed_layout_is_reported():
    with pytest.raises(parse.ParseError, match="no facts list found \\(the page layout has changed\\)"):
        parse.standard_page((PAGES / "st0827-layout-changed.html").read_text(encoding="utf-8"))


def test_the_importer_shape_is_read():
    """das-courses-api's Apprenticeship import type: lists of strings, {optionId, title}, regulationDetail, dates."""
    record = json.loads((API / "ST1512.json").read_text(encoding="utf-8"))[0]
    record = {**record, "keywords": ["artificial intelligence", "automation"], "typicalJobTitles": ["AI engineer"]}
    std = parse.standard_from_api(record)
    assert std.keywords == ("artificial intelligence", "automation") and std.job_titles == ("AI engineer",)
    assert std.options == ("Fixture option A", "Fixture option B")
    assert (std.earliest_start, std.latest_start, std.latest_end) == ("2023-04-12", "2027-03-31", None)
    nursing = parse.standard_from_api(json.loads((API / "ST0827.json").read_text(encoding="utf-8"))[0])
    assert nursing.regulation_detail == (
        RegulationDetail("Nursing and Midwifery Council", True, "https://www.nmc.org.uk/"),
    )


def test_the_older_string_shape_is_still_read():
    old = json.loads((API / "ST0118.json").read_text(encoding="utf-8"))[0]
    assert isinstance(old["keywords"], str)  # the fixture really is the older shape
    std = parse.standard_from_api(old)
    assert std.keywords == ("data", "analysis") and std.job_titles == ("Data analyst",)
    assert (std.options, std.regulation_detail, std.latest_start) == ((), (), None)


def test_domain_names_of_the_dates_and_a_single_regulator_object_are_accepted():
    std = parse.standard_from_api(
        {
            "referenceNumber": "ST0001",
            "title": "X",
            "versionEarliestStartDate": "2020-01-01T00:00:00",
            "versionLatestStartDate": "2025-06-30T00:00:00",
            "versionLatestEndDate": "0001-01-01T00:00:00",
            "regulationDetail": {
                "name": "General Dental Council",
                "approved": "true",
                "webLink": "https://www.gdc-uk.org/",
            },
            "options": ["Option as a string"],
        }
    )
    assert (std.earliest_start, std.latest_start, std.latest_end) == ("2020-01-01", "2025-06-30", None)
    assert (std.regulated, std.regulated_body) == (True, "General Dental Council")  # no flag: the detail says so
    assert std.options == ("Option as a string",)
