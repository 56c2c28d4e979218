"""SQLite: the connections, transactions and the few dialect parts under the SQL core (``core.py``).

One writer connection, every write in ``BEGIN IMMEDIATE … COMMIT`` under an
asyncio lock (aiosqlite runs one connection in one thread, so two coroutines
sharing it would share a transaction). Readers use a small pool of read-only
connections, each lent to one coroutine at a time. WAL mode with
``synchronous=FULL``: when a write returns, it is on disk.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from typing import Any, ClassVar

import aiosqlite

from ..model import iso, parse_iso
from .core import SCHEMA_VERSION as SCHEMA_VERSION
from .core import Db, SqlStore


class _Db:
    """An aiosqlite connection as the core uses it (``Db``)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        """In one trip to the connection's thread (a cursor would take three: execute, fetch, close)."""
        return list(await self.conn.execute_fetchall(sql, params))

    async def row(self, sql: str, *params: Any) -> sqlite3.Row | None:
        found = await self.rows(sql, *params)
        return found[0] if found else None

    async def value(self, sql: str, *params: Any) -> Any:
        row = await self.row(sql, *params)
        return None if row is None else row[0]

    async def run(self, sql: str, *params: Any) -> int:
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    async def run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if len(rows) == 1:
            await self.conn.execute(sql, rows[0])
        elif rows:
            await self.conn.executemany(sql, rows)


class SQLiteStore(SqlStore):
    TYPES: ClassVar[dict[str, str]] = {"ID": "INTEGER PRIMARY KEY", "REF": "INTEGER", "TIME": "TEXT",
                                       "FLAG": "INTEGER NOT NULL DEFAULT 0"}
    import_pause = 0.05  # longer than SQLite's busy handler sleeps at first, so other processes' writers get in

    def __init__(self, path: str, readers: int = 3) -> None:
        super().__init__()
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
            self._writer.row_factory = sqlite3.Row
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
                await self._writer.execute(f"PRAGMA {pragma}")
            await self._migrate()
            uri = "file:" + self.path.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
            for _ in range(self._reader_count):
                conn = await aiosqlite.connect(uri, uri=True, isolation_level=None, timeout=30)
                self._all_readers.append(conn)
                conn.row_factory = sqlite3.Row
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

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Db]:
        assert self._writer is not None, "store is not open"
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield _Db(self._writer)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
            self._committed.set()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Db]:
        """A reader for one coroutine; a transaction so several queries see one snapshot."""
        conn = await self._readers.get()
        try:
            await conn.execute("BEGIN")
            try:
                yield _Db(conn)
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

    async def wait_for_change(self, timeout: float) -> None:  # noqa: ASYNC109 (the interface's name)
        """A commit in this process wakes the follower at once; other workers' are seen by polling."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self._committed.wait(), timeout)
        self._committed.clear()

    def _time(self, dt: datetime) -> Any:
        return iso(dt)

    def _when(self, value: Any) -> datetime:
        return parse_iso(value)

    def _any(self, column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

    async def _next_entry_id(self, db: Db) -> int:
        """One writer at a time, so the next id is the highest so far plus one (filings draw from the same
        numbers: an id names an entry or a filing, never both)."""
        return int(await db.value("""SELECT MAX(n) + 1 FROM (SELECT COALESCE(MAX(id), 0) AS n FROM entries
                                     UNION ALL SELECT COALESCE(MAX(id), 0) FROM filings) AS ids"""))

    async def _schema_found(self, db: Db) -> int:
        return int(await db.value("PRAGMA user_version"))

    async def _has_column(self, db: Db, table: str, column: str) -> bool:
        return bool(await db.value("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", table, column))

    async def _schema_done(self, db: Db, version: int) -> None:
        await db.run(f"PRAGMA user_version={version}")
