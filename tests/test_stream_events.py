"""Each change reaches readers as one SSE event: id = the blog's seq, the JSON after the change, and its HTML."""

import itertools
import threading
import time

import httpx

from liveblog.hub import Subscriber
from sse import events, meanwhile, read_stream


def test_a_post_reaches_a_connected_reader_with_its_html(site):
    site.blog("strike")
    url = f"{site.url}/blogs/strike/events"
    posted = {}

    def post():
        posted["entry"] = site.entry("strike", "Tear gas at the **station**", headline="Station")

    with meanwhile() as later:
        frames = read_stream(url, until=lambda f: len(events(f)) >= 1, on_open=lambda response: later(post, 0.2))
    [event] = events(frames)
    assert frames[0].retry == 2000
    assert event.event == "entry.created" and event.id == "2"
    data = event.json()
    assert data["seq"] == 2, "the sequence number travels in the data too, for tiers with ids of their own"
    assert data["id"] == posted["entry"]["id"] and data["body_html"] == posted["entry"]["body_html"]
    assert f'id="entry-{data["id"]}"' in data["html"] and "<strong>station</strong>" in data["html"]


def test_every_kind_of_change_is_an_event_in_order(site):
    site.blog("strike")
    a = site.entry("strike", "50 hurt")
    site.client.post(f"/api/blogs/strike/entries/{a['id']}/corrections", json={"body": "60 hurt", "note": "n"},
                     headers=site.headers("editor"))
    b = site.entry("strike", "70 hurt", supersedes=[a["id"]])
    site.client.post(f"/api/blogs/strike/entries/{b['id']}/retraction", json={"note": "unverified"},
                     headers=site.headers("editor"))
    site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    frames = read_stream(f"{site.url}/blogs/strike/events?since=0", until=lambda f: len(events(f)) >= 6)
    got = events(frames)
    assert [f.id for f in got] == ["1", "2", "3", "4", "5", "6"]
    assert [f.event for f in got] == ["blog.updated", "entry.created", "entry.corrected", "entry.created",
                                     "entry.retracted", "blog.updated"]
    assert got[2].json()["body"] == "60 hurt" and got[3].json()["supersedes"] == [a["id"]]
    assert got[4].json()["status"] == "retracted" and "Withdrawn" in got[4].json()["html"]
    assert got[5].json()["status"] == "ended"


def test_stream_headers_stop_proxies_buffering(site):
    site.blog("strike")
    seen = {}
    read_stream(f"{site.url}/blogs/strike/events", until=lambda f: True,
                headers={"Accept-Encoding": "gzip"}, on_open=lambda r: seen.update(r.headers))
    assert seen["content-type"].startswith("text/event-stream")
    assert seen["cache-control"] == "no-cache" and seen["x-accel-buffering"] == "no"
    assert seen["access-control-allow-origin"] == "*" and seen["x-content-type-options"] == "nosniff"
    assert "content-encoding" not in seen


def test_the_stream_and_its_refusals_carry_the_security_headers(site_with):
    """Streams bypass the middleware stack for speed; they must not lose its headers on the way."""
    site = site_with(max_header_bytes=2048)
    site.blog("strike")
    seen = {}
    read_stream(f"{site.url}/blogs/strike/events", until=lambda f: True, on_open=lambda r: seen.update(r.headers))
    missing = httpx.get(f"{site.url}/blogs/nope/events")
    huge = httpx.get(f"{site.url}/blogs/strike/events", headers={"X-Padding": "x" * 4096})
    assert (missing.status_code, huge.status_code) == (404, 431)
    for headers in (seen, missing.headers, huge.headers):
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_heartbeats_are_comments(site_with):
    site = site_with(heartbeat_seconds=0.2)
    site.blog("strike")
    frames = read_stream(f"{site.url}/blogs/strike/events", until=lambda f: sum(len(x.comments) for x in f) >= 2)
    assert events(frames) == [] or all(f.event == "reset" for f in events(frames))
    assert all(c.startswith("ping") for f in frames for c in f.comments)


