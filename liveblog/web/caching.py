"""Conditional GET and the render cache for pages, feeds and the API's blog read.

ETag from the blog's last event id, and Last-Modified.

Every change to a blog is one event, so its last event id names a version of
everything derived from it. The variant (``variant_of``) folds in what else shapes the
bytes (the route, the page, the origin links are built from, the day the page calls
"today", the assets), with the code's version.

``cached`` answers from the runtime's ``PageCache``: the blog's head comes from the hub when the hub
is known to be current (no query at all for a 304 or a hit), else from the database, so that no
request gets bytes older than a change its client could know of (a 201 from any worker).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from .. import __version__
from ..model import Blog
from ..pagecache import Rendered
from ..render import asset_url, today_gmt
from ..runtime import Runtime, runtime_of
from ..store import NotFound
from .middleware import host_header

FEED_CACHE_CONTROL = "public, max-age=5, stale-while-revalidate=30"


def site_url(request: Request) -> str:
    """The public origin: the base_url setting, else what the request came to."""
    configured = runtime_of(request).settings.base_url.rstrip("/")
    return configured or str(request.base_url).rstrip("/")


def variant_of(request: Request, *params: object) -> tuple[object, ...]:
    """Everything besides the blog's head that a cached response's bytes depend on: the route (path, so
    the representation, the entry), the parsed parameters the view passes (page, limit), the origin links
    are built from, the day ("today" hides dates) and the assets' versions. A new input is one more item
    here. Nothing per person may shape a cached response: no cookie, no CSRF token, no signed-in state."""
    scope = request.scope
    return (scope["path"], *params, origin_key(request), this_second()[0], asset_url("site.css"), asset_url("live.js"),
            asset_url("verify.js"), asset_url("i18n.js"), runtime_of(request).key.fingerprint)


def origin_key(request: Request) -> object:
    """What ``site_url`` is built from, without building it (a URL object per request cost a tenth of a hit):
    the base_url setting, else the scheme, the Host header (or the address served on) and the root path."""
    configured = runtime_of(request).settings.base_url
    if configured:
        return configured
    scope = request.scope
    return (scope["scheme"], host_header(scope) or scope.get("server"), scope.get("root_path", ""))


_second: tuple[int, str, str] = (0, "", "")


def this_second() -> tuple[str, str]:
    """``today_gmt()`` and this second as an HTTP date, computed once a second: formatting the date for each
    request was another tenth of a hit."""
    global _second
    now = int(time.time())
    if _second[0] != now:
        _second = (now, today_gmt(), time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now)))
    return _second[1], _second[2]


def etag_at(slug: str, head: int, *variant: object) -> str:
    key = "|".join(str(v) for v in (slug, head, __version__, *variant))
    return f'W/"{head}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"'


def content_tag(body: bytes) -> str:
    """An ETag from the bytes themselves, for a view that a new event leaves as it was (a full page of the log):
    a client holding them gets a 304 whatever the blog's head is now."""
    return f'W/"c-{hashlib.sha256(body).hexdigest()[:16]}"'


def http_date(blog: Blog) -> str:
    moment = blog.last_changed_at or blog.created_at
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def validators(blog: Blog, variant: tuple[object, ...]) -> dict[str, str]:
    """ETag and Last-Modified, kept with the rendered bytes; ``answerable`` withholds the date while its
    second lasts."""
    return {"ETag": etag_at(blog.slug, blog.last_event_id, *variant), "Last-Modified": http_date(blog)}


def answerable(headers: dict[str, str]) -> dict[str, str]:
    """Last-Modified only once its second is over, as a later change in it would carry the same date."""
    if headers.get("Last-Modified") == this_second()[1]:
        return {k: v for k, v in headers.items() if k != "Last-Modified"}
    return headers


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """A 304 with no body when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip() for t in if_none_match.split(",")}
        if headers["ETag"] in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
        return None
    since = request.headers.get("if-modified-since")
    if since and "Last-Modified" in headers:
        try:
            client = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return None
        if client.tzinfo is not None and client >= parsedate_to_datetime(headers["Last-Modified"]):
            return Response(status_code=304, headers=headers)
    return None


async def known_head(runtime: Runtime, slug: str) -> int | None:
    """The blog's head as the hub has it, when that is at least every change made before this call: the hub
    has followed this process's own writes and (with several workers) the log as it stood when asked."""
    hub = runtime.hub
    if runtime.settings.workers > 1 and hub.position < await runtime.latest.get():
        return None
    head = hub.heads.get(slug)
    if head is None or head < runtime.store.written.get(slug, 0):
        return None
    return head


Render = Callable[[Blog, tuple[object, ...]], Awaitable[Rendered]]


async def cached(request: Request, render: Render, *params: object, fixed: dict[str, str] | None = None) -> Response:
    """A 304, the stored bytes, or one render shared by everyone asking for the same head and variant (a 304
    after it, too, when its validators are the client's: a ``content_tag`` outlives the head).

    ``render`` builds the response from the blog (read here, or by the one render when the hub knew the
    head) and the variant; ``params`` are the request's parsed parameters the bytes depend on; ``fixed``, the
    headers every answer of the route carries (a 304's too)."""
    runtime = runtime_of(request)
    slug = request.path_params["slug"]
    variant = variant_of(request, *params)
    blog = None
    head = await known_head(runtime, slug)
    if head is None:
        blog = await read_blog(runtime, slug)
        head = blog.last_event_id
    key = (slug, head, variant)
    found = runtime.pages.get(key)
    current = answerable(found.headers) if found else {**(fixed or {}), "ETag": etag_at(slug, head, *variant)}
    unchanged = counted_not_modified(runtime, request, current)
    if unchanged is not None:
        return unchanged

    async def make() -> Rendered:
        return await render(blog or await read_blog(runtime, slug), variant)

    rendered = await runtime.pages.render(key, make)
    return counted_not_modified(runtime, request, answerable(rendered.headers)) or respond(request, rendered)


def counted_not_modified(runtime: Runtime, request: Request, headers: dict[str, str]) -> Response | None:
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        runtime.pages.counters.not_modified += 1
    return unchanged


async def read_blog(runtime: Runtime, slug: str) -> Blog:
    blog = await runtime.store.get_blog(slug)
    if blog is None:
        raise NotFound("blog")
    return blog


def respond(request: Request, rendered: Rendered) -> Response:
    """The stored bytes in the best form the client takes (the same bytes for every such client)."""
    headers = {**answerable(rendered.headers), "Vary": "Accept-Encoding"}
    accepted = request.headers.get("accept-encoding", "")
    for coding, form in (("br", rendered.brotli), ("gzip", rendered.gzipped)):
        if form is not None and takes(coding, accepted):
            headers["Content-Encoding"] = coding
            return Response(form, media_type=rendered.media_type, headers=headers)
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def takes(coding: str, accept_encoding: str) -> bool:
    """Whether Accept-Encoding names ``coding`` (or ``*``) without ``q=0``."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in (coding, "*"):
            quality = params.strip().removeprefix("q=").strip()
            return not params or quality.rstrip("0").rstrip(".") not in ("", "0")
    return False
