"""Feeding a fan-out tier: each event handed, once, to every instance that holds readers.

When readers are held by a push server in front of the origins (Pushpin over GRIP, or
nginx's nchan), the origin stops writing to readers and publishes each event to that
tier instead. Only one process per database publishes (``Store.claim_publisher``); the
others follow the log as usual and take over within a second when it dies. Each
instance has its own queue and sending task, so a slow or dead one delays only itself,
and a post never waits on any of them. What goes over the wire is the tier's business
(``grip.GripPublisher``, ``nchan.NchanPublisher``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

import httpx

from .store import Event, Store

log = logging.getLogger("liveblog.publisher")

QUEUE_LIMIT = 10_000  # per instance: beyond this the oldest items go, and readers recover the gap
CLAIM_INTERVAL = 1.0


class Publisher:
    """The claim, the queues and the retries; subclasses say what an item is and how it is sent."""

    tier = "a fan-out tier"
    batch = 1  # items handed to one ``deliver`` call

    def __init__(self, store: Store, endpoints: list[str]) -> None:
        self.store = store
        self.endpoints = [e.rstrip("/") for e in endpoints]
        self.queues: list[deque[object]] = [deque(maxlen=QUEUE_LIMIT) for _ in self.endpoints]
        self.wakeups = [asyncio.Event() for _ in self.endpoints]
        self.leading = False
        self.published = 0
        self._client: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def item(self, event: Event, data: str, frame: bytes) -> object:
        """What is queued for one event: ``data`` is the event's JSON, ``frame`` its SSE bytes."""
        raise NotImplementedError

    async def deliver(self, client: httpx.AsyncClient, endpoint: str, items: list[object]) -> int:
        """Send ``items`` (at most ``batch``, oldest first) to one instance; return how many went."""
        raise NotImplementedError

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=10)
        self.leading = await self.store.claim_publisher()
        self._tasks = [asyncio.create_task(self._claim(), name="liveblog-publisher-claim")]
        self._tasks += [asyncio.create_task(self._send(i), name=f"liveblog-publisher-{i}")
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
                log.info("this process now publishes to %s", self.tier)
            self.leading = leading

    def offer(self, event: Event, data: str, frame: bytes) -> None:
        """The hub's outlet: called once per event, in log order."""
        if not self.leading:
            return
        item = self.item(event, data, frame)
        for queue, wakeup in zip(self.queues, self.wakeups, strict=True):
            queue.append(item)
            wakeup.set()

    async def _send(self, index: int) -> None:
        queue, wakeup, endpoint = self.queues[index], self.wakeups[index], self.endpoints[index]
        failures = 0
        while True:
            if not queue:
                wakeup.clear()
                await wakeup.wait()
            items = [queue[i] for i in range(min(self.batch, len(queue)))]
            try:
                assert self._client is not None
                sent = await self.deliver(self._client, endpoint, items)
            except (httpx.HTTPError, OSError) as e:
                failures += 1
                log.warning("publishing to %s failed (%s); retrying", endpoint, e)
                await asyncio.sleep(min(5.0, 0.1 * 2 ** min(failures, 6)))
                continue
            failures = 0
            done = {id(item) for item in items[:sent]}
            while queue and id(queue[0]) in done:  # items the full queue dropped meanwhile are not popped twice
                queue.popleft()
            self.published += sent
