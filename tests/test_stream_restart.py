"""A restart loses nothing: streams end cleanly at shutdown, and readers resume from their Last-Event-ID."""

import signal
import time

import httpx

from sse import events, read_stream


def test_reader_resumes_across_a_restart(spawn, tmp_path):
    db = tmp_path / "restart.db"
    first = spawn(db)
    token = next(line.split()[-1] for line in first.output().splitlines() if "API token" in line)
    headers = {"Authorization": f"Bearer {token}"}
    httpx.post(first.url + "/api/blogs", json={"slug": "r", "title": "R"}, headers=headers)
    httpx.post(first.url + "/api/blogs/r/entries", json={"body": "before the restart"}, headers=headers)
    frames = read_stream(first.url + "/blogs/r/events?since=0", until=lambda f: len(events(f)) >= 2)
    last_id = events(frames)[-1].id

    with httpx.stream("GET", first.url + "/blogs/r/events", timeout=10) as open_stream:
        assert open_stream.status_code == 200
        started = time.monotonic()
        first.stop(signal.SIGTERM, timeout=15)  # uvicorn re-raises the signal after a clean shutdown
        assert time.monotonic() - started < 10, "shutdown waited on the open stream"
        assert "Application shutdown complete." in first.output()

    second = spawn(db, port=int(first.url.rsplit(":", 1)[1]))
    httpx.post(second.url + "/api/blogs/r/entries", json={"body": "after the restart"}, headers=headers)
    resumed = read_stream(second.url + "/blogs/r/events", headers={"Last-Event-ID": last_id},
                          until=lambda f: len(events(f)) >= 1)
    [event] = events(resumed)
    assert event.id == "3" and event.json()["body"] == "after the restart"
