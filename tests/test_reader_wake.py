"""A tab that comes back after a long time away opens a fresh stream from the last update it shows.

An EventSource never shows heartbeats to the page, so a connection that died while the laptop slept or the
phone sat in a pocket could otherwise say "Live" forever. Away for more than a minute: reconnect with the
last id rendered (the server replays whatever came after it: test_stream_resume.py), and go on receiving.
Away for a moment: keep the stream.
"""

from __future__ import annotations

from playwright.sync_api import expect

CONNECTED = "#status[title='Connection: Live']"


def come_back_after(page, milliseconds: int) -> None:
    """The tab is hidden, the page's clock moves on, and the tab is shown again."""
    page.evaluate("""away => {
        const real = Date.now, visible = Object.getOwnPropertyDescriptor(Document.prototype, "hidden");
        Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        document.dispatchEvent(new Event("visibilitychange"));
        Date.now = () => real.call(Date) + away;
        Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
        document.dispatchEvent(new Event("visibilitychange"));
        Date.now = real;
    }""", milliseconds)


def streams_opened(page, site, slug):
    opened: list[str] = []
    page.on("request", lambda r: opened.append(r.url) if r.url.startswith(f"{site.url}/blogs/{slug}/events") else None)
    return opened


def test_a_tab_away_for_long_reconnects_from_the_last_update_it_shows(site, page):
    site.blog("strike")
    site.entry("strike", "The square is filling up.")
    last = site.client.get("/api/blogs/strike").json()["last_event_id"]
    page.goto(f"{site.url}/blogs/strike")
    page.wait_for_selector(CONNECTED)
    stream = f"{site.url}/blogs/strike/events"  # the live stream, not the gap filling (/api/…/events)
    with page.expect_request(lambda r: r.url.startswith(stream), timeout=5_000) as fresh:
        come_back_after(page, 10 * 60_000)
    assert fresh.value.url.endswith(f"/blogs/strike/events?since={last}")
    expect(page.locator(CONNECTED)).to_be_attached(timeout=5_000)
    later = site.entry("strike", "Police block the north exit.")
    page.wait_for_selector(f"#entry-{later['id']}", timeout=5_000)


def test_a_tab_away_for_a_moment_keeps_its_stream(site, page):
    site.blog("strike")
    opened = streams_opened(page, site, "strike")
    page.goto(f"{site.url}/blogs/strike")
    page.wait_for_selector(CONNECTED)
    come_back_after(page, 5_000)
    page.wait_for_timeout(1_000)
    assert len(opened) == 1
