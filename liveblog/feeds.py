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
from .config import DEFAULT_IDENTITY, Identity
from .model import feed_title, parse_iso, to_utc
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
FEED_ENTRIES = 50  # entries a feed page asks the store for; FEED_PAGE_BYTES may take fewer
HUB_PATH = "/websub"  # the WebSub hub that pushes this site's feeds (liveblog/websub.py)
LONGEST_BEFORE = "9" * 19  # the largest ``?before=`` the feed routes accept
DEFAULT_LANGUAGE = "en"
FEED_CORRECTIONS = 5  # corrections an item carries; earlier ones are on the entry's page
A, T = f"{{{ATOM}}}", f"{{{TOMBSTONES}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
    hub: str | None = None  # the WebSub hub that pushes this feed

    def permalink(self, entry_id: int) -> str:
        return f"{self.entry_prefix}{entry_id}"

    def elsewhere(self, path: str) -> str | None:
        """An absolute URL for a root-relative path of the live site (another blog's permalink); a snapshot
        knows none."""
        return f"{self.origin}{path}" if self.origin is not None else None

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
                 origin=site, hub=f"{site}{HUB_PATH}")


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


def update_title(entry: dict[str, Any], lang: str) -> str:
    """A feed item's title in the blog's language: its headline, else "Update <date>, <time>", the date as
    that language writes it."""
    label = i18n.translations(lang).gettext("Update %(date)s, %(time)s")
    if lang != i18n.SOURCE:
        when = to_utc(parse_iso(entry["published_at"])).date()
        entry = {**entry, "date_gmt": i18n.long_date(when, lang)}
    return feed_title(entry, label)


def language_of(blog: dict[str, Any]) -> str:
    """The one place a feed learns its language: the blog's, else the site's default (blogs made before
    languages existed have none)."""
    return blog.get("language") or DEFAULT_LANGUAGE


def _notes(entry: dict[str, Any], links: Links, tr: NullTranslations) -> str:
    """What a reader that ignores ``_liveblog`` must still see below an entry's text: its corrections (the
    latest FEED_CORRECTIONS, the rest on its page) and the updates that supersede it, in both feeds alike."""
    permalink = links.permalink(entry["id"])
    corrections, omitted = _inline_corrections(entry)
    html = ""
    if omitted:
        earlier = tr.ngettext("%(n)s earlier correction:", "%(n)s earlier corrections:", omitted) % {"n": omitted}
        there = htmllib.escape(tr.gettext("on its page"))
        html += f'\n<p>{htmllib.escape(earlier)} <a href="{htmllib.escape(permalink)}">{there}</a>.</p>'
    html += "".join(
        f"\n<p><strong>{htmllib.escape(tr.gettext('Corrected %(time)s:') % {'time': c['time_gmt']})}</strong> "
        f"{htmllib.escape(c['note'])}</p>"
        for c in corrections
    )
    newer = [f'<a href="{htmllib.escape(links.permalink(i))}">{htmllib.escape(_ref_time(entry, i, tr))}</a>'
             for i in entry["superseded_by"]]
    if newer:
        html += "\n<p>" + tr.gettext("<strong>Superseded</strong> by %(updates)s.") % {
            "updates": tr.gettext(" and ").join(newer)} + "</p>"
    return html


def _ref_time(entry: dict[str, Any], other: int, tr: NullTranslations) -> str:
    """``the 13:40 GMT update`` (or ``a later update``) in the blog's language."""
    ref = entry["refs"].get(str(other))
    return tr.gettext("the %(time)s update") % {"time": ref["time_gmt"]} if ref else tr.gettext("a later update")


def _content(entry: dict[str, Any], links: Links, tr: NullTranslations) -> tuple[str, str]:
    """(html, text): a withdrawn entry's content is its withdrawal notice; any other carries its notes."""
    if entry["retracted"]:
        notice = withdrawal_notice(entry, tr)
        return f"<p>{htmllib.escape(notice)}</p>", notice
    html = links.resolve(entry["body_html"]) + _notes(entry, links, tr)
    return html, to_text(html)


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


def too_long_notice(tr: NullTranslations) -> str:
    """What stands in a feed for an update too long for it (``verify`` looks for it), in the blog's language."""
    return tr.gettext("This update is too long for the feed.")


