"""An XSS corpus through every field a person writes: nothing survives the sanitizer, the feeds or the page.

Body and a blog's intro (Markdown + HTML) go through ``liveblog/sanitize.py``; headline, blog title and
summary are plain text that the templates escape and the page script sets as text; a photo's caption
becomes the image's alt text in the Markdown that the upload hands back for the entry. Every payload goes
through every field. In Chromium no dialog opens, no marker script runs, and the CSP reports no violation
(an inline handler that slipped through would be reported by the ``new_page`` fixture).
"""

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from conftest import liveblog_cmd
from test_sanitize import problems, url_problems

PAYLOADS = [p for p in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines() if p.strip()]


@pytest.mark.unit
def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


@pytest.fixture
def hostile_blog(site_with):
    site = site_with(posts_per_minute=1_000_000)
    site.user("editor", "editor")
    r = site.client.post("/api/blogs", json={"slug": "xss", "title": PAYLOADS[0], "summary": PAYLOADS[7],
                                             "intro": "\n\n".join(PAYLOADS)}, headers=site.headers("editor"))
    assert r.status_code == 201
    for payload in PAYLOADS:
        site.entry("xss", payload, headline=payload[:300], key_event=True)
    return site


@pytest.fixture
def titled_blogs(site_with):
    """A blog per payload, its title, summary and intro all set to it (by PATCH, as an editor would)."""
    site = site_with()
    site.user("editor", "editor")
    for n, payload in enumerate(PAYLOADS):
        assert site.client.post("/api/blogs", json={"slug": f"t{n}", "title": "Plain"},
                                headers=site.headers("editor")).status_code == 201
        r = site.client.patch(f"/api/blogs/t{n}", json={"title": payload, "summary": payload, "intro": payload},
                              headers=site.headers("editor"))
        assert r.status_code == 200, r.text
    return site


@pytest.fixture
def captioned_blog(site_with):
    """One photo per payload, each captioned with it, each posted with the Markdown the upload returned."""
    site = site_with(posts_per_minute=1_000_000)
    site.user("editor", "editor")
    assert site.client.post("/api/blogs", json={"slug": "captions", "title": "Captions"},
                            headers=site.headers("editor")).status_code == 201
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    for payload in PAYLOADS:
        r = site.client.post("/api/media", files={"file": ("p.jpg", photo.getvalue(), "image/jpeg")},
                             data={"caption": payload[:300]}, headers=site.headers("editor"))
        assert r.status_code == 201, r.text
        site.entry("captions", r.json()["markdown"])
    return site


def assert_clean_api_and_feed(site, slug: str) -> None:
    entries = site.client.get(f"/api/blogs/{slug}?limit=100").json()["entries"]
    assert len(entries) == len(PAYLOADS)
    for entry in entries:
        assert problems(entry["body_html"]) == [], entry["body"]
    feed = site.client.get(f"/blogs/{slug}/feed.json").json()
    items = list(feed["items"])
    while "next_url" in feed:
        feed = site.client.get(feed["next_url"]).json()
        items += feed["items"]
    assert len(items) == len(PAYLOADS)
    for item in items:
        assert problems(item["content_html"]) == [], item["content_html"]


def assert_nothing_runs(page, urls: list[str]) -> None:
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in urls:
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


