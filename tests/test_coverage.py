"""KSB coverage on real KSBs: proposal, edits, totals, gaps, duties and the approval criteria checks."""

from dataclasses import replace

import pytest

from htq import coverage, embed, programme
from htq.coverage import FULL, NONE, PARTIAL, MappingRow
from htq.model import Duty, Ksb, StandardContent
from htq.programme import Module

from .conftest import FIXTURES

SPEC = FIXTURES / "programmes" / "software-spec.txt"


@pytest.fixture(scope="module")
def embedder(snap):
    return embed.ContextualEmbedder()


@pytest.fixture(scope="module")
def structure():
    return programme.read_structure(SPEC.read_bytes(), SPEC.name)


@pytest.fixture(scope="module")
def proposal(snap, structure, embedder):
    return coverage.propose(structure.modules, [snap.data.content["ST0116"]], embedder)


def row(proposal, code):
    return next(r for r in proposal.rows if r.code == code)


def test_every_ksb_of_the_real_standard_gets_a_row(proposal, snap):
    assert [r.code for r in proposal.rows] == [k.code for k in snap.data.content["ST0116"].ksbs]
    assert all(r.coverage in coverage.GRADES and 0 <= r.score <= 1 for r in proposal.rows)
    assert all(r.version == "1.1" and r.decision == coverage.PROPOSED for r in proposal.rows)


@pytest.mark.parametrize(
    "code, module", [("K10", "SD403"), ("K12", "SD502"), ("K5", "SD501"), ("S10", "SD503"), ("K9", "SD401")]
)
def test_clear_ksbs_are_fully_covered_by_the_right_module(proposal, code, module):
    r = row(proposal, code)
    assert r.coverage == FULL and r.evidence[0].module == module


def test_ksb_with_no_matching_outcome_is_a_gap(proposal):
    assert row(proposal, "B1").coverage == NONE and not row(proposal, "B1").evidence


def test_module_matrix_has_every_module_and_ksb(proposal, structure):
    assert list(proposal.module_scores.index) == [m.code for m in structure.modules]
    assert proposal.module_scores.shape[1] == 38
    assert proposal.module_scores.loc["SD403", "ST0116 K10"] == row(proposal, "K10").score


def test_edits_change_reject_and_note(proposal):
    edited = coverage.apply_edits(
        proposal.rows,
        [
            {"standard": "ST0116", "code": "B1", "coverage": "partial", "decision": "Proposed", "notes": "Workplace"},
            {"standard": "ST0116", "code": "K10", "coverage": "full", "decision": "Rejected", "notes": ""},
            {"standard": "ST0116", "code": "K12", "coverage": "full", "decision": "Accepted", "notes": ""},
        ],
    )
    by = {r.code: r for r in edited}
    assert (by["B1"].coverage, by["B1"].decision, by["B1"].notes) == (PARTIAL, coverage.CHANGED, "Workplace")
    assert (by["K10"].coverage, by["K10"].decision) == (NONE, coverage.REJECTED)
    assert by["K12"].decision == coverage.ACCEPTED
    with pytest.raises(ValueError, match="coverage must be full, partial or none"):
        coverage.apply_edits(proposal.rows, [{"standard": "ST0116", "code": "K1", "coverage": "most"}])


def test_totals_by_type_add_up(proposal):
    totals = coverage.totals(proposal.rows)
    assert list(totals["Type"]) == ["Knowledge", "Skill", "Behaviour"]
    assert list(totals["KSBs"]) == [12, 17, 9]
    assert (totals["Full"] + totals["Partial"] + totals["None"] == totals["Reviewed"]).all()
    assert (totals["Reviewed"] + totals["Still proposed"] == totals["KSBs"]).all()


def test_untouched_proposals_are_never_counted_as_coverage(proposal):
    """The committee read "Knowledge 83%" while 35 of 38 rows were untouched proposals."""
    assert sum(r.coverage != NONE for r in proposal.rows) > 20  # the tool proposes most KSBs covered
    untouched = coverage.totals(proposal.rows)
    assert set(untouched["Covered (reviewed)"]) == {"0%"} and untouched["Reviewed"].sum() == 0
    assert untouched["Proposed as covered"].sum() == sum(r.coverage != NONE for r in proposal.rows)

    knowledge = [r for r in proposal.rows if r.kind == "knowledge"]
    decided = coverage.apply_edits(
        proposal.rows,
        [{"standard": r.standard, "code": r.code, "decision": "Accepted", "coverage": "full"} for r in knowledge[:3]],
    )
    k = coverage.totals(decided).set_index("Type").loc["Knowledge"]
    assert (k["Reviewed"], k["Full"], k["Still proposed"], k["Covered (reviewed)"]) == (3, 3, 9, "25%")
    assert coverage.review_summary(decided).startswith("3 of 38 KSB rows have been reviewed")
    assert (
        coverage.review_summary(
            coverage.apply_edits(
                proposal.rows, [{"standard": r.standard, "code": r.code, "decision": "Rejected"} for r in proposal.rows]
            )
        )
        == "All 38 KSB rows have been reviewed by the team."
    )


