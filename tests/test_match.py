"""The matcher on the real snapshot: known pairs, reasons, precedents, levels, routes, progression."""

from dataclasses import replace

import pytest

from htq import documents, eligibility, match

from .conftest import FIXTURES

PROGRAMMES = FIXTURES / "programmes"


@pytest.fixture(scope="module")
def index(snap):
    return match.MatchIndex.build(snap)


def ranked(index, title, text="", **kw):
    return match.rank(index, match.Programme(title, text, kw.pop("level", None), kw.pop("route", None)), **kw)


def refs(result, n=5):
    return [c.reference for c in result.candidates[:n]]


@pytest.mark.parametrize(
    "htq_code, reference",
    [
        ("HTQHS2005", "ST0827"),  # FdSc Nursing Associate (Level 5)
        ("HTQDZ0010", "ST0116"),  # FdSc Software Development
        ("HTQDZ2026", "ST0118"),  # NCFE Level 4 Diploma: Data Analyst
        ("HTQCZ4033", "ST0048"),  # Cert HE Construction Site Supervisor
        ("HTQLF5002", "ST0003"),  # AAT Level 4 Diploma for Professional Accounting Technicians
    ],
)
def test_approved_htq_titles_find_their_standard_in_the_top_5(index, htq_code, reference):
    title = next(t for code, t, _, _ in index.htqs if code == htq_code)
    for precedents in (True, False):
        result = match.rank(index, match.Programme(title), precedents=precedents, exclude_htqs={htq_code})
        assert reference in refs(result), (title, precedents, refs(result))


@pytest.mark.parametrize(
    "file, reference",
    [
        ("software.txt", "ST0116"),
        ("nursing.txt", "ST0827"),
        ("construction.txt", "ST0048"),
    ],
)
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


ADULT_CARE = (
    "For people who lead adult social care: leading care teams, person-centred practice, safeguarding "
    "adults, managing resources, and working with health partners as a deputy or registered manager."
)


@pytest.mark.parametrize("first_line", ["Programme", "Programme specification", "Course overview", "FdSc", "HNC", ""])
def test_a_generic_first_line_does_not_change_the_ranking(index, first_line):
    for file in ("software.txt", "nursing.txt", "construction.txt"):
        doc = documents.read_path(PROGRAMMES / file)
        plain = refs(match.rank(index, match.Programme("", doc.text)), 10)
        assert refs(match.rank(index, match.Programme(first_line, doc.text)), 10) == plain, (file, first_line)


def test_title_words_count_but_never_outweigh_the_text(index):
    doc = documents.read_path(PROGRAMMES / "software.txt")
    misleading = match.rank(index, match.Programme("FdSc Nursing Associate", doc.text))
    assert misleading.candidates[0].reference == "ST0116"
    assert match.precedent_weight(match.Programme("x", doc.text)) == match.PRECEDENT_WEIGHT_RICH


@pytest.mark.parametrize(
    "title, text, expected",
    [
        ("Leader in adult care", "", (None, "")),
        ("", "This Level 5 programme prepares managers", (5, "stated in the text")),
        ("HND Business Management", "", (5, "stated in the title")),
        ("HNC Engineering", "Level 5 units follow", (4, "stated in the title")),
        ("", "The Level 4 units lead to the Level 5 units", (None, "")),
        ("", "A level four apprenticeship", (4, "stated in the text")),
        ("HNC", "a level 5 course", (5, "stated in the text")),  # a bare "HNC" line is ignored, like the rest of it
    ],
)
def test_a_stated_level_is_read_from_title_or_text(title, text, expected):
    assert match.stated_level(title, text) == expected


def test_the_level_separates_neighbouring_standards(index):
    at4 = match.rank(index, match.Programme("", "A Level 4 programme. " + ADULT_CARE))
    at5 = match.rank(index, match.Programme("", "A Level 5 apprenticeship. " + ADULT_CARE))
    assert at4.level == 4 and at4.level_source == "stated in the text" and at4.discounted == {5}
    assert at4.candidates[0].reference == "ST0007"
    assert at5.discounted == {4} and at5.candidates[0].reference == "ST0008"
    chosen = match.rank(index, match.Programme("", ADULT_CARE, level=5))
    assert chosen.level_source == "chosen" and chosen.discounted == frozenset()
    assert "neither was discounted" in match.level_note(chosen)
    assert "level 5 standards were discounted by 10%" in match.level_note(at4)


