"""The Occupational Maps API parser on a real, saved response: one assert per field."""

import json

import pytest

from htq.ingest import parse
from htq.model import SOURCE_INFERRED, SOURCE_MAPS_API

from .conftest import FIXTURES

RECORDS = FIXTURES / "harvest" / "occupations_raw"


def record(code: str) -> dict:
    return json.loads((RECORDS / f"{code}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def software():
    return parse.occupation_from_api(record("OCC0116"))


def test_code(software):
    assert software.code == "OCC0116"


def test_title(software):
    assert software.title == "Software developer"


def test_level(software):
    assert software.level == 4


def test_status(software):
    assert software.status == "Approved occupation"


def test_version(software):
    assert software.version == "1.2"


def test_status_date(software):
    assert software.status_date == "2014-11-12"


def test_route(software):
    assert (software.route, software.route_id) == ("Digital", 7)


def test_pathway(software):
    assert (software.pathway, software.pathway_id) == ("Digital Production, Design and Development", 59)


def test_cluster(software):
    assert (software.cluster, software.cluster_id) == ("Software development advanced technician", 197)


def test_soc2020(software):
    assert (software.soc2020_code, software.soc2020_title) == (
        "2134",
        "Programmers and software development professionals",
    )


def test_soc_subgroups(software):
    assert software.soc_subgroups[0] == ("2134/03", "Software developers", True)


def test_keywords(software):
    assert software.keywords == ("coding", "design", "developer", "digital", "ICT", "software", "software developer")


def test_job_titles(software):
    assert software.job_titles == (
        "Application developer",
        "Mobile application developer",
        "Software developer",
        "Web developer",
    )


def test_overview(software):
    assert software.overview == "Building and testing simple, high-quality code for software."


def test_summary_is_plain_text_paragraphs(software):
    assert software.summary.startswith("This occupation is found across every sector")
    assert "<p>" not in software.summary and "&nbsp;" not in software.summary
    assert software.summary.count("\n\n") >= 5


def test_employers(software):
    assert software.employers.startswith("Fujitsu")


def test_progression(software):
    assert software.progression == ("OCC0825", "OCC0119A", "OCC0953A", "OCC0953B", "OCC0013", "OCC0128")


def test_reference_from_apprenticeship_product(software):
    assert (software.reference, software.standard_status) == ("ST0116", "Approved for delivery")


def test_htqs(software):
    assert len(software.htqs) == 27
    hnd = next(h for h in software.htqs if h.code == "HTQDZ2034")
    assert (hnd.level, hnd.awarding_body) == (5, "Pearson")
    assert hnd.title == "Pearson BTEC Level 5 Higher National Diploma in Digital Technologies for England"


def test_green_themes(software):
    assert software.green_themes == (4,)


def test_sources_name_the_api(software):
    assert software.sources["route"] == SOURCE_MAPS_API
    assert software.sources["htqs.awarding_body"] == SOURCE_INFERRED


def test_regulation_unknown_when_unstated(software):
    assert (software.regulated, software.regulated_body) == (None, None)


def test_regulator_named_in_title():
    nursing = parse.occupation_from_api(record("OCC0827"))
    assert nursing.regulated is True
    assert nursing.regulated_body == "Nursing and Midwifery Council (NMC)"
    assert nursing.sources["regulated"] == SOURCE_INFERRED


def test_regulator_named_in_summary():
    hearing = parse.occupation_from_api(record("OCC0600"))
    assert hearing.regulated_body == "Health and Care Professions Council (HCPC)"
    assert "registered with the Health and Care Professions Council" in hearing.regulation_evidence


@pytest.mark.parametrize(
    "summary, body",
    [
        (
            "Dental technicians are registered professionals and work within the scope of practice as defined by the "
            "General Dental Council (GDC) Scope of Practice document.",
            "General Dental Council (GDC)",
        ),
        (
            "Clinical Dental Technicians (CDT) are General Dental Council (GDC) registered dental professionals.",
            "General Dental Council (GDC)",
        ),
        ("The scope of practice is set out by the GDC who regulate this occupation.", "General Dental Council (GDC)"),
        ("Graduates register with Social Work England.", "Social Work England (SWE)"),
        ("Pharmacy technicians are registered with the GPhC.", "General Pharmaceutical Council (GPhC)"),
    ],
)
def test_a_summary_sentence_naming_a_regulator_and_registration_flags_regulation(summary, body):
    regulated, named, evidence = parse.regulation_from_text("A title", "Some first sentence. " + summary)
    assert (regulated, named) == (True, body)
    assert evidence == f"The occupation summary says: “{summary}”"  # the one sentence, quoted


@pytest.mark.parametrize(
    "summary",
    [
        "They work alongside registered healthcare professionals.",  # registration, but no statutory regulator named
        "They liaise with the General Dental Council on events.",  # a regulator, but not about registration
        "Annual re-registration with the Society of Health Play Specialists is required.",  # a voluntary register
        "",
    ],
)
def test_no_regulation_is_read_where_the_summary_does_not_say_so(summary):
    assert parse.regulation_from_text("A title", summary) == (None, None, None)


def test_regulated_without_named_body():
    engineer = parse.occupation_from_api(record("OCC0875"))
    assert (engineer.regulated, engineer.regulated_body) == (True, None)


def test_api_placeholders_read_as_unknown():
    tug = parse.occupation_from_api(record("OCC1119"))
    assert (tug.version, tug.status_date, tug.soc2020_code) == (None, None, None)
    assert tug.summary is None and tug.reference is None


@pytest.mark.parametrize(
    "broken, message",
    [
        ({}, "stdCode"),
        ({"stdCode": "OCC0116"}, "name"),
        ({"stdCode": "OCC0116", "name": "x", "statusName": "Approved occupation"}, "level"),
        ({"stdCode": "OCC0116", "name": "x", "level": "four", "statusName": "s"}, "not a number"),
        ({"stdCode": "XYZ", "name": "x", "level": 4, "statusName": "s"}, "not an occupation code"),
        ([], "not a JSON object"),
    ],
)
def test_malformed_records_are_refused_with_the_field_named(broken, message):
    with pytest.raises(parse.ParseError, match=message):
        parse.occupation_from_api(broken)


@pytest.mark.parametrize(
    "title, body",
    [
        ("Pearson BTEC Level 5 Higher National Diploma in Computing for England", "Pearson"),
        ("BTEC Higher National Certificate in Community Coaching for England (Level 4)", "Pearson"),
        ("NCFE CACHE Level 5 Diploma for the Early Years Senior Practitioner", "NCFE"),
        ("NCC Education Level 4 Diploma in Business", "NCC Education"),
        ("SFJ Awards Level 4 Certificate for Protective Security Advisers", "SFJ Awards"),
        ("FdSc Software Development", None),
        ("Palliative care FdSc", None),
    ],
)
def test_awarding_body_only_when_the_title_names_it(title, body):
    assert parse.awarding_body(title) == body


def test_html_text_keeps_paragraphs_and_decodes_entities():
    assert parse.html_text("<p>One&nbsp;two</p><ul><li>three</li></ul>") == "One two\n\nthree"
    assert parse.html_text(None) == ""
