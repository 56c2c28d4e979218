"""Every SQL statement of the project, the schema and its migrations, written once for both backends.

``SqlStore`` implements the whole ``Store`` interface on ``Db``, the little a backend's connection must do:
statements mark parameters with ``?`` and rows are read by column name. A backend (``sqlite.py``,
``postgres.py``) adds only what really differs: connections and transactions, column types, how a time is
stored, a list parameter, entry ids, row locks, ordering the log and NOTIFY, where the schema version lives.
"""

from __future__ import annotations

import asyncio
import json
import re
from abc import abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar, Protocol

from .. import model, signing
from ..marks import N_
from ..model import Blog, Correction, Entry, Person, Retraction, User, byline_of, iso, public_json, to_ms
from ..names import clashes
from .base import (
    Conflict,
    Event,
    Idempotency,
    Linked,
    NotFound,
    SchemaTooNew,
    Store,
    Subscription,
    Token,
    local_authors,
    named_people,
)

# Column types by backend: {ID} a generated key, {REF} a reference to one, {TIME} a moment, {FLAG} a yes/no.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE users (
            id {ID},
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at {TIME} NOT NULL
        )""",
        """CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY,
            user_id {REF} NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL,
            created_at {TIME} NOT NULL,
            expires_at {TIME},
            revoked_at {TIME}
        )""",
        "CREATE INDEX tokens_user ON tokens(user_id, kind)",
        """CREATE TABLE blogs (
            id {ID},
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            intro TEXT NOT NULL DEFAULT '',
            intro_html TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'live',
            language TEXT NOT NULL DEFAULT 'en',
            created_by {REF} REFERENCES users(id),
            created_at {TIME} NOT NULL,
            ended_at {TIME},
            last_seq {REF} NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE entries (
            id {ID},
            blog_id {REF} NOT NULL REFERENCES blogs(id),
            author_id {REF} NOT NULL REFERENCES users(id),
            published_at {TIME} NOT NULL,
            filed_at {TIME} NOT NULL,
            headline TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            body_html TEXT NOT NULL,
            key_event {FLAG},
            pinned {FLAG},
            revision INTEGER NOT NULL DEFAULT 1,
            retracted_at {TIME},
            retraction_note TEXT,
            retracted_by {REF} REFERENCES users(id)
        )""",
        "CREATE INDEX entries_blog ON entries(blog_id, id)",
        """CREATE TABLE corrections (
            id {ID},
            entry_id {REF} NOT NULL REFERENCES entries(id),
            at {TIME} NOT NULL,
            note TEXT NOT NULL,
            previous_body TEXT NOT NULL,
            previous_body_html TEXT NOT NULL,
            by_id {REF} NOT NULL REFERENCES users(id)
        )""",
        "CREATE INDEX corrections_entry ON corrections(entry_id, id)",
        """CREATE TABLE supersessions (
            entry_id {REF} NOT NULL REFERENCES entries(id),
            supersedes_id {REF} NOT NULL REFERENCES entries(id),
            PRIMARY KEY (entry_id, supersedes_id)
        )""",
        "CREATE INDEX supersessions_target ON supersessions(supersedes_id)",
        """CREATE TABLE events (
            id {ID},
            blog_id {REF} NOT NULL REFERENCES blogs(id),
            seq {REF} NOT NULL,
            kind TEXT NOT NULL,
            entry_id {REF} REFERENCES entries(id),
            payload TEXT NOT NULL,
            created_at {TIME} NOT NULL,
            UNIQUE (blog_id, seq)
        )""",
        """CREATE TABLE idempotency_keys (
            user_id {REF} NOT NULL REFERENCES users(id),
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            entry_id {REF} NOT NULL REFERENCES entries(id),
            created_at {TIME} NOT NULL,
            PRIMARY KEY (user_id, key)
        )""",
        """CREATE TABLE media (
            id TEXT PRIMARY KEY,
            uploader_id {REF} NOT NULL REFERENCES users(id),
            content_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            size INTEGER NOT NULL,
            caption TEXT NOT NULL DEFAULT '',
            created_at {TIME} NOT NULL
        )""",
    ),
    # A withdrawal scrubs its entry's events: without this index SQLite read the whole log under the write
    # lock to find them (PostgreSQL databases made before it have the index from their first migration).
    ("CREATE INDEX IF NOT EXISTS events_entry ON events(entry_id)",),
    # WebSub: who is pushed each feed, until when (liveblog/websub.py)
    (
        """CREATE TABLE IF NOT EXISTS websub_subscriptions (
            topic TEXT NOT NULL,
            blog_slug TEXT NOT NULL,
            callback TEXT NOT NULL,
            secret TEXT NOT NULL DEFAULT '',
            expires_at {TIME} NOT NULL,
            created_at {TIME} NOT NULL,
            PRIMARY KEY (topic, callback)
        )""",
        "CREATE INDEX IF NOT EXISTS websub_by_blog ON websub_subscriptions(blog_slug, expires_at)",
    ),
    # The hash chain (signing.py): each event's salted digest of its payload and its hash over the one before.
    # A withdrawal deletes the salt with the text; the digest and hash stay.
    ("ALTER TABLE events ADD COLUMN salt TEXT", "ALTER TABLE events ADD COLUMN digest TEXT",
     "ALTER TABLE events ADD COLUMN hash TEXT"),
    # The queue and drafts (model.Filing): apart from the entries, so no public read can reach them. Ids are
    # drawn like entries' (_next_entry_id), so an id names one or the other; request_key is the Idempotency-Key.
    (
        """CREATE TABLE IF NOT EXISTS filings (
            id {REF} PRIMARY KEY,
            blog_id {REF} NOT NULL REFERENCES blogs(id),
            author_id {REF} NOT NULL REFERENCES users(id),
            state TEXT NOT NULL,
            filed_at {TIME} NOT NULL,
            headline TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            body_html TEXT NOT NULL,
            key_event {FLAG},
            pinned {FLAG},
            supersedes TEXT NOT NULL DEFAULT '[]',
            request_key TEXT,
            request_hash TEXT,
            note TEXT NOT NULL DEFAULT '',
            decided_by {REF} REFERENCES users(id),
            decided_at {TIME},
            entry_id {REF} REFERENCES entries(id),
            edited {FLAG},
            changed_at {TIME} NOT NULL,
            lang TEXT,
            translation_blog TEXT,
            translation_id {REF}
        )""",
        "CREATE INDEX IF NOT EXISTS filings_blog ON filings(blog_id, state, id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS filings_key ON filings(author_id, request_key)",
    ),
    # An entry's own language (NULL: its blog's), and the entry of another blog it translates.
    (
        "ALTER TABLE entries ADD COLUMN lang TEXT",
        """CREATE TABLE IF NOT EXISTS translations (
            entry_id {REF} PRIMARY KEY REFERENCES entries(id),
            original_id {REF} NOT NULL REFERENCES entries(id)
        )""",
        "CREATE INDEX IF NOT EXISTS translations_original ON translations(original_id)",
    ),
    # People managed from the desk: a byline apart from the login name, suspension, the last sign-in, the
    # blogs a person is limited to. Entries, corrections and withdrawals keep the byline they were made under
    # (NULL before: read as the person's display name, and one with none as the desk's, never a login name).
    # An imported author's name already was a public byline: it stays theirs.
    (
        "ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE users ADD COLUMN suspended_at {TIME}",
        "ALTER TABLE users ADD COLUMN last_signin_at {TIME}",
        f"UPDATE users SET display_name = name WHERE role = '{model.IMPORTED}'",
        "ALTER TABLE entries ADD COLUMN byline TEXT",
        "ALTER TABLE entries ADD COLUMN retracted_byline TEXT",
        "ALTER TABLE corrections ADD COLUMN byline TEXT",
        """CREATE TABLE IF NOT EXISTS assignments (
            user_id {REF} NOT NULL REFERENCES users(id),
            blog_id {REF} NOT NULL REFERENCES blogs(id),
            PRIMARY KEY (user_id, blog_id)
        )""",
        # The log's entries named their authors by login name: each is rewritten once (``_rewrite_bylines``).
        "ALTER TABLE events ADD COLUMN bylines_pending {FLAG}",
        "UPDATE events SET bylines_pending = TRUE WHERE entry_id IS NOT NULL",
    ),
    # i18n: the language each person reads the desk in ("" = their browser's choice, by Accept-Language).
    ("ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT ''",),
)
SCHEMA_VERSION = len(MIGRATIONS)
_ADD_COLUMN = re.compile(r"ALTER TABLE (?P<table>\w+) ADD COLUMN (?P<column>\w+) ")

IMPORTING = "importing"  # the status of a blog whose import is still being written: no reader sees it
_SHOWN = f"b.status <> '{IMPORTING}'"
_IMPORT_BATCH = 500  # entries an import writes per transaction; live posts get the write lock in between

_ENTRY_SELECT = f"""SELECT e.id, b.slug AS blog, COALESCE(e.byline, u.display_name) AS author, e.author_id,
    e.published_at, e.filed_at, e.headline, e.body, e.body_html, e.key_event, e.pinned, e.revision, e.retracted_at,
    e.retraction_note, COALESCE(e.retracted_byline, r.display_name) AS retracted_by, e.lang
    FROM entries e JOIN blogs b ON b.id = e.blog_id AND {_SHOWN} JOIN users u ON u.id = e.author_id
    LEFT JOIN users r ON r.id = e.retracted_by"""
_BLOG_SELECT = f"""SELECT b.id, b.slug, b.title, b.summary, b.intro, b.intro_html, b.status, b.created_at,
    b.ended_at, b.last_seq, b.language,
    (SELECT MAX(COALESCE(e.retracted_at, e.published_at)) FROM entries e WHERE e.blog_id = b.id) AS entry_at,
    (SELECT MAX(c.at) FROM corrections c JOIN entries e ON e.id = c.entry_id WHERE e.blog_id = b.id)
        AS correction_at,
    (SELECT ev.created_at FROM events ev WHERE ev.blog_id = b.id AND ev.seq = b.last_seq) AS changed_at
    FROM blogs b WHERE {_SHOWN}"""
_EVENT_SELECT = f"""SELECT ev.id, b.slug, ev.seq, ev.kind, ev.entry_id, ev.payload, ev.created_at, ev.salt, ev.digest,
    ev.hash
    FROM events ev JOIN blogs b ON b.id = ev.blog_id AND {_SHOWN}"""
_USER_COLUMNS = "u.id, u.name, u.role, u.display_name, u.suspended_at, u.language"
# A suspended person's tokens of every kind stop working at once, whatever their expiry.
_TOKEN_SELECT = f"""SELECT {_USER_COLUMNS}, t.kind, t.created_at, t.expires_at
    FROM tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ? AND t.kind = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
    AND u.suspended_at IS NULL"""
_PERSON_SELECT = f"""SELECT {_USER_COLUMNS}, u.created_at, u.last_signin_at FROM users u"""
_INSERT_ENTRY = """INSERT INTO entries (id, blog_id, author_id, published_at, filed_at, headline, body, body_html,
    key_event, pinned, revision, retracted_at, retraction_note, retracted_by, byline, retracted_byline,
    lang)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT_CORRECTION = """INSERT INTO corrections (entry_id, at, note, previous_body, previous_body_html, by_id, byline)
    VALUES (?, ?, ?, ?, ?, ?, ?)"""
_INSERT_SUPERSESSION = "INSERT INTO supersessions (entry_id, supersedes_id) VALUES (?, ?)"
# An entry translates one original: an import naming a link already made makes nothing.
_INSERT_TRANSLATION = "INSERT INTO translations (entry_id, original_id) VALUES (?, ?) ON CONFLICT (entry_id) DO NOTHING"
# Whether both ends of a link, each (blog slug, entry id), are here: never in a blog still importing, whose failure
# would remove the entry (the import making the links has given its own blog its status first).
_BOTH_HERE = f"""SELECT COUNT(*) FROM entries e JOIN blogs b ON b.id = e.blog_id AND {_SHOWN}
    WHERE (b.slug = ? AND e.id = ?) OR (b.slug = ? AND e.id = ?)"""
_LOCK_BLOG = f"SELECT id FROM blogs b WHERE slug = ? AND {_SHOWN}"  # with the backend's _lock("b")
# Entries linked by translation, seen from one end (``mine``: of_id) to the other (``theirs``).
_LINKED = f"""SELECT t.{{mine}} AS of_id, e.id, b.slug, COALESCE(e.lang, b.language) AS lang, e.published_at,
    e.retracted_at FROM translations t JOIN entries e ON e.id = t.{{theirs}}
    JOIN blogs b ON b.id = e.blog_id AND {_SHOWN}"""
_ORIGINALS = _LINKED.format(mine="entry_id", theirs="original_id")
_TRANSLATIONS = _LINKED.format(mine="original_id", theirs="entry_id")
# A blog's entries that read in its language (none of their own): the other blogs show that language for them.
_IN_BLOG_LANGUAGE = """IN (SELECT x.id FROM entries x JOIN blogs xb ON xb.id = x.blog_id
    WHERE xb.slug = ? AND x.lang IS NULL)"""
# The blogs of an entry and of every entry it is linked with by translation: their rows are locked together.
_LINKED_BLOGS = """SELECT DISTINCT b.slug FROM translations t JOIN entries e ON e.id IN (t.entry_id, t.original_id)
    JOIN blogs b ON b.id = e.blog_id WHERE t.entry_id = ? OR t.original_id = ?"""
# The authors a failed import brought in and nothing names any more: they would read as people here
# (the desk's list, `liveblog user add` refusing look-alikes of a name from an import that never happened).
_DROP_UNUSED_AUTHORS = """DELETE FROM users WHERE role = ?
    AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.author_id = users.id OR e.retracted_by = users.id)
    AND NOT EXISTS (SELECT 1 FROM corrections c WHERE c.by_id = users.id)
    AND NOT EXISTS (SELECT 1 FROM blogs b WHERE b.created_by = users.id)"""
_REUSED_KEY = N_("this Idempotency-Key was already used for a different request")
_FILING_SELECT = f"""SELECT f.id, b.slug AS blog, u.name AS author, u.display_name AS author_byline, f.author_id,
    f.state, f.filed_at, f.headline, f.body, f.body_html, f.key_event, f.pinned, f.supersedes, f.note,
    f.decided_by AS decider_id, d.display_name AS decider_byline, f.decided_at,
    f.entry_id, f.edited, f.request_hash, f.lang, f.translation_blog, f.translation_id
    FROM filings f JOIN blogs b ON b.id = f.blog_id AND {_SHOWN} JOIN users u ON u.id = f.author_id
    LEFT JOIN users d ON d.id = f.decided_by"""


class Row(Protocol):
    """A result row, read by column name (``sqlite3.Row`` and ``asyncpg.Record`` both are)."""

    def __getitem__(self, key: str, /) -> Any: ...


class Db(Protocol):
    """One connection inside one transaction, as the core uses it; ``?`` marks each parameter."""

    async def rows(self, sql: str, *params: Any) -> Sequence[Row]: ...

    async def row(self, sql: str, *params: Any) -> Row | None: ...

    async def value(self, sql: str, *params: Any) -> Any: ...

    async def run(self, sql: str, *params: Any) -> int:
        """Run a statement; the number of rows it touched."""

    async def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[n:n + size] for n in range(0, len(items), size)]


