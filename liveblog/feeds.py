"""JSON Feed 1.1 and Atom (RFC 4287, with RFC 6721 tombstones) from a blog and its entries.

Pure functions of the public JSON of a blog and its entries and of where the feed's links point (the live
site, or a static snapshot folder): no I/O. Both feeds carry corrections, supersession and withdrawals, so a
newsroom that republishes a liveblog republishes its corrections too.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from gettext import NullTranslations
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from . import i18n
from .model import entry_title
from .sanitize import to_text
from .text import xml_safe

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
FEED_CORRECTIONS = 5  # corrections an item carries; earlier ones are on the entry's page
A, T = f"{{{ATOM}}}", f"{{{TOMBSTONES}}}"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

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


def withdrawal_notice(entry: dict[str, Any], tr: NullTranslations = i18n.CATALOGS[i18n.SOURCE]) -> str:
    """``Withdrawn 13:02 GMT: <note>`` in the blog's language (``tr``: its catalog)."""
    said = tr.gettext("Withdrawn %(time)s:") % {"time": entry["retracted"]["time_gmt"]}
    return f"{said} {entry['retracted']['note']}"


def _content(entry: dict[str, Any], links: Links, tr: NullTranslations) -> tuple[str, str]:
    """(html, text): a withdrawn entry's content is its withdrawal notice."""
    if entry["retracted"]:
        notice = withdrawal_notice(entry, tr)
        return f"<p>{htmllib.escape(notice)}</p>", notice
    return links.resolve(entry["body_html"]), to_text(entry["body_html"])


def _size(value: Any) -> int:
    """Bytes of ``value`` as JSON with spaced separators: an upper bound for the compact form that is served."""
    return len(json.dumps(value, ensure_ascii=False).encode())


def _without_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def _fitting(sizes: Iterable[int], room: int) -> int:
    """How many items, taken in order, fit in ``room`` bytes: always at least one, so every page moves on."""
    taken = 0
    for size in sizes:
        room -= size
        if room < 0 and taken:
            break
        taken += 1
    return taken


def _too_long_words(tr: NullTranslations) -> tuple[str, str]:
    return tr.gettext("This update is too long for the feed."), tr.gettext("Read it on its page")


def _too_long(url: str, tr: NullTranslations) -> str:
    return f'<p>{_too_long_words(tr)[0]} <a href="{htmllib.escape(url)}">{_too_long_words(tr)[1]}</a>.</p>'


