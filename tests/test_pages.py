"""Every page through Streamlit's AppTest: it renders without an exception, and one real interaction."""

import pytest

from htq import snapshot

from .conftest import ROOT

EXPLORE, FIND, STANDARD, ABOUT = ("pages/1_Explore_routes.py", "pages/2_Find_standards.py",
                                  "pages/3_Standard.py", "pages/9_About.py")


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_home_shows_figures_and_links_to_every_page(page):
    at = page()
    assert at.title[0].value == "HTQ Standards Explorer"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Occupations on the maps"] == "1,269"
    assert metrics["Approved HTQs"] == "293"
    assert {"Explore_routes", "Find_standards", "About"} <= {link.proto.page for link in at.page_link}
    assert "6 July 2026" in "\n".join(c.value for c in at.caption)


def test_home_level_table_is_the_chart_alternative(page):
    at = page()
    table = at.dataframe[0].value
    assert list(table["Occupations"]) == [253, 410, 218, 66, 201, 121]


def test_explore_choosing_a_route_narrows_the_map(page):
    at = page(EXPLORE)
    assert at.subheader[0].value == "All routes: 284 occupations"
    at.selectbox(key="route").select("Digital").run()
    assert not at.exception
    assert at.subheader[0].value == "Digital: 22 occupations"
    clusters = at.dataframe[0].value
    assert set(clusters["Route"]) == {"Digital"} and clusters["Occupations"].sum() == 22
    assert at.query_params["route"] == "Digital"


def test_find_search_ranks_and_mirrors_the_url(page):
    at = page(FIND)
    at.text_input(key="q").set_value("nurses").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.iloc[0]["Title"] == "Nursing associate"
    assert at.query_params["q"] == "nurses"


def test_find_filters_restore_from_the_url(page):
    at = page(FIND, route="Digital", level=["4"], has_htqs="true")
    table = at.dataframe[0].value
    assert set(table["Route"]) == {"Digital"} and set(table["Level"]) == {4}
    assert "Software developer" in set(table["Title"])
    assert at.toggle(key="has_htqs").value is True


def test_find_with_no_match_says_so(page):
    at = page(FIND, q="zzzxqv")
    assert "No standard matches" in at.warning[0].value


def test_find_ignores_unusable_url_values(page):
    at = page(FIND, level=["nine", "4"], route="Atlantis", regulated="maybe")
    assert at.multiselect(key="level").value == [4]
    assert at.multiselect(key="route").value == []
    assert at.selectbox(key="regulated").value == "any"


def test_standard_page_shows_eligibility_and_ksbs(page):
    at = page(STANDARD, code="ST0116")
    assert at.title[0].value == "Software developer"
    assert "HTQ eligibility: Eligible" in at.success[0].value
    assert "Approved HTQs aligned (27)" in [s.value for s in at.subheader]
    assert any("K1" in str(t.value.index.tolist()) for t in at.table)


def test_standard_page_without_ksbs_says_how_to_get_them(page):
    at = page(STANDARD, code="OCC0827")
    assert "python -m htq refresh" in "\n".join(i.value for i in at.info)
    assert "Nursing and Midwifery Council" in at.warning[0].value


@pytest.mark.parametrize("code, message", [("ST9999", "is not in the snapshot"),
                                           ("<script>", "is not a standard code")])
def test_standard_page_unknown_or_malformed_code(page, code, message):
    at = page(STANDARD, code=code)
    assert message in at.error[0].value
    assert at.text_input[0].label == "Standard code or name"


def test_standard_lookup_form_finds_by_words(page):
    at = page(STANDARD)
    at.text_input[0].set_value("hearing aid")
    at.button[0].click().run()
    assert not at.exception
    assert any("Hearing aid dispenser" in link.label for link in at.page_link)


def test_about_has_provenance_licence_and_accessibility(page):
    at = page(ABOUT)
    text = markdown(at)
    assert snapshot.OGL_ATTRIBUTION in text
    assert "Accessibility statement" in [h.value for h in at.header]
    assert "1,269" in text and "apprenticeship_standards_list.csv" in text


def test_broken_snapshot_shows_a_message_not_a_traceback(page, data_copy, monkeypatch):
    (data_copy / "CURRENT").write_text("missing-snapshot\n", encoding="utf-8")
    monkeypatch.setenv("HTQ_DATA_DIR", str(data_copy))
    at = page(FIND)
    assert "cannot be loaded" in at.error[0].value and "missing-snapshot" in at.error[0].value
    assert not at.dataframe


MATCH = "pages/4_Match_programme.py"


def test_match_page_submit_text_shows_candidates(page):
    at = page(MATCH)
    at.text_input(key="m_title").set_value("FdSc Nursing Associate")
    at.text_area(key="m_text").set_value("Care for adults and children\nMedicines management\nThe NMC code")
    at.button[0].click().run()
    assert not at.exception
    assert at.subheader[0].value == "Candidates for “FdSc Nursing Associate”"
    assert "**1. Nursing associate** · ST0827" in markdown(at)
    assert at.dataframe[0].value.iloc[0]["Standard"] == "ST0827"


def test_match_page_shortlists_a_candidate(page):
    at = page(MATCH)
    at.text_input(key="m_title").set_value("FdSc Software Development")
    at.button[0].click().run()
    at.checkbox(key="short_OCC0116").check().run()
    assert at.session_state["shortlist"] == ["OCC0116"]
    assert at.dataframe[-1].value.iloc[0]["Standard"] == "ST0116"


def test_match_page_upload_docx(page):
    from .docs import make_docx

    at = page(MATCH)
    at.file_uploader(key="m_file").set_value(("spec.docx", make_docx(
        "HNC Construction Management", ["Site supervision, health and safety, construction technology."]),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    at.button[0].click().run()
    assert not at.exception
    assert at.subheader[0].value == "Candidates for “HNC Construction Management”"


@pytest.mark.parametrize("name, blob, message", [
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
    ("broken.pdf", b"%PDF-1.4 nonsense", "PDF"),
])
def test_match_page_bad_upload_shows_a_message(page, name, blob, message):
    at = page(MATCH)
    at.file_uploader(key="m_file").set_value((name, blob, "application/octet-stream"))
    at.button[0].click().run()
    assert not at.exception
    assert message in at.error[0].value
    assert not at.subheader or "Candidates" not in at.subheader[0].value


def test_match_page_empty_form_asks_for_input(page):
    at = page(MATCH)
    at.button[0].click().run()
    assert "Give the programme's title" in at.error[0].value
