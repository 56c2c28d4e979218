"""GRIP: readers held by Pushpin, events published to it once.

With ``--grip``, a reader's stream request reaches the origin through Pushpin. The
origin answers with the replay from the database and instructions in headers
(``Grip-Hold: stream`` on the blog's channel, with the id of the last event it
sent as ``prev-id``); Pushpin keeps the connection and the origin publishes every
new event once to each Pushpin's publish API. Every item carries its ``prev-id``,
so a Pushpin that sees a gap (a lost publish, a new publisher after a crash) asks
the origin's next link again with ``Grip-Last`` and gets exactly the missing events.

Only one process per database publishes (``Store.claim_publisher``); the others
follow the log as usual and take over when it dies.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from collections import deque
from typing import Mapping

import httpx

from .store import Store

log = logging.getLogger("liveblog.grip")

PUBLISH_BATCH = 100  # items per publish request
QUEUE_LIMIT = 10_000  # per Pushpin: beyond this the oldest items go, and Pushpin recovers the gap
CLAIM_INTERVAL = 1.0


def channel(slug: str) -> str:
    return "liveblog." + slug


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def signed_by_proxy(headers: Mapping[str, str], key: str) -> bool:
    """Whether the request came through a GRIP proxy: its ``Grip-Sig``, an HS256 JWT, checks out.

    Without a key, the header's presence is taken on trust: a client forging it only gets
    instructions meant for a proxy, never another reader's data."""
    token = headers.get("grip-sig")
    if not token:
        return False
    if not key:
        return True
    try:
        head, claims, signature = token.split(".")
        expected = hmac.new(key.encode(), f"{head}.{claims}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64decode(signature)):
            return False
        if json.loads(_b64decode(head)).get("alg") != "HS256":
            return False
        exp = json.loads(_b64decode(claims)).get("exp")
        return isinstance(exp, (int, float)) and exp > time.time()
    except (ValueError, AttributeError):
        return False


def last_id(headers: Mapping[str, str], slug: str) -> str | None:
    """The id Pushpin last delivered on the blog's channel, when it asks the next link to recover."""
    value = headers.get("grip-last")
    if not value:
        return None
    for part in value.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() == channel(slug):
            for param in params.split(";"):
                key, _, found = param.strip().partition("=")
                if key == "last-id":
                    return found.strip()
    return None


def hold_headers(slug: str, prev_id: int, heartbeat: float) -> dict[str, str]:
    """Instructions for Pushpin: hold the stream on the blog's channel, after event ``prev_id``."""
    return {
        "Grip-Hold": "stream",
        "Grip-Channel": f"{channel(slug)}; prev-id={prev_id}",
        "Grip-Link": f"</blogs/{slug}/events>; rel=next",
        "Grip-Keep-Alive": f":ping\\n\\n; format=cstring; timeout={max(1, round(heartbeat))}",
    }


class Publisher:
    """Sends each event, once, to every Pushpin's publish API while this process holds the claim.

    One queue and one sending task per Pushpin, so a slow or dead instance delays only itself;
    a post never waits on any of them."""

    def __init__(self, store: Store, endpoints: list[str]) -> None:
        self.store = store
        self.endpoints = [e.rstrip("/") + "/publish/" for e in endpoints]
        self.queues: list[deque[dict[str, object]]] = [deque(maxlen=QUEUE_LIMIT) for _ in self.endpoints]
        self.wakeups = [asyncio.Event() for _ in self.endpoints]
        self.leading = False
        self.published = 0
        self._client: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=10)
        self.leading = await self.store.claim_publisher()
        self._tasks = [asyncio.create_task(self._claim(), name="liveblog-grip-claim")]
        self._tasks += [asyncio.create_task(self._send(i), name=f"liveblog-grip-{i}")
                        for i in range(len(self.endpoints))]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _claim(self) -> None:
        while True:
            await asyncio.sleep(CLAIM_INTERVAL)
            try:
                leading = await self.store.claim_publisher()
            except Exception:
                log.exception("could not check the publisher claim")
                leading = False
            if leading and not self.leading:
                log.info("this process now publishes to Pushpin")
            self.leading = leading

    def offer(self, slug: str, seq: int, frame: bytes) -> None:
        if not self.leading:
            return
        item = {"channel": channel(slug), "id": str(seq), "prev-id": str(seq - 1),
                "formats": {"http-stream": {"content": frame.decode()}}}
        for queue, wakeup in zip(self.queues, self.wakeups):
            queue.append(item)
            wakeup.set()

    async def _send(self, index: int) -> None:
        queue, wakeup, endpoint = self.queues[index], self.wakeups[index], self.endpoints[index]
        failures = 0
        while True:
            if not queue:
                wakeup.clear()
                await wakeup.wait()
            items = [queue[i] for i in range(min(PUBLISH_BATCH, len(queue)))]
            try:
                assert self._client is not None
                response = await self._client.post(endpoint, json={"items": items})
                response.raise_for_status()
            except (httpx.HTTPError, OSError) as e:
                failures += 1
                log.warning("publishing to %s failed (%s); retrying", endpoint, e)
                await asyncio.sleep(min(5.0, 0.1 * 2 ** min(failures, 6)))
                continue
            failures = 0
            sent = {id(item) for item in items}
            while queue and id(queue[0]) in sent:  # items the full queue dropped meanwhile are not popped twice
                queue.popleft()
            self.published += len(items)
