"""What the services' unit tests act on: a real store on the test's own database (a SQLite file, or a PostgreSQL
schema under ``--store=postgres``), three people and a blog. No server: the services are called directly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import database
from liveblog import model
from liveblog.limits import SlidingWindow
from liveblog.model import Blog, User, ValidationError
from liveblog.services import blogs
from liveblog.store import Store, open_store

Cases = list[tuple[dict[str, Any], str]]  # input, and the field its refusal must name


def refused_field(check: Callable[[dict[str, Any]], object], data: dict[str, Any]) -> str:
    """The field ``check`` names when it refuses ``data`` (it must refuse)."""
    with pytest.raises(ValidationError) as refused:
        check(data)
    return refused.value.field


@dataclass
class World:
    store: Store
    editor: User
    amal: User  # a correspondent
    badr: User  # another correspondent
    blog: Blog  # "strike", live
    posts: SlidingWindow  # the posting limit, as the server's runtime holds it

    async def log(self, slug: str = "strike") -> list[str]:
        """The blog's event log, as kinds: what a refused change must leave as it was."""
        return [e.kind for e in await self.store.events_since(slug, 0)]


@asynccontextmanager
async def opened_store(path: Path) -> AsyncIterator[Store]:
    """A store on a new database named for ``path``, closed on the way out."""
    store = open_store(database(path))
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def world(tmp_path: Path, *, name: str = "unit", posts_per_minute: int = 1000) -> AsyncIterator[World]:
    async with opened_store(tmp_path / f"{name}.db") as store:
        now = model.utc_now()
        # no password: nobody signs in here; bylines as the login names, a shortcut of the tests only
        editor = await store.create_user("eda", "editor", "", now, "eda")
        amal = await store.create_user("amal", "correspondent", "", now, "amal")
        badr = await store.create_user("badr", "correspondent", "", now, "badr")
        blog = await blogs.create(store, editor, blogs.new_blog_input({"slug": "strike", "title": "Strike"}))
        yield World(store, editor, amal, badr, blog, SlidingWindow(posts_per_minute, 60.0))
