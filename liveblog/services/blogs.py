"""Blogs: creating one, changing the fields a blog may change, ending it. Blogs are the editors' business.

As with entries, the web layer first checks the person (``check_may_create``, ``blog_to_change``: refused
before any body is read), then the input (``new_blog_input``, ``changes_input``), then acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import i18n, model
from ..marks import N_
from ..model import Blog, User, ValidationError
from ..sanitize import render_markdown
from ..store import NotFound, Store
from .errors import require_editor

NEW_BLOG_FIELDS = {"slug", "title", "summary", "intro", "language"}
# What a request may change: the store's fields (never the slug: every link and feed id holds it) less
# ``intro_html``, which is rendered from ``intro`` here, never sent.
CHANGEABLE_FIELDS = set(model.BLOG_FIELDS - {"intro_html"})
CHANGING = N_("only editors can change a blog")


@dataclass(frozen=True)
class NewBlog:
    slug: str
    title: str
    summary: str
    intro: str
    intro_html: str
    language: str = i18n.SOURCE


def check_language(value: Any) -> str:
    """One of the languages the site has a catalog for: the blog's pages, feeds and stream speak it."""
    if value not in i18n.languages():
        raise ValidationError("language", "must be one of %(choices)s", choices=", ".join(i18n.languages()))
    return str(value)


def new_blog_input(data: dict[str, Any]) -> NewBlog:
    """Checks a new blog's fields (summary and intro may be left out); shared by the API and the desk's form."""
    slug = model.check_slug(data.get("slug"))
    title = model.check_text("title", data.get("title"), required=True, limit=model.MAX_TITLE)
    summary = model.check_text("summary", data.get("summary"), required=False, limit=model.MAX_SUMMARY)
    intro = model.check_text("intro", data.get("intro"), required=False, limit=model.MAX_INTRO)
    language = check_language(data.get("language", i18n.SOURCE))
    return NewBlog(slug=slug, title=title.strip(), summary=summary.strip(), intro=intro,
                   intro_html=render_markdown(intro), language=language)


def changes_input(data: dict[str, Any]) -> dict[str, Any]:
    """The checked changes of the fields ``data`` names, ready for ``Store.update_blog``."""
    changes: dict[str, Any] = {}
    if "title" in data:
        changes["title"] = model.check_text("title", data["title"], required=True, limit=model.MAX_TITLE).strip()
    if "summary" in data:
        changes["summary"] = model.check_text("summary", data["summary"], required=False,
                                              limit=model.MAX_SUMMARY).strip()
    if "intro" in data:
        changes["intro"] = model.check_text("intro", data["intro"], required=False, limit=model.MAX_INTRO)
        changes["intro_html"] = render_markdown(changes["intro"])
    if "language" in data:
        changes["language"] = check_language(data["language"])
    if "status" in data:
        if data["status"] not in model.BLOG_STATUSES:
            raise ValidationError("status", "must be 'live' or 'ended'")
        changes["status"] = data["status"]
    return changes


def check_may_create(user: User) -> None:
    require_editor(user, "only editors can create blogs")


async def create(store: Store, user: User, new: NewBlog) -> Blog:
    """The new blog; a slug already taken is a ``Conflict``."""
    check_may_create(user)
    return await store.create_blog(slug=new.slug, title=new.title, summary=new.summary, intro=new.intro,
                                   intro_html=new.intro_html, by=user, now=model.utc_now(), language=new.language)


async def blog_to_change(store: Store, user: User, slug: str, refusal: str = CHANGING) -> Blog:
    """The blog an editor changes: ``Forbidden`` for anyone else, else ``NotFound``."""
    require_editor(user, refusal)
    blog = await store.get_blog(slug)
    if blog is None:
        raise NotFound("blog")
    return blog


async def change(store: Store, user: User, blog: Blog, changes: dict[str, Any]) -> Blog:
    """The blog after ``changes`` (from ``changes_input``); a change that alters nothing grows no log."""
    require_editor(user, CHANGING)
    return await store.update_blog(blog.slug, changes, model.utc_now())


async def end(store: Store, user: User, slug: str) -> Blog:
    """The ended blog: it takes no more posts until an editor sets it live again."""
    blog = await blog_to_change(store, user, slug, N_("only editors can end a blog"))
    return await change(store, user, blog, {"status": "ended"})


async def reopen(store: Store, user: User, slug: str) -> Blog:
    """The blog live again (an event ended too early, or went on): it takes posts and the queue again."""
    blog = await blog_to_change(store, user, slug, N_("only editors can reopen a blog"))
    return await change(store, user, blog, {"status": "live"})
