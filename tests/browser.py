"""Helpers for end-to-end tests: a real `streamlit run` on loopback and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HTQ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> str:
    """Return Chromium's path; skip the test without it, but fail when CI=true."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path:
        return path
    reason = f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " — CI=true, so browser tests must run")
    pytest.skip(reason)


def free_port() -> int:
    """Return a TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    root: Path,
    script: str = "app.py",
    env: dict[str, str] | None = None,
    timeout: float = 60,
    port: int | None = None,
    args: tuple[str, ...] = (),
):
    """Run `streamlit run` on a (free) loopback port; yield its base URL and the seconds it took to be healthy."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{proc.stdout.read() if proc.stdout else ''}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"streamlit did not become healthy within {timeout} s")
            time.sleep(0.1)
        yield url, time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


RENDERED = """(marker) => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('h1') && document.body.innerText.includes(marker);
}"""


def wait_for_app(page, marker: str = "Open Government Licence", timeout_ms: int = 30_000) -> None:
    """Wait until the script run has finished and the page is drawn down to its footer (or `marker`)."""
    page.wait_for_function(RENDERED, arg=marker, timeout=timeout_ms)


def match_programme(page, base: str, title: str, text: str) -> None:
    """On Match a programme, give a title and text and wait for the candidates."""
    from playwright.sync_api import expect

    page.goto(f"{base}/Match_programme")
    wait_for_app(page)
    page.get_by_role("textbox", name="Programme title").fill(title)
    page.get_by_role("textbox", name="Overview, modules and learning outcomes").fill(text)
    page.get_by_role("button", name="Find matching standards").click()
    expect(page.get_by_text("Candidates for", exact=False)).to_be_visible(timeout=30_000)


def new_share_token(page) -> str:
    """On an open saved programme, make a read-only link and return its token (shown once, on the page)."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Share with a committee").click()
    page.get_by_role("button", name="Create a read-only link").click()
    link = page.locator('[data-testid="stCode"]').filter(has_text="Committee_view?token=").first
    expect(link).to_be_attached(timeout=30_000)
    return link.inner_text().strip().split("token=", 1)[1]