@pytest.mark.parametrize(
    "level, apprenticeship, discounted",
    [
        (4, False, {5}),
        (5, False, set()),
        (4, True, {5}),
        (5, True, {4}),
        (None, True, set()),
        (3, False, set()),
    ],
)
def test_which_levels_are_discounted(level, apprenticeship, discounted):
    assert match.discounted_levels(level, apprenticeship) == discounted


def test_other_level_discount_is_ten_percent(index):
    free = match.rank(index, match.Programme("", ADULT_CARE, level=None), top=30)
    at4 = match.rank(index, match.Programme("", ADULT_CARE, level=4), top=30)
    free_score = {c.reference: c.score for c in free.candidates}
    for c in at4.candidates:
        if c.reference in free_score:
            expected = free_score[c.reference] * (match.OTHER_LEVEL if c.level == 5 else 1.0)
            assert c.score == pytest.approx(expected, rel=1e-6)


def test_options_of_a_standard_are_one_candidate_with_options_beneath(index):
    result = ranked(
        index,
        "Cyber security",
        "Defend networks, respond to incidents, analyse cyber risk and engineer "
        "secure systems. Penetration testing and threat intelligence.",
        top=10,
    )
    cyber = [c for c in result.candidates if c.reference == "ST1021"]
    assert len(cyber) == 1
    options = cyber[0].options
    assert {o.occupation for o in options} == {"OCC1021A", "OCC1021B", "OCC1021C"}
    assert [o.score for o in options] == sorted((o.score for o in options), reverse=True)
    assert cyber[0].occupation == options[0].occupation and cyber[0].title == "Cyber security technologist"
    assert len({c.reference for c in result.candidates}) == len(result.candidates)
    shape = cyber[0].to_json()  # the JSON contract itself: test_a_candidate_as_json_is_the_cli_contract
    assert [o["occupation"] for o in shape["options"]] == [o.occupation for o in options]


def test_reasons_quote_passages_and_the_standards_sentences(index, snap):
    doc = documents.read_path(PROGRAMMES / "software.txt")
    first = match.rank(index, match.Programme(doc.title, doc.text)).candidates[0]
    assert first.passages, "the embedder's closest passage and sentence should be shown"
    known = set(match.embeddings.sentences(snap.occupation(first.occupation), snap.data.content.get("ST0116")))
    for p in first.passages:
        assert p.sentence in known
        words_of = lambda t: " ".join(t.replace(".", " ").split())  # noqa: E731
        assert words_of(p.passage.rstrip(" …"))[:60] in words_of(doc.title + ". " + doc.text)
        assert 0 < p.similarity <= 1


def test_words_in_common_leave_out_words_every_standard_uses(index):
    text = (
        "Learners developed software for users and non-technical clients, and developed their skills in "
        "programming, databases and web applications."
    )
    first = ranked(index, "", text).candidates[0]
    shown = {t.lower() for e in first.reasons for t in e.terms}
    assert shown and not shown & {"developed", "non", "users", "skills"}


def test_confidence_bands_follow_the_lead_and_are_explained():
    assert match.candidate_confidence(match.HIGH_LEAD, 0.5) == match.HIGH
    assert match.candidate_confidence(match.HIGH_LEAD - 0.001, 0.5) == match.MEDIUM
    assert match.candidate_confidence(match.MEDIUM_LEAD - 0.001, 0.5) == match.LOW
    assert match.candidate_confidence(0.5, match.MIN_COSINE - 0.01) == match.LOW  # nothing close in meaning
    assert match.candidate_confidence(0.5, None) == match.HIGH  # words alone: the lead decides
    for band in (match.HIGH, match.MEDIUM, match.LOW):
        right, n = match.BAND_RECORD[band]
        assert f"right {right} times in {n}" in match.confidence_words(band)


def test_fusion_weights_are_the_measured_ones():
    assert match.DENSE_WEIGHT == 0.4 and match.TITLE_REPEAT == 1 and match.OTHER_LEVEL == 0.9
    assert match.FIELD_WEIGHTS == {"title": 4.0, "job_titles": 2.0, "keywords": 1.0, "summary": 1.0}
    assert (match.PRECEDENT_WEIGHT, match.PRECEDENT_WEIGHT_RICH, match.RICH_TEXT_TERMS) == (0.6, 0.05, 20)


def test_without_the_model_matching_falls_back_to_words_with_a_notice(snap, monkeypatch):
    monkeypatch.setattr(match, "load_contextual", lambda: (None, "the model package 'x' is not installed"))
    fallback = match.MatchIndex.build(snap)
    assert fallback.embedder is None and "not installed" in fallback.notice and "words in common" in fallback.notice
    doc = documents.read_path(PROGRAMMES / "software.txt")
    result = match.rank(fallback, match.Programme(doc.title, doc.text))
    assert result.dense_weight == 0 and result.candidates[0].reference == "ST0116"
    assert all(c.semantic == 0 and not c.passages for c in result.candidates)
    for c in result.candidates:
        assert sum(match.contributions(c, result).values()) == pytest.approx(c.score, abs=1e-6)


