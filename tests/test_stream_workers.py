"""Several worker processes on one SQLite file: a post accepted by one reaches readers on every worker."""

import threading

import httpx

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
