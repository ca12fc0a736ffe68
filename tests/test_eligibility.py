"""HTQ eligibility policy: each rule on its own, the verdict they add up to, and the headline counts
on the shipped snapshot (pinned, so a change of rule or data shows up here first)."""

from dataclasses import replace

import pytest

from htq import catalogue, eligibility
from htq.eligibility import BLOCKS, CAUTION, CHECK_FIRST, ELIGIBLE, MEETS, NOT_ELIGIBLE, UNKNOWN, Reason
from htq.model import APPROVED_OCCUPATION, WITHOUT_APPRENTICESHIP, Htq, Occupation


def occupation(**changes):
    """An approved level 4 occupation with an approved standard, regulation known to be absent."""
    base = Occupation(
        code="OCC9001",
        title="Test technician",
        level=4,
        status=APPROVED_OCCUPATION,
        reference="ST9001",
        standard_status="Approved for delivery",
        route="Digital",
        regulated=False,
    )
    return replace(base, **changes)


def kinds(occ):
    return [r.kind for r in eligibility.assess(occ).reasons]


def test_software_developer_route_htqs_and_eligibility(snap, df):
    occ = snap.occupation(catalogue.resolve_code(df, "ST0116"))
    assert (occ.code, occ.route, occ.level) == ("OCC0116", "Digital", 4)
    assert len(occ.htqs) == 27
    assert "HTQDZ0006" in {h.code for h in occ.htqs}
    verdict = eligibility.assess(occ)
    assert verdict.verdict == ELIGIBLE
    assert any("27 approved HTQs" in r.text for r in verdict.reasons)


def test_regulated_standard_must_be_checked_first(snap):
    verdict = eligibility.assess(snap.occupation("OCC0827"))
    assert verdict.verdict == CHECK_FIRST
    assert any(r.kind == CAUTION and "Nursing and Midwifery Council" in r.text for r in verdict.reasons)


def test_level_6_standard_is_not_eligible(snap):
    verdict = eligibility.assess(snap.occupation("OCC0781"))  # registered nurse, level 6
    assert verdict.verdict == NOT_ELIGIBLE
    assert verdict.reasons[0].kind == BLOCKS and "Level 6" in verdict.reasons[0].text


def test_potential_occupation_is_not_eligible(snap):
    verdict = eligibility.assess(snap.occupation("OCC1119"))  # tug master, potential
    assert verdict.verdict == NOT_ELIGIBLE
    assert any("potential occupation" in r.text for r in verdict.reasons)
    assert any("tugboat" in r.text for r in verdict.reasons)


def test_retired_apprenticeship_of_a_standard_without_apprenticeship_stays_eligible(snap):
    occ = snap.occupation("OCC0066")
    assert (occ.status, occ.standard_status) == ("Occupational standard without apprenticeship", "Retired")
    assert eligibility.assess(occ).eligible


def test_retired_standard_of_an_approved_occupation_blocks(snap):
    occ = replace(snap.occupation("OCC0116"), standard_status="Retired")
    assert eligibility.assess(occ).verdict == NOT_ELIGIBLE


def test_route_cautions(snap):
    protective = next(
        o
        for o in snap.data.occupations
        if o.route == "Protective services" and o.level == 4 and o.status == "Approved occupation"
    )
    assert eligibility.assess(protective).verdict == CHECK_FIRST
    hair = replace(snap.occupation("OCC0116"), route="Hair and beauty")
    assert any("hair and beauty" in r.text for r in eligibility.assess(hair).reasons)


def test_dental_technicians_are_check_first_with_the_sentence_quoted(snap):
    for code in ("OCC1432", "OCC1433"):
        verdict = eligibility.assess(snap.occupation(code))
        assert verdict.verdict == eligibility.CHECK_FIRST, code
        reason = next(r.text for r in verdict.reasons if "statutory regulation" in r.text)
        assert reason.startswith("Check first — statutory regulation") and "General Dental Council (GDC)" in reason
        assert "The occupation summary says: “" in reason and "registered" in reason


def test_a_plain_approved_level_4_standard_is_eligible_on_two_reasons():
    verdict = eligibility.assess(occupation())
    assert verdict.verdict == ELIGIBLE and verdict.eligible
    assert [r.kind for r in verdict.reasons] == [MEETS, MEETS]


@pytest.mark.parametrize("level, kind", [(3, BLOCKS), (4, MEETS), (5, MEETS), (6, BLOCKS)])
def test_only_levels_4_and_5(level, kind):
    assert eligibility.level(occupation(level=level))[0].kind == kind


@pytest.mark.parametrize(
    "status, kind",
    [
        (APPROVED_OCCUPATION, MEETS),
        (WITHOUT_APPRENTICESHIP, MEETS),
        ("Potential occupational standard", BLOCKS),
        ("Occupational standard in development", BLOCKS),
    ],
)
def test_a_published_standard_is_needed(status, kind):
    (reason,) = eligibility.published(occupation(status=status))
    assert reason.kind == kind
    if status.startswith("Potential"):
        assert "potential occupation" in reason.text