def test_gaps_are_uncovered_or_unjustified_partial(proposal):
    noted = coverage.apply_edits(
        proposal.rows,
        [{"standard": r.standard, "code": r.code, "notes": "ok"} for r in proposal.rows if r.coverage == PARTIAL],
    )
    assert {r.coverage for r in coverage.gaps(noted)} <= {NONE}
    assert any(r.coverage == PARTIAL for r in coverage.gaps(proposal.rows))


def ksb_rows(*spec, decision=coverage.ACCEPTED):
    """Rows for crafted checks, reviewed by the team unless told: (code, coverage, modules evidencing it, notes)."""
    return [
        MappingRow(
            "ST9001",
            "1.0",
            "knowledge",
            code,
            f"statement {code}",
            grade,
            grade,
            tuple(coverage.Evidence(m, "outcome", 0.6) for m in mods),
            0.6,
            "high",
            decision=decision,
            notes=notes,
        )
        for code, grade, mods, notes in spec
    ]


def modules(*spec):
    return [Module(code, code, level, 20, core) for code, level, core in spec]


def status(checks, name):
    return next(c for c in checks if c.name.startswith(name)).status


def test_all_covered_passes_and_unjustified_partial_warns():
    mods = modules(("A", 4, True))
    good = ksb_rows(("K1", FULL, ["A"], ""), ("K2", PARTIAL, ["A"], "workplace"))
    assert status(coverage.check_criteria(good, mods, {"ST9001": 4}), "Every KSB") == "pass"
    weak = ksb_rows(("K1", FULL, ["A"], ""), ("K2", PARTIAL, ["A"], ""))
    assert status(coverage.check_criteria(weak, mods, {"ST9001": 4}), "Every KSB") == "warn"
    gap = ksb_rows(("K1", NONE, [], ""))
    assert status(coverage.check_criteria(gap, mods, {"ST9001": 4}), "Every KSB") == "fail"


def test_every_choice_of_options_must_keep_the_standard_covered():
    mods = modules(("CORE", 4, True), ("OPT1", 4, False), ("OPT2", 4, False), ("OPT3", 4, False))
    # K2 is only in OPT1: choosing OPT2+OPT3 (2 of 3) loses it.
    rows = ksb_rows(("K1", FULL, ["CORE"], ""), ("K2", FULL, ["OPT1"], ""), ("K3", FULL, ["OPT2", "OPT3"], ""))
    checks = coverage.check_criteria(rows, mods, {"ST9001": 4}, options_to_choose=2)
    failing = next(c for c in checks if c.name.startswith("Core plus"))
    assert failing.status == "fail" and "OPT2, OPT3 misses ST9001 K2" in failing.detail and "1 of 3" in failing.detail
    fixed = ksb_rows(("K1", FULL, ["CORE"], ""), ("K2", FULL, ["OPT1", "CORE"], ""), ("K3", FULL, ["OPT2", "OPT3"], ""))
    assert status(coverage.check_criteria(fixed, mods, {"ST9001": 4}, 2), "Core plus") == "pass"
    assert status(coverage.check_criteria(fixed, mods, {"ST9001": 4}, 0), "Core plus") == "warn"


def test_module_levels_against_the_standard():
    rows = ksb_rows(("K1", FULL, ["A"], ""))
    assert status(coverage.check_criteria(rows, modules(("A", 3, True)), {"ST9001": 4}), "Module levels") == "fail"
    assert status(coverage.check_criteria(rows, modules(("A", 4, True)), {"ST9001": 5}), "Module levels") == "warn"
    assert status(coverage.check_criteria(rows, modules(("A", 5, True)), {"ST9001": 5}), "Module levels") == "pass"
    assert status(coverage.check_criteria(rows, [Module("A", "A")], {"ST9001": 4}), "Module levels") == "warn"


