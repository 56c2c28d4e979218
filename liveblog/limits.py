"""In-memory rate limits: how often one key (a person, an address) may do something.

Per process: with several workers each keeps its own count, so the effective limit is
at most workers × the setting. Good enough to stop a runaway script or a flood; not
an accounting system.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds for each key.

    ``hit(key)`` counts one and answers 0.0 when it is allowed, else the seconds to wait."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] | None = None) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock or time.monotonic
        self.events: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float:
        """Count one event; 0 if it is allowed, else the seconds to wait (for Retry-After)."""
        now = self.clock()
        stamps = self.events.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return max(stamps[0] + self.window - now, 0.001)
        stamps.append(now)
        if len(self.events) > 100_000:
            self._forget_idle(now)
        return 0.0

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` may act again (0: now), without counting anything."""
        now = self.clock()
        stamps = [t for t in self.events.get(key, ()) if t > now - self.window]
        if len(stamps) < self.limit:
            return 0
        return math.ceil(stamps[-self.limit] + self.window - now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self.events.items() if not v or v[-1] <= now - self.window]:
            del self.events[key]


class Gauge:
    """How many of something each key holds open right now (streams per address)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: dict[str, int] = {}

    def acquire(self, key: str) -> bool:
        if self.open.get(key, 0) >= self.limit:
            return False
        self.open[key] = self.open.get(key, 0) + 1
        return True

    def release(self, key: str) -> None:
        left = self.open.get(key, 0) - 1
        if left > 0:
            self.open[key] = left
        else:
            self.open.pop(key, None)


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
