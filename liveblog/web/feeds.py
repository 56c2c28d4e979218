"""Syndication routes: JSON Feed 1.1 and Atom, cacheable by CDNs and open to every origin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import feeds, i18n, websub
from ..limits import retry_after
from ..model import Blog
from ..pagecache import Rendered
from ..render import extension_page
from ..runtime import runtime_of
from ..services import syndication
from .api import before_of
from .caching import FEED_CACHE_CONTROL, cached, site_url, validators
from .desk import address
from .errors import ApiError

FEED_HEADERS = {"Cache-Control": FEED_CACHE_CONTROL, "Access-Control-Allow-Origin": "*"}


async def serve_feed(request: Request, kind: str) -> Response:
    """One page of a feed, newest first (``?before=<entry id>``), or a 304 when the client is current."""
    before = before_of(request)
    return await cached(request, lambda blog, variant: render_feed(request, kind, blog, variant, before), before,
                        fixed=FEED_HEADERS)


async def render_feed(request: Request, kind: str, blog: Blog, variant: tuple[object, ...],
                      before: int | None) -> Rendered:
    runtime = runtime_of(request)
    site = site_url(request)
    body = await syndication.feed_page(runtime.store, runtime.key, runtime.settings.identity, site, blog, kind,
                                       before)
    link = websub.link_header(site + feeds.HUB_PATH, site + request.url.path)  # WebSub: the hub and the topic
    return Rendered.of(blog.last_event_id, body, syndication.MEDIA_TYPES[kind],
                       {**validators(blog, variant), **FEED_HEADERS, "Link": link})


async def feed_json(request: Request) -> Response:
    return await serve_feed(request, "feed.json")


async def feed_atom(request: Request) -> Response:
    return await serve_feed(request, "feed.atom")


async def hub(request: Request) -> Response:
    """WebSub's hub endpoint: a (un)subscription is checked, answered 202, then verified with its callback."""
    runtime = runtime_of(request)
    assert runtime.websub is not None
    try:
        runtime.websub.admit(address(request))
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        await runtime.websub.request(websub.intent(fields, site_url(request), runtime.settings.websub_lease_seconds))
    except websub.Refused as e:
        raise ApiError(429, e.message, e.detail, {"Retry-After": retry_after(e.wait)}) from None
    return Response(status_code=202)


async def extension_doc(request: Request) -> Response:
    """What the ``_liveblog`` keys of our JSON Feed mean: the URL the extension's ``about`` names, in the visitor's
    language (their browser's ``Accept-Language``, as the desk before sign-in)."""
    lang = i18n.negotiate(request.headers.get("accept-language", ""))
    return HTMLResponse(extension_page(lang), headers={"Cache-Control": "public, max-age=3600",
                                                       "Vary": "Accept-Language", "Content-Language": lang})


routes = [
    Route("/blogs/{slug}/feed.json", feed_json, methods=["GET", "HEAD"]),
    Route("/blogs/{slug}/feed.atom", feed_atom, methods=["GET", "HEAD"]),
    Route(feeds.EXTENSION_ABOUT, extension_doc, methods=["GET", "HEAD"]),
    Route(feeds.HUB_PATH, hub, methods=["POST"]),
]
