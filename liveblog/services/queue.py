"""The editors' queue and drafts: what a contributor files waits for an editor, who publishes it (as filed or
edited: the text as filed is kept, the contributor stays its author) or declines it with a note its author
sees; correspondents and editors keep drafts and publish them later. Nothing here is public until published:
filings live apart from the entries, in no event of the log, and ``store.publish_filing`` logs the entry
only then. As elsewhere: find and check the person first (``filing_to_decide``), then the input, then act.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import model
from ..limits import SlidingWindow
from ..model import Blog, Entry, Filing, User
from ..sanitize import render_markdown
from ..store import Idempotency, NotFound, Store
from . import entries
from .errors import Forbidden

POST_FIELDS = entries.ENTRY_FIELDS | {"draft"}  # a new update, and whether to keep it as a draft
PUBLICATION_FIELDS = {"body", "headline"}  # an editor's changes before publishing; none publishes it as filed
DECLINE_FIELDS = {"note"}


@dataclass(frozen=True)
class Edit:
    """What an editor changed before publishing (None: as filed)."""

    headline: str | None = None
    body: str | None = None
    body_html: str | None = None


def draft_input(data: dict[str, Any]) -> bool:
    return model.check_flag("draft", data.get("draft"))


def edit_input(data: dict[str, Any]) -> Edit:
    """An editor's changes: a body sent replaces the filed one, a headline the filed headline."""
    headline = data.get("headline")
    if headline is not None:
        headline = model.check_text("headline", headline, required=False, limit=model.MAX_HEADLINE).strip()
    if data.get("body") is None:
        return Edit(headline=headline)
    body = model.check_text("body", data["body"], required=True, limit=model.MAX_BODY)
    return Edit(headline=headline, body=body, body_html=render_markdown(body))


async def post(store: Store, posts: SlidingWindow, user: User, blog: Blog, fields: dict[str, Any], draft: bool,
               key: Idempotency | None) -> tuple[Entry | Filing, bool]:
    """Publish at once (``entries.publish``), or keep it: a contributor's goes to the queue, a draft waits
    for its author. Filings count against the posting limit as posts do; a retry is answered first, uncounted."""
    state = model.filing_state(user, draft)
    if state is None:
        return await entries.publish(store, posts, user, blog, fields, key)
    await entries.check_may_post(store, user, blog)
    replayed = await store.replayed_filing(blog.slug, user, key) if key else None
    if replayed is not None:
        return replayed, False
    entries.count_post(posts, user)
    return await store.file_entry(blog.slug, author=user, state=state, now=model.utc_now(), idempotency=key,
                                  **fields)


async def filing_to_decide(store: Store, user: User, slug: str, filing_id: int, *, publishing: bool) -> Filing:
    """The filing ``user`` may publish (or decline): one they may not even see is ``NotFound``, else
    ``Forbidden``."""
    filing = await store.get_filing(slug, filing_id)
    if filing is None or not model.may_see_filing(user, filing):
        raise NotFound("entry")
    check_may_decide(user, filing, publishing=publishing)
    return filing


def check_may_decide(user: User, filing: Filing, *, publishing: bool) -> None:
    if publishing and filing.state in (model.QUEUED, model.DRAFT) and not model.may_publish_filing(user, filing):
        raise Forbidden("only an editor publishes what waits in the queue; a draft only its author")
    if not publishing and not user.is_editor:
        raise Forbidden("only editors can decline an update")


async def publish(store: Store, user: User, filing: Filing, edit: Edit) -> Entry:
    """The new entry: its author the filing's, its ``filed_at`` the filing's, published now. A draft is
    posted by its author now, so the blogs they are limited to now apply (else a draft saved before the
    limit would get round it). Its photos are sized as a post's are (``entries.sized_photos``), as filed or
    edited, filed before that rule or not."""
    check_may_decide(user, filing, publishing=True)
    if filing.state == model.DRAFT:
        blog = await store.get_blog(filing.blog)
        if blog is None:
            raise NotFound("blog")
        await entries.check_may_post(store, user, blog)
    shown = await entries.sized_photos(store, filing.body_html if edit.body_html is None else edit.body_html)
    return await store.publish_filing(filing.blog, filing.id, by=user, headline=edit.headline, body=edit.body,
                                      body_html=shown, now=model.utc_now())


async def decline(store: Store, user: User, filing: Filing, note: str) -> Filing:
    """The declined filing; its author reads ``note`` on the desk."""
    check_may_decide(user, filing, publishing=False)
    return await store.decline_filing(filing.blog, filing.id, by=user, note=note, now=model.utc_now())


async def visible(store: Store, user: User, slug: str) -> tuple[list[Filing], list[Filing]]:
    """What the desk shows this person: the queue (every waiting update for an editor, one's own otherwise,
    with the recently declined) and their own drafts."""
    mine = None if user.is_editor else user.id
    queue = await store.list_filings(slug, states=(model.QUEUED, model.DECLINED), author_id=mine)
    drafts = await store.list_filings(slug, states=(model.DRAFT,), author_id=user.id)
    return queue, drafts
