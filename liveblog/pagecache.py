"""Rendered responses kept in memory, one per (blog, blog's head, variant), each compressed once.

A page, an entry page, a feed or the API's blog read is a function of the blog's event log
up to its head and of a few request inputs (the variant): while the log has not moved, the
same bytes answer every reader. Old heads are never looked up again and age out (LRU, bounded
by bytes); a thousand requests arriving together for a head not yet rendered share one render.
"""

from __future__ import annotations

import asyncio
import gzip
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import brotli

GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # a page is compressed once per change: 5 gets most of brotli's gain at a few ms
SMALLEST_COMPRESSED = 512  # below this, gzip's header and the work outweigh the bytes saved

Key = tuple[str, int, tuple[object, ...]]  # (blog slug, its head, the variant)


@dataclass(frozen=True)
class Rendered:
    """One response's bytes and headers, with its gzip and brotli forms made once when it was stored."""

    head: int  # the blog's last event id the bytes were rendered from
    body: bytes
    media_type: str
    headers: dict[str, str]
    gzipped: bytes | None = field(default=None)
    brotli: bytes | None = field(default=None)

    @classmethod
    def of(cls, head: int, body: bytes, media_type: str, headers: dict[str, str]) -> Rendered:
        if len(body) < SMALLEST_COMPRESSED:
            return cls(head, body, media_type, headers)
        return cls(head, body, media_type, headers, gzip.compress(body, GZIP_LEVEL, mtime=0),
                   brotli.compress(body, quality=BROTLI_QUALITY))

    @property
    def size(self) -> int:
        forms = len(self.body) + len(self.gzipped or b"") + len(self.brotli or b"")
        return forms + sum(len(k) + len(v) for k, v in self.headers.items())


@dataclass
class Counters:
    hits: int = 0
    misses: int = 0
    renders: int = 0
    not_modified: int = 0
    evictions: int = 0


class PageCache:
    """LRU by bytes, with single flight: at most one render per key runs at a time, and its waiters share it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entries: OrderedDict[Key, Rendered] = OrderedDict()
        self.bytes = 0
        self.counters = Counters()
        self._flights: dict[Key, asyncio.Future[Rendered]] = {}

    def get(self, key: Key) -> Rendered | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    async def render(self, key: Key, make: Callable[[], Awaitable[Rendered]]) -> Rendered:
        """The stored response for ``key``, else the one render in flight for it, else a new render."""
        found = self.get(key)
        if found is not None:
            self.counters.hits += 1
            return found
        self.counters.misses += 1
        flight = self._flights.get(key)
        if flight is not None:
            return await asyncio.shield(flight)
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            self.counters.renders += 1
            rendered = await make()
        except BaseException as error:
            flight.set_exception(error)
            flight.exception()  # retrieved: a render nobody else waited for must not log "never retrieved"
            raise
        finally:
            del self._flights[key]
        # a render that read a newer head than the key's is filed under its own head; the waiters take it
        self.put((key[0], rendered.head, key[2]), rendered)
        flight.set_result(rendered)
        return rendered

    def put(self, key: Key, rendered: Rendered) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        if rendered.size > self.max_bytes:
            return
        self.entries[key] = rendered
        self.bytes += rendered.size
        while self.bytes > self.max_bytes:
            _, evicted = self.entries.popitem(last=False)
            self.bytes -= evicted.size
            self.counters.evictions += 1

    def stats(self) -> dict[str, int]:
        return {**vars(self.counters), "entries": len(self.entries), "bytes": self.bytes, "max_bytes": self.max_bytes}


class LatestPosition:
    """The event log's newest id, read by a query that began after the caller asked: the callers who ask
    while no query has begun yet share the next one, so a crowd costs one query, never a stale answer."""

    def __init__(self, read: Callable[[], Awaitable[int]]) -> None:
        self._read = read
        self._next: asyncio.Future[int] | None = None  # the query the next callers share, not yet begun
        self._one_at_a_time = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def get(self) -> int:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            task = asyncio.create_task(self._query())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(self._next)

    async def _query(self) -> None:
        async with self._one_at_a_time:
            shared, self._next = self._next, None  # callers from now on wait for a query begun after them
            assert shared is not None
            try:
                shared.set_result(await self._read())
            except Exception as error:  # every waiter sees the failure; the next caller starts a new query
                shared.set_exception(error)
                shared.exception()
