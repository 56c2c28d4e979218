"""Creating, changing and ending blogs through the services, on a real store and no server. Blogs are the
editors' business; a refused change leaves the blog and its event log alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from liveblog.services import Forbidden, blogs
from liveblog.store import Conflict, NotFound
from unit_store import Cases, refused_field, world

pytestmark = pytest.mark.unit


async def test_an_editor_creates_a_blog_and_a_slug_is_taken_once(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        new = blogs.new_blog_input({"slug": "election", "title": " Election night ", "intro": "Polls *close*."})
        blog = await blogs.create(w.store, w.editor, new)
        assert (blog.slug, blog.title, blog.status) == ("election", "Election night", "live")
        assert "<em>close</em>" in blog.intro_html and blog.summary == ""
        with pytest.raises(Conflict, match="already exists"):
            await blogs.create(w.store, w.editor, new)
        assert [b.slug for b in await w.store.list_blogs()] == ["election", "strike"]


async def test_correspondents_cannot_create_change_or_end_blogs(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        with pytest.raises(Forbidden, match="only editors can create blogs"):
            blogs.check_may_create(w.amal)
        with pytest.raises(Forbidden):  # the act checks again: a caller cannot skip the rule
            await blogs.create(w.store, w.amal, blogs.new_blog_input({"slug": "mine", "title": "Mine"}))
        with pytest.raises(Forbidden, match="only editors can change a blog"):
            await blogs.blog_to_change(w.store, w.amal, "strike")
        with pytest.raises(Forbidden):
            await blogs.change(w.store, w.amal, w.blog, {"title": "Mine"})
        with pytest.raises(Forbidden, match="only editors can end a blog"):
            await blogs.end(w.store, w.amal, "no-such-blog")  # refused before it is looked up
        assert await w.store.get_blog("strike") == w.blog and await w.store.get_blog("mine") is None
        assert await w.log() == ["blog.updated"]


async def test_a_blog_changes_only_the_fields_it_may(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        blog = await blogs.blog_to_change(w.store, w.editor, "strike")
        changes = blogs.changes_input({"title": " General strike ", "summary": "Day two", "intro": "**Live**"})
        assert changes == {"title": "General strike", "summary": "Day two", "intro": "**Live**",
                           "intro_html": "<p><strong>Live</strong></p>"}
        changed = await blogs.change(w.store, w.editor, blog, changes)
        assert (changed.title, changed.summary, changed.intro_html) == ("General strike", "Day two",
                                                                         "<p><strong>Live</strong></p>")
        again = await blogs.change(w.store, w.editor, changed, blogs.changes_input({"title": "General strike"}))
        assert again.last_event_id == changed.last_event_id, "a change that alters nothing grows no log"
        assert "slug" not in blogs.CHANGEABLE_FIELDS
        bad: Cases = [({"title": " "}, "title"), ({"status": "paused"}, "status"), ({"summary": 3}, "summary")]
        for data, field in bad:
            assert refused_field(blogs.changes_input, data) == field
        with pytest.raises(NotFound):
            await blogs.blog_to_change(w.store, w.editor, "no-such-blog")
        assert await w.log() == ["blog.updated", "blog.updated"]


async def test_ending_a_blog_marks_when_and_reopening_clears_it(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        ended = await blogs.end(w.store, w.editor, "strike")
        assert ended.status == "ended" and ended.ended_at is not None
        live = await blogs.change(w.store, w.editor, ended, blogs.changes_input({"status": "live"}))
        assert live.status == "live" and live.ended_at is None


def test_a_new_blog_needs_a_slug_and_a_title() -> None:
    bad: Cases = [({"title": "T"}, "slug"), ({"slug": "Bad Slug!", "title": "T"}, "slug"), ({"slug": "ok"}, "title"),
                  ({"slug": "ok", "title": "T", "intro": ["x"]}, "intro")]
    for data, field in bad:
        assert refused_field(blogs.new_blog_input, data) == field
