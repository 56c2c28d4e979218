"""Getting a blog out and back in: a private JSON export, and a public static snapshot for mirrors.

The JSON export is backup-grade: it keeps withdrawn texts so an import restores the
blog exactly. It is private and is never written into the public snapshot folder.
The snapshot (index.html, site.css, feed.json, feed.atom, feed-extension.html, the photos)
opens from disk or any static host when the live site is blocked; its log.jsonl, head.json and key.json let
`liveblog verify DIR` (and the page's own verify.js) check it against the site's signature.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import feeds
from .config import DEFAULT_IDENTITY, Identity
from .jsonld import script_json
from .languages import check_lang
from .model import (
    BLOG_STATUSES,
    CLOCK_SKEW,
    MAX_BODY,
    MAX_HEADLINE,
    MAX_ID,
    MAX_INTRO,
    MAX_NOTE,
    MAX_SUMMARY,
    MAX_TITLE,
    TRANSLATION_SHAPE,
    Blog,
    Correction,
    Entry,
    Retraction,
    TranslationLink,
    ValidationError,
    check_filed_at,
    check_slug,
    check_supersedes,
    check_supersession,
    check_text,
    check_translation_of,
    iso,
    parse_iso,
    utc_now,
)
from .names import MAX_NAME
from .render import STATIC, extension_page, render, today_gmt
from .sanitize import clean_html
from .services import ledger
from .signing import SiteKey
from .store import Store

FORMAT = "liveblog-export/1"
MAX_LANGUAGE = 35  # the longest BCP 47 tag worth keeping
MAX_HTML = 50 * MAX_BODY  # far past what any body renders to, short of what would fill the disk
# The highest entry id a file may bring. The stores number new posts after the highest id, and JavaScript (the
# desk, the reader page) reads ids exactly only up to 2**53 - 1: this leaves about 8 * 10**15 ids for new posts
# after any import, all of them ones a browser reads exactly.
MAX_IMPORTED_ID = 10**15
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # no blog is older; a time before it in a file is damage


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
        "lang": entry.lang,
        # links to entries of other blogs, both ways: an import makes those whose other blog is there too
        "translation_of": ({"blog": entry.translation_of.blog, "id": entry.translation_of.id}
                           if entry.translation_of else None),
        "translations": [{"blog": t.blog, "id": t.id} for t in entry.translations],
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


class _Fields:
    """One object of an export file, read field by field. The file may have been edited on its way, so
    nothing in it is trusted: whatever is wrong is named by its path in the file (``entries[2].filed_at``)."""

    def __init__(self, value: Any, path: str, now: datetime) -> None:
        if not isinstance(value, dict):
            raise ValidationError(path or "file", "must be a JSON object")
        self.value, self.path, self.now = value, path, now

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str) -> Any:
        if key not in self.value:
            raise ValidationError(self.name(key), "is missing")
        return self.value[key]

    def text(self, key: str, limit: int, *, required: bool = False) -> str:
        return check_text(self.name(key), self.raw(key), required=required, limit=limit)

    def html(self, key: str) -> str:
        """HTML goes through the one sanitizer again; on HTML it made, that changes nothing."""
        return clean_html(self.text(key, MAX_HTML))

    def time(self, key: str, *, after: tuple[str, datetime] | None = None) -> datetime:
        """A time of the past, since 1970; ``after`` names what it cannot precede, and when that was."""
        when = parse_iso(self.raw(key), self.name(key))
        if not EARLIEST <= when <= self.now + CLOCK_SKEW:
            raise ValidationError(self.name(key), "must be a time between 1970 and now")
        if after is not None and when < after[1]:
            raise ValidationError(self.name(key), f"is before {after[0]}")
        return when

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if not isinstance(value, bool):
            raise ValidationError(self.name(key), "must be true or false")
        return value

    def number(self, key: str, most: int = MAX_ID) -> int:
        value = self.raw(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= most:
            raise ValidationError(self.name(key), f"must be a whole number from 1 to {most}")
        return value

    def objects(self, key: str) -> list[_Fields]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise ValidationError(self.name(key), "must be a list")
        return [_Fields(item, f"{self.name(key)}[{n}]", self.now) for n, item in enumerate(value)]

    def optional(self, key: str) -> _Fields | None:
        value = self.raw(key)
        return None if value is None else _Fields(value, self.name(key), self.now)

    @contextmanager
    def checking(self) -> Iterator[None]:
        """Names a model rule's refusal by its place in the file."""
        try:
            yield
        except ValidationError as exc:
            raise exc.at(self.name(exc.field)) from None


