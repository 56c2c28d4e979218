"""WebSub (W3C Recommendation, 2018): Liveblog is the hub of its own feeds.

A subscriber asks ``/websub`` for a feed (the topic) to be pushed to its callback; the hub answers 202 and
checks the intent with a GET carrying ``hub.challenge``, which the callback must echo. Then each change to
the blog's log sends the feed's first page to every live subscription, signed with ``X-Hub-Signature:
sha256=<HMAC>`` when it gave a secret, retried with a doubling wait. Leases end (``websub_lease_seconds`` at
most) unless renewed by subscribing again. A hub calls addresses strangers give it, so callbacks on loopback
or private addresses are refused unless ``websub_allow_private`` is set. Only the process holding the
store's publisher claim delivers, so ``--workers N`` pushes each change once; it learns of changes from the
fan-out hub, which follows the log (``Hub.offer`` is its outlet, beside the push tier's publisher).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import feeds
from .config import Settings
from .model import ValidationError, utc_now
from .store import Event, Store, Subscription

log = logging.getLogger("liveblog.websub")

HUB_PATH = feeds.HUB_PATH
MODES = ("subscribe", "unsubscribe")
KINDS = {"feed.atom": "application/atom+xml; charset=utf-8", "feed.json": "application/feed+json"}
MIN_LEASE = 60
MAX_SECRET = 199  # the specification: "less than 200 bytes"
MAX_URL = 2000
TRIES = 5
SWEEP_SECONDS = 60.0


@dataclass(frozen=True)
class Intent:
    """A checked subscription request: what the hub verifies with the subscriber before acting on it."""

    mode: str
    topic: str
    blog: str
    callback: str
    secret: str
    lease: int


def topic_of(url: str, site: str) -> tuple[str, str] | None:
    """(blog slug, feed file) when ``url`` is one of this site's feeds, else None."""
    parts, ours = urlsplit(url), urlsplit(site)
    path = parts.path.split("/")
    if ((parts.scheme, parts.netloc) != (ours.scheme, ours.netloc) or parts.query or len(path) != 4
            or path[1] != "blogs" or path[3] not in KINDS):
        return None
    return path[2], path[3]


def intent(form: Mapping[str, str], site: str, max_lease: int) -> Intent:
    """The request's ``hub.*`` fields checked; a ValidationError names the field to fix."""
    mode = form.get("hub.mode", "")
    if mode not in MODES:
        raise ValidationError("hub.mode", "must be subscribe or unsubscribe")
    topic = form.get("hub.topic", "")
    found = topic_of(topic, site)
    if found is None:
        raise ValidationError("hub.topic", f"must be the URL of one of this site's feeds ({site}/blogs/…/feed.atom)")
    callback = form.get("hub.callback", "")
    parts = urlsplit(callback)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(callback) > MAX_URL or parts.fragment:
        raise ValidationError("hub.callback", "must be an absolute http or https URL without a fragment")
    secret = form.get("hub.secret", "")
    if len(secret.encode()) > MAX_SECRET:
        raise ValidationError("hub.secret", "must be shorter than 200 bytes")
    raw_lease = form.get("hub.lease_seconds", "")
    if raw_lease and not (raw_lease.isascii() and raw_lease.isdigit()):
        raise ValidationError("hub.lease_seconds", "must be a whole number of seconds")
    lease = min(max(int(raw_lease or max_lease), MIN_LEASE), max_lease)
    return Intent(mode, topic, found[0], callback, secret, lease)


def _public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_global


async def check_callback(callback: str, allow_private: bool) -> None:
    """Refuses a callback whose host is, or resolves to, a loopback, private or otherwise non-public address."""
    if allow_private:
        return
    host = urlsplit(callback).hostname or ""
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            raise ValidationError("hub.callback", "its host name does not resolve") from None
        addresses = [str(info[4][0]) for info in found]
    if not addresses or not all(_public(a) for a in addresses):
        raise ValidationError("hub.callback", "must not be a loopback or private address")


def signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature``: the body's HMAC-SHA256 with the subscriber's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def link_header(hub: str, topic: str) -> str:
    return f'<{hub}>; rel="hub", <{topic}>; rel="self"'


