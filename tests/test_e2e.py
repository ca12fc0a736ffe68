"""End to end: `streamlit run app.py` on loopback, driven in headless Chromium by Playwright."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import match_programme, new_share_token, require_chromium, streamlit_server, wait_for_app
from .conftest import ROOT

pytestmark = pytest.mark.browser

PAGES = {
    "": "HTQ Standards Explorer",
    "Explore_routes": "Explore routes",
    "Find_standards": "Find standards",
    "Standard?code=ST0116": "Software developer",
    "Match_programme": "Match a programme",
    "KSB_coverage": "KSB coverage",
    "What_changed": "What changed",
    "About": "About this tool",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("db") / "e2e.sqlite3"


@pytest.fixture(scope="module")
def server(database):
    require_chromium()
    with streamlit_server(ROOT, env={"HTQ_DB_PATH": str(database), "HTQ_DATABASE_URL": ""}) as (url, _):
        yield url


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    page = context.new_page()
    yield page
    context.close()


def open_page(tab, url):
    tab.goto(url)
    wait_for_app(tab)
    return tab


@pytest.mark.parametrize("path, title", PAGES.items())
def test_every_page_opens_without_an_error(server, tab, path, title):
    open_page(tab, f"{server}/{path}")
    assert tab.locator("h1").first.inner_text() == title
    assert tab.locator('[data-testid="stException"]').count() == 0
    assert "Open Government Licence" in tab.inner_text("body")


def test_filtered_link_reopens_the_same_view(server, tab):
    open_page(tab, f"{server}/Find_standards?route=Digital&level=4&has_htqs=true")
    body = tab.inner_text("body")
    assert "10 of 1,269 occupations match" in body
    grid = tab.locator('[data-testid="stDataFrame"] table').first.inner_text()
    for title in ("Software developer", "Data analyst", "Network engineer", "Business Analyst"):
        assert title in grid
    assert "Nursing associate" not in grid


def test_typing_a_search_updates_the_url(server, tab):
    open_page(tab, f"{server}/Find_standards")
    box = tab.get_by_role("textbox", name="Search")
    box.fill("hearing aid")
    box.press("Enter")
    tab.wait_for_function("() => location.search.includes('q=hearing')")
    expect(tab.locator('[data-testid="stDataFrame"] table').first).to_contain_text("Hearing aid dispenser")


def test_clicking_a_grid_tile_narrows_the_map(server, tab):
    open_page(tab, f"{server}/Explore_routes")
    tiles = tab.locator(".js-plotly-plot").nth(1).locator(".scatterlayer .point")
    tiles.nth(2 * 16 + 6).click(force=True)  # column Level 4, row Digital (the grid is drawn column by column)
    tab.wait_for_function("() => location.search.includes('route=Digital')")
    wait_for_app(tab)
    expect(tab.get_by_text("Digital: 20 occupations")).to_have_count(1)


def test_unknown_standard_shows_a_message_and_a_search_box(server, tab):
    open_page(tab, f"{server}/Standard?code=ST9999")
    assert "ST9999 is not in the snapshot" in tab.inner_text("body")
    expect(tab.get_by_role("textbox", name="Standard code or name")).to_have_count(1)
    assert tab.locator('[data-testid="stException"]').count() == 0


def test_upload_a_docx_and_see_candidates(server, tab, tmp_path):
    from .docs import make_docx

    spec = tmp_path / "programme.docx"
    spec.write_bytes(
        make_docx(
            "FdSc Nursing Associate",
            [
                "Prepares you for registration with the Nursing and Midwifery Council.",
                "Pharmacology and medicines management",
                "Care across the lifespan",
            ],
        )
    )
    open_page(tab, f"{server}/Match_programme")
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(spec))
    expect(tab.get_by_text("programme.docx")).to_be_visible()
    tab.get_by_role("button", name="Find matching standards").click()
    expect(tab.get_by_text("Candidates for “FdSc Nursing Associate”")).to_be_visible(timeout=30_000)
    expect(tab.get_by_text("1. Nursing associate").first).to_be_visible()
    assert tab.locator('[data-testid="stException"]').count() == 0


def test_downloads_arrive_every_time_in_one_session(server, tab, tmp_path):
    """Each export clicked again and again, with reruns between, always delivers its file (a click used to
    rerun the page and, now and then, drop the file before the browser fetched it)."""
    import io

    import pandas as pd

    open_page(tab, f"{server}/Find_standards?route=Digital&level=4")
    for round_ in range(3):
        for label, read in (("Download CSV", pd.read_csv), ("Download Excel", pd.read_excel)):
            with tab.expect_download(timeout=30_000) as download:
                tab.get_by_role("button", name=label).first.click()
            path = tmp_path / f"{round_}-{download.value.suggested_filename}"
            download.value.save_as(path)
            table = read(io.BytesIO(path.read_bytes()))
            assert len(table) == 20 and "Title" in table.columns, (round_, label)
        # Reruns between rounds. The URL changes part-way through the run a click starts, so waiting for it
        # and then for the run to end leaves no rerun in flight (a click on a download button during a
        # rerun can still lose the file: the rerun drops it before the browser fetches it).
        tab.get_by_text("Has approved HTQs", exact=True).click()
        tab.wait_for_url(lambda u: "has_htqs=true" in u)
        wait_for_app(tab)
        tab.get_by_text("Has approved HTQs", exact=True).click()
        tab.wait_for_url(lambda u: "has_htqs" not in u)
        wait_for_app(tab)
    assert tab.locator('[data-testid="stException"]').count() == 0


def test_coverage_upload_propose_download_and_reopen(server, tab, tmp_path):
    spec = ROOT / "tests" / "fixtures" / "programmes" / "software-spec.txt"
    open_page(tab, f"{server}/KSB_coverage?standards=ST0116")
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(spec))
    tab.get_by_role("button", name="Read the modules").click()
    expect(tab.get_by_text("Programming Fundamentals").first).to_be_attached()
    tab.get_by_role("button", name="Propose the mapping").click()
    expect(tab.get_by_text("Review the proposal")).to_be_visible(timeout=30_000)
    wait_for_app(tab)  # a click during a rerun lands on a download button that is being replaced
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download KSB mapping sheet (.xlsx)").click()
    saved = tmp_path / "ksb-mapping.xlsx"
    download.value.save_as(saved)

    from htq import mapping_sheet

    exported = mapping_sheet.from_xlsx(saved.read_bytes(), saved.name)
    assert len(exported.rows) == 38 and exported.programme == "FdSc Software Development (Level 5)"

    open_page(tab, f"{server}/KSB_coverage")
    tab.get_by_text("Re-open a KSB mapping sheet saved earlier").click()
    # Scoped to the expander: `.last` over the page can resolve before the expander's content is attached,
    # and then the sheet lands in the module uploader above it.
    reopen = tab.get_by_test_id("stExpander").filter(has_text="Re-open a KSB mapping sheet saved earlier")
    reopen.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(saved))
    expect(reopen.get_by_text("ksb-mapping.xlsx")).to_be_visible(timeout=30_000)
    expect(tab.get_by_role("button", name="Re-open this mapping")).to_be_enabled(timeout=30_000)
    tab.get_by_role("button", name="Re-open this mapping").click()
    expect(tab.get_by_text("Review the proposal")).to_be_visible(timeout=30_000)
    expect(tab.get_by_role("textbox", name="Programme title")).to_have_value(
        "FdSc Software Development (Level 5)", timeout=30_000
    )
    assert tab.locator('[data-testid="stException"]').count() == 0


@pytest.fixture(scope="module")
def refreshed_server(tmp_path_factory):
    """The app on a data folder refreshed from the loopback source server (standards API and pages)."""
    import shutil

    from htq.ingest import refresh, sources

    from .source_server import Behaviour, SourceServer, default_pages, standards_fixtures

    require_chromium()
    data = tmp_path_factory.mktemp("refreshed") / "data"
    shutil.copytree(ROOT / "data", data)
    listing, detail = standards_fixtures()
    with SourceServer(Behaviour(listing=listing, detail=detail, pages=default_pages())) as url:
        fetcher = sources.Fetcher(sources.new_session(), timeout=(5, 5), retries=1, backoff=0.01)
        refresh.refresh(data, fetcher, sources.Endpoints(url, url), None, workers=2)
    database = tmp_path_factory.mktemp("db") / "refreshed.sqlite3"
    with streamlit_server(
        ROOT, env={"HTQ_DATA_DIR": str(data), "HTQ_DB_PATH": str(database), "HTQ_DATABASE_URL": ""}
    ) as (app_url, _):
        yield app_url


def test_what_changed_after_a_refresh(refreshed_server, tab):
    open_page(tab, f"{refreshed_server}/What_changed")
    expect(tab.get_by_role("heading", name="standard(s) changed since 2026-07-06", exact=False)).to_be_visible()
    tab.get_by_text("ST0116 Software developer: 3 KSB change(s)").click()
    expect(tab.get_by_text("reworded").first).to_be_visible()
    open_page(tab, f"{refreshed_server}/Standard?code=ST0116")
    expect(tab.get_by_text("Changed since the snapshot of 6 July 2026").first).to_be_visible()
    assert tab.locator('[data-testid="stException"]').count() == 0


def test_save_share_and_open_read_only_in_a_second_browser(server, browser, database):
    hostile = "FdSc Data <script>alert('owned')</script><b>Bold</b>"
    dialogs = []
    ann = browser.new_context(viewport={"width": 1400, "height": 2400})
    tab = ann.new_page()
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    match_programme(tab, server, hostile, "Data analysis with SQL and Python")
    tab.get_by_text("Shortlist", exact=True).first.click()
    tab.get_by_role("link", name="Saved programmes").click()
    wait_for_app(tab)
    tab.get_by_role("textbox", name="Your name").fill("Ann <i>Admin</i>")
    tab.get_by_role("textbox", name="Your name").press("Enter")
    tab.get_by_role("button", name="Save as a new programme").click()
    expect(tab.get_by_text("Open: FdSc Data", exact=False)).to_be_visible(timeout=30_000)
    token = new_share_token(tab)  # the full link is shown once; the store keeps its hash

    from htq.store import Store

    store = Store(f"sqlite:///{database}")
    saved = store.programmes()[0]
    assert saved.title == hostile and saved.updated_by == "Ann <i>Admin</i>"

    committee = browser.new_context(viewport={"width": 1400, "height": 2400})  # a second browser: no session
    view = committee.new_page()
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(view, f"{server}/Committee_view?token={token}")
    expect(view.locator("h1").first).to_have_text(hostile)  # shown as typed, not run or rendered
    assert view.locator("h1 b").count() == 0 and view.locator('[data-testid="stTextInput"]').count() == 0
    assert view.get_by_role("button", name="Save changes").count() == 0
    for other in ("Saved programmes", "Portfolio", "Find standards", "Home"):  # a share link leads nowhere else
        assert view.get_by_role("link", name=other).count() == 0, other
    expect(view.get_by_text("HTQ readiness checklist")).to_be_visible()

    store.revoke(token)
    open_page(view, f"{server}/Committee_view?token={token}")
    expect(view.locator("h1").first).to_have_text("Not found")
    assert dialogs == []
    ann.close()
    committee.close()
