"""The live stream: server-sent events for readers, and the same events as JSON for pollers.

All SSE framing lives here and in ``hub.encode``. A reader resumes with
``Last-Event-ID`` (or ``?since=``): it is subscribed first, then the database replays
what it missed, then live frames follow, skipping any the replay already sent, so
every event arrives exactly once and in order.

A reader's stream is held for hours and each event is written to thousands of them, so
it is served by one coroutine called straight from the application (``serve``), before
Starlette's middleware stack and without a ``Request``: each layer it skipped kept a frame
alive per reader and added a hop to every event. Frames are the pre-encoded bytes the hub
shares, heartbeats come from one hub-wide timer, and a second task per reader waits on
``receive`` to hear the disconnect. Measured with ``liveblog bench``, sse-starlette's
EventSourceResponse cost about 48 KiB and 125 µs of CPU per reader and delivery here;
this response's figures are in the README.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .. import grip
from ..hub import PING, Hub, Subscriber, event_data, sse
from ..runtime import Runtime, runtime_of
from ..store import NotFound, Store
from .api import int_param
from .errors import HANDLERS, ApiError
from .middleware import SecurityHeaders, headers_too_large, security_headers

log = logging.getLogger("liveblog.stream")
# Set in a reader's task when the hub cut it off: uvicorn then logs "ASGI callable returned without completing
# response" in the same task, and ``QuietCutOff`` drops that line (the hub's INFO line says what happened).
CUT_OFF: ContextVar[bool] = ContextVar("liveblog_cut_off", default=False)

REPLAY_BATCH = 500
STREAM_PATH = re.compile(r"/blogs/(?P<slug>[^/]+)/events")
STREAM_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
    "Access-Control-Allow-Origin": "*",
    "X-Liveblog-Worker": str(os.getpid()),  # which worker holds the stream: for operators and tests
}
# shared by every reader: one list over http, one over https
RAW_STREAM_HEADERS = {https: [(k.lower().encode(), v.encode()) for k, v in STREAM_HEADERS.items()]
                      + security_headers(https) for https in (False, True)}


def stream_slug(scope: Scope) -> str | None:
    """The blog's slug when the request is a reader's stream, else None."""
    if scope["method"] not in ("GET", "HEAD"):
        return None
    found = STREAM_PATH.fullmatch(scope["path"])
    return found["slug"] if found else None


def resume_point(scope: Scope) -> str | None:
    """The header a reconnecting browser sends wins over the ``since`` its URL still carries."""
    name: bytes
    value: bytes
    for name, value in scope["headers"]:
        if name == b"last-event-id" and value:
            return value.decode("latin-1")
    query = scope.get("query_string")
    return dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)).get("since") if query else None


def position(raw: str | None) -> int | None:
    """A resume point as a number: None when absent, -1 when it is not one (the client gets a reset).

    Like ``api.parse_id`` it takes ASCII digits only, but it accepts 0 and surrounding spaces, and a bad value is
    a reset rather than a 404: keep the two apart."""
    if raw is None:
        return None
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else -1  # '²' is a digit to isdigit


@lru_cache(maxsize=8)
def retry_frame(retry_ms: int) -> bytes:
    return sse(retry=retry_ms)


def reset_frame(last_event_id: int) -> bytes:
    body = json.dumps({"last_event_id": last_event_id, "reason": "reload the page or the blog JSON"})
    return sse(id=last_event_id, event="reset", data=body)


async def replay(store: Store, hub: Hub, slug: str, since: int) -> AsyncIterator[tuple[int, bytes]]:
    """The blog's events after ``since`` from the database, in batches, as (seq, frame)."""
    while True:
        batch = await store.events_since(slug, since, REPLAY_BATCH)
        for event in batch:
            yield event.seq, hub.frame(event)
            since = event.seq
        if len(batch) < REPLAY_BATCH:
            return


async def known_head(runtime: Runtime, slug: str, since: int | None) -> int:
    """The blog's last event id, from what this process has followed when it can, else from the database.

    The hub's head may trail the database by one poll of the log: a reader starting from it gets those
    events live, in order, because it subscribed before asking. Only a blog this process has not seen,
    or a client ahead of what it has followed, costs a query, so a crowd arriving costs none."""
    head = runtime.hub.heads.get(slug)
    if head is None or (since is not None and since > head):
        blog = await runtime.store.get_blog(slug)
        if blog is None:
            raise NotFound("blog")
        head = runtime.hub.note_head(slug, blog.last_event_id)
    return head


