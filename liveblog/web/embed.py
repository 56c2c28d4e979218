"""What other sites embed: a blog's compact page that updates itself, its loader script, and oEmbed.

``/blogs/{slug}/embed`` is the one route that may be framed by any site (``frame-ancestors *``): it sets no
cookie and asks no third party for anything. ``static/embed.js`` on the partner's page sizes the frame to the
height the embed reports (postMessage, checked against the embed's origin). ``/oembed`` answers CMSs that
embed from a URL (https://oembed.com, type ``rich``).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..render import asset_url, catalog_url, today_gmt
from ..runtime import runtime_of
from ..store import NotFound
from ..text import problem
from .api import blog_or_404
from .caching import not_modified, site_url, validators
from .errors import ApiError
from .middleware import CSP
from .pages import page

EMBED_SIZE = 20  # updates on the embed's page; the blog's own page has the rest
EMBED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
DEFAULT_WIDTH, DEFAULT_HEIGHT = 600, 800  # oEmbed's rich type must give both; the loader then follows content


async def embed(request: Request) -> Response:
    """The blog's latest updates, compact, live (``static/live.js``) and sized by its parent (``embed-frame.js``)."""
    runtime = runtime_of(request)
    blog = await blog_or_404(request)
    origin = site_url(request)
    # the CSP on a 304 too: a browser merges a 304's headers into its copy, and DENY would stop the framing
    headers = {**validators(blog, (origin, "embed", today_gmt(), asset_url("live.js"), asset_url("embed-frame.js"),
                                   asset_url("i18n.js"), catalog_url(blog.language), runtime.key.fingerprint)),
               "Content-Security-Policy": EMBED_CSP}
    unchanged = not_modified(request, headers)
    if unchanged is not None:
        return unchanged
    rows = await runtime.store.list_entries(blog.slug, limit=EMBED_SIZE)
    entries = [e.to_json() for e in rows]
    return page(request, "embed.html", headers=headers, blog=blog.to_json(),
                slug=blog.slug, entries=entries, newest=entries[0] if entries else None,
                url=f"{origin}/blogs/{blog.slug}", identity=runtime.settings.identity)


def frame_html(origin: str, slug: str, title: str, width: int, height: int) -> str:
    """What a partner pastes (and what oEmbed returns): the frame and the loader that sizes it."""
    return (f'<iframe src="{escape(origin)}/blogs/{escape(slug)}/embed" title="{escape(title)}" '
            f'width="{width}" height="{height}" data-liveblog-embed loading="lazy" '
            f'style="border:0;max-width:100%"></iframe>'
            f'<script src="{escape(origin)}{asset_url("embed.js")}" async></script>')


def _dimension(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    # at most 5 ASCII digits before int(): it also takes "+5" and "1_0", and refuses past 4,300 digits (a 500)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 5) or not 0 < int(raw) <= 10_000:
        raise ApiError(400, f"{name} must be a whole number of pixels", {"field": name})
    return min(default, int(raw))


def _slug_of(url: str, origin: str) -> str:
    """The blog a URL of this site names (its page, an update or the embed), else NotFound: also for a URL
    that does not parse (``http://[``) or a slug no blog can have (a NUL, which PostgreSQL refuses in text)."""
    try:
        parts, ours = urlsplit(url), urlsplit(origin)
    except ValueError:
        raise NotFound("blog") from None
    path = parts.path.split("/")
    if ((parts.scheme, parts.netloc) != (ours.scheme, ours.netloc) or len(path) < 3 or path[1] != "blogs"
            or problem(path[2])):
        raise NotFound("blog")
    return path[2]


async def oembed(request: Request) -> Response:
    """oEmbed 1.0 for a blog's URL: 404 for a URL that is not one of this site's blogs, 501 for XML."""
    url = request.query_params.get("url")
    if not url:
        raise ApiError(400, "url is required", {"field": "url"})
    if request.query_params.get("format", "json") != "json":
        raise ApiError(501, "only format=json is served", {"field": "format"})
    origin = site_url(request)
    blog = await runtime_of(request).store.get_blog(_slug_of(url, origin))
    if blog is None:
        raise NotFound("blog")
    width = _dimension(request, "maxwidth", DEFAULT_WIDTH)
    height = _dimension(request, "maxheight", DEFAULT_HEIGHT)
    identity = runtime_of(request).settings.identity
    return JSONResponse({
        "version": "1.0", "type": "rich", "title": blog.title, "provider_name": identity.name,
        "provider_url": origin, "width": width, "height": height, "cache_age": 3600,
        "html": frame_html(origin, blog.slug, blog.title, width, height),
    }, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"})


routes = [
    Route("/blogs/{slug}/embed", embed, methods=["GET", "HEAD"]),
    Route("/oembed", oembed, methods=["GET", "HEAD"]),
]
