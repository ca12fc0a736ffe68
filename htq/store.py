"""Saved programmes and share links: a SQLite file by default, PostgreSQL when a URL is given.

Database: $HTQ_DATABASE_URL (postgresql://…) if set, else the SQLite file $HTQ_DB_PATH
(default var/htq.sqlite3 beside the project). The schema is versioned; `migrate()` brings an
empty or older database up to SCHEMA_VERSION. Saves are optimistic: each carries the revision it
was read at, and a save against a newer revision raises ConflictError instead of overwriting.
Programme ids and share tokens are random, never sequential; only the SHA-256 of a share token is
stored, so the full link is shown once, when it is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from htq.access import CO_EDITOR, OWNER, ROLES, UNDO_DAYS, first_role
from htq.coverage import PROPOSED, Evidence, MappingRow
from htq.errors import HTQError
from htq.programme import Module
from htq.readiness import PROMPT, Answer

SCHEMA_VERSION = 4
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "var" / "htq.sqlite3"

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        """CREATE TABLE programmes (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, level INTEGER, body TEXT NOT NULL DEFAULT '',
            modules TEXT NOT NULL DEFAULT '[]', shortlist TEXT NOT NULL DEFAULT '[]',
            snapshot_id TEXT, snapshot_date TEXT, revision INTEGER NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE mapping_rows (
            programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            standard TEXT NOT NULL, version TEXT, kind TEXT NOT NULL, code TEXT NOT NULL, statement TEXT NOT NULL,
            proposed TEXT NOT NULL, coverage TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '[]',
            score REAL NOT NULL DEFAULT 0, confidence TEXT NOT NULL DEFAULT 'low', decision TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '', decided_by TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (programme_id, standard, code))""",
        """CREATE TABLE shares (
            token TEXT PRIMARY KEY, programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL DEFAULT '', revoked_at TEXT)""",
        "INSERT INTO schema_version (version) VALUES (1)",
    ),
    2: (
        "ALTER TABLE shares ADD COLUMN expires_at TEXT",
        """CREATE TABLE readiness_answers (
            programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE, prompt TEXT NOT NULL,
            answer TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '', answered_by TEXT NOT NULL DEFAULT '',
            answered_at TEXT NOT NULL, PRIMARY KEY (programme_id, prompt))""",
        "UPDATE schema_version SET version = 2",
    ),
    3: (
        # Share links are stored as the SHA-256 of their token, never the token itself; a label says
        # what each link was made for. `_hash_share_tokens` rewrites the links made before.
        "ALTER TABLE shares ADD COLUMN label TEXT NOT NULL DEFAULT ''",
        "UPDATE schema_version SET version = 3",
    ),
    4: (
        # Sign-in: the installation's members and roles, each programme's owner and editors, and
        # soft delete (a deleted programme can be restored for access.UNDO_DAYS).
        """CREATE TABLE members (
            email TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', role TEXT NOT NULL,
            added_at TEXT NOT NULL, added_by TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE programme_people (
            programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE, email TEXT NOT NULL,
            part TEXT NOT NULL, PRIMARY KEY (programme_id, email))""",
        "ALTER TABLE programmes ADD COLUMN deleted_at TEXT",
        "ALTER TABLE programmes ADD COLUMN deleted_by TEXT NOT NULL DEFAULT ''",
        "UPDATE schema_version SET version = 4",
    ),
}
PYTHON_STEPS = {3: "_hash_share_tokens"}  # migration steps that need code, run after the step's SQL


class StoreError(HTQError):
    """The store cannot do what was asked; the message is meant for the user."""


class ConflictError(StoreError):
    """Someone else saved the programme since it was read."""


class NotFound(StoreError):
    """No such programme or share."""


@dataclass(frozen=True)
class ShortlistEntry:
    """A standard shortlisted for a programme, with the team's note."""

    occupation: str
    reference: str
    title: str
    note: str = ""
    version: str | None = None  # of the standard when it was shortlisted, for change alerts
    status: str | None = None


@dataclass(frozen=True)
class SavedProgramme:
    """A programme as saved: what it is, its modules, shortlist, mapping and readiness answers."""

    id: str
    title: str
    level: int | None = None
    text: str = ""
    modules: tuple[Module, ...] = ()
    shortlist: tuple[ShortlistEntry, ...] = ()
    mapping: tuple[MappingRow, ...] = ()
    answers: dict[str, Answer] = field(default_factory=dict)
    snapshot_id: str | None = None
    snapshot_date: str | None = None
    revision: int = 0
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""


def token_hash(token: str) -> str:
    """Return what the database keeps of a share token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(when: datetime) -> datetime:
    """Return a datetime with its offset (UTC when it carries none)."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _moment(text: str) -> datetime:
    """Return an ISO timestamp as an aware datetime."""
    return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))


