"""Shared fixtures: the shipped snapshot, a scratch copy of data/, and a page runner."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from htq import catalogue, snapshot  # noqa: E402


@pytest.fixture(scope="session")
def snap() -> snapshot.Snapshot:
    """The snapshot shipped in data/."""
    return snapshot.load(ROOT / "data")


@pytest.fixture(scope="session")
def df(snap):
    """The catalogue frame of the shipped snapshot."""
    return catalogue.frame(snap)


@pytest.fixture(scope="session")
def index(df):
    """The search index of the shipped catalogue."""
    return catalogue.search_index(df)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break or overwrite."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture
def page(monkeypatch, tmp_path):
    """Return a function that runs one page of the app in AppTest and checks it raised nothing.

    Saved programmes go to a private SQLite file, never the project's var/.
    """
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("server.address", "127.0.0.1")  # as `make run` serves it (local mode refuses other addresses)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("HTQ_DB_PATH", str(tmp_path / "pages.sqlite3"))
    monkeypatch.delenv("HTQ_DATABASE_URL", raising=False)

    def run(
        file: str | None = None, timeout: float = 60, secrets: dict | None = None, **params: str | list[str]
    ) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for key, value in (secrets or {}).items():
            at.secrets[key] = value
        if file:
            at.switch_page(str(ROOT / file))
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _postgres_url() -> str | None:
    import os

    url = os.environ.get("HTQ_TEST_DATABASE_URL", "").strip()
    if url:
        return url
    reason = "no HTQ_TEST_DATABASE_URL: PostgreSQL store tests need a server (.ci/start-postgres starts one)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " — CI=true, so they must run")
    pytest.skip(reason)


@contextmanager
def fresh_postgres():
    """Yield the URL of a fresh, empty schema on the test PostgreSQL server; drop it afterwards."""
    import uuid
    from urllib.parse import quote

    import psycopg

    url = _postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty database: a SQLite file, or a fresh schema on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'htq.sqlite3'}"
        return
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def store(database_url):
    """A migrated store on an empty database (both kinds)."""
    from htq.store import Store

    s = Store(database_url)
    s.migrate()
    return s


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Playwright driving Debian's chromium); skipped without it unless CI=true."""
    from playwright.sync_api import expect, sync_playwright

    from .browser import CHROMIUM_ARGS, require_chromium

    expect.set_options(timeout=15_000)  # a 2-core CI machine under load: 5 s is too tight for a rerun
    path = require_chromium()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