def _blog(b: _Fields) -> Blog:
    status = b.raw("status")
    if status not in BLOG_STATUSES:
        raise ValidationError(b.name("status"), "must be one of %(choices)s", choices=", ".join(BLOG_STATUSES))
    slug = b.raw("slug")
    with b.checking():
        check_slug(slug)
    created = b.time("created_at")
    ended = None if b.raw("ended_at") is None else b.time("ended_at", after=("the blog was created", created))
    return Blog(
        id=0, slug=slug, title=b.text("title", MAX_TITLE, required=True), summary=b.text("summary", MAX_SUMMARY),
        intro=b.text("intro", MAX_INTRO), intro_html=b.html("intro_html"), status=status,
        language=b.text("language", MAX_LANGUAGE, required=True), created_at=created, ended_at=ended,
        last_updated_at=None, last_event_id=0,
    )


def _entry(e: _Fields, blog: Blog, ids: dict[int, str]) -> Entry:
    """An entry of the file, held to the rules it was written under; ``ids`` are the file's entries."""
    entry_id = e.number("id", MAX_IMPORTED_ID)
    published, filed = e.time("published_at"), e.time("filed_at")
    latest = ("the entry was published", published)
    corrections: list[Correction] = []
    for c in e.objects("corrections"):
        corrections.append(Correction(c.time("at", after=latest), c.text("note", MAX_NOTE, required=True),
                                      c.text("previous_body", MAX_BODY), c.html("previous_body_html"),
                                      c.text("by", MAX_NAME, required=True)))
        latest = ("the correction before it", corrections[-1].at)
    r = e.optional("retracted")
    retraction = None if r is None else Retraction(r.time("at", after=latest), r.text("note", MAX_NOTE, required=True),
                                                   r.text("by", MAX_NAME, required=True))
    revision = e.number("revision")
    if revision != 1 + len(corrections) + (retraction is not None):
        raise ValidationError(e.name("revision"), "must count the entry's corrections and withdrawal from 1")
    if filed > published:
        raise ValidationError(e.name("filed_at"), "is after the entry was published")
    targets = e.raw("supersedes")
    with e.checking():
        check_filed_at(filed, now=published, blog_created_at=blog.created_at)
        supersedes = check_supersedes(targets)
        check_supersession(supersedes, blog=blog.slug, found=ids, new_id=entry_id)
        lang = check_lang("lang", e.value.get("lang"))  # absent from exports made before entries had one
    return Entry(
        id=entry_id, blog=blog.slug, author=e.text("author", MAX_NAME, required=True), author_id=0,
        published_at=published, filed_at=filed, headline=e.text("headline", MAX_HEADLINE),
        body=e.text("body", MAX_BODY, required=True), body_html=e.html("body_html"), key_event=e.flag("key_event"),
        pinned=e.flag("pinned"), revision=revision, supersedes=supersedes, corrections=tuple(corrections),
        retraction=retraction, lang=lang,
    )


def read_record(record: Any, now: datetime | None = None) -> tuple[Blog, list[Entry]]:
    """The blog and entries of a JSON export, checked and cleaned, or ValidationError naming what is wrong.
    Every time in it must lie between 1970 and ``now``, and nothing may precede what it follows."""
    top = _Fields(record, "", now or utc_now())
    if top.raw("format") != FORMAT:
        raise ValidationError("format", f"must be {FORMAT!r}: this is not a Liveblog export")
    blog = _blog(_Fields(top.raw("blog"), "blog", top.now))
    records = top.objects("entries")
    ids: dict[int, str] = {}
    for e in records:
        entry_id = e.number("id", MAX_IMPORTED_ID)
        if entry_id in ids:
            raise ValidationError(e.name("id"), f"entry {entry_id} appears twice")
        ids[entry_id] = blog.slug
    return blog, [_entry(e, blog, ids) for e in records]


def read_links(record: Any) -> list[TranslationLink]:
    """The translation links of an export that ``read_record`` accepted, each checked: an entry's original
    (``translation_of``) and its translations, both entries of other blogs (absent from older files)."""
    blog = record["blog"]["slug"]
    links = []
    for n, e in enumerate(record["entries"]):
        here = (blog, e["id"])
        if e.get("translation_of") is not None:
            links.append(TranslationLink(here, _other_entry(e["translation_of"], f"entries[{n}].translation_of", blog)))
        theirs = e.get("translations", [])
        if not isinstance(theirs, list):
            raise ValidationError(f"entries[{n}].translations", "must be a list")
        links += [TranslationLink(_other_entry(t, f"entries[{n}].translations[{k}]", blog), here)
                  for k, t in enumerate(theirs)]
    return links