def _too_long(url: str, tr: NullTranslations) -> str:
    too_long, read_it = too_long_notice(tr), tr.gettext("Read it on its page")
    return f'<p>{too_long} <a href="{htmllib.escape(url)}">{read_it}</a>.</p>'


def _inline_corrections(entry: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The latest FEED_CORRECTIONS corrections, oldest first, and how many earlier ones are left to the page."""
    shown = entry["corrections"][-FEED_CORRECTIONS:]
    return shown, len(entry["corrections"]) - len(shown)


def json_feed_item(entry: dict[str, Any], links: Links, lang: str) -> dict[str, Any]:
    slug, tr = entry["blog"], i18n.translations(lang)
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
        "title": update_title(entry, lang),
        "content_html": html,
        "content_text": text,
        "date_published": entry["published_at"],
        "date_modified": entry["updated_at"],
        "authors": [{"name": i18n.byline(entry["author"], lang)}],
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
    item["_liveblog"].update(_translation(entry, links))
    if tags:
        item["tags"] = tags
    return item


def _linked(linked: dict[str, Any], links: Links) -> dict[str, Any]:
    """An entry of another blog of this site, as ``_liveblog`` names it: its item id, its language, its page."""
    return _without_none({"blog": linked["blog"], "id": item_id(linked["blog"], linked["id"]),
                          "url": links.elsewhere(linked["url"]), "lang": linked["lang"]})


def _translation(entry: dict[str, Any], links: Links) -> dict[str, Any]:
    """``_liveblog``'s language and translation fields: the entry's own language (null: the feed's), the
    entry it translates with the corrections made to it since, and the entries that translate it."""
    original = entry.get("translation_of")
    return {
        "lang": entry.get("lang"),
        "translation_of": ({**_linked(original, links), "status": original["status"],
                            "corrections_since": [_without_none({"at": c["at"], "url": links.elsewhere(c["url"])})
                                                  for c in original["corrections_since"]]}
                           if original else None),
        "translations": [_linked(t, links) for t in entry.get("translations", [])],
    }


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
        item["content_text"] = f"{too_long_notice(tr)} {tr.gettext('Read it on its page')}: {url}"
        size = _size(item)
    return item, size + 2


def json_feed(blog: dict[str, Any], entries: list[dict[str, Any]], links: Links, *,
              next_before: int | None = None, identity: Identity = DEFAULT_IDENTITY,
              head: dict[str, Any] | None = None) -> dict[str, Any]:
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
        "icon": identity.logo or None,
        "language": language_of(blog),
        "authors": ([{"name": i18n.byline(name, language_of(blog))}
                     for name in dict.fromkeys(e["author"] for e in entries)]
                    or [{"name": identity.name}]),
        "hubs": [{"type": "WebSub", "url": links.hub}] if links.hub else None,
        "_liveblog": _without_none({
            "about": _absolute(links.about),
            "status": blog["status"],
            "last_event_id": blog["last_event_id"],
            "events_url": links.events,
            "head": head,  # the log's head signed by the site key (signing.py): `liveblog verify` checks it
        }),
        "items": [],
    })
    if blog["status"] == "ended":
        feed["expired"] = True
    lang = language_of(blog)
    tr = i18n.translations(lang)
    items = [json_feed_item(entry, links, lang) for entry in entries]
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


def _atom_head(blog: dict[str, Any], links: Links, next_before: int | str | None,
               identity: Identity) -> ET.Element:
    feed = ET.Element(f"{A}feed", {XML_LANG: language_of(blog)})
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
    if links.hub is not None:
        _sub(feed, f"{A}link", rel="hub", href=links.hub)
    _sub(feed, f"{A}generator", "Liveblog")
    if identity.logo:
        _sub(feed, f"{A}logo", identity.logo)
    author = _sub(feed, f"{A}author")
    _sub(author, f"{A}name", identity.name)
    if identity.about:
        _sub(author, f"{A}uri", identity.about)
    return feed


def _tombstone(entry: dict[str, Any], links: Links, lang: str) -> ET.Element:
    """RFC 6721's ``at:deleted-entry``, for the consumers that understand it."""
    tr = i18n.translations(lang)
    gone = ET.Element(f"{T}deleted-entry", ref=atom_id(entry["blog"], entry["id"]), when=entry["retracted"]["at"])
    _sub(_sub(gone, f"{T}by"), f"{A}name", i18n.byline(entry["retracted"]["by"], lang))
    _sub(gone, f"{T}comment", withdrawal_notice(entry, tr), type="text")
    _sub(gone, f"{A}link", rel="alternate", href=links.permalink(entry["id"]))
    return gone


def _atom_entry(entry: dict[str, Any], links: Links, lang: str, *, cut: bool = False) -> list[ET.Element]:
    """An entry; ``cut`` puts a link to its page in place of its body.

    A withdrawn entry stays, its content replaced by the withdrawal notice and its ``updated`` moved to the
    withdrawal, followed by its RFC 6721 tombstone: readers ignore tombstones (newsboat and feedparser do) but
    replace an entry whose ``updated`` moves, so only this makes the withdrawn text leave them.
    """
    slug, permalink, tr = entry["blog"], links.permalink(entry["id"]), i18n.translations(lang)
    item = ET.Element(f"{A}entry")
    if entry.get("lang"):
        item.set(XML_LANG, xml_safe(entry["lang"]))
    _sub(item, f"{A}id", atom_id(slug, entry["id"]))
    _sub(item, f"{A}title", update_title(entry, lang))
    _sub(item, f"{A}published", entry["published_at"])
    _sub(item, f"{A}updated", entry["updated_at"])
    _sub(item, f"{A}link", rel="alternate", type="text/html", href=permalink)
    for target in entry["supersedes"]:
        _sub(item, f"{A}link", rel=SUPERSEDES_REL, href=links.permalink(target))
    for linked in [*filter(None, [entry.get("translation_of")]), *entry.get("translations", [])]:
        url = links.elsewhere(linked["url"])
        if url is not None:  # the original or a translation: the same update in another language
            _sub(item, f"{A}link", rel="alternate", type="text/html", hreflang=linked["lang"], href=url)
    _sub(_sub(item, f"{A}author"), f"{A}name", i18n.byline(entry["author"], lang))
    if entry["key_event"] and not entry["retracted"]:
        _sub(item, f"{A}category", term="key-event")
    html = _too_long(permalink, tr) if cut else _content(entry, links, tr)[0]
    _sub(item, f"{A}content", html, type="html")
    return [item, _tombstone(entry, links, lang)] if entry["retracted"] else [item]


def atom_feed(blog: dict[str, Any], entries: list[dict[str, Any]], links: Links, *,
              next_before: int | None = None, identity: Identity = DEFAULT_IDENTITY) -> bytes:
    """RFC 4287; a withdrawn entry becomes an RFC 6721 ``at:deleted-entry`` tombstone.

    Later pages are linked RFC 5005 style (``rel="next"``); a superseding entry links each entry it
    supersedes with the relation SUPERSEDES_REL. A page stays under FEED_PAGE_BYTES like the JSON Feed's:
    entries beyond move to the next page, and one too long for a page of its own links its page instead
    of carrying its body. Without pages (a snapshot) every entry is whole.
    """
    lang = language_of(blog)
    elements = [_atom_entry(entry, links, lang) for entry in entries]
    if links.atom_page_prefix is not None:
        room = FEED_PAGE_BYTES - len(_xml(_atom_head(blog, links, LONGEST_BEFORE, identity))) - len(XML_DECLARATION)
        # Each measured on its own, so with its namespace declarations: an upper bound of its size in the page.
        sizes = [sum(len(_xml(e)) for e in element) for element in elements]
        for n, entry in enumerate(entries):
            if sizes[n] > room:
                elements[n] = _atom_entry(entry, links, lang, cut=True)
                sizes[n] = sum(len(_xml(e)) for e in elements[n])
        taken = _fitting(sizes, room)
        if taken < len(elements):
            elements, next_before = elements[:taken], entries[taken - 1]["id"]
    feed = _atom_head(blog, links, next_before, identity)
    for element in elements:
        feed.extend(element)
    return XML_DECLARATION + _xml(feed)
