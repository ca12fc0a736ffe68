"""Sign-in end to end: a real OpenID Connect provider on loopback (oidc-provider-mock), the app with
Streamlit's own st.login, and headless Chromium signing in as an owner and as a viewer, with a third
browser holding only a share link."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest

from .browser import free_port, match_programme, new_share_token, require_chromium, streamlit_server, wait_for_app
from .conftest import ROOT

try:
    import oidc_provider_mock  # noqa: F401
except ImportError:
    if os.environ.get("CI", "").lower() == "true":
        raise  # CI=true: the sign-in tests must run
    pytest.skip(
        "oidc-provider-mock is not installed (make test installs requirements-test.txt)", allow_module_level=True
    )
from playwright.sync_api import expect  # noqa: E402

ANN, BOB = ("ann@college.ac.uk", "Ann Owner"), ("bob@college.ac.uk", "Bob Viewer")


@pytest.fixture(scope="module")
def provider():
    import httpx
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        for email, name in (ANN, BOB):
            answer = httpx.put(f"{issuer}/users/{quote(email)}", json={"email": email, "name": name})
            assert answer.status_code == 204
        yield issuer


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("signin")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'''[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{"c" * 40}"
client_id = "htq-standards-explorer"
client_secret = "a-client-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
''',
        encoding="utf-8",
    )
    env = {"HTQ_DB_PATH": str(folder / "signin.sqlite3"), "HTQ_DATABASE_URL": "", "HTQ_ADMINS": ANN[0]}
    with streamlit_server(ROOT, env=env, port=port, args=("--secrets.files", str(secrets))) as (url, _):
        yield url, folder / "signin.sqlite3"


def sign_in(browser, url, email):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    tab = context.new_page()
    tab.goto(f"{url}/Saved_programmes")
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_placeholder("sub").fill(email)  # the provider's own login form
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url(f"{url}/**", timeout=30_000)  # back from the provider, signed in (on the home page)
    wait_for_app(tab)
    tab.goto(f"{url}/Saved_programmes")
    wait_for_app(tab)
    return context, tab


def test_owner_viewer_and_committee_member(app, browser):
    url, database = app
    ann, tab = sign_in(browser, url, ANN[0])
    expect(tab.get_by_text(f"Signed in as {ANN[1]}", exact=False)).to_be_visible(timeout=30_000)
    assert tab.get_by_role("textbox", name="Your name").count() == 0  # the identity is used, not a typed name
    match_programme(tab, url, "FdSc Data Analytics", "Data analysis with SQL and Python")
    tab.get_by_role("link", name="Saved programmes").click()
    wait_for_app(tab)
    tab.get_by_role("button", name="Save as a new programme").click()
    expect(tab.get_by_text("Open: FdSc Data Analytics", exact=False)).to_be_visible(timeout=30_000)
    token = new_share_token(tab)

    from htq.store import Store

    store = Store(f"sqlite:///{database}")
    saved = store.programmes()[0]
    assert saved.updated_by == f"{ANN[1]} <{ANN[0]}>" and store.people(saved.id) == {ANN[0]: "owner"}
    assert {m["email"]: m["role"] for m in store.members()} == {ANN[0]: "administrator"}

    bob, view = sign_in(browser, url, BOB[0])
    expect(view.get_by_text(f"Signed in as {BOB[1]}", exact=False)).to_be_visible(timeout=30_000)
    view.get_by_role("button", name="Open this programme").click()
    expect(view.get_by_text("Open: FdSc Data Analytics", exact=False)).to_be_visible(timeout=30_000)
    expect(view.get_by_text("You can read this programme; only its owner", exact=False)).to_be_visible()
    assert view.get_by_role("button", name="Save changes").is_disabled()
    assert view.get_by_role("button", name="Save as a new programme").is_disabled()  # a viewer saves nothing
    view.get_by_role("tab", name="Delete").click()
    expect(view.get_by_text("Only the programme's owner, its editors and administrators can delete it")).to_be_visible()
    assert view.get_by_role("button", name="Delete").count() == 0
    assert store.members()[1]["role"] == "viewer"

    visitor = browser.new_context(viewport={"width": 1400, "height": 2400})  # only the link, never signed in
    page = visitor.new_page()
    page.goto(f"{url}/Saved_programmes")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.get_by_text("FdSc Data Analytics").count() == 0
    page.goto(f"{url}/Committee_view?token={token}")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("FdSc Data Analytics")
    assert page.get_by_role("button", name="Sign in").count() == 0
    assert page.get_by_role("link", name="Saved programmes").count() == 0
    for context in (ann, bob, visitor):
        context.close()
