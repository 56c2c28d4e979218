"""WebSub (https://www.w3.org/TR/websub/): the feeds advertise their hub and themselves, and Liveblog is
that hub. The subscriber here is written from the specification: it confirms an intent by echoing
``hub.challenge`` for the topic it asked for, and checks ``X-Hub-Signature`` on each delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import httpx
import pytest

from liveblog import websub
from liveblog.model import ValidationError

A = "{http://www.w3.org/2005/Atom}"
SECRET = "a subscriber's secret"


class Subscriber:
    """A WebSub subscriber on 127.0.0.1: ``wants`` is the (mode, topic) it confirms; ``failures`` how many
    deliveries it answers 500 before it takes one; ``delay`` how long it takes to answer a verification;
    ``flood`` makes every answer a body without end (``sent`` counts its bytes, ``flooded`` is set once the
    hub hangs up on it)."""

    def __init__(self) -> None:
        self.wants: set[tuple[str, str]] = set()
        self.verifications: list[dict[str, str]] = []
        self.deliveries: list[tuple[bytes, dict[str, str]]] = []
        self.failures = 0
        self.attempts = 0
        self.delay = 0.0
        self.flood = False
        self.sent = 0
        self.flooded = threading.Event()
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                subscriber.verifications.append(query)
                time.sleep(subscriber.delay)
                if subscriber.flood:
                    self.answer_forever(query.get("hub.challenge", "").encode())
                elif (query.get("hub.mode"), query.get("hub.topic")) in subscriber.wants:
                    self.answer(200, query["hub.challenge"].encode())
                else:
                    self.answer(404, b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                subscriber.attempts += 1
                if subscriber.flood:
                    self.answer_forever(b"")
                elif subscriber.failures > 0:
                    subscriber.failures -= 1
                    self.answer(500, b"")
                else:
                    subscriber.deliveries.append((body, {k.lower(): v for k, v in self.headers.items()}))
                    self.answer(202, b"")

            def answer_forever(self, start: bytes) -> None:
                self.send_response(200)
                self.end_headers()  # no length: the body ends when the connection does
                try:
                    self.wfile.write(start)
                    while subscriber.sent < 1 << 30:
                        self.wfile.write(b"x" * 65536)
                        subscriber.sent += 65536
                except OSError:
                    subscriber.flooded.set()

            def answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.callback = f"http://127.0.0.1:{self.server.server_address[1]}/push?feed=strike"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def subscriber():
    s = Subscriber()
    yield s
    s.close()


def until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.02)


def ask(site, subscriber, mode="subscribe", topic=None, **extra):
    topic = topic or f"{site.url}/blogs/strike/feed.atom"
    subscriber.wants.add((mode, topic))
    return site.client.post("/websub", data={"hub.mode": mode, "hub.topic": topic, "hub.callback": subscriber.callback,
                                             **extra})


def subscribed(site, subscriber, **extra):
    time.sleep(0.25)  # the blog's creation goes to nobody: the follower may otherwise come after the subscription
    r = ask(site, subscriber, **{"hub.secret": SECRET, **extra})
    assert r.status_code == 202, r.text
    until(lambda: site.sql("SELECT count(*) FROM websub_subscriptions") == [(1,)])


def test_feeds_advertise_their_hub_and_themselves(site):
    site.blog("strike")
    for path in ("/blogs/strike/feed.atom", "/blogs/strike/feed.json"):
        r = site.client.get(path)
        assert r.headers["link"] == f'<{site.url}/websub>; rel="hub", <{site.url}{path}>; rel="self"'
    root = ET.fromstring(site.client.get("/blogs/strike/feed.atom").content)
    links = {link.get("rel"): link.get("href") for link in root.findall(A + "link")}
    assert links["hub"] == f"{site.url}/websub" and links["self"] == f"{site.url}/blogs/strike/feed.atom"
    assert site.client.get("/blogs/strike/feed.json").json()["hubs"] == [{"type": "WebSub",
                                                                           "url": f"{site.url}/websub"}]


def test_a_subscriber_is_verified_then_pushed_each_change_signed(site_with, subscriber):
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    subscribed(site, subscriber, **{"hub.lease_seconds": "3600"})
    check = subscriber.verifications[0]
    assert check["hub.mode"] == "subscribe" and check["hub.lease_seconds"] == "3600" and check["feed"] == "strike"
    e = site.entry("strike", "Police have closed the bridge.")
    until(lambda: subscriber.deliveries)
    body, headers = subscriber.deliveries[0]
    assert b"Police have closed the bridge." in body and headers["content-type"].startswith("application/atom+xml")
    want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-hub-signature"] == want
    assert headers["link"] == f'<{site.url}/websub>; rel="hub", <{site.url}/blogs/strike/feed.atom>; rel="self"'
    assert body == site.client.get("/blogs/strike/feed.atom").content, "the feed as a GET gives it"
    r = ask(site, subscriber, "unsubscribe")
    assert r.status_code == 202
    until(lambda: site.sql("SELECT count(*) FROM websub_subscriptions") == [(0,)])
    site.entry("strike", "A second update.")
    time.sleep(0.5)
    assert len(subscriber.deliveries) == 1 and e["id"]


def test_an_unconfirmed_intent_subscribes_nobody(site_with, subscriber):
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    r = site.client.post("/websub", data={"hub.mode": "subscribe", "hub.callback": subscriber.callback,
                                          "hub.topic": f"{site.url}/blogs/strike/feed.atom"})
    assert r.status_code == 202
    until(lambda: subscriber.verifications)
    time.sleep(0.2)
    assert site.sql("SELECT count(*) FROM websub_subscriptions") == [(0,)]


def test_private_callbacks_are_refused_by_default(site, subscriber):
    site.blog("strike")
    r = ask(site, subscriber)
    assert r.status_code == 422
    assert r.json()["detail"] == {"field": "hub.callback", "message": "must not be a loopback or private address"}
    time.sleep(0.2)
    assert subscriber.verifications == []


def test_bad_requests_name_the_field(site_with, subscriber):
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    cases = {"hub.mode": {"hub.mode": "publish"}, "hub.topic": {"hub.topic": "https://elsewhere.example/feed"},
             "hub.callback": {"hub.callback": "ftp://x"}, "hub.lease_seconds": {"hub.lease_seconds": "-1"},
             "hub.secret": {"hub.secret": "x" * 200}}
    for field, change in cases.items():
        data = {"hub.mode": "subscribe", "hub.topic": f"{site.url}/blogs/strike/feed.atom",
                "hub.callback": subscriber.callback, **change}
        r = site.client.post("/websub", data=data)
        assert r.status_code == 422 and r.json()["detail"]["field"] == field, (field, r.text)
    unknown = ask(site, subscriber, topic=f"{site.url}/blogs/nope/feed.atom")
    assert unknown.status_code == 404 and unknown.json() == {"error": "blog not found", "detail": None}
    elsewhere = {"hub.mode": "subscribe", "hub.topic": "https://elsewhere.example/feed",
                 "hub.callback": subscriber.callback}
    r = site.client.post("/websub", data=elsewhere, headers={"Accept-Language": "ru"})
    assert r.json()["error"] == f"hub.topic: must be the URL of one of this site's feeds ({site.url}/blogs/…/feed.atom)"
    assert r.json()["said"] == f"должно быть адресом одной из лент этого сайта ({site.url}/blogs/…/feed.atom)"


def test_subscribers_per_feed_are_bounded(site_with, subscriber):
    site = site_with(websub_allow_private=True, websub_max_subscribers=1)
    site.blog("strike")
    subscribed(site, subscriber)
    other = Subscriber()
    try:
        r = ask(site, other)
        assert r.status_code == 429 and r.json()["detail"] == {"limit": 1}
        assert ask(site, subscriber).status_code == 202, "a renewal is not a new subscriber"
    finally:
        other.close()


def test_leases_end_and_are_renewed(site_with, subscriber):
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    subscribed(site, subscriber, **{"hub.lease_seconds": "999999999"})
    assert subscriber.verifications[0]["hub.lease_seconds"] == str(site.settings.websub_lease_seconds)
    site.sql("UPDATE websub_subscriptions SET expires_at = created_at")  # the lease is over
    site.entry("strike", "Nobody is pushed this.")
    time.sleep(0.5)
    assert subscriber.deliveries == []
    [(before,)] = site.sql("SELECT expires_at FROM websub_subscriptions")
    assert ask(site, subscriber).status_code == 202
    until(lambda: site.sql("SELECT expires_at FROM websub_subscriptions") != [(before,)])
    site.entry("strike", "The renewed subscriber gets this.")
    until(lambda: subscriber.deliveries)
    assert b"The renewed subscriber gets this." in subscriber.deliveries[0][0]


def test_failed_deliveries_are_retried_with_backoff(site_with, subscriber):
    site = site_with(websub_allow_private=True, websub_retry_seconds=0.1)
    site.blog("strike")
    subscribed(site, subscriber)
    subscriber.failures = 2
    started = time.monotonic()
    site.entry("strike", "Tried three times.")
    until(lambda: subscriber.deliveries)
    assert subscriber.attempts == 3 and time.monotonic() - started >= 0.3  # waits of 0.1 s, then 0.2 s


def test_with_several_workers_each_change_is_pushed_once(spawn, tmp_path, subscriber):
    """Every worker follows the log; only the one holding the store's publisher claim delivers."""
    server = spawn(tmp_path / "workers.db", "--workers", "2", env={"LIVEBLOG_WEBSUB_ALLOW_PRIVATE": "true"})
    headers = {"Authorization": f"Bearer {server.token()}"}
    assert httpx.post(server.url + "/api/blogs", json={"slug": "strike", "title": "S"}, headers=headers).status_code \
        == 201
    topic = f"{server.url}/blogs/strike/feed.json"
    subscriber.wants.add(("subscribe", topic))
    r = httpx.post(server.url + "/websub", data={"hub.mode": "subscribe", "hub.topic": topic,
                                                 "hub.callback": subscriber.callback})
    assert r.status_code == 202
    until(lambda: subscriber.verifications)
    time.sleep(0.3)  # the row is written just after the challenge is answered
    for n in range(3):
        assert httpx.post(server.url + "/api/blogs/strike/entries", json={"body": f"update {n}"},
                          headers=headers).status_code == 201
        until(lambda n=n: any(f"update {n}".encode() in body for body, _ in subscriber.deliveries), 10)
    time.sleep(0.5)
    assert len(subscriber.deliveries) == 3, "each change once, not once per worker"
    assert subscriber.deliveries[-1][1]["content-type"] == "application/feed+json"


