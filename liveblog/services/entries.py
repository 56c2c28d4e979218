"""Entries: publishing (idempotent, within the posting limit, superseding earlier ones), correcting, withdrawing.

Each change comes in steps the web layer calls in order: find what is acted on and check the person may
(``blog_to_post``, ``entry_to_correct``, ``entry_to_withdraw``: a refusal comes before any body is read), check
the input (``entry_input``, ``correction_input``, ``note_input``), then act (``publish``, ``correct``,
``withdraw``, which check the person again: a caller cannot skip the rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import model
from ..languages import check_lang
from ..limits import SlidingWindow
from ..model import Blog, Entry, User
from ..sanitize import render_markdown
from ..store import Idempotency, NotFound, Store
from .errors import Forbidden, TooManyPosts

ENTRY_FIELDS = {"body", "headline", "key_event", "pinned", "supersedes", "filed_at", "lang", "translation_of"}
CORRECTION_FIELDS = {"body", "note"}
WITHDRAWAL_FIELDS = {"note"}
# a photo in sanitized HTML (double-quoted attributes) that names no width yet
UNSIZED_PHOTO = re.compile(r'<img (?![^>]*\bwidth=)[^>]*?src="/media/([A-Za-z0-9_-]+\.[a-z]+)"[^>]*>')


def entry_input(data: dict[str, Any]) -> dict[str, Any]:
    """Checks a new entry's fields; shared by the API and the desk's form."""
    body = model.check_text("body", data.get("body"), required=True, limit=model.MAX_BODY)
    filed_raw = data.get("filed_at")
    return {
        "headline": model.check_text("headline", data.get("headline"), required=False,
                                     limit=model.MAX_HEADLINE).strip(),
        "body": body,
        "body_html": render_markdown(body),
        "key_event": model.check_flag("key_event", data.get("key_event")),
        "pinned": model.check_flag("pinned", data.get("pinned")),
        "supersedes": model.check_supersedes(data.get("supersedes")),
        "filed_at": model.parse_iso(filed_raw, "filed_at") if filed_raw is not None else None,
        "lang": check_lang("lang", data.get("lang")),
        "translation_of": model.check_translation_of(data.get("translation_of")),
    }


@dataclass(frozen=True)
class CorrectionInput:
    body: str
    body_html: str
    note: str


def note_input(data: dict[str, Any]) -> str:
    """Why an entry was corrected or withdrawn: readers see it beside the entry, so it is required."""
    return model.check_text("note", data.get("note"), required=True, limit=model.MAX_NOTE).strip()


def correction_input(data: dict[str, Any]) -> CorrectionInput:
    """Checks a correction's new body, then its note; shared by the API and the desk's form."""
    body = model.check_text("body", data.get("body"), required=True, limit=model.MAX_BODY)
    return CorrectionInput(body=body, body_html=render_markdown(body), note=note_input(data))


async def check_may_post(store: Store, user: User, blog: Blog) -> None:
    """The role, and for anyone but an editor the blogs they are limited to (``model.may_post``)."""
    assigned = () if user.is_editor else await store.assigned_blogs(user.id)
    if not model.may_post(user, blog, assigned):
        raise Forbidden("you may not post to this blog")


def check_may_correct(user: User, entry: Entry) -> None:
    if not model.may_correct(user, entry):
        raise Forbidden("you may correct only your own entries")


def check_may_withdraw(user: User, entry: Entry) -> None:
    if not model.may_retract(user, entry):
        raise Forbidden("you may withdraw only your own entries")


async def blogs_shown_to(store: Store, user: User) -> list[Blog]:
    """The blogs a person's desk lists: every blog, or for someone limited to some, only those."""
    found = await store.list_blogs()
    assigned = () if user.is_editor else await store.assigned_blogs(user.id)
    return [b for b in found if not assigned or b.slug in assigned]


async def blog_to_post(store: Store, user: User, slug: str) -> Blog:
    """The blog ``user`` may post to: ``NotFound``, else ``Forbidden``."""
    blog = await store.get_blog(slug)
    if blog is None:
        raise NotFound("blog")
    await check_may_post(store, user, blog)
    return blog


