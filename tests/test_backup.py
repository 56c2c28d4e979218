"""`liveblog backup` copies the live database consistently while it serves; the copy restores."""

import threading

import httpx
import pytest

from conftest import liveblog_cmd


def test_backup_while_serving_restores_everything(spawn, tmp_path, databases):
    if databases.backend != "sqlite":
        pytest.skip("SQLite's online backup; PostgreSQL is backed up with pg_dump (test_store_backends.py)")
    db = tmp_path / "live.db"
    server = spawn(db)
    token = next(line.split()[-1] for line in server.output().splitlines() if "API token" in line)
    headers = {"Authorization": f"Bearer {token}"}
    httpx.post(server.url + "/api/blogs", json={"slug": "b", "title": "B"}, headers=headers)
    for i in range(20):
        httpx.post(server.url + "/api/blogs/b/entries", json={"body": f"before {i}"}, headers=headers)
    stop = threading.Event()

    def keep_posting():
        with httpx.Client(headers=headers) as client:
            i = 0
            while not stop.is_set() and i < 200:
                client.post(server.url + "/api/blogs/b/entries", json={"body": f"during {i}"})
                i += 1

    writer = threading.Thread(target=keep_posting)
    writer.start()
    try:
        done = liveblog_cmd("backup", "--out", str(tmp_path / "copy.db"), db=db)
    finally:
        stop.set()
        writer.join(30)
    assert done.returncode == 0, done.stderr
    assert liveblog_cmd("backup", "--out", str(tmp_path / "copy.db"), db=db).returncode == 1

    restored = spawn(tmp_path / "copy.db")
    copy = httpx.get(restored.url + "/api/blogs/b?limit=100").json()
    bodies = [e["body"] for e in copy["entries"]]
    assert [f"before {i}" for i in range(20)] == [b for b in reversed(bodies) if b.startswith("before")]
    live = {e["id"]: e for e in httpx.get(server.url + "/api/blogs/b?limit=100").json()["entries"]}
    for entry in copy["entries"]:
        assert live[entry["id"]] == entry  # everything in the copy is exactly as it was served
    events = httpx.get(restored.url + "/api/blogs/b/events?since=0&limit=500").json()
    assert events["last_event_id"] == 1 + len(copy["entries"])  # the log matches the entries: one snapshot
    integrity = liveblog_cmd("user", "list", db=tmp_path / "copy.db")
    assert integrity.returncode == 0 and "admin" in integrity.stdout
