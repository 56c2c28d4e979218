"""A request's Host header cannot put another site's name into the links a shared cache hands everyone.

Without ``--base-url`` the feeds, the pages' JSON-LD and OpenGraph tags are built from the Host header, in
answers marked ``public, max-age=5``: ``Host: evil.example`` made every link point there. Now a Host that
``allowed_hosts`` does not name is refused with 400 before anything is built or changed; the default names
127.0.0.1, localhost and ::1, the address served on and base_url's host; ``*`` allows any.
"""

from __future__ import annotations

import json
import re
import socket

import pytest

from liveblog.config import load_settings
from liveblog.web.middleware import host_rule

READS = ["/blogs/strike/feed.json", "/blogs/strike/feed.atom", "/blogs/strike", "/blogs/strike/entries/{id}",
         "/api/blogs/strike", "/api/blogs/strike/entries", "/blogs/strike/events"]


def links_of(text: str) -> set[str]:
    """Every absolute http(s) link's host[:port] in a page or feed (JSON-escaped slashes included)."""
    return set(re.findall(r"https?:(?:\\?/){2}([^/\\\"'<>\s]+)", text))


@pytest.fixture
def story(site):
    site.blog("strike")
    entry = site.entry("strike", "50 hurt")
    return site, entry


@pytest.mark.parametrize("path", READS)
def test_a_foreign_host_is_refused_before_anything_is_built(story, path):
    site, entry = story
    r = site.client.get(path.format(id=entry["id"]), headers={"Host": "evil.example"})
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "this server does not answer for that host name",
                        "detail": {"host": "evil.example", "setting": "LIVEBLOG_ALLOWED_HOSTS"}}
    assert "evil.example" not in r.headers.get("location", "") and "public" not in r.headers.get("cache-control", "")


def test_a_write_with_a_foreign_host_changes_nothing(story):
    site, _ = story
    before = site.stored()
    r = site.client.post("/api/blogs", json={"slug": "other", "title": "Other"},
                         headers=site.headers("editor", Host="evil.example:80"))
    assert r.status_code == 400 and r.json()["detail"]["host"] == "evil.example:80"
    r = site.post("strike", "60 hurt", headers={"Host": "evil.example"})
    assert r.status_code == 400
    assert site.stored() == before


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_the_loopback_names_build_their_own_links(story, host):
    site, entry = story
    port = site.url.rsplit(":", 1)[1]
    named = f"{host}:{port}"
    for path in READS[:4]:
        r = site.client.get(path.format(id=entry["id"]), headers={"Host": named})
        assert r.status_code == 200, (path, r.text)
        assert links_of(r.text) - {"jsonfeed.org", "www.w3.org", "schema.org", "purl.org"} == {named}, path
    r = site.client.post("/api/blogs", json={"slug": "other", "title": "Other"},
                         headers=site.headers("editor", Host=named))
    assert r.status_code == 201 and r.headers["location"] == "/api/blogs/other"
    r = site.post("other", "first", headers={"Host": named})
    assert r.status_code == 201 and r.headers["location"] == f"/api/blogs/other/entries/{r.json()['id']}"


def test_the_page_s_json_ld_and_opengraph_name_only_an_allowed_host(site_with):
    site = site_with(allowed_hosts="news.example.org, 127.0.0.1")
    site.blog("strike")
    entry = site.entry("strike", "50 hurt", headers={"Host": "news.example.org"})
    page = site.client.get(f"/blogs/strike/entries/{entry['id']}", headers={"Host": "news.example.org"})
    assert page.status_code == 200
    og = re.search(r'<meta property="og:url" content="([^"]+)"', page.text)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)[1])
    assert og and og[1] == f"http://news.example.org/blogs/strike/entries/{entry['id']}"
    assert ld["url"] == og[1]
    # the list replaces the default: a loopback name it does not give is refused now
    assert site.client.get("/blogs/strike", headers={"Host": "localhost"}).status_code == 400
    assert site.client.get("/healthz", headers={"Host": "10.1.2.3:8000"}).status_code == 200, \
        "a platform's health probe names whatever address it reached"


def test_base_url_decides_the_links_and_its_host_is_allowed(site_with):
    site = site_with(base_url="https://live.example.org/")
    site.blog("strike")
    feed = site.client.get("/blogs/strike/feed.json", headers={"Host": "live.example.org"})
    assert feed.status_code == 200 and links_of(feed.text) - {"jsonfeed.org"} == {"live.example.org"}
    assert site.client.get("/blogs/strike/feed.json", headers={"Host": "evil.example"}).status_code == 400


def test_a_star_allows_any_host(site_with):
    site = site_with(allowed_hosts="*")
    site.blog("strike")
    r = site.client.get("/blogs/strike/feed.json", headers={"Host": "anything.example"})
    assert r.status_code == 200 and "anything.example" in links_of(r.text)


def test_a_request_without_a_host_header_names_the_address_it_reached(story):
    site, _ = story
    host, port = site.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"GET /blogs/strike/feed.json HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and f"http://127.0.0.1:{port}/blogs/strike".encode() in answer


@pytest.mark.parametrize(("allowed", "host", "scheme", "ok"), [
    ("", "127.0.0.1:8000", "http", True),
    ("", "LOCALHOST.", "http", True),
    ("", "[::1]:9", "http", True),
    ("", "127.0.0.1:port", "http", False),
    ("", "[::1", "http", False),
    ("", "[::1]x", "http", False),
    ("", "evil.example", "http", False),
    ("", "127.0.0.1.evil.example", "http", False),
    ("news.example.org:8443", "news.example.org:8443", "http", True),
    ("news.example.org:8443", "news.example.org", "http", False),
    ("news.example.org:443", "news.example.org", "https", True),
    ("news.example.org", "news.example.org:1234", "http", True),
])
def test_the_rule(allowed, host, scheme, ok):
    rule = host_rule(load_settings({"allowed_hosts": allowed}, environ={}))
    assert rule.allows({"headers": [(b"host", host.encode())], "scheme": scheme}) is ok