@dataclass(frozen=True)
class Share:
    """A read-only link to a programme. `id` is the SHA-256 of its token; the token itself is known
    only to the `Share` that `Store.share` returns, once, to show the full link."""

    id: str
    programme_id: str
    created_at: str
    created_by: str
    expires_at: str | None
    revoked_at: str | None
    label: str = ""
    token: str = ""

    def active(self, now: datetime) -> bool:
        """Return True if the link still opens the programme (expiry compared as datetimes, any offset)."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or _moment(self.expires_at) > _aware(now)

    @property
    def state(self) -> str:
        """Return 'active', 'revoked' or 'expired' (as of now)."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.active(datetime.now(UTC)) else "expired"


def now_text(now: datetime | None = None) -> str:
    """Return a UTC timestamp as ISO text (seconds)."""
    return (now or datetime.now(UTC)).replace(microsecond=0).isoformat()


def database_url() -> str:
    """Return the configured database: $HTQ_DATABASE_URL, else sqlite:///$HTQ_DB_PATH or the default file."""
    url = os.environ.get("HTQ_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{os.environ.get('HTQ_DB_PATH', '').strip() or DEFAULT_SQLITE}"


def _undo_cutoff(now: datetime | None) -> str:
    """Return the time before which a deleted programme can no longer be restored."""
    return now_text((now or datetime.now(UTC)) - timedelta(days=UNDO_DAYS))


def _is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, (sqlite3.Error, OSError)):
        return True
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(exc, psycopg.Error)


def _database_problem(exc: BaseException, otherwise: str) -> str:
    """Return a database failure in words people can act on (`otherwise` when it is none of the known ones)."""
    low = str(exc).lower()
    if "locked" in low or "busy" in low:
        return "the database is busy: another save held it too long. Try again in a moment."
    if "full" in low or "no space" in low:
        return "the database's disk is full, so nothing could be saved (what was saved before is kept). Tell your administrator."
    if "readonly" in low or "read-only" in low:
        return "the database is read-only here, so nothing could be saved. Tell your administrator."
    return otherwise


def _module_json(m: Module) -> dict[str, Any]:
    return {
        "code": m.code,
        "title": m.title,
        "level": m.level,
        "credits": m.credits,
        "core": m.core,
        "outcomes": list(m.outcomes),
        "assessment": m.assessment,
    }


