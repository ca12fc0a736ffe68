"""Saved programmes and share links on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from htq import coverage
from htq import store as store_module
from htq.programme import Module
from htq.readiness import Answer
from htq.store import ConflictError, NotFound, SavedProgramme, ShortlistEntry, Store, StoreError

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOSTILE = "<script>alert('x')</script><b>bold</b> & “quotes”"


def rows(*spec):
    return tuple(
        coverage.MappingRow(
            "ST0116",
            "1.1",
            "knowledge",
            code,
            f"statement {code}",
            grade,
            grade,
            (coverage.Evidence("SD401", "an outcome", 0.61),),
            0.61,
            "high",
        )
        for code, grade in spec
    )


def programme(**changes) -> SavedProgramme:
    base = SavedProgramme(
        id="",
        title="FdSc Software Development",
        level=5,
        text="Overview " + HOSTILE,
        modules=(
            Module("SD401", "Programming", 4, 20, True, ("Write code", HOSTILE), "Portfolio"),
            Module("SD503", "DevOps", 5, 20, False),
        ),
        shortlist=(ShortlistEntry("OCC0116", "ST0116", "Software developer", "first choice"),),
        mapping=rows(("K1", "full"), ("K2", "partial")),
        answers={"B2a": Answer("B2a", "Yes", "https://intranet.example/consent-form")},
        snapshot_id="2026-07-06",
        snapshot_date="2026-07-06",
    )
    return replace(base, **changes)


def test_migrates_an_empty_database(database_url):
    s = Store(database_url)
    assert s.schema_version() == 0
    assert s.migrate() == store_module.SCHEMA_VERSION == 4
    assert s.migrate() == 4  # again: nothing to do


def test_migrates_from_the_previous_schema_keeping_data(database_url):
    s = Store(database_url)
    s.migrate(target=1)
    # Rows as the previous version of the tool wrote them (schema 1: no answers table, no link expiry).
    with s._connect() as conn:
        s._run(
            conn,
            "INSERT INTO programmes (id, title, level, body, modules, shortlist, snapshot_id, snapshot_date, "
            "revision, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                "a" * 32,
                "Old programme",
                4,
                "text",
                '[{"code": "M1", "title": "Module"}]',
                "[]",
                "2026-07-06",
                "2026-07-06",
                3,
                T0.isoformat(),
                T0.isoformat(),
                "Ann",
            ],
        )
        s._run(
            conn,
            "INSERT INTO mapping_rows (programme_id, position, standard, version, kind, code, statement, "
            "proposed, coverage, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ["a" * 32, 0, "ST0116", "1.1", "knowledge", "K1", "statement", "full", "full", "Accepted"],
        )
        s._run(
            conn,
            "INSERT INTO shares (token, programme_id, created_at) VALUES (?, ?, ?)",
            ["t" * 32, "a" * 32, T0.isoformat()],
        )
    assert s.schema_version() == 1
    assert s.migrate() == 4
    kept = s.get("a" * 32)
    assert (kept.title, kept.revision, kept.modules[0].code, kept.mapping[0].decision) == (
        "Old programme",
        3,
        "M1",
        "Accepted",
    )
    assert kept.answers == {} and s.resolve("t" * 32).title == "Old programme"  # an old link still opens
    with s._connect() as conn:  # but its token is no longer kept in plain text
        assert [r["token"] for r in s._rows(conn, "SELECT token FROM shares")] == [store_module.token_hash("t" * 32)]
    assert s.share(kept.id, by="Ann", expires_at=T0 + timedelta(days=1)).expires_at  # a version-2 column


def test_round_trip_keeps_everything_as_typed(store):
    saved = store.create(programme(), by="Ann", now=T0)
    assert len(saved.id) == 32 and saved.revision == 1 and saved.updated_by == "Ann"
    again = store.get(saved.id)
    assert again.text == "Overview " + HOSTILE and again.modules[0].outcomes[1] == HOSTILE
    assert again.shortlist[0].note == "first choice"
    assert [r.code for r in again.mapping] == ["K1", "K2"] and again.mapping[0].evidence[0].score == 0.61
    assert again.answers["B2a"] == Answer("B2a", "Yes", "https://intranet.example/consent-form", "Ann", T0.isoformat())


def test_every_field_comes_back_exactly_as_saved(store):
    """The whole record, not a sample: each field of the programme, its modules, shortlist, mapping and answers."""
    typed = programme(
        modules=(
            Module("SD401", "Programming", 4, 20, True, ("Write code", HOSTILE), "Portfolio"),
            Module("SD503", "DevOps", 5, 15, False, (), ""),
            Module("SD504", "No level", None, None, True),
        ),
        shortlist=(
            ShortlistEntry("OCC0116", "ST0116", "Software developer", "first choice", "1.1", "Approved for delivery"),
            ShortlistEntry("OCC0118", "ST0118", "Data analyst"),
        ),
        mapping=(
            coverage.MappingRow(
                "ST0116", "1.1", "skill", "S3", "statement S3", "partial", "full",
                (coverage.Evidence("SD401", "an outcome", 0.61), coverage.Evidence("SD503", HOSTILE, 0.4)),
                0.55, "medium", decision=coverage.CHANGED, notes="team decided: " + HOSTILE,
            ),
            coverage.MappingRow("ST0118", None, "behaviour", "B1", "statement B1", "none", "none"),
        ),
        answers={
            "B2a": Answer("B2a", "Yes", "https://intranet.example/consent-form"),
            "C2b": Answer("C2b", "Not yet", ""),
        },
    )  # fmt: skip
    saved = store.create(typed, by="Ann", now=T0)
    again = store.get(saved.id)
    assert again == saved
    stamp = T0.isoformat()
    expected_rows = (
        replace(typed.mapping[0], decided_by="Ann", decided_at=stamp),
        typed.mapping[1],  # an untouched proposal: nobody decided anything
    )
    assert again == replace(
        typed,
        id=saved.id,
        revision=1,
        created_at=stamp,
        updated_at=stamp,
        updated_by="Ann",
        mapping=expected_rows,
        answers={k: replace(a, answered_by="Ann", answered_at=stamp) for k, a in typed.answers.items()},
    )
    assert store.programmes() == [again]


def test_decisions_record_who_and_when(store):
    saved = store.create(programme(), by="Ann", now=T0)
    assert saved.mapping[0].decided_by == ""  # an untouched proposal has no decision yet
    edited = coverage.apply_edits(
        saved.mapping,
        [{"standard": "ST0116", "code": "K2", "coverage": "partial", "decision": "Accepted", "notes": "workplace"}],
    )
    later = T0 + timedelta(hours=2)
    second = store.save(replace(saved, mapping=tuple(edited)), by="Ben", now=later)
    k1, k2 = second.mapping
    assert (k2.decided_by, k2.decided_at, k2.notes) == ("Ben", later.isoformat(), "workplace")
    assert k1.decided_by == "" and second.revision == 2
    third = store.save(replace(second, title="Renamed"), by="Cai", now=later + timedelta(hours=1))
    assert third.mapping[1].decided_by == "Ben"  # unchanged decisions keep their author
    assert third.answers["B2a"].answered_by == "Ann"


def test_a_stale_save_is_refused_not_lost(store):
    saved = store.create(programme(), by="Ann", now=T0)
    mine, theirs = replace(saved, title="Mine"), replace(saved, title="Theirs")
    store.save(theirs, by="Ben", now=T0 + timedelta(minutes=5))
    with pytest.raises(ConflictError, match="Ben saved “Mine” at .* Reload it"):
        store.save(mine, by="Ann")
    assert store.get(saved.id).title == "Theirs"


def test_concurrent_saves_one_wins_the_other_is_told(store):
    saved = store.create(programme(), by="Ann", now=T0)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(name: str) -> None:
        barrier.wait()
        try:
            store.save(replace(saved, title=f"by {name}"), by=name)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in ("Ann", "Ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert store.get(saved.id).revision == 2


def test_share_links(store):
    saved = store.create(programme(), by="Ann", now=T0)
    link = store.share(saved.id, by="Ann", now=T0)
    assert len(link.token) >= 32 and link.token not in saved.id
    assert store.resolve(link.token).title == saved.title
    store.revoke(link.token)
    assert store.resolve(link.token) is None
    expiring = store.share(saved.id, by="Ann", expires_at=T0 + timedelta(days=7), now=T0 + timedelta(minutes=1))
    assert store.resolve(expiring.token, now=T0 + timedelta(days=6)) is not None
    assert store.resolve(expiring.token, now=T0 + timedelta(days=8)) is None
    assert store.resolve("not-a-token") is None and store.resolve("") is None
    assert [s.id for s in store.shares(saved.id)] == [expiring.id, link.id]  # newest first
    assert store.shares(saved.id)[1].state == "revoked"


def test_share_tokens_are_stored_hashed_and_listed_by_label(store):
    saved = store.create(programme(), by="Ann", now=T0)
    link = store.share(saved.id, by="Ann", label="Validation panel <b>12 March</b>")
    with store._connect() as conn:
        kept = [r["token"] for r in store._rows(conn, "SELECT token FROM shares")]
    assert kept == [store_module.token_hash(link.token)] and link.token not in kept
    listed = store.shares(saved.id)[0]
    assert (listed.token, listed.label, listed.state) == ("", "Validation panel <b>12 March</b>", "active")
    past = store.share(saved.id, by="Ann", expires_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert next(s for s in store.shares(saved.id) if s.id == past.id).state == "expired"
    store.revoke(listed.id)  # revoked by its id, the hash: the list never needs the token
    assert store.resolve(link.token) is None


def test_expiry_is_compared_as_a_moment_whatever_the_offset(store):

    saved = store.create(programme(), by="Ann", now=T0)
    link = store.share(saved.id, by="Ann", now=T0)
    with store._connect() as conn:  # 10:00 at +02:00 is 08:00 UTC: text comparison would get this wrong
        store._run(conn, "UPDATE shares SET expires_at = ?", ["2026-07-10T10:00:00+02:00"])
    utc = UTC
    assert store.resolve(link.token, now=datetime(2026, 7, 10, 7, 59, tzinfo=utc)) is not None
    assert store.resolve(link.token, now=datetime(2026, 7, 10, 8, 1, tzinfo=utc)) is None


def test_delete_removes_links_too(store):
    saved = store.create(programme(), by="Ann")
    link = store.share(saved.id, by="Ann")
    store.delete(saved.id)
    assert store.resolve(link.token) is None
    with pytest.raises(NotFound):
        store.get(saved.id)


def test_programmes_newest_first(store):
    a = store.create(programme(title="A"), by="Ann", now=T0)
    b = store.create(programme(title="B"), by="Ann", now=T0 + timedelta(minutes=1))
    assert [p.id for p in store.programmes()] == [b.id, a.id]


def test_unknown_database_url():
    with pytest.raises(store_module.StoreError, match="unsupported database URL"):
        Store("mysql://nope")


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(store_module.StoreError, match="cannot be reached"):
        Store("postgresql://nobody@127.0.0.1:1/none").migrate()


def test_reads_do_not_wait_for_a_save_and_a_stuck_lock_is_a_clear_error(tmp_path):
    import sqlite3
    import time

    path = tmp_path / "htq.sqlite3"
    store = Store(f"sqlite:///{path}", busy_timeout=3)
    store.migrate()
    saved = store.create(programme(), by="Ann", now=T0)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long save
    try:
        started = time.perf_counter()
        assert store.get(saved.id).title == saved.title and len(store.programmes()) == 1
        assert store.resolve("not-a-token") is None
        assert time.perf_counter() - started < 2  # reads did not wait out the 3 s lock timeout
        with pytest.raises(StoreError, match="the database is busy"):
            store.save(replace(saved, title="New title"), by="Bob")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.get(saved.id).title == saved.title  # nothing half-written


def test_a_full_disk_is_the_stores_own_error_and_keeps_what_was_saved(tmp_path, monkeypatch):
    import sqlite3

    path = tmp_path / "htq.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    saved = store.create(programme(), by="Ann", now=T0)
    real_connect = sqlite3.connect

    def full(*args, **kwargs):  # the database may not grow by one page: SQLite's own "disk is full"
        conn = real_connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", full)
    big = replace(saved, text="x" * 200_000)
    with pytest.raises(StoreError, match="disk is full"):
        store.save(big, by="Ann")
    monkeypatch.undo()
    kept = store.get(saved.id)
    assert (kept.revision, kept.text) == (saved.revision, saved.text)


def test_save_returns_the_revision_it_wrote(store):
    saved = store.create(programme(), by="Ann", now=T0)
    again = store.save(replace(saved, title="Second"), by="Ann")
    assert (again.revision, again.title) == (saved.revision + 1, "Second")


def test_deleting_can_be_undone_for_a_while(store):
    saved = store.create(programme(), by="Ann", now=T0)
    link = store.share(saved.id, by="Ann")
    store.delete(saved.id, by="Ann", now=T0)
    assert store.programmes() == [] and store.resolve(link.token) is None
    with pytest.raises(NotFound):
        store.save(saved, by="Ann")
    assert [d["title"] for d in store.deleted(now=T0 + timedelta(days=1))] == [saved.title]
    store.restore(saved.id)
    assert store.get(saved.id).title == saved.title and store.resolve(link.token) is not None
    store.delete(saved.id, by="Ann", now=T0)
    assert store.deleted(now=T0 + timedelta(days=31)) == []  # past the undo window
    store.restore(saved.id, now=T0 + timedelta(days=31))
    with pytest.raises(NotFound):
        store.get(saved.id)
    other = store.create(programme(title="Other"), by="Ann")
    store.delete(other.id, by="Ann", now=T0 + timedelta(days=31))  # the next delete removes it for good
    with store._connect() as conn:
        assert [r["title"] for r in store._rows(conn, "SELECT title FROM programmes")] == ["Other"]


def test_members_roles_and_programme_people(store):
    from htq import access

    assert store.sign_in("Ann@College.ac.uk", "Ann") == access.ADMINISTRATOR  # the first to sign in
    assert store.sign_in("bob@college.ac.uk", "Bob") == access.VIEWER
    assert store.sign_in("ann@college.ac.uk", "Ann") == access.ADMINISTRATOR  # remembered, case folded
    store.set_member("bob@college.ac.uk", access.EDITOR, by="ann@college.ac.uk")
    assert {m["email"]: m["role"] for m in store.members()} == {
        "ann@college.ac.uk": "administrator",
        "bob@college.ac.uk": "editor",
    }
    saved = store.create(programme(), by="Bob", owner="bob@college.ac.uk")
    assert store.people(saved.id) == {"bob@college.ac.uk": "owner"}
    store.set_person(saved.id, "cat@college.ac.uk", access.CO_EDITOR)
    assert store.people(saved.id) == {"bob@college.ac.uk": "owner", "cat@college.ac.uk": "editor"}
    with pytest.raises(StoreError):
        store.set_member("not-an-address", access.EDITOR, by="ann")
