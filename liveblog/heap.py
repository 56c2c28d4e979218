"""Keeps Python's cyclic garbage collector off the readers' long-lived objects.

Each reader holds about fifty objects the collector tracks (uvicorn's protocol and its two
tasks, our subscriber) for hours, and each full pass of the collector walks all of them: at
10,000 readers a pass stalls every stream for about 150 ms, and a crowd arriving at once sets
off several (a third of the CPU an accept cost, measured with ``liveblog bench``). Measured
as well: when readers leave, reference counting frees all of their objects; the collector
finds none. So while readers arrive, what survived the young generations is frozen once a
second (``gc.freeze``: full passes skip it), and every ten minutes everything is thawed and
collected once, so that garbage frozen while it was still alive is reclaimed all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable

FREEZE_EVERY = 1.0  # seconds between looks at the number of readers
ARRIVALS = 100  # readers that must have arrived since the last freeze for another one
THAW_EVERY = 600.0  # seconds between full collections of everything


def settle() -> None:
    """Collect once and freeze what is left: at start, everything alive lives as long as the process."""
    gc.collect()
    gc.freeze()


class HeapKeeper:
    """Freezes what readers keep alive as they arrive, and thaws it all now and then."""

    def __init__(self, readers: Callable[[], int]) -> None:
        self.readers = readers
        self.frozen_at = 0  # readers when last frozen
        self.thawed = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._keep(), name="liveblog-heap-keeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def tick(self) -> None:
        readers = self.readers()
        if time.monotonic() - self.thawed >= THAW_EVERY:
            gc.unfreeze()
            settle()
            self.thawed = time.monotonic()
            self.frozen_at = readers
        elif readers - self.frozen_at >= ARRIVALS:
            gc.collect(1)  # the young generations' garbage goes first; only what is alive is frozen
            gc.freeze()
            self.frozen_at = readers
        elif readers < self.frozen_at:
            self.frozen_at = readers  # readers left: count arrivals from here

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(FREEZE_EVERY)
            self.tick()
