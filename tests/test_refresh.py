"""Refresh from a real HTTP server on loopback: the full run, and every fault leaving the old snapshot in use."""

from __future__ import annotations

from datetime import UTC

import pytest

from htq import changes, snapshot
from htq.ingest import refresh, sources

from .cli import run_cli
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
    assert (software.version, software.standard_status, software.sources["version"]) == (
        "1.2",
        "Approved for delivery",
        "standards_api",
    )
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
    behaviour.faults = {
        "/api/apprenticeshipstandards/ST0118": ["500", "drop", "429:0"],
        "/api/v1/occupations/OCC0116": ["500"],
    }
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


@pytest.mark.parametrize(
    "faults, message",
    [
        ({"/api/apprenticeshipstandards": ["500"] * 10}, "server error 500, 3 attempts"),
        ({"/api/apprenticeshipstandards/ST0116": ["timeout:1"] * 3}, "no complete answer within 0.5 s"),
        ({"/api/apprenticeshipstandards/ST0116": ["trickle:0.1"] * 3}, "no complete answer within 0.5 s"),
        ({"/api/v1/occupations/OCC0827": ["drop"] * 3}, "connection failed or was cut off"),
        ({"/api/apprenticeshipstandards/ST0118": ["badjson"]}, "not valid JSON"),
        ({"/api/apprenticeshipstandards/ST0116": ["429:600"]}, "asks us to wait 600 s"),
    ],
)
def test_faults_end_with_a_message_and_the_old_snapshot_in_use(behaviour, data_copy, snap, faults, message):
    behaviour.faults = faults
    key = API_KEY if any(path.startswith("/api/v1/") for path in faults) else None
    slow = "within 0.5 s" in message  # a short deadline keeps these cases to a second or two
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match=message):
        run_refresh(url, data_copy, key=key, timeout=0.5 if slow else 2.0)
    assert snapshot.current_id(data_copy) == snap.id
    assert snapshot.load(data_copy).data == snap.data
    assert [p.name for p in (data_copy / "snapshots").iterdir()] == [snap.id]


def test_a_trickling_source_fails_within_its_deadline(behaviour, data_copy, snap):
    """A byte every 0.2 s used to hold a --timeout 2 refresh for 139 s: each read was quick, the whole was not."""
    import time

    behaviour.faults = {"/api/apprenticeshipstandards/ST0116": ["trickle:0.2"] * 3}
    started = time.monotonic()
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="no complete answer within 2 s"):
        run_refresh(url, data_copy, retries=1)
    assert time.monotonic() - started < 10  # 2 attempts x 2 s, plus the rest of the run
    assert snapshot.current_id(data_copy) == snap.id


def test_a_huge_answer_is_refused_at_the_cap_without_reading_it_whole(behaviour, data_copy, snap):
    import tracemalloc

    behaviour.faults = {"/api/apprenticeshipstandards": ["huge:64"]}
    fetcher = sources.Fetcher(sources.new_session(), timeout=(5, 5), retries=0, backoff=0.01, max_bytes=8 * 1024 * 1024)
    tracemalloc.start()
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="larger than 8 MB"):
        refresh.refresh(data_copy, fetcher, sources.Endpoints(url, url), None, workers=2)
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    assert peak < 64  # the 64 MB body is never held whole
    assert snapshot.current_id(data_copy) == snap.id


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
    from datetime import datetime, timedelta

    fetcher = sources.Fetcher(sources.new_session(), timeout=(2, 2), retries=1, backoff=0.01)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    with SourceServer(behaviour) as url:
        for day in range(4):
            refresh.refresh(
                data_copy,
                fetcher,
                sources.Endpoints(url, url),
                None,
                workers=2,
                keep=3,
                now=start + timedelta(days=day),
            )
    kept = [s["id"] for s in snapshot.list_snapshots(data_copy)]
    assert kept == ["2026-12-04T000000Z", "2026-12-03T000000Z", "2026-12-02T000000Z"]
    assert snapshot.current_id(data_copy) == kept[0] and snapshot.previous_id(data_copy) == kept[1]


def test_cli_refresh_and_diff(behaviour, data_copy, snap, monkeypatch):
    monkeypatch.setenv("HTQ_MAPS_API_KEY", API_KEY)
    with SourceServer(behaviour) as url:
        out = run_cli(
            "--data-dir", str(data_copy), "refresh", "--maps-api", url, "--standards-api", url,
            "--retries", "1", "--timeout", "5",
        )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "is now in use" in out.stdout and "standard(s) changed since 2026-07-06" in out.stdout
    assert "Occupations" in out.stderr and "1,269/1,269" in out.stderr  # the progress bar
    new_id = snapshot.current_id(data_copy)
    diff = run_cli("--data-dir", str(data_copy), "diff", snap.id, new_id)
    assert diff.returncode == 0 and "ST0116" in diff.stdout and "K12  reworded" in diff.stdout


