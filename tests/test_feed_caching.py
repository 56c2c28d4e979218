"""Feeds and the reader page are cacheable: ETag from the last event, Last-Modified, 304, CORS on feeds."""

import time

import pytest

from desk import at


@pytest.mark.parametrize("path", ["/blogs/strike/feed.json", "/blogs/strike/feed.atom", "/blogs/strike"])
def test_conditional_get_returns_304_until_something_changes(site, path):
    site.blog("strike")
    entry = site.entry("strike", "50 hurt")
    time.sleep(1.05)  # Last-Modified waits for the second of the last change to end
    first = site.client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert modified.endswith(" GMT")
    again = site.client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert site.client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", json={"body": "60 hurt", "note": "n"},
                     headers=site.headers("editor"))
    changed = site.client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_feed_headers_for_cdns_and_other_sites(site):
    site.blog("strike")
    for path in ("/blogs/strike/feed.json", "/blogs/strike/feed.atom"):
        r = site.client.get(path)
        assert r.headers["cache-control"] == "public, max-age=5, stale-while-revalidate=30"
        assert r.headers["access-control-allow-origin"] == "*"


def test_json_and_atom_have_different_etags(site):
    site.blog("strike")
    json_tag = site.client.get("/blogs/strike/feed.json").headers["etag"]
    atom_tag = site.client.get("/blogs/strike/feed.atom").headers["etag"]
    assert json_tag != atom_tag


@pytest.mark.parametrize("path", ["/blogs/strike/feed.json", "/blogs/strike"])
def test_no_last_modified_in_the_second_of_a_change(site, path):
    """A date has one-second grain: sent during the second of a change, it would also cover a later change in it.

    Timed by the clock, not by the Date header: uvicorn refreshes that once a second, so it can trail."""
    site.blog("strike")
    for _ in range(20):
        entry = site.entry("strike", "50 hurt")
        r = site.client.get(path)
        answered = time.time()
        changed = at(entry["published_at"]).timestamp()
        if int(answered) == int(changed):  # the whole exchange fell within the second of the change
            assert "last-modified" not in r.headers and "etag" in r.headers
            return
    pytest.fail("no answer came within the second of a change in 20 tries")


@pytest.mark.parametrize("path", ["/blogs/strike/feed.json", "/blogs/strike/feed.atom"])
def test_each_page_has_its_own_etag(site, path):
    """A cache holding the first page must not answer for an older one."""
    site.blog("strike")
    site.entry("strike", "50 hurt")
    newest = site.entry("strike", "60 hurt")
    first = site.client.get(path).headers["etag"]
    older = site.client.get(path, params={"before": newest["id"]}, headers={"If-None-Match": first})
    assert older.status_code == 200 and older.headers["etag"] != first
    assert "60 hurt" not in older.text and "50 hurt" in older.text


@pytest.mark.parametrize("path", ["/blogs/strike/feed.json", "/blogs/strike/feed.atom", "/blogs/strike"])
def test_a_copy_built_for_another_host_is_not_current(site_with, path):
    """Without a base_url the links are built from the Host header: a copy made for one host is not for another."""
    site = site_with(allowed_hosts="a.example,b.example,127.0.0.1")
    site.blog("strike")
    site.entry("strike", "50 hurt")
    first = site.client.get(path, headers={"Host": "a.example"})
    assert "http://a.example/blogs/strike" in first.text
    other = site.client.get(path, headers={"Host": "b.example", "If-None-Match": first.headers["etag"]})
    assert other.status_code == 200 and other.headers["etag"] != first.headers["etag"]
    assert "http://b.example/blogs/strike" in other.text and "a.example" not in other.text
