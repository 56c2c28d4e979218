"""Getting a blog out and back in: a private JSON export, and a public static snapshot for mirrors.

The JSON export is backup-grade: it keeps withdrawn texts so an import restores the
blog exactly. It is private and is never written into the public snapshot folder.
The snapshot (index.html, site.css, feed.json, feed.atom, feed-extension.html, the photos)
opens from disk or any static host when the live site is blocked.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from . import feeds
from .model import Blog, Correction, Entry, Retraction, iso, parse_iso, utc_now
from .render import STATIC, extension_page, render, today_gmt
from .store import Store

FORMAT = "liveblog-export/1"


async def all_entries(store: Store, slug: str) -> list[Entry]:
    """Every entry, newest first, page by page."""
    found: list[Entry] = []
    before = None
    while True:
        page = await store.list_entries(slug, before=before, limit=100)
        found += page
        if len(page) < 100:
            return found
        before = page[-1].id


def entry_record(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "author": entry.author,
        "published_at": iso(entry.published_at),
        "filed_at": iso(entry.filed_at),
        "headline": entry.headline,
        "body": entry.body,
        "body_html": entry.body_html,
        "key_event": entry.key_event,
        "pinned": entry.pinned,
        "revision": entry.revision,
        "supersedes": list(entry.supersedes),
        "corrections": [
            {"at": iso(c.at), "note": c.note, "previous_body": c.previous_body,
             "previous_body_html": c.previous_body_html, "by": c.by}
            for c in entry.corrections
        ],
        "retracted": ({"at": iso(entry.retraction.at), "note": entry.retraction.note, "by": entry.retraction.by}
                      if entry.retraction else None),
    }


async def export_record(store: Store, slug: str) -> dict[str, Any]:
    blog = await store.get_blog(slug)
    if blog is None:
        raise LookupError(f"no blog {slug!r}")
    entries = await all_entries(store, slug)
    fields = ("slug", "title", "summary", "intro", "intro_html", "status", "language")
    return {
        "format": FORMAT,
        "exported_at": iso(utc_now()),
        "blog": {**{f: getattr(blog, f) for f in fields}, "created_at": iso(blog.created_at),
                 "ended_at": iso(blog.ended_at)},
        "entries": [entry_record(e) for e in reversed(entries)],
    }


def _entry(record: dict[str, Any], slug: str) -> Entry:
    r = record["retracted"]
    return Entry(
        id=record["id"], blog=slug, author=record["author"], author_id=0,
        published_at=parse_iso(record["published_at"]), filed_at=parse_iso(record["filed_at"]),
        headline=record["headline"], body=record["body"], body_html=record["body_html"],
        key_event=record["key_event"], pinned=record["pinned"], revision=record["revision"],
        supersedes=tuple(record["supersedes"]),
        corrections=tuple(Correction(parse_iso(c["at"]), c["note"], c["previous_body"], c["previous_body_html"],
                                     c["by"]) for c in record["corrections"]),
        retraction=Retraction(parse_iso(r["at"]), r["note"], r["by"]) if r else None,
    )


async def import_record(store: Store, record: dict[str, Any]) -> Blog:
    if record.get("format") != FORMAT:
        raise ValueError(f"not a Liveblog export (expected format {FORMAT!r})")
    b = record["blog"]
    blog = Blog(
        id=0, slug=b["slug"], title=b["title"], summary=b["summary"], intro=b["intro"], intro_html=b["intro_html"],
        status=b["status"], language=b["language"], created_at=parse_iso(b["created_at"]),
        ended_at=parse_iso(b["ended_at"]) if b["ended_at"] else None, last_updated_at=None, last_event_id=0,
    )
    return await store.import_blog(blog, [_entry(e, blog.slug) for e in record["entries"]], utc_now())


def _relative(html: str, slug: str) -> str:
    """Links that work from disk: permalinks become anchors, assets and photos sit beside index.html."""
    html = re.sub(rf'/blogs/{re.escape(slug)}/entries/(\d+)', r"#entry-\1", html)
    html = re.sub(rf'/blogs/{re.escape(slug)}/(feed\.(?:json|atom))', r"\1", html)
    html = re.sub(r'/static/site\.css\?v=[0-9a-f]+', "site.css", html)
    html = re.sub(r'<script src="/static/[^"]+"[^>]*></script>', "", html)
    html = html.replace('href="/"', 'href="index.html"')
    return feeds.MEDIA_LINK.sub(r"\1media/\2", html)


async def write_snapshot(store: Store, slug: str, out: Path, *, media_path: Path, site: str) -> list[str]:
    """The public static folder. Returns the files written.

    ``site`` is where the folder will be served (``--base-url``): the feeds link into the folder there, never
    to the live site's paths. If it is not an absolute URL, the feeds' links are relative (``feeds.snapshot_links``).
    """
    blog = await store.get_blog(slug)
    if blog is None:
        raise LookupError(f"no blog {slug!r}")
    entries = [e.to_json() for e in await all_entries(store, slug)]
    key_events = [e for e in entries if e["key_event"] and not e["retracted"]]
    pinned = next((e for e in entries if e["pinned"]), None)
    blog_json = blog.to_json()
    links = feeds.snapshot_links(site)
    out.mkdir(parents=True, exist_ok=True)
    html = render("blog.html", today=today_gmt(), blog=blog_json, slug=slug, entries=entries,
                  shown={e["id"] for e in entries}, newest=entries[0] if entries else None, pinned=pinned,
                  key_events=key_events, before=None, next_before=None, canonical=links.home, jsonld=None)
    written = {
        "index.html": _relative(html, slug),
        feeds.SNAPSHOT_ABOUT: _relative(extension_page(), slug),
        "feed.json": json.dumps(feeds.json_feed(blog_json, entries, links), ensure_ascii=False, indent=1),
    }
    for name, text in written.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "feed.atom").write_bytes(feeds.atom_feed(blog_json, entries, links))
    shutil.copyfile(STATIC / "site.css", out / "site.css")
    photos = sorted({m.group(2) for m in feeds.MEDIA_LINK.finditer(html)})  # all the page shows
    for name in photos:
        source = media_path / name
        if source.is_file():
            (out / "media").mkdir(exist_ok=True)
            shutil.copyfile(source, out / "media" / name)
    return sorted([*written, "feed.atom", "site.css", *(f"media/{p}" for p in photos if (media_path / p).is_file())])