class SqlStore(Store):
    """The store on any SQL backend; subclasses give the connection and the dialect's few differences."""

    schema_version = SCHEMA_VERSION
    TYPES: ClassVar[dict[str, str]]  # the column types MIGRATIONS name
    import_pause: ClassVar[float] = 0.0  # seconds an import waits between batches, for writers of other processes

    # what a backend supplies

    @abstractmethod
    def _write(self) -> AbstractAsyncContextManager[Db]:
        """A write transaction, committed when the block ends."""

    @abstractmethod
    def _read(self) -> AbstractAsyncContextManager[Db]:
        """A read-only snapshot, so several queries agree with each other."""

    @abstractmethod
    def _time(self, dt: datetime) -> Any:
        """A time as the backend stores it (cut to the millisecond)."""

    @abstractmethod
    def _when(self, value: Any) -> datetime:
        """A stored time read back."""

    @abstractmethod
    def _any(self, column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
        """A condition that ``column`` is one of ``values``, with its parameters."""

    def _lock(self, table: str) -> str:
        """What a SELECT adds to lock the rows it reads of ``table`` until commit."""
        return ""

    @abstractmethod
    async def _next_entry_id(self, db: Db) -> int:
        """The id the next entry gets, drawn before the insert so supersession is checked against it."""

    async def _reserve_ids(self, db: Db) -> None:
        """Entries were written with their own ids: new ones must number after them."""

    async def _logging(self, db: Db, slug: str, seq: int) -> None:
        """Called before events are written, with the blog's newest seq: to order the log and announce it."""

    @abstractmethod
    async def _schema_found(self, db: Db) -> int: ...

    @abstractmethod
    async def _has_column(self, db: Db, table: str, column: str) -> bool: ...

    @abstractmethod
    async def _schema_done(self, db: Db, version: int) -> None: ...

    # times and rows

    def _maybe_time(self, dt: datetime | None) -> Any:
        return None if dt is None else self._time(dt)

    def _maybe_when(self, value: Any) -> datetime | None:
        return None if value is None else self._when(value)

    def _blog(self, row: Row) -> Blog:
        times = [self._when(t) for t in (row["entry_at"], row["correction_at"]) if t is not None]
        return Blog(
            id=row["id"], slug=row["slug"], title=row["title"], summary=row["summary"], intro=row["intro"],
            intro_html=row["intro_html"], status=row["status"], created_at=self._when(row["created_at"]),
            ended_at=self._maybe_when(row["ended_at"]), last_event_id=row["last_seq"], language=row["language"],
            last_updated_at=max(times) if times else None, last_changed_at=self._maybe_when(row["changed_at"]),
        )

    def _event(self, row: Row) -> Event:
        return Event(id=row["id"], blog=row["slug"], seq=row["seq"], kind=row["kind"], entry_id=row["entry_id"],
                     payload=row["payload"], created_at=self._when(row["created_at"]), salt=row["salt"],
                     digest=row["digest"], hash=row["hash"])

    def _user(self, row: Row) -> User:
        return User(row["id"], row["name"], row["role"], row["display_name"], row["suspended_at"] is not None,
                    row["language"])

    def _token(self, row: Row) -> Token:
        return Token(self._user(row), row["kind"], self._when(row["created_at"]), self._maybe_when(row["expires_at"]))

    def _person(self, row: Row, blogs: Sequence[str]) -> Person:
        return Person(self._user(row), self._when(row["created_at"]), self._maybe_when(row["last_signin_at"]),
                      self._maybe_when(row["suspended_at"]), tuple(blogs))

    async def _migrate(self) -> None:
        """Apply pending migrations; several workers starting at once apply each only once."""
        async with self._write() as db:
            version = await self._schema_found(db)
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(version, SCHEMA_VERSION)
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    await self._apply(db, statement.format(**self.TYPES))
                await self._schema_done(db, number + 1)
            await self._rewrite_bylines(db)
            await self._chain_unchained(db)

    async def _apply(self, db: Db, statement: str) -> None:
        """A migration's statement, done again without harm, as ``IF NOT EXISTS`` makes a table or an index: a
        column already there (a migration half applied by hand, or a schema version set back) is left as it is,
        which neither backend's ``ADD COLUMN`` does by itself everywhere (SQLite has no ``IF NOT EXISTS`` there)."""
        added = _ADD_COLUMN.match(statement)
        if added is None or not await self._has_column(db, added["table"], added["column"]):
            await db.run(statement)

    async def _chain_unchained(self, db: Db) -> None:
        """Events written before the hash chain existed get their salt, digest and hash, in each blog's order.
        They are always a blog's first events: every event since is chained when written."""
        rows = await db.rows("""SELECT ev.id, ev.blog_id, b.slug, ev.seq, ev.kind, ev.entry_id, ev.payload,
                                ev.created_at FROM events ev JOIN blogs b ON b.id = ev.blog_id
                                WHERE ev.hash IS NULL ORDER BY ev.blog_id, ev.seq""")
        chained: dict[int, str] = {}
        for r in rows:
            salt = signing.new_salt()
            digest = signing.payload_digest(salt, json.loads(r["payload"]))
            chained[r["blog_id"]] = signing.event_hash(chained.get(r["blog_id"], signing.GENESIS), r["slug"], r["seq"],
                                                       r["kind"], r["entry_id"], iso(self._when(r["created_at"])) or "",
                                                       digest)
            await db.run("UPDATE events SET salt = ?, digest = ?, hash = ? WHERE id = ?", salt, digest,
                         chained[r["blog_id"]], r["id"])

    async def _rewrite_bylines(self, db: Db) -> None:
        """Events logged before bylines named people by login name: their ``author`` and ``by`` become the
        entry's bylines as it reads now, each once (a replay or the events API must not leak them). In the
        migration's transaction and before ``_chain_unchained``: the chain then commits to the rewritten text."""
        while True:
            rows = await db.rows("SELECT ev.id, b.slug, ev.entry_id, ev.payload FROM events ev JOIN blogs b "
                                 "ON b.id = ev.blog_id WHERE ev.bylines_pending = TRUE LIMIT 500")
            if not rows:
                return
            ids = sorted({r["entry_id"] for r in rows})
            among, params = self._any("e.id", ids)
            found = {e.id: e for e in await self._load_entries(db, among, params)}
            for row in rows:
                payload = model.with_bylines(json.loads(row["payload"]), found.get(row["entry_id"]))
                await db.run("UPDATE events SET payload = ?, bylines_pending = FALSE WHERE id = ?",
                             public_json(payload), row["id"])

    # people and credentials

    async def count_users(self) -> int:
        async with self._read() as db:
            return int(await db.value("SELECT COUNT(*) FROM users WHERE role <> ?", model.IMPORTED))

    async def create_user(self, name: str, role: str, password_hash: str, now: datetime,
                          display_name: str = "") -> User:
        async with self._write() as db:
            user_id = await db.value(
                """INSERT INTO users (name, role, password_hash, created_at, display_name) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO NOTHING RETURNING id""",
                name, role, password_hash, self._time(now), display_name,
            )
            if user_id is None:
                raise Conflict("a user named %(name)s already exists", name=repr(name))
            return User(id=user_id, name=name, role=role, display_name=display_name)

    async def list_users(self) -> list[tuple[User, datetime]]:
        async with self._read() as db:
            rows = await db.rows(f"{_PERSON_SELECT} ORDER BY u.name")
        return [(self._user(r), self._when(r["created_at"])) for r in rows]

    async def get_user(self, name: str) -> tuple[User, str] | None:
        async with self._read() as db:
            row = await db.row(f"SELECT {_USER_COLUMNS}, u.password_hash FROM users u WHERE u.name = ?", name)
        return (self._user(row), row["password_hash"]) if row else None

    async def list_people(self, name: str | None = None) -> list[Person]:
        """Everyone who can sign in (or the one called ``name``), with the blogs each is limited to."""
        where, params = ("u.name = ?", [name]) if name is not None else ("u.role <> ?", [model.IMPORTED])
        async with self._read() as db:
            rows = await db.rows(f"{_PERSON_SELECT} WHERE {where} ORDER BY u.name", *params)
            pairs = await db.rows("SELECT a.user_id, b.slug FROM assignments a JOIN blogs b ON b.id = a.blog_id "
                                  "ORDER BY b.slug")
        blogs: dict[int, list[str]] = {}
        for pair in pairs:
            blogs.setdefault(pair["user_id"], []).append(pair["slug"])
        return [self._person(r, blogs.get(r["id"], [])) for r in rows]

    async def set_suspended(self, user_id: int, at: datetime | None) -> None:
        """Suspend (``at``) or restore (None). Suspending also revokes every token: a restored person starts
        again from a new sign-in link."""
        async with self._write() as db:
            await db.run("UPDATE users SET suspended_at = ? WHERE id = ?", self._maybe_time(at), user_id)
            if at is not None:
                await db.run("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                             self._time(at), user_id)

    async def set_display_name(self, user_id: int, display_name: str) -> None:
        async with self._write() as db:
            await db.run("UPDATE users SET display_name = ? WHERE id = ?", display_name, user_id)

    async def record_signin(self, user_id: int, now: datetime) -> None:
        async with self._write() as db:
            await db.run("UPDATE users SET last_signin_at = ? WHERE id = ?", self._time(now), user_id)

    async def assign_blogs(self, user_id: int, slugs: Sequence[str]) -> None:
        """Limit the person to these blogs (none: every blog); a slug that names no blog is ``NotFound``."""
        async with self._write() as db:
            ids = []
            for slug in dict.fromkeys(slugs):
                blog_id = await db.value("SELECT id FROM blogs WHERE slug = ?", slug)
                if blog_id is None:
                    raise NotFound(f"blog {slug!r}")
                ids.append(blog_id)
            await db.run("DELETE FROM assignments WHERE user_id = ?", user_id)
            await db.run_many("INSERT INTO assignments (user_id, blog_id) VALUES (?, ?)",
                              [(user_id, blog_id) for blog_id in ids])

    async def assigned_blogs(self, user_id: int) -> list[str]:
        async with self._read() as db:
            rows = await db.rows("SELECT b.slug FROM assignments a JOIN blogs b ON b.id = a.blog_id "
                                 "WHERE a.user_id = ? ORDER BY b.slug", user_id)
        return [r["slug"] for r in rows]

    async def set_password(self, user_id: int, password_hash: str) -> None:
        async with self._write() as db:
            await db.run("UPDATE users SET password_hash = ? WHERE id = ?", password_hash, user_id)

    async def set_user_language(self, user_id: int, language: str) -> None:
        async with self._write() as db:
            await db.run("UPDATE users SET language = ? WHERE id = ?", language, user_id)

    async def add_token(
        self, user_id: int, kind: str, token_hash: str, now: datetime, expires_at: datetime | None
    ) -> None:
        async with self._write() as db:
            await db.run(
                "INSERT INTO tokens (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                token_hash, user_id, kind, self._time(now), self._maybe_time(expires_at),
            )

    async def find_token(self, token_hash: str, kind: str, now: datetime) -> Token | None:
        async with self._read() as db:
            row = await db.row(_TOKEN_SELECT, token_hash, kind, self._time(now))
        return self._token(row) if row else None

    async def take_token(self, token_hash: str, kind: str, now: datetime) -> Token | None:
        async with self._write() as db:
            row = await db.row(_TOKEN_SELECT + self._lock("t"), token_hash, kind, self._time(now))
            if row is None:
                return None
            await db.run("UPDATE tokens SET revoked_at = ? WHERE token_hash = ?", self._time(now), token_hash)
            return self._token(row)

    async def revoke_tokens(self, user_id: int, kind: str, now: datetime, token_hash: str | None = None) -> int:
        sql = "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = ? AND revoked_at IS NULL"
        params: list[Any] = [self._time(now), user_id, kind]
        if token_hash is not None:
            sql += " AND token_hash = ?"
            params.append(token_hash)
        async with self._write() as db:
            return await db.run(sql, *params)

    # photos

    async def add_media(
        self, *, name: str, uploader: User, content_type: str, width: int, height: int, size: int, caption: str,
        now: datetime,
    ) -> None:
        async with self._write() as db:
            await db.run(
                """INSERT INTO media (id, uploader_id, content_type, width, height, size, caption, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                name, uploader.id, content_type, width, height, size, caption, self._time(now),
            )

    async def media_exists(self, name: str) -> bool:
        async with self._read() as db:
            return await db.value("SELECT 1 FROM media WHERE id = ?", name) is not None

    async def media_sizes(self, names: list[str]) -> dict[str, tuple[int, int]]:
        sizes: dict[str, tuple[int, int]] = {}
        async with self._read() as db:
            for name in dict.fromkeys(names):
                row = await db.row("SELECT width, height FROM media WHERE id = ?", name)
                if row is not None:
                    sizes[name] = (int(row["width"]), int(row["height"]))
        return sizes

    # WebSub subscriptions

    async def websub_subscribe(self, sub: Subscription, now: datetime) -> None:
        async with self._write() as db:
            await db.run(
                """INSERT INTO websub_subscriptions (topic, blog_slug, callback, secret, expires_at, created_at)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (topic, callback)
                   DO UPDATE SET secret = excluded.secret, expires_at = excluded.expires_at""",
                sub.topic, sub.blog, sub.callback, sub.secret, self._time(sub.expires_at), self._time(now),
            )

    async def websub_unsubscribe(self, topic: str, callback: str) -> int:
        async with self._write() as db:
            return await db.run("DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?", topic, callback)

    async def websub_others(self, topic: str, callback: str, now: datetime) -> int:
        async with self._read() as db:
            return int(await db.value(
                "SELECT count(*) FROM websub_subscriptions WHERE topic = ? AND callback <> ? AND expires_at > ?",
                topic, callback, self._time(now)))

    async def websub_subscribers(self, slug: str, now: datetime) -> list[Subscription]:
        async with self._read() as db:
            rows = await db.rows(
                """SELECT topic, blog_slug, callback, secret, expires_at FROM websub_subscriptions
                   WHERE blog_slug = ? AND expires_at > ? ORDER BY topic, callback""", slug, self._time(now))
        return [Subscription(r["topic"], r["blog_slug"], r["callback"], r["secret"], self._when(r["expires_at"]))
                for r in rows]

    async def websub_expire(self, now: datetime) -> int:
        async with self._write() as db:
            return await db.run("DELETE FROM websub_subscriptions WHERE expires_at <= ?", self._time(now))

    # blogs

    async def _blog_row(self, db: Db, slug: str) -> Blog | None:
        row = await db.row(f"{_BLOG_SELECT} AND b.slug = ?", slug)
        return self._blog(row) if row else None

    async def _locked_blog(self, db: Db, slug: str) -> Blog | None:
        """The blog, its row locked until commit where the backend needs it: its writers take turns."""
        lock = self._lock("b")
        if lock and await db.value(_LOCK_BLOG + lock, slug) is None:
            return None
        return await self._blog_row(db, slug)

    async def _lock_blogs(self, db: Db, slugs: set[str]) -> None:
        """Lock several blogs' rows in one order (by slug), so two writers linking the same blogs by translation
        cannot each hold one and wait for the other."""
        lock = self._lock("b")
        if lock:
            for slug in sorted(slugs):
                await db.value(_LOCK_BLOG + lock, slug)

    async def _lock_linked(self, db: Db, slug: str, entry_id: int) -> None:
        """Lock the entry's blog and the blogs of the entries it is linked with, before changing it."""
        rows = await db.rows(_LINKED_BLOGS, entry_id, entry_id)
        await self._lock_blogs(db, {slug, *(r["slug"] for r in rows)})

    async def _relink(self, db: Db, linked: Sequence[model.Linked], now: datetime) -> None:
        """Each linked entry of another blog shows this change (a translation listed or gone, the original
        corrected or withdrawn): ``entry.linked`` in its blog's log, so its readers' copy is re-rendered."""
        await self._resend(db, [(other.blog, other.id) for other in linked], now)

    async def _resend(self, db: Db, ends: Sequence[tuple[str, int]], now: datetime) -> None:
        """``_relink`` for entries named by blog and id."""
        for slug, entry_id in ends:
            blog = await self._blog_row(db, slug)
            entry = await self._entry(db, slug, entry_id)
            if blog is not None and entry is not None:
                await self._append_event(db, blog, "entry.linked", entry.id, entry.to_json(), now)

    def _event_rows(self, blog: Blog, events: Sequence[tuple[str, int | None, dict[str, Any]]],
                    now: datetime) -> list[tuple[Any, ...]]:
        """The rows of events to append to the blog's log, numbered on from its newest, each with its salt and
        salted digest (made before any lock is taken); ``_append_events`` chains them."""
        rows = []
        for seq, (kind, entry_id, payload) in enumerate(events, start=blog.last_event_id + 1):
            shown = {**payload, "event_id": seq} if kind == "blog.updated" else payload
            salt = signing.new_salt()
            rows.append((blog.id, seq, kind, entry_id, public_json(shown), self._time(now), salt,
                         signing.payload_digest(salt, shown), iso(now)))
        return rows

    async def _append_events(self, db: Db, blog: Blog, rows: list[tuple[Any, ...]]) -> int:
        """The one place events are written (``_event_rows``), inside the caller's transaction; the newest seq.
        Each event's hash takes the one before it, read here under the blog's lock."""
        seq: int = rows[-1][1]
        await self._logging(db, blog.slug, seq)
        prev = await db.value("SELECT hash FROM events WHERE blog_id = ? AND seq = ?", blog.id, rows[0][1] - 1)
        prev = prev or signing.GENESIS
        chained = []
        for *row, at in rows:
            prev = signing.event_hash(prev, blog.slug, row[1], row[2], row[3], at, row[7])
            chained.append((*row, prev))
        self.written[blog.slug] = max(seq, self.written.get(blog.slug, 0))
        await db.run("UPDATE blogs SET last_seq = ? WHERE id = ?", seq, blog.id)
        await db.run_many(
            """INSERT INTO events (blog_id, seq, kind, entry_id, payload, created_at, salt, digest, hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", chained
        )
        return seq

    async def _append_event(self, db: Db, blog: Blog, kind: str, entry_id: int | None, payload: dict[str, Any],
                            now: datetime) -> None:
        await self._append_events(db, blog, self._event_rows(blog, [(kind, entry_id, payload)], now))

    async def _blog_changed(self, db: Db, slug: str, now: datetime) -> Blog:
        """Log the blog as it now is (``blog.updated``) and return it."""
        blog = await self._blog_row(db, slug)
        assert blog is not None
        await self._append_event(db, blog, "blog.updated", None, blog.to_json(), now)
        return await self._blog_row(db, slug)  # type: ignore[return-value]

    async def create_blog(
        self, *, slug: str, title: str, summary: str, intro: str, intro_html: str, by: User, now: datetime,
        language: str = "en",
    ) -> Blog:
        async with self._write() as db:
            inserted = await db.value(
                """INSERT INTO blogs (slug, title, summary, intro, intro_html, language, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id""",
                slug, title, summary, intro, intro_html, language, by.id, self._time(now),
            )
            if inserted is None:
                raise Conflict("a blog with the slug %(slug)s already exists", slug=repr(slug))
            return await self._blog_changed(db, slug, now)

    async def list_blogs(self) -> list[Blog]:
        async with self._read() as db:
            rows = await db.rows(f"{_BLOG_SELECT} ORDER BY b.status = 'ended', COALESCE(b.ended_at, b.created_at) DESC")
        return [self._blog(r) for r in rows]

    async def get_blog(self, slug: str) -> Blog | None:
        async with self._read() as db:
            return await self._blog_row(db, slug)

    async def update_blog(self, slug: str, changes: dict[str, Any], now: datetime) -> Blog:
        """A new language is also the language of its entries that have none of their own: the entries of other
        blogs linked with them by translation show it (``_relink``), their blogs locked with this one."""
        async with self._write() as db:
            if "language" in changes:
                await self._lock_blogs(db, {slug, *(other.blog for other in await self._in_language(db, slug))})
            blog = await self._locked_blog(db, slug)
            if blog is None:
                raise NotFound("blog")
            columns = model.blog_update(blog, changes, now)
            if not columns:
                return blog
            if "ended_at" in columns:
                columns["ended_at"] = self._maybe_time(columns["ended_at"])
            assignments = ", ".join(f"{name} = ?" for name in columns)
            await db.run(f"UPDATE blogs SET {assignments} WHERE id = ?", *columns.values(), blog.id)
            changed = await self._blog_changed(db, slug, now)
            if "language" in columns:
                await self._relink(db, await self._in_language(db, slug), now)
            return changed

    async def _in_language(self, db: Db, slug: str) -> list[model.Linked]:
        """The entries of other blogs linked by translation with this blog's entries that read in its language."""
        rows = [*await db.rows(f"{_ORIGINALS} WHERE t.entry_id {_IN_BLOG_LANGUAGE}", slug),
                *await db.rows(f"{_TRANSLATIONS} WHERE t.original_id {_IN_BLOG_LANGUAGE}", slug)]
        return list({(r["slug"], r["id"]): self._linked(r) for r in rows}.values())

    # entries

    async def _load_entries(self, db: Db, where: str, params: Sequence[Any], tail: str = "") -> list[Entry]:
        """Entries with their corrections, supersession and translation links, in a fixed number of queries for any
        number."""
        rows = await db.rows(f"{_ENTRY_SELECT} WHERE {where} {tail}", *params)
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        corrections: dict[int, list[Correction]] = {i: [] for i in ids}
        among, among_params = self._any("c.entry_id", ids)
        for c in await db.rows(
            f"""SELECT c.entry_id, c.at, c.note, c.previous_body, c.previous_body_html,
                COALESCE(c.byline, u.display_name) AS byline
                FROM corrections c JOIN users u ON u.id = c.by_id WHERE {among} ORDER BY c.id""",
            *among_params,
        ):
            corrections[c["entry_id"]].append(Correction(self._when(c["at"]), c["note"], c["previous_body"],
                                                         c["previous_body_html"], byline_of(c["byline"])))
        supersedes: dict[int, list[int]] = {i: [] for i in ids}
        superseded_by: dict[int, list[int]] = {i: [] for i in ids}
        newer, newer_params = self._any("entry_id", ids)
        older, older_params = self._any("supersedes_id", ids)
        for s in await db.rows(f"SELECT entry_id, supersedes_id FROM supersessions WHERE {newer} OR {older}",
                               *newer_params, *older_params):
            supersedes.get(s["entry_id"], []).append(s["supersedes_id"])
            superseded_by.get(s["supersedes_id"], []).append(s["entry_id"])
        referenced = sorted({i for v in (*supersedes.values(), *superseded_by.values()) for i in v})
        ref_times: dict[int, datetime] = {}
        if referenced:
            named, named_params = self._any("id", referenced)
            for r in await db.rows(f"SELECT id, published_at FROM entries WHERE {named}", *named_params):
                ref_times[r["id"]] = self._when(r["published_at"])
        return await self._with_translations(db, [
            self._entry_of(r, tuple(corrections[r["id"]]), supersedes[r["id"]], superseded_by[r["id"]], ref_times)
            for r in rows])

    def _linked(self, row: Row, corrected: Sequence[tuple[int, datetime]] = ()) -> model.Linked:
        return model.Linked(blog=row["slug"], id=row["id"], lang=row["lang"],
                            published_at=self._when(row["published_at"]), retracted=row["retracted_at"] is not None,
                            corrected=tuple(corrected))

    async def _with_translations(self, db: Db, entries: list[Entry]) -> list[Entry]:
        """Each entry with the entry it translates (and that one's corrections since) and the entries translating
        it, withdrawn translations left out."""
        ids = [e.id for e in entries]
        mine, mine_params = self._any("t.entry_id", ids)
        originals = {r["of_id"]: r for r in await db.rows(f"{_ORIGINALS} WHERE {mine}", *mine_params)}
        theirs, theirs_params = self._any("t.original_id", ids)
        translations: dict[int, list[model.Linked]] = {}
        for r in await db.rows(f"{_TRANSLATIONS} WHERE {theirs} AND e.retracted_at IS NULL ORDER BY e.id",
                               *theirs_params):
            translations.setdefault(r["of_id"], []).append(self._linked(r))
        corrected: dict[int, list[datetime]] = {}
        if originals:
            among, params = self._any("entry_id", sorted({r["id"] for r in originals.values()}))
            for c in await db.rows(f"SELECT entry_id, at FROM corrections WHERE {among} ORDER BY id", *params):
                corrected.setdefault(c["entry_id"], []).append(self._when(c["at"]))
        found = []
        for e in entries:
            original = originals.get(e.id)
            since = model.corrected_since(corrected.get(original["id"], []), e.published_at) if original else ()
            found.append(replace(e, translation_of=self._linked(original, since) if original else None,
                                 translations=tuple(translations.get(e.id, ()))))
        return found

    def _entry_of(self, r: Row, corrections: tuple[Correction, ...], supersedes: list[int],
                  superseded_by: list[int], ref_times: dict[int, datetime]) -> Entry:
        links = sorted(supersedes, reverse=True), sorted(superseded_by)
        return Entry(
            id=r["id"], blog=r["blog"], author=byline_of(r["author"]), author_id=r["author_id"],
            published_at=self._when(r["published_at"]), filed_at=self._when(r["filed_at"]), headline=r["headline"],
            body=r["body"], body_html=r["body_html"], key_event=bool(r["key_event"]), pinned=bool(r["pinned"]),
            revision=r["revision"], lang=r["lang"],
            retraction=(Retraction(self._when(r["retracted_at"]), r["retraction_note"], byline_of(r["retracted_by"]))
                        if r["retracted_at"] is not None else None),
            corrections=corrections, supersedes=tuple(links[0]), superseded_by=tuple(links[1]),
            ref_times={i: ref_times[i] for i in links[0] + links[1] if i in ref_times},
        )

    async def _entry(self, db: Db, slug: str, entry_id: int) -> Entry | None:
        found = await self._load_entries(db, "b.slug = ? AND e.id = ?", (slug, entry_id))
        return found[0] if found else None

    async def _replayed(self, db: Db, user: User, idem: Idempotency | None, slug: str) -> Entry | None:
        """The entry a key already produced, or None for a new key; another request under it is a conflict."""
        if idem is None:
            return None
        row = await db.row("SELECT request_hash, entry_id FROM idempotency_keys WHERE user_id = ? AND key = ?",
                           user.id, idem.key)
        if row is None:
            if await db.value("SELECT 1 FROM filings WHERE author_id = ? AND request_key = ?", user.id, idem.key):
                raise Conflict(_REUSED_KEY)  # it filed a draft or a queued update: not this request
            return None
        if row["request_hash"] != idem.request_hash:
            raise Conflict(_REUSED_KEY)
        return await self._entry(db, slug, row["entry_id"])

    async def _remember(self, db: Db, user: User, idem: Idempotency | None, entry_id: int, now: datetime) -> None:
        """Record the key; the same key racing in through another blog's lock loses with a conflict."""
        if idem is not None:
            inserted = await db.value(
                """INSERT INTO idempotency_keys (user_id, key, request_hash, entry_id, created_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1""",
                user.id, idem.key, idem.request_hash, entry_id, self._time(now),
            )
            if inserted is None:
                raise Conflict(_REUSED_KEY)

    async def _changing(self, db: Db, slug: str, entry_id: int, user: User,
                        idem: Idempotency | None) -> tuple[Blog, Entry, Entry | None]:
        """The blog (locked) and entry a correction or withdrawal changes, and the entry a replayed key made."""
        blog = await self._locked_blog(db, slug)
        entry = await self._entry(db, slug, entry_id)
        if blog is None or entry is None:
            raise NotFound("entry")
        return blog, entry, await self._replayed(db, user, idem, slug)

    async def create_entry(
        self, slug: str, *, author: User, headline: str, body: str, body_html: str, key_event: bool, pinned: bool,
        supersedes: tuple[int, ...], filed_at: datetime | None, now: datetime, idempotency: Idempotency | None = None,
        lang: str | None = None, translation_of: tuple[str, int] | None = None,
    ) -> tuple[Entry, bool]:
        async with self._write() as db:
            if translation_of is not None:
                await self._lock_blogs(db, {slug, translation_of[0]})
            blog = await self._locked_blog(db, slug)
            if blog is None:
                raise NotFound("blog")
            replayed = await self._replayed(db, author, idempotency, slug)
            if replayed is not None:
                return replayed, False
            _open(blog)
            filed = model.check_filed_at(filed_at or now, now=now, blog_created_at=blog.created_at)
            entry = await self._insert_entry(db, blog, author.id, model.Filing(
                0, slug, author.name, author.id, model.PUBLISHED, filed, headline, body, body_html, key_event, pinned,
                supersedes), now, byline=author.byline, lang=lang, translation_of=translation_of)
            await self._remember(db, author, idempotency, entry.id, now)
            return entry, True

    async def _check_supersedes(self, db: Db, supersedes: tuple[int, ...], slug: str, new_id: int) -> None:
        """The updates a new one supersedes must be this blog's (model.check_supersession)."""
        if supersedes:
            among, params = self._any("e.id", supersedes)
            found = {r["id"]: r["slug"] for r in await db.rows(
                f"SELECT e.id, b.slug FROM entries e JOIN blogs b ON b.id = e.blog_id WHERE {among}", *params)}
            model.check_supersession(supersedes, blog=slug, found=found, new_id=new_id)

    async def _check_original(self, db: Db, translation_of: tuple[str, int], slug: str) -> None:
        """The entry a translation names must be a public entry of another blog (model.check_original)."""
        original = await db.row(_ENTRY_SELECT + " WHERE e.id = ?", translation_of[1])
        model.check_original(translation_of, (original["blog"], original["retracted_at"] is not None)
                             if original else None, blog=slug)

    async def _insert_entry(self, db: Db, blog: Blog, author_id: int, new: model.Filing, now: datetime, *,
                            byline: str, lang: str | None = None,
                            translation_of: tuple[str, int] | None = None) -> Entry:
        """Publish ``new`` (a post, or a filing now published) as the blog's newest entry and log it: the one
        place an entry is created, so a filing published late is checked and logged as any post is."""
        entry_id = await self._next_entry_id(db)
        await self._check_supersedes(db, new.supersedes, blog.slug, entry_id)
        if translation_of is not None:
            await self._check_original(db, translation_of, blog.slug)
        if new.pinned:
            await db.run("UPDATE entries SET pinned = FALSE WHERE blog_id = ? AND pinned = TRUE", blog.id)
        await db.run(_INSERT_ENTRY, entry_id, blog.id, author_id, self._time(now), self._time(new.filed_at),
                     new.headline, new.body, new.body_html, new.key_event, new.pinned, 1, None, None, None, byline,
                     None, lang)
        await db.run_many(_INSERT_SUPERSESSION, [(entry_id, target) for target in new.supersedes])
        if translation_of is not None:
            await db.run(_INSERT_TRANSLATION, entry_id, translation_of[1])
        entry = await self._entry(db, blog.slug, entry_id)
        assert entry is not None
        await self._append_event(db, blog, "entry.created", entry_id, entry.to_json(), now)
        await self._relink(db, [entry.translation_of] if entry.translation_of else [], now)
        return entry

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
            where += " AND e.key_event = TRUE AND e.retracted_at IS NULL"
        async with self._read() as db:
            return await self._load_entries(db, where, [*params, limit], "ORDER BY e.id DESC LIMIT ?")

    async def pinned_entry(self, slug: str) -> Entry | None:
        async with self._read() as db:
            found = await self._load_entries(db, "b.slug = ? AND e.pinned = TRUE", [slug], "ORDER BY e.id DESC LIMIT 1")
        return found[0] if found else None

    async def correct_entry(
        self, slug: str, entry_id: int, *, by: User, body: str, body_html: str, note: str, if_match: int | None,
        now: datetime, idempotency: Idempotency | None = None,
    ) -> Entry:
        async with self._write() as db:
            await self._lock_linked(db, slug, entry_id)
            blog, entry, replayed = await self._changing(db, slug, entry_id, by, idempotency)
            if replayed is not None:
                return replayed
            if if_match is not None and if_match != entry.revision:
                raise Conflict("the entry is at revision %(revision)s, not %(asked)s", current=entry,
                               revision=entry.revision, asked=if_match)
            corrected = model.correct(entry, body=body, body_html=body_html, note=note, by=by.byline, at=to_ms(now))
            await db.run(_INSERT_CORRECTION, entry.id, self._time(now), note, entry.body, entry.body_html, by.id,
                         by.byline)
            await db.run("UPDATE entries SET body = ?, body_html = ?, revision = ? WHERE id = ?",
                         corrected.body, corrected.body_html, corrected.revision, entry.id)
            await self._remember(db, by, idempotency, entry.id, now)
            await self._append_event(db, blog, "entry.corrected", entry.id, corrected.to_json(), now)
            await self._relink(db, corrected.translations, now)
            return corrected

    async def retract_entry(
        self, slug: str, entry_id: int, *, by: User, note: str, now: datetime, idempotency: Idempotency | None = None
    ) -> Entry:
        async with self._write() as db:
            await self._lock_linked(db, slug, entry_id)
            blog, entry, replayed = await self._changing(db, slug, entry_id, by, idempotency)
            if replayed is not None:
                return replayed
            retracted = model.retract(entry, note=note, by=by.byline, at=to_ms(now))
            await db.run(
                """UPDATE entries SET retracted_at = ?, retraction_note = ?, retracted_by = ?, retracted_byline = ?,
                       revision = ?, pinned = FALSE WHERE id = ?""",
                self._time(now), note, by.id, by.byline, retracted.revision, entry.id,
            )
            await self._remember(db, by, idempotency, entry.id, now)
            # A withdrawn text must not come back through a replay of the log either.
            # Its salt goes with it, so the digest the chain keeps cannot be matched against a guess.
            await db.run("UPDATE events SET payload = ?, salt = NULL WHERE entry_id = ?",
                         public_json(retracted.to_json()), entry.id)
            await self._append_event(db, blog, "entry.retracted", entry.id, retracted.to_json(), now)
            await self._relink(db, [*([entry.translation_of] if entry.translation_of else []), *entry.translations],
                               now)
            return retracted

    # the queue and drafts: never in the log, never read by a public view

    def _filing(self, r: Row) -> model.Filing:
        return model.Filing(
            id=r["id"], blog=r["blog"], author=r["author"], byline=model.byline_of(r["author_byline"]),
            author_id=r["author_id"], state=r["state"],
            filed_at=self._when(r["filed_at"]), headline=r["headline"], body=r["body"], body_html=r["body_html"],
            key_event=bool(r["key_event"]), pinned=bool(r["pinned"]), supersedes=tuple(json.loads(r["supersedes"])),
            note=r["note"], decided_by=model.byline_of(r["decider_byline"]) if r["decider_id"] is not None else None,
            decided_at=self._maybe_when(r["decided_at"]),
            entry_id=r["entry_id"], edited=bool(r["edited"]), lang=r["lang"],
            translation_of=(r["translation_blog"], r["translation_id"]) if r["translation_blog"] else None,
        )

    async def _filing_row(self, db: Db, slug: str, filing_id: int) -> model.Filing | None:
        row = await db.row(f"{_FILING_SELECT} WHERE b.slug = ? AND f.id = ?", slug, filing_id)
        return self._filing(row) if row else None

    async def _written_filing(self, db: Db, slug: str, filing_id: int) -> model.Filing:
        """A filing this transaction just wrote or checked: it is there."""
        filing = await self._filing_row(db, slug, filing_id)
        assert filing is not None
        return filing

    async def file_entry(
        self, slug: str, *, author: User, state: str, headline: str, body: str, body_html: str, key_event: bool,
        pinned: bool, supersedes: tuple[int, ...], filed_at: datetime | None, now: datetime,
        idempotency: Idempotency | None = None, lang: str | None = None,
        translation_of: tuple[str, int] | None = None,
    ) -> tuple[model.Filing, bool]:
        async with self._write() as db:
            blog = await self._locked_blog(db, slug)
            if blog is None:
                raise NotFound("blog")
            replayed = await self._replayed_filing(db, author, idempotency, slug)
            if replayed is not None:
                return replayed, False
            _open(blog)
            filed = model.check_filed_at(filed_at or now, now=now, blog_created_at=blog.created_at)
            if translation_of is not None:
                await self._check_original(db, translation_of, slug)
            filing_id = await self._next_entry_id(db)
            await self._check_supersedes(db, supersedes, slug, filing_id)
            await db.run(
                """INSERT INTO filings (id, blog_id, author_id, state, filed_at, headline, body, body_html, key_event,
                       pinned, supersedes, request_key, request_hash, changed_at, lang, translation_blog,
                       translation_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                filing_id, blog.id, author.id, state, self._time(filed), headline, body, body_html, key_event, pinned,
                json.dumps(list(supersedes)), idempotency.key if idempotency else None,
                idempotency.request_hash if idempotency else None, self._time(now), lang,
                *(translation_of or (None, None)),
            )
            return await self._written_filing(db, slug, filing_id), True

    async def _replayed_filing(self, db: Db, user: User, idem: Idempotency | None, slug: str) -> model.Filing | None:
        """The filing a key already made; the key used for anything else (an entry too) is a conflict."""
        if idem is None:
            return None
        row = await db.row("SELECT id, request_hash FROM filings WHERE author_id = ? AND request_key = ?",
                           user.id, idem.key)
        if row is not None and row["request_hash"] == idem.request_hash:
            return await self._written_filing(db, slug, row["id"])
        if row is not None or await db.value(
                "SELECT 1 FROM idempotency_keys WHERE user_id = ? AND key = ?", user.id, idem.key):
            raise Conflict(_REUSED_KEY)
        return None

    async def replayed_filing(self, slug: str, user: User, idempotency: Idempotency) -> model.Filing | None:
        async with self._read() as db:
            return await self._replayed_filing(db, user, idempotency, slug)

    async def get_filing(self, slug: str, filing_id: int) -> model.Filing | None:
        async with self._read() as db:
            return await self._filing_row(db, slug, filing_id)

    async def list_filings(self, slug: str, *, states: Sequence[str], author_id: int | None = None,
                           limit: int = 50) -> list[model.Filing]:
        where = f"b.slug = ? AND f.state IN ({', '.join('?' for _ in states)})"
        params: list[Any] = [slug, *states]
        if author_id is not None:
            where += " AND f.author_id = ?"
            params.append(author_id)
        async with self._read() as db:
            rows = await db.rows(f"{_FILING_SELECT} WHERE {where} ORDER BY f.id DESC LIMIT ?", *params, limit)
        return [self._filing(r) for r in rows]

    async def queue_mark(self, slug: str) -> str:
        async with self._read() as db:
            row = await db.row("""SELECT COUNT(*) AS n, MAX(f.changed_at) AS at FROM filings f
                                  JOIN blogs b ON b.id = f.blog_id WHERE b.slug = ?""", slug)
        return f"{row['n'] if row else 0}:{row['at'] if row else ''}"

    async def _deciding(self, db: Db, slug: str, filing_id: int, publishing: bool) -> tuple[Blog, model.Filing]:
        blog = await self._locked_blog(db, slug)
        filing = await self._filing_row(db, slug, filing_id) if blog else None
        if blog is None or filing is None:
            raise NotFound("entry")
        if not model.undecided(filing, publishing=publishing):
            raise _decided(filing)
        return blog, filing

    async def publish_filing(self, slug: str, filing_id: int, *, by: User, headline: str | None, body: str | None,
                             body_html: str | None, now: datetime) -> Entry:
        async with self._write() as db:
            filed = await self._filing_row(db, slug, filing_id)
            if filed is not None and filed.translation_of is not None:
                await self._lock_blogs(db, {slug, filed.translation_of[0]})
            blog, filing = await self._deciding(db, slug, filing_id, publishing=True)
            _open(blog)
            shown = replace(filing, headline=filing.headline if headline is None else headline,
                            body=body if body is not None else filing.body,
                            body_html=body_html if body_html is not None else filing.body_html)
            edited = (shown.headline, shown.body) != (filing.headline, filing.body)
            byline = byline_of(await db.value("SELECT display_name FROM users WHERE id = ?", filing.author_id))
            entry = await self._insert_entry(db, blog, filing.author_id, shown, now, byline=byline, lang=filing.lang,
                                             translation_of=filing.translation_of)
            await db.run("""UPDATE filings SET state = ?, decided_by = ?, decided_at = ?, entry_id = ?, edited = ?,
                                changed_at = ? WHERE id = ?""",
                         model.PUBLISHED, by.id, self._time(now), entry.id, edited, self._time(now), filing.id)
            return entry

    async def decline_filing(self, slug: str, filing_id: int, *, by: User, note: str, now: datetime) -> model.Filing:
        async with self._write() as db:
            _, filing = await self._deciding(db, slug, filing_id, publishing=False)
            await db.run("""UPDATE filings SET state = ?, note = ?, decided_by = ?, decided_at = ?, changed_at = ?
                            WHERE id = ?""", model.DECLINED, note, by.id, self._time(now), self._time(now), filing.id)
            return await self._written_filing(db, slug, filing.id)

    # imports

    async def import_blog(self, blog: Blog, entries: list[Entry], now: datetime,
                          links: Sequence[model.TranslationLink] = ()) -> tuple[Blog, Linked]:
        """Written in batches, each its own transaction, so live posts (of any blog, in any process) get the
        write lock in between. Until the last batch the blog is ``importing``: no reader sees it, and a
        failure removes what was written. The highest entry is written first, so every id a post takes
        meanwhile is above the import's. With the blog: the links made, and those whose translation here
        already translates an entry (``Linked``)."""
        entries = model.linked(sorted(entries, key=lambda e: e.id))
        hidden, people = await self._start_import(blog, entries, now)
        try:
            for batch in _chunks(entries[:-1], _IMPORT_BATCH):
                rows = self._import_rows(hidden.id, batch, people, links=True)  # made before the lock is taken
                events = self._event_rows(hidden, [_import_event(e) for e in batch], now)
                await asyncio.sleep(self.import_pause)
                async with self._write() as db:
                    for sql, values in rows:
                        await db.run_many(sql, values)
                    hidden = replace(hidden, last_event_id=await self._append_events(db, hidden, events))
            async with self._write() as db:
                await self._lock_blogs(db, {link.other(blog.slug) for link in links})
                if entries:
                    top = entries[-1]
                    await db.run_many(_INSERT_SUPERSESSION, [(top.id, target) for target in top.supersedes])
                    await self._append_event(db, hidden, *_import_event(top), now)
                await db.run("UPDATE blogs SET status = ? WHERE id = ?", blog.status, hidden.id)
                linked = await self._import_links(db, links, now)
                return await self._blog_changed(db, blog.slug, now), linked
        except BaseException:
            await self._drop_import(hidden.id)
            raise

    async def _import_links(self, db: Db, links: Sequence[model.TranslationLink], now: datetime) -> Linked:
        """The links of an import whose two entries are both here, made (both ends are sent again, linked),
        unless the translation already translates an entry: one original each."""
        made, taken = [], []
        for link in links:
            if await db.value(_BOTH_HERE, *link.translation, *link.original) == 2:
                if await db.run(_INSERT_TRANSLATION, link.translation[1], link.original[1]):
                    made.append(link)
                else:
                    taken.append(link)
        await self._resend(db, list(dict.fromkeys(end for link in made for end in (link.translation, link.original))),
                           now)
        return Linked(made, taken)

    async def _start_import(self, blog: Blog, entries: list[Entry], now: datetime) -> tuple[Blog, dict[str, int]]:
        """The checks, the authors, the hidden blog and its highest entry, in one transaction."""
        async with self._write() as db:
            if await db.value("SELECT 1 FROM blogs WHERE slug = ?", blog.slug):
                raise Conflict("a blog with the slug %(slug)s already exists", slug=repr(blog.slug))
            for chunk in _chunks([e.id for e in entries], 500):
                among, params = self._any("id", chunk)
                if await db.value(f"SELECT 1 FROM entries WHERE {among} LIMIT 1", *params):
                    raise Conflict("entry ids of this export are taken here: import into an empty database")
            people = await self._import_people(db, entries, now)
            blog_id = await db.value(  # ON CONFLICT: an import of the same slug may have begun meanwhile
                """INSERT INTO blogs (slug, title, summary, intro, intro_html, status, language, created_at, ended_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id""",
                blog.slug, blog.title, blog.summary, blog.intro, blog.intro_html, IMPORTING, blog.language,
                self._time(blog.created_at), self._maybe_time(blog.ended_at),
            )
            if blog_id is None:
                raise Conflict("a blog with the slug %(slug)s already exists", slug=repr(blog.slug))
            if entries:
                for sql, values in self._import_rows(blog_id, entries[-1:], people, links=False):
                    await db.run_many(sql, values)
                await self._reserve_ids(db)
            return replace(blog, id=blog_id, last_event_id=0), people

    async def _import_people(self, db: Db, entries: list[Entry], now: datetime) -> dict[str, int]:
        """Everyone the entries name, as IMPORTED accounts shared with earlier imports; a name that reads like a
        local account's (``names.clashes``: case, spaces, look-alike letters) is refused."""
        named = named_people(entries)
        local_names = [r["name"] for r in await db.rows("SELECT name FROM users WHERE role <> ?", model.IMPORTED)]
        alike = clashes(named, local_names)
        if alike:
            raise local_authors(alike)
        people: dict[str, int] = {}
        for name in named:  # none is a local account's now: clashes() refused those, in this same transaction
            await db.run("""INSERT INTO users (name, role, password_hash, created_at, display_name)
                            VALUES (?, ?, '!', ?, ?) ON CONFLICT (name) DO NOTHING""",
                         name, model.IMPORTED, self._time(now), name)
            people[name] = await db.value("SELECT id FROM users WHERE name = ?", name)
        return people

    def _import_rows(self, blog_id: int, batch: Sequence[Entry], people: dict[str, int], *,
                     links: bool) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The statements and rows that write a batch of entries with their corrections, and their
        supersessions when ``links``."""
        entries = []
        for e in batch:
            r = e.retraction
            entries.append((e.id, blog_id, people[e.author], self._time(e.published_at), self._time(e.filed_at),
                            e.headline, e.body, e.body_html, e.key_event, e.pinned, e.revision,
                            self._maybe_time(r.at if r else None), r.note if r else None, people[r.by] if r else None,
                            e.author, r.by if r else None, e.lang))
        corrections = [(e.id, self._time(c.at), c.note, c.previous_body, c.previous_body_html, people[c.by], c.by)
                       for e in batch for c in e.corrections]
        supersessions = [(e.id, target) for e in batch for target in e.supersedes] if links else []
        return [(_INSERT_ENTRY, entries), (_INSERT_CORRECTION, corrections), (_INSERT_SUPERSESSION, supersessions)]

    async def _drop_import(self, blog_id: int) -> None:
        """Remove what a failed import wrote: a half-imported blog must not stay behind."""
        ids = "IN (SELECT id FROM entries WHERE blog_id = ?)"
        mine = f"entry_id {ids}"
        async with self._write() as db:
            await db.run("DELETE FROM events WHERE blog_id = ?", blog_id)
            await db.run(f"DELETE FROM translations WHERE entry_id {ids} OR original_id {ids}", blog_id, blog_id)
            await db.run(f"DELETE FROM supersessions WHERE {mine}", blog_id)
            await db.run(f"DELETE FROM corrections WHERE {mine}", blog_id)
            await db.run("DELETE FROM entries WHERE blog_id = ?", blog_id)
            await db.run("DELETE FROM blogs WHERE id = ?", blog_id)
            await db.run(_DROP_UNUSED_AUTHORS, model.IMPORTED)

    # the event log

    async def events_since(self, slug: str, since: int, limit: int = 500) -> list[Event]:
        async with self._read() as db:
            rows = await db.rows(f"{_EVENT_SELECT} WHERE b.slug = ? AND ev.seq > ? ORDER BY ev.seq LIMIT ?",
                                 slug, since, limit)
        return [self._event(r) for r in rows]

    async def log_position(self) -> int:
        async with self._read() as db:
            return int(await db.value("SELECT COALESCE(MAX(id), 0) FROM events"))

    async def events_after(self, position: int, limit: int = 1000) -> list[Event]:
        async with self._read() as db:
            rows = await db.rows(f"{_EVENT_SELECT} WHERE ev.id > ? ORDER BY ev.id LIMIT ?", position, limit)
        return [self._event(r) for r in rows]


def _decided(filing: model.Filing) -> Conflict:
    """Why an editor's decision finds the filing past deciding: each state its own sentence, to translate."""
    current = filing.to_json()
    if filing.state == model.PUBLISHED:
        return Conflict("this update is already published", current=current)
    if filing.state == model.DECLINED:
        return Conflict("this update is already declined", current=current)
    return Conflict("only an update waiting in the queue can be declined", current=current)  # a draft


def _open(blog: Blog) -> None:
    if blog.status == "ended":
        raise Conflict("this blog has ended; reopen it to post")


def _import_event(entry: Entry) -> tuple[str, int, dict[str, Any]]:
    """The event an imported entry adds to the log: as it stands now."""
    return ("entry.retracted" if entry.retraction else "entry.created"), entry.id, entry.to_json()
