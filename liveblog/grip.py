"""GRIP: readers held by Pushpin, events published to it once.

With ``--grip``, a reader's stream request reaches the origin through Pushpin. The
origin answers with the replay from the database and instructions in headers
(``Grip-Hold: stream`` on the blog's channel, with the id of the last event it
sent as ``prev-id``); Pushpin keeps the connection and the origin publishes every
new event once to each Pushpin's publish API. Every item carries its ``prev-id``,
so a Pushpin that sees a gap (a lost publish, a new publisher after a crash) asks
the origin's next link again with ``Grip-Last`` and gets exactly the missing events.

Only one process per database publishes (``publisher.Publisher``); the others
follow the log as usual and take over when it dies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

import httpx

from .publisher import Publisher
from .store import Event, Store


def channel(slug: str) -> str:
    return "liveblog." + slug


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def signed_by_proxy(headers: Mapping[str, str], key: str) -> bool:
    """Whether the request came through a GRIP proxy: its ``Grip-Sig``, an HS256 JWT, checks out.

    With no key nothing does: a bare header would otherwise let any client skip the stream limits
    (``load_settings`` refuses ``--grip`` without ``--grip-key``)."""
    token = headers.get("grip-sig")
    if not token or not key:
        return False
    try:
        head, claims, signature = token.split(".")
        expected = hmac.new(key.encode(), f"{head}.{claims}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64decode(signature)):
            return False
        if json.loads(_b64decode(head)).get("alg") != "HS256":
            return False
        exp = json.loads(_b64decode(claims)).get("exp")
        return isinstance(exp, (int, float)) and exp > time.time()
    except (ValueError, AttributeError):
        return False


def last_id(headers: Mapping[str, str], slug: str) -> str | None:
    """The id Pushpin last delivered on the blog's channel, when it asks the next link to recover."""
    value = headers.get("grip-last")
    if not value:
        return None
    for part in value.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() == channel(slug):
            for param in params.split(";"):
                key, _, found = param.strip().partition("=")
                if key == "last-id":
                    return found.strip()
    return None


def hold_headers(slug: str, prev_id: int, heartbeat: float) -> dict[str, str]:
    """Instructions for Pushpin: hold the stream on the blog's channel, after event ``prev_id``."""
    return {
        "Grip-Hold": "stream",
        "Grip-Channel": f"{channel(slug)}; prev-id={prev_id}",
        "Grip-Link": f"</blogs/{slug}/events>; rel=next",
        "Grip-Keep-Alive": f":ping\\n\\n; format=cstring; timeout={max(1, round(heartbeat))}",
    }


class GripPublisher(Publisher):
    """Each event as a GRIP item with its ``prev-id``, up to a hundred items per publish request."""

    tier = "Pushpin"
    batch = 100

    def __init__(self, store: Store, endpoints: list[str]) -> None:
        super().__init__(store, [e.rstrip("/") + "/publish/" for e in endpoints])

    def item(self, event: Event, data: str, frame: bytes) -> object:
        return {"channel": channel(event.blog), "id": str(event.seq), "prev-id": str(event.seq - 1),
                "formats": {"http-stream": {"content": frame.decode()}}}

    async def deliver(self, client: httpx.AsyncClient, endpoint: str, items: list[object]) -> int:
        response = await client.post(endpoint, json={"items": items})
        response.raise_for_status()
        return len(items)
