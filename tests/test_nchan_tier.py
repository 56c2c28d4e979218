"""Readers held by nginx's nchan: posts reach them once and in order, resumes come from nchan's
buffer, and a reader page fills any gap from the origin's log.

Each test starts a real nginx with the nchan module on a loopback port in front of real
``liveblog serve --nchan`` origins. nchan numbers messages its own way; the blog's sequence
number travels in each event's data as ``seq``. Without nginx and nchan these tests skip,
except under CI (``.ci/run`` installs them).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid

import httpx
import pytest

from conftest import free_port, missing
from desk import wait_for
from liveblog.bench import nginx
from processes import end
from sse import Frame, events, read_stream

STREAM = {"Accept": "text/event-stream"}
FAST = {"LIVEBLOG_POSTS_PER_MINUTE": "1000"}


@pytest.fixture(scope="module", autouse=True)
def nginx_with_nchan() -> None:
    if not nginx.available():
        missing("nginx with the nchan module is not installed (apt-get install nginx-light libnginx-mod-nchan)")


def redis_answers(port: int = 6379) -> bool:
    """A RESP PING, as Redis expects (an HTTP probe is logged by Redis as a cross-protocol attack)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"*1\r\n$4\r\nPING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def tier(spawn, tmp_path):
    """Start nginx instances and origins publishing to them; everything stops when the test ends."""
    instances: list[nginx.Nginx] = []

    def start_nginx(*origin_ports: int, redis: str | None = None, streams_per_address: int = 50) -> nginx.Nginx:
        folder = tmp_path / f"nginx-{len(instances)}"
        instance = nginx.start([f"127.0.0.1:{p}" for p in origin_ports], redis=redis, folder=str(folder),
                               streams_per_address=streams_per_address)
        instances.append(instance)
        return instance

    def start_origin(db, port: int, *publish_urls: str):
        return spawn(db, "--nchan", ",".join(publish_urls), port=port, env=FAST)

    yield start_nginx, start_origin
    for instance in instances:
        instance.stop()
        end(instance.process)  # its own session: whatever nginx left of its group goes too


class Origin:
    def __init__(self, server, slug: str = "b") -> None:
        self.server = server
        self.slug = slug
        token = server.token()
        self.auth = {"Authorization": f"Bearer {token}"}

    def create_blog(self) -> None:
        r = httpx.post(self.server.url + "/api/blogs", json={"slug": self.slug, "title": "B"}, headers=self.auth)
        assert r.status_code == 201, r.text

    def post(self, body: str) -> int:
        r = httpx.post(f"{self.server.url}/api/blogs/{self.slug}/entries", json={"body": body}, headers=self.auth)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])


def seqs(frames: list[Frame]) -> list[int]:
    return [f.json()["seq"] for f in events(frames)]


def reader(url: str, until_seq: int, headers: dict[str, str] | None = None):
    """A reader in a thread, until it has seen ``until_seq``; ``opened`` once nginx answered."""
    opened = threading.Event()
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["frames"] = read_stream(url, headers={**STREAM, **(headers or {})}, timeout=30,
                                           on_open=lambda response: (result.update(headers=response.headers),
                                                                     opened.set()),
                                           until=lambda f: until_seq in seqs(f))
        except AssertionError as e:
            result["error"] = str(e)
            opened.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert opened.wait(15), "nginx did not answer the reader"
    time.sleep(0.3)
    return thread, result


def finish(thread: threading.Thread, result: dict[str, object]) -> list[Frame]:
    thread.join(40)
    assert "error" not in result, result.get("error")
    return events(result["frames"])  # type: ignore[arg-type]


