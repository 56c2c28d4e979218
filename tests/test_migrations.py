"""Migrations: every start brings the database to the current schema, from nothing if need be, and a
database written by a newer Liveblog is refused with a clear error: the process exits, it neither runs
on a schema it does not know nor hangs on the connections it opened.

SQLite's writer runs in WAL mode with ``synchronous=FULL``: when a write returns, it is on disk.
"""

import sqlite3
import subprocess

import httpx
import pytest

from conftest import liveblog_cmd
from liveblog.store.sqlite import SCHEMA_VERSION

NEWER = 99
REFUSAL = f"database schema version {NEWER} is newer than this liveblog ({SCHEMA_VERSION}): upgrade liveblog"


def schema_version(databases, db):
    """The version the database records: SQLite's user_version, PostgreSQL's schema_version table."""
    if databases.backend == "sqlite":
        return databases.sql(db, "PRAGMA user_version")[0][0]
    return databases.sql(db, "SELECT version FROM schema_version")[0][0]


def test_a_started_store_is_at_the_current_schema(site, databases):
    assert schema_version(databases, site.settings.db) == SCHEMA_VERSION
    assert site.client.get("/healthz").json() == {"status": "ok", "schema_version": SCHEMA_VERSION}


def test_sqlite_writes_are_durable_when_acknowledged(site, databases):
    if databases.backend != "sqlite":
        pytest.skip("journal modes are SQLite's")
    assert databases.sql(site.settings.db, "PRAGMA journal_mode") == [("wal",)]
    writer = site.runtime.store._writer  # synchronous is a per-connection setting: only the writer can tell

    async def pragma(name):
        async with writer.execute(f"PRAGMA {name}") as cursor:
            return (await cursor.fetchone())[0]

    assert site.call(pragma("synchronous")) == 2  # FULL
    assert site.call(pragma("foreign_keys")) == 1


def test_migrations_run_from_an_empty_database(spawn, tmp_path, databases):
    db = tmp_path / "empty.db"
    if databases.backend == "sqlite":
        db.touch()  # an empty file, as a volume mount or a careless `touch` leaves it
    server = spawn(db)
    assert httpx.get(server.url + "/healthz").json()["schema_version"] == SCHEMA_VERSION
    token = server.token()
    r = httpx.post(server.url + "/api/blogs", json={"slug": "strike", "title": "Strike"},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    server.stop()
    again = spawn(db)  # a second start finds nothing left to migrate
    assert [b["slug"] for b in httpx.get(again.url + "/api/blogs").json()["blogs"]] == ["strike"]
    assert schema_version(databases, databases.url(db)) == SCHEMA_VERSION


def test_a_database_from_a_newer_liveblog_is_refused_and_the_process_exits(tmp_path, databases):
    db = tmp_path / "newer.db"
    url = databases.url(db)
    if databases.backend == "sqlite":
        with sqlite3.connect(db) as conn:
            conn.execute(f"PRAGMA user_version={NEWER}")
    else:
        databases.sql(url, "CREATE TABLE schema_version (version INTEGER NOT NULL)")
        databases.sql(url, f"INSERT INTO schema_version (version) VALUES ({NEWER})")
    for command in (["user", "list"], ["serve", "--port", "0"]):
        try:
            done = liveblog_cmd(*command, db=db, timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"liveblog {' '.join(command)} hung on a database it refused")
        assert done.returncode != 0, command
        assert REFUSAL in done.stderr, done.stderr
    assert schema_version(databases, url) == NEWER, "the newer database is left as it was"
