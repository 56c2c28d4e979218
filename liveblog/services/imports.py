"""Importing a blog from a private JSON export: a thin use case over ``export.read_record`` and the store.

Only whoever runs the server's command line can import (``liveblog import``): no person of the site acts, so
none is passed. The file is checked in full before any database is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import export, model
from ..model import Blog, Entry, TranslationLink
from ..store import Store


@dataclass(frozen=True)
class CheckedExport:
    blog: Blog
    entries: list[Entry]
    links: list[TranslationLink]  # to and from entries of other blogs


@dataclass(frozen=True)
class Imported:
    blog: Blog
    linked: list[TranslationLink]  # made: the other blog's entry was here
    left_out: list[TranslationLink]  # naming an entry not here: the other blog's own import makes them
    taken: list[TranslationLink]  # both entries here, but the translation already translates another entry

    def missing_blogs(self) -> list[str]:
        return sorted({link.other(self.blog.slug) for link in self.left_out})


def read_export(record: Any) -> CheckedExport:
    """The blog, entries and translation links of a parsed export file, or ``ValidationError`` naming what is
    wrong in it."""
    blog, entries = export.read_record(record)
    return CheckedExport(blog, entries, export.read_links(record))


async def import_blog(store: Store, checked: CheckedExport) -> Imported:
    """The imported blog, ids, times, corrections and withdrawals kept; a slug or entry id already taken here,
    or an author whose name reads like a local account's (``names.clashes``), is a ``Conflict`` and nothing is
    written. An import that fails part way removes what it wrote: its blog, entries and events, and the author
    accounts it created. A translation link is made when the entry at its other end is here (its blog imported
    before, or made here) and the translation translates nothing yet; the others are left out and named apart:
    each export keeps the links both ways, so importing the other blog later makes those naming it then, while
    a translation that already has its original keeps it."""
    blog, linked = await store.import_blog(checked.blog, checked.entries, model.utc_now(), checked.links)
    done = linked.made + linked.taken
    return Imported(blog, linked.made, [link for link in checked.links if link not in done], linked.taken)