def test_roll_up_by_duty():
    std = StandardContent(
        "ST9001",
        "Test",
        "1.0",
        True,
        ksbs=(Ksb("K1", "knowledge", "a"), Ksb("K2", "knowledge", "b")),
        duties=(Duty("D1", "Do a", ("K1",)), Duty("D2", "Do b", ("K1", "K2"))),
    )
    rows = ksb_rows(("K1", FULL, ["A"], ""), ("K2", NONE, [], ""))
    table = coverage.by_duty(rows, [std]).set_index("Duty")
    assert table.loc["D1", "Status"] == "covered" and table.loc["D2", "Status"] == "gaps"


def test_several_standards_are_kept_apart(snap, structure, embedder):
    both = coverage.propose(structure.modules, [snap.data.content["ST0116"], snap.data.content["ST0118"]], embedder)
    assert {r.standard for r in both.rows} == {"ST0116", "ST0118"}
    assert len({r.key for r in both.rows}) == len(both.rows) == 38 + 37


def test_standards_rebuilt_from_rows(proposal):
    rebuilt = coverage.standards_from_rows(proposal.rows)
    assert [k.code for k in rebuilt[0].ksbs] == [r.code for r in proposal.rows]


def test_empty_programme_proposes_no_coverage(snap, embedder):
    empty = coverage.propose([], [snap.data.content["ST0118"]], embedder)
    assert {r.coverage for r in empty.rows} == {NONE}


def test_without_the_model_coverage_rests_on_shared_words(snap, structure):
    words_only = coverage.propose(structure.modules, [snap.data.content["ST0116"]], None)
    assert len(words_only.rows) == 38
    texts = ["Design and build responsive user interfaces", "Write SQL queries"]
    sim = coverage.similarity(texts, ["develop effective user interfaces", "unrelated statement about ethics"], None)
    assert sim[0, 0] > 0 and sim[1, 1] == 0


def test_meaning_finds_coverage_shared_words_miss(snap, embedder):
    module = programme.Module(
        "DO1",
        "Monitoring and Reliability",
        outcomes=("Collect and analyse logs and metrics to find the cause of a fault",),
    )
    ksb = [
        "Interpret logs and metrics data within the appropriate context to identify issues and make informed decisions."
    ]
    with_model = coverage.similarity([f"{module.title}. {module.outcomes[0]}"], ksb, embedder)[0, 0]
    words_only = coverage.similarity([f"{module.title}. {module.outcomes[0]}"], ksb, None)[0, 0]
    assert with_model >= coverage.PARTIAL_AT > words_only * 0.5


def test_coverage_constants_are_the_measured_ones():
    assert (coverage.FULL_AT, coverage.PARTIAL_AT) == (0.5, 0.38)
    assert coverage.CONTEXTUAL_COSINE_RANGE == (0.1, 0.7)


def test_a_partial_ksb_list_is_never_shown_as_complete_coverage():
    rows = [MappingRow("ST9001", "1.0", "knowledge", "K1", "x", FULL, FULL, decision=coverage.ACCEPTED)]
    checks = coverage.check_criteria(rows, [Module("A", "A", level=4)], {"ST9001": 4}, partial_lists=["ST9001"])
    every = next(c for c in checks if c.name.startswith("Every KSB"))
    assert every.status == "warn" and "partial" in every.detail
    assert (
        next(
            c
            for c in coverage.check_criteria(rows, [Module("A", "A", level=4)], {"ST9001": 4})
            if c.name.startswith("Every KSB")
        ).status
        == "pass"
    )


def test_one_rule_for_partial_without_justification():
    """The Gaps tab, the criteria check and the committee report share `needs_justification`."""
    rows = ksb_rows(("K1", "full", ["M1"], ""), ("K2", "partial", ["M1"], "   "), ("K3", "partial", ["M1"], "In work"))
    assert [r.code for r in rows if coverage.needs_justification(r)] == ["K2"]  # a blank note is no reason
    assert [r.code for r in coverage.gaps(rows)] == ["K2"]
    frame = coverage.gaps_frame(rows)
    assert list(frame["Why listed"]) == ["partial, with no note saying why that is acceptable"]
    first = coverage.check_criteria(rows, modules(("M1", 4, True)), {"ST9001": 4})[0]
    assert first.status == "warn" and "ST9001 K2" in first.detail and "K3" not in first.detail
    noted = [replace(r, notes="Assessed at work") for r in rows]
    assert (
        coverage.gaps(noted) == []
        and status(coverage.check_criteria(noted, modules(("M1", 4, True)), {"ST9001": 4}), "Every KSB") == "pass"
    )


