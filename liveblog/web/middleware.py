"""Pure ASGI middleware (BaseHTTPMiddleware would break contextvars and streaming)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class HostRule:
    """Which Host headers a request may carry: links in feeds, JSON-LD and pages are built from it when no
    base_url is set, and a cached answer built for ``evil.example`` would be served to everyone."""

    any_host: bool
    names: frozenset[str]  # on any port
    names_on_port: frozenset[tuple[str, int]]

    def allows(self, scope: Scope) -> bool:
        host = host_header(scope)
        if self.any_host or host is None:  # without one, links name the address the connection came to
            return True
        name, port = split_host(host, 443 if scope.get("scheme") == "https" else 80)
        return port is not None and (name in self.names or (name, port) in self.names_on_port)


def host_header(scope: Scope) -> str | None:
    return next((value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"host"), None)


def split_host(host: str, default_port: int) -> tuple[str, int | None]:
    """``name[:port]`` or ``[v6]:port`` as (lowercase name, port); a port that is not one gives None."""
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return name, None  # not an address a link could be built from
        port = rest[1:]
    else:
        name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
    if not port:
        return name.rstrip("."), default_port
    return name.rstrip("."), int(port) if port.isascii() and port.isdigit() and len(port) <= 5 else None


@lru_cache(maxsize=16)
def host_rule(settings: Settings) -> HostRule:
    """``allowed_hosts`` as a rule; empty: the loopback names, the address served on and base_url's host."""
    listed = [h.strip() for h in settings.allowed_hosts.split(",") if h.strip()]
    if "*" in listed:
        return HostRule(True, frozenset(), frozenset())
    if not listed:
        listed = [*LOOPBACK_NAMES, urlsplit(settings.base_url).hostname or ""]
        listed += [] if settings.host in WILDCARD_ADDRESSES else [settings.host]
        listed = [f"[{h}]" if ":" in h else h for h in listed if h]
    names, on_port = set(), set()
    for entry in listed:
        name, port = split_host(entry, 0)
        if not port:
            names.add(name)
        else:
            on_port.add((name, port))
    return HostRule(False, frozenset(names), frozenset(on_port))


async def refuse_host(scope: Scope, send: Send) -> None:
    await send_error(send, 400, "this server does not answer for that host name",
                     {"host": (host_header(scope) or "")[:255], "setting": "LIVEBLOG_ALLOWED_HOSTS"})


class BodyTooLarge(Exception):
    pass


def headers_too_large(scope: Scope, limit: int) -> bool:
    return sum(len(name) + len(value) + 4 for name, value in scope.get("headers", [])) > limit


Refuse = Callable[[Scope, Receive, Send, int], Awaitable[None]]


async def refuse_body(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    await send_error(send, 413, "request too large", {"limit_bytes": limit})


class BodyLimit:
    """Refuses headers over the limit with 431, and bodies over the limit with 413, by
    Content-Length or while they stream in. ``limits(scope)`` gives (header limit, body limit);
    ``refuse`` answers a body over it (the API's JSON unless given)."""

    def __init__(self, app: ASGIApp, limits: Callable[[Scope], tuple[int, int]], refuse: Refuse = refuse_body) -> None:
        self.app = app
        self.limits = limits
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_limit, limit = self.limits(scope)
        if headers_too_large(scope, header_limit):
            await send_error(send, 431, "request headers too large", {"limit_bytes": header_limit})
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    await send_error(send, 400, "bad Content-Length header", None)
                    return
                if too_big:
                    await self.refuse(scope, receive, send, limit)
                    return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self.refuse(scope, receive, send, limit)


def security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    """A strict CSP (no inline script) and the other headers every response carries."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
    ]
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


def framable(headers: list[tuple[bytes, bytes]]) -> bool:
    """A response whose own CSP lets any site frame it (the embed) must not carry X-Frame-Options: DENY,
    which browsers would apply over it."""
    return any(k.lower() == b"content-security-policy" and b"frame-ancestors *" in v for k, v in headers)


class SecurityHeaders:
    """Adds ``security_headers`` to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if framable(headers):
                    present.add(b"x-frame-options")
                headers += [(k, v) for k, v in security_headers(https) if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def send_error(send: Send, status: int, error: str, detail: object) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
