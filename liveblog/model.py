"""The entry model and its rules: times, corrections, supersession, retraction.

Pure: no I/O, no clock reads except through ``utc_now`` passed in by callers.
Everything a reader or a feed sees of an entry is derived from these objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .marks import N_
from .text import PROBLEM, problem_at

ROLES = ("editor", "correspondent", "contributor")
# who publishes at once; a contributor (a stringer, a source) files to the editors' queue instead
PUBLISHERS = ("editor", "correspondent")
# the byline of a person given no display name (never their login name): stored as it is, pages translate it
DESK_BYLINE = N_("Staff")
MAX_DISPLAY_NAME = 100
IMPORTED = "imported"  # the role of an author brought in by an import: a name on entries, never a person who acts
BLOG_STATUSES = ("live", "ended")
# Checked with ``fullmatch``: ``$`` also matches before a final newline ("news\n"). The desk's ``pattern=`` is
# this pattern too: browsers anchor it themselves and compile it with the ``v`` flag, where a bare ``-`` in a
# class is a syntax error that makes them ignore the whole pattern.
SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?"
SLUG_RE = re.compile(SLUG_PATTERN)
RESERVED_SLUGS = frozenset({"people"})  # /desk/people is the People page, not a blog's desk
FILED_AT_SHOWN_AFTER = timedelta(minutes=1)
CLOCK_SKEW = timedelta(seconds=30)  # how far ahead a phone's (or another server's) clock may run: cheap phones drift
MAX_BODY = 20_000
MAX_HEADLINE = 300
MAX_NOTE = 1_000
MAX_TITLE = 200
MAX_SUMMARY = 2_000
MAX_INTRO = 20_000
MAX_SUPERSEDES = 20
MAX_ADDRESS = 2_000  # the desk's "Translation of" field: an update's address
# The largest legal form, so that no body cap refuses one: a character is at worst 12 bytes sent (four UTF-8
# bytes, each urlencoded %XX; in JSON a \uXXXX\uXXXX surrogate pair), and the allowance holds the field names,
# separators, ids, flags, the CSRF token and the idempotency key.
WORST_BYTES_PER_CHAR = 12
FORM_ALLOWANCE = 4_096
LARGEST_FORM_CHARS = max(MAX_BODY + MAX_HEADLINE + MAX_ADDRESS,  # an update (a queue edit is less)
                         MAX_BODY + MAX_NOTE,  # a correction
                         MAX_TITLE + MAX_SUMMARY + MAX_INTRO)  # a blog's settings
LARGEST_FORM_BYTES = LARGEST_FORM_CHARS * WORST_BYTES_PER_CHAR + FORM_ALLOWANCE
MAX_ID = 2**63 - 1  # the largest integer SQLite or PostgreSQL stores: a larger id names nothing


class Refusal(Exception):
    """A refusal a person may read. ``message`` is its English text, what the JSON API answers; ``template`` (the
    catalogs' msgid) and ``values`` are what the desk translates and fills in the person's language."""

    def __init__(self, template: str, **values: str | int) -> None:
        self.template = template
        self.values = values
        self.message = template % values if values else template
        super().__init__(self.message)


class ValidationError(Refusal):
    """A request that breaks an entry rule; ``field`` names what to fix."""

    def __init__(self, field: str, message: str, **values: str | int) -> None:
        super().__init__(message, **values)
        self.field = field

    def at(self, field: str) -> ValidationError:
        """The same refusal, about another field (a check shared by several fields)."""
        return ValidationError(field, self.template, **self.values)


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValidationError("time", "a time must carry its UTC offset")
    return dt.astimezone(UTC)


def to_ms(dt: datetime) -> datetime:
    """UTC cut to the millisecond: what a store keeps and the API shows, so both backends agree."""
    dt = to_utc(dt)
    return dt.replace(microsecond=dt.microsecond // 1000 * 1000)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, to the millisecond: the one time format of the API."""
    if dt is None:
        return None
    dt = to_utc(dt)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(value: str, field_name: str = "time") -> datetime:
    if not isinstance(value, str) or not value:
        raise ValidationError(field_name, "must be an ISO 8601 time string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field_name, "must be an ISO 8601 time, e.g. 2026-11-22T13:10:00Z") from None
    if dt.tzinfo is None:
        raise ValidationError(field_name, "must include a UTC offset or Z")
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset that carries it past the calendar
        raise ValidationError(field_name, "is outside the years a time can have") from None


def time_gmt(dt: datetime) -> str:
    """How reports write the time: ``17:54 GMT`` (GMT = UTC, never the server's zone)."""
    return to_utc(dt).strftime("%H:%M GMT")


def date_gmt(dt: datetime) -> str:
    """``22 Nov 2026``: shown beside the time when an update is not from today."""
    d = to_utc(dt)
    return f"{d.day} {d.strftime('%b %Y')}"


def check_slug(slug: Any) -> str:
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        raise ValidationError("slug", "use 1-64 lowercase letters, digits and inner hyphens")
    if slug in RESERVED_SLUGS:
        raise ValidationError("slug", "is the address of one of the desk's own pages: choose another")
    return slug


def check_text(name: str, value: Any, *, required: bool, limit: int) -> str:
    """Strings from the outside world: right type, not blank when required, bounded."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(name, "must be a string")
    found = problem_at(value)
    if found:
        raise ValidationError(name, PROBLEM, **found)
    if required and not value.strip():
        raise ValidationError(name, "is required")
    if len(value) > limit:
        raise ValidationError(name, "must be at most %(limit)s characters", limit=limit)
    return value


def check_flag(name: str, value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationError(name, "must be true or false")
    return value


@dataclass(frozen=True)
class Correction:
    at: datetime
    note: str
    previous_body: str
    previous_body_html: str
    by: str


@dataclass(frozen=True)
class Retraction:
    at: datetime
    note: str
    by: str


@dataclass(frozen=True)
class Linked:
    """An entry of another blog linked with this one by translation: what a page needs to name and link it."""

    blog: str
    id: int
    lang: str  # its language: its own, else its blog's
    published_at: datetime
    retracted: bool = False
    # for an original: its corrections made after the translation was published, which the translation may lag
    # behind, each with its number among the original's corrections (the anchor of its note on the pages)
    corrected: tuple[tuple[int, datetime], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "blog": self.blog,
            "id": self.id,
            "url": f"/blogs/{self.blog}/entries/{self.id}",
            "lang": self.lang,
            "published_at": iso(self.published_at),
            "time_gmt": time_gmt(self.published_at),
            "status": "retracted" if self.retracted else "published",
            "corrections_since": [
                {"n": n, "at": iso(t), "time_gmt": time_gmt(t),
                 "url": f"/blogs/{self.blog}/entries/{self.id}#entry-{self.id}-correction-{n}"}
                for n, t in self.corrected
            ],
        }


@dataclass(frozen=True)
class Entry:
    id: int
    blog: str
    author: str
    author_id: int
    published_at: datetime
    filed_at: datetime
    headline: str
    body: str
    body_html: str
    key_event: bool = False
    pinned: bool = False
    supersedes: tuple[int, ...] = ()
    superseded_by: tuple[int, ...] = ()
    corrections: tuple[Correction, ...] = ()
    retraction: Retraction | None = None
    revision: int = 1
    lang: str | None = None  # the entry's own language (a BCP 47 tag) when it is not its blog's
    translation_of: Linked | None = None  # the entry of another blog this one translates
    translations: tuple[Linked, ...] = ()  # the entries of other blogs that translate this one (not withdrawn)
    # published_at of every entry named in supersedes / superseded_by, so a page can say
    # "Superseded by the 13:10 GMT update" without another look-up.
    ref_times: dict[int, datetime] = field(default_factory=dict, compare=False)

    @property
    def status(self) -> str:
        return "retracted" if self.retraction else "published"

    @property
    def updated_at(self) -> datetime:
        times = [self.published_at]
        times += [c.at for c in self.corrections]
        if self.retraction:
            times.append(self.retraction.at)
        # superseded is a change too: a feed reader only looks again at an item whose date moves
        times += [self.ref_times[i] for i in self.superseded_by if i in self.ref_times]
        return max(times)

    @property
    def filed_differs(self) -> bool:
        return abs(self.published_at - self.filed_at) > FILED_AT_SHOWN_AFTER

    def to_json(self) -> dict[str, Any]:
        """The public shape of an entry. A retracted entry's text is gone from it."""
        hidden = self.retraction is not None
        return {
            "id": self.id,
            "blog": self.blog,
            "author": self.author,
            "published_at": iso(self.published_at),
            "filed_at": iso(self.filed_at),
            "updated_at": iso(self.updated_at),
            "time_gmt": time_gmt(self.published_at),
            "date_gmt": date_gmt(self.published_at),
            "headline": "" if hidden else self.headline,
            "body": "" if hidden else self.body,
            "body_html": "" if hidden else self.body_html,
            "key_event": self.key_event,
            "pinned": self.pinned and not hidden,
            "status": self.status,
            "supersedes": list(self.supersedes),
            "superseded_by": list(self.superseded_by),
            "refs": {
                str(i): {"published_at": iso(t), "time_gmt": time_gmt(t)}
                for i, t in sorted(self.ref_times.items())
            },
            "corrections": [
                {
                    "at": iso(c.at),
                    "time_gmt": time_gmt(c.at),
                    "note": c.note,
                    "previous_body": "" if hidden else c.previous_body,
                    "previous_body_html": "" if hidden else c.previous_body_html,
                    "by": c.by,
                }
                for c in self.corrections
            ],
            "retracted": (
                {
                    "at": iso(self.retraction.at),
                    "time_gmt": time_gmt(self.retraction.at),
                    "note": self.retraction.note,
                    "by": self.retraction.by,
                }
                if self.retraction
                else None
            ),
            "revision": self.revision,
            "lang": self.lang,
            "translation_of": self.translation_of.to_json() if self.translation_of else None,
            "translations": [t.to_json() for t in self.translations],
        }


@dataclass(frozen=True)
class Blog:
    id: int
    slug: str
    title: str
    summary: str
    intro: str
    intro_html: str
    status: str
    created_at: datetime
    ended_at: datetime | None
    last_updated_at: datetime | None
    last_event_id: int
    language: str = "en"
    last_changed_at: datetime | None = None  # when the log last grew: for Last-Modified and feeds

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "intro": self.intro,
            "intro_html": self.intro_html,
            "status": self.status,
            "language": self.language,
            "created_at": iso(self.created_at),
            "ended_at": iso(self.ended_at),
            "last_updated_at": iso(self.last_updated_at),
            "last_updated_gmt": time_gmt(self.last_updated_at) if self.last_updated_at else None,
            "last_event_id": self.last_event_id,
            "last_changed_at": iso(self.last_changed_at),
        }


def entry_title(entry: dict[str, Any], update_label: str = "Update %(time)s") -> str:
    """What feeds and structured data call an entry (its public JSON): the headline, or the time it was posted
    (``update_label``: that phrase in the blog's language, from its catalog)."""
    return str(entry["headline"] or update_label % {"time": entry["time_gmt"]})


def feed_title(entry: dict[str, Any], update_label: str = "Update %(date)s, %(time)s") -> str:
    """A feed item's title: read in a feed reader days later, an update without a headline names its date
    (``update_label``: that phrase in the blog's language)."""
    return str(entry["headline"] or update_label % {"date": entry["date_gmt"], "time": entry["time_gmt"]})


def blog_changes(blog: Blog, changes: dict[str, Any]) -> dict[str, Any]:
    """The fields a change really alters: a request that alters nothing must not grow the log."""
    return {name: value for name, value in changes.items() if getattr(blog, name) != value}


# The columns a blog's change may write: what its editor may change, and ``intro_html`` rendered from ``intro``
# (services.blogs.CHANGEABLE_FIELDS, what a request may send, is this less ``intro_html``).
BLOG_FIELDS = frozenset({"title", "summary", "intro", "intro_html", "status", "language"})


def blog_update(blog: Blog, changes: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The columns a change writes: only what it alters, and ``ended_at`` following the status."""
    unknown = set(changes) - BLOG_FIELDS
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    columns = blog_changes(blog, changes)
    if "status" in columns:
        columns["ended_at"] = now if columns["status"] == "ended" else None
    return columns


def with_bylines(payload: dict[str, Any], entry: Entry | None) -> dict[str, Any]:
    """A logged entry's JSON with the bylines ``entry`` reads with now (names only; nothing else changes).
    With no entry to read them from, the desk's name stands in: never a login name."""
    payload = dict(payload)
    payload["author"] = entry.author if entry else DESK_BYLINE
    by = [c.by for c in entry.corrections] if entry else []
    payload["corrections"] = [{**c, "by": by[n] if n < len(by) else DESK_BYLINE}
                              for n, c in enumerate(payload.get("corrections") or [])]
    if payload.get("retracted"):
        gone = entry.retraction.by if entry and entry.retraction else DESK_BYLINE
        payload["retracted"] = {**payload["retracted"], "by": gone}
    return payload


def public_json(payload: dict[str, Any]) -> str:
    """The compact JSON an event keeps: the bytes every reader of the log is sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class User:
    """A person as they act. ``name`` is the login name, private to the desk; readers see ``byline``."""

    id: int
    name: str
    role: str
    display_name: str = ""
    suspended: bool = False
    language: str = ""  # the desk's language they chose; "" follows their browser's Accept-Language

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"

    @property
    def byline(self) -> str:
        return byline_of(self.display_name)


def byline_of(display_name: str | None) -> str:
    """What readers see for a person: their display name, or the desk's name when they have none."""
    return display_name or DESK_BYLINE


@dataclass(frozen=True)
class Person:
    """A person as editors manage them: when they last signed in, whether suspended, the blogs they are
    limited to (none: every blog)."""

    user: User
    created_at: datetime
    last_signin_at: datetime | None
    suspended_at: datetime | None
    blogs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """For editors only: the login name is private to the desk."""
        return {
            "name": self.user.name,
            "role": self.user.role,
            "display_name": self.user.byline,
            "created_at": iso(self.created_at),
            "last_signin_at": iso(self.last_signin_at),
            "suspended": self.suspended_at is not None,
            "suspended_at": iso(self.suspended_at),
            "blogs": list(self.blogs),
        }


def check_role(value: Any) -> str:
    if value not in ROLES:
        raise ValidationError("role", "must be one of %(choices)s", choices=", ".join(ROLES))
    return str(value)


def check_display_name(value: Any) -> str:
    """A byline: a real name, a pseudonym or the desk's name. Blank is the desk's name."""
    text = check_text("display_name", value, required=False, limit=MAX_DISPLAY_NAME)
    return " ".join(text.split()) or DESK_BYLINE


def check_filed_at(filed_at: datetime, *, now: datetime, blog_created_at: datetime) -> datetime:
    """A phone may send late, but never from the future or from before the blog began.

    A few seconds of clock skew are forgiven (``CLOCK_SKEW``).
    """
    if filed_at > now + CLOCK_SKEW:
        raise ValidationError("filed_at", "is in the future")
    if filed_at < blog_created_at - CLOCK_SKEW:
        raise ValidationError("filed_at", "is before the blog began")
    return min(filed_at, now)


def check_supersedes(value: Any) -> tuple[int, ...]:
    """Shape only; whether the targets exist and are earlier is ``check_supersession``."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in value
    ):
        raise ValidationError("supersedes", "must be a list of entry ids")
    impossible = [i for i in value if not 0 < i <= MAX_ID]  # past MAX_ID it would overflow the store's driver
    if impossible:
        raise ValidationError("supersedes", "entry %(id)s does not exist", id=impossible[0])
    if len(value) > MAX_SUPERSEDES:
        raise ValidationError("supersedes", "may name at most %(limit)s entries", limit=MAX_SUPERSEDES)
    return tuple(dict.fromkeys(value))


def check_supersession(targets: Iterable[int], *, blog: str, found: dict[int, str], new_id: int) -> None:
    """An entry supersedes only earlier entries of its own blog.

    ``new_id`` is the id the new entry will get and ``found`` maps each target id that exists to
    its blog slug. New entries get the highest id, so "earlier" is "smaller id": with that rule no
    cycle can ever form. Its own id and later ones are named as such, not as missing.
    """
    for target in targets:
        if target == new_id:
            raise ValidationError("supersedes", "an entry cannot supersede itself")
        if target > new_id:
            raise ValidationError("supersedes", "entry %(id)s is later than this one", id=target)
        if target not in found:
            raise ValidationError("supersedes", "entry %(id)s does not exist", id=target)
        if found[target] != blog:
            raise ValidationError("supersedes", "entry %(id)s belongs to another blog", id=target)


def linked(entries: list[Entry]) -> list[Entry]:
    """One blog's entries as a store reads them back: each knows what supersedes it, and when the entries
    it is linked with were published."""
    published = {e.id: to_ms(e.published_at) for e in entries}
    later: dict[int, list[int]] = {}
    for e in entries:
        for target in e.supersedes:
            later.setdefault(target, []).append(e.id)
    found = []
    for e in entries:
        links = tuple(sorted(e.supersedes, reverse=True)), tuple(sorted(later.get(e.id, ())))
        found.append(replace(e, supersedes=links[0], superseded_by=links[1],
                             ref_times={i: published[i] for i in links[0] + links[1] if i in published}))
    return found


def may_post(user: User, blog: Blog, assigned: Iterable[str] = ()) -> bool:
    """Editors post anywhere; anyone else limited to some blogs (``assigned`` not empty) only to those."""
    limited = tuple(assigned)
    return user.role in ROLES and (user.is_editor or not limited or blog.slug in limited)


def may_correct(user: User, entry: Entry) -> bool:
    return user.is_editor or (user.role in PUBLISHERS and entry.author_id == user.id)


def may_retract(user: User, entry: Entry) -> bool:
    """Editors withdraw anything; a correspondent may withdraw their own at once,
    because a dangerous mistake cannot wait for an editor to wake up."""
    return user.is_editor or (user.role in PUBLISHERS and entry.author_id == user.id)


# What was filed and is not (or not yet) public: a contributor's update waiting in the queue, one an editor
# declined, a draft. It lives apart from the entries, so no public read can ever reach it.
QUEUED, DECLINED, DRAFT, PUBLISHED = "queued", "declined", "draft", "published"


@dataclass(frozen=True)
class Filing:
    id: int
    blog: str
    author: str
    author_id: int
    state: str
    filed_at: datetime
    headline: str
    body: str
    body_html: str
    key_event: bool = False
    pinned: bool = False
    supersedes: tuple[int, ...] = ()
    note: str = ""  # why an editor declined it: its author sees it on the desk
    decided_by: str | None = None
    decided_at: datetime | None = None
    entry_id: int | None = None  # the entry it became
    edited: bool = False  # published with an editor's changes; the text as filed stays here
    lang: str | None = None  # the update's own language, when not its blog's
    translation_of: tuple[str, int] | None = None  # (blog, id) of the entry of another blog it translates
    byline: str = DESK_BYLINE  # its author's byline now: what the desk shows (the login name is for the API)

    def to_json(self) -> dict[str, Any]:
        """The desk's shape (never public): what was filed, its state and what became of it."""
        return {
            "id": self.id, "blog": self.blog, "author": self.author, "byline": self.byline, "status": self.state,
            "filed_at": iso(self.filed_at), "time_gmt": time_gmt(self.filed_at), "headline": self.headline,
            "body": self.body, "body_html": self.body_html, "key_event": self.key_event, "pinned": self.pinned,
            "supersedes": list(self.supersedes), "note": self.note, "decided_by": self.decided_by,
            "decided_at": iso(self.decided_at), "entry_id": self.entry_id, "edited": self.edited, "lang": self.lang,
            "translation_of": ({"blog": self.translation_of[0], "id": self.translation_of[1]}
                               if self.translation_of else None),
        }


def filing_state(user: User, draft: bool) -> str | None:
    """Where a new update goes: None is published at once; a contributor's waits for an editor."""
    if draft:
        if user.role not in PUBLISHERS:
            raise ValidationError("draft", "contributors send their updates to the editor; there are no drafts")
        return DRAFT
    return None if user.role in PUBLISHERS else QUEUED


def may_publish_filing(user: User, filing: Filing) -> bool:
    """An editor publishes what waits in the queue; a draft only its own author."""
    if filing.state == QUEUED:
        return user.is_editor
    return filing.state == DRAFT and user.role in PUBLISHERS and filing.author_id == user.id


def may_see_filing(user: User, filing: Filing) -> bool:
    """Editors see the queue and what they declined; everyone sees their own filings."""
    return filing.author_id == user.id or (user.is_editor and filing.state != DRAFT)


def undecided(filing: Filing, *, publishing: bool) -> bool:
    """Only a waiting update (or a draft) can be published, only a waiting one declined: checked in the
    transaction that decides, so two editors acting at once cannot both."""
    return filing.state in ((QUEUED, DRAFT) if publishing else (QUEUED,))


def correct(entry: Entry, *, body: str, body_html: str, note: str, by: str, at: datetime) -> Entry:
    """The new body replaces the old one; the old one is kept, with who, when and why."""
    if entry.retraction is not None:
        raise ValidationError("entry", "a withdrawn entry cannot be corrected")
    correction = Correction(
        at=at, note=note, previous_body=entry.body, previous_body_html=entry.body_html, by=by
    )
    return replace(
        entry,
        body=body,
        body_html=body_html,
        corrections=(*entry.corrections, correction),
        revision=entry.revision + 1,
    )


def retract(entry: Entry, *, note: str, by: str, at: datetime) -> Entry:
    if entry.retraction is not None:
        raise ValidationError("entry", "this entry is already withdrawn")
    return replace(entry, retraction=Retraction(at=at, note=note, by=by), revision=entry.revision + 1)


TRANSLATION_SHAPE = N_('must be {"blog": "<slug>", "id": <entry id>}')
# An update's address on its reader page (with or without the site's origin, with or without an anchor): what the
# desk's "Translation of" field takes. The desk's script reads this pattern from the page (``data-pattern``).
ENTRY_ADDRESS = rf"(?:https?://[^/\s]+)?/blogs/({SLUG_PATTERN})/entries/([1-9][0-9]{{0,18}})/?(?:#\S*)?"
ENTRY_ADDRESS_RE = re.compile(ENTRY_ADDRESS)


def original_at(text: str) -> dict[str, Any] | None:
    """The desk's "Translation of" field as the API's ``translation_of``: an update's address becomes
    {"blog", "id"}; nothing typed is no translation."""
    text = text.strip()
    if not text:
        return None
    found = ENTRY_ADDRESS_RE.fullmatch(text)
    if found is None:
        raise ValidationError("translation_of", "is not the address of an update")
    return {"blog": found[1], "id": int(found[2])}


def check_translation_of(value: Any) -> tuple[str, int] | None:
    """Shape only; whether the original exists, is public and is of another blog is ``check_original``."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"blog", "id"}:
        raise ValidationError("translation_of", TRANSLATION_SHAPE)
    slug, entry_id = value["blog"], value["id"]
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        raise ValidationError("translation_of", "blog must be a blog's slug")
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise ValidationError("translation_of", "id must be an entry id")
    if not 0 < entry_id <= MAX_ID:
        raise ValidationError("translation_of", "blog %(blog)s has no entry %(id)s", blog=slug, id=entry_id)
    return slug, entry_id


@dataclass(frozen=True)
class TranslationLink:
    """One entry translating another, each named by its blog and id: what a blog's export keeps of a link,
    which an import makes when both entries are on the site."""

    translation: tuple[str, int]
    original: tuple[str, int]

    def other(self, blog: str) -> str:
        """The blog at the other end from ``blog``."""
        return self.original[0] if self.translation[0] == blog else self.translation[0]


def check_original(wanted: tuple[str, int], found: tuple[str, bool] | None, *, blog: str) -> None:
    """A translation names a public entry of another blog on this site. ``found`` is the entry with that id,
    if any: its blog's slug and whether it was withdrawn."""
    slug, entry_id = wanted
    if slug == blog:
        raise ValidationError("translation_of", "must name an entry of another blog")
    if found is None or found[0] != slug:
        raise ValidationError("translation_of", "blog %(blog)s has no entry %(id)s", blog=slug, id=entry_id)
    if found[1]:
        raise ValidationError("translation_of", "entry %(id)s of blog %(blog)s was withdrawn", id=entry_id,
                              blog=slug)


def corrected_since(corrections: Iterable[datetime], published_at: datetime) -> tuple[tuple[int, datetime], ...]:
    """The original's corrections (their times, in order) made after its translation was published, each with
    its number: the translation says so, and links them, so a translated blog cannot silently lag behind."""
    return tuple((n, t) for n, t in enumerate(corrections, start=1) if t > published_at)