def test_a_post_reaches_a_reader_held_by_nchan_once_with_its_sequence_number(tier, tmp_path):
    start_nginx, start_origin = tier
    port = free_port()
    edge = start_nginx(port)
    origin = Origin(start_origin(tmp_path / "held.db", port, edge.publish_url))
    origin.create_blog()  # event 1

    thread, result = reader(edge.url + "/blogs/b/events", 3)
    first, second = origin.post("Police lines held at noon."), origin.post("Second update")
    frames = finish(thread, result)
    assert seqs(frames) == [1, 2, 3]  # the blog's creation came from nchan's buffer, then the posts, once each
    assert [f.event for f in frames] == ["blog.updated", "entry.created", "entry.created"]
    assert [f.json()["id"] for f in frames[1:]] == [first, second]
    assert "Police lines held at noon." in frames[1].json()["html"]
    assert all(f.id and not f.id.isdigit() for f in frames), "the SSE ids are nchan's own"
    assert result["headers"]["server"].startswith("nginx")  # type: ignore[index]


def test_a_reader_resuming_with_nchans_last_event_id_gets_exactly_the_missed_events(tier, tmp_path):
    start_nginx, start_origin = tier
    port = free_port()
    edge = start_nginx(port)
    origin = Origin(start_origin(tmp_path / "resume.db", port, edge.publish_url))
    origin.create_blog()
    origin.post("first")  # event 2

    thread, result = reader(edge.url + "/blogs/b/events", 2)
    left_at = finish(thread, result)[-1]
    assert left_at.json()["seq"] == 2
    for i in range(3):
        origin.post(f"while away {i}")  # events 3..5

    thread, result = reader(edge.url + "/blogs/b/events", 6, headers={"Last-Event-ID": left_at.id or ""})
    origin.post("after the reconnect")  # event 6
    assert seqs(finish(thread, result)) == [3, 4, 5, 6]


def test_the_public_port_has_no_publisher(tier, tmp_path):
    """Publishing, reading a channel's state or deleting it goes to a loopback listener of its own: on
    the public port (where a proxy on the same host forwards everyone as 127.0.0.1) nobody can forge or
    erase an update."""
    start_nginx, start_origin = tier
    port = free_port()
    edge = start_nginx(port)
    origin = Origin(start_origin(tmp_path / "public.db", port, edge.publish_url))
    origin.create_blog()
    assert not edge.publish_url.startswith(edge.url)

    thread, result = reader(edge.url + "/blogs/b/events", 2)
    forged = json.dumps({"seq": 2, "id": 999, "html": "<p>forged</p>"})
    headers = {"X-EventSource-Event": "entry.created", "Content-Type": "application/json"}
    for method in ("POST", "PUT", "GET", "DELETE"):
        r = httpx.request(method, edge.url + "/pub/b", content=forged if method in ("POST", "PUT") else None,
                          headers=headers)
        assert r.status_code in (403, 404), (method, r.status_code, r.text)
    real = origin.post("the real update")  # event 2
    frames = finish(thread, result)
    assert seqs(frames) == [1, 2] and frames[-1].json()["id"] == real
    assert "forged" not in "".join(f.data for f in frames)


def test_streams_per_address_are_bounded_at_nchan_as_at_the_origin(tier, tmp_path):
    """nchan holds the readers, so it enforces the origin's per-address limit: one stream too many is a JSON
    429 with Retry-After, and the streams already open keep their events."""
    start_nginx, start_origin = tier
    port = free_port()
    edge = start_nginx(port, streams_per_address=2)
    origin = Origin(start_origin(tmp_path / "limit.db", port, edge.publish_url))
    origin.create_blog()
    held = [reader(edge.url + "/blogs/b/events", 2) for _ in range(2)]
    refused = httpx.get(edge.url + "/blogs/b/events", headers=STREAM, timeout=10)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert refused.json() == {"error": "too many open streams from this address", "detail": {"limit": 2}}
    origin.post("still delivered")
    for thread, result in held:
        assert seqs(finish(thread, result)) == [1, 2]


def test_the_origin_publishes_each_event_to_every_listed_nchan(tier, tmp_path):
    start_nginx, start_origin = tier
    port = free_port()
    edges = [start_nginx(port), start_nginx(port)]
    origin = Origin(start_origin(tmp_path / "two.db", port, *(e.publish_url for e in edges)))
    origin.create_blog()

    readers = [reader(edge.url + "/blogs/b/events", 4) for edge in edges for _ in range(2)]
    for i in range(3):
        origin.post(f"update {i}")
    for thread, result in readers:
        assert seqs(finish(thread, result)) == [1, 2, 3, 4]


