"""Two app servers on one PostgreSQL, as an institution runs them behind a proxy: a save made on one is
seen on the other, and a save from a stale copy on the other is refused, naming who saved."""

from __future__ import annotations

import pytest

from .browser import require_chromium, streamlit_server, wait_for_app
from .conftest import ROOT, fresh_postgres

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def servers():
    require_chromium()
    with fresh_postgres() as url:
        env = {"HTQ_DATABASE_URL": url}
        with streamlit_server(ROOT, env=env) as (a, _), streamlit_server(ROOT, env=env) as (b, _):
            yield a, b, url


def open_saved(tab, base, name):
    tab.goto(f"{base}/Saved_programmes")
    wait_for_app(tab)
    tab.get_by_role("textbox", name="Your name").fill(name)
    tab.get_by_role("textbox", name="Your name").press("Enter")
    wait_for_app(tab)


def test_a_save_on_one_server_is_seen_and_a_stale_save_refused_on_the_other(servers, browser):
    a, b, url = servers
    from htq.store import SavedProgramme, Store

    store = Store(url)
    store.migrate()
    saved = store.create(SavedProgramme(id="", title="FdSc Two Servers", level=5), by="Setup")
    contexts = [browser.new_context(viewport={"width": 1400, "height": 2400}) for _ in range(2)]
    ann, bob = (c.new_page() for c in contexts)
    for tab, base, name in ((ann, a, "Ann"), (bob, b, "Bob")):
        open_saved(tab, base, name)  # each on their own server
        expect(tab.get_by_text("FdSc Two Servers").first).to_be_attached()  # seen on both (the list is a grid)
        tab.get_by_role("button", name="Open this programme").click()
        expect(tab.get_by_text("Open: FdSc Two Servers", exact=False)).to_be_visible(timeout=30_000)
    ann.get_by_role("button", name="Save changes").click()  # on server A
    expect(ann.get_by_text("open from the saved revision 2", exact=False)).to_be_visible(timeout=30_000)
    assert store.get(saved.id).updated_by == "Ann"
    bob.get_by_role("button", name="Save changes").click()  # on server B, from revision 1
    expect(bob.get_by_text("Ann saved “FdSc Two Servers”", exact=False)).to_be_visible(timeout=30_000)
    assert store.get(saved.id).revision == 2 and store.get(saved.id).updated_by == "Ann"
    for context in contexts:
        context.close()
