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
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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
def streamlit_server(root: Path, script: str = "app.py", env: dict[str, str] | None = None, timeout: float = 60,
                     port: int | None = None, args: tuple[str, ...] = ()):
    """Run `streamlit run` on a (free) loopback port; yield its base URL and the seconds it took to be healthy."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=root, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{proc.stdout.read()}")
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
