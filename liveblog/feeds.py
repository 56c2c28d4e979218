"""JSON Feed 1.1 and Atom (RFC 4287, with RFC 6721 tombstones) from a blog and its entries.

Pure functions of the public JSON of a blog and its entries and of where the feed's links point (the live
site, or a static snapshot folder): no I/O. Both feeds carry corrections, supersession and withdrawals, so a
newsroom that republishes a liveblog republishes its corrections too.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from .model import entry_title
from .sanitize import to_text

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION_ABOUT = "/about/feed-extension"
SNAPSHOT_ABOUT = "feed-extension.html"
ATOM = "http://www.w3.org/2005/Atom"
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
# Atom's "this entry replaces that one": Dublin Core's ``replaces`` ("supplanted, displaced, or superseded by
# the described resource"). A fixed URI, so every host and mirror of a feed names the relation the same way.
SUPERSEDES_REL = "http://purl.org/dc/terms/replaces"
FEED_PAGE_BYTES = 100_000
LONGEST_BEFORE = "9" * 19  # the largest ``?before=`` the feed routes accept
TOO_LONG = "This update is too long for the feed."

MEDIA_LINK = re.compile(r'(["(])/media/([A-Za-z0-9_-]+\.(?:jpg|jpeg|png|webp))')
ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')  # in sanitized HTML, whose attributes are double-quoted

ET.register_namespace("", ATOM)
ET.register_namespace("at", TOMBSTONES)


@dataclass(frozen=True)
class Links:
    """Where a feed's links point. A feed without page links is a single page that carries every entry."""

    home: str
    json_feed: str
    atom_feed: str
    about: str
    entry_prefix: str
    events: str | None = None
    json_page_prefix: str | None = None
    atom_page_prefix: str | None = None
    origin: str | None = None
    media: str = "media/"

    def permalink(self, entry_id: int) -> str:
        return f"{self.entry_prefix}{entry_id}"

    def resolve(self, html: str) -> str:
        """An entry's HTML with links that work where the feed is read: on the live site every root-relative
        link gets the site's ``origin``; in a snapshot the photos point at its ``media/`` folder."""
        if self.origin is not None:
            return ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{self.origin}/", html)
        return MEDIA_LINK.sub(lambda m: f"{m.group(1)}{self.media}{m.group(2)}", html)


def live_links(site: str, slug: str) -> Links:
    """The live site's reader page, permalinks, feed pages and event stream."""
    home = f"{site}/blogs/{slug}"
    return Links(home=home, json_feed=f"{home}/feed.json", atom_feed=f"{home}/feed.atom",
                 about=f"{site}{EXTENSION_ABOUT}", entry_prefix=f"{home}/entries/", events=f"{home}/events",
                 json_page_prefix=f"{home}/feed.json?before=", atom_page_prefix=f"{home}/feed.atom?before=",
                 origin=site)


def snapshot_links(base: str) -> Links:
    """Files in a snapshot folder served at ``base``: no pages and no stream, which a static host cannot serve.

    When ``base`` is not an absolute URL (the folder's address is unknown), the links are references relative
    to the folder: Atom resolves them against the feed's own address, JSON Feed leaves them out.
    """
    root = f"{base.rstrip('/')}/" if _absolute(base) else ""
    home = root or "index.html"
    return Links(home=home, json_feed=f"{root}feed.json", atom_feed=f"{root}feed.atom",
                 about=f"{root}{SNAPSHOT_ABOUT}", entry_prefix=f"{home}#entry-", media=f"{root}media/")


def _absolute(url: str | None) -> str | None:
    """The URL if it is absolute, else None: JSON Feed URLs and Atom link relations cannot be relative."""
    if url is None:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def item_id(slug: str, entry_id: int) -> str:
    """Stable and URL-safe, independent of the host the site is served from."""
    return f"{slug}-{entry_id}"


def atom_id(slug: str, entry_id: int) -> str:
    return f"urn:liveblog:{item_id(slug, entry_id)}"


def withdrawal_notice(entry: dict[str, Any]) -> str:
    return f"Withdrawn {entry['retracted']['time_gmt']}: {entry['retracted']['note']}"


def _content(entry: dict[str, Any], links: Links) -> tuple[str, str]:
    """(html, text): a withdrawn entry's content is its withdrawal notice."""
    if entry["retracted"]:
        notice = withdrawal_notice(entry)
        return f"<p>{htmllib.escape(notice)}</p>", notice
    return links.resolve(entry["body_html"]), to_text(entry["body_html"])


def _size(value: Any) -> int:
    """Bytes of ``value`` as JSON with spaced separators: an upper bound for the compact form that is served."""
    return len(json.dumps(value, ensure_ascii=False).encode())


def _without_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def json_feed_item(entry: dict[str, Any], links: Links) -> dict[str, Any]:
    slug = entry["blog"]
    html, text = _content(entry, links)
    tags = ["key-event"] if entry["key_event"] and not entry["retracted"] else []
    if entry["corrections"]:
        tags.append("corrected")
    if entry["retracted"]:
        tags.append("withdrawn")
    item: dict[str, Any] = _without_none({
        "id": item_id(slug, entry["id"]),
        "url": _absolute(links.permalink(entry["id"])),
        "title": entry_title(entry),
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
    })
    if tags:
        item["tags"] = tags
    return item


