"""Migrations: every start brings the database to the current schema, from nothing if need be, and a
database written by a newer Liveblog is refused with a clear error: the process exits, it neither runs
on a schema it does not know nor hangs on the connections it opened.

SQLite's writer runs in WAL mode with ``synchronous=FULL``: when a write returns, it is on disk.
"""

import sqlite3
import subprocess

import asyncpg
import httpx
import pytest

from conftest import liveblog_cmd
from liveblog.services import entries
from liveblog.store import open_store
from liveblog.store.core import MIGRATIONS, SCHEMA_VERSION
from unit_store import world

NEWER = 99
REFUSAL = f"database schema version {NEWER} is newer than this liveblog ({SCHEMA_VERSION}): upgrade liveblog"


def schema_version(databases, db):
    """The version the database records: SQLite's user_version, PostgreSQL's schema_version table."""
    if databases.backend == "sqlite":
        return databases.sql(db, "PRAGMA user_version")[0][0]
    return databases.sql(db, "SELECT version FROM schema_version")[0][0]


def test_a_started_store_is_at_the_current_schema(site, databases):
    assert schema_version(databases, site.settings.db) == SCHEMA_VERSION
    health = site.client.get("/healthz").json()
    assert (health["status"], health["schema_version"]) == ("ok", SCHEMA_VERSION)


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


def withdrawal_plan(databases, db):
    """How the database runs a withdrawal's scrub of its entry's events (PostgreSQL told to use an index
    whenever it has one: on a table this small it would rather read it all)."""
    scrub = "UPDATE events SET payload = '' WHERE entry_id = 1"
    if databases.backend == "sqlite":
        return " ".join(row[3] for row in databases.sql(db, f"EXPLAIN QUERY PLAN {scrub}"))

    async def explain():
        conn = await asyncpg.connect(db)
        try:
            await conn.execute("SET enable_seqscan = off")
            return " ".join(row[0] for row in await conn.fetch(f"EXPLAIN {scrub}"))
        finally:
            await conn.close()

    return databases.run(explain())


def test_a_withdrawal_finds_its_entry_events_by_an_index(site, databases):
    """The scrub runs under the write lock: on SQLite, without an index on events(entry_id), it read the
    whole log (~78 ms at 20,000 events, ~1.2 s at 100,000) while every other post waited."""
    site.blog("strike")
    entry = site.entry("strike", "A name that must go")
    r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/retraction", json={"note": "A source"},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    assert "events_entry" in withdrawal_plan(databases, site.settings.db)


def test_a_database_at_schema_1_gains_the_events_index(tmp_path, databases):
    url = databases.url(tmp_path / "v1.db")
    store = open_store(url)
    for statement in MIGRATIONS[0]:
        databases.sql(url, statement.format(**store.TYPES))
    if databases.backend == "sqlite":
        databases.sql(url, "PRAGMA user_version=1")
    else:
        databases.sql(url, "CREATE TABLE schema_version (version INTEGER NOT NULL)")
        databases.sql(url, "INSERT INTO schema_version (version) VALUES (1)")
    assert "events_entry" not in withdrawal_plan(databases, url)
    databases.run(store.open())
    databases.run(store.close())
    assert "events_entry" in withdrawal_plan(databases, url)
    assert schema_version(databases, url) == SCHEMA_VERSION


def set_schema_version(databases, url, version):
    if databases.backend == "sqlite":
        databases.sql(url, f"PRAGMA user_version={version}")
    else:
        databases.sql(url, "UPDATE schema_version SET version = ?", version)


CHAIN = MIGRATIONS.index(("ALTER TABLE events ADD COLUMN salt TEXT", "ALTER TABLE events ADD COLUMN digest TEXT",
                          "ALTER TABLE events ADD COLUMN hash TEXT"))


async def a_blog_with_an_entry(tmp_path):
    async with world(tmp_path) as w:
        await entries.publish(w.store, w.posts, w.amal, w.blog, entries.entry_input({"body": "Shots heard"}), None)


def test_the_chain_migration_half_applied_or_run_again_completes(tmp_path, databases):
    """A column a migration adds that is already there is left as it is, as a table or index made "IF NOT
    EXISTS" is: the events' chain columns half added (salt only), or every migration since run again, and the
    store still opens, chains what is unchained and changes nothing else."""
    url = databases.url(tmp_path / "unit.db")  # the world's database, made here: not from the databases' loop
    databases.run(a_blog_with_an_entry(tmp_path))
    log = "SELECT id, payload, salt, digest, hash FROM events ORDER BY id"
    chained = databases.sql(url, log)

    set_schema_version(databases, url, CHAIN)  # run again: every migration from the chain's on
    store = open_store(url)
    databases.run(store.open())
    databases.run(store.close())
    assert schema_version(databases, url) == SCHEMA_VERSION
    assert databases.sql(url, log) == chained, "what was chained is left as it was"

    databases.sql(url, "UPDATE events SET digest = NULL, hash = NULL, salt = NULL")
    if databases.backend == "sqlite":
        databases.sql(url, "ALTER TABLE events DROP COLUMN hash")
        databases.sql(url, "ALTER TABLE events DROP COLUMN digest")
    else:
        databases.sql(url, "ALTER TABLE events DROP COLUMN hash, DROP COLUMN digest")
    set_schema_version(databases, url, CHAIN)  # half applied: salt is there, digest and hash are not
    store = open_store(url)
    databases.run(store.open())
    databases.run(store.close())
    assert schema_version(databases, url) == SCHEMA_VERSION
    assert all(row[2] and row[3] and row[4] for row in databases.sql(url, log)), "every event chained"