def test_the_pushed_feed_is_the_feed_a_get_gives_signed_head_included(site_with, subscriber):
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    subscribed(site, subscriber, topic=f"{site.url}/blogs/strike/feed.json")
    site.entry("strike", "Police have closed the bridge.")
    until(lambda: any(b"closed the bridge" in body for body, _ in subscriber.deliveries))  # the blog's creation
    body = subscriber.deliveries[-1][0]  # may be pushed first, when the follower is slower than the subscriber
    assert body == site.client.get("/blogs/strike/feed.json").content
    assert json.loads(body)["_liveblog"]["head"]["sig"]


@pytest.mark.unit
async def test_only_public_addresses_pass_including_ipv4_carried_in_ipv6(databases):
    private = ["127.0.0.1", "169.254.169.254", "10.1.2.3", "::1", "::", "::127.0.0.1", "::ffff:127.0.0.1",
               "::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:a00:1::",
               "fe80::1%1", "fd00::1"]
    for address in private:
        with pytest.raises(ValidationError, match="loopback or private"):
            await websub.resolve(f"http://[{address.replace('%', '%25')}]/" if ":" in address
                                 else f"http://{address}/", allow_private=False)
    for address in ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::808:808", "2002:5db8:d822::1"]:
        host = f"[{address}]" if ":" in address else address
        assert await websub.resolve(f"https://{host}:8443/push", allow_private=False) == address
    with pytest.raises(ValidationError, match="loopback or private"):  # a name is checked by what it resolves to
        await websub.resolve("http://localhost:8000/push", allow_private=False)
    assert await websub.resolve("http://localhost:8000/push", allow_private=True) in ("127.0.0.1", "::1")