def test_every_reader_hears_a_heartbeat_once_per_interval(site_with):
    """Heartbeats go out a slice of readers at a time; none of several readers is skipped or pinged early."""
    site = site_with(heartbeat_seconds=0.6)
    site.blog("strike")
    arrivals: dict[int, list[float]] = {}

    def listen(n: int) -> None:
        def until(frames):
            if frames[-1].comments:
                arrivals.setdefault(n, []).append(time.monotonic())
            return len(arrivals.get(n, [])) >= 4
        read_stream(f"{site.url}/blogs/strike/events", until=until, timeout=15)

    readers = [threading.Thread(target=listen, args=(n,)) for n in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(20)
    assert sorted(arrivals) == list(range(6))
    for times in arrivals.values():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert all(0.3 < gap < 1.2 for gap in gaps), gaps


def test_a_head_request_gets_the_stream_headers_and_ends(site):
    site.blog("strike")
    with httpx.Client(base_url=site.url, timeout=5) as client:
        for url in ("/blogs/strike/events", "/blogs/strike/events?since=0"):
            r = client.head(url)
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            assert r.headers["cache-control"] == "no-cache"
            # the same kept-alive connection answers again only once the HEAD's response has ended
            assert client.get("/healthz").status_code == 200
        assert client.head("/blogs/nope/events").status_code == 404


def test_unknown_blog_is_404(site):
    r = httpx.get(f"{site.url}/blogs/nope/events")
    assert r.status_code == 404
    assert set(r.json()) == {"error", "detail"}


def test_polling_clients_get_the_same_events_as_json(site):
    site.blog("strike")
    for i in range(5):
        site.entry("strike", f"update {i}")
    page = site.client.get("/api/blogs/strike/events?since=2&limit=2").json()
    assert [e["id"] for e in page["events"]] == [3, 4] and page["next_since"] == 4
    first = page["events"][0]
    assert first["event"] == "entry.created" and first["data"]["body"] == "update 1"
    assert first["data"]["seq"] == 3 and f'id="entry-{first["data"]["id"]}"' in first["data"]["html"]
    rest = site.client.get(f"/api/blogs/strike/events?since={page['next_since']}").json()
    assert [e["id"] for e in rest["events"]] == [5, 6] and rest["next_since"] is None
    assert rest["last_event_id"] == 6
    assert site.client.get("/api/blogs/strike/events?since=-1").status_code == 422
    assert site.client.get("/api/blogs/nope/events").status_code == 404


def test_a_parked_reader_is_written_to_without_waking_its_task(site, monkeypatch):
    """An idle reader's events go straight to its socket, the first with the retry line ahead of it: nothing is
    buffered for its task, which is not woken (it was, once per reader and event, and cost as much as the
    write; the first event of a crowd just arrived went through every task until the retry went with it)."""
    site.blog("strike")
    buffered: dict[int, bool] = {}  # seq -> whether the hub left the frame to the reader's task
    offer = Subscriber.offer

    def recorded(sub: Subscriber, item: tuple[int, bytes], chunk: bytes) -> None:
        offer(sub, item, chunk)
        buffered[item[0]] = bool(sub.frames)

    monkeypatch.setattr(Subscriber, "offer", recorded)
    hub = site.runtime.hub

    def parked_after(seq: int) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            subs = list(hub.subscribers.get("strike", ()))
            if subs and all(s.sent >= seq and s.waiter is not None and not s.waiter.done() for s in subs):
                return True
            time.sleep(0.01)
        return False

    def post_two() -> None:
        site.entry("strike", "first")
        assert parked_after(2)
        site.entry("strike", "second")

    with meanwhile() as later:
        frames = read_stream(f"{site.url}/blogs/strike/events", until=lambda f: len(events(f)) >= 2,
                             on_open=lambda response: later(post_two, 0.2))
    assert [e.id for e in events(frames)] == ["2", "3"] and "second" in events(frames)[1].json()["html"]
    assert frames[0].retry == 2000 and [f.retry for f in frames].count(2000) == 1
    deadline = time.monotonic() + 10  # the write may reach the reader before the server's thread records it
    while 3 not in buffered and time.monotonic() < deadline:
        time.sleep(0.01)
    assert buffered == {2: False, 3: False}
