"""A small SSE client for tests: real sockets, a real parser, bounded in time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Frame:
    id: str | None = None
    event: str = "message"
    data: str = ""
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


def parse(lines: Iterator[str]) -> Iterator[Frame]:
    frame = Frame()
    data: list[str] = []
    for line in lines:
        if line == "":
            if data or frame.id is not None or frame.retry is not None or frame.comments:
                frame.data = "\n".join(data)
                yield frame
            frame, data = Frame(), []
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "":
            frame.comments.append(value)
        elif name == "id":
            frame.id = value
        elif name == "event":
            frame.event = value
        elif name == "data":
            data.append(value)
        elif name == "retry":
            frame.retry = int(value)


def read_stream(url: str, *, until: Callable[[list[Frame]], bool], headers: dict[str, str] | None = None,
                timeout: float = 10, on_open: Callable[[httpx.Response], None] | None = None,
                pause: float = 0) -> list[Frame]:
    """Frames from ``url`` until ``until(frames)`` holds or ``timeout`` passes (then it fails)."""
    frames: list[Frame] = []
    deadline = time.monotonic() + timeout
    with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(timeout, read=timeout)) as response:
        assert response.status_code == 200, response.read()
        if on_open:
            on_open(response)
        for frame in parse(response.iter_lines()):
            frames.append(frame)
            if pause:
                time.sleep(pause)
            if until(frames):
                return frames
            if time.monotonic() > deadline:
                break
    raise AssertionError(f"stream ended or timed out with {len(frames)} frames: {[f.event for f in frames]}")


def events(frames: list[Frame]) -> list[Frame]:
    """Only the real events (no retry-only or comment-only frames)."""
    return [f for f in frames if f.id is not None and f.data]



@contextmanager
def meanwhile() -> Iterator[Callable[..., None]]:
    """Work a test does while it reads a stream (posting, say), each piece started by the callable this
    yields: ``later(work, delay=0.2)``. All of it is joined before the block ends, failed or not: a post
    still waiting for its answer when the test's server is torn down would fail a later test instead."""
    threads: list[threading.Thread] = []

    def later(work: Callable[[], Any], delay: float = 0.0) -> None:
        def run() -> None:
            time.sleep(delay)
            work()
        threads.append(threading.Thread(target=run))
        threads[-1].start()

    try:
        yield later
    finally:
        for thread in threads:
            thread.join(15)
    assert not any(thread.is_alive() for thread in threads), "work done meanwhile did not finish"
