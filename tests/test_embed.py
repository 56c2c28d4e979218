"""Other sites embed a blog: ``/blogs/{slug}/embed`` may be framed (only it), sets no cookie and names no
third party; oEmbed (https://oembed.com) gives a CMS the frame for a blog's URL; every reader page links its
oEmbed. In Chromium, a page on another origin frames the blog, the frame receives a live update and its
height follows its content (static/embed.js)."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

from playwright.sync_api import expect

from reader_html import parse


def test_only_the_embed_may_be_framed(site):
    site.blog("strike")
    site.entry("strike", "Crowds at the square.")
    r = site.client.get("/blogs/strike/embed")
    assert r.status_code == 200 and "Crowds at the square." in r.text
    assert "frame-ancestors *" in r.headers["content-security-policy"]
    assert "x-frame-options" not in r.headers and "set-cookie" not in r.headers
    assert "script-src 'self'" in r.headers["content-security-policy"]
    for src in re.findall(r'(?:src|href)="([^"]+)"', r.text):
        assert src.startswith(("/", "data:", site.url, "#")), f"a third-party request: {src}"
    again = site.client.get("/blogs/strike/embed", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and "x-frame-options" not in again.headers
    assert "frame-ancestors *" in again.headers["content-security-policy"]
    page = site.client.get("/blogs/strike")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert site.client.get("/blogs/nope/embed").status_code == 404


def test_oembed_answers_for_a_blog_url(site):
    site.blog("strike", title="General strike")
    e = site.entry("strike", "Text")
    for url in (f"{site.url}/blogs/strike", f"{site.url}/blogs/strike/entries/{e['id']}"):
        r = site.client.get("/oembed", params={"url": url, "format": "json", "maxwidth": "400"})
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["version"] == "1.0" and data["type"] == "rich" and data["title"] == "General strike"
        assert data["width"] == 400 and data["height"] > 0 and data["provider_name"] == "Liveblog"
        assert f'<iframe src="{site.url}/blogs/strike/embed"' in data["html"]
        assert f'<script src="{site.url}/static/embed.js?v=' in data["html"]
    missing = site.client.get("/oembed", params={"url": f"{site.url}/blogs/nope", "format": "json"})
    assert missing.status_code == 404 and missing.json()["error"] == "blog not found"
    elsewhere = site.client.get("/oembed", params={"url": "https://evil.example/blogs/strike"})
    assert elsewhere.status_code == 404
    xml = site.client.get("/oembed", params={"url": f"{site.url}/blogs/strike", "format": "xml"})
    assert xml.status_code == 501 and xml.json()["detail"] == {"field": "format"}
    assert site.client.get("/oembed").json() == {"error": "url is required", "detail": {"field": "url"}}


def test_every_reader_page_links_its_oembed(site):
    site.blog("strike")
    e = site.entry("strike", "Text")
    for path in ("/blogs/strike", f"/blogs/strike/entries/{e['id']}"):
        doc = parse(site.client.get(path).text)
        [link] = [x for x in doc.all("link") if x.get("type") == "application/json+oembed"]
        assert link.get("href") == f"/oembed?url={quote(site.url + path, safe='/')}&format=json"
        assert site.client.get(link.get("href")).status_code == 200


class Partner:
    """Another origin (another port on 127.0.0.1) whose one page embeds the blog as the README shows."""

    def __init__(self, html: str) -> None:
        body = html.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Partner:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_partner_page_embeds_the_live_blog(site, page):
    site.blog("strike")
    site.entry("strike", "First report.")
    html = site.client.get("/oembed", params={"url": f"{site.url}/blogs/strike"}).json()["html"]
    with Partner(f"<!doctype html><title>Partner</title><h1>Solidarity</h1>{html}") as partner:
        page.goto(partner.url)
        frame_element = page.locator("iframe[data-liveblog-embed]")
        frame = page.frame_locator("iframe[data-liveblog-embed]")
        expect(frame.locator("#status[title='Connection: Live']")).to_have_count(1, timeout=5_000)
        page.wait_for_function("() => document.querySelector('iframe').style.height !== ''", timeout=3_000)
        sized = frame_element.evaluate("f => f.getBoundingClientRect().height")
        inner = frame.locator("html").evaluate("h => h.getBoundingClientRect().height")
        assert abs(sized - inner) <= 1, "the frame is as tall as its content"
        new = site.entry("strike", "Police have closed the bridge. " * 30)
        expect(frame.locator(f"#entry-{new['id']}")).to_have_count(1, timeout=3_000)
        page.wait_for_function("h => document.querySelector('iframe').getBoundingClientRect().height > h + 100",
                               arg=sized, timeout=3_000)
        grown = frame_element.evaluate("f => f.getBoundingClientRect().height")
        inner = frame.locator("html").evaluate("h => h.getBoundingClientRect().height")
        assert abs(grown - inner) <= 1


def test_oembed_refuses_urls_and_sizes_that_do_not_parse(site):
    """A URL that does not parse, a slug no blog can have (a NUL: PostgreSQL refuses it in text) and a size past
    the 4,300 digits int() takes are answers, not 500s."""
    site.blog("strike")
    for url in ("http://[", f"{site.url}/blogs/a\x00b", f"{site.url}/blogs/a\x7fb/entries/1"):
        r = site.client.get("/oembed", params={"url": url})
        assert r.status_code == 404 and r.json() == {"error": "blog not found", "detail": None}, (url, r.text)
    for name in ("maxwidth", "maxheight"):
        r = site.client.get("/oembed", params={"url": f"{site.url}/blogs/strike", name: "9" * 5000})
        assert r.status_code == 400 and r.json()["detail"] == {"field": name}, r.text
    assert site.client.get("/oembed", params={"url": f"{site.url}/blogs/strike", "maxwidth": "00400"}).json()[
        "width"] == 400
