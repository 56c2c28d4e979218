"""The "N new updates" button goes once the reader is back at the top (issue 15).

Pins (Chromium, 390x844): a reader scrolled down gets the button while "Latest update" and the pinned slot already
show the new update; scrolling back to the top puts the waiting update in its place in the list and hides the
button, with no tap.
"""

from __future__ import annotations

from test_reader_live import SOON, open_live


def test_back_at_the_top_the_waiting_updates_take_their_place(site, page):
    site.blog("strike")
    for n in range(15):
        site.entry("strike", f"Update number {n}. " + "A longer paragraph of reporting. " * 6)
    open_live(page, site)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    fresh = site.entry("strike", "Bridge reopened.", pinned=True)
    page.wait_for_selector("#new-updates:has-text('1 new update')", timeout=SOON)
    assert page.inner_text("#latest time") == fresh["time_gmt"]
    assert "Bridge reopened." in page.inner_text("#pinned")
    assert page.query_selector(f"#entries #entry-{fresh['id']}") is None
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_selector("#new-updates", state="hidden", timeout=SOON)
    first = page.eval_on_selector("#entries > article", "el => el.id")
    assert first == f"entry-{fresh['id']}"
