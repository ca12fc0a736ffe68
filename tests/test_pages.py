"""Every page through Streamlit's AppTest: it renders without an exception, and one real interaction."""

import re

import pytest

from htq import snapshot

from .conftest import ROOT

EXPLORE, FIND, STANDARD, ABOUT = (
    "pages/1_Explore_routes.py",
    "pages/2_Find_standards.py",
    "pages/3_Standard.py",
    "pages/9_About.py",
)


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


def test_home_counts_occupations_by_level(page):
    at = page()
    table = at.table[0].value
    assert list(table["Occupations"]) == [253, 410, 218, 66, 201, 121]
    assert list(table["Band"])[2:4] == ["Higher technical", "Higher technical"]


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


def test_find_filters_on_revision_and_age_from_the_url(page):
    at = page(FIND, revision="true", not_updated_since="2018", level="all")
    assert not at.exception
    assert at.toggle(key="revision").value is True and at.selectbox(key="not_updated_since").value == 2018
    table = at.dataframe[0].value
    assert set(table["Review stage"]) <= {"in revision", "retired or withdrawn"}
    assert (table["Last updated"] < "2018-01-01").all()
    assert any("have no known update date" in c.value for c in at.caption)
    assert page(FIND, not_updated_since="1066").selectbox(key="not_updated_since").value is None


def test_standard_page_has_review_and_revision(page):
    at = page(STANDARD, code="OCC0116")
    assert "Review and revision" in [h.value for h in at.subheader]
    facts = next(t.value for t in at.table if "Map status last changed" in t.value.index)
    assert facts.loc["Approved for delivery", "Value"].startswith("not in this snapshot")
    assert any("Start and end dates of each version are not in this snapshot" in c.value for c in at.caption)


def test_find_with_no_match_says_so(page):
    at = page(FIND, q="zzzxqv")
    assert any("No standard matches" in w.value for w in at.warning)


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
    at = page(STANDARD, code="OCC0117")
    info = "\n".join(i.value for i in at.info)
    assert "Skills England publishes them" in info and "blank KSB sheet" in info and "python" not in info
    assert "Blank KSB sheet (.xlsx)" in [b.proto.label for b in at.get("download_button")]
    assert any("Nursing and Midwifery Council" in w.value for w in page(STANDARD, code="OCC0827").warning)


@pytest.mark.parametrize(
    "code, message", [("ST9999", "is not in the snapshot"), ("<script>", "is not a standard code")]
)
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
    assert "1,269" in text and "Skills England apprenticeship standards list" in text
    assert "apprenticeship_standards_list.csv" not in text and "do not edit it by hand" not in text
    assert "For administrators" in [h.value for h in at.header]
    page_text = text + "\n".join(c.value for c in at.caption)
    assert page_text.count(snapshot.OGL_ATTRIBUTION) == 1


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


def test_match_page_shows_options_passages_confidence_and_level(page):
    at = page(MATCH)
    at.text_input(key="m_title").set_value("Cyber Security Technologist Level 4 Apprenticeship")
    at.text_area(key="m_text").set_value(
        "Defend networks, respond to incidents, analyse cyber risk and engineer "
        "secure systems. Penetration testing and threat intelligence."
    )
    at.button[0].click().run()
    assert not at.exception
    text = markdown(at)
    assert "**1. Cyber security technologist** · ST1021" in text
    assert "Options of this standard, best match first" in text and "OCC1021" in text
    assert "similar in meaning" in text and "is close to the standard's" in text
    captions = "\n".join(c.value for c in at.caption)
    assert "confidence" in captions.lower() and "right" in captions
    assert "Level 4 (stated in the title)" in captions


@pytest.fixture
def without_the_model(monkeypatch):
    """The shared match index rebuilt as if the model package were missing, then rebuilt normally."""
    import ui
    from htq import match

    ui._match_index.clear()
    monkeypatch.setattr(match, "load_contextual", lambda: (None, "the model package 'x' is not installed"))
    yield
    monkeypatch.undo()
    ui._match_index.clear()


