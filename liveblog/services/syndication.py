"""A feed page's bytes, built once for every reader of it: a GET of the feed and a WebSub push."""

from __future__ import annotations

import json

from .. import feeds
from ..config import Identity
from ..model import Blog
from ..signing import SiteKey
from ..store import Store
from .ledger import signed_head

MEDIA_TYPES = {"feed.atom": "application/atom+xml; charset=utf-8", "feed.json": "application/feed+json"}


async def feed_page(store: Store, key: SiteKey, identity: Identity, site: str, blog: Blog, kind: str,
                    before: int | None = None) -> bytes:
    """One page of ``kind`` (a key of MEDIA_TYPES), newest first: what a subscriber is pushed is what a GET
    returns, signed head included."""
    rows = await store.list_entries(blog.slug, before=before, limit=feeds.FEED_ENTRIES + 1)
    entries = [e.to_json() for e in rows[:feeds.FEED_ENTRIES]]
    next_before = entries[-1]["id"] if len(rows) > feeds.FEED_ENTRIES else None
    links = feeds.live_links(site, blog.slug)
    if kind == "feed.atom":
        return feeds.atom_feed(blog.to_json(), entries, links, next_before=next_before, identity=identity)
    head = await signed_head(store, key, blog.slug, blog.last_event_id)
    body = feeds.json_feed(blog.to_json(), entries, links, next_before=next_before, identity=identity, head=head)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
