"""Click every export of Find standards again and again in one browser session; print how many arrived.

Starts this app on loopback and drives headless Chromium (Debian's /usr/bin/chromium). Between
rounds it flips a filter, waits `--settle` seconds and clicks again, so a click can land while a
rerun is still in flight when the machine is loaded.

    .venv/bin/python bench/download_probe.py [--rounds 8] [--settle 0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright

from tests.browser import streamlit_server, wait_for_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="rounds of one CSV and one Excel click")
    parser.add_argument("--settle", type=float, default=0.5, help="seconds waited after each filter change")
    args = parser.parse_args()
    arrived = lost = 0
    env = {"HTQ_DB_PATH": str(ROOT / ".bench" / "download-probe.sqlite3"), "HTQ_DATABASE_URL": ""}
    (ROOT / ".bench").mkdir(exist_ok=True)
    with streamlit_server(ROOT, env=env) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        tab = browser.new_context(viewport={"width": 1400, "height": 2000}, accept_downloads=True).new_page()
        tab.goto(f"{url}/Find_standards?route=Digital&level=4")
        wait_for_app(tab)
        for n in range(args.rounds):
            for label in ("Download CSV", "Download Excel"):
                try:
                    with tab.expect_download(timeout=15_000):
                        tab.get_by_role("button", name=label).first.click()
                    arrived += 1
                except Exception:  # Playwright's TimeoutError: the file never came
                    lost += 1
                    print(f"round {n + 1}: {label} did not arrive", flush=True)
            if n % 2 == 0:
                tab.get_by_text("Has approved HTQs", exact=True).click()
                wait_for_app(tab)
                time.sleep(args.settle)
        browser.close()
    print(f"{arrived} of {arrived + lost} downloads arrived ({lost} lost), settle {args.settle} s")


if __name__ == "__main__":
    main()
