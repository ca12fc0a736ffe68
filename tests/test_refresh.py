"""Refresh from a real HTTP server on loopback: the full run, and every fault leaving the old snapshot in use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from htq import changes, refresh, snapshot, sources

from .conftest import ROOT
from .source_server import API_KEY, Behaviour, SourceServer, default_pages, maps_records, standards_fixtures


@pytest.fixture
def behaviour(snap) -> Behaviour:
    listing, detail = standards_fixtures()
    return Behaviour(maps=maps_records(snap.data.occupations), listing=listing, detail=detail, pages=default_pages())


def run_refresh(url, data_dir, key=None, retries=2, timeout=2.0):
    """Refresh from the loopback server; standards only unless a key is given (fetching 1,269 records is slower)."""
    fetcher = sources.Fetcher(sources.new_session(), timeout=(timeout, timeout), retries=retries, backoff=0.01)
    return refresh.refresh(data_dir, fetcher, sources.Endpoints(url, url), key, workers=4)


def test_full_refresh_end_to_end(behaviour, data_copy, snap):
    with SourceServer(behaviour) as url:
        report = run_refresh(url, data_copy, key=API_KEY)
    new = snapshot.load(data_copy)
    assert new.id == report.snapshot_id != snap.id and report.previous_id == snap.id
    assert len(new.data.occupations) == 1269 and report.standards == 5
    software = new.occupation("OCC0116")
    assert (software.version, software.standard_status, software.sources["version"]) == ("1.2", "Approved for delivery",
                                                                                          "standards_api")
    assert software.changed_date == "2025-09-01" and software.standard_url.endswith("st0116-v1-2")
    content = new.data.content["ST0116"]
    assert content.version == "1.2" and len(content.duties) == 3
    assert content.duties[0].ksbs == ("K1", "K2", "S9")
    nursing = new.occupation("OCC0827")
    assert (nursing.regulated, nursing.regulated_body) == (True, "Nursing and Midwifery Council")
    assert [k.code for k in new.data.content["ST0827"].ksbs] == ["K1", "K2", "S1", "B1"]  # from its page
    assert new.data.content["ST1512"].ksbs[0].text.startswith("fixture knowledge statement")
    assert snapshot.load_id(data_copy, snap.id).data == snap.data  # the old snapshot is kept, untouched
    assert any(agent.startswith("HTQStandardsExplorer/") for agent in behaviour.agents)


def test_changes_after_refresh(behaviour, data_copy, snap):
    with SourceServer(behaviour) as url:
        run_refresh(url, data_copy)
    found = changes.diff(snap, snapshot.load(data_copy))
    software = next(i for i in found.items if i.occupation == "OCC0116")
    # The snapshot held KSBs of v1.1; the API now gives v1.2 with three changes.
    assert changes.KSBS in software.kinds
    assert {k.code: k.change for k in software.ksbs} == {"K12": "reworded", "S18": "added", "B9": "removed"}
    assert not any(i.occupation == "OCC0066" for i in found.items)  # retired before and after: no change
    # ST0118's KSBs did not change; ST0827's partial copy of v1.1 (K1-K11) differs from the API's v2.0 list.
    assert {i.reference for i in found.items if changes.KSBS in i.kinds} == {"ST0116", "ST0827"}


def test_without_a_key_only_standards_are_refreshed(behaviour, data_copy, snap):
    with SourceServer(behaviour) as url:
        report = run_refresh(url, data_copy, key=None)
    assert "No Occupational Maps API key" in report.notices[0]
    assert not any(h.startswith("/api/v1/") for h in behaviour.hits)
    assert snapshot.load(data_copy).occupation("OCC0116").version == "1.2"


def test_transient_faults_are_retried(behaviour, data_copy):
    behaviour.faults = {"/api/apprenticeshipstandards/ST0118": ["500", "drop", "429:0"],
                        "/api/v1/occupations/OCC0116": ["500"]}
    with SourceServer(behaviour) as url:
        report = run_refresh(url, data_copy, key=API_KEY, retries=3)
    assert snapshot.current_id(data_copy) == report.snapshot_id
    assert behaviour.hits.count("/api/apprenticeshipstandards/ST0118") == 4


def test_retry_after_is_honoured(behaviour, data_copy):
    waits = []
    behaviour.faults = {"/api/apprenticeshipstandards/ST0827": ["429:1.5"]}
    fetcher = sources.Fetcher(sources.new_session(), timeout=(2, 2), retries=2, backoff=0.01, sleep=waits.append)
    with SourceServer(behaviour) as url:
        refresh.refresh(data_copy, fetcher, sources.Endpoints(url, url), None, workers=2)
    assert 1.5 in waits


@pytest.mark.parametrize("faults, message", [
    ({"/api/apprenticeshipstandards": ["500"] * 10}, "server error 500, 3 attempts"),
    ({"/api/apprenticeshipstandards/ST0116": ["timeout:3"] * 3}, "no answer within 2 s"),
    ({"/api/v1/occupations/OCC0827": ["drop"] * 3}, "connection failed or was cut off"),
    ({"/api/apprenticeshipstandards/ST0118": ["badjson"]}, "not valid JSON"),
    ({"/api/apprenticeshipstandards/ST0116": ["429:600"]}, "asks us to wait 600 s"),
])
def test_faults_end_with_a_message_and_the_old_snapshot_in_use(behaviour, data_copy, snap, faults, message):
    behaviour.faults = faults
    key = API_KEY if any(path.startswith("/api/v1/") for path in faults) else None
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match=message):
        run_refresh(url, data_copy, key=key)
    assert snapshot.current_id(data_copy) == snap.id
    assert snapshot.load(data_copy).data == snap.data
    assert [p.name for p in (data_copy / "snapshots").iterdir()] == [snap.id]


def test_changed_page_layout_fails_cleanly(behaviour, data_copy, snap):
    from .conftest import FIXTURES

    behaviour.pages["st0827-v2-0"] = (FIXTURES / "pages" / "st0827-layout-changed.html").read_text(encoding="utf-8")
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="page layout has changed"):
        run_refresh(url, data_copy)
    assert snapshot.current_id(data_copy) == snap.id


def test_wrong_key_is_a_clear_failure(behaviour, data_copy, snap):
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="HTTP 401"):
        run_refresh(url, data_copy, key="wrong")
    assert snapshot.current_id(data_copy) == snap.id


def test_collapsing_occupations_are_refused(behaviour, data_copy, snap):
    behaviour.maps = dict(list(behaviour.maps.items())[:100])
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="cut occupations from 1,269 to 100"):
        run_refresh(url, data_copy, key=API_KEY)
    assert snapshot.current_id(data_copy) == snap.id


def test_standard_missing_fields_is_refused(behaviour, data_copy, snap):
    for version in behaviour.detail["ST0118"]:
        version.pop("level")
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="ST0118 \\(level\\)"):
        run_refresh(url, data_copy)
    assert snapshot.current_id(data_copy) == snap.id


def test_old_snapshots_are_pruned_but_the_last_few_kept(behaviour, data_copy):
    from datetime import datetime, timedelta, timezone

    fetcher = sources.Fetcher(sources.new_session(), timeout=(2, 2), retries=1, backoff=0.01)
    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    with SourceServer(behaviour) as url:
        for day in range(4):
            refresh.refresh(data_copy, fetcher, sources.Endpoints(url, url), None, workers=2, keep=3,
                            now=start + timedelta(days=day))
    kept = [s["id"] for s in snapshot.list_snapshots(data_copy)]
    assert kept == ["2026-12-04T000000Z", "2026-12-03T000000Z", "2026-12-02T000000Z"]
    assert snapshot.current_id(data_copy) == kept[0] and snapshot.previous_id(data_copy) == kept[1]


def test_cli_refresh_and_diff(behaviour, data_copy, snap):
    with SourceServer(behaviour) as url:
        out = subprocess.run([sys.executable, "-m", "htq", "--data-dir", str(data_copy), "refresh", "--maps-api", url,
                              "--standards-api", url, "--retries", "1", "--timeout", "5"], cwd=ROOT, capture_output=True,
                             text=True, timeout=300, env={**__import__("os").environ, "HTQ_MAPS_API_KEY": API_KEY})
    assert out.returncode == 0, out.stderr
    assert "is now in use" in out.stdout and "standard(s) changed since 2026-07-06" in out.stdout
    assert "Occupations" in out.stderr and "1,269/1,269" in out.stderr  # the progress bar
    new_id = snapshot.current_id(data_copy)
    diff = subprocess.run([sys.executable, "-m", "htq", "--data-dir", str(data_copy), "diff", snap.id, new_id],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert diff.returncode == 0 and "ST0116" in diff.stdout and "K12  reworded" in diff.stdout


def test_cli_refresh_failure_exits_1_and_names_the_snapshot_in_use(behaviour, data_copy, snap):
    behaviour.faults = {"/api/apprenticeshipstandards": ["500"] * 10}
    with SourceServer(behaviour) as url:
        out = subprocess.run([sys.executable, "-m", "htq", "--data-dir", str(data_copy), "refresh", "--maps-api", url,
                              "--standards-api", url, "--retries", "1"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert out.returncode == 1
    assert "refresh failed" in out.stderr and f"still {snap.id}" in out.stderr and "Traceback" not in out.stderr


def test_refresh_keeps_review_dates_of_every_version(behaviour, data_copy, snap):
    from datetime import date

    from htq import alerts, lifecycle
    from htq.store import SavedProgramme, ShortlistEntry

    assert snap.occupation("OCC0116").version_dates == ()  # the shipped snapshot has no API dates
    with SourceServer(behaviour) as url:
        run_refresh(url, data_copy)
    new = snapshot.load(data_copy)
    software = new.occupation("OCC0116")
    assert [(v.version, v.earliest_start, v.latest_start) for v in software.version_dates] == [
        ("1.1", "2018-01-01", "2024-01-09"), ("1.2", "2024-01-10", None)]
    facts = lifecycle.review_facts(software, {}).set_index("Field")["Value"]
    assert facts["Current version: first start date"] == "2024-01-10"
    assert facts["Current version: last date for new starts"] == "none set"
    ai = new.occupation(new.occupations_of("ST1512")[0].code)
    assert lifecycle.stage(ai) == lifecycle.IN_REVISION

    programme = SavedProgramme(id="p", title="P", shortlist=(
        ShortlistEntry("OCC0116", "ST0116", "Software developer", "", "1.1", "Approved for delivery"),
        ShortlistEntry(ai.code, "ST1512", ai.title, "", "2.1", "Approved for delivery")))
    found = {(a.reference, a.kind): a.detail for a in alerts.programme_alerts(programme, new, today=date(2026, 12, 2))}
    assert found[("ST0116", alerts.CLOSING)] == "The version you mapped: Version 1.1 closed to new starts on 2024-01-09."
    assert found[("ST1512", alerts.REVISION)].startswith("ST1512 is now in revision")
    assert found[("ST1512", alerts.CLOSING)].endswith("Version 2.1 closes to new starts on 2027-03-31.")