async def catch_up(runtime: Runtime, slug: str, since: int, head: int) -> tuple[list[bytes], int]:
    """What a reader at ``since`` missed up to ``head`` (from memory when the hub still holds it), and
    the last id sent. A position that is not one, or is ahead of the log, gets a reset instead."""
    if since < 0 or since > head:
        return [reset_frame(head)], head
    recent = runtime.hub.recent(slug, since, head)
    if recent is not None:  # a reconnect storm is answered from memory
        return recent, head
    chunks, last = [], since
    async for seq, frame in replay(runtime.store, runtime.hub, slug, since):
        chunks.append(frame)
        last = seq
    return chunks, last


async def serve(scope: Scope, receive: Receive, send: Send, slug: str) -> None:
    """A reader's stream, from the request to the disconnect, the cut-off or the server's shutdown."""
    runtime: Runtime = scope["app"].state.runtime
    settings = runtime.settings
    if headers_too_large(scope, settings.max_header_bytes):
        await refuse(scope, receive, send, ApiError(431, "request headers too large",
                                                    {"limit_bytes": settings.max_header_bytes}))
        return
    if settings.grip_endpoints and grip.signed_by_proxy(Headers(scope=scope), settings.grip_key):
        try:
            response = await held_by_proxy(Request(scope, receive), slug)
        except Exception as exc:
            await refuse(scope, receive, send, exc)
            return
        await SecurityHeaders(response)(scope, receive, send)
        return
    address = scope["client"][0] if scope.get("client") else "unknown"
    if not runtime.streams.acquire(address):
        await refuse(scope, receive, send, ApiError(429, "too many open streams from this address",
                                                    {"limit": settings.streams_per_address},
                                                    headers={"Retry-After": "30"}))
        return
    hub = runtime.hub
    sub = hub.subscribe(slug)  # before reading the head: nothing can fall between
    try:
        since = position(resume_point(scope))
        start = {"type": "http.response.start", "status": 200,
                 "headers": RAW_STREAM_HEADERS[scope.get("scheme") == "https"]}
        try:
            head = await known_head(runtime, slug, since)
            if scope["method"] == "HEAD":  # the headers are the whole answer: nothing to catch up on
                await send(start)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            first, sent = await catch_up(runtime, slug, head if since is None else since, head)
        except Exception as exc:  # an unknown blog, or a database that failed
            await refuse(scope, receive, send, exc)
            return
        await send(start)
        # What the reader missed goes at once. A reader with nothing to catch up on gets its retry: with the
        # first event or heartbeat instead: one write fewer for each of a crowd arriving.
        lead = retry_frame(settings.retry_ms)
        if first:
            await send({"type": "http.response.body", "body": b"".join([lead, *first]), "more_body": True})
            lead = b""
        await follow(receive, send, sub, sent, lead)
    except asyncio.CancelledError:
        if not sub.cut:
            raise
        # cut off for falling behind (hub.Subscriber.offer cancels this task): the response stays incomplete,
        # so the server closes the connection, and the reader resumes from its last id
        CUT_OFF.set(True)
    finally:
        hub.unsubscribe(sub)
        runtime.streams.release(address)


