"""The store interface: everything the web layer may ask of a database.

A backend implements this class; views only ever see these methods, so a second
backend (PostgreSQL) can be added without touching them. Each write method is one
transaction that also appends exactly one event to the blog's log.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..model import Blog, Entry, Filing, Person, Refusal, TranslationLink, User


class StoreError(Exception):
    pass


class SchemaTooNew(StoreError):
    """The database was migrated by a newer Liveblog: running on it could corrupt what that version wrote."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"database schema version {found} is newer than this liveblog ({supported}): upgrade liveblog"
        )
        self.found = found
        self.supported = supported


class NotFound(StoreError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Conflict(StoreError, Refusal):
    """The request cannot apply to the current state; ``current`` is that state."""

    def __init__(self, message: str, current: Any = None, **values: str | int) -> None:
        Refusal.__init__(self, message, **values)
        self.current = current


def named_people(entries: list[Entry]) -> list[str]:
    """Everyone an import's entries name (authors, correctors, who withdrew), sorted."""
    names = {e.author for e in entries} | {c.by for e in entries for c in e.corrections}
    return sorted(names | {e.retraction.by for e in entries if e.retraction})


def local_authors(names: list[str]) -> Conflict:
    """Refusal of an import whose authors are local people's names: their accounts would gain entries (and
    the right to correct them) that they never wrote."""
    return Conflict("these authors of the export have accounts here: %(names)s; an import never gives entries to a "
                    "local account (rename them in the file)", names=", ".join(names))


@dataclass(frozen=True)
class Idempotency:
    """A client-made key and a hash of what was asked under it."""

    key: str
    request_hash: str


@dataclass(frozen=True)
class Event:
    id: int  # position in the whole log, across blogs: what workers follow
    blog: str
    seq: int  # the blog's own sequence number: the SSE id readers resume from
    kind: str
    entry_id: int | None
    payload: str  # JSON of the entry or blog after the change
    created_at: datetime
    salt: str | None = None  # signing.payload_digest's salt; deleted with a withdrawn text
    digest: str | None = None  # the salted digest of the payload the chain keeps
    hash: str | None = None  # the chain's hash at this event (signing.event_hash)


@dataclass(frozen=True)
class Linked:
    """What an import made of its translation links whose two entries are both here: ``made``, and ``taken``,
    those whose translation already translates an entry here (one original each)."""

    made: list[TranslationLink]
    taken: list[TranslationLink]


@dataclass(frozen=True)
class Subscription:
    """A WebSub subscriber of one feed (``topic``, a URL of blog ``blog``'s feed), until ``expires_at``."""

    topic: str
    blog: str
    callback: str
    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class Token:
    user: User
    kind: str
    created_at: datetime
    expires_at: datetime | None


class Store(ABC):
    schema_version: int

    def __init__(self) -> None:
        # the newest seq this process has written to each blog's log: until the hub has followed that far,
        # what it knows of the blog is older than what a client of this process may already have been told
        self.written: dict[str, int] = {}

    @abstractmethod
    async def open(self) -> None:
        """Connect and migrate. On failure everything opened is closed again and the error raised:
        a connection left open (aiosqlite's threads are not daemons) would keep the process alive."""

    @abstractmethod
    async def close(self) -> None: ...

    # people and credentials
    @abstractmethod
    async def count_users(self) -> int:
        """People who can sign in: the authors an import brought in are names, not people, and do not count."""

    @abstractmethod
    async def create_user(self, name: str, role: str, password_hash: str, now: datetime,
                          display_name: str = "") -> User: ...

    @abstractmethod
    async def list_users(self) -> list[tuple[User, datetime]]: ...

    @abstractmethod
    async def get_user(self, name: str) -> tuple[User, str] | None:
        """The user and their password hash."""

    @abstractmethod
    async def set_password(self, user_id: int, password_hash: str) -> None: ...

    @abstractmethod
    async def list_people(self, name: str | None = None) -> list[Person]:
        """Everyone who can sign in, or the one called ``name``, as editors manage them."""

    @abstractmethod
    async def set_suspended(self, user_id: int, at: datetime | None) -> None:
        """Suspend the person (every token revoked) or, with None, restore them."""

    @abstractmethod
    async def set_display_name(self, user_id: int, display_name: str) -> None:
        """The byline of the person's next entries; what they already published keeps its own."""

    @abstractmethod
    async def record_signin(self, user_id: int, now: datetime) -> None: ...

    @abstractmethod
    async def assign_blogs(self, user_id: int, slugs: Sequence[str]) -> None:
        """Limit the person to these blogs; none is every blog."""

    @abstractmethod
    async def assigned_blogs(self, user_id: int) -> list[str]: ...

    @abstractmethod
    async def set_user_language(self, user_id: int, language: str) -> None:
        """The language the person reads the desk in ("" for their browser's)."""

    @abstractmethod
    async def add_token(
        self, user_id: int, kind: str, token_hash: str, now: datetime, expires_at: datetime | None
    ) -> None: ...

    @abstractmethod
    async def find_token(self, token_hash: str, kind: str, now: datetime) -> Token | None: ...

    @abstractmethod
    async def take_token(self, token_hash: str, kind: str, now: datetime) -> Token | None:
        """Find a one-time token and spend it in the same transaction."""

    @abstractmethod
    async def revoke_tokens(self, user_id: int, kind: str, now: datetime, token_hash: str | None = None) -> int: ...

    # photos
    @abstractmethod
    async def add_media(
        self, *, name: str, uploader: User, content_type: str, width: int, height: int, size: int, caption: str,
        now: datetime,
    ) -> None:
        """Record a stored photo (the file itself is written by ``liveblog.media``)."""

    @abstractmethod
    async def media_exists(self, name: str) -> bool: ...

    @abstractmethod
    async def media_sizes(self, names: list[str]) -> dict[str, tuple[int, int]]:
        """(width, height) of each stored photo among ``names``."""

    # WebSub
    @abstractmethod
    async def websub_subscribe(self, sub: Subscription, now: datetime) -> None:
        """Add the subscription, or renew it (new secret and lease) when (topic, callback) has one."""

    @abstractmethod
    async def websub_unsubscribe(self, topic: str, callback: str) -> int: ...

    @abstractmethod
    async def websub_others(self, topic: str, callback: str, now: datetime) -> int:
        """Live subscriptions of ``topic`` from any other callback: what the bound on subscribers counts."""

    @abstractmethod
    async def websub_subscribers(self, slug: str, now: datetime) -> list[Subscription]:
        """The live subscriptions to the feeds of blog ``slug``."""

    @abstractmethod
    async def websub_expire(self, now: datetime) -> int:
        """Forget the subscriptions whose lease is over."""

    # blogs
    @abstractmethod
    async def create_blog(
        self, *, slug: str, title: str, summary: str, intro: str, intro_html: str, by: User, now: datetime,
        language: str = "en",
    ) -> Blog: ...

    @abstractmethod
    async def list_blogs(self) -> list[Blog]: ...

    @abstractmethod
    async def get_blog(self, slug: str) -> Blog | None: ...

    @abstractmethod
    async def update_blog(self, slug: str, changes: dict[str, Any], now: datetime) -> Blog:
        """Apply title/summary/intro/intro_html/status changes; logs ``blog.updated`` unless nothing changed."""

    # entries
    @abstractmethod
    async def create_entry(
        self,
        slug: str,
        *,
        author: User,
        headline: str,
        body: str,
        body_html: str,
        key_event: bool,
        pinned: bool,
        supersedes: tuple[int, ...],
        filed_at: datetime | None,
        now: datetime,
        idempotency: Idempotency | None = None,
        lang: str | None = None,
        translation_of: tuple[str, int] | None = None,
    ) -> tuple[Entry, bool]:
        """The entry and whether it was created now (False: an idempotent replay). ``translation_of`` (a blog's
        slug and an entry id) must name a public entry of another blog (``model.check_original``)."""

    @abstractmethod
    async def replayed_entry(self, slug: str, user: User, idempotency: Idempotency) -> Entry | None:
        """The entry this key already produced, read without writing: a retry is answered before any
        limit is counted. None for a new key; the key used for another request is a ``Conflict``."""

    @abstractmethod
    async def get_entry(self, slug: str, entry_id: int) -> Entry | None: ...

    @abstractmethod
    async def list_entries(
        self, slug: str, *, before: int | None = None, limit: int = 20, key_events: bool = False
    ) -> list[Entry]:
        """Newest first; ``before`` is an entry id, for paging."""

    @abstractmethod
    async def pinned_entry(self, slug: str) -> Entry | None:
        """The blog's pinned entry (at most one is pinned; a withdrawn one never is)."""

    @abstractmethod
    async def correct_entry(
        self,
        slug: str,
        entry_id: int,
        *,
        by: User,
        body: str,
        body_html: str,
        note: str,
        if_match: int | None,
        now: datetime,
        idempotency: Idempotency | None = None,
    ) -> Entry: ...

    @abstractmethod
    async def retract_entry(
        self,
        slug: str,
        entry_id: int,
        *,
        by: User,
        note: str,
        now: datetime,
        idempotency: Idempotency | None = None,
    ) -> Entry: ...

    # the queue and drafts (never public)
    @abstractmethod
    async def file_entry(
        self, slug: str, *, author: User, state: str, headline: str, body: str, body_html: str, key_event: bool,
        pinned: bool, supersedes: tuple[int, ...], filed_at: datetime | None, now: datetime,
        idempotency: Idempotency | None = None, lang: str | None = None,
        translation_of: tuple[str, int] | None = None,
    ) -> tuple[Filing, bool]:
        """Keep an update unpublished (``state`` queued or draft): no event, no public read. The same key
        with the same request replays it (False); an ended blog is a ``Conflict``."""

    @abstractmethod
    async def replayed_filing(self, slug: str, user: User, idempotency: Idempotency) -> Filing | None:
        """As ``replayed_entry``, for a filing: read before the posting limit is counted."""

    @abstractmethod
    async def get_filing(self, slug: str, filing_id: int) -> Filing | None: ...

    @abstractmethod
    async def list_filings(self, slug: str, *, states: Sequence[str], author_id: int | None = None,
                           limit: int = 50) -> list[Filing]:
        """Newest first; only ``author_id``'s when given."""

    @abstractmethod
    async def queue_mark(self, slug: str) -> str:
        """Changes whenever any of the blog's filings does: what the desk's queue channel watches."""

    @abstractmethod
    async def publish_filing(self, slug: str, filing_id: int, *, by: User, headline: str | None, body: str | None,
                             body_html: str | None, now: datetime) -> Entry:
        """The filing becomes the blog's newest entry (its author credited, its ``filed_at`` kept, the text as
        filed kept in the filing when ``body`` changes it) and the log gets its ``entry.created``. One already
        decided is a ``Conflict``."""

    @abstractmethod
    async def decline_filing(self, slug: str, filing_id: int, *, by: User, note: str, now: datetime) -> Filing:
        """The queued filing, declined with ``note`` for its author; one already decided is a ``Conflict``."""

    @abstractmethod
    async def import_blog(self, blog: Blog, entries: list[Entry], now: datetime,
                          links: Sequence[TranslationLink] = ()) -> tuple[Blog, Linked]:
        """Load a blog exported elsewhere, keeping entry ids, times, corrections, supersession and
        withdrawals exactly. Authors become accounts of role IMPORTED (no password, no rights), shared
        with earlier imports; a name that reads like a local account's (``names.clashes``: case, spaces,
        look-alike letters) is refused (``local_authors``). Written in batches so live posts go on meanwhile;
        no reader sees the blog before it is whole, and a failure removes what was written. The log gets one
        event per entry so streams and feeds work at once. Of ``links``, those whose two entries are both here
        then (this blog's and another's, a blog still importing not counted) are made, in the transaction that
        shows the blog, unless the translation already has an original; with what became of them (``Linked``)."""

    # the event log
    @abstractmethod
    async def events_since(self, slug: str, since: int, limit: int = 500) -> list[Event]:
        """The blog's events with ``seq > since``, oldest first."""

    @abstractmethod
    async def log_position(self) -> int:
        """The id of the newest event of any blog: where a follower starts."""

    @abstractmethod
    async def events_after(self, position: int, limit: int = 1000) -> list[Event]:
        """Events of every blog after a log position, in log order."""

    async def backup(self, path: str) -> None:
        """A consistent copy of the live database at ``path``, taken while it serves."""
        raise NotImplementedError(f"{type(self).__name__} has no built-in backup; use the database's own tools")

    async def claim_publisher(self) -> bool:
        """Whether this process is the one that publishes events to the push tier (GRIP).

        One process per database holds the claim, kept while it lives and passed on when it
        dies. A backend that only one process can open may keep this default."""
        return True

    async def wait_for_change(self, timeout: float) -> None:  # noqa: ASYNC109 (the interface's name)
        """Return when the log may have grown, or after ``timeout``: what log followers wait on.

        Backends wake early when they can tell (a local commit, a NOTIFY)."""
        await asyncio.sleep(timeout)
