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
from ..model import utc_now
from ..render import extension_page
from ..runtime import runtime_of
from ..services import ledger
from ..store import NotFound
from .api import before_of
from .caching import FEED_CACHE_CONTROL, not_modified, validators
from .errors import ApiError
from .pages import site_url

FEED_PAGE = feeds.FEED_ENTRIES


def _json(blog: dict[str, Any], entries: list[dict[str, Any]], links: feeds.Links,
          next_before: int | None, identity: Identity, head: dict[str, Any] | None) -> Response:
    body = feeds.json_feed(blog, entries, links, next_before=next_before, identity=identity, head=head)
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), media_type="application/feed+json")


def _atom(blog: dict[str, Any], entries: list[dict[str, Any]], links: feeds.Links,
          next_before: int | None, identity: Identity, head: dict[str, Any] | None) -> Response:
    return Response(feeds.atom_feed(blog, entries, links, next_before=next_before, identity=identity),
                    media_type="application/atom+xml; charset=utf-8")


Builder = Callable[[dict[str, Any], list[dict[str, Any]], feeds.Links, "int | None", Identity,
                    "dict[str, Any] | None"], Response]


async def serve_feed(request: Request, build: Builder) -> Response:
    """One page of a feed, newest first (``?before=<entry id>``), or a 304 when the client is current."""
    runtime = runtime_of(request)
    blog = await runtime.store.get_blog(request.path_params["slug"])
    if blog is None:
        raise NotFound("blog")
    before = before_of(request)
    site = site_url(request)
    headers = {**validators(blog, site, build.__name__, before), "Cache-Control": FEED_CACHE_CONTROL,
               "Access-Control-Allow-Origin": "*",
               "Link": websub.link_header(site + feeds.HUB_PATH, site + request.url.path)}
    cached = not_modified(request, headers)
    if cached is not None:
        return cached
    rows = await runtime.store.list_entries(blog.slug, before=before, limit=FEED_PAGE + 1)
    entries = [e.to_json() for e in rows[:FEED_PAGE]]
    next_before = entries[-1]["id"] if len(rows) > FEED_PAGE else None
    head = await ledger.signed_head(runtime.store, runtime.key, blog.slug, blog.last_event_id)
    response = build(blog.to_json(), entries, feeds.live_links(site, blog.slug), next_before,
                     runtime.settings.identity, head)
    response.headers.update(headers)
    return response


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