def _other_entry(value: Any, name: str, blog: str) -> tuple[str, int]:
    """``{"blog", "id"}`` naming an entry of a blog other than ``blog``."""
    try:
        found = check_translation_of(value)
    except ValidationError as exc:
        raise exc.at(name) from None
    if found is None:
        raise ValidationError(name, TRANSLATION_SHAPE)
    if found[0] == blog:
        raise ValidationError(name, "must name an entry of another blog")
    return found


def _relative(html: str, slug: str) -> str:
    """Links that work from disk: permalinks become anchors, assets and photos sit beside index.html. Another
    blog's (an original or a translation) point at its own snapshot, taken to sit beside this one as
    ``../<slug>/``."""
    html = re.sub(rf'/blogs/{re.escape(slug)}/entries/(\d+)', r"#entry-\1", html)
    html = re.sub(r'"/blogs/([a-z0-9-]+)/entries/(\d+)(#[a-z0-9-]+)?"',
                  lambda m: f'"../{m.group(1)}/index.html{m.group(3) or "#entry-" + m.group(2)}"', html)
    html = re.sub(rf'/blogs/{re.escape(slug)}/(feed\.(?:json|atom))', r"\1", html)
    html = re.sub(r'/static/site\.css\?v=[0-9a-f]+', "site.css", html)
    html = re.sub(r'<script src="/static/[^"]+"[^>]*></script>', "", html)
    html = re.sub(r' data-catalog="[^"]*"', "", html)  # the scripts' strings: no script is copied
    html = html.replace('href="/"', 'href="index.html"')
    return feeds.MEDIA_LINK.sub(r"\1media/\2", html)


async def write_snapshot(store: Store, slug: str, out: Path, *, media_path: Path, site: str,
                         key: SiteKey, identity: Identity = DEFAULT_IDENTITY) -> list[str]:
    """The public static folder. Returns the files written.

    ``site`` is where the folder will be served (``--base-url``): the feeds link into the folder there, never
    to the live site's paths. If it is not an absolute URL, the feeds' links are relative (``feeds.snapshot_links``).
    """
    blog = await store.get_blog(slug)
    if blog is None:
        raise LookupError(f"no blog {slug!r}")
    log = await ledger.whole_log(store, slug)  # read first: the entries shown are at least as new as its head
    head = await ledger.signed_head(store, key, slug, log[-1]["seq"]) if log else None
    entries = [e.to_json() for e in await all_entries(store, slug)]
    key_events = [e for e in entries if e["key_event"] and not e["retracted"]]
    pinned = next((e for e in entries if e["pinned"]), None)
    blog_json = blog.to_json()
    links = feeds.snapshot_links(site)
    html = render("blog.html", today=today_gmt(), blog=blog_json, slug=slug, entries=entries,
                  shown={e["id"] for e in entries}, newest=entries[0] if entries else None, pinned=pinned,
                  key_events=key_events, before=None, next_before=None, canonical=links.home, jsonld=None,
                  identity=identity, oembed=False, fingerprint=key.fingerprint,
                  chain=script_json({"head": head, "log": log}))
    written: dict[str, str | bytes] = {
        "index.html": _relative(html, slug),
        feeds.SNAPSHOT_ABOUT: _relative(extension_page(feeds.language_of(blog_json)), slug),
        "feed.json": json.dumps(feeds.json_feed(blog_json, entries, links, identity=identity, head=head),
                                ensure_ascii=False, indent=1),
        "feed.atom": feeds.atom_feed(blog_json, entries, links, identity=identity),
        "head.json": json.dumps(head, indent=1),
        "key.json": json.dumps(key.published(), indent=1),
        "log.jsonl": "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in log),
    }
    photos = sorted({m.group(2) for m in feeds.MEDIA_LINK.finditer(html)})  # all the page shows
    return await asyncio.to_thread(_write_folder, out, written, media_path, photos)


def _write_folder(out: Path, written: dict[str, str | bytes], media_path: Path, photos: list[str]) -> list[str]:
    """The snapshot's files on disk, off the event loop; the names written, sorted."""
    out.mkdir(parents=True, exist_ok=True)
    for name, content in written.items():
        if isinstance(content, bytes):
            (out / name).write_bytes(content)
        else:
            (out / name).write_text(content, encoding="utf-8")
    shutil.copyfile(STATIC / "site.css", out / "site.css")
    shutil.copyfile(STATIC / "verify.js", out / "verify.js")
    copied = [name for name in photos if (media_path / name).is_file()]
    for name in copied:
        (out / "media").mkdir(exist_ok=True)
        shutil.copyfile(media_path / name, out / "media" / name)
    return sorted([*written, "site.css", "verify.js", *(f"media/{name}" for name in copied)])
