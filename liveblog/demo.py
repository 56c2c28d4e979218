"""The demo blog ``serve --demo`` creates: a fictional story, written for this project."""

from __future__ import annotations

from datetime import timedelta

from .model import User, utc_now
from .sanitize import render_markdown
from .store import Store

SLUG = "riverton-transit-strike"

INTRO = """Transit workers in the fictional city of Riverton walked out at dawn over unpaid wages.
Buses and the tram network are at a standstill. This page follows the day as it happens.

*This is demonstration content for Liveblog; the city and everyone in it are invented.*"""

# (minutes ago, headline, body, key event): spread over the morning like a real day.
ENTRIES = [
    (160, "Depots closed", "All four bus depots are shut. Pickets of about 40 people stand at each gate.", False),
    (115, "", "The transit authority says 120 drivers have been suspended.", True),
    (70, "", "Marchers are gathering at Harbour Square. Police have closed the bridge to traffic.", False),
    (25, "Suspensions revised", ("The authority now says **200** drivers have been suspended, not 120. "
                                 "The union disputes both figures."), True),
]


async def create_demo(store: Store, editor: User) -> str:
    """A handful of entries, one corrected and one superseding another. Idempotent by slug."""
    if await store.get_blog(SLUG) is not None:
        return SLUG
    now = utc_now()
    await store.create_blog(
        slug=SLUG, title="Riverton transit strike: live updates",
        summary="Buses and trams stopped as drivers strike over unpaid wages.",
        intro=INTRO, intro_html=render_markdown(INTRO), by=editor, now=now - timedelta(hours=3),
    )
    ids: list[int] = []
    for minutes_ago, headline, body, key_event in ENTRIES:
        supersedes = (ids[1],) if headline == "Suspensions revised" else ()
        entry, _ = await store.create_entry(
            SLUG, author=editor, headline=headline, body=body, body_html=render_markdown(body),
            key_event=key_event, pinned=False, supersedes=supersedes, filed_at=None,
            now=now - timedelta(minutes=minutes_ago),
        )
        ids.append(entry.id)
    fixed = "Marchers are gathering at Liberty Square. Police have closed the bridge to traffic."
    await store.correct_entry(
        SLUG, ids[2], by=editor, body=fixed, body_html=render_markdown(fixed),
        note="The march gathered at Liberty Square, not Harbour Square.", if_match=None,
        now=now - timedelta(minutes=50),
    )
    return SLUG
