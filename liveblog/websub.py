"""WebSub (W3C Recommendation, 2018): Liveblog is the hub of its own feeds.

A subscriber asks ``/websub`` for a feed (the topic) to be pushed to its callback; the hub answers 202 and
checks the intent with a GET carrying ``hub.challenge``, which the callback must echo. Then each change to
the blog's log sends the feed's first page to every live subscription, signed with ``X-Hub-Signature:
sha256=<HMAC>`` when it gave a secret, retried with a doubling wait. Leases end (``websub_lease_seconds`` at
most) unless renewed by subscribing again. A hub calls addresses strangers give it, so callbacks on loopback
or private addresses are refused unless ``websub_allow_private`` is set; the name is looked up again for
each verification and each delivery, checked, and the request sent to the address checked (a name re-pointed
at 127.0.0.1 after subscribing gains nothing). Requests per address and verifications in flight are bounded,
and no more of a callback's answer is read than the challenge needs. Only the process holding the
store's publisher claim delivers, so ``--workers N`` pushes each change once; it learns of changes from the
fan-out hub, which follows the log (``Hub.offer`` is its outlet, beside the push tier's publisher).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
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
from .limits import SlidingWindow
from .model import ValidationError, utc_now
from .services.syndication import MEDIA_TYPES, feed_page
from .signing import SiteKey
from .store import Event, NotFound, Store, Subscription
from .text import problem

log = logging.getLogger("liveblog.websub")

HUB_PATH = feeds.HUB_PATH
MODES = ("subscribe", "unsubscribe")
KINDS = MEDIA_TYPES
MIN_LEASE = 60
MAX_SECRET = 199  # the specification: "less than 200 bytes"
MAX_URL = 2000
TRIES = 5
SWEEP_SECONDS = 60.0
MAX_VERIFYING = 64  # verifications in flight at once, over all subscribers
ANSWER_SLACK = 64  # bytes of a verification answer read beyond the challenge's length
# IPv6 ranges whose last 32 bits are an IPv4 address: compatible (::a.b.c.d), mapped, NAT64
CARRIES_IPV4 = tuple(ipaddress.IPv6Network(n) for n in ("::/96", "::ffff:0:0/96", "64:ff9b::/96"))


class Refused(Exception):
    """The hub will not take the request now (429): too many from one address, or too much in flight."""

    def __init__(self, message: str, detail: dict[str, int], wait: float) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.wait = wait


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
    """(blog slug, feed file) when ``url`` is one of this site's feeds, else None (also when it does not parse)."""
    try:
        parts, ours = urlsplit(url), urlsplit(site)
    except ValueError:  # "http://[": an unclosed IPv6 bracket
        return None
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
    if found is None or problem(topic):  # a NUL would reach the store, which PostgreSQL refuses in text
        raise ValidationError("hub.topic", "must be the URL of one of this site's feeds (%(site)s/blogs/…/feed.atom)",
                              site=site)
    callback = form.get("hub.callback", "")
    if not _absolute(callback):
        raise ValidationError("hub.callback", "must be an absolute http or https URL without a fragment")
    secret = form.get("hub.secret", "")
    if len(secret.encode()) > MAX_SECRET:
        raise ValidationError("hub.secret", "must be shorter than 200 bytes")
    raw_lease = form.get("hub.lease_seconds", "")
    if raw_lease and not (raw_lease.isascii() and raw_lease.isdigit()):
        raise ValidationError("hub.lease_seconds", "must be a whole number of seconds")
    # int() only over a few digits (past 4,300 it raises): a longer number is past the cap anyway
    asked = int(raw_lease) if raw_lease and len(raw_lease) <= 12 else max_lease
    lease = min(max(asked, MIN_LEASE), max_lease)
    return Intent(mode, topic, found[0], callback, secret, lease)


def _absolute(callback: str) -> bool:
    """An http(s) URL with a host, no fragment and no character a store could refuse; parsed, or False."""
    try:
        parts = urlsplit(callback)
        host = parts.hostname
    except ValueError:  # "http://[": an unclosed IPv6 bracket
        return False
    return (parts.scheme in ("http", "https") and bool(host) and len(callback) <= MAX_URL and not parts.fragment
            and not problem(callback))


