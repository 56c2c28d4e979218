"""SQLite: every SQL statement of the project, the migrations and the event log.

One writer connection, every write in ``BEGIN IMMEDIATE … COMMIT`` under an
asyncio lock (aiosqlite runs one connection in one thread, so two coroutines
sharing it would share a transaction). Readers use a small pool of read-only
connections, each lent to one coroutine at a time. WAL mode with
``synchronous=FULL``: when a write returns, it is on disk.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import sqlite3
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, AsyncIterator, Iterable, Sequence

import aiosqlite

from .. import model
from ..model import Blog, Correction, Entry, Retraction, User, iso, parse_iso
from .base import (Conflict, Event, Idempotency, NotFound, SchemaTooNew, Store, Token, local_authors,
                   named_people)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT
        )""",
        "CREATE INDEX tokens_user ON tokens(user_id, kind)",
        """CREATE TABLE blogs (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            intro TEXT NOT NULL DEFAULT '',
            intro_html TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'live',
            language TEXT NOT NULL DEFAULT 'en',
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            ended_at TEXT,
            last_seq INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            blog_id INTEGER NOT NULL REFERENCES blogs(id),
            author_id INTEGER NOT NULL REFERENCES users(id),
            published_at TEXT NOT NULL,
            filed_at TEXT NOT NULL,
            headline TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            body_html TEXT NOT NULL,
            key_event INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            revision INTEGER NOT NULL DEFAULT 1,
            retracted_at TEXT,
            retraction_note TEXT,
            retracted_by INTEGER REFERENCES users(id)
        )""",
        "CREATE INDEX entries_blog ON entries(blog_id, id)",
        """CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            at TEXT NOT NULL,
            note TEXT NOT NULL,
            previous_body TEXT NOT NULL,
            previous_body_html TEXT NOT NULL,
            by_id INTEGER NOT NULL REFERENCES users(id)
        )""",
        "CREATE INDEX corrections_entry ON corrections(entry_id, id)",
        """CREATE TABLE supersessions (
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            supersedes_id INTEGER NOT NULL REFERENCES entries(id),
            PRIMARY KEY (entry_id, supersedes_id)
        )""",
        "CREATE INDEX supersessions_target ON supersessions(supersedes_id)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            blog_id INTEGER NOT NULL REFERENCES blogs(id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            entry_id INTEGER REFERENCES entries(id),
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (blog_id, seq)
        )""",
        """CREATE TABLE idempotency_keys (
            user_id INTEGER NOT NULL REFERENCES users(id),
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_id, key)
        )""",
        """CREATE TABLE media (
            id TEXT PRIMARY KEY,
            uploader_id INTEGER NOT NULL REFERENCES users(id),
            content_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            size INTEGER NOT NULL,
            caption TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_ENTRY_COLUMNS = """e.id, b.slug, u.name, e.author_id, e.published_at, e.filed_at, e.headline, e.body,
    e.body_html, e.key_event, e.pinned, e.revision, e.retracted_at, e.retraction_note, r.name"""
_ENTRY_FROM = """entries e JOIN blogs b ON b.id = e.blog_id JOIN users u ON u.id = e.author_id
    LEFT JOIN users r ON r.id = e.retracted_by"""
_BLOG_COLUMNS = """b.id, b.slug, b.title, b.summary, b.intro, b.intro_html, b.status, b.created_at,
    b.ended_at, b.last_seq, b.language,
    (SELECT MAX(COALESCE(e.retracted_at, e.published_at)) FROM entries e WHERE e.blog_id = b.id),
    (SELECT MAX(c.at) FROM corrections c JOIN entries e ON e.id = c.entry_id WHERE e.blog_id = b.id),
    (SELECT ev.created_at FROM events ev WHERE ev.blog_id = b.id AND ev.seq = b.last_seq)"""


def _t(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def _blog(row: Sequence[Any]) -> Blog:
    times = [t for t in (_t(row[11]), _t(row[12])) if t is not None]
    return Blog(
        id=row[0], slug=row[1], title=row[2], summary=row[3], intro=row[4], intro_html=row[5],
        status=row[6], created_at=parse_iso(row[7]), ended_at=_t(row[8]), last_event_id=row[9],
        language=row[10], last_updated_at=max(times) if times else None, last_changed_at=_t(row[13]),
    )


async def _fetchall(conn: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
    async with conn.execute(sql, tuple(params)) as cursor:
        return list(await cursor.fetchall())


async def _fetchone(conn: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
    async with conn.execute(sql, tuple(params)) as cursor:
        return await cursor.fetchone()


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


async def _load_entries(conn: aiosqlite.Connection, where: str, params: Sequence[Any], tail: str = "") -> list[Entry]:
    """Entries with their corrections and supersession links, in four queries for any number."""
    rows = await _fetchall(conn, f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY_FROM} WHERE {where} {tail}", params)
    if not rows:
        return []
    ids = [r[0] for r in rows]
    corrections: dict[int, list[Correction]] = {i: [] for i in ids}
    for c in await _fetchall(
        conn,
        f"""SELECT c.entry_id, c.at, c.note, c.previous_body, c.previous_body_html, u.name
            FROM corrections c JOIN users u ON u.id = c.by_id
            WHERE c.entry_id IN ({_marks(ids)}) ORDER BY c.id""",
        ids,
    ):
        corrections[c[0]].append(Correction(parse_iso(c[1]), c[2], c[3], c[4], c[5]))
    supersedes: dict[int, list[int]] = {i: [] for i in ids}
    superseded_by: dict[int, list[int]] = {i: [] for i in ids}
    for s in await _fetchall(
        conn,
        f"""SELECT entry_id, supersedes_id FROM supersessions
            WHERE entry_id IN ({_marks(ids)}) OR supersedes_id IN ({_marks(ids)})""",
        ids + ids,
    ):
        if s[0] in supersedes:
            supersedes[s[0]].append(s[1])
        if s[1] in superseded_by:
            superseded_by[s[1]].append(s[0])
    referenced = sorted({i for v in supersedes.values() for i in v} | {i for v in superseded_by.values() for i in v})
    ref_times: dict[int, datetime] = {}
    if referenced:
        for r in await _fetchall(
            conn, f"SELECT id, published_at FROM entries WHERE id IN ({_marks(referenced)})", referenced
        ):
            ref_times[r[0]] = parse_iso(r[1])
    entries = []
    for r in rows:
        links = sorted(supersedes[r[0]], reverse=True), sorted(superseded_by[r[0]])
        entries.append(
            Entry(
                id=r[0], blog=r[1], author=r[2], author_id=r[3], published_at=parse_iso(r[4]),
                filed_at=parse_iso(r[5]), headline=r[6], body=r[7], body_html=r[8],
                key_event=bool(r[9]), pinned=bool(r[10]), revision=r[11],
                retraction=Retraction(parse_iso(r[12]), r[13], r[14]) if r[12] else None,
                corrections=tuple(corrections[r[0]]),
                supersedes=tuple(links[0]), superseded_by=tuple(links[1]),
                ref_times={i: ref_times[i] for i in links[0] + links[1] if i in ref_times},
            )
        )
    return entries


class SQLiteStore(Store):
    schema_version = SCHEMA_VERSION

    def __init__(self, path: str, readers: int = 3) -> None:
        self.path = path
        self._reader_count = readers
        self._writer: aiosqlite.Connection | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []
        self._write_lock = asyncio.Lock()
        self._committed = asyncio.Event()
        self._claim: int | None = None  # the open lock file while this process holds the publisher claim

    async def open(self) -> None:
        try:
            self._writer = await aiosqlite.connect(self.path, isolation_level=None, timeout=30)
            await self._writer.execute("PRAGMA journal_mode=WAL")
            await self._writer.execute("PRAGMA synchronous=FULL")
            await self._writer.execute("PRAGMA foreign_keys=ON")
            await self._writer.execute("PRAGMA busy_timeout=30000")
            await self._migrate()
            uri = "file:" + self.path.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
            for _ in range(self._reader_count):
                conn = await aiosqlite.connect(uri, uri=True, isolation_level=None, timeout=30)
                self._all_readers.append(conn)
                await conn.execute("PRAGMA busy_timeout=30000")
                self._readers.put_nowait(conn)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._claim is not None:
            os.close(self._claim)  # closing the file releases its lock
            self._claim = None
        for conn in self._all_readers:
            await conn.close()
        self._all_readers.clear()
        if self._writer is not None:
            await self._writer.close()
            self._writer = None

    async def claim_publisher(self) -> bool:
        """An exclusive lock on a file beside the database: the kernel frees it when the process dies."""
        if self._claim is not None:
            return True
        fd = os.open(self.path + "-publisher.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._claim = fd
        return True

    async def _migrate(self) -> None:
        """Apply pending migrations; several workers starting at once apply each only once."""
        async with self._write() as db:
            row = await _fetchone(db, "PRAGMA user_version")
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(version, SCHEMA_VERSION)
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version={number + 1}")

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        assert self._writer is not None, "store is not open"
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
            self._committed.set()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader for one coroutine; a transaction so several queries see one snapshot."""
        conn = await self._readers.get()
        try:
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("COMMIT")
        finally:
            self._readers.put_nowait(conn)

    async def backup(self, path: str) -> None:
        """SQLite's online backup API, in one step from a read snapshot: writers go on meanwhile."""
        target = await aiosqlite.connect(path)
        try:
            conn = await self._readers.get()
            try:
                await conn.backup(target)
            finally:
                self._readers.put_nowait(conn)
        finally:
            await target.close()

    async def wait_for_change(self, timeout: float) -> None:
        """A commit in this process wakes the follower at once; other workers' are seen by polling."""
        try:
            await asyncio.wait_for(self._committed.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        self._committed.clear()

    # people and credentials

    async def count_users(self) -> int:
        async with self._read() as db:
            row = await _fetchone(db, "SELECT COUNT(*) FROM users WHERE role <> ?", (model.IMPORTED,))
            return row[0] if row else 0

    async def create_user(self, name: str, role: str, password_hash: str, now: datetime) -> User:
        async with self._write() as db:
            if await _fetchone(db, "SELECT 1 FROM users WHERE name = ?", (name,)):
                raise Conflict(f"a user named {name!r} already exists")
            cursor = await db.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, password_hash, iso(now)),
            )
            return User(id=cursor.lastrowid or 0, name=name, role=role)

    async def list_users(self) -> list[tuple[User, datetime]]:
        async with self._read() as db:
            rows = await _fetchall(db, "SELECT id, name, role, created_at FROM users ORDER BY name")
        return [(User(r[0], r[1], r[2]), parse_iso(r[3])) for r in rows]

    async def get_user(self, name: str) -> tuple[User, str] | None:
        async with self._read() as db:
            row = await _fetchone(db, "SELECT id, name, role, password_hash FROM users WHERE name = ?", (name,))
        return (User(row[0], row[1], row[2]), row[3]) if row else None

    async def set_password(self, user_id: int, password_hash: str) -> None:
        async with self._write() as db:
            await db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    async def add_token(
        self, user_id: int, kind: str, token_hash: str, now: datetime, expires_at: datetime | None
    ) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO tokens (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                (token_hash, user_id, kind, iso(now), iso(expires_at)),
            )

    _TOKEN_SQL = """SELECT u.id, u.name, u.role, t.kind, t.created_at, t.expires_at
        FROM tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.kind = ? AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > ?)"""

    @staticmethod
    def _token(row: Sequence[Any]) -> Token:
        return Token(User(row[0], row[1], row[2]), row[3], parse_iso(row[4]), _t(row[5]))

    async def find_token(self, token_hash: str, kind: str, now: datetime) -> Token | None:
        async with self._read() as db:
            row = await _fetchone(db, self._TOKEN_SQL, (token_hash, kind, iso(now)))
        return self._token(row) if row else None

    async def take_token(self, token_hash: str, kind: str, now: datetime) -> Token | None:
        async with self._write() as db:
            row = await _fetchone(db, self._TOKEN_SQL, (token_hash, kind, iso(now)))
            if row is None:
                return None
            await db.execute("UPDATE tokens SET revoked_at = ? WHERE token_hash = ?", (iso(now), token_hash))
            return self._token(row)

    async def revoke_tokens(self, user_id: int, kind: str, now: datetime, token_hash: str | None = None) -> int:
        sql = "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = ? AND revoked_at IS NULL"
        params: list[Any] = [iso(now), user_id, kind]
        if token_hash is not None:
            sql += " AND token_hash = ?"
            params.append(token_hash)
        async with self._write() as db:
            cursor = await db.execute(sql, params)
            return cursor.rowcount

    # photos

    async def add_media(
        self, *, name: str, uploader: User, content_type: str, width: int, height: int, size: int, caption: str,
        now: datetime,
    ) -> None:
        async with self._write() as db:
            await db.execute(
                """INSERT INTO media (id, uploader_id, content_type, width, height, size, caption, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (name, uploader.id, content_type, width, height, size, caption, iso(now)),
            )

    async def media_exists(self, name: str) -> bool:
        async with self._read() as db:
            return await _fetchone(db, "SELECT 1 FROM media WHERE id = ?", (name,)) is not None

    # blogs

    async def _blog_row(self, db: aiosqlite.Connection, slug: str) -> Blog | None:
        row = await _fetchone(db, f"SELECT {_BLOG_COLUMNS} FROM blogs b WHERE b.slug = ?", (slug,))
        return _blog(row) if row else None

    async def _append_event(
        self, db: aiosqlite.Connection, blog: Blog, kind: str, entry_id: int | None, payload: dict[str, Any], now: datetime
    ) -> int:
        """The one place events are written: inside the caller's transaction."""
        seq = blog.last_event_id + 1
        await db.execute("UPDATE blogs SET last_seq = ? WHERE id = ?", (seq, blog.id))
        payload = {**payload, "event_id": seq} if kind == "blog.updated" else payload
        await db.execute(
            "INSERT INTO events (blog_id, seq, kind, entry_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (blog.id, seq, kind, entry_id, json.dumps(payload, separators=(",", ":"), ensure_ascii=False), iso(now)),
        )
        return seq

    async def create_blog(
        self, *, slug: str, title: str, summary: str, intro: str, intro_html: str, by: User, now: datetime
    ) -> Blog:
        async with self._write() as db:
            if await _fetchone(db, "SELECT 1 FROM blogs WHERE slug = ?", (slug,)):
                raise Conflict(f"a blog with the slug {slug!r} already exists")
            await db.execute(
                """INSERT INTO blogs (slug, title, summary, intro, intro_html, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (slug, title, summary, intro, intro_html, by.id, iso(now)),
            )
            blog = await self._blog_row(db, slug)
            assert blog is not None
            await self._append_event(db, blog, "blog.updated", None, blog.to_json(), now)
            return await self._blog_row(db, slug)  # type: ignore[return-value]

    async def list_blogs(self) -> list[Blog]:
        async with self._read() as db:
            rows = await _fetchall(
                db,
                f"""SELECT {_BLOG_COLUMNS} FROM blogs b
                    ORDER BY b.status = 'ended', COALESCE(b.ended_at, b.created_at) DESC""",
            )
        return [_blog(r) for r in rows]

    async def get_blog(self, slug: str) -> Blog | None:
        async with self._read() as db:
            return await self._blog_row(db, slug)

    async def update_blog(self, slug: str, changes: dict[str, Any], now: datetime) -> Blog:
        allowed = {"title", "summary", "intro", "intro_html", "status"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)}")
        async with self._write() as db:
            blog = await self._blog_row(db, slug)
            if blog is None:
                raise NotFound("blog")
            columns = model.blog_changes(blog, changes)
            if not columns:
                return blog
            if "status" in columns:
                columns["ended_at"] = iso(now) if columns["status"] == "ended" else None
            assignments = ", ".join(f"{name} = ?" for name in columns)
            await db.execute(f"UPDATE blogs SET {assignments} WHERE id = ?", (*columns.values(), blog.id))
            blog = await self._blog_row(db, slug)
            assert blog is not None
            await self._append_event(db, blog, "blog.updated", None, blog.to_json(), now)
            return await self._blog_row(db, slug)  # type: ignore[return-value]

    # entries

    async def _entry(self, db: aiosqlite.Connection, slug: str, entry_id: int) -> Entry | None:
        found = await _load_entries(db, "b.slug = ? AND e.id = ?", (slug, entry_id))
        return found[0] if found else None

    async def _replayed(self, db: aiosqlite.Connection, user: User, idem: Idempotency | None, slug: str) -> Entry | None:
        """The entry a key already produced, or None for a new key; another request under it is a conflict."""
        if idem is None:
            return None
        row = await _fetchone(
            db, "SELECT request_hash, entry_id FROM idempotency_keys WHERE user_id = ? AND key = ?", (user.id, idem.key)
        )
        if row is None:
            return None
        if row[0] != idem.request_hash:
            raise Conflict("this Idempotency-Key was already used for a different request")
        return await self._entry(db, slug, row[1])

    @staticmethod
    async def _remember(db: aiosqlite.Connection, user: User, idem: Idempotency | None, entry_id: int, now: datetime) -> None:
        if idem is not None:
            await db.execute(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, entry_id, created_at) VALUES (?, ?, ?, ?, ?)",
                (user.id, idem.key, idem.request_hash, entry_id, iso(now)),
            )

    async def create_entry(
        self,
        slug: str,
        *,
        author: User,
        headline: str,
        body: str,
        body_html: str,
        key_event: bool,
        pinned: bool,
        supersedes: tuple[int, ...],
        filed_at: datetime | None,
        now: datetime,
        idempotency: Idempotency | None = None,
    ) -> tuple[Entry, bool]:
        async with self._write() as db:
            blog = await self._blog_row(db, slug)
            if blog is None:
                raise NotFound("blog")
            replayed = await self._replayed(db, author, idempotency, slug)
            if replayed is not None:
                return replayed, False
            if blog.status == "ended":
                raise Conflict("this blog has ended; reopen it to post")
            filed = model.check_filed_at(filed_at or now, now=now, blog_created_at=blog.created_at)
            # One writer at a time, so the next id is known before the insert: supersession is checked against it.
            row = await _fetchone(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM entries")
            entry_id: int = row[0] if row else 1
            if supersedes:
                found = {
                    r[0]: r[1]
                    for r in await _fetchall(
                        db,
                        f"SELECT e.id, b.slug FROM entries e JOIN blogs b ON b.id = e.blog_id WHERE e.id IN ({_marks(supersedes)})",
                        supersedes,
                    )
                }
                model.check_supersession(supersedes, blog=slug, found=found, new_id=entry_id)
            if pinned:
                await db.execute("UPDATE entries SET pinned = 0 WHERE blog_id = ? AND pinned = 1", (blog.id,))
            await db.execute(
                """INSERT INTO entries (id, blog_id, author_id, published_at, filed_at, headline, body, body_html,
                                        key_event, pinned)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (entry_id, blog.id, author.id, iso(now), iso(filed), headline, body, body_html, int(key_event),
                 int(pinned)),
            )
            await db.executemany(
                "INSERT INTO supersessions (entry_id, supersedes_id) VALUES (?, ?)",
                [(entry_id, target) for target in supersedes],
            )
            await self._remember(db, author, idempotency, entry_id, now)
            entry = await self._entry(db, slug, entry_id)
            assert entry is not None
            await self._append_event(db, blog, "entry.created", entry_id, entry.to_json(), now)
            return entry, True

    async def replayed_entry(self, slug: str, user: User, idempotency: Idempotency) -> Entry | None:
        async with self._read() as db:
            return await self._replayed(db, user, idempotency, slug)

    async def get_entry(self, slug: str, entry_id: int) -> Entry | None:
        async with self._read() as db:
            return await self._entry(db, slug, entry_id)

    async def list_entries(
        self, slug: str, *, before: int | None = None, limit: int = 20, key_events: bool = False
    ) -> list[Entry]:
        where = "b.slug = ?"
        params: list[Any] = [slug]
        if before is not None:
            where += " AND e.id < ?"
            params.append(before)
        if key_events:
            where += " AND e.key_event = 1 AND e.retracted_at IS NULL"
        params.append(limit)
        async with self._read() as db:
            return await _load_entries(db, where, params, "ORDER BY e.id DESC LIMIT ?")

    async def pinned_entry(self, slug: str) -> Entry | None:
        async with self._read() as db:
            found = await _load_entries(db, "b.slug = ? AND e.pinned = 1", [slug], "ORDER BY e.id DESC LIMIT 1")
        return found[0] if found else None

    async def correct_entry(
        self,
        slug: str,
        entry_id: int,
        *,
        by: User,
        body: str,
        body_html: str,
        note: str,
        if_match: int | None,
        now: datetime,
        idempotency: Idempotency | None = None,
    ) -> Entry:
        async with self._write() as db:
            blog = await self._blog_row(db, slug)
            entry = await self._entry(db, slug, entry_id)
            if blog is None or entry is None:
                raise NotFound("entry")
            replayed = await self._replayed(db, by, idempotency, slug)
            if replayed is not None:
                return replayed
            if if_match is not None and if_match != entry.revision:
                raise Conflict(f"the entry is at revision {entry.revision}, not {if_match}", current=entry)
            corrected = model.correct(entry, body=body, body_html=body_html, note=note, by=by.name, at=now)
            await db.execute(
                """INSERT INTO corrections (entry_id, at, note, previous_body, previous_body_html, by_id)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (entry.id, iso(now), note, entry.body, entry.body_html, by.id),
            )
            await db.execute(
                "UPDATE entries SET body = ?, body_html = ?, revision = ? WHERE id = ?",
                (corrected.body, corrected.body_html, corrected.revision, entry.id),
            )
            await self._remember(db, by, idempotency, entry.id, now)
            await self._append_event(db, blog, "entry.corrected", entry.id, corrected.to_json(), now)
            return corrected

    async def retract_entry(
        self,
        slug: str,
        entry_id: int,
        *,
        by: User,
        note: str,
        now: datetime,
        idempotency: Idempotency | None = None,
    ) -> Entry:
        async with self._write() as db:
            blog = await self._blog_row(db, slug)
            entry = await self._entry(db, slug, entry_id)
            if blog is None or entry is None:
                raise NotFound("entry")
            replayed = await self._replayed(db, by, idempotency, slug)
            if replayed is not None:
                return replayed
            retracted = model.retract(entry, note=note, by=by.name, at=now)
            await db.execute(
                "UPDATE entries SET retracted_at = ?, retraction_note = ?, retracted_by = ?, revision = ?, pinned = 0 WHERE id = ?",
                (iso(now), note, by.id, retracted.revision, entry.id),
            )
            await self._remember(db, by, idempotency, entry.id, now)
            public = json.dumps(retracted.to_json(), separators=(",", ":"), ensure_ascii=False)
            # A withdrawn text must not come back through a replay of the log either.
            await db.execute("UPDATE events SET payload = ? WHERE entry_id = ?", (public, entry.id))
            await self._append_event(db, blog, "entry.retracted", entry.id, retracted.to_json(), now)
            return retracted

    async def import_blog(self, blog: Blog, entries: list[Entry], now: datetime) -> Blog:
        async with self._write() as db:
            if await _fetchone(db, "SELECT 1 FROM blogs WHERE slug = ?", (blog.slug,)):
                raise Conflict(f"a blog with the slug {blog.slug!r} already exists")
            ids = [e.id for e in entries]
            if ids and await _fetchone(db, f"SELECT 1 FROM entries WHERE id IN ({_marks(ids)})", ids):
                raise Conflict("entry ids of this export are taken here: import into an empty database")
            people: dict[str, int] = {}
            local: list[str] = []
            for name in named_people(entries):
                row = await _fetchone(db, "SELECT id, role FROM users WHERE name = ?", (name,))
                if row is None:
                    cursor = await db.execute(
                        "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, '!', ?)",
                        (name, model.IMPORTED, iso(now)),
                    )
                    people[name] = cursor.lastrowid or 0
                elif row[1] == model.IMPORTED:
                    people[name] = row[0]
                else:
                    local.append(name)
            if local:
                raise local_authors(local)
            cursor = await db.execute(
                """INSERT INTO blogs (slug, title, summary, intro, intro_html, status, language, created_at, ended_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (blog.slug, blog.title, blog.summary, blog.intro, blog.intro_html, blog.status, blog.language,
                 iso(blog.created_at), iso(blog.ended_at)),
            )
            for e in sorted(entries, key=lambda e: e.id):
                r = e.retraction
                await db.execute(
                    """INSERT INTO entries (id, blog_id, author_id, published_at, filed_at, headline, body, body_html,
                           key_event, pinned, revision, retracted_at, retraction_note, retracted_by)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (e.id, cursor.lastrowid, people[e.author], iso(e.published_at), iso(e.filed_at), e.headline,
                     e.body, e.body_html, int(e.key_event), int(e.pinned), e.revision,
                     iso(r.at) if r else None, r.note if r else None, people[r.by] if r else None),
                )
                await db.executemany(
                    """INSERT INTO corrections (entry_id, at, note, previous_body, previous_body_html, by_id)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [(e.id, iso(c.at), c.note, c.previous_body, c.previous_body_html, people[c.by])
                     for c in e.corrections],
                )
                await db.executemany("INSERT INTO supersessions (entry_id, supersedes_id) VALUES (?, ?)",
                                     [(e.id, target) for target in e.supersedes])
            imported = await self._blog_row(db, blog.slug)
            assert imported is not None
            await self._append_event(db, imported, "blog.updated", None, imported.to_json(), now)
            for entry in await _load_entries(db, "b.slug = ?", [blog.slug], "ORDER BY e.id"):
                imported = await self._blog_row(db, blog.slug)
                assert imported is not None
                kind = "entry.retracted" if entry.retraction else "entry.created"
                await self._append_event(db, imported, kind, entry.id, entry.to_json(), now)
            return await self._blog_row(db, blog.slug)  # type: ignore[return-value]

    # the event log

    @staticmethod
    def _event(row: Sequence[Any]) -> Event:
        return Event(id=row[0], blog=row[1], seq=row[2], kind=row[3], entry_id=row[4], payload=row[5],
                     created_at=parse_iso(row[6]))

    async def events_since(self, slug: str, since: int, limit: int = 500) -> list[Event]:
        async with self._read() as db:
            rows = await _fetchall(
                db,
                """SELECT ev.id, b.slug, ev.seq, ev.kind, ev.entry_id, ev.payload, ev.created_at
                   FROM events ev JOIN blogs b ON b.id = ev.blog_id
                   WHERE b.slug = ? AND ev.seq > ? ORDER BY ev.seq LIMIT ?""",
                (slug, since, limit),
            )
        return [self._event(r) for r in rows]

    async def log_position(self) -> int:
        async with self._read() as db:
            row = await _fetchone(db, "SELECT COALESCE(MAX(id), 0) FROM events")
            return row[0] if row else 0

    async def events_after(self, position: int, limit: int = 1000) -> list[Event]:
        async with self._read() as db:
            rows = await _fetchall(
                db,
                """SELECT ev.id, b.slug, ev.seq, ev.kind, ev.entry_id, ev.payload, ev.created_at
                   FROM events ev JOIN blogs b ON b.id = ev.blog_id
                   WHERE ev.id > ? ORDER BY ev.id LIMIT ?""",
                (position, limit),
            )
        return [self._event(r) for r in rows]
