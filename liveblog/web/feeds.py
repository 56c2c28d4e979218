"""Syndication routes: JSON Feed 1.1 and Atom, cacheable by CDNs and open to every origin."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import feeds, websub
from ..config import Identity
from ..model import Blog, utc_now
from ..pagecache import Rendered
from ..render import extension_page
from ..runtime import runtime_of
from ..services import ledger
from ..store import NotFound
from .api import before_of
from .caching import FEED_CACHE_CONTROL, cached, site_url, validators
from .errors import ApiError

FEED_PAGE = feeds.FEED_ENTRIES
FEED_HEADERS = {"Cache-Control": FEED_CACHE_CONTROL, "Access-Control-Allow-Origin": "*"}


def _json(blog: dict[str, Any], entries: list[dict[str, Any]], links: feeds.Links,
          next_before: int | None, identity: Identity, head: dict[str, Any] | None) -> tuple[bytes, str]:
    body = feeds.json_feed(blog, entries, links, next_before=next_before, identity=identity, head=head)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), "application/feed+json"


def _atom(blog: dict[str, Any], entries: list[dict[str, Any]], links: feeds.Links,
          next_before: int | None, identity: Identity, head: dict[str, Any] | None) -> tuple[bytes, str]:
    return (feeds.atom_feed(blog, entries, links, next_before=next_before, identity=identity),
            "application/atom+xml; charset=utf-8")


Builder = Callable[[dict[str, Any], list[dict[str, Any]], feeds.Links, "int | None", Identity,
                    "dict[str, Any] | None"], tuple[bytes, str]]


async def serve_feed(request: Request, build: Builder) -> Response:
    """One page of a feed, newest first (``?before=<entry id>``), or a 304 when the client is current."""
    before = before_of(request)
    return await cached(request, lambda blog, variant: render_feed(request, build, blog, variant, before), before,
                        fixed=FEED_HEADERS)


async def render_feed(request: Request, build: Builder, blog: Blog, variant: tuple[object, ...],
                      before: int | None) -> Rendered:
    runtime = runtime_of(request)
    rows = await runtime.store.list_entries(blog.slug, before=before, limit=FEED_PAGE + 1)
    entries = [e.to_json() for e in rows[:FEED_PAGE]]
    next_before = entries[-1]["id"] if len(rows) > FEED_PAGE else None
    site = site_url(request)
    head = await ledger.signed_head(runtime.store, runtime.key, blog.slug, blog.last_event_id)
    body, media_type = build(blog.to_json(), entries, feeds.live_links(site, blog.slug), next_before,
                             runtime.settings.identity, head)
    link = websub.link_header(site + feeds.HUB_PATH, site + request.url.path)  # WebSub: the hub and the topic
    return Rendered.of(blog.last_event_id, body, media_type, {**validators(blog, variant), **FEED_HEADERS,
                                                              "Link": link})


async def feed_json(request: Request) -> Response:
    return await serve_feed(request, _json)


async def feed_atom(request: Request) -> Response:
    return await serve_feed(request, _atom)


async def hub(request: Request) -> Response:
    """WebSub's hub endpoint: a (un)subscription is checked, answered 202, then verified with its callback."""
    runtime = runtime_of(request)
    settings = runtime.settings
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    wanted = websub.intent(fields, site_url(request), settings.websub_lease_seconds)
    if await runtime.store.get_blog(wanted.blog) is None:
        raise NotFound("blog")
    await websub.check_callback(wanted.callback, settings.websub_allow_private)
    if wanted.mode == "subscribe":
        others = await runtime.store.websub_others(wanted.topic, wanted.callback, utc_now())
        if others >= settings.websub_max_subscribers:
            raise ApiError(429, "this feed has as many subscribers as it may have",
                           {"limit": settings.websub_max_subscribers})
    assert runtime.websub is not None
    runtime.websub.verify_later(wanted)
    return Response(status_code=202)


async def extension_doc(request: Request) -> Response:
    """What the ``_liveblog`` keys of our JSON Feed mean: the URL the extension's ``about`` names."""
    return HTMLResponse(extension_page(), headers={"Cache-Control": "public, max-age=3600"})


routes = [
    Route("/blogs/{slug}/feed.json", feed_json, methods=["GET", "HEAD"]),
    Route("/blogs/{slug}/feed.atom", feed_atom, methods=["GET", "HEAD"]),
    Route(feeds.EXTENSION_ABOUT, extension_doc, methods=["GET", "HEAD"]),
    Route(feeds.HUB_PATH, hub, methods=["POST"]),
]
