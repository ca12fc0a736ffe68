"""Speed of the dashboard against Streamlit's own floor (a blank one-line app).

Prints, for our app and for a blank app started in the same run:
  - server start to healthy (median of --starts runs);
  - navigation to the page fully rendered in headless Chromium (median of --loads loads, each in a
    fresh browser context, the pages taken in turn; the first load, when the server's caches
    are cold, is printed apart);
and the ratio of ours to the blank app, then the server-side time of one filter change on the
full table (the Find standards script rerun in AppTest, and the filter function alone).

Run on demand: `make bench` or `.venv/bin/python bench/app_speed.py [--loads N] [--starts N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, RENDERED, require_chromium, streamlit_server  # noqa: E402

BLANK_APP = 'import streamlit as st; st.title("Blank")\n'


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.0f} ms"


def start_times(root: Path, script: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        with streamlit_server(root, script) as (_, seconds):
            out.append(seconds)
    return out


def load_once(browser, url: str, marker: str) -> float:
    """Return seconds from navigation to the page fully rendered, in a fresh browser context (cold cache)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(RENDERED, arg=marker, timeout=60_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def load_times(browser, targets: dict[str, tuple[str, str]], loads: int) -> dict[str, tuple[float, list[float]]]:
    """Return, per target, (cold first load, warm loads); targets are loaded in turn, so drift hits all alike."""
    out: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(loads + 1):
        for name, (url, marker) in targets.items():
            out[name].append(load_once(browser, url, marker))
    return {name: (times[0], times[1:]) for name, times in out.items()}


def filter_change_times(repeats: int) -> tuple[list[float], list[float], list[float]]:
    """Return seconds of one filter change on Find standards: script run, AppTest round trip, filter alone.

    The script run is timed by wrapping the function Streamlit's script runner calls to execute a
    page (an internal name; when a release moves it, only the AppTest round trip is reported).
    """
    import streamlit.runtime.scriptrunner.script_runner as runner
    from streamlit.testing.v1 import AppTest

    from htq import catalogue, snapshot

    script: list[float] = []
    original = getattr(runner, "exec_func_with_error_handling", None)
    if original is not None:

        def timed(func, ctx):
            started = time.perf_counter()
            try:
                return original(func, ctx)
            finally:
                script.append(time.perf_counter() - started)

        runner.exec_func_with_error_handling = timed

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(str(ROOT / "pages/2_Find_standards.py"))
    at.run()
    script.clear()
    round_trips = []
    for i in range(repeats):
        at.multiselect(key="level").set_value([4] if i % 2 else [4, 5])
        started = time.perf_counter()
        at.run()
        round_trips.append(time.perf_counter() - started)
        assert not at.exception
    if original is not None:
        runner.exec_func_with_error_handling = original

    df = catalogue.frame(snapshot.load())
    index = catalogue.search_index(df)
    alone = []
    for i in range(repeats):
        f = catalogue.Filters(levels=(4,) if i % 2 else (4, 5))
        started = time.perf_counter()
        catalogue.listing(catalogue.apply_filters(df, f, index))
        alone.append(time.perf_counter() - started)
    return script, round_trips, alone


def p95_ms(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=11, help="page loads per page after the first (default 11)")
    parser.add_argument("--starts", type=int, default=3, help="server starts per app (default 3)")
    args = parser.parse_args()
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        blank_dir = Path(tmp)
        (blank_dir / "blank.py").write_text(BLANK_APP, encoding="utf-8")
        print(f"Server start to healthy (median of {args.starts}):")
        ours_start = start_times(ROOT, "app.py", args.starts)
        blank_start = start_times(blank_dir, "blank.py", args.starts)
        print(
            f"  ours  {median_ms(ours_start)}   blank {median_ms(blank_start)}   "
            f"ratio {statistics.median(ours_start) / statistics.median(blank_start):.2f}x"
        )

        print(f"\nNavigation to fully rendered page (median of {args.loads} loads; first load apart):")
        with (
            sync_playwright() as p,
            streamlit_server(ROOT) as (ours_url, _),
            streamlit_server(blank_dir, "blank.py") as (blank_url, _),
        ):
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            results = load_times(
                browser,
                {
                    "blank app": (blank_url, "Blank"),
                    "home": (ours_url + "/", "Open Government Licence"),
                    "Find standards": (ours_url + "/Find_standards", "Open Government Licence"),
                },
                args.loads,
            )
            blank_median = statistics.median(results["blank app"][1])
            for name, (cold, warm) in results.items():
                ratio = "" if name == "blank app" else f"   ratio {statistics.median(warm) / blank_median:.2f}x blank"
                print(f"  {name:<20} {median_ms(warm)}   (cold {cold * 1000:.0f} ms){ratio}")
            browser.close()

    script, round_trips, alone = filter_change_times(21)
    print("\nOne filter change on the full table (Find standards, level 4+5 <-> 4; median of 21):")
    if script:
        print(f"  page script run on the server          {median_ms(script)}   p95 {p95_ms(script)}")
    print(f"  AppTest round trip (script + harness)  {median_ms(round_trips)}   p95 {p95_ms(round_trips)}")
    print(f"  filter + listing functions alone       {statistics.median(alone) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