def test_match_and_coverage_pages_say_when_the_model_is_missing(page, without_the_model):
    for script in (MATCH, "pages/5_KSB_coverage.py"):
        at = page(script)
        assert any("Similar meaning is not used" in w.value for w in at.warning), script
    at = page(MATCH)
    at.text_input(key="m_title").set_value("FdSc Software Development")
    at.button[0].click().run()
    assert not at.exception and "**1. Software developer** · ST0116" in markdown(at)


def test_match_page_lists_only_eligible_standards_unless_asked(page):
    at = page(MATCH)
    at.text_input(key="m_title").set_value("Cyber security")
    at.text_area(key="m_text").set_value(
        "Network defence, incident response, digital forensics, fraud detection and "
        "financial crime, penetration testing, threat intelligence."
    )
    at.slider(key="m_top").set_value(12)
    at.button[0].click().run()
    assert "Fraud control specialist" not in markdown(at)
    assert any("cannot be applied against for HTQ approval now were left out" in c.value for c in at.caption)
    at.toggle(key="m_all").set_value(True)
    at.button[0].click().run()
    text = markdown(at)
    assert "Fraud control specialist" in text and ":red-badge[cannot be applied against]" in text
    box = at.checkbox(key="short_OCC1445")
    assert box.label.startswith("Shortlist anyway")
    box.check().run()
    assert "OCC1445" in at.session_state["shortlist"]
    assert "cannot be applied against" in at.session_state["shortlist_reasons"]["OCC1445"]


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
    at.file_uploader(key="m_file").set_value(
        (
            "spec.docx",
            make_docx("HNC Construction Management", ["Site supervision, health and safety, construction technology."]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    )
    at.button[0].click().run()
    assert not at.exception
    assert at.subheader[0].value == "Candidates for “HNC Construction Management”"


@pytest.mark.parametrize(
    "name, blob, message",
    [
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "PDF"),
    ],
)
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


COVERAGE = "pages/5_KSB_coverage.py"
SPEC_TEXT = (ROOT / "tests" / "fixtures" / "programmes" / "software-spec.txt").read_text(encoding="utf-8")


def proposed(page):
    at = page(COVERAGE, standards="ST0116")
    at.text_area(key="cov_paste").set_value(SPEC_TEXT.split("\n", 1)[1])
    at.button(key="cov_read_paste").click().run()
    next(b for b in at.button if b.label == "Propose the mapping").click().run()
    assert not at.exception
    return at


def test_coverage_page_proposes_a_mapping_for_real_ksbs(page):
    at = proposed(page)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Reviewed"], metrics["Still proposed"]) == ("0 of 38", "38")  # nothing decided yet
    assert int(metrics["Full"]) + int(metrics["Partial"]) + int(metrics["None"]) == 0
    table = at.get("data_editor")[-1].value
    assert list(table["Code"][:3]) == ["K1", "K2", "K3"]
    assert any("Every KSB covered or justified" in m.value for m in at.markdown)


def test_coverage_page_takes_the_shortlist(page):
    at = page(COVERAGE, standards=["ST0116", "ST0118"])
    assert at.multiselect(key="standards").value == ["ST0116", "ST0118"]
    assert "ST0118: 37 KSBs from the snapshot" in [c.value for c in at.caption]


def test_coverage_page_asks_for_ksbs_the_snapshot_lacks(page):
    at = page(COVERAGE, standards="ST0117")
    at.text_area(key="ksbtext_ST0117").set_value("K1 understand stakeholders\nS1 model business processes")
    at.button(key="ksbuse_ST0117").click().run()
    assert not at.exception
    assert "ST0117: 2 KSBs imported" in " ".join(c.value for c in at.caption)


def test_coverage_page_bad_ksb_paste_gets_a_message(page):
    at = page(COVERAGE, standards="ST0117")
    at.text_area(key="ksbtext_ST0117").set_value("no codes here")
    at.button(key="ksbuse_ST0117").click().run()
    assert "No KSBs found for ST0117" in at.error[0].value


def test_coverage_page_reopens_an_exported_sheet(page, snap):
    from htq import coverage, embed, mapping_sheet, programme

    structure = programme.read_structure(SPEC_TEXT.encode(), "spec.txt")
    embedder = embed.ContextualEmbedder()
    rows = coverage.apply_edits(
        coverage.propose(structure.modules, [snap.data.content["ST0116"]], embedder).rows,
        [{"standard": "ST0116", "code": "B1", "coverage": "partial", "notes": "workplace"}],
    )
    blob = mapping_sheet.to_xlsx(structure.title, rows, structure.modules, {})
    at = page(COVERAGE)
    at.file_uploader(key="cov_import").set_value(("ksb-mapping.xlsx", blob, "application/vnd.ms-excel"))
    at.run()
    at.button(key="cov_import_go").click().run()
    assert not at.exception
    table = at.get("data_editor")[-1].value.set_index("Code")
    assert (table.loc["B1", "Coverage"], table.loc["B1", "Notes"]) == ("partial", "workplace")
    assert at.text_input(key="cov_title").value == structure.title


def test_coverage_page_bad_mapping_sheet(page):
    at = page(COVERAGE)
    at.file_uploader(key="cov_import").set_value(("ksb-mapping.xlsx", b"PK\x03\x04broken", "application/vnd.ms-excel"))
    at.run()
    at.button(key="cov_import_go").click().run()
    assert "not a readable .xlsx" in at.error[0].value


CHANGED = "pages/6_What_changed.py"


@pytest.fixture
def refreshed(data_copy, snap, monkeypatch):
    """A data folder holding the shipped snapshot and a refresh from the loopback server on top of it."""
    from htq.ingest import refresh, sources

    from .source_server import Behaviour, SourceServer, default_pages, standards_fixtures

    listing, detail = standards_fixtures()
    behaviour = Behaviour(listing=listing, detail=detail, pages=default_pages())
    with SourceServer(behaviour) as url:
        fetcher = sources.Fetcher(sources.new_session(), timeout=(5, 5), retries=1, backoff=0.01)
        refresh.refresh(data_copy, fetcher, sources.Endpoints(url, url), None, workers=2)
    monkeypatch.setenv("HTQ_DATA_DIR", str(data_copy))
    return data_copy


def test_what_changed_with_one_snapshot_says_how_to_refresh(page):
    at = page(CHANGED)
    assert "your administrator refreshes" in at.info[0].value and "python" not in at.info[0].value


def test_what_changed_lists_the_refreshed_changes(page, refreshed):
    at = page(CHANGED)
    assert "standard(s) changed since 2026-07-06" in at.subheader[0].value
    table = at.dataframe[-1].value
    assert "ST0116" in set(table["Standard"])
    assert any("ST0116 Software developer: 3 KSB change(s)" in e.label for e in at.expander)


def test_banner_and_refreshed_ksbs_on_the_standard_page(page, refreshed):
    at = page(STANDARD, code="ST0116")
    assert "changed since 2026-07-06" in at.info[0].value  # the app-wide banner
    assert "K12 reworded" in at.warning[0].value and "S18 added" in at.warning[0].value
    caption = " ".join(c.value for c in at.caption)
    assert "ST0116, version 1.2" in caption and "apprenticeship standards API" in caption
    duties = at.dataframe[-1].value
    assert list(duties.columns) == ["Duty", "Description", "KSBs", "Core"] and duties.iloc[0]["KSBs"] == "K1, K2, S9"


SAVED, PORTFOLIO, COMMITTEE = "pages/7_Saved_programmes.py", "pages/8_Portfolio.py", "pages/90_Committee_view.py"
HOSTILE = "FdSc Software Development <script>alert(1)</script>"


def saved_session(page, title=HOSTILE):
    """Match a programme, shortlist its first candidate, and save it as Ann; return the AppTest."""
    at = page(MATCH)
    at.text_input(key="m_title").set_value(title)
    at.button[0].click().run()
    at.checkbox(key="short_OCC0116").check().run()
    at.switch_page(str(ROOT / SAVED))
    at.run()
    at.text_input(key="who").set_value("Ann").run()
    next(b for b in at.button if b.label == "Save as a new programme").click().run()
    assert not at.exception
    return at


def test_saving_needs_a_name(page):
    at = page(SAVED)
    assert next(b for b in at.button if b.label == "Save as a new programme").disabled


def test_save_then_reopen(page):
    at = saved_session(page)
    assert at.subheader[-1].value.startswith("Open: FdSc Software Development")
    programmes = at.dataframe[0].value
    assert list(programmes["Programme"]) == [HOSTILE] and programmes.iloc[0]["By"] == "Ann"
    assert programmes.iloc[0]["Standards"] == "ST0116"


def test_readiness_answers_are_saved_with_who(page):
    at = saved_session(page)
    editor = at.get("data_editor")[-1]
    row = list(editor.value["Prompt"]).index("B2a")
    at.session_state[editor.key] = {
        "edited_rows": {row: {"Answer": "Yes", "Evidence": "Consent form section 4"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    from htq.store import Store

    saved = Store().programmes()[0]
    assert (saved.answers["B2a"].answer, saved.answers["B2a"].answered_by) == ("Yes", "Ann")


def test_share_link_opens_read_only_and_revoked_is_not_found(page):
    at = saved_session(page)
    next(b for b in at.button if b.label == "Create a read-only link").click().run()
    from htq.store import Store

    store = Store()
    link = next(c.value for c in at.code if "Committee_view?token=" in c.value)  # shown once, at creation
    token = link.split("token=", 1)[1]
    assert store.shares(store.programmes()[0].id)[0].token == ""  # the store keeps only its hash
    view = page(COMMITTEE, token=token)
    assert view.title[0].value == HOSTILE
    assert not view.text_input and not view.get("data_editor") and not view.checkbox
    assert "HTQ readiness checklist" in [s.value for s in view.subheader]
    store.revoke(token)
    gone = page(COMMITTEE, token=token)
    assert gone.title[0].value == "Not found"
    assert page(COMMITTEE, token="nonsense").title[0].value == "Not found"


def test_a_second_save_from_a_stale_copy_gets_a_message(page):
    first = saved_session(page)
    second = page(SAVED)
    second.text_input(key="who").set_value("Ben").run()
    from htq.store import Store

    store = Store()
    opened = store.programmes()[0]
    second.session_state["open_programme"] = opened
    second.run()
    next(b for b in first.button if b.label == "Save changes").click().run()  # Ann saves first
    next(b for b in second.button if b.label == "Save changes").click().run()  # Ben's copy is now stale
    assert not second.exception
    assert "Ann saved" in second.error[0].value and "Reload it" in second.error[0].value
    assert any("Reload the saved version" in b.label for b in second.button)


def test_portfolio_lists_saved_programmes(page):
    saved_session(page)
    at = page(PORTFOLIO)
    table = at.dataframe[0].value
    assert list(table["Standard"]) == ["ST0116"] and list(table["Route"]) == ["Digital"]
    unserved = at.dataframe[-1].value
    assert "ST0118" in set(unserved["Standard"]) and "ST0116" not in set(unserved["Standard"])


def test_portfolio_without_programmes(page):
    assert "No programme is saved yet" in page(PORTFOLIO).info[0].value


def test_alert_after_a_refresh_changes_a_mapped_standard(page, refreshed, snap):
    from htq.store import Store

    from .programmes import mapped_programme

    Store().migrate()  # mapped against v1.1 of the shipped snapshot; `refreshed` makes v1.2 current
    Store().create(mapped_programme(snap, modules=("SD502",)), by="Ann")
    at = page(PORTFOLIO)
    assert "1 programme(s) affected" in at.warning[0].value
    alerts_table = at.dataframe[1].value
    reworded = alerts_table[alerts_table["Change"] == "KSB reworded"].iloc[0]
    assert reworded["Mapped KSBs affected"] == "K12" and "SD502 still evidence K12" in reworded["What to re-check"]
    assert set(alerts_table["Change"]) >= {"new version", "KSB reworded", "KSB added", "KSB removed"}


def test_standard_page_links_to_the_official_records(page):
    at = page(STANDARD, code="OCC0116")
    buttons = at.get("link_button")
    urls = [b.proto.url for b in buttons]
    assert "https://occupational-maps.skillsengland.education.gov.uk/maps/occupation/OCC0116" in urls
    assert any("not yet known in this snapshot" in c.value for c in at.caption)


def test_an_old_snapshot_says_so_on_every_page(page):
    for script in (FIND, STANDARD, ABOUT):
        at = page(script, code="OCC0116") if script == STANDARD else page(script)
        assert any("days ago" in w.value and "administrator can refresh" in w.value for w in at.warning), script


def test_ksb_provenance_is_said_plainly(page):
    software = page(STANDARD, code="OCC0116")
    warnings = [w.value.replace("\\", "") for w in software.warning]  # markdown escapes removed
    assert any("These KSBs are version 1.1; the standard is now at version 1.2" in w for w in warnings)
    assert any(w.startswith("Copied from a third-party publication") for w in warnings)
    assert "github.com/MultiverseLearningProducts/curriculum" in " ".join(
        b.proto.url for b in software.get("link_button")
    )
    cyber = page(STANDARD, code="OCC1021A")
    assert any("This list is partial" in w.value for w in cyber.warning)
    assert any("does not say which version" in w.value for w in cyber.warning)


def test_no_page_shows_programme_leads_a_command(page):
    for script in (FIND, STANDARD, MATCH, "pages/5_KSB_coverage.py", CHANGED, SAVED, PORTFOLIO):
        at = page(script, code="OCC0117") if script == STANDARD else page(script)
        shown = [
            e.value
            for kind in ("markdown", "caption", "info", "warning", "error")
            for e in getattr(at, kind)
            if isinstance(getattr(e, "value", None), str)
        ]
        assert not any(re.search(r"python -m|`make |htq (refresh|build)", t) for t in shown), script


def test_a_failing_database_is_a_clear_message_on_every_store_page(page, monkeypatch):
    from htq import store

    def broken(*args, **kwargs):
        raise store.StoreError("the database is busy: another save held it too long. Try again in a moment.")

    for name in ("programmes", "resolve", "shares"):
        monkeypatch.setattr(store.Store, name, broken)
    for script, params in ((SAVED, {}), (PORTFOLIO, {}), (COMMITTEE, {"token": "x" * 32})):
        at = page(script, **params)
        assert not at.exception, script
        assert any("Saved programmes are not available: the database is busy" in e.value for e in at.error), script


AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "htq",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def test_with_sign_in_configured_every_page_but_the_committee_view_asks_visitors_to_sign_in(page):
    for script in (None, FIND, STANDARD, SAVED, PORTFOLIO, ABOUT, COVERAGE):
        at = page(script, secrets=AUTH) if script != STANDARD else page(script, secrets=AUTH, code="OCC0116")
        assert [b.label for b in at.button] == ["Sign in"], script
        assert not at.dataframe and not at.text_input, script  # nothing of the installation is shown
    from htq.store import SavedProgramme, Store

    store = Store()
    store.migrate()
    saved = store.create(SavedProgramme(id="", title="FdSc Shared"), by="Ann", owner="ann@college.ac.uk")
    link = store.share(saved.id, by="Ann")
    view = page(COMMITTEE, secrets=AUTH, token=link.token)
    assert view.title[0].value == "FdSc Shared" and "Sign in" not in [b.label for b in view.button]


def test_local_mode_refuses_to_serve_other_addresses(page, monkeypatch):
    from streamlit import config

    config.set_option("server.address", "0.0.0.0")
    try:
        at = page(FIND)
        assert at.title[0].value == "Sign-in is not configured" and not at.dataframe
        monkeypatch.setenv("HTQ_ALLOW_OPEN", "1")  # the administrator says so explicitly
        assert page(FIND).title[0].value == "Find standards"
    finally:
        config.set_option("server.address", "127.0.0.1")