def test_nginx_nodes_sharing_redis_deliver_a_post_published_to_one_of_them(tier, tmp_path):
    """nchan's Redis mode: the origin publishes to node A only; a reader held by node B gets it."""
    if not redis_answers():
        missing("Redis is not answering PING on 127.0.0.1:6379")
    start_nginx, start_origin = tier
    port = free_port()
    redis = "redis://127.0.0.1:6379/0"
    node_a, node_b = start_nginx(port, redis=redis), start_nginx(port, redis=redis)
    slug = "r" + uuid.uuid4().hex[:12]  # Redis outlives the test: a blog name no other run used
    origin = Origin(start_origin(tmp_path / "redis.db", port, node_a.publish_url), slug)
    origin.create_blog()

    thread, result = reader(f"{node_b.url}/blogs/{slug}/events", 3)
    origin.post("published to A")
    origin.post("and this one too")
    assert seqs(finish(thread, result)) == [1, 2, 3]


def live_page_behind_nchan(tier, page, db) -> Origin:
    """A reader page open at nginx + nchan, live, fed by an origin with blog ``b``."""
    start_nginx, start_origin = tier
    port = free_port()
    edge = start_nginx(port)
    origin = Origin(start_origin(db, port, edge.publish_url))
    origin.create_blog()
    page.goto(edge.url + "/blogs/b")
    page.wait_for_selector("#status[title='Connection: Live']")
    return origin


def test_a_reader_page_behind_nchan_fills_a_gap_from_the_origin(tier, page, tmp_path):
    """More posts than nchan gives a new connection (32) happen while the page cannot reach the
    stream; when it can again, it shows every one of them once, newest first, without a reload."""
    origin = live_page_behind_nchan(tier, page, tmp_path / "gap.db")
    live = origin.post("seen live")
    page.wait_for_selector(f"#entry-{live}", timeout=5_000)
    page.evaluate("window.sameDocument = true")

    page.route("**/blogs/b/events*", lambda route: route.abort())
    page.context.set_offline(True)  # the open stream drops; reconnects fail until the route is lifted
    page.wait_for_selector("#status:not([title='Connection: Live'])", timeout=10_000)
    page.context.set_offline(False)
    missed = [origin.post(f"missed {i}") for i in range(nginx.FIRST + 8)]
    page.unroute("**/blogs/b/events*")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # as the phone would on getting its signal back

    page.wait_for_selector(f"#entry-{missed[-1]}", timeout=20_000)
    page.wait_for_selector(f"#entry-{missed[0]}", timeout=5_000)
    ids = page.eval_on_selector_all("#entries > article", "els => els.map(e => +e.dataset.id)")
    assert ids == sorted([live, *missed], reverse=True), "every update once, newest first"
    assert page.evaluate("window.sameDocument === true"), "caught up without a reload"


def test_a_gap_fill_that_hangs_is_given_up_and_tried_again(tier, page, tmp_path):
    """A fill request on a connection that died without a word would hold every later event back."""
    origin = live_page_behind_nchan(tier, page, tmp_path / "hang.db")
    hung = []
    page.route("**/blogs/b/events*", lambda route: route.abort())  # the stream (and the API, but for:)
    page.route("**/api/blogs/b/events*", lambda route: hung.append(route), times=1)  # never answered; the route
    # registered last is tried first, so the fill hangs here and is not aborted above
    page.context.set_offline(True)
    page.wait_for_selector("#status:not([title='Connection: Live'])", timeout=10_000)
    page.context.set_offline(False)
    missed = [origin.post(f"missed {i}") for i in range(nginx.FIRST + 2)]
    page.unroute("**/blogs/b/events*")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for(page, lambda: len(hung) == 1)  # the fill hangs, and the live events wait behind it...
    page.wait_for_selector(f"#entry-{missed[-1]}", timeout=30_000)  # ...until it is given up and made again
    page.wait_for_selector(f"#entry-{missed[0]}", timeout=5_000)
    ids = page.eval_on_selector_all("#entries > article", "els => els.map(e => +e.dataset.id)")
    assert ids == sorted(missed, reverse=True), "every update once, newest first"