def test_cli_refresh_failure_exits_1_and_names_the_snapshot_in_use(behaviour, data_copy, snap, monkeypatch):
    monkeypatch.delenv("HTQ_MAPS_API_KEY", raising=False)
    behaviour.faults = {"/api/apprenticeshipstandards": ["500"] * 10}
    with SourceServer(behaviour) as url:
        out = run_cli(
            "--data-dir", str(data_copy), "refresh", "--maps-api", url, "--standards-api", url, "--retries", "1"
        )  # fmt: skip
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
        ("1.1", "2018-01-01", "2024-01-09"),
        ("1.2", "2024-01-10", None),
    ]
    facts = lifecycle.review_facts(software, {}).set_index("Field")["Value"]
    assert facts["Current version: first start date"] == "2024-01-10"
    assert facts["Current version: last date for new starts"] == "none set"
    ai = new.occupation(new.occupations_of("ST1512")[0].code)
    assert lifecycle.stage(ai) == lifecycle.IN_REVISION

    programme = SavedProgramme(
        id="p",
        title="P",
        shortlist=(
            ShortlistEntry("OCC0116", "ST0116", "Software developer", "", "1.1", "Approved for delivery"),
            ShortlistEntry(ai.code, "ST1512", ai.title, "", "2.1", "Approved for delivery"),
        ),
    )
    found = {(a.reference, a.kind): a.detail for a in alerts.programme_alerts(programme, new, today=date(2026, 12, 2))}
    assert (
        found[("ST0116", alerts.CLOSING)] == "The version you mapped: Version 1.1 closed to new starts on 2024-01-09."
    )
    assert found[("ST1512", alerts.REVISION)].startswith("ST1512 is now in revision")
    assert found[("ST1512", alerts.CLOSING)].endswith("Version 2.1 closes to new starts on 2027-03-31.")


def cli_refresh(url, data_dir, *extra):
    return run_cli(
        "--data-dir", str(data_dir), "refresh", "--maps-api", url, "--standards-api", url,
        "--retries", "1", "--timeout", "5", *extra,
    )  # fmt: skip


def test_keep_1_succeeds_and_keep_0_is_refused(behaviour, data_copy, snap):
    """--keep 1 used to prune the previous snapshot before the diff was printed, and exit 2."""
    with SourceServer(behaviour) as url:
        out = cli_refresh(url, data_copy, "--keep", "1")
        assert out.returncode == 0, out.stderr
        assert "standard(s) changed since 2026-07-06" in out.stdout
        assert [s["id"] for s in snapshot.list_snapshots(data_copy)] == [snapshot.current_id(data_copy)]
        refused = cli_refresh(url, data_copy, "--keep", "0")
    assert refused.returncode == 2 and "--keep must be at least 1" in refused.stderr


def test_one_refresh_at_a_time(behaviour, data_copy, snap):
    import fcntl

    with open(data_copy / refresh.LOCK_FILE, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running refresh holds it
        held.write("2026-12-02T10:00:00+00:00")
        held.flush()
        with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="another refresh is running"):
            run_refresh(url, data_copy)
        with SourceServer(behaviour) as url:
            out = cli_refresh(url, data_copy)
    assert out.returncode == 1 and "another refresh is running (started 2026-12-02" in out.stderr
    assert f"still {snap.id}" in out.stderr
    assert snapshot.current_id(data_copy) == snap.id


def test_two_refreshes_in_the_same_second_get_two_folders(behaviour, data_copy, snap):
    from datetime import datetime

    now = datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)
    fetcher = sources.Fetcher(sources.new_session(), timeout=(5, 5), retries=1, backoff=0.01)
    with SourceServer(behaviour) as url:
        first = refresh.refresh(data_copy, fetcher, sources.Endpoints(url, url), None, workers=2, now=now)
        second = refresh.refresh(data_copy, fetcher, sources.Endpoints(url, url), None, workers=2, now=now)
    assert (first.snapshot_id, second.snapshot_id) == ("2026-12-02T100000Z", "2026-12-02T100000Z-2")
    assert snapshot.load(data_copy).id == second.snapshot_id
    assert snapshot.load_id(data_copy, first.snapshot_id).data.snapshot_date == "2026-12-02"  # still whole


def test_a_kill_between_the_renames_of_a_replacement_is_recovered(data_copy, snap):
    root = data_copy / "snapshots"
    (root / snap.id).rename(root / f".replaced-{snap.id}-dead")  # killed after the first rename
    (root / f".incoming-{snap.id}-beef").mkdir()  # and a half-written folder of some earlier run
    assert snapshot.load(data_copy).data == snap.data  # CURRENT names a complete folder again
    snapshot.write(snap.data, data_copy, snapshot_id=snap.id)  # the next write cleans what was left
    assert sorted(p.name for p in root.iterdir()) == [snap.id]


def test_writing_the_same_content_under_its_id_changes_nothing(data_copy, snap):
    folder = data_copy / "snapshots" / snap.id
    before = folder.stat().st_ino
    snapshot.write(snap.data, data_copy, snapshot_id=snap.id)
    assert folder.stat().st_ino == before and (folder / "embeddings.npz").exists()


def test_a_full_disk_fails_the_refresh_with_exit_1(behaviour, data_copy, snap, monkeypatch):
    import errno

    def full(path, blob):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(snapshot, "_write_file", full)  # what the disk says when it is full
    with SourceServer(behaviour) as url, pytest.raises(refresh.RefreshError, match="No space left on device"):
        run_refresh(url, data_copy)
    assert snapshot.current_id(data_copy) == snap.id
    assert sorted(p.name for p in (data_copy / "snapshots").iterdir()) == [snap.id]
