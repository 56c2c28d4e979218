"""The live parts of one server process, opened at start and closed at shutdown.

Views reach them through ``runtime_of(request)``; tests swap a whole runtime to
give each test its own database on one long-running server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import HTTPConnection

from .config import Settings
from .grip import GripPublisher
from .heap import HeapKeeper
from .hub import Hub
from .limits import Gauge, SlidingWindow
from .nchan import NchanPublisher
from .pagecache import LatestPosition, PageCache
from .publisher import Publisher
from .render import entry_html
from .signing import SiteKey, site_key
from .store import Event, Store, open_store
from .websub import Hub as WebSubHub


class BlogLanguages:
    """Each blog's language, so the entry html the stream pushes speaks it: read at start, then kept from the
    log's ``blog.updated`` events (each carries the whole blog), which the hub hands on as it publishes them."""

    def __init__(self, languages: dict[str, str]) -> None:
        self.of = languages

    def entry_html(self, data: dict[str, object]) -> str:
        return entry_html(data, lang=self.of.get(str(data["blog"])))

    def learn(self, event: Event) -> None:
        if event.kind == "blog.updated":
            self.of[event.blog] = str(json.loads(event.payload).get("language", ""))


@dataclass
class Runtime:
    settings: Settings
    store: Store
    hub: Hub
    posts: SlidingWindow
    streams: Gauge
    heap: HeapKeeper
    key: SiteKey  # signs each blog's head (signing.py); made beside the database on first start
    pages: PageCache  # rendered pages, feeds and blog reads, per (blog, head, variant)
    latest: LatestPosition  # the log's newest id, one query shared by the requests that ask together
    limits: dict[str, SlidingWindow] = field(default_factory=dict)  # rate limiters, by purpose
    publisher: Publisher | None = None  # with --grip or --nchan: feeds the tier that holds the readers
    websub: WebSubHub | None = None  # pushes changed feeds to their WebSub subscribers

    @classmethod
    async def start(cls, settings: Settings) -> Runtime:
        key = site_key(Path(settings.key_path))  # before the store opens: a bad key file leaves nothing open
        store = open_store(settings.db)
        await store.open()
        publisher: Publisher | None = None
        if settings.grip_endpoints:
            publisher = GripPublisher(store, settings.grip_endpoints)
        elif settings.nchan_endpoints:
            publisher = NchanPublisher(store, settings.nchan_endpoints)
        languages = BlogLanguages({b.slug: b.language for b in await store.list_blogs()})
        websub = WebSubHub(store, settings, key)

        def outlet(event: Event, data: str, frame: bytes) -> None:
            """Each event of the log, once: the blogs' languages learn from it; then the push tier's publisher
            (if any) and the WebSub hub."""
            languages.learn(event)
            if publisher is not None:
                publisher.offer(event, data, frame)
            websub.offer(event, data, frame)

        hub = Hub(store, languages.entry_html, queue=settings.subscriber_queue, poll_interval=settings.poll_interval,
                  heartbeat=settings.heartbeat_seconds, outlet=outlet)
        runtime = cls(settings=settings, store=store, hub=hub, posts=SlidingWindow(settings.posts_per_minute, 60.0),
                      streams=Gauge(settings.streams_per_address), heap=HeapKeeper(hub.readers),
                      pages=PageCache(settings.render_cache_bytes), latest=LatestPosition(store.log_position),
                      publisher=publisher, websub=websub, key=key)
        try:
            if publisher is not None:
                await publisher.start()
            assert runtime.websub is not None
            await runtime.websub.start()
            await hub.start()
            runtime.heap.start()
        except BaseException:
            await runtime.stop()  # the database's threads are not daemons: a half-started runtime must close them
            raise
        return runtime

    async def stop(self) -> None:
        """Streams end first (the hub closes every reader), then the publisher, then the database."""
        await self.heap.stop()
        await self.hub.stop()
        if self.publisher is not None:
            await self.publisher.stop()
        if self.websub is not None:
            await self.websub.stop()
        await self.store.close()


def runtime_of(conn: HTTPConnection) -> Runtime:
    return conn.app.state.runtime  # type: ignore[no-any-return]