def count_post(posts: SlidingWindow, user: User) -> None:
    """One more post (or filing) by ``user`` this minute, or ``TooManyPosts`` past the limit. Called after a
    retry has been answered: a retry only lost its reply and is never counted."""
    wait = posts.hit(f"user:{user.id}")
    if wait:
        raise TooManyPosts(wait, posts.limit)


async def publish(store: Store, posts: SlidingWindow, user: User, blog: Blog, fields: dict[str, Any],
                  key: Idempotency | None) -> tuple[Entry, bool]:
    """The entry (``fields`` from ``entry_input``) and whether it is new. A retry of a post already made only
    lost its reply: it gets its entry, limit or not, and is not counted. Past the per-person limit a new post
    is ``TooManyPosts``, which is safe: the phone keeps it and tries again. The store refuses an ended blog and
    checks what the entry supersedes against the id it gets (``model.check_supersession``). A contributor's
    update never comes here (``queue.post`` queues it): refused, so no caller can skip the editors."""
    await check_may_post(store, user, blog)
    if model.filing_state(user, draft=False) is not None:
        raise Forbidden("a contributor's updates go to the editors' queue")
    replayed = await store.replayed_entry(blog.slug, user, key) if key else None
    if replayed is not None:
        return replayed, False
    count_post(posts, user)
    fields = {**fields, "body_html": await sized_photos(store, fields["body_html"])}
    return await store.create_entry(blog.slug, author=user, now=model.utc_now(), idempotency=key, **fields)


async def sized_photos(store: Store, html: str) -> str:
    """Each photo with its stored width and height, so the page keeps its room before it loads (no layout
    shift); CSS still scales it to the column. Wherever an update's text goes public: a post, a correction, a
    filing published from the queue (``queue.publish``)."""
    sizes = await store.media_sizes([m.group(1) for m in UNSIZED_PHOTO.finditer(html)])

    def sized(found: re.Match[str]) -> str:
        size = sizes.get(found.group(1))
        whole = found.group(0)
        return f'{whole[:-1]} width="{size[0]}" height="{size[1]}">' if size else whole

    return UNSIZED_PHOTO.sub(sized, html)


async def find_entry(store: Store, slug: str, entry_id: int) -> Entry:
    """The entry, or ``NotFound``."""
    entry = await store.get_entry(slug, entry_id)
    if entry is None:
        raise NotFound("entry")
    return entry


async def entry_to_correct(store: Store, user: User, slug: str, entry_id: int) -> Entry:
    """The entry ``user`` may correct: ``NotFound``, else ``Forbidden``."""
    entry = await find_entry(store, slug, entry_id)
    check_may_correct(user, entry)
    return entry


async def entry_to_withdraw(store: Store, user: User, slug: str, entry_id: int) -> Entry:
    """The entry ``user`` may withdraw: ``NotFound``, else ``Forbidden``."""
    entry = await find_entry(store, slug, entry_id)
    check_may_withdraw(user, entry)
    return entry


async def correct(store: Store, user: User, entry: Entry, change: CorrectionInput, *, if_match: int | None,
                  key: Idempotency | None = None) -> Entry:
    """The corrected entry; ``if_match`` a revision other than the current one is a ``Conflict`` carrying it."""
    check_may_correct(user, entry)
    body_html = await sized_photos(store, change.body_html)
    return await store.correct_entry(entry.blog, entry.id, by=user, body=change.body, body_html=body_html,
                                     note=change.note, if_match=if_match, now=model.utc_now(), idempotency=key)


async def withdraw(store: Store, user: User, entry: Entry, note: str, *, key: Idempotency | None = None) -> Entry:
    """The withdrawn entry: its text leaves every public view, the note stays."""
    check_may_withdraw(user, entry)
    return await store.retract_entry(entry.blog, entry.id, by=user, note=note, now=model.utc_now(), idempotency=key)