def _fit(item: dict[str, Any], room: int) -> dict[str, Any]:
    """An item that fits in ``room`` bytes: first without its text, then with a notice in place of its content.

    A long entry in a 3-byte script is ~60 KB twice over, so past half a page the HTML alone is enough; an
    entry whose HTML alone is too long (20,000 ``&`` are 100 KB of ``&amp;``) links its permalink instead.
    """
    if _size(item) > FEED_PAGE_BYTES // 2:
        del item["content_text"]
    if _size(item) + 2 > room:
        url = item["url"]
        item["content_html"] = f'<p>{TOO_LONG} <a href="{htmllib.escape(url)}">Read it on its page</a>.</p>'
        item["content_text"] = f"{TOO_LONG} Read it on its page: {url}"
    return item


def json_feed(blog: dict[str, Any], entries: list[dict[str, Any]], links: Links, *,
              next_before: int | None = None) -> dict[str, Any]:
    """A feed page, newest first.

    A feed with pages stays under FEED_PAGE_BYTES whatever the length of its entries: those beyond move to
    the next page, and one too long for a page of its own is cut down by ``_fit``. A feed without pages (a
    static snapshot, whose host cannot serve ``?before=``) carries every entry whole and links no next page.
    """
    feed: dict[str, Any] = _without_none({
        "version": JSON_FEED_VERSION,
        "title": blog["title"],
        "home_page_url": _absolute(links.home),
        "feed_url": _absolute(links.json_feed),
        "description": blog["summary"] or blog["title"],
        "language": blog["language"],
        "authors": [{"name": name} for name in dict.fromkeys(e["author"] for e in entries)] or [{"name": "Liveblog"}],
        "_liveblog": _without_none({
            "about": _absolute(links.about),
            "status": blog["status"],
            "last_event_id": blog["last_event_id"],
            "events_url": links.events,
        }),
        "items": [],
    })
    if blog["status"] == "ended":
        feed["expired"] = True
    items = [json_feed_item(entry, links) for entry in entries]
    if links.json_page_prefix is None:
        feed["items"] = items
        return feed
    page_room = FEED_PAGE_BYTES - _size(feed) - _size({"next_url": f"{links.json_page_prefix}{LONGEST_BEFORE}"})
    room = page_room
    for n, item in enumerate(items):
        item = _fit(item, page_room)
        size = _size(item) + 2
        if size > room and feed["items"]:
            next_before = entries[n - 1]["id"]
            break
        feed["items"].append(item)
        room -= size
    if next_before is not None:
        feed["next_url"] = f"{links.json_page_prefix}{next_before}"
    return feed


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def atom_feed(blog: dict[str, Any], entries: list[dict[str, Any]], links: Links, *,
              next_before: int | None = None) -> bytes:
    """RFC 4287; a withdrawn entry becomes an RFC 6721 ``at:deleted-entry`` tombstone.

    Later pages are linked RFC 5005 style (``rel="next"``); a superseding entry links each entry it
    supersedes with the relation SUPERSEDES_REL.
    """
    a, t = f"{{{ATOM}}}", f"{{{TOMBSTONES}}}"
    slug = blog["slug"]
    feed = ET.Element(f"{a}feed")
    _sub(feed, f"{a}id", f"urn:liveblog:{slug}")
    _sub(feed, f"{a}title", blog["title"])
    if blog["summary"]:
        _sub(feed, f"{a}subtitle", blog["summary"])
    updated = blog["last_changed_at"] or blog["created_at"]
    _sub(feed, f"{a}updated", updated)
    _sub(feed, f"{a}link", rel="alternate", type="text/html", href=links.home)
    _sub(feed, f"{a}link", rel="self", type="application/atom+xml", href=links.atom_feed)
    if next_before is not None and links.atom_page_prefix is not None:
        _sub(feed, f"{a}link", rel="next", type="application/atom+xml",
             href=f"{links.atom_page_prefix}{next_before}")
    _sub(feed, f"{a}generator", "Liveblog")
    author = _sub(feed, f"{a}author")
    _sub(author, f"{a}name", blog["title"])
    for entry in entries:
        if entry["retracted"]:
            gone = _sub(feed, f"{t}deleted-entry", ref=atom_id(slug, entry["id"]), when=entry["retracted"]["at"])
            _sub(gone, f"{t}by").append(_name(a, entry["retracted"]["by"]))
            _sub(gone, f"{t}comment", withdrawal_notice(entry), type="text")
            _sub(gone, f"{a}link", rel="alternate", href=links.permalink(entry["id"]))
            continue
        item = _sub(feed, f"{a}entry")
        _sub(item, f"{a}id", atom_id(slug, entry["id"]))
        _sub(item, f"{a}title", entry_title(entry))
        _sub(item, f"{a}published", entry["published_at"])
        _sub(item, f"{a}updated", entry["updated_at"])
        _sub(item, f"{a}link", rel="alternate", type="text/html", href=links.permalink(entry["id"]))
        for target in entry["supersedes"]:
            _sub(item, f"{a}link", rel=SUPERSEDES_REL, href=links.permalink(target))
        by = _sub(item, f"{a}author")
        _sub(by, f"{a}name", entry["author"])
        if entry["key_event"]:
            _sub(item, f"{a}category", term="key-event")
        html = links.resolve(entry["body_html"]) + "".join(
            f"<p><strong>Corrected {htmllib.escape(c['time_gmt'])}:</strong> {htmllib.escape(c['note'])}</p>"
            for c in entry["corrections"]
        )
        _sub(item, f"{a}content", html, type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def _name(a: str, name: str) -> ET.Element:
    element = ET.Element(f"{a}name")
    element.text = name
    return element