def _inline_corrections(entry: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The latest FEED_CORRECTIONS corrections, oldest first, and how many earlier ones are left to the page."""
    shown = entry["corrections"][-FEED_CORRECTIONS:]
    return shown, len(entry["corrections"]) - len(shown)


def json_feed_item(entry: dict[str, Any], links: Links, tr: NullTranslations) -> dict[str, Any]:
    slug = entry["blog"]
    html, text = _content(entry, links, tr)
    tags = ["key-event"] if entry["key_event"] and not entry["retracted"] else []
    if entry["corrections"]:
        tags.append("corrected")
    if entry["retracted"]:
        tags.append("withdrawn")
    corrections, omitted = _inline_corrections(entry)
    item: dict[str, Any] = _without_none({
        "id": item_id(slug, entry["id"]),
        "url": _absolute(links.permalink(entry["id"])),
        "title": entry_title(entry, tr.gettext("Update %(time)s")),
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
            "corrections": [{"at": c["at"], "note": c["note"]} for c in corrections],
            "retracted": ({"at": entry["retracted"]["at"], "note": entry["retracted"]["note"]}
                          if entry["retracted"] else None),
            "revision": entry["revision"],
        },
    })
    if omitted:
        item["_liveblog"]["corrections_omitted"] = omitted
    if tags:
        item["tags"] = tags
    return item


def _fit(item: dict[str, Any], room: int, tr: NullTranslations) -> tuple[dict[str, Any], int]:
    """An item that fits in ``room`` bytes, and the bytes it takes in a page (with its separator): first
    without its text, then with a notice in place of its content.

    A long entry in a 3-byte script is ~60 KB twice over, so past half a page the HTML alone is enough; an
    entry whose HTML alone is too long (20,000 ``&`` are 100 KB of ``&amp;``) links its permalink instead.
    """
    size = _size(item)
    if size > FEED_PAGE_BYTES // 2:
        del item["content_text"]
        size = _size(item)
    if size + 2 > room:
        url = item["url"]
        item["content_html"] = _too_long(url, tr)
        too_long, read_it = _too_long_words(tr)
        item["content_text"] = f"{too_long} {read_it}: {url}"
        size = _size(item)
    return item, size + 2


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
    tr = i18n.translations(blog["language"])
    items = [json_feed_item(entry, links, tr) for entry in entries]
    if links.json_page_prefix is None:
        feed["items"] = items
        return feed
    room = FEED_PAGE_BYTES - _size(feed) - _size({"next_url": f"{links.json_page_prefix}{LONGEST_BEFORE}"})
    fitted = [_fit(item, room, tr) for item in items]
    taken = _fitting((size for _, size in fitted), room)
    feed["items"] = [item for item, _ in fitted[:taken]]
    if taken < len(items):
        next_before = entries[taken - 1]["id"]
    if next_before is not None:
        feed["next_url"] = f"{links.json_page_prefix}{next_before}"
    return feed


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """Every text and attribute of the Atom feed passes here: ElementTree escapes markup but writes a control
    character as it is, and one of them would make the whole page invalid XML for every subscriber."""
    element = ET.SubElement(parent, tag, {name: xml_safe(value) for name, value in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _xml(element: ET.Element) -> bytes:
    encoded: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=False)  # typeshed says Any
    return encoded


def _atom_head(blog: dict[str, Any], links: Links, next_before: int | str | None) -> ET.Element:
    feed = ET.Element(f"{A}feed", {"{http://www.w3.org/XML/1998/namespace}lang": blog["language"]})
    _sub(feed, f"{A}id", f"urn:liveblog:{blog['slug']}")
    _sub(feed, f"{A}title", blog["title"])
    if blog["summary"]:
        _sub(feed, f"{A}subtitle", blog["summary"])
    _sub(feed, f"{A}updated", blog["last_changed_at"] or blog["created_at"])
    _sub(feed, f"{A}link", rel="alternate", type="text/html", href=links.home)
    _sub(feed, f"{A}link", rel="self", type="application/atom+xml", href=links.atom_feed)
    if next_before is not None and links.atom_page_prefix is not None:
        _sub(feed, f"{A}link", rel="next", type="application/atom+xml",
             href=f"{links.atom_page_prefix}{next_before}")
    _sub(feed, f"{A}generator", "Liveblog")
    author = _sub(feed, f"{A}author")
    _sub(author, f"{A}name", blog["title"])
    return feed


def _atom_entry(entry: dict[str, Any], links: Links, tr: NullTranslations, *, cut: bool = False) -> ET.Element:
    """An entry, or a tombstone for a withdrawn one; ``cut`` puts a link to its page in place of its body."""
    slug, permalink = entry["blog"], links.permalink(entry["id"])
    if entry["retracted"]:
        gone = ET.Element(f"{T}deleted-entry", ref=atom_id(slug, entry["id"]), when=entry["retracted"]["at"])
        _sub(_sub(gone, f"{T}by"), f"{A}name", entry["retracted"]["by"])
        _sub(gone, f"{T}comment", withdrawal_notice(entry, tr), type="text")
        _sub(gone, f"{A}link", rel="alternate", href=permalink)
        return gone
    item = ET.Element(f"{A}entry")
    _sub(item, f"{A}id", atom_id(slug, entry["id"]))
    _sub(item, f"{A}title", entry_title(entry, tr.gettext("Update %(time)s")))
    _sub(item, f"{A}published", entry["published_at"])
    _sub(item, f"{A}updated", entry["updated_at"])
    _sub(item, f"{A}link", rel="alternate", type="text/html", href=permalink)
    for target in entry["supersedes"]:
        _sub(item, f"{A}link", rel=SUPERSEDES_REL, href=links.permalink(target))
    _sub(_sub(item, f"{A}author"), f"{A}name", entry["author"])
    if entry["key_event"]:
        _sub(item, f"{A}category", term="key-event")
    corrections, omitted = _inline_corrections(entry)
    html = _too_long(permalink, tr) if cut else links.resolve(entry["body_html"])
    if omitted:
        earlier = tr.ngettext("%(n)s earlier correction:", "%(n)s earlier corrections:", omitted) % {"n": omitted}
        there = tr.gettext("on its page")
        html += f'<p>{earlier} <a href="{htmllib.escape(permalink)}">{there}</a>.</p>'
    html += "".join(
        f"<p><strong>{htmllib.escape(tr.gettext('Corrected %(time)s:') % {'time': c['time_gmt']})}</strong> "
        f"{htmllib.escape(c['note'])}</p>"
        for c in corrections
    )
    _sub(item, f"{A}content", html, type="html")
    return item


def atom_feed(blog: dict[str, Any], entries: list[dict[str, Any]], links: Links, *,
              next_before: int | None = None) -> bytes:
    """RFC 4287; a withdrawn entry becomes an RFC 6721 ``at:deleted-entry`` tombstone.

    Later pages are linked RFC 5005 style (``rel="next"``); a superseding entry links each entry it
    supersedes with the relation SUPERSEDES_REL. A page stays under FEED_PAGE_BYTES like the JSON Feed's:
    entries beyond move to the next page, and one too long for a page of its own links its page instead
    of carrying its body. Without pages (a snapshot) every entry is whole.
    """
    tr = i18n.translations(blog["language"])
    elements = [_atom_entry(entry, links, tr) for entry in entries]
    if links.atom_page_prefix is not None:
        room = FEED_PAGE_BYTES - len(_xml(_atom_head(blog, links, LONGEST_BEFORE))) - len(XML_DECLARATION)
        # Each measured on its own, so with its namespace declarations: an upper bound of its size in the page.
        sizes = [len(_xml(element)) for element in elements]
        for n, entry in enumerate(entries):
            if sizes[n] > room:
                elements[n] = _atom_entry(entry, links, tr, cut=True)
                sizes[n] = len(_xml(elements[n]))
        taken = _fitting(sizes, room)
        if taken < len(elements):
            elements, next_before = elements[:taken], entries[taken - 1]["id"]
    feed = _atom_head(blog, links, next_before)
    feed.extend(elements)
    return XML_DECLARATION + _xml(feed)
