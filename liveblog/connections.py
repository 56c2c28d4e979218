"""Below ASGI: how long a connection may take to say what it wants, and how many a process accepts.

uvicorn arms a timer only between requests (``timeout_keep_alive``): a socket that never finishes its
request headers is held forever, and 1,100 of them from one client, at a 1,024-descriptor limit, took
``/healthz`` and posting down. ``HeaderDeadline`` closes a connection whose headers have not all arrived
``header_timeout`` seconds after it opened (or after the first byte of its next request), and keeps the
process under its descriptor limit: past ``max_connections`` a new connection pushes out the one that has
waited longest for its headers (a reader, or a request being answered, is never pushed out), so a flood of
half-sent requests cannot keep real ones from being answered.
"""

from __future__ import annotations

import asyncio
import resource
from functools import partial
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

RESERVED_DESCRIPTORS = 64  # the database's files and connections, logs, photos being written, the listener


class HeaderDeadline(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on request headers and a bound on open connections."""

    # Connections still waiting for their headers, oldest first: the ones pushed out under pressure.
    waiting: ClassVar[dict[HeaderDeadline, None]] = {}

    def __init__(self, *args: Any, header_timeout: float, max_connections: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            oldest = next(iter(self.waiting), None)
            if oldest is None:  # every other connection is being served: this one waits for a place elsewhere
                transport.close()
                return
            oldest.drop()
        self.start_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.header_timer is None:  # the next request on a kept-alive connection
            self.start_deadline()

    def on_headers_complete(self) -> None:
        self.stop_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_deadline()
        super().connection_lost(exc)

    def start_deadline(self) -> None:
        self.header_timer = self.loop.call_later(self.header_timeout, self.drop)
        self.waiting[self] = None

    def stop_deadline(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None
        self.waiting.pop(self, None)

    def drop(self) -> None:
        """Closes a connection whose headers did not arrive in time (nothing was started for it)."""
        self.stop_deadline()
        if not self.transport.is_closing():
            self.transport.close()


def raise_descriptor_limit() -> int:
    """Raises this process's soft limit on open files to the hard one (workers inherit it); returns it.

    A hard limit of "unlimited" (``RLIM_INFINITY``) is not one the kernel grants as a soft limit on open
    files: the ceiling is then ``/proc/sys/fs/nr_open``. Also given as ``preexec_fn`` to processes the bench starts.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard
    if hard == resource.RLIM_INFINITY:
        try:
            with open("/proc/sys/fs/nr_open") as f:
                target = int(f.read())
        except (OSError, ValueError):
            target = 1 << 20  # Linux's default nr_open
    if soft != target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # not granted: keep the soft limit we have
            pass
    return soft


def http_protocol(header_timeout: float, descriptors: int) -> type[asyncio.Protocol]:
    """What to give uvicorn as ``http``: a partial, which pickles for worker processes as a class would."""
    limit = max(1, descriptors - RESERVED_DESCRIPTORS)
    return cast(type[asyncio.Protocol], partial(HeaderDeadline, header_timeout=header_timeout,
                                                max_connections=limit))