class QuietCutOff(logging.Filter):
    """On uvicorn's error logger: drops its line for a response left incomplete on purpose, a cut-off reader's."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (CUT_OFF.get() and str(record.msg).startswith("ASGI callable returned without completing"))


async def follow(receive: Receive, send: Send, sub: Subscriber, sent: int, lead: bytes) -> None:
    """Live frames after ``sent`` until the reader leaves, is cut off, or the hub closes; ``lead`` goes first."""
    while True:  # the request's own body first (a GET has none); the next message is the disconnect
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        if not message.get("more_body"):
            break
    listener = asyncio.ensure_future(receive())
    listener.add_done_callback(sub.leave)
    sub.sent = sent
    sub.lead = lead  # sent with the first frame or heartbeat, by the hub or by this task
    sub.wire = wire(send)  # the hub may write frames straight to the connection while this task is parked
    try:
        while not sub.closed:
            chunk: list[bytes] = []
            for seq, frame in await sub.take():
                if seq > sub.sent:
                    chunk.append(frame)
                    sub.sent = seq
            if sub.ping:
                sub.ping = False
                chunk.append(PING)
            if chunk and sub.lead:
                chunk.insert(0, sub.lead)
                sub.lead = b""
            if chunk:
                await send({"type": "http.response.body", "body": chunk[0] if len(chunk) == 1 else b"".join(chunk),
                            "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        listener.cancel()


class UvicornWire:
    """uvicorn's httptools response cycle as a ``hub.Wire``: chunks written to its transport while the
    response is under way in chunked encoding, not complete, its client connected and its writes not paused
    (a paused reader falls back to its task, which waits for the socket to drain and is cut off if it lags)."""

    __slots__ = ("cycle", "flow", "transport")

    def __init__(self, cycle: Any) -> None:
        self.cycle = cycle
        self.flow = cycle.flow
        self.transport: asyncio.WriteTransport = cycle.transport

    def writable(self) -> bool:
        cycle = self.cycle
        return not (self.flow.write_paused or cycle.disconnected or cycle.response_complete
                    or self.transport.is_closing())


def wire(send: Send) -> UvicornWire | None:
    """The connection under ``send`` when it is uvicorn's httptools cycle sending chunks, else None (the task
    sends every frame, as with any other server)."""
    cycle = getattr(send, "__self__", None)
    if (type(cycle).__module__ != "uvicorn.protocols.http.httptools_impl"
            or getattr(cycle, "chunked_encoding", None) is not True):
        return None
    return UvicornWire(cycle)


async def refuse(scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
    """The answer the routed views give to ``exc``, with the headers every response carries."""
    request = Request(scope, receive)
    handler = next(HANDLERS[kind] for kind in type(exc).__mro__ if kind in HANDLERS)  # Exception's, at worst
    if handler is HANDLERS[Exception]:
        log.error("a stream request failed", exc_info=exc)
    await SecurityHeaders(await handler(request, exc))(scope, receive, send)


async def held_by_proxy(request: Request, slug: str) -> Response:
    """Through Pushpin: what the reader missed, then instructions to hold the stream after it.

    Pushpin comes back here with ``Grip-Last`` when it sees a gap in what it was published."""
    runtime = runtime_of(request)
    recovering = grip.last_id(request.headers, slug)
    since = position(recovering or resume_point(request.scope))
    head = await known_head(runtime, slug, since)
    chunks, sent = await catch_up(runtime, slug, head if since is None else since, head)
    if not recovering:
        chunks.insert(0, retry_frame(runtime.settings.retry_ms))
    headers = {**STREAM_HEADERS, **grip.hold_headers(slug, sent, runtime.settings.heartbeat_seconds)}
    return Response(b"".join(chunks), headers=headers)


async def events_json(request: Request) -> Response:
    """The log as JSON pages, for clients that poll and for readers filling a gap: ``?since=N&limit=``.

    Each event's ``data`` is what the stream sends (``seq``, the entry or blog, an entry's ``html``, the chain's
    hash); ``chain`` adds the payload's salted digest and its salt (none once withdrawn) for ``liveblog verify``."""
    runtime = runtime_of(request)
    slug = request.path_params["slug"]
    blog = await runtime.store.get_blog(slug)
    if blog is None:
        raise NotFound("blog")
    since = int_param(request, "since", 0, low=0) or 0
    limit = int_param(request, "limit", 100, low=1, high=REPLAY_BATCH) or 100
    batch = await runtime.store.events_since(slug, since, limit + 1)
    more = len(batch) > limit
    batch = batch[:limit]
    return JSONResponse(
        {
            "events": [
                {"id": e.seq, "event": e.kind, "at": e.created_at.isoformat().replace("+00:00", "Z"),
                 "data": json.loads(event_data(e, runtime.hub.html_for)),
                 "chain": {"hash": e.hash, "digest": e.digest, "salt": e.salt}}
                for e in batch
            ],
            "last_event_id": blog.last_event_id,
            "next_since": batch[-1].seq if more else None,
        },
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"},
    )


routes = [
    Route("/api/blogs/{slug}/events", events_json, methods=["GET"]),  # the SSE stream: ``serve``, before routing
]