def test_check_never_passes_while_rows_are_still_proposed():
    spec = (("K1", "full", ["M1"], ""), ("K2", "full", ["M1"], ""))
    proposed = coverage.check_criteria(
        ksb_rows(*spec, decision=coverage.PROPOSED), modules(("M1", 4, True)), {"ST9001": 4}
    )[0]
    assert proposed.status == "warn" and "2 of 2 KSB(s) are still the tool's proposals" in proposed.detail
    assert (
        status(coverage.check_criteria(ksb_rows(*spec), modules(("M1", 4, True)), {"ST9001": 4}), "Every KSB") == "pass"
    )


@pytest.mark.parametrize(
    "score, grade, confidence",
    [
        (0.0, coverage.NONE, "high"),
        (0.279, coverage.NONE, "high"),  # 0.101 below the partial threshold
        (0.32, coverage.NONE, "medium"),
        (0.379, coverage.NONE, "low"),
        (0.38, coverage.PARTIAL, "low"),
        (0.44, coverage.PARTIAL, "medium"),
        (0.499, coverage.PARTIAL, "low"),
        (0.5, coverage.FULL, "low"),
        (0.56, coverage.FULL, "medium"),
        (0.61, coverage.FULL, "high"),
    ],
)
def test_grades_and_their_confidence_at_the_thresholds(score, grade, confidence):
    assert coverage.grade(score) == grade
    assert coverage.proposal_confidence(score) == confidence


def test_with_the_model_similarity_is_half_words_half_meaning(embedder):
    items, ksbs = ["Design and test relational databases"], ["Design, build and test data stores"]
    words = coverage.similarity(items, ksbs, None)[0, 0]
    both = coverage.similarity(items, ksbs, embedder)[0, 0]
    cosine = float(embedder.embed(items[0]) @ embedder.embed(ksbs[0]))
    meaning = min(1.0, max(0.0, (cosine - 0.1) / (0.7 - 0.1)))
    assert both == pytest.approx(0.5 * words + 0.5 * meaning, abs=1e-5)


def detail(check):
    return check.status, check.detail


def test_every_ksb_check_says_exactly_what_is_wrong():
    accepted = coverage.ACCEPTED
    full = ksb_rows(("K1", FULL, ["A"], ""), ("K2", FULL, ["A"], ""), decision=accepted)
    assert detail(coverage.check_every_ksb(full)) == (
        "pass",
        "All 2 KSBs are reviewed and covered in full, or in part with a reason.",
    )
    gaps = ksb_rows(("K1", NONE, [], ""), ("K2", NONE, [], ""), ("K3", FULL, ["A"], ""), decision=accepted)
    assert detail(coverage.check_every_ksb(gaps)) == ("fail", "2 KSB(s) not covered: ST9001 K1, ST9001 K2")
    weak = ksb_rows(("K1", PARTIAL, ["A"], ""), decision=accepted)
    assert detail(coverage.check_every_ksb(weak)) == (
        "warn",
        "1 partial KSB(s) need a note saying why partial coverage is acceptable (e.g. better delivered in "
        "the workplace): ST9001 K1",
    )
    pending = ksb_rows(("K1", FULL, ["A"], ""), ("K2", FULL, ["A"], ""), decision=coverage.PROPOSED)
    assert detail(coverage.check_every_ksb(pending)) == (
        "warn",
        "Cannot be confirmed yet: 2 of 2 KSB(s) are still the tool's proposals. Accept, change or reject each one.",
    )
    assert detail(coverage.check_every_ksb([])) == ("n/a", "No KSBs to check.")
    assert detail(coverage.check_every_ksb(full, ["ST9001", "ST0001"])) == (
        "warn",
        "Cannot be confirmed: the KSB list of ST9001 is partial, so KSBs missing from it are not checked. "
        "Import the full list from the standard's page.",
    )
    many = ksb_rows(*((f"K{n}", NONE, [], "") for n in range(1, 21)), decision=accepted)
    assert coverage.check_every_ksb(many).detail.endswith("ST9001 K15")  # the first 15 are named


