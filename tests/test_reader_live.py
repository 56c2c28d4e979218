"""The reader page updates itself from the live stream, in real headless Chromium at 390x844.

Pins: a post through the API appears at the top within 2 s without a reload, updates
"Latest update" and is announced in the aria-live region; its "just now" becomes "5 min ago"
as the reader's clock moves on, with no reload; a correction replaces the entry
in place; a retraction greys it and shows its tombstone; a superseding update marks the
older one "Superseded by the HH:MM GMT update"; a reader scrolled down gets a
"N new updates" button instead of moving text, and the button reveals them; a hidden tab
counts unread updates in its title; two tabs share one EventSource; after a 503 (the
browser closes an EventSource for good) the script reconnects by itself; the indicator
says Offline when the network goes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect

CONNECTED = "#status[title='Connection: Live']"
ARRIVES = 2_000  # ms: a new post "appears within 2 s"
SOON = 5_000  # ms: a generous bound for everything else, on a busy machine


def open_live(page, site, slug="strike"):
    page.goto(f"{site.url}/blogs/{slug}")
    page.wait_for_selector(CONNECTED)
    page.evaluate("window.sameDocument = true")


def still_same_document(page):
    return page.evaluate("window.sameDocument === true")


def test_a_new_post_appears_at_the_top_without_reload(site, page):
    site.blog("strike")
    old = site.entry("strike", "Earlier report.")
    open_live(page, site)
    new = site.entry("strike", "Police have **closed** the bridge.", headline="Bridge closed", key_event=True)
    page.wait_for_selector(f"#entry-{new['id']}", timeout=ARRIVES)
    ids = page.eval_on_selector_all("#entries > article", "els => els.map(e => e.id)")
    assert ids == [f"entry-{new['id']}", f"entry-{old['id']}"]
    assert page.inner_text(f"#entry-{new['id']} .body") == "Police have closed the bridge."
    assert page.get_attribute("#latest time", "datetime") == new["published_at"]
    assert page.inner_text("#announce") == f"New update {new['time_gmt']}: Bridge closed"
    assert page.inner_text("#key-events li").endswith("Bridge closed")
    assert page.inner_text(f"#entry-{new['id']} .ago") == "just now"
    assert page.get_attribute(f"#entry-{new['id']} time", "title"), "local time in the title"
    assert still_same_document(page)


def test_relative_times_move_on_by_themselves(site, page):
    site.blog("strike")
    page.clock.install(time=datetime.now(UTC))  # the page's own clock, which the test moves on
    open_live(page, site)
    new = site.entry("strike", "Crowds gather at the square.")
    ago = f"#entry-{new['id']} .ago"
    page.wait_for_selector(ago, timeout=ARRIVES)
    assert page.inner_text(ago) == "just now"
    page.clock.fast_forward("05:30")  # the labels are refreshed every 30 s
    # Intl.RelativeTimeFormat's short style, in the page's language (English here)
    expect(page.locator(ago)).to_have_text("5 min. ago", timeout=SOON)
    page.clock.fast_forward("55:00")
    expect(page.locator(ago)).to_have_text("1 hr. ago", timeout=SOON)
    assert still_same_document(page)


def test_first_post_on_an_empty_blog_replaces_the_placeholder(site, page):
    site.blog("strike")
    open_live(page, site)
    assert page.is_visible("#empty")
    new = site.entry("strike", "The first report.")
    page.wait_for_selector(f"#entry-{new['id']}", timeout=SOON)
    assert page.is_hidden("#empty") and page.is_visible("#latest")


def test_a_correction_replaces_the_entry_in_place(site, page):
    site.blog("strike")
    first = site.entry("strike", "Ten people were hurt.")
    site.entry("strike", "Later report.")
    open_live(page, site)
    before = page.eval_on_selector_all("#entries > article", "els => els.map(e => e.id)")
    r = site.client.post(f"/api/blogs/strike/entries/{first['id']}/corrections",
                         json={"body": "Twelve people were hurt.", "note": "Hospital revised the figure."},
                         headers=site.headers("editor"))
    fixed = r.json()
    page.wait_for_selector(f"#entry-{first['id']} .correction", timeout=SOON)
    assert page.inner_text(f"#entry-{first['id']} .body") == "Twelve people were hurt."
    assert page.inner_text(f"#entry-{first['id']} .note") == \
        f"Corrected {fixed['corrections'][0]['time_gmt']}: Hospital revised the figure."
    assert page.eval_on_selector_all("#entries > article", "els => els.map(e => e.id)") == before
    assert still_same_document(page)


def test_a_retraction_greys_the_entry_and_shows_its_tombstone(site, page):
    site.blog("strike")
    e = site.entry("strike", "An unverified claim.", key_event=True)
    open_live(page, site)
    grey_before = page.eval_on_selector(f"#entry-{e['id']}", "el => getComputedStyle(el).backgroundColor")
    site.client.post(f"/api/blogs/strike/entries/{e['id']}/retraction", json={"note": "Could not be verified."},
                     headers=site.headers("editor"))
    page.wait_for_selector(f"#entry-{e['id']}.retracted", timeout=SOON)
    assert page.inner_text(f"#entry-{e['id']} .tombstone").endswith("Could not be verified.")
    assert "An unverified claim." not in page.inner_text("#entries")
    grey_after = page.eval_on_selector(f"#entry-{e['id']}", "el => getComputedStyle(el).backgroundColor")
    assert grey_after != grey_before
    assert page.is_hidden("#key-events"), "a withdrawn update leaves the key events"


def test_a_superseding_update_marks_the_older_one(site, page):
    site.blog("strike")
    old = site.entry("strike", "Death toll 50.")
    open_live(page, site)
    new = site.entry("strike", "Death toll 70.", supersedes=[old["id"]])
    page.wait_for_selector(f"#entry-{old['id']} .superseded-by", timeout=SOON)
    assert page.inner_text(f"#entry-{old['id']} .superseded-by") == f"Superseded by the {new['time_gmt']} update"
    assert page.get_attribute(f"#entry-{old['id']} .superseded-by a", "href") == f"/blogs/strike/entries/{new['id']}"
    assert page.inner_text(f"#entry-{new['id']} .supersedes") == f"Supersedes the {old['time_gmt']} update"


def test_a_reader_scrolled_down_gets_a_new_updates_button(site, page):
    site.blog("strike")
    for n in range(15):
        site.entry("strike", f"Update number {n}. " + "A longer paragraph of reporting. " * 6)
    open_live(page, site)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    assert page.evaluate("window.scrollY") > 0
    reading = page.evaluate("window.scrollY")
    a = site.entry("strike", "First fresh update.")
    b = site.entry("strike", "Second fresh update.")
    page.wait_for_selector("#new-updates:has-text('2 new updates')", timeout=SOON)
    assert page.query_selector(f"#entry-{a['id']}") is None, "new text waits behind the button"
    assert page.evaluate("window.scrollY") == reading, "nothing moved under the reader's eyes"
    page.click("#new-updates")
    ids = page.eval_on_selector_all("#entries > article", "els => els.slice(0, 2).map(e => e.id)")
    assert ids == [f"entry-{b['id']}", f"entry-{a['id']}"]
    assert page.is_hidden("#new-updates")
    assert page.evaluate("document.activeElement.id") == f"entry-{b['id']}"
    assert page.evaluate(f"document.getElementById('entry-{b['id']}').getBoundingClientRect().top") < 844


def test_a_hidden_tab_counts_unread_updates_in_its_title(site, page):
    site.blog("strike", title="Strike")
    open_live(page, site)
    page.evaluate("""() => {
        Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    site.entry("strike", "One.")
    site.entry("strike", "Two.")
    expect(page).to_have_title("(2) Strike", timeout=SOON)
    page.evaluate("""() => {
        Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    assert page.title() == "Strike"


def test_tabs_share_one_stream(site, browser):
    site.blog("strike")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        streams = []
        # the SSE stream only (verify.js reads the signed log from /api/blogs/…/log)
        context.on("request", lambda r: streams.append(r.url) if "/events" in r.url and "/api/" not in r.url else None)
        tabs = [context.new_page() for _ in range(3)]
        for tab in tabs:
            tab.goto(f"{site.url}/blogs/strike")
        tabs[0].wait_for_selector(CONNECTED)
        for tab in tabs[1:]:
            tab.wait_for_selector(CONNECTED)  # followers show the leader's state
        e = site.entry("strike", "Seen by every tab.")
        for tab in tabs:
            tab.wait_for_selector(f"#entry-{e['id']}", timeout=SOON)
        assert len(streams) == 1, streams
        tabs[0].close()  # the leader goes; another tab takes the stream over
        later = site.entry("strike", "After the first tab closed.")
        for tab in tabs[1:]:
            tab.wait_for_selector(f"#entry-{later['id']}", timeout=5_000)
        assert len(streams) == 2, streams
    finally:
        context.close()


def test_reconnects_by_itself_after_a_503(site, page):
    """A proxy's 503 makes the browser close the EventSource for good; the script must not."""
    site.blog("strike")
    refused = []

    def gateway(route):
        if len(refused) < 2:
            refused.append(route.request.url)
            route.fulfill(status=503, body="upstream restarting")
        else:
            route.continue_()

    page.route("**/blogs/strike/events*", gateway)
    page.goto(f"{site.url}/blogs/strike")
    page.wait_for_selector("#status[title='Connection: Reconnecting…']")
    page.wait_for_selector(CONNECTED, timeout=15_000)
    assert len(refused) == 2
    e = site.entry("strike", "After the deploy.")
    page.wait_for_selector(f"#entry-{e['id']}", timeout=SOON)


def test_indicator_says_offline_without_network(site, page):
    site.blog("strike")
    open_live(page, site)
    page.context.set_offline(True)
    page.wait_for_selector("#status[title='Connection: Offline']")
    assert page.inner_text("#status") == "OFFLINE"
    page.context.set_offline(False)
    page.wait_for_selector(CONNECTED, timeout=10_000)
    e = site.entry("strike", "Back online.")
    page.wait_for_selector(f"#entry-{e['id']}", timeout=SOON)


def test_a_correction_to_an_older_page_does_not_land_on_the_first(site_with, page):
    site = site_with(page_size=2)
    site.blog("strike")
    oldest = site.entry("strike", "On the second page.")
    site.entry("strike", "Two.")
    site.entry("strike", "Three.")
    open_live(page, site)
    site.client.post(f"/api/blogs/strike/entries/{oldest['id']}/corrections",
                     json={"body": "Fixed, still on the second page.", "note": "Typo."}, headers=site.headers("editor"))
    marker = site.entry("strike", "Four.")
    page.wait_for_selector(f"#entry-{marker['id']}", timeout=SOON)
    assert page.query_selector(f"#entry-{oldest['id']}") is None