def _public(address: str) -> bool:
    """Global, and so is any IPv4 address it carries (IPv4-compatible, -mapped, NAT64, 6to4)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.sixtofour is not None:
            return ip.sixtofour.is_global
        if any(ip in net for net in CARRIES_IPV4):
            return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF).is_global
    return ip.is_global


async def resolve(callback: str, allow_private: bool) -> str:
    """The address to send ``callback``'s request to, looked up now: refused when the host is, or any of its
    addresses is, loopback, private or otherwise non-public (unless ``allow_private``)."""
    host = urlsplit(callback).hostname or ""
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            raise ValidationError("hub.callback", "its host name does not resolve") from None
        addresses = [str(info[4][0]) for info in found]
    if not addresses or not (allow_private or all(_public(a) for a in addresses)):
        raise ValidationError("hub.callback", "must not be a loopback or private address")
    return addresses[0]


def pinned(url: httpx.URL, address: str) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """``url`` sent to ``address``: (URL, headers, extensions) keeping its Host header, and for https its SNI
    and the name its certificate is checked against."""
    extensions: dict[str, Any] = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return url.copy_with(host=address.split("%")[0]), {"Host": url.netloc.decode("ascii")}, extensions


def signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature``: the body's HMAC-SHA256 with the subscriber's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def link_header(hub: str, topic: str) -> str:
    return f'<{hub}>; rel="hub", <{topic}>; rel="self"'


class Hub:
    """Verifies intents and, while it holds the publisher claim, pushes every changed feed."""

    def __init__(self, store: Store, settings: Settings, key: SiteKey) -> None:
        self.store = store
        self.settings = settings
        self.key = key
        self.per_address = SlidingWindow(settings.websub_requests_per_minute, 60.0)
        self.verifying = 0
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

    def admit(self, address: str) -> None:
        """Counts one request to the hub from ``address``; Refused past ``websub_requests_per_minute``."""
        wait = self.per_address.hit(address)
        if wait:
            raise Refused("too many WebSub requests from this address",
                          {"limit_per_minute": self.settings.websub_requests_per_minute}, wait)

    async def request(self, wanted: Intent) -> None:
        """The hub's rules for a checked intent, then its verification started: the request may have its 202."""
        if await self.store.get_blog(wanted.blog) is None:
            raise NotFound("blog")
        await resolve(wanted.callback, self.settings.websub_allow_private)  # refused now rather than silently later
        cap = self.settings.websub_max_subscribers
        if wanted.mode == "subscribe" and await self.store.websub_others(wanted.topic, wanted.callback,
                                                                         utc_now()) >= cap:
            raise Refused("this feed has as many subscribers as it may have", {"limit": cap}, 60.0)
        if self.verifying >= MAX_VERIFYING:
            raise Refused("the hub is busy verifying other subscribers", {"in_flight": MAX_VERIFYING}, 5.0)
        self.verifying += 1
        self._spawn(self._verify(wanted), "liveblog-websub-verify")

    async def _verify(self, request: Intent) -> None:
        try:
            if await self._confirmed(request):
                await self._apply(request)
        finally:
            self.verifying -= 1

    async def _confirmed(self, request: Intent) -> bool:
        """The specification's verification: the callback, at the address checked now, echoes the challenge."""
        challenge = secrets.token_urlsafe(24)
        params = {"hub.mode": request.mode, "hub.topic": request.topic, "hub.challenge": challenge}
        if request.mode == "subscribe":
            params["hub.lease_seconds"] = str(request.lease)
        assert self.client is not None
        # the callback's own query stays: a subscriber may name what it subscribed there
        body = b""
        try:
            url, headers, extensions = pinned(httpx.URL(request.callback).copy_merge_params(params),
                                              await resolve(request.callback, self.settings.websub_allow_private))
            async with self.client.stream("GET", url, headers={**headers, "Accept-Encoding": "identity"},
                                          extensions=extensions) as answer:
                async for chunk in answer.aiter_raw():
                    body += chunk
                    if len(body) > len(challenge) + ANSWER_SLACK:
                        break
        except ValidationError as e:
            log.info("WebSub verification not sent: its callback %s", e.message)
            return False
        except httpx.HTTPError as e:
            log.info("WebSub verification of a callback failed: %s", type(e).__name__)
            return False
        if not answer.is_success or body != challenge.encode():
            log.info("WebSub callback did not confirm its %s (status %s)", request.mode, answer.status_code)
            return False
        return True

    async def _apply(self, request: Intent) -> None:
        if request.mode == "unsubscribe":
            await self.store.websub_unsubscribe(request.topic, request.callback)
            return
        now = utc_now()
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
        """What a GET of the topic gives (its first page), and its type; None once the blog is gone."""
        parts = urlsplit(topic)
        site = f"{parts.scheme}://{parts.netloc}"
        found = topic_of(topic, site)
        blog = await self.store.get_blog(found[0]) if found else None
        if found is None or blog is None:
            return None
        body = await feed_page(self.store, self.key, self.settings.identity, site, blog, found[1])
        return body, KINDS[found[1]]

    async def _deliver(self, sub: Subscription, body: bytes, content_type: str) -> None:
        """POSTs the content; a failure (no 2xx) is tried again after a wait that doubles, TRIES times in all.
        The callback's host is looked up and checked again for each try; its answer's body is never read."""
        site = "{0.scheme}://{0.netloc}".format(urlsplit(sub.topic))
        headers = {"Content-Type": content_type, "Link": link_header(site + HUB_PATH, sub.topic)}
        if sub.secret:
            headers["X-Hub-Signature"] = signature(sub.secret, body)
        assert self.client is not None
        for attempt in range(TRIES):
            try:
                url, host, extensions = pinned(httpx.URL(sub.callback),
                                               await resolve(sub.callback, self.settings.websub_allow_private))
            except ValidationError as e:
                log.info("WebSub delivery not sent: its callback %s", e.message)
                return
            try:
                async with self.client.stream("POST", url, content=body, headers={**headers, **host},
                                              extensions=extensions) as answer:
                    if answer.is_success:
                        return
                    status = str(answer.status_code)
            except httpx.HTTPError as e:
                status = type(e).__name__
            if attempt + 1 < TRIES:
                await asyncio.sleep(self.settings.websub_retry_seconds * 2 ** attempt)
        log.info("WebSub delivery failed %d times (last: %s); the next change tries again", TRIES, status)