def test_every_choice_check_messages():
    rows = ksb_rows(("K1", FULL, ["CORE"], ""), ("K2", FULL, ["OPT1"], ""), ("K3", FULL, ["OPT2", "OPT3"], ""))
    mods = modules(("CORE", 4, True), ("OPT1", 4, False), ("OPT2", 4, False), ("OPT3", 4, False))
    assert detail(coverage.check_every_choice(rows, mods, 2)) == (
        "fail",
        "1 of 3 choices of 2 option(s) leave KSBs uncovered; e.g. OPT2, OPT3 misses ST9001 K2.",
    )
    assert detail(coverage.check_every_choice(rows, mods, 3)) == (
        "pass",
        "All 1 choices of 3 from 3 option(s) keep every covered KSB covered.",
    )
    assert detail(coverage.check_every_choice(rows, mods, 9)) == detail(coverage.check_every_choice(rows, mods, 3))
    assert detail(coverage.check_every_choice(rows, mods, None)) == (
        "warn",
        "3 optional module(s): say how many a student chooses to check every combination.",
    )
    assert coverage.check_every_choice(rows, modules(("CORE", 4, True)), 1).status == "n/a"
    wide = modules(*((f"O{n}", 4, False) for n in range(30)))
    assert detail(coverage.check_every_choice(rows, wide, 10)) == (
        "warn",
        "30,045,015 combinations of 10 from 30 options: too many to check one by one.",
    )
    assert coverage.MAX_OPTION_SETS == 50_000


def test_module_level_check_messages():
    rows = ksb_rows(("K1", FULL, ["A"], ""))
    assert detail(coverage.check_module_levels(rows, modules(("A", 3, True), ("B", 6, True)), {"ST9001": 4})) == (
        "fail",
        "Modules outside levels 4-5 in an HTQ: A (level 3), B (level 6)",
    )
    assert detail(coverage.check_module_levels(rows, modules(("A", 4, True)), {"ST9001": 5})) == (
        "warn",
        "ST9001 is a level 5 standard but no level 5 module evidences its KSBs.",
    )
    assert detail(coverage.check_module_levels(rows, modules(("A", 5, True), ("B", 4, True)), {"ST9001": 5})) == (
        "pass",
        "Modules are at levels 4, 5; standards at ST9001 level 5.",
    )
    assert coverage.check_module_levels(rows, [Module("A", "A")], {}).detail == (
        "No module has a level: add levels to check."
    )
    checks = coverage.check_criteria(rows, modules(("A", 4, True)), {"ST9001": 4})
    assert [c.name for c in checks] == [coverage.EVERY_KSB, coverage.EVERY_CHOICE, coverage.MODULE_LEVELS]


def test_the_mapping_table_writes_each_row_out():
    (r,) = ksb_rows(("K1", PARTIAL, ["A", "B"], "on placement"), decision=coverage.CHANGED)
    r = replace(r, decided_by="ana@example.org", decided_at="2026-12-01T10:00")
    frame = coverage.rows_frame([r])
    assert list(frame.columns) == coverage.ROWS_COLUMNS
    assert frame.iloc[0].to_dict() == {
        "Standard": "ST9001",
        "Type": "Knowledge",
        "Code": "K1",
        "Statement": "statement K1",
        "Coverage": PARTIAL,
        "Proposed": PARTIAL,
        "Score": 0.6,
        "Confidence": "high",
        "Evidence": "A: outcome (0.60)\nB: outcome (0.60)",
        "Decision": coverage.CHANGED,
        "Notes": "on placement",
        "Decided by": "ana@example.org",
        "Decided at": "2026-12-01T10:00",
    }
    assert coverage.rows_frame([]).empty and list(coverage.rows_frame([]).columns) == coverage.ROWS_COLUMNS


def test_duty_roll_up_counts_and_says_each_status():
    std = StandardContent(
        "ST9001",
        "Test",
        "1.0",
        True,
        ksbs=tuple(Ksb(f"K{n}", "knowledge", "x") for n in range(1, 4)),
        duties=(
            Duty("D1", "All full", ("K1",)),
            Duty("D2", "Has a gap", ("K1", "K3")),
            Duty("D3", "Part covered", ("K1", "K2")),
            Duty("D4", "Not linked", ("K9",)),
        ),
    )
    rows = ksb_rows(("K1", FULL, ["A"], ""), ("K2", PARTIAL, ["A"], "x"), ("K3", NONE, [], ""))
    table = coverage.by_duty(rows, [std])
    assert list(table.columns) == ["Standard", "Duty", "Description", "KSBs", "Full", "Partial", "None", "Status"]
    assert table.to_dict("records")[1] == {
        "Standard": "ST9001",
        "Duty": "D2",
        "Description": "Has a gap",
        "KSBs": "K1, K3",
        "Full": 1,
        "Partial": 0,
        "None": 1,
        "Status": "gaps",
    }
    assert list(table["Status"]) == ["covered", "gaps", "partly covered", "no KSBs linked"]
