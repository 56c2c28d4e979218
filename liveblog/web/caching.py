"""Conditional GET for pages and feeds: an ETag from the blog's last event id, and Last-Modified.

Every change to a blog is one event, so its last event id names a version of
everything derived from it. ``site``, the origin the links are built from (the Host
a request came to when no base_url is set), and ``variant`` fold in what else shapes
the bytes (the representation, the page, the day the page calls "today"), with the
code's version.
"""

from __future__ import annotations

import hashlib
import time
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from .. import __version__
from ..model import Blog

FEED_CACHE_CONTROL = "public, max-age=5, stale-while-revalidate=30"


def etag_for(blog: Blog, site: str, *variant: object) -> str:
    key = "|".join(str(v) for v in (blog.slug, blog.last_event_id, __version__, site, *variant))
    return f'W/"{blog.last_event_id}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"'


def http_date(blog: Blog) -> str:
    moment = blog.last_changed_at or blog.created_at
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def validators(blog: Blog, site: str, *variant: object) -> dict[str, str]:
    """ETag always; Last-Modified only once its second is over, as a later change in it would carry the same date."""
    headers = {"ETag": etag_for(blog, site, *variant)}
    if int((blog.last_changed_at or blog.created_at).timestamp()) < int(time.time()):
        headers["Last-Modified"] = http_date(blog)
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
