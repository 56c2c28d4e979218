"""A blog's public log as readers check it: the records of ``log.jsonl`` and the head signed by the site key."""

from __future__ import annotations

import json
from typing import Any

from ..model import iso
from ..signing import SiteKey
from ..store import Event, Store

BATCH = 500


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


async def signed_head(store: Store, key: SiteKey, slug: str, seq: int) -> dict[str, Any] | None:
    """The head at ``seq`` (the blog's last event), signed now: the signature is cheap, so it is made when
    asked for and never stored."""
    found = await store.events_since(slug, seq - 1, 1)
    hash = found[0].hash if found else None
    if hash is None:
        return None
    return key.sign_head(slug, found[0].seq, hash, iso(found[0].created_at) or "")
