"""Shared fixtures: the shipped snapshot, a scratch copy of data/, and a page runner."""

from __future__ import annotations

import shutil
import sys
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
def page(monkeypatch):
    """Return a function that runs one page of the app in AppTest and checks it raised nothing."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)

    def run(file: str | None = None, timeout: float = 60, **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        if file:
            at.switch_page(str(ROOT / file))
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
