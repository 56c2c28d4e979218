"""The reader's pages: the list of blogs, a blog, and one update's permalink.

Complete without JavaScript; ``static/live.js`` then keeps a blog's first page live,
starting from the event id the page was rendered at (``data-last-event-id``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import i18n, jsonld
from ..model import Blog
from ..pagecache import Rendered
from ..render import render, today_gmt
from ..runtime import runtime_of
from ..store import NotFound
from .api import before_of, entry_id_of
from .caching import cached, site_url, validators

KEY_EVENTS_SHOWN = 30
HTML_HEADERS = {"Cache-Control": "no-cache"}


def page(request: Request, template: str, headers: dict[str, str] | None = None, **context: Any) -> Response:
    """A reader's page, with the site key's fingerprint at its foot (to compare with one published elsewhere)."""
    fingerprint = runtime_of(request).key.fingerprint
    return HTMLResponse(render(template, today=today_gmt(), fingerprint=fingerprint, **context),
                        headers={**HTML_HEADERS, **(headers or {})})


def html(request: Request, source: Blog, variant: tuple[object, ...], template: str, **context: Any) -> Rendered:
    """A page to keep in the render cache: the same bytes for everyone, so nothing per person in ``context``
    (the site key's fingerprint is the site's: ``variant_of`` names it)."""
    fingerprint = runtime_of(request).key.fingerprint
    body = render(template, today=today_gmt(), fingerprint=fingerprint, **context).encode()
    return Rendered.of(source.last_event_id, body, "text/html; charset=utf-8",
                       {**HTML_HEADERS, **validators(source, variant)})


async def index(request: Request) -> Response:
    blogs = await runtime_of(request).store.list_blogs()
    # the blogs may be in several languages: the list speaks the one the browser asks for
    lang = i18n.negotiate(request.headers.get("accept-language", ""))
    return page(request, "index.html", headers={"Vary": "Accept-Language"}, blogs=[b.to_json() for b in blogs],
                identity=runtime_of(request).settings.identity, lang=lang)


async def site_key(request: Request) -> Response:
    """The public key, its fingerprint and the signed statements of the keys it replaced (signing.py)."""
    return JSONResponse(runtime_of(request).key.published(),
                        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"})


async def blog_page(request: Request) -> Response:
    """Newest first, a page at a time; ``?before=<entry id>`` is the "Show older updates" link."""
    before = before_of(request)
    return await cached(request, lambda blog, variant: render_blog_page(request, blog, variant, before), before,
                        fixed=HTML_HEADERS)


async def render_blog_page(request: Request, blog: Blog, variant: tuple[object, ...], before: int | None) -> Rendered:
    """The blog as read first: anything newer reaches the page's script as an event."""
    runtime = runtime_of(request)
    store = runtime.store
    size = runtime.settings.page_size
    rows = await store.list_entries(blog.slug, before=before, limit=size + 1)
    if before is not None and not rows:
        raise NotFound("page")
    entries = [e.to_json() for e in rows[:size]]
    newest = entries[0] if before is None and entries else None
    if before is not None:
        latest = await store.list_entries(blog.slug, limit=1)
        newest = latest[0].to_json() if latest else None
    pinned = await store.pinned_entry(blog.slug) if before is None else None
    key_events = await store.list_entries(blog.slug, key_events=True, limit=KEY_EVENTS_SHOWN)
    origin = site_url(request)
    url = f"{origin}/blogs/{blog.slug}"
    blog_json = blog.to_json()
    identity = runtime.settings.identity
    ld = jsonld.live_blog(blog_json, entries, url, url + "/entries/{}", origin=origin, identity=identity)
    return html(
        request,
        blog,
        variant,
        "blog.html",
        blog=blog_json,
        slug=blog.slug,
        entries=entries,
        shown={e["id"] for e in entries},
        newest=newest,
        pinned=pinned.to_json() if pinned else None,
        key_events=[e.to_json() for e in key_events],
        before=before,
        next_before=entries[-1]["id"] if len(rows) > size else None,
        canonical=url if before is None else f"{url}?before={before}",
        jsonld=jsonld.script_json(ld),
        identity=identity,
    )


async def entry_page(request: Request) -> Response:
    """One update on its own page, with OpenGraph tags so it can be shared."""
    entry_id = entry_id_of(request)
    return await cached(request, lambda blog, variant: render_entry_page(request, blog, variant, entry_id),
                        fixed=HTML_HEADERS)


async def render_entry_page(request: Request, blog: Blog, variant: tuple[object, ...], entry_id: int) -> Rendered:
    found = await runtime_of(request).store.get_entry(blog.slug, entry_id)
    if found is None:
        raise NotFound("entry")
    entry = found.to_json()
    origin = site_url(request)
    identity = runtime_of(request).settings.identity
    blog_url = f"{origin}/blogs/{blog.slug}"
    url = f"{blog_url}/entries/{entry['id']}"
    ld = jsonld.single_update(entry, url, blog_url, origin=origin, identity=identity, lang=blog.language)
    return html(
        request,
        blog,
        variant,
        "entry.html",
        blog=blog.to_json(),
        slug=blog.slug,
        entry=entry,
        canonical=url,
        jsonld=jsonld.script_json(ld),
        og_image=jsonld.first_photo(entry["body_html"], origin),
        identity=identity,
    )


routes = [
    Route("/", index, methods=["GET", "HEAD"]),
    Route("/.well-known/liveblog-key.json", site_key, methods=["GET", "HEAD"]),
    Route("/blogs/{slug}", blog_page, methods=["GET", "HEAD"]),
    Route("/blogs/{slug}/entries/{entry_id}", entry_page, methods=["GET", "HEAD"]),
]
