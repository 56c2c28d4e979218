"""Readers held by Pushpin (GRIP): posts reach them once, resumes and gaps are answered by the origin.

Each test starts real Pushpin processes on loopback ports in front of real ``liveblog serve``
origins. Without the ``pushpin`` binary these tests skip, except under CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import signal
import threading
import time

import httpx
import pytest

from conftest import free_port, missing
from liveblog.bench import pushpin
from processes import end
from sse import events, read_stream

KEY = "test-grip-key"


@pytest.fixture(scope="module", autouse=True)
def pushpin_installed() -> None:
    """Skip without Pushpin, except under CI, where these tests fail (and only these: not the whole run)."""
    if not pushpin.available():
        missing("Debian's pushpin is not installed (apt-get install pushpin)")


@pytest.fixture
def tier(spawn, tmp_path):
    """Start Pushpin instances and origins wired to them; everything stops when the test ends."""
    instances: list[pushpin.Pushpin] = []

    def start_pushpin(*origin_ports: int) -> pushpin.Pushpin:
        folder = tmp_path / f"pushpin-{len(instances)}"
        instance = pushpin.start([f"127.0.0.1:{p}" for p in origin_ports], sig_key=KEY, folder=str(folder))
        instances.append(instance)
        return instance

    def start_origin(db, port: int, *publish_urls: str):
        return spawn(db, "--grip", ",".join(publish_urls), "--grip-key", KEY, port=port)

    yield start_pushpin, start_origin
    for instance in instances:
        instance.stop()
        end(instance.process)  # each in its own session: whatever Pushpin and zurl left of their groups goes too
        end(instance.zurl)


def post(origin, token: str, body: str) -> int:
    r = httpx.post(origin.url + "/api/blogs/b/entries", json={"body": body},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def create_blog(origin, token: str) -> None:
    r = httpx.post(origin.url + "/api/blogs", json={"slug": "b", "title": "B"},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text


def reader(url: str, count: int, headers: dict[str, str] | None = None):
    """A reader in a thread; ``opened`` is set once Pushpin answered, ``ids`` filled when it ends."""
    opened = threading.Event()
    result: dict[str, object] = {}

    def run() -> None:
        try:
            frames = read_stream(url + "/blogs/b/events", headers=headers, timeout=30,
                                 on_open=lambda response: (result.update(headers=response.headers), opened.set()),
                                 until=lambda f: len(events(f)) >= count)
            result["frames"] = events(frames)
        except AssertionError as e:
            result["error"] = str(e)
            opened.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert opened.wait(15), "Pushpin did not answer the reader"
    time.sleep(0.5)  # the hold is registered just after the first bytes
    return thread, result


def finish(thread: threading.Thread, result: dict[str, object]) -> list[int]:
    thread.join(40)
    assert "error" not in result, result.get("error")
    return [int(f.id) for f in result["frames"]]  # type: ignore[union-attr]


def test_a_post_reaches_a_reader_held_by_pushpin(tier, tmp_path):
    start_pushpin, start_origin = tier
    port = free_port()
    edge = start_pushpin(port)
    origin = start_origin(tmp_path / "held.db", port, edge.publish_url)
    token = origin.token()
    create_blog(origin, token)

    thread, result = reader(edge.url, 2)
    first, second = post(origin, token, "Police lines held at noon."), post(origin, token, "Second update")
    assert finish(thread, result) == [2, 3]
    frames = result["frames"]
    assert [f.event for f in frames] == ["entry.created", "entry.created"]  # type: ignore[union-attr]
    assert [f.json()["id"] for f in frames] == [first, second]  # type: ignore[union-attr]
    assert "Police lines held at noon." in frames[0].json()["html"]  # type: ignore[index]
    assert not any(name.lower().startswith("grip-") for name in result["headers"])  # type: ignore[union-attr]


def test_a_reader_resuming_through_pushpin_gets_exactly_the_missed_events(tier, tmp_path):
    start_pushpin, start_origin = tier
    port = free_port()
    edge = start_pushpin(port)
    origin = start_origin(tmp_path / "resume.db", port, edge.publish_url)
    token = origin.token()
    create_blog(origin, token)
    for i in range(4):
        post(origin, token, f"before {i}")  # events 2..5

    thread, result = reader(edge.url, 3, headers={"Last-Event-ID": "3"})
    post(origin, token, "after the reconnect")  # event 6
    assert finish(thread, result) == [4, 5, 6]


def test_events_the_publisher_never_sent_are_recovered_from_the_origin(tier, spawn, tmp_path):
    """A gap (here: posts made while no process published) is filled by Pushpin asking the origin."""
    start_pushpin, start_origin = tier
    port = free_port()
    edge = start_pushpin(port)
    db = tmp_path / "gap.db"
    origin = start_origin(db, port, edge.publish_url)
    token = origin.token()
    create_blog(origin, token)
    thread, result = reader(edge.url, 3)

    origin.stop(signal.SIGKILL)  # Pushpin keeps holding the reader
    unpublished = spawn(db)  # an origin with no --grip: its posts reach no Pushpin
    post(unpublished, token, "written while nobody published")  # event 2
    post(unpublished, token, "also unpublished")  # event 3
    unpublished.stop()
    origin = start_origin(db, port, edge.publish_url)
    post(origin, token, "published, after a gap")  # event 4, prev-id 3: Pushpin asks for 2 and 3

    assert finish(thread, result) == [2, 3, 4]


def test_each_pushpin_fed_by_one_origin_delivers_every_event_once(tier, tmp_path):
    start_pushpin, start_origin = tier
    port = free_port()
    edges = [start_pushpin(port), start_pushpin(port)]
    origin = start_origin(tmp_path / "two.db", port, *(e.publish_url for e in edges))
    token = origin.token()
    create_blog(origin, token)

    readers = [reader(edge.url, 3) for edge in edges for _ in range(2)]
    for i in range(3):
        post(origin, token, f"update {i}")
    for thread, result in readers:
        assert finish(thread, result) == [2, 3, 4]


def test_a_request_with_a_forged_grip_signature_gets_an_ordinary_stream(tier, tmp_path):
    start_pushpin, start_origin = tier
    port = free_port()
    edge = start_pushpin(port)
    origin = start_origin(tmp_path / "forged.db", port, edge.publish_url)
    token = origin.token()
    create_blog(origin, token)
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJl"

    thread, result = reader(origin.url, 1, headers={"Grip-Sig": forged})
    post(origin, token, "direct")
    assert finish(thread, result) == [2]
    assert "grip-hold" not in result["headers"]  # type: ignore[operator]


def test_two_origins_on_one_postgres_database_share_one_publisher(tier, spawn, tmp_path, request):
    """A post on one origin reaches a reader held for the other; when the publishing origin
    dies, the other takes over and nothing is lost."""
    if request.config.getoption("--store") != "postgres":
        pytest.skip("origins on several machines share PostgreSQL: this runs with --store=postgres")
    start_pushpin, start_origin = tier
    port_a, port_b = free_port(), free_port()
    edge = start_pushpin(port_b)  # readers reach origin B only
    db = tmp_path / "shared.db"
    origin_a = start_origin(db, port_a, edge.publish_url)  # started first: A holds the publisher claim
    origin_b = start_origin(db, port_b, edge.publish_url)
    token = origin_a.token()
    create_blog(origin_a, token)

    thread, result = reader(edge.url, 4)
    post(origin_a, token, "posted on A")  # event 2, published by A
    post(origin_b, token, "posted on B")  # event 3, published by A, which follows the shared log
    origin_a.stop(signal.SIGKILL)
    post(origin_b, token, "posted while the claim moves")  # event 4: B may not publish it yet
    time.sleep(3)  # B claims within a second or two
    post(origin_b, token, "posted after the takeover")  # event 5: B publishes; a gap before it is recovered
    assert finish(thread, result) == [2, 3, 4, 5]