class Addresses(HTMLParser):
    """Every URL attribute of a whole page, held to ``url_problems``; but the head's own ``<link>``s (its
    icon is ``data:,``, so that no browser asks for one)."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs if tag != "link" else ():
            self.problems += url_problems(tag, name, value or "")


def page_problems(html: str) -> list[str]:
    found = Addresses()
    found.feed(html)
    return found.problems


def atom_problems(raw: bytes) -> list[str]:
    content = "{http://www.w3.org/2005/Atom}content"
    return [p for element in ET.fromstring(raw).iter(content) for p in problems(element.text or "")]


def test_no_address_survives_in_the_atom_feed_the_page_or_the_mirror(hostile_blog, tmp_path):
    """Issue 14 (10): a ``javascript:`` cite and remote images reached the page, both feeds and the mirror,
    which has no CSP, so its readers (and feed readers) asked a third party for the images."""
    site = hostile_blog
    assert atom_problems(site.client.get("/blogs/xss/feed.atom").content) == []
    assert page_problems(site.client.get("/blogs/xss?limit=100").text) == []
    out = tmp_path / "mirror"
    done = liveblog_cmd("export", "xss", "--out", str(out), db=site.settings.db)
    assert done.returncode == 0, done.stderr
    assert page_problems((out / "index.html").read_text(encoding="utf-8")) == []
    assert atom_problems((out / "feed.atom").read_bytes()) == []
    for item in json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]:
        assert problems(item["content_html"]) == [], item["content_html"]


def test_nothing_survives_in_the_api_or_the_json_feed(hostile_blog):
    assert_clean_api_and_feed(hostile_blog, "xss")
    assert problems(hostile_blog.client.get("/api/blogs/xss").json()["intro_html"]) == []


def test_titles_and_summaries_stay_text_in_the_api_and_the_feeds(titled_blogs):
    """Plain-text fields come back exactly as typed (JSON Feed's title and description are text by the
    spec), the intro's HTML is clean, and the Atom feed stays well-formed XML with the same text."""
    site = titled_blogs
    atom = "{http://www.w3.org/2005/Atom}"
    for n, payload in enumerate(PAYLOADS):
        blog = site.client.get(f"/api/blogs/t{n}").json()
        assert (blog["title"], blog["summary"]) == (payload.strip(), payload.strip())
        assert problems(blog["intro_html"]) == [], payload
        feed = site.client.get(f"/blogs/t{n}/feed.json").json()
        assert (feed["title"], feed["description"]) == (payload.strip(), payload.strip())
        root = ET.fromstring(site.client.get(f"/blogs/t{n}/feed.atom").content)
        assert root.findtext(f"{atom}title") == payload.strip()
        assert root.findtext(f"{atom}subtitle") == payload.strip()


def test_no_caption_survives_in_the_api_or_the_json_feed(captioned_blog):
    assert_clean_api_and_feed(captioned_blog, "captions")


def test_nothing_runs_in_the_reader_page(hostile_blog, page):
    site = hostile_blog
    assert_nothing_runs(page, [f"{site.url}/blogs/xss?limit=100", f"{site.url}/", f"{site.url}/blogs/xss/entries/1"])
    page.goto(f"{site.url}/blogs/xss?limit=100")
    assert page.title().startswith("<script>")  # the title is shown as text


def test_no_caption_runs_in_the_reader_page(captioned_blog, page):
    site = captioned_blog
    assert_nothing_runs(page, [f"{site.url}/blogs/captions?limit=100", f"{site.url}/blogs/captions/entries/1"])


def test_no_title_summary_or_intro_runs_in_the_reader_pages(titled_blogs, page):
    """The list of blogs shows every title and summary at once; each blog's page has its title in the
    head (title, meta tags, JSON-LD) and the heading, its summary and its intro."""
    site = titled_blogs
    assert_nothing_runs(page, [f"{site.url}/"] + [f"{site.url}/blogs/t{n}" for n in range(len(PAYLOADS))])
    assert page.locator("#title").text_content() == PAYLOADS[-1].strip()


def test_no_title_or_summary_runs_when_it_arrives_live(site_with, page):
    """An open page takes a blog's new title and summary from the stream: every payload, one after another."""
    site = site_with()
    site.blog("live", title="Plain")
    page.goto(f"{site.url}/blogs/live")
    page.wait_for_selector("#status[title='Connection: Live']")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for payload in PAYLOADS:
        r = site.client.patch("/api/blogs/live", json={"title": payload, "summary": payload},
                              headers=site.headers("editor"))
        assert r.status_code == 200, r.text
    last = PAYLOADS[-1].strip()
    page.wait_for_function("text => document.getElementById('summary').textContent === text", arg=last)
    assert page.locator("#title").text_content() == last and page.title() == last
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