def test_long_programmes_are_read_in_bounded_passages(index):
    text = "\n".join(
        f"Module {i}: software engineering, testing and databases for web applications." for i in range(400)
    )
    texts = match.programme_passages(index, match.Programme("", text))
    assert len(texts) == match.MAX_PASSAGES
    assert all(index.embedder.token_count(t) <= match.PASSAGE_TOKENS for t in texts)
    assert texts[0].startswith("Module 0:") and "Module 399:" in texts[-1]  # spread from first to last


CYBER = (
    "Cyber security: network defence, incident response, digital forensics, fraud detection and financial "
    "crime, penetration testing, threat intelligence."
)


def test_candidates_carry_eligibility_and_ineligible_ones_are_left_out_by_default(index):
    default = match.rank(index, match.Programme("", CYBER), top=12)
    assert all(c.eligible for c in default.candidates) and default.hidden >= 1
    assert "ST1445" not in refs(default, 12)  # Fraud control specialist: still in development
    everything = match.rank(index, match.Programme("", CYBER), top=12, eligible_only=False)
    fraud = next(c for c in everything.candidates if c.reference == "ST1445")
    assert not fraud.eligible and fraud.eligibility == "Not eligible"
    assert any("not yet published" in n for n in fraud.eligibility_notes)
    checked = next(c for c in everything.candidates if c.reference == "ST0516")
    assert checked.eligibility == "Eligible – check first" and checked.eligibility_notes
    assert fraud.to_json()["eligibility"] == {"verdict": "Not eligible", "reasons": list(fraud.eligibility_notes)}
    table = match.candidates_frame(everything)
    assert {"HTQ eligibility", "Eligibility notes", "Occupational map"} <= set(table.columns)
    assert table.iloc[0]["Occupational map"].startswith(
        "https://occupational-maps.skillsengland.education.gov.uk/maps/occupation/OCC"
    )


def test_precedent_weight_drops_once_the_text_has_enough_subject_words():
    words = ["network", "database", "python", "testing", "security", "cloud", "agile", "debugging", "java", "linux"]
    words += ["scripting", "servers", "routing", "firewall", "encryption", "containers", "kubernetes", "sql"]
    words += ["algorithms", "compilers", "graphics"]
    text = " ".join(words)
    assert len(match.subject_terms(text)) == match.RICH_TEXT_TERMS + 1
    rich = match.Programme("", " ".join(words[: match.RICH_TEXT_TERMS]))
    short = match.Programme("", " ".join(words[: match.RICH_TEXT_TERMS - 1]))
    assert match.precedent_weight(rich) == match.PRECEDENT_WEIGHT_RICH
    assert match.precedent_weight(short) == match.PRECEDENT_WEIGHT


def test_precedents_weigh_in_as_the_weight_says(index):
    """A title-only programme's score blends content (words 0.6, meaning 0.4) and precedent by PRECEDENT_WEIGHT,
    divided by what the best precedent allows."""
    result = match.rank(index, match.Programme("HNC Construction Management", ""), top=5)
    first = result.candidates[0]
    assert first.level == result.level == 4 and first.precedent > 0  # same level: no discount to undo
    assert result.precedent_weight == match.PRECEDENT_WEIGHT
    content = (1 - match.DENSE_WEIGHT) * first.lexical + match.DENSE_WEIGHT * first.semantic
    blended = (1 - match.PRECEDENT_WEIGHT) * content + match.PRECEDENT_WEIGHT * first.precedent
    assert first.score == pytest.approx(blended / result.scale, rel=1e-6)


def crafted_candidate(**changes):
    base = match.Candidate(
        rank=1,
        reference="ST0116",
        occupation="OCC0116",
        title="Software developer",
        level=4,
        route=None,
        score=0.87654,
        confidence=match.HIGH,
        level_fit="same level",
        reasons=(match.SharedWords("title", ("software", "developer")), match.SharedWords("keywords", ("code",))),
        precedents=(match.Precedent("HTQ1", "HNC Software", 4, 0.91234, ("OCC0116",)),),
        lexical=0.12345,
        semantic=0.54321,
        precedent=0.33333,
        options=(match.Option("OCC0116A", "Software developer (games)", 0.81234, ("games",)),),
        passages=(match.PassageMatch("We teach Python.", "Write code.", 0.71234),),
        eligibility=eligibility.CHECK_FIRST,
        eligibility_notes=("Check first.", "Regulated."),
    )
    return replace(base, **changes)