def test_a_callback_named_for_loopback_is_refused(site, subscriber):
    site.blog("strike")
    subscriber.callback = subscriber.callback.replace("127.0.0.1", "localhost")
    r = ask(site, subscriber)
    assert r.status_code == 422 and r.json()["detail"]["field"] == "hub.callback"
    time.sleep(0.2)
    assert subscriber.verifications == []


def test_the_callback_address_is_checked_again_for_the_verification_and_each_delivery(site_with, subscriber):
    """What the hub checked when it answered 202 may resolve elsewhere by the time it calls: it checks again,
    and calls the address it checked (here the setting changes, as a public name re-pointed at 127.0.0.1)."""
    site = site_with(websub_allow_private=True, websub_retry_seconds=0.05)
    site.blog("strike")
    subscribed(site, subscriber)
    hub = site.runtime.websub
    topic = f"{site.url}/blogs/strike/feed.atom"
    subscriber.wants.add(("unsubscribe", topic))
    unsubscribing = websub.Intent("unsubscribe", topic, "strike", subscriber.callback, "", 0)

    async def accepted_then_repointed() -> None:
        await hub.request(unsubscribing)  # the check the 202 rests on passes
        hub.settings = replace(hub.settings, websub_allow_private=False)

    pushed = subscriber.attempts
    site.call(accepted_then_repointed())
    site.entry("strike", "Nobody on loopback is sent this.")
    time.sleep(0.5)
    assert len(subscriber.verifications) == 1 and subscriber.attempts == pushed
    assert site.sql("SELECT count(*) FROM websub_subscriptions") == [(1,)]