@pytest.mark.parametrize(
    "standard_status, level, expected",
    [
        ("Approved for delivery", 4, []),
        ("Retired", 4, [BLOCKS]),
        ("Withdrawn", 4, [BLOCKS]),
        ("Approved for delivery (paused)", 4, [CAUTION]),
        ("In revision", 4, [CAUTION]),
        ("In revision", 6, []),  # outside the HTQ band the level already blocks: no extra caution
        (None, 4, []),
    ],
)
def test_standard_status(standard_status, level, expected):
    reasons = eligibility.standard_status(occupation(standard_status=standard_status, level=level))
    assert [r.kind for r in reasons] == expected


def test_a_retired_apprenticeship_of_a_standard_without_apprenticeship_meets():
    (reason,) = eligibility.standard_status(occupation(status=WITHOUT_APPRENTICESHIP, standard_status="Retired"))
    assert reason.kind == MEETS and "without an apprenticeship" in reason.text


def test_closed_and_scrutinised_routes_and_workplace_heavy_titles_caution():
    assert [r.kind for r in eligibility.route(occupation(route="Hair and beauty"))] == [CAUTION]
    assert [r.kind for r in eligibility.route(occupation(route="Protective services"))] == [CAUTION]
    assert eligibility.route(occupation(route="Digital")) == []
    assert eligibility.route(occupation(route=None)) == []
    assert [r.kind for r in eligibility.workplace(occupation(title="Tug master"))] == [CAUTION]
    assert eligibility.workplace(occupation(title="Rugby coach")) == []  # "tug" must start a word


def test_regulation_known_unknown_and_absent():
    named = eligibility.regulation(occupation(regulated=True, regulated_body="the GDC", regulation_evidence="says x"))
    assert [r.kind for r in named] == [CAUTION]
    assert "recognised by the GDC before submission. (says x)" in named[0].text
    unnamed = eligibility.regulation(occupation(regulated=True))
    assert "the statutory regulator (not named in this snapshot)" in unnamed[0].text
    assert [r.kind for r in eligibility.regulation(occupation(regulated=None))] == [UNKNOWN]
    assert eligibility.regulation(occupation(regulated=None, level=6)) == []  # not an HTQ question there
    assert eligibility.regulation(occupation(regulated=False)) == []


def test_precedents_are_counted_in_words():
    one = eligibility.precedents(occupation(htqs=(Htq("HTQ1", "A", 4),)))
    two = eligibility.precedents(occupation(htqs=(Htq("HTQ1", "A", 4), Htq("HTQ2", "B", 4))))
    assert one[0].text.startswith("1 approved HTQ already") and two[0].text.startswith("2 approved HTQs already")
    assert eligibility.precedents(occupation()) == []


@pytest.mark.parametrize(
    "kinds_given, verdict",
    [
        ([MEETS, MEETS], ELIGIBLE),
        ([MEETS, UNKNOWN], ELIGIBLE),  # an unknown is said, but does not change the verdict
        ([MEETS, CAUTION], CHECK_FIRST),
        ([CAUTION, BLOCKS, MEETS], NOT_ELIGIBLE),  # a block wins over any caution
    ],
)
def test_the_strongest_reason_decides(kinds_given, verdict):
    assert eligibility.verdict([Reason(k, "") for k in kinds_given]) == verdict


def test_checks_run_in_the_order_people_read_them():
    occ = occupation(route="Hair and beauty", regulated=True, htqs=(Htq("HTQ1", "A", 4),))
    texts = [r.text for r in eligibility.assess(occ).reasons]
    assert texts[0].startswith("Level 4") and texts[1].startswith("An occupational standard is published")
    assert "hair and beauty" in texts[2] and "statutory regulation" in texts[3] and "approved HTQ" in texts[4]


def test_the_guidance_applied_is_named_and_dated():
    assert eligibility.GUIDANCE_DATE == "2025-11-19"
    assert "Streamlining the HTQ Approvals Process" in eligibility.GUIDANCE_SOURCE


def test_headline_counts_on_the_shipped_snapshot(df):
    """162 standards (223 occupations, options counted apart) can be applied against; the home page says so."""
    figures = catalogue.headline(df)
    assert (figures["occupations"], figures["htq_band"]) == (1269, 284)
    assert (figures["eligible_standards"], figures["eligible"], figures["with_htqs"]) == (162, 223, 74)
    band = df[df["level"].isin((4, 5))]
    assert band["eligibility"].value_counts().to_dict() == {ELIGIBLE: 206, NOT_ELIGIBLE: 61, CHECK_FIRST: 17}
