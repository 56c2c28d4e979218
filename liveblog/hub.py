"""Fan-out: each event is encoded once, and the same bytes go to every reader of its blog.

A follower task reads the event log (so writes from any worker process reach every
reader), encodes each event into one SSE frame and hands it to the hub. Each reader
has a bounded buffer; one that cannot keep up is cut off and resumes later from its
Last-Event-ID, so it never holds memory or slows the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from sse_starlette.event import ServerSentEvent

from .model import public_json
from .store import Event, Store

log = logging.getLogger("liveblog.hub")

FRAME_CACHE = 2048
HEARTBEAT_SLICES = 15  # readers are pinged a slice at a time, spread over the heartbeat interval


class Wire(Protocol):
    """A reader's HTTP connection as its server holds it (uvicorn's response cycle, ``web.stream.wire``)."""

    transport: asyncio.WriteTransport

    def writable(self) -> bool:
        """Whether a chunk written now goes out in order: the response is under way in chunks, not paused."""


def http_chunk(data: bytes) -> bytes:
    """HTTP/1.1 chunked framing, for what the hub writes straight to a reader's connection."""
    return b"%x\r\n%b\r\n" % (len(data), data)


class Subscriber:
    """One reader's buffer of (seq, frame) pairs.

    ``cut`` when it fell too far behind: its task is cancelled, which ends the response
    even while it is blocked writing to a socket nobody reads. A list and a bare future stand
    in for a deque and an ``asyncio.Event``: each of those allocates a block of its own, and
    with tens of thousands of readers that block is a large share of a reader's memory.
    """

    __slots__ = ("blog", "closed", "cut", "frames", "lead", "limit", "ping", "sent", "slice", "task", "waiter",
                 "wire")

    def __init__(self, blog: str, limit: int, slice: int) -> None:
        self.blog = blog
        self.limit = limit
        self.slice = slice  # which of the heartbeat's slices pings it
        self.frames: list[tuple[int, bytes]] = []
        self.waiter: asyncio.Future[None] | None = None
        self.cut = False
        self.closed = False
        self.ping = False
        self.sent = 0  # the last seq its connection was given
        self.wire: Wire | None = None  # its connection, once frames may be written to it straight from the hub
        self.lead = b""  # what its connection is owed before the first frame (the stream's retry line), unsent
        self.task: asyncio.Task[object] | None = asyncio.current_task()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def offer(self, item: tuple[int, bytes], chunk: bytes) -> None:
        """One (seq, frame) for this reader: the same tuple is handed to every reader of the blog.

        A reader whose task is parked with nothing buffered, on a connection that takes writes now, gets the
        frame's HTTP chunk (``chunk``, made once per event) written straight to its socket: waking its task
        to hand the frame to the server, one reader at a time, cost as much as the write itself. The ``lead``
        goes with the first such write, so a crowd's first event takes this path too."""
        wire = self.wire
        if (wire is not None and not self.frames and self.waiter is not None and not self.waiter.done()
                and item[0] > self.sent and wire.writable()):
            if self.lead:
                chunk = http_chunk(self.lead) + chunk
                self.lead = b""
            wire.transport.write(chunk)
            self.sent = item[0]
            return
        if len(self.frames) >= self.limit:
            if not self.cut:
                self.cut = True
                self.frames = []
                # one line per reader, without its address (``web.stream.QuietCutOff`` drops uvicorn's own)
                log.info("a reader of %r fell %d events behind and was cut off; it resumes from its last event id",
                         self.blog, self.limit)
                if self.task is not None:
                    self.task.cancel()
        else:
            self.frames.append(item)
        self._wake()

    def close(self) -> None:
        self.closed = True
        self._wake()

    def leave(self, _listener: object) -> None:
        """The reader hung up: a done callback of the task that waits on its ``receive``."""
        self.close()

    def beat(self) -> None:
        self.ping = True
        self._wake()

    async def take(self) -> list[tuple[int, bytes]]:
        """Everything buffered, waiting for at least one frame (or the end, or a heartbeat)."""
        if not (self.frames or self.closed or self.ping):
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        taken, self.frames = self.frames, []
        return taken


def sse(*, data: str | None = None, event: str | None = None, id: int | None = None, retry: int | None = None,
        comment: str | None = None) -> bytes:
    """SSE framing (sse-starlette's encoder), done once per event, never per reader."""
    return ServerSentEvent(data=data, event=event, id=None if id is None else str(id), retry=retry,
                           comment=comment, sep="\n").encode()


PING = sse(comment="ping")


def event_data(event: Event, html_for: Callable[[dict[str, object]], str]) -> str:
    """The event's ``data``: the blog's sequence number first (a fan-out tier that numbers messages its
    own way still lets readers resume and notice gaps by it), the entry or blog, and an entry's html."""
    data: dict[str, object] = {"seq": event.seq, **json.loads(event.payload)}
    if event.kind.startswith("entry."):
        data["html"] = html_for(data)
    data["chain"] = event.hash  # the log's hash at this event (signing.py); its digest and salt are in the events API
    return public_json(data)


def encode(event: Event, html_for: Callable[[dict[str, object]], str]) -> bytes:
    """One SSE frame: ``id`` is the blog's sequence number, ``data`` one JSON line."""
    return sse(id=event.seq, event=event.kind, data=event_data(event, html_for))


