"""Importing a blog from a private JSON export: a thin use case over ``export.read_record`` and the store.

Only whoever runs the server's command line can import (``liveblog import``): no person of the site acts, so
none is passed. The file is checked in full before any database is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import export, model
from ..model import Blog, Entry
from ..store import Store


@dataclass(frozen=True)
class CheckedExport:
    blog: Blog
    entries: list[Entry]


def read_export(record: Any) -> CheckedExport:
    """The blog and entries of a parsed export file, or ``ValidationError`` naming what is wrong in it."""
    blog, entries = export.read_record(record)
    return CheckedExport(blog, entries)


async def import_blog(store: Store, checked: CheckedExport) -> Blog:
    """The imported blog, ids, times, corrections and withdrawals kept; a slug or entry id already taken here,
    or an author whose name reads like a local account's (``names.clashes``), is a ``Conflict`` and nothing is
    written. An import that fails part way removes what it wrote: its blog, entries and events, and the author
    accounts it created."""
    return await store.import_blog(checked.blog, checked.entries, model.utc_now())
