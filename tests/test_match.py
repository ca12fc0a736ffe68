"""The matcher on the real snapshot: known pairs, reasons, precedents, levels, routes, progression."""

import pytest

from htq import documents, match

from .conftest import FIXTURES

PROGRAMMES = FIXTURES / "programmes"


@pytest.fixture(scope="module")
def index(snap):
    return match.MatchIndex.build(snap)


def ranked(index, title, text="", **kw):
    return match.rank(index, match.Programme(title, text, kw.pop("level", None), kw.pop("route", None)), **kw)


def refs(result, n=5):
    return [c.reference for c in result.candidates[:n]]


@pytest.mark.parametrize("htq_code, reference", [
    ("HTQHS2005", "ST0827"),   # FdSc Nursing Associate (Level 5)
    ("HTQDZ0010", "ST0116"),   # FdSc Software Development
    ("HTQDZ2026", "ST0118"),   # NCFE Level 4 Diploma: Data Analyst
    ("HTQCZ4033", "ST0048"),   # Cert HE Construction Site Supervisor
    ("HTQLF5002", "ST0003"),   # AAT Level 4 Diploma for Professional Accounting Technicians
])
def test_approved_htq_titles_find_their_standard_in_the_top_5(index, htq_code, reference):
    title = next(t for code, t, _, _ in index.htqs if code == htq_code)
    for precedents in (True, False):
        result = match.rank(index, match.Programme(title), precedents=precedents, exclude_htqs={htq_code})
        assert reference in refs(result), (title, precedents, refs(result))


@pytest.mark.parametrize("file, reference", [
    ("software.txt", "ST0116"), ("nursing.txt", "ST0827"), ("construction.txt", "ST0048"),
])
def test_programme_descriptions_rank_their_standard_first(index, file, reference):
    doc = documents.read_path(PROGRAMMES / file)
    result = match.rank(index, match.Programme(doc.title, doc.text))
    assert result.candidates[0].reference == reference


def test_reasons_name_real_matched_words_as_the_programme_wrote_them(index):
    doc = documents.read_path(PROGRAMMES / "nursing.txt")
    first = match.rank(index, match.Programme(doc.title, doc.text)).candidates[0]
    title_reason = next(e for e in first.reasons if e.field == "title")
    assert {"Nursing", "Associate", "NMC"} <= set(title_reason.terms)
    assert all(t.lower() in (doc.title + doc.text).lower() for e in first.reasons for t in e.terms)


def test_precedents_are_real_approved_htqs_of_the_candidate(index, snap):
    first = ranked(index, "Foundation Degree Nursing Associate").candidates[0]
    assert first.reference == "ST0827" and first.precedents
    aligned = {h.code for h in snap.occupation("OCC0827").htqs}
    assert all(p.code in aligned and "OCC0827" in p.occupations for p in first.precedents)


def test_no_precedents_means_no_precedent_evidence(index):
    result = ranked(index, "FdSc Nursing Associate", precedents=False)
    assert all(not c.precedents and c.precedent == 0 for c in result.candidates)


def test_scores_lie_between_0_and_1_and_fall_with_rank(index):
    result = ranked(index, "HNC Construction Management", top=20)
    scores = [c.score for c in result.candidates]
    assert all(0 <= s <= 1 for s in scores) and scores == sorted(scores, reverse=True)
    assert {c.confidence for c in result.candidates} <= {match.HIGH, match.MEDIUM, match.LOW}


def test_level_fit_is_stated(index):
    result = ranked(index, "FdSc Nursing Associate", level=4)
    nursing = next(c for c in result.candidates if c.reference == "ST0827")
    assert nursing.level_fit == "level 4 programme, level 5 standard: contact Skills England first"
    software = ranked(index, "FdSc Software Development", level=5).candidates[0]
    assert software.level_fit == "level 5 programme, level 4 standard: allowed"


def test_route_filter_keeps_one_route(index):
    result = ranked(index, "management", route="Construction and the built environment")
    assert {c.route for c in result.candidates} == {"Construction and the built environment"}


def test_unknown_route_warns_and_searches_all(index):
    result = ranked(index, "software developer", route="Atlantis")
    assert result.warnings and result.candidates[0].reference == "ST0116"


def test_text_without_subject_words_says_so(index):
    result = ranked(index, "Foundation Degree", "modules credits students")
    assert not result.candidates and "no subject words" in result.warnings[0]


def test_occupational_progression_is_suggested_when_parts_divide(index):
    doc = documents.read_path(PROGRAMMES / "data-and-software.txt")
    result = match.rank(index, match.Programme(doc.title, doc.text))
    assert result.progression is not None
    pair = {result.progression.first, result.progression.second}
    assert pair == {"OCC0116", "OCC0118"}


def test_single_occupation_programme_gets_no_progression(index):
    doc = documents.read_path(PROGRAMMES / "nursing.txt")
    assert match.rank(index, match.Programme(doc.title, doc.text)).progression is None


def test_contributions_add_up_to_the_score(index):
    result = ranked(index, "FdSc Software Development")
    for c in result.candidates:
        assert sum(match.contributions(c, result).values()) == pytest.approx(c.score, abs=1e-6)


def test_candidates_frame_has_one_row_per_candidate(index):
    result = ranked(index, "FdSc Software Development", top=7)
    table = match.candidates_frame(result)
    assert len(table) == 7 and table.iloc[0]["Standard"] == "ST0116"
