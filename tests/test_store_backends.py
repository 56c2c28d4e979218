"""The database setting picks the store: a path is SQLite, a postgres:// URL is PostgreSQL (imported only
then), and both carry the same migrations. On either, several processes writing one database keep each blog's
seq gapless and a reader of one process gets every post of the other, in order. PostgreSQL's NOTIFY carries
only the blog and the seq, a lost listening connection is replaced, and `liveblog backup` (SQLite's online
backup) points it to pg_dump."""

import asyncio
import json
import sys
import threading
import time

import httpx
import pytest

from conftest import ROOT, database, liveblog_cmd
from liveblog import model
from liveblog.store import open_store
from liveblog.store.postgres import CHANNEL, PostgresStore
from liveblog.store.sqlite import SQLiteStore
from processes import run
from sse import events, read_stream


@pytest.mark.unit
def test_the_database_setting_chooses_the_backend(tmp_path):
    assert isinstance(open_store(str(tmp_path / "a.db")), SQLiteStore)
    assert isinstance(open_store(f"sqlite:///{tmp_path}/a.db"), SQLiteStore)
    assert isinstance(open_store("postgresql://postgres@127.0.0.1:5432/x"), PostgresStore)
    assert isinstance(open_store("postgres://postgres@127.0.0.1:5432/x"), PostgresStore)


def test_sqlite_needs_no_postgres_driver(tmp_path):
    code = ("import sys; from liveblog.store import open_store; open_store(sys.argv[1]); "
            "assert 'asyncpg' not in sys.modules and 'liveblog.store.postgres' not in sys.modules")
    done = run([sys.executable, "-c", code, str(tmp_path / "a.db")], cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr


def test_two_processes_on_one_database_write_one_gapless_log(spawn, tmp_path, databases):
    db = tmp_path / "shared.db"
    a = spawn(db)
    headers = {"Authorization": f"Bearer {a.token()}"}
    b = spawn(db)
    assert httpx.post(a.url + "/api/blogs", json={"slug": "w", "title": "W"}, headers=headers).status_code == 201
    per_writer = 6
    frames: list = []
    opened = threading.Event()
    reader = threading.Thread(target=lambda: frames.extend(read_stream(
        a.url + "/blogs/w/events", until=lambda f: len(events(f)) >= 2 * per_writer,
        on_open=lambda r: opened.set(), timeout=30)))
    reader.start()
    assert opened.wait(10)

    def write(server, name):
        for i in range(per_writer):
            r = httpx.post(server.url + "/api/blogs/w/entries", json={"body": f"{name} {i}"}, headers=headers,
                           timeout=10)
            assert r.status_code == 201, r.text

    writers = [threading.Thread(target=write, args=(server, name)) for server, name in ((a, "a"), (b, "b"))]
    for t in writers:
        t.start()
    for t in writers:
        t.join(30)
    reader.join(30)
    assert [int(f.id) for f in events(frames)] == list(range(2, 2 + 2 * per_writer))
    bodies = sorted(f.json()["body"] for f in events(frames))
    assert bodies == sorted(f"{n} {i}" for n in "ab" for i in range(per_writer))
    rows = databases.sql(databases.url(db), "SELECT seq FROM events ORDER BY id")
    assert [seq for (seq,) in rows] == list(range(1, 2 + 2 * per_writer))


def test_a_change_notifies_only_the_blog_and_seq(site, databases):
    if databases.backend != "postgres":
        pytest.skip("NOTIFY is PostgreSQL's; run with --store=postgres")
    import asyncpg

    heard: list[str] = []
    run = databases.run
    listener = run(asyncpg.connect(site.settings.db))
    try:
        run(listener.add_listener(CHANNEL, lambda conn, pid, channel, payload: heard.append(payload)))
        site.blog("strike")
        site.entry("strike", "x" * 20_000)

        async def settle():
            for _ in range(100):
                if len(heard) >= 2:
                    return
                await asyncio.sleep(0.05)

        run(settle())
    finally:
        run(listener.close())
    assert [json.loads(p) for p in heard] == [{"blog": "strike", "seq": 1}, {"blog": "strike", "seq": 2}]


def test_a_lost_listening_connection_is_replaced_and_posts_still_arrive(site, databases):
    if databases.backend != "postgres":
        pytest.skip("LISTEN is PostgreSQL's; run with --store=postgres")
    # the listening connection's last statement: its LISTEN, or the publisher claim it also holds (WebSub's
    # deliverer, the push tier's publisher), which only that connection runs
    listeners = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND (query LIKE 'LISTEN %' "
                 "OR query LIKE '%'':publisher''%') AND pid <> pg_backend_pid()")
    site.blog("strike")
    before = databases.sql(site.settings.db, listeners)
    assert len(before) == 1
    databases.sql(site.settings.db, f"SELECT pg_terminate_backend(pid) FROM ({listeners}) AS l")
    deadline = time.monotonic() + 15
    while (now := databases.sql(site.settings.db, listeners)) in ([], before):
        assert time.monotonic() < deadline, "no new listening connection"
        time.sleep(0.1)
    assert len(now) == 1
    frames = read_stream(f"{site.url}/blogs/strike/events?since=1", until=lambda f: len(events(f)) >= 1,
                         on_open=lambda r: site.entry("strike", "after the cut"))
    assert events(frames)[0].json()["body"] == "after the cut"


def test_backup_on_postgres_points_to_its_own_tools(tmp_path, databases):
    if databases.backend != "postgres":
        pytest.skip("the SQLite backup is test_backup.py's")
    done = liveblog_cmd("backup", "--out", str(tmp_path / "copy.db"), db=tmp_path / "live.db")
    assert done.returncode == 1 and "pg_dump" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.unit
def test_a_unit_test_gets_a_fresh_database_of_the_suites_backend_without_a_server(tmp_path, databases):
    """What a service's unit test rests on: ``database()`` names a new database (a file, or a schema of this
    session's PostgreSQL database) of the backend the suite runs on, and a store opens on it with no server."""

    async def people(db: str) -> int:
        store = open_store(db)
        await store.open()
        try:
            await store.create_user("ana", "editor", "not a hash", model.utc_now())
            return await store.count_users()
        finally:
            await store.close()

    first, second = database(tmp_path / "one.db"), database(tmp_path / "two.db")
    assert isinstance(open_store(first), PostgresStore if databases.backend == "postgres" else SQLiteStore)
    # on the suite's own loop thread: after a browser test, Playwright's sync API holds this thread's loop
    assert databases.run(people(first)) == 1
    assert databases.run(people(second)) == 1, "each test database starts empty"

