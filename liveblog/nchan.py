"""nchan: readers held by nginx's nchan module, events published to it once.

With ``--nchan``, nginx serves ``/blogs/{slug}/events`` from nchan and the origin
publishes every event once to nchan's publisher location (``{url}/{slug}``). nchan
numbers messages its own way, so the SSE ``id:`` a reader sees is nchan's (it resumes
from nchan's buffer with it) and the blog's own sequence number travels in the data as
``seq``. The reader page skips what it has seen and, when ``seq`` jumps (nchan's buffer
no longer reaches back far enough, a publish was lost), fills the gap from the origin's
``/api/blogs/{slug}/events?since=N``: the origin keeps the event ids and the replay.
With nchan's Redis mode, several nginx nodes share one buffer and a publish to any
reaches the readers of all.
"""

from __future__ import annotations

from typing import cast

import httpx

from .publisher import Publisher
from .store import Event

NchanItem = tuple[str, str, bytes]  # the blog's slug, the event's kind, its JSON


class NchanPublisher(Publisher):
    """One POST per event to each listed nchan publisher location, with its kind as the SSE event."""

    tier = "nchan"

    def item(self, event: Event, data: str, frame: bytes) -> object:
        item: NchanItem = (event.blog, event.kind, data.encode())
        return item

    async def deliver(self, client: httpx.AsyncClient, endpoint: str, items: list[object]) -> int:
        slug, kind, data = cast(NchanItem, items[0])  # made by ``item`` above; the queues hold them as objects
        response = await client.post(f"{endpoint}/{slug}", content=data,
                                     headers={"X-EventSource-Event": kind, "Content-Type": "application/json",
                                              "Accept": "application/json"})
        response.raise_for_status()
        return 1
