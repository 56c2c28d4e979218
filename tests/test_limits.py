"""Limits with clear errors: bodies (413), entries per minute per person and streams per address (429 + Retry-After).

The desk's plain compose form counts against the same per-person limit as the API, and a refused
form comes back with the message and the typed text; a resent form (same hidden key) is not counted.
"""

import re

import httpx

from desk import signed_in
from sse import read_stream


def test_entries_per_minute_per_person(site_with):
    site = site_with(posts_per_minute=3)
    site.blog("strike")
    site.user("amal")
    for i in range(3):
        assert site.post("strike", f"update {i}", as_="amal").status_code == 201
    r = site.post("strike", "one too many", as_="amal")
    assert r.status_code == 429
    assert r.json()["error"].startswith("too many entries") and r.json()["detail"] == {"limit_per_minute": 3}
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert len(site.client.get("/api/blogs/strike").json()["entries"]) == 3
    assert site.post("strike", "someone else", as_="editor").status_code == 201


def test_the_desk_form_shares_the_per_person_limit(site_with):
    site = site_with(posts_per_minute=2)
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    key = re.search(r'name="key" value="([^"]+)"', client.get("/desk/strike").text).group(1)
    first = {"csrf": csrf, "key": key, "body": "From the form."}
    assert client.post("/desk/strike/entries", data=first).status_code == 303
    assert client.post("/api/blogs/strike/entries", json={"body": "From the desk's script."},
                       headers={"X-CSRF-Token": csrf}).status_code == 201
    r = client.post("/desk/strike/entries", data={"csrf": csrf, "headline": "Kept", "body": "One too many.",
                                                  "key_event": "on"})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
    assert 'role="alert"' in r.text and "Too many updates" in r.text
    assert ">One too many.</textarea>" in r.text and 'value="Kept"' in r.text
    assert client.post("/desk/strike/entries", data=first).status_code == 303, "a resend is not counted"
    assert [e["body"] for e in site.client.get("/api/blogs/strike").json()["entries"]] == \
        ["From the desk's script.", "From the form."]
    client.close()


def test_streams_per_address(site_with):
    site = site_with(streams_per_address=2)
    site.blog("strike")
    url = f"{site.url}/blogs/strike/events"
    with httpx.stream("GET", url, timeout=10) as one, httpx.stream("GET", url, timeout=10) as two:
        assert one.status_code == two.status_code == 200
        refused = httpx.get(url, timeout=10)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
        assert refused.json()["error"] == "too many open streams from this address"
    # closed streams give their places back
    frames = read_stream(url + "?since=0", until=lambda f: any(x.id for x in f))
    assert frames


def test_an_unknown_blog_does_not_use_up_stream_places(site_with):
    site = site_with(streams_per_address=1)
    site.blog("strike")
    for _ in range(3):
        assert httpx.get(f"{site.url}/blogs/nope/events").status_code == 404
    assert read_stream(f"{site.url}/blogs/strike/events?since=0", until=lambda f: any(x.id for x in f))


def test_oversized_headers_are_refused_with_431(site_with):
    site = site_with(max_header_bytes=2048)
    r = site.client.get("/api/blogs", headers={"X-Padding": "x" * 4096})
    assert r.status_code == 431
    assert r.json() == {"error": "request headers too large", "detail": {"limit_bytes": 2048}}
    assert site.client.get("/api/blogs", headers={"X-Padding": "x" * 1000}).status_code == 200
    site.blog("strike")
    r = site.client.get("/blogs/strike/events", headers={"X-Padding": "x" * 4096})  # streams take a shorter path
    assert r.status_code == 431 and r.json()["error"] == "request headers too large"
