"""An XSS corpus through every field a person writes: nothing survives the sanitizer, the feeds or the page.

Body (Markdown + HTML) goes through ``liveblog/sanitize.py``; headline, blog title and summary are plain
text that the templates escape. In Chromium no dialog opens, no marker script runs, and the CSP reports
no violation (an inline handler that slipped through would be reported by the ``new_page`` fixture).
"""

from pathlib import Path

import pytest

from test_sanitize import problems

PAYLOADS = [p for p in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines() if p.strip()]


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


@pytest.fixture
def hostile_blog(site_with):
    site = site_with(posts_per_minute=1_000_000)
    site.user("editor", "editor")
    r = site.client.post("/api/blogs", json={"slug": "xss", "title": PAYLOADS[0], "summary": PAYLOADS[7],
                                             "intro": "\n\n".join(PAYLOADS[:10])}, headers=site.headers("editor"))
    assert r.status_code == 201
    for payload in PAYLOADS:
        site.entry("xss", payload, headline=payload[:300], key_event=True)
    return site


def test_nothing_survives_in_the_api_or_the_json_feed(hostile_blog):
    site = hostile_blog
    entries = site.client.get("/api/blogs/xss?limit=100").json()["entries"]
    assert len(entries) == len(PAYLOADS)
    for entry in entries:
        assert problems(entry["body_html"]) == [], entry["body"]
    feed = site.client.get("/blogs/xss/feed.json").json()
    items = list(feed["items"])
    while "next_url" in feed:
        feed = site.client.get(feed["next_url"]).json()
        items += feed["items"]
    assert len(items) == len(PAYLOADS)
    for item in items:
        assert problems(item["content_html"]) == [], item["content_html"]
    assert problems(site.client.get("/api/blogs/xss").json()["intro_html"]) == []


def test_nothing_runs_in_the_reader_page(hostile_blog, page):
    site = hostile_blog
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in (f"{site.url}/blogs/xss?limit=100", f"{site.url}/", f"{site.url}/blogs/xss/entries/1"):
        page.goto(url)
        page.wait_for_load_state("load")
        page.mouse.move(100, 300)
        page.keyboard.press("Tab")
        assert page.evaluate("window.__xss") is None
    older = page.locator("a[rel=next]")
    while older.count():
        older.first.click()
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert page.title().startswith(("<script>", "Older updates"))  # the title is shown as text