class Hub:
    def __init__(self, store: Store, html_for: Callable[[dict[str, object]], str], *, queue: int,
                 poll_interval: float, heartbeat: float,
                 outlet: Callable[[Event, str, bytes], None] | None = None) -> None:
        self.store = store
        self.outlet = outlet  # where else each new event goes (a fan-out tier's publisher), once
        self.heartbeat = heartbeat
        self.html_for = html_for
        self.queue = queue
        self.poll_interval = poll_interval
        self.subscribers: dict[str, set[Subscriber]] = {}
        self.slices: list[set[Subscriber]] = [set() for _ in range(HEARTBEAT_SLICES)]  # the same readers, by slice
        self.frames: OrderedDict[tuple[str, int], tuple[int, bytes]] = OrderedDict()  # -> (hash of payload, frame)
        self.entry_seqs: dict[tuple[str, int], list[int]] = {}
        self.heads: dict[str, int] = {}  # the last seq this process has published, per blog
        self.position = 0
        self.delivered = 0
        self.arrivals = 0
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Begins where the log ends, already holding every blog's head and the latest frames, so that a
        crowd coming back with Last-Event-ID after a restart is answered without a query per reader."""
        self.position = await self.store.log_position()
        for event in await self.store.events_after(max(0, self.position - FRAME_CACHE), FRAME_CACHE):
            self._remember(event)
        for blog in await self.store.list_blogs():
            self.note_head(blog.slug, blog.last_event_id)
        self._tasks = [
            asyncio.create_task(self._follow(), name="liveblog-log-follower"),
            asyncio.create_task(self._beat(), name="liveblog-heartbeat"),
            asyncio.create_task(self._watch_for_shutdown(), name="liveblog-shutdown-watch"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        self.close_all()

    def close_all(self) -> None:
        for subs in self.subscribers.values():
            for sub in subs:
                sub.close()
        self.subscribers.clear()
        for members in self.slices:
            members.clear()

    async def _beat(self) -> None:
        """One timer for all readers: each gets a comment once per ``heartbeat``, a slice of them at a time,
        so that ten thousand readers never wake at once and delay an event behind them."""
        tick = 0
        while True:
            await asyncio.sleep(self.heartbeat / HEARTBEAT_SLICES)
            for sub in self.slices[tick]:
                sub.beat()
            tick = (tick + 1) % HEARTBEAT_SLICES

    async def _watch_for_shutdown(self) -> None:
        """uvicorn drains connections before the app hears of shutdown, and a stream never
        drains by itself: notice uvicorn's ``should_exit`` (as sse-starlette does) and end streams."""
        while True:
            await asyncio.sleep(0.25)
            server = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
            if getattr(server, "should_exit", False):
                self.close_all()

    def subscribe(self, blog: str) -> Subscriber:
        self.arrivals += 1
        sub = Subscriber(blog, self.queue, self.arrivals % HEARTBEAT_SLICES)
        self.subscribers.setdefault(blog, set()).add(sub)
        self.slices[sub.slice].add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.slices[sub.slice].discard(sub)
        subs = self.subscribers.get(sub.blog)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self.subscribers[sub.blog]

    def readers(self) -> int:
        return sum(len(s) for s in self.subscribers.values())

    def frame(self, event: Event) -> bytes:
        """The encoded frame, from the cache the follower fills, or encoded now for a replay."""
        cached = self.frames.get((event.blog, event.seq))
        if cached is not None and cached[0] == hash(event.payload):
            return cached[1]
        # not cached, or the row was rewritten by a retraction this process has not followed yet
        return encode(event, self.html_for)

    def note_head(self, blog: str, seq: int) -> int:
        """Remember a blog's head read from the database, so the next readers need no query."""
        self.heads[blog] = max(seq, self.heads.get(blog, 0))
        return self.heads[blog]

    def recent(self, blog: str, since: int, head: int) -> list[bytes] | None:
        """The frames after ``since`` up to ``head`` if all are still cached, else None (ask the database)."""
        if head - since > FRAME_CACHE // 2:
            return None
        found = [self.frames.get((blog, seq)) for seq in range(since + 1, head + 1)]
        return None if any(f is None for f in found) else [f[1] for f in found]  # type: ignore[index]

    async def _follow(self) -> None:
        while True:
            try:
                events = await self.store.events_after(self.position)
            except Exception:  # a locked or briefly unreadable database must not end the stream
                log.exception("reading the event log failed; retrying")
                await asyncio.sleep(1)
                continue
            for event in events:
                self.publish(event)
                self.position = event.id
            if not events:
                await self.store.wait_for_change(self.poll_interval)

    def publish(self, event: Event) -> None:
        data, frame = self._remember(event)
        if self.outlet is not None:
            self.outlet(event, data, frame)
        subs = self.subscribers.get(event.blog, ())
        item = (event.seq, frame)
        chunk = http_chunk(frame)  # for the readers written to directly
        for sub in subs:
            sub.offer(item, chunk)
        self.delivered += len(subs)

    def _remember(self, event: Event) -> tuple[str, bytes]:
        """Encodes the event once, caches its frame and moves the blog's head: its ``data`` and frame."""
        if event.kind == "entry.retracted" and event.entry_id is not None:
            # earlier frames of this entry carry the withdrawn text: forget them
            for seq in self.entry_seqs.pop((event.blog, event.entry_id), []):
                self.frames.pop((event.blog, seq), None)
        data = event_data(event, self.html_for)
        frame = sse(id=event.seq, event=event.kind, data=data)
        self.frames[(event.blog, event.seq)] = (hash(event.payload), frame)
        if event.entry_id is not None:
            # re-inserted at the end, so the oldest key trimmed below never has a frame still cached
            seqs = self.entry_seqs.pop((event.blog, event.entry_id), [])
            seqs.append(event.seq)
            self.entry_seqs[(event.blog, event.entry_id)] = seqs
        while len(self.frames) > FRAME_CACHE:
            self.frames.popitem(last=False)
        if len(self.entry_seqs) > FRAME_CACHE:
            self.entry_seqs.pop(next(iter(self.entry_seqs)))
        self.heads[event.blog] = max(event.seq, self.heads.get(event.blog, 0))
        return data, frame