def test_requests_per_address_are_limited(site_with, subscriber):
    site = site_with(websub_allow_private=True, websub_requests_per_minute=2)
    site.blog("strike")
    assert [ask(site, subscriber).status_code for _ in range(2)] == [202, 202]
    r = site.client.post("/websub", data={})
    assert r.status_code == 429 and r.json() == {"error": "too many WebSub requests from this address",
                                                 "detail": {"limit_per_minute": 2}}
    assert int(r.headers["retry-after"]) > 0


def test_verifications_in_flight_are_bounded(site_with, subscriber, monkeypatch):
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    monkeypatch.setattr(websub, "MAX_VERIFYING", 1)
    subscriber.delay = 0.5
    assert ask(site, subscriber).status_code == 202
    r = ask(site, subscriber)
    assert r.status_code == 429 and r.json()["detail"] == {"in_flight": 1}
    until(lambda: site.sql("SELECT count(*) FROM websub_subscriptions") == [(1,)])
    assert ask(site, subscriber).status_code == 202, "a finished verification frees its place"


def test_endless_answers_are_not_read(site_with, subscriber):
    """A callback answering without end gets hung up on, for the verification and for each push."""
    site = site_with(websub_allow_private=True, websub_retry_seconds=0.05)
    site.blog("strike")
    subscriber.flood = True
    assert ask(site, subscriber).status_code == 202
    assert subscriber.flooded.wait(5) and subscriber.sent < 64 << 20
    time.sleep(0.1)
    assert site.sql("SELECT count(*) FROM websub_subscriptions") == [(0,)], "a challenge and more is no echo"
    subscriber.flood = False
    subscribed(site, subscriber)
    subscriber.flood, subscriber.sent = True, 0
    subscriber.flooded.clear()
    site.entry("strike", "Pushed to a callback that answers without end.")
    assert subscriber.flooded.wait(5) and subscriber.sent < 64 << 20


def test_urls_that_do_not_parse_forbidden_characters_and_huge_leases_are_answered(site_with, subscriber):
    """``http://[`` (urlsplit raises), a NUL (PostgreSQL refuses it in text) and a lease past the 4,300 digits
    int() takes: each a 422 naming the field, or the capped lease, never a 500."""
    site = site_with(websub_allow_private=True)
    site.blog("strike")
    topic = f"{site.url}/blogs/strike/feed.atom"
    cases = [("hub.topic", "http://["), ("hub.topic", f"{site.url}/blogs/str\x00ike/feed.atom"),
             ("hub.topic", f"{site.url}/blogs/strike/feed.atom\x00"), ("hub.callback", "http://["),
             ("hub.callback", subscriber.callback + "\x00"), ("hub.callback", subscriber.callback + "&\x1b=1")]
    for field, value in cases:
        r = site.client.post("/websub", data={"hub.mode": "subscribe", "hub.topic": topic,
                                              "hub.callback": subscriber.callback, field: value})
        assert r.status_code == 422 and r.json()["detail"]["field"] == field, (field, value, r.text)
    assert site.sql("SELECT count(*) FROM websub_subscriptions") == [(0,)]
    r = ask(site, subscriber, **{"hub.lease_seconds": "9" * 5000})
    assert r.status_code == 202, r.text
    until(lambda: subscriber.verifications)
    assert subscriber.verifications[0]["hub.lease_seconds"] == str(site.settings.websub_lease_seconds)