def test_a_candidate_as_json_is_the_cli_contract():
    assert crafted_candidate().to_json() == {
        "rank": 1,
        "reference": "ST0116",
        "occupation": "OCC0116",
        "title": "Software developer",
        "level": 4,
        "route": None,
        "score": 0.8765,
        "confidence": "high",
        "level_fit": "same level",
        "eligibility": {"verdict": eligibility.CHECK_FIRST, "reasons": ["Check first.", "Regulated."]},
        "evidence": {"lexical": 0.1235, "semantic": 0.5432, "precedent": 0.3333},
        "reasons": [{"field": "title", "terms": ["software", "developer"]}, {"field": "keywords", "terms": ["code"]}],
        "passages": [{"passage": "We teach Python.", "sentence": "Write code.", "similarity": 0.712}],
        "precedents": [
            {"code": "HTQ1", "title": "HNC Software", "level": 4, "similarity": 0.912, "occupations": ["OCC0116"]}
        ],
        "options": [
            {"occupation": "OCC0116A", "title": "Software developer (games)", "score": 0.8123, "distinct": ["games"]}
        ],
    }


def test_the_candidates_table_is_what_people_download():
    frame = match.candidates_frame(match.Result((crafted_candidate(),)))
    assert list(frame.columns) == match.CANDIDATE_COLUMNS
    assert frame.iloc[0].to_dict() == {
        "Rank": 1,
        "Standard": "ST0116",
        "Occupation": "OCC0116",
        "Title": "Software developer",
        "Level": 4,
        "Route": "unknown",
        "Score": 0.877,
        "Confidence": "high",
        "Level fit": "same level",
        "HTQ eligibility": eligibility.CHECK_FIRST,
        "Eligibility notes": "Check first. Regulated.",
        "Occupational map": "https://occupational-maps.skillsengland.education.gov.uk/maps/occupation/OCC0116",
        "Options": "OCC0116A Software developer (games)",
        "Lexical evidence": 0.123,
        "Semantic evidence": 0.543,
        "Precedent evidence": 0.333,
        "Matched words": "title: software, developer; keywords: code",
        "Closest passage": "We teach Python.",
        "Standard's sentence": "Write code.",
        "Precedent HTQs": "HTQ1 HNC Software",
    }
    bare = match.candidates_frame(match.Result((crafted_candidate(passages=(), options=(), precedents=()),)))
    assert bare.loc[0, ["Closest passage", "Standard's sentence", "Options", "Precedent HTQs"]].tolist() == [""] * 4
    assert match.candidates_frame(match.Result(())).empty


def test_the_level_used_is_explained():
    assert match.level_note(match.Result(())) == ""
    chosen = match.Result((), level=5, level_source="chosen")
    assert match.level_note(chosen) == (
        "Level 5 (chosen on the page): a level 5 qualification may align to a level 4 or a level 5 standard, "
        "so neither was discounted."
    )
    stated = match.Result((), level=4, level_source="stated in the title", discounted=frozenset({5}))
    assert match.level_note(stated) == "Level 4 (stated in the title): level 5 standards were discounted by 10%."


def test_confidence_and_progression_in_words():
    assert match.confidence_words(match.HIGH).startswith(
        "High confidence: this standard stands clearly ahead of the next one. When the first candidate of a "
        "real course page was given this band in our tests, it was right 50 times in 52."
    )
    assert match.confidence_words(match.LOW).startswith("Low confidence: several standards fit about as well")
    pair = match.Progression("OCC1", "OCC2", ("a", "b", "c"), ("d", "e"))
    assert pair.explanation({"OCC1": "Nurse"}) == (
        "The programme reads as occupational progression: 3 part(s) align best with Nurse and 2 with OCC2. "
        "An HTQ drawing KSBs from both standards may fit better than either alone."
    )


def test_contributions_split_the_score_by_the_weights():
    c = crafted_candidate(level=5, lexical=0.5, semantic=0.25, precedent=1.0)
    result = match.Result((c,), scale=0.8, precedent_weight=0.6, discounted=frozenset({5}), dense_weight=0.4)
    parts = match.contributions(c, result)
    content_share = 0.9 * (1 - 0.6) / 0.8
    assert parts == pytest.approx(
        {
            "Words in common": content_share * 0.6 * 0.5,
            "Similar meaning": content_share * 0.4 * 0.25,
            "Approved HTQ precedent": 0.9 * 0.6 * 1.0 / 0.8,
        }
    )
