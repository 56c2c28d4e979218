"""Several worker processes on one database: a post accepted by one reaches readers on every worker, and the
workers go when their supervisor goes."""

import os
import signal
import threading
import time

import httpx

from processes import leftovers
from sse import events, read_stream

MAX_READERS = 48  # the kernel picks the worker for each connection; open readers until both hold some


def test_a_post_reaches_readers_on_every_worker(spawn, tmp_path):
    server = spawn(tmp_path / "workers.db", "--workers", "2")
    headers = {"Authorization": f"Bearer {server.token()}"}
    assert httpx.post(server.url + "/api/blogs", json={"slug": "w", "title": "W"}, headers=headers).status_code == 201
    results: list[tuple[str, list[int]]] = []
    pids: list[str] = []

    def read(opened: threading.Event):
        mine = {}

        def on_open(response):
            mine["pid"] = response.headers["x-liveblog-worker"]
            pids.append(mine["pid"])
            opened.set()

        frames = read_stream(server.url + "/blogs/w/events", until=lambda f: len(events(f)) >= 5, on_open=on_open,
                             timeout=30)
        results.append((mine["pid"], [int(f.id) for f in events(frames)]))

    threads = []
    while len(threads) < MAX_READERS and not (len(set(pids)) == 2 and len(threads) >= 4):
        opened = threading.Event()
        thread = threading.Thread(target=read, args=(opened,))
        thread.start()
        threads.append(thread)
        assert opened.wait(10), "a reader could not open the stream"
    assert len(set(pids)) == 2, f"all {len(threads)} readers landed on one worker; the test would prove nothing"

    for i in range(5):
        r = httpx.post(server.url + "/api/blogs/w/entries", json={"body": f"update {i}"}, headers=headers)
        assert r.status_code == 201
    for t in threads:
        t.join(30)
    assert len(results) == len(threads)
    assert all(seqs == [2, 3, 4, 5, 6] for _, seqs in results)
    assert {pid for pid, _ in results} == set(pids)


def test_workers_stop_when_their_supervisor_is_killed(spawn, tmp_path):
    """A worker whose supervisor died would serve on, unsupervised, polling the database: it must shut down
    cleanly (its lifespan closing the store) instead, even when the supervisor had no chance to stop it."""
    server = spawn(tmp_path / "orphans.db", "--workers", "2")
    supervisor = server.proc.pid
    deadline = time.monotonic() + 20
    while len(workers := [pid for pid, command in leftovers(supervisor, set()).items() if "spawn_main" in command]) < 2:
        assert time.monotonic() < deadline, f"two workers did not start: {leftovers(supervisor, set())}"
        time.sleep(0.1)
    os.kill(supervisor, signal.SIGKILL)  # the supervisor only: its workers and helpers are left to themselves
    server.proc.wait(10)
    deadline = time.monotonic() + 15
    while left := leftovers(supervisor, {supervisor}):
        assert time.monotonic() < deadline, f"still running 15 s after their supervisor died: {left}"
        time.sleep(0.1)
    for pid in workers:
        assert f"Finished server process [{pid}]" in server.output(), server.output()
