"""A restart loses nothing: streams end cleanly at shutdown, and readers resume from their Last-Event-ID."""

import signal
import time

import httpx

from conftest import use_database
from sse import events, read_stream


def test_reader_resumes_across_a_restart(spawn, tmp_path):
    db = tmp_path / "restart.db"
    first = spawn(db)
    token = first.token()
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


def test_a_restarted_process_holds_every_head_and_the_latest_frames(site):
    """A crowd coming back after a deploy is answered from memory: the new process starts with each blog's
    head and the latest frames (withdrawn text left out), not with a query per returning reader."""
    site.blog("r")
    site.blog("quiet")
    first = site.entry("r", "Police say 50 were hurt.")
    site.entry("r", "A second march sets off.")
    site.client.post(f"/api/blogs/r/entries/{first['id']}/retraction", json={"note": "Unverified"},
                     headers=site.headers("editor"))
    head = site.client.get("/api/blogs/r").json()["last_event_id"]

    use_database(site.server, site.settings)  # a new runtime on the same database: a restart, for the hub
    hub = site.runtime.hub
    assert hub.heads["r"] == head and hub.heads["quiet"] == 1
    cached = hub.recent("r", 2, head)  # after the withdrawn entry's own event, which a replay reads from the log
    assert cached is not None and len(cached) == head - 2
    assert not any(b"Police say" in frame for _, frame in hub.frames.values())

    resumed = read_stream(f"{site.url}/blogs/r/events", headers={"Last-Event-ID": "1"},
                          until=lambda f: len(events(f)) >= head - 1)
    assert [int(f.id) for f in events(resumed)] == list(range(2, head + 1))
