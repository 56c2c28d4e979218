"""`liveblog backup` copies the live database consistently while it serves; the copy restores.

Posts keep arriving (and succeeding) before, during and after the backup, so the copy is a snapshot
taken mid-stream: every table in it is exactly the live table as of one moment (the entries and the
event log a prefix of the live ones, each blog's last event number the last event in the copy).
"""

import sqlite3
import threading
import time
from contextlib import closing

import httpx
import pytest

from conftest import liveblog_cmd


def columns(db, table: str) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def all_entries(url: str) -> list[dict]:
    entries, before = [], ""
    while True:
        page = httpx.get(f"{url}/api/blogs/b?limit=100{before}").json()
        entries += page["entries"]
        if page["next_before"] is None:
            return entries
        before = f"&before={page['next_before']}"


def test_backup_while_serving_restores_everything(spawn, tmp_path, databases):
    if databases.backend != "sqlite":
        pytest.skip("SQLite's online backup; PostgreSQL is backed up with pg_dump (test_store_backends.py)")
    db, copy_db = tmp_path / "live.db", tmp_path / "copy.db"
    server = spawn(db, env={"LIVEBLOG_POSTS_PER_MINUTE": "1000000"})
    token = server.token()
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.post(server.url + "/api/blogs", json={"slug": "b", "title": "B"}, headers=headers).status_code == 201
    for i in range(20):
        r = httpx.post(server.url + "/api/blogs/b/entries", json={"body": f"before {i}"}, headers=headers)
        assert r.status_code == 201, r.text
    answers: list[tuple[float, int]] = []  # (when, status) of each post made while the backup is taken
    stop = threading.Event()

    def keep_posting():
        with httpx.Client(headers=headers, timeout=10) as client:
            i = 0
            while not stop.is_set():
                r = client.post(server.url + "/api/blogs/b/entries", json={"body": f"during {i}"})
                answers.append((time.monotonic(), r.status_code))
                i += 1

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 30
        while len(answers) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    writer = threading.Thread(target=keep_posting)
    writer.start()
    try:
        wait_for(10)
        started = time.monotonic()
        done = liveblog_cmd("backup", "--out", str(copy_db), db=db)
        finished = time.monotonic()
        wait_for(len(answers) + 10)
    finally:
        stop.set()
        writer.join(30)
    assert done.returncode == 0, done.stderr
    assert {status for _, status in answers} == {201}, "every post made around the backup succeeded"
    assert any(started <= at <= finished for at, _ in answers), "posts succeeded while the backup ran"
    assert liveblog_cmd("backup", "--out", str(copy_db), db=db).returncode == 1  # never overwrites

    with closing(sqlite3.connect(copy_db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    live, copy = databases.dump(str(db)), databases.dump(str(copy_db))
    assert live.keys() == copy.keys()
    last_entry = max(row[0] for row in copy["entries"])
    last_event = max(row[0] for row in copy["events"])
    bodies = {row[columns(db, "entries").index("body")] for row in copy["entries"]}
    assert {f"before {i}" for i in range(20)} <= bodies and "during 0" in bodies, "the copy was taken mid-stream"
    assert len(copy["entries"]) < len(live["entries"]), "posts went on after the copy was taken"
    for table in live:
        expected = live[table]
        if table == "entries":
            expected = [row for row in expected if row[0] <= last_entry]
        elif table == "events":
            expected = [row for row in expected if row[0] <= last_event]
        elif table == "blogs":
            seq = columns(db, "blogs").index("last_seq")
            assert [row[seq] for row in copy["blogs"]] == [max(e[2] for e in copy["events"])]
            expected = [(*row[:seq], row_copy[seq], *row[seq + 1:])
                        for row, row_copy in zip(expected, copy["blogs"], strict=True)]
        assert copy[table] == expected, table

    restored = spawn(copy_db)
    served = all_entries(restored.url)
    assert len(served) == len(copy["entries"])
    live_entries = {e["id"]: e for e in all_entries(server.url)}
    assert all(live_entries[e["id"]] == e for e in served), "everything in the copy is exactly as it was served"
    events = httpx.get(restored.url + "/api/blogs/b/events?since=0&limit=1").json()
    assert events["last_event_id"] == 1 + len(served)  # the blog's creation, then one event per entry
