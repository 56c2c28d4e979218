"""Publishing, correcting and withdrawing entries through the services, on a real store and no server: the rules
the JSON API and the desk's forms share. A refused change leaves the entry and the blog's event log alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from liveblog import model
from liveblog.model import ValidationError
from liveblog.services import Forbidden, TooManyPosts, blogs, entries
from liveblog.store import Conflict, Idempotency, NotFound
from unit_store import Cases, World, refused_field, world

pytestmark = pytest.mark.unit


async def post(w: World, body: str, *, as_: model.User | None = None, key: Idempotency | None = None,
               **fields: object) -> tuple[model.Entry, bool]:
    return await entries.publish(w.store, w.posts, as_ or w.amal, w.blog,
                                 entries.entry_input({"body": body, **fields}), key)


async def test_publishing_stores_the_entry_and_logs_it_once(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        blog = await entries.blog_to_post(w.store, w.amal, "strike")
        entry, created = await entries.publish(w.store, w.posts, w.amal, blog, entries.entry_input(
            {"body": "Police fired *tear gas*.", "headline": "  Tear gas  ", "key_event": True}), None)
        assert created and entry.author == "amal" and entry.headline == "Tear gas" and entry.key_event
        assert "<em>tear gas</em>" in entry.body_html
        assert await entries.find_entry(w.store, "strike", entry.id) == entry
        assert await w.log() == ["blog.updated", "entry.created"]


async def test_bad_input_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        bad: Cases = [({"body": "  "}, "body"), ({"body": "x", "pinned": "yes"}, "pinned"),
                      ({"body": "x", "supersedes": "1"}, "supersedes"), ({"body": "x", "filed_at": "noon"}, "filed_at"),
                      ({"body": 5}, "body")]
        for data, field in bad:
            assert refused_field(entries.entry_input, data) == field
        with pytest.raises(NotFound):
            await entries.blog_to_post(w.store, w.amal, "no-such-blog")
        assert await w.log() == ["blog.updated"]


async def test_a_retry_gets_its_entry_and_is_not_counted(tmp_path: Path) -> None:
    """The phone lost the reply: the same key and body give the same entry (not a second one), even at the
    limit; a new post past the limit is TooManyPosts; the same key for another body is a Conflict."""
    async with world(tmp_path, posts_per_minute=1) as w:
        key = Idempotency("phone-1", "hash-of-the-post")
        first, created = await post(w, "Crowd growing.", key=key)
        again, created_again = await post(w, "Crowd growing.", key=key)
        assert created and not created_again and again.id == first.id
        with pytest.raises(TooManyPosts) as limited:
            await post(w, "Another update.")
        assert limited.value.wait > 0 and limited.value.limit_per_minute == 1
        with pytest.raises(Conflict):
            await post(w, "Something else.", key=Idempotency("phone-1", "another-hash"))
        assert await w.log() == ["blog.updated", "entry.created"]


async def test_an_ended_blog_refuses_posts_until_it_is_live_again(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        w.blog = await blogs.end(w.store, w.editor, "strike")
        with pytest.raises(Conflict, match="ended"):
            await post(w, "Too late.")
        w.blog = await blogs.change(w.store, w.editor, w.blog, blogs.changes_input({"status": "live"}))
        entry, created = await post(w, "Back on.")
        assert created and entry.body == "Back on."


async def test_supersession_links_both_ways(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        old, _ = await post(w, "Two hurt.")
        new, _ = await post(w, "Three hurt.", supersedes=[old.id])
        old = await entries.find_entry(w.store, "strike", old.id)
        assert new.supersedes == (old.id,) and old.superseded_by == (new.id,)
        assert old.ref_times[new.id] == new.published_at and new.ref_times[old.id] == old.published_at


async def test_supersession_names_only_earlier_entries_of_the_same_blog(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        other = await blogs.create(w.store, w.editor, blogs.new_blog_input({"slug": "other", "title": "Other"}))
        elsewhere, _ = await entries.publish(w.store, w.posts, w.amal, other, entries.entry_input({"body": "x"}), None)
        mine, _ = await post(w, "Mine.")
        refusals = {mine.id + 1: "supersede itself",  # first: on PostgreSQL a refused post still uses up its id
                    mine.id + 5: "later", 10**12: "later", elsewhere.id: "another blog"}
        for target, reason in refusals.items():
            with pytest.raises(ValidationError, match=reason):
                await post(w, "Refused.", supersedes=[target])
        assert await w.log() == ["blog.updated", "entry.created"]


async def test_a_correction_against_a_stale_revision_is_a_conflict(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        entry, _ = await post(w, "Two hurt.")
        fix = entries.correction_input({"body": "Three hurt.", "note": "hospital figure"})
        found = await entries.entry_to_correct(w.store, w.amal, "strike", entry.id)
        corrected = await entries.correct(w.store, w.amal, found, fix, if_match=entry.revision)
        assert corrected.revision == 2 and corrected.body == "Three hurt."
        assert [(c.previous_body, c.note, c.by) for c in corrected.corrections] == [("Two hurt.", "hospital figure",
                                                                                      "amal")]
        with pytest.raises(Conflict) as stale:
            await entries.correct(w.store, w.amal, found, entries.correction_input(
                {"body": "Four hurt.", "note": "n"}), if_match=entry.revision)
        assert stale.value.current.to_json() == corrected.to_json()
        assert (await entries.find_entry(w.store, "strike", entry.id)).body == "Three hurt."


def test_a_correction_needs_a_body_then_a_note() -> None:
    bad: Cases = [({"body": "", "note": ""}, "body"), ({"body": "x", "note": " "}, "note"),
                  ({"body": "x", "note": "n" * (model.MAX_NOTE + 1)}, "note")]
    for data, field in bad:
        assert refused_field(entries.correction_input, data) == field
    with pytest.raises(ValidationError, match="required"):
        entries.note_input({})


async def test_a_correspondent_cannot_change_anothers_entry(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        entry, _ = await post(w, "Amal's report.")
        with pytest.raises(Forbidden, match="withdraw only your own"):
            await entries.entry_to_withdraw(w.store, w.badr, "strike", entry.id)
        with pytest.raises(Forbidden, match="withdraw only your own"):  # the act checks again
            await entries.withdraw(w.store, w.badr, entry, "not mine")
        with pytest.raises(Forbidden, match="correct only your own"):
            await entries.entry_to_correct(w.store, w.badr, "strike", entry.id)
        with pytest.raises(Forbidden, match="correct only your own"):
            await entries.correct(w.store, w.badr, entry, entries.correction_input({"body": "b", "note": "n"}),
                                  if_match=None)
        with pytest.raises(Forbidden, match="may not post"):
            await entries.blog_to_post(w.store, model.User(0, "guest", model.IMPORTED), "strike")
        assert await entries.find_entry(w.store, "strike", entry.id) == entry
        assert await w.log() == ["blog.updated", "entry.created"]


async def test_authors_and_editors_withdraw_and_a_withdrawn_entry_stays_so(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        own, _ = await post(w, "Wrong photo.")
        theirs, _ = await post(w, "Badr's report.", as_=w.badr)
        withdrawn = await entries.withdraw(w.store, w.amal, own, "wrong photo")
        assert withdrawn.retraction is not None and withdrawn.retraction.by == "amal"
        by_editor = await entries.withdraw(w.store, w.editor, theirs, entries.note_input({"note": " unconfirmed "}))
        assert by_editor.retraction is not None and by_editor.retraction.note == "unconfirmed"
        with pytest.raises(ValidationError, match="cannot be corrected"):
            await entries.correct(w.store, w.amal, withdrawn, entries.correction_input({"body": "b", "note": "n"}),
                                  if_match=None)
        with pytest.raises(ValidationError, match="already withdrawn"):
            await entries.withdraw(w.store, w.amal, withdrawn, "again")


async def test_a_late_post_keeps_when_it_was_filed_but_not_from_before_the_blog(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        filed = model.utc_now() - timedelta(seconds=5)  # the skew a cheap phone's clock is forgiven
        entry, _ = await post(w, "Written offline.", filed_at=model.iso(filed))
        assert abs(entry.filed_at - filed) < timedelta(milliseconds=1) < entry.published_at - entry.filed_at
        with pytest.raises(ValidationError, match="before the blog began"):
            await post(w, "From last week.", filed_at=model.iso(filed - timedelta(days=7)))
        with pytest.raises(ValidationError, match="future"):
            await post(w, "From tomorrow.", filed_at=model.iso(model.utc_now() + timedelta(hours=1)))
