"""A blog's public log as readers check it: the records of ``log.jsonl`` and the head signed by the site key."""

from __future__ import annotations

import json
from typing import Any

from ..model import Blog, iso
from ..signing import SiteKey
from ..store import Event, Store

BATCH = 500
LOG_PAGE = 50  # records per page of the log view: a page a phone on a cut connection can finish (about 7 KB)


def log_record(event: Event) -> dict[str, Any]:
    """One line of ``log.jsonl``: what ``signing.event_hash`` covers, the payload and its salt (none once
    the entry is withdrawn)."""
    return {"seq": event.seq, "kind": event.kind, "entry_id": event.entry_id, "at": iso(event.created_at),
            "payload": json.loads(event.payload), "salt": event.salt, "digest": event.digest, "hash": event.hash}


async def whole_log(store: Store, slug: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while True:
        batch = await store.events_since(slug, records[-1]["seq"] if records else 0, BATCH)
        records += [log_record(e) for e in batch]
        if len(batch) < BATCH:
            return records


def head_at(key: SiteKey, slug: str, event: Event) -> dict[str, Any] | None:
    """The head at ``event`` (the blog's last event), signed now: the signature is cheap, so it is made when
    asked for and never stored. The feed's ``_liveblog.head``, the log view's and the mirror's are all this."""
    if event.hash is None:
        return None
    return key.sign_head(slug, event.seq, event.hash, iso(event.created_at) or "")


async def signed_head(store: Store, key: SiteKey, slug: str, seq: int) -> dict[str, Any] | None:
    found = await store.events_since(slug, seq - 1, 1)
    return head_at(key, slug, found[0]) if found else None


async def log_page(store: Store, key: SiteKey, blog: Blog, since: int) -> dict[str, Any]:
    """The records after ``since``, LOG_PAGE at most, and on the last page the head signed at its last record:
    what the reader page checks, as the mirror carries it, without the rendered html the events API adds. A
    full page changes only when an entry in it is withdrawn (its salt and text erased), so its ETag keeps.
    Past the last record the page is empty and still the last: it carries the blog's head, so that a reader who
    has everything learns the signed head without reading a record again."""
    batch = await store.events_since(blog.slug, since, LOG_PAGE + 1)
    more = len(batch) > LOG_PAGE
    batch = batch[:LOG_PAGE]
    if more:
        head = None
    elif batch:
        head = head_at(key, blog.slug, batch[-1])
    else:
        head = await signed_head(store, key, blog.slug, blog.last_event_id) if blog.last_event_id else None
    return {"log": [log_record(e) for e in batch], "next_since": batch[-1].seq if more else None, "head": head}
