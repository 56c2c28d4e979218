"""JSON Feed 1.1 and Atom (RFC 4287, with RFC 6721 tombstones) from a blog and its entries.

Pure functions of the public JSON of a blog and its entries: no I/O. Both feeds carry
corrections, supersession and withdrawals, so a newsroom that republishes a liveblog
republishes its corrections too.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from .sanitize import to_text

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION_ABOUT = "/about/feed-extension"
SUPERSEDES_REL = "https://liveblog.invalid/rel/supersedes"
ATOM = "http://www.w3.org/2005/Atom"
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
FEED_PAGE_BYTES = 100_000

ET.register_namespace("", ATOM)
ET.register_namespace("at", TOMBSTONES)


def item_id(slug: str, entry_id: int) -> str:
    """Stable and URL-safe, independent of the host the site is served from."""
    return f"{slug}-{entry_id}"


def atom_id(slug: str, entry_id: int) -> str:
    return f"urn:liveblog:{item_id(slug, entry_id)}"


def withdrawal_notice(entry: dict[str, Any]) -> str:
    return f"Withdrawn {entry['retracted']['time_gmt']}: {entry['retracted']['note']}"


def _content(entry: dict[str, Any]) -> tuple[str, str]:
    """(html, text): a withdrawn entry's content is its withdrawal notice."""
    if entry["retracted"]:
        notice = withdrawal_notice(entry)
        return f"<p>{_escape(notice)}</p>", notice
    return entry["body_html"], to_text(entry["body_html"])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def json_feed_item(entry: dict[str, Any], site: str) -> dict[str, Any]:
    slug = entry["blog"]
    html, text = _content(entry)
    tags = ["key-event"] if entry["key_event"] and not entry["retracted"] else []
    if entry["corrections"]:
        tags.append("corrected")
    if entry["retracted"]:
        tags.append("withdrawn")
    item: dict[str, Any] = {
        "id": item_id(slug, entry["id"]),
        "url": f"{site}/blogs/{slug}/entries/{entry['id']}",
        "title": entry["headline"] or f"Update {entry['time_gmt']}",
        "content_html": html,
        "content_text": text,
        "date_published": entry["published_at"],
        "date_modified": entry["updated_at"],
        "authors": [{"name": entry["author"]}],
        "_liveblog": {
            "time_gmt": entry["time_gmt"],
            "status": entry["status"],
            "filed_at": entry["filed_at"],
            "supersedes": [item_id(slug, i) for i in entry["supersedes"]],
            "superseded_by": [item_id(slug, i) for i in entry["superseded_by"]],
            "corrections": [{"at": c["at"], "note": c["note"]} for c in entry["corrections"]],
            "retracted": ({"at": entry["retracted"]["at"], "note": entry["retracted"]["note"]}
                          if entry["retracted"] else None),
            "revision": entry["revision"],
        },
    }
    if tags:
        item["tags"] = tags
    return item


def json_feed(blog: dict[str, Any], entries: list[dict[str, Any]], site: str, *,
              next_before: int | None) -> dict[str, Any]:
    """A feed page, newest first. Entries beyond the 100 KB budget move to the next page."""
    slug = blog["slug"]
    home = f"{site}/blogs/{slug}"
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": blog["title"],
        "home_page_url": home,
        "feed_url": f"{home}/feed.json",
        "description": blog["summary"] or blog["title"],
        "language": blog["language"],
        "authors": [{"name": name} for name in dict.fromkeys(e["author"] for e in entries)] or [{"name": "Liveblog"}],
        "_liveblog": {
            "about": f"{site}{EXTENSION_ABOUT}",
            "status": blog["status"],
            "last_event_id": blog["last_event_id"],
            "events_url": f"{home}/events",
        },
        "items": [],
    }
    if blog["status"] == "ended":
        feed["expired"] = True
    size = len(json.dumps(feed))
    for n, entry in enumerate(entries):
        item = json_feed_item(entry, site)
        item_size = len(json.dumps(item, ensure_ascii=False).encode()) + 2
        if item_size > FEED_PAGE_BYTES // 2:
            # A long entry in a 3-byte script is ~60 KB twice over: the HTML alone is enough.
            item_size -= len(json.dumps(item.pop("content_text"), ensure_ascii=False).encode())
        size += item_size
        if size > FEED_PAGE_BYTES - 300 and feed["items"]:
            next_before = entries[n - 1]["id"]
            break
        feed["items"].append(item)
    if next_before is not None:
        feed["next_url"] = f"{home}/feed.json?before={next_before}"
    return feed


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def atom_feed(blog: dict[str, Any], entries: list[dict[str, Any]], site: str) -> bytes:
    """RFC 4287; a withdrawn entry becomes an RFC 6721 ``at:deleted-entry`` tombstone."""
    a, t = f"{{{ATOM}}}", f"{{{TOMBSTONES}}}"
    slug = blog["slug"]
    home = f"{site}/blogs/{slug}"
    feed = ET.Element(f"{a}feed")
    _sub(feed, f"{a}id", f"urn:liveblog:{slug}")
    _sub(feed, f"{a}title", blog["title"])
    if blog["summary"]:
        _sub(feed, f"{a}subtitle", blog["summary"])
    updated = blog["last_changed_at"] or blog["created_at"]
    _sub(feed, f"{a}updated", updated)
    _sub(feed, f"{a}link", rel="alternate", type="text/html", href=home)
    _sub(feed, f"{a}link", rel="self", type="application/atom+xml", href=f"{home}/feed.atom")
    _sub(feed, f"{a}generator", "Liveblog")
    author = _sub(feed, f"{a}author")
    _sub(author, f"{a}name", blog["title"])
    for entry in entries:
        if entry["retracted"]:
            gone = _sub(feed, f"{t}deleted-entry", ref=atom_id(slug, entry["id"]), when=entry["retracted"]["at"])
            _sub(gone, f"{t}by").append(_name(a, entry["retracted"]["by"]))
            _sub(gone, f"{t}comment", withdrawal_notice(entry), type="text")
            _sub(gone, f"{a}link", rel="alternate", href=f"{home}/entries/{entry['id']}")
            continue
        item = _sub(feed, f"{a}entry")
        _sub(item, f"{a}id", atom_id(slug, entry["id"]))
        _sub(item, f"{a}title", entry["headline"] or f"Update {entry['time_gmt']}")
        _sub(item, f"{a}published", entry["published_at"])
        _sub(item, f"{a}updated", entry["updated_at"])
        _sub(item, f"{a}link", rel="alternate", type="text/html", href=f"{home}/entries/{entry['id']}")
        for target in entry["supersedes"]:
            _sub(item, f"{a}link", rel=SUPERSEDES_REL, href=f"{home}/entries/{target}")
        by = _sub(item, f"{a}author")
        _sub(by, f"{a}name", entry["author"])
        if entry["key_event"]:
            _sub(item, f"{a}category", term="key-event")
        html = entry["body_html"] + "".join(
            f"<p><strong>Corrected {_escape(c['time_gmt'])}:</strong> {_escape(c['note'])}</p>"
            for c in entry["corrections"]
        )
        _sub(item, f"{a}content", html, type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def _name(a: str, name: str) -> ET.Element:
    element = ET.Element(f"{a}name")
    element.text = name
    return element