class Store:
    """Saved programmes, share links and readiness answers in one database."""

    def __init__(self, url: str | None = None, busy_timeout: float = 15.0) -> None:
        self.url = url or database_url()
        self.busy_timeout = busy_timeout  # seconds a SQLite write waits for another one to finish
        if self.url.startswith(("postgresql://", "postgres://")):
            self.kind = "postgresql"
        elif self.url.startswith("sqlite:///"):
            self.kind = "sqlite"
            self.path = Path(self.url[len("sqlite:///") :])
        else:
            raise StoreError(f"unsupported database URL {self.url!r}: use postgresql://… or sqlite:///path")

    @contextmanager
    def _connect(self, write: bool = True) -> Iterator[Any]:
        """Yield a connection in a transaction: committed on success, rolled back on error.

        On SQLite a write takes the write lock at once (BEGIN IMMEDIATE); a read does not, so reads
        never wait behind a save. Any database failure inside (a full disk, a lock held past the
        busy timeout, a dropped server) surfaces as StoreError with a message for people.
        """
        try:
            if self.kind == "sqlite":
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn: Any = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            else:
                import psycopg

                conn = psycopg.connect(self.url, connect_timeout=10)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(_database_problem(exc, f"the database {self.url} cannot be opened: {exc}")) from exc
        except Exception as exc:  # psycopg.OperationalError and friends
            raise StoreError(f"the database {self.url} cannot be reached: {exc}") from exc
        try:
            yield conn
            conn.execute("COMMIT") if self.kind == "sqlite" else conn.commit()
        except BaseException as exc:
            with contextlib.suppress(Exception):  # the connection itself failed: nothing to roll back
                conn.execute("ROLLBACK") if self.kind == "sqlite" else conn.rollback()
            if isinstance(exc, StoreError) or not _is_database_error(exc):
                raise
            raise StoreError(_database_problem(exc, f"the database {self.url} failed: {exc}")) from exc
        finally:
            conn.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    def _run(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self._sql(sql), tuple(params))

    def _rows(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._run(conn, sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def schema_version(self) -> int:
        """Return the schema version of the database (0 when empty)."""
        with self._connect(write=False) as conn:
            return self._version(conn)

    def _version(self, conn: Any) -> int:
        if self.kind == "sqlite":
            exists = self._run(
                conn, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).fetchone()
        else:
            exists = self._run(
                conn,
                "SELECT 1 FROM information_schema.tables WHERE table_name='schema_version' "
                "AND table_schema = current_schema()",
            ).fetchone()
        if not exists:
            return 0
        row = self._run(conn, "SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def migrate(self, target: int = SCHEMA_VERSION) -> int:
        """Apply the migrations the database lacks, up to `target`; return the version reached."""
        with self._connect() as conn:
            if self.kind == "postgresql":
                conn.execute("SELECT pg_advisory_xact_lock(8675309)")  # one migrator at a time
            version = self._version(conn)
            if version > SCHEMA_VERSION:
                raise StoreError(f"the database has schema {version}, newer than this tool's {SCHEMA_VERSION}")
            for step in range(version + 1, target + 1):
                for statement in MIGRATIONS[step]:
                    self._run(conn, statement)
                if step in PYTHON_STEPS:
                    getattr(self, PYTHON_STEPS[step])(conn)
            return max(version, target)

    def _hash_share_tokens(self, conn: Any) -> None:
        """Replace each plain share token kept by an older version with its hash (the links keep working)."""
        for row in self._rows(conn, "SELECT token FROM shares"):
            if not _HEX64.match(row["token"]):
                self._run(conn, "UPDATE shares SET token = ? WHERE token = ?", [token_hash(row["token"]), row["token"]])

    def create(
        self, programme: SavedProgramme, by: str, now: datetime | None = None, owner: str = ""
    ) -> SavedProgramme:
        """Save a new programme under a fresh random id; return it as saved (revision 1). `owner` is the
        signed-in creator's e-mail (none in single-user local mode)."""
        stamp = now_text(now)
        saved = replace(programme, id=uuid.uuid4().hex, revision=1, created_at=stamp, updated_at=stamp, updated_by=by)
        with self._connect() as conn:
            self._run(
                conn,
                "INSERT INTO programmes (id, title, level, body, modules, shortlist, snapshot_id, "
                "snapshot_date, revision, created_at, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._values(saved) + [1, stamp, stamp, by],
            )
            self._write_children(conn, saved, {}, {}, by, stamp)
            if owner:
                self._run(
                    conn,
                    "INSERT INTO programme_people (programme_id, email, part) VALUES (?, ?, ?)",
                    [saved.id, owner.lower(), OWNER],
                )
            return self._get(conn, saved.id)

    def _values(self, p: SavedProgramme) -> list[Any]:
        shortlist = [
            {
                "occupation": s.occupation,
                "reference": s.reference,
                "title": s.title,
                "note": s.note,
                "version": s.version,
                "status": s.status,
            }
            for s in p.shortlist
        ]
        return [
            p.id,
            p.title,
            p.level,
            p.text,
            json.dumps([_module_json(m) for m in p.modules]),
            json.dumps(shortlist),
            p.snapshot_id,
            p.snapshot_date,
        ]

    def save(self, programme: SavedProgramme, by: str, now: datetime | None = None) -> SavedProgramme:
        """Save changes to a programme read at `programme.revision`; ConflictError if someone saved since."""
        stamp = now_text(now)
        with self._connect() as conn:
            old_rows = {
                (r["standard"], r["code"]): r
                for r in self._rows(conn, "SELECT * FROM mapping_rows WHERE programme_id = ?", [programme.id])
            }
            old_answers = {
                r["prompt"]: r
                for r in self._rows(conn, "SELECT * FROM readiness_answers WHERE programme_id = ?", [programme.id])
            }
            cur = self._run(
                conn,
                "UPDATE programmes SET title = ?, level = ?, body = ?, modules = ?, shortlist = ?, "
                "snapshot_id = ?, snapshot_date = ?, revision = revision + 1, updated_at = ?, "
                "updated_by = ? WHERE id = ? AND revision = ? AND deleted_at IS NULL",
                self._values(programme)[1:] + [stamp, by, programme.id, programme.revision],
            )
            if cur.rowcount != 1:
                current = self._rows(
                    conn,
                    "SELECT revision, updated_by, updated_at FROM programmes WHERE id = ? AND deleted_at IS NULL",
                    [programme.id],
                )
                if not current:
                    raise NotFound("this programme no longer exists (it may have been deleted)")
                who = current[0]["updated_by"] or "someone"
                raise ConflictError(
                    f"{who} saved “{programme.title}” at {current[0]['updated_at']} after you opened it "
                    "(revision {0} now, yours was {1}). Reload it to see their changes; nothing of "
                    "theirs or yours was overwritten.".format(current[0]["revision"], programme.revision)
                )
            self._run(conn, "DELETE FROM mapping_rows WHERE programme_id = ?", [programme.id])
            self._run(conn, "DELETE FROM readiness_answers WHERE programme_id = ?", [programme.id])
            self._write_children(conn, programme, old_rows, old_answers, by, stamp)
            return self._get(conn, programme.id)  # read in the same transaction: the revision this save wrote

    def _write_children(
        self, conn: Any, p: SavedProgramme, old_rows: dict, old_answers: dict, by: str, stamp: str
    ) -> None:
        for n, r in enumerate(p.mapping):
            before = old_rows.get(r.key)
            same = before is not None and (before["coverage"], before["decision"], before["notes"]) == (
                r.coverage,
                r.decision,
                r.notes,
            )
            if same and before is not None:
                decided_by, decided_at = before["decided_by"], before["decided_at"]
            elif r.decision == PROPOSED and r.coverage == r.proposed and not r.notes:
                decided_by, decided_at = "", ""  # untouched proposal: nobody decided anything yet
            else:
                decided_by, decided_at = by, stamp
            evidence = json.dumps([[e.module, e.outcome, e.score] for e in r.evidence])
            self._run(
                conn,
                "INSERT INTO mapping_rows (programme_id, position, standard, version, kind, code, statement, "
                "proposed, coverage, evidence, score, confidence, decision, notes, decided_by, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    p.id,
                    n,
                    r.standard,
                    r.version,
                    r.kind,
                    r.code,
                    r.statement,
                    r.proposed,
                    r.coverage,
                    evidence,
                    r.score,
                    r.confidence,
                    r.decision,
                    r.notes,
                    decided_by,
                    decided_at,
                ],
            )
        for prompt, a in p.answers.items():
            if prompt not in PROMPT or not a.answer:
                continue
            before = old_answers.get(prompt)
            same = before is not None and (before["answer"], before["evidence"]) == (a.answer, a.evidence)
            who, when = (before["answered_by"], before["answered_at"]) if same and before is not None else (by, stamp)
            self._run(
                conn,
                "INSERT INTO readiness_answers (programme_id, prompt, answer, evidence, answered_by, "
                "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                [p.id, prompt, a.answer, a.evidence, who, when],
            )

    def get(self, programme_id: str) -> SavedProgramme:
        """Return a saved programme; NotFound if there is none with this id."""
        with self._connect(write=False) as conn:
            return self._get(conn, programme_id)

    def _get(self, conn: Any, programme_id: str) -> SavedProgramme:
        rows = self._rows(conn, "SELECT * FROM programmes WHERE id = ? AND deleted_at IS NULL", [programme_id])
        if not rows:
            raise NotFound("no saved programme with this id")
        mapping = self._rows(
            conn, "SELECT * FROM mapping_rows WHERE programme_id = ? ORDER BY position", [programme_id]
        )
        answers = self._rows(conn, "SELECT * FROM readiness_answers WHERE programme_id = ?", [programme_id])
        return self._programme(rows[0], mapping, answers)

    @staticmethod
    def _programme(row: dict[str, Any], mapping: list[dict[str, Any]], answers: list[dict[str, Any]]) -> SavedProgramme:
        modules = tuple(
            Module(
                m["code"],
                m["title"],
                m.get("level"),
                m.get("credits"),
                m.get("core", True),
                tuple(m.get("outcomes", ())),
                m.get("assessment", ""),
            )
            for m in json.loads(row["modules"] or "[]")
        )
        shortlist = tuple(ShortlistEntry(**s) for s in json.loads(row["shortlist"] or "[]"))
        rows = tuple(
            MappingRow(
                standard=r["standard"],
                version=r["version"],
                kind=r["kind"],
                code=r["code"],
                statement=r["statement"],
                proposed=r["proposed"],
                coverage=r["coverage"],
                evidence=tuple(Evidence(m, o, float(s)) for m, o, s in json.loads(r["evidence"] or "[]")),
                score=float(r["score"]),
                confidence=r["confidence"],
                decision=r["decision"],
                notes=r["notes"],
                decided_by=r["decided_by"],
                decided_at=r["decided_at"],
            )
            for r in mapping
        )
        return SavedProgramme(
            id=row["id"],
            title=row["title"],
            level=row["level"],
            text=row["body"],
            modules=modules,
            shortlist=shortlist,
            mapping=rows,
            answers={
                a["prompt"]: Answer(a["prompt"], a["answer"], a["evidence"], a["answered_by"], a["answered_at"])
                for a in answers
            },
            snapshot_id=row["snapshot_id"],
            snapshot_date=row["snapshot_date"],
            revision=int(row["revision"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            updated_by=row["updated_by"],
        )

    def programmes(self) -> list[SavedProgramme]:
        """Return every saved programme, most recently saved first (with mapping and answers)."""
        with self._connect(write=False) as conn:
            rows = self._rows(conn, "SELECT * FROM programmes WHERE deleted_at IS NULL ORDER BY updated_at DESC, title")
            mapping = self._rows(conn, "SELECT * FROM mapping_rows ORDER BY programme_id, position")
            answers = self._rows(conn, "SELECT * FROM readiness_answers")
        by_programme: dict[str, list] = {}
        for r in mapping:
            by_programme.setdefault(r["programme_id"], []).append(r)
        answered: dict[str, list] = {}
        for a in answers:
            answered.setdefault(a["programme_id"], []).append(a)
        return [self._programme(r, by_programme.get(r["id"], []), answered.get(r["id"], [])) for r in rows]

    def delete(self, programme_id: str, by: str = "", now: datetime | None = None) -> None:
        """Delete a programme: it disappears (its share links stop opening) but can be restored for
        access.UNDO_DAYS days. Programmes deleted longer ago than that are removed for good, with their
        mapping, answers and links, in the same transaction."""
        with self._connect() as conn:
            self._run(
                conn,
                "UPDATE programmes SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL",
                [now_text(now), by, programme_id],
            )
            self._run(
                conn, "DELETE FROM programmes WHERE deleted_at IS NOT NULL AND deleted_at < ?", [_undo_cutoff(now)]
            )

    def deleted(self, now: datetime | None = None) -> list[dict[str, str]]:
        """Return the programmes deleted within access.UNDO_DAYS (id, title, deleted_at, deleted_by), newest first."""
        with self._connect(write=False) as conn:
            return self._rows(
                conn,
                "SELECT id, title, deleted_at, deleted_by FROM programmes "
                "WHERE deleted_at IS NOT NULL AND deleted_at >= ? ORDER BY deleted_at DESC",
                [_undo_cutoff(now)],
            )

    def restore(self, programme_id: str, now: datetime | None = None) -> None:
        """Bring back a programme deleted within access.UNDO_DAYS, with its links as they were."""
        with self._connect() as conn:
            self._run(
                conn,
                "UPDATE programmes SET deleted_at = NULL, deleted_by = '' WHERE id = ? AND deleted_at >= ?",
                [programme_id, _undo_cutoff(now)],
            )

    def people(self, programme_id: str) -> dict[str, str]:
        """Return e-mail -> part ('owner' or 'editor') for a programme."""
        with self._connect(write=False) as conn:
            rows = self._rows(
                conn, "SELECT email, part FROM programme_people WHERE programme_id = ? ORDER BY email", [programme_id]
            )
        return {r["email"]: r["part"] for r in rows}

    def set_person(self, programme_id: str, email: str, part: str | None) -> None:
        """Make someone an editor (or owner) of a programme, or remove them (part None)."""
        email = email.strip().lower()
        if part not in (None, OWNER, CO_EDITOR) or "@" not in email:
            raise StoreError("give an e-mail address and the part owner or editor")
        with self._connect() as conn:
            self._run(conn, "DELETE FROM programme_people WHERE programme_id = ? AND email = ?", [programme_id, email])
            if part:
                self._run(
                    conn,
                    "INSERT INTO programme_people (programme_id, email, part) VALUES (?, ?, ?)",
                    [programme_id, email, part],
                )

    def members(self) -> list[dict[str, str]]:
        """Return the installation's members (email, name, role, added_at, added_by), by e-mail."""
        with self._connect(write=False) as conn:
            return self._rows(conn, "SELECT email, name, role, added_at, added_by FROM members ORDER BY email")

    def set_member(self, email: str, role: str | None, by: str, name: str = "", now: datetime | None = None) -> None:
        """Give someone a role (administrator, editor, viewer), or remove them (role None)."""
        email = email.strip().lower()
        if role not in (None, *ROLES) or "@" not in email:
            raise StoreError(f"give an e-mail address and one of the roles {', '.join(ROLES)}")
        with self._connect() as conn:
            self._run(conn, "DELETE FROM members WHERE email = ?", [email])
            if role:
                self._run(
                    conn,
                    "INSERT INTO members (email, name, role, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
                    [email, name.strip(), role, now_text(now), by],
                )

    def sign_in(self, email: str, name: str, now: datetime | None = None) -> str:
        """Return the role of someone the identity provider signed in, recording them as a member the
        first time (access.first_role decides that role)."""
        email = email.strip().lower()
        with self._connect() as conn:
            if self.kind == "postgresql":
                conn.execute("SELECT pg_advisory_xact_lock(8675310)")  # two first sign-ins at once: one admin
            found = self._rows(conn, "SELECT role FROM members WHERE email = ?", [email])
            if found:
                return found[0]["role"]
            count = self._rows(conn, "SELECT COUNT(*) AS n FROM members")[0]["n"]
            role = first_role(email, int(count))
            self._run(
                conn,
                "INSERT INTO members (email, name, role, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
                [email, name.strip(), role, now_text(now), "first sign-in"],
            )
            return role

    def share(
        self,
        programme_id: str,
        by: str,
        expires_at: datetime | None = None,
        now: datetime | None = None,
        label: str = "",
    ) -> Share:
        """Create a read-only link to a programme with an unguessable token; only its hash is stored, so
        the returned Share's `token` is the one chance to show the full link."""
        self.get(programme_id)
        token = secrets.token_urlsafe(24)
        share = Share(
            token_hash(token),
            programme_id,
            now_text(now),
            by,
            now_text(expires_at) if expires_at else None,
            None,
            label.strip()[:200],
            token,
        )
        with self._connect() as conn:
            self._run(
                conn,
                "INSERT INTO shares (token, programme_id, created_at, created_by, expires_at, revoked_at, "
                "label) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [share.id, share.programme_id, share.created_at, share.created_by, share.expires_at, None, share.label],
            )
        return share

    @staticmethod
    def _share(r: dict[str, Any]) -> Share:
        return Share(
            r["token"],
            r["programme_id"],
            r["created_at"],
            r["created_by"],
            r["expires_at"],
            r["revoked_at"],
            r.get("label") or "",
        )

    def shares(self, programme_id: str) -> list[Share]:
        """Return a programme's share links, newest first (without their tokens: only hashes are kept)."""
        with self._connect(write=False) as conn:
            rows = self._rows(
                conn, "SELECT * FROM shares WHERE programme_id = ? ORDER BY created_at DESC", [programme_id]
            )
        return [self._share(r) for r in rows]

    def revoke(self, share_id: str, now: datetime | None = None) -> None:
        """Stop a share link from opening anything (by its id, the hash; a full token is accepted too)."""
        key = share_id if _HEX64.match(share_id) else token_hash(share_id)
        with self._connect() as conn:
            self._run(
                conn, "UPDATE shares SET revoked_at = ? WHERE token = ? AND revoked_at IS NULL", [now_text(now), key]
            )

    def resolve(self, token: str, now: datetime | None = None) -> SavedProgramme | None:
        """Return the programme an active share link opens, or None (unknown, revoked or expired)."""
        if not token or len(token) > 100:
            return None
        with self._connect(write=False) as conn:
            rows = self._rows(conn, "SELECT * FROM shares WHERE token = ?", [token_hash(token)])
        if not rows:
            return None
        share = self._share(rows[0])
        if not share.active(now or datetime.now(UTC)):
            return None
        try:
            return self.get(share.programme_id)
        except NotFound:
            return None