class Hub:
    """Verifies intents and, while it holds the publisher claim, pushes every changed feed."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.client: httpx.AsyncClient | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self.follower: asyncio.Task[None] | None = None
        self.changed: set[str] = set()
        self.wakeup = asyncio.Event()

    async def start(self) -> None:
        self.client = httpx.AsyncClient(timeout=10, follow_redirects=False, trust_env=False)
        self.follower = asyncio.create_task(self._run(), name="liveblog-websub")

    async def stop(self) -> None:
        tasks = [*self.tasks, *([self.follower] if self.follower else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def verify_later(self, request: Intent) -> None:
        """The specification's asynchronous verification: the request has had its 202."""
        self._spawn(self._verify(request), "liveblog-websub-verify")

    async def _verify(self, request: Intent) -> None:
        challenge = secrets.token_urlsafe(24)
        params = {"hub.mode": request.mode, "hub.topic": request.topic, "hub.challenge": challenge}
        if request.mode == "subscribe":
            params["hub.lease_seconds"] = str(request.lease)
        assert self.client is not None
        try:
            # the callback's own query stays: a subscriber may name what it subscribed there
            answer = await self.client.get(httpx.URL(request.callback).copy_merge_params(params))
        except httpx.HTTPError as e:
            log.info("WebSub verification of a callback failed: %s", type(e).__name__)
            return
        if not answer.is_success or answer.text != challenge:
            log.info("WebSub callback did not confirm its %s (status %s)", request.mode, answer.status_code)
            return
        now = utc_now()
        if request.mode == "unsubscribe":
            await self.store.websub_unsubscribe(request.topic, request.callback)
            return
        sub = Subscription(request.topic, request.blog, request.callback, request.secret,
                           now + timedelta(seconds=request.lease))
        await self.store.websub_subscribe(sub, now)

    def offer(self, event: Event, data: str, frame: bytes) -> None:
        """The fan-out hub's outlet: called once per event of the log, in order, in every process."""
        self.changed.add(event.blog)
        self.wakeup.set()

    async def _run(self) -> None:
        """Each batch of changes pushes each changed blog's feeds once; leases that ended are swept now and then."""
        swept = 0.0
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            changed, self.changed = self.changed, set()
            try:
                if not await self.store.claim_publisher():
                    continue
                for slug in sorted(changed):
                    await self.distribute(slug)
                now = asyncio.get_running_loop().time()
                if now - swept > SWEEP_SECONDS:
                    swept = now
                    await self.store.websub_expire(utc_now())
            except Exception:
                log.exception("WebSub distribution failed; going on with the next change")

    async def distribute(self, slug: str) -> None:
        """The current first page of each subscribed feed of ``slug``, to each of its live subscribers."""
        subscriptions = await self.store.websub_subscribers(slug, utc_now())
        bodies: dict[str, tuple[bytes, str] | None] = {}
        for sub in subscriptions:
            if sub.topic not in bodies:
                bodies[sub.topic] = await self.content(sub.topic)
            content = bodies[sub.topic]
            if content is not None:
                self._spawn(self._deliver(sub, *content), "liveblog-websub-deliver")

    async def content(self, topic: str) -> tuple[bytes, str] | None:
        """What a GET of the topic would give (its first page), and its type; None once the blog is gone."""
        parts = urlsplit(topic)
        site = f"{parts.scheme}://{parts.netloc}"
        found = topic_of(topic, site)
        blog = await self.store.get_blog(found[0]) if found else None
        if found is None or blog is None:
            return None
        rows = await self.store.list_entries(blog.slug, limit=feeds.FEED_ENTRIES + 1)
        entries = [e.to_json() for e in rows[:feeds.FEED_ENTRIES]]
        next_before = entries[-1]["id"] if len(rows) > feeds.FEED_ENTRIES else None
        links = feeds.live_links(site, blog.slug)
        identity = self.settings.identity
        if found[1] == "feed.json":
            body = feeds.json_feed(blog.to_json(), entries, links, next_before=next_before, identity=identity)
            return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), KINDS[found[1]]
        return feeds.atom_feed(blog.to_json(), entries, links, next_before=next_before,
                               identity=identity), KINDS[found[1]]

    async def _deliver(self, sub: Subscription, body: bytes, content_type: str) -> None:
        """POSTs the content; a failure (no 2xx) is tried again after a wait that doubles, TRIES times in all."""
        site = "{0.scheme}://{0.netloc}".format(urlsplit(sub.topic))
        headers = {"Content-Type": content_type, "Link": link_header(site + HUB_PATH, sub.topic)}
        if sub.secret:
            headers["X-Hub-Signature"] = signature(sub.secret, body)
        assert self.client is not None
        for attempt in range(TRIES):
            try:
                answer = await self.client.post(sub.callback, content=body, headers=headers)
                if answer.is_success:
                    return
                status = str(answer.status_code)
            except httpx.HTTPError as e:
                status = type(e).__name__
            if attempt + 1 < TRIES:
                await asyncio.sleep(self.settings.websub_retry_seconds * 2 ** attempt)
        log.info("WebSub delivery failed %d times (last: %s); the next change tries again", TRIES, status)
