"""Issue 14 (7, 8): odd input is a clear 4xx naming what is wrong, never a 500, and changes nothing.

Pins: a lone surrogate in the JSON of every write route; a ``filed_at`` that leaves the years 1-9999 once
in UTC; a slug with a final newline (``$`` matched before it: the write committed, then the Location header
failed, so a retry without a key duplicated); numbers past what a store holds in the query string and in
If-Match; odd bytes in Last-Event-ID, If-Match, Idempotency-Key; NUL and odd bytes in paths, form fields and
multipart names, on both stores (PostgreSQL refuses NUL in text).
"""

from __future__ import annotations

import io

import httpx
from PIL import Image

import test_control_characters
from desk import csrf_of, signed_in

story = test_control_characters.story  # the fixture: the blog "strike" with one entry


def raw_json(site, method: str, path: str, body: str, **headers: str) -> httpx.Response:
    """``headers`` go as the bytes of their latin-1 text, as a client may send anything."""
    sent = {k: v.encode("latin-1") for k, v in {**site.headers("editor"), **headers}.items()}
    return site.client.request(method, path, content=body.encode(), headers={"Content-Type": "application/json",
                                                                             **sent})


def test_a_lone_surrogate_is_a_422_on_every_write_route(story):
    site, entry = story
    before = site.stored()
    entry_path = f"/api/blogs/strike/entries/{entry['id']}"
    for method, path, body, field in [
        ("POST", "/api/blogs", '{"slug": "other", "title": "\\ud800"}', "title"),
        ("PATCH", "/api/blogs/strike", '{"summary": "\\udc00"}', "summary"),
        ("POST", "/api/blogs/strike/entries", '{"body": "a\\ud800b"}', "body"),
        ("POST", f"{entry_path}/corrections", '{"body": "b", "note": "\\ud800"}', "note"),
        ("POST", f"{entry_path}/retraction", '{"note": "\\udfff"}', "note"),
    ]:
        r = raw_json(site, method, path, body)
        assert r.status_code == 422 and r.json()["detail"]["field"] == field, (path, r.status_code, r.text)
    assert site.stored() == before


def test_a_filed_at_outside_the_years_1_to_9999_in_utc_is_named(story):
    site, _ = story
    before = site.stored()
    for filed_at in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01"):
        r = site.post("strike", "late", filed_at=filed_at)
        assert r.status_code == 422, (filed_at, r.status_code, r.text)
        assert r.json()["detail"] == {"field": "filed_at",
                                      "message": "is outside the years a time can have"}
    assert site.stored() == before


def test_a_slug_with_a_final_newline_is_refused_before_anything_is_written(story):
    site, _ = story
    before = site.stored()
    for slug in ("news\n", "news\r\n", "news\n\n", "\nnews"):
        r = site.client.post("/api/blogs", json={"slug": slug, "title": "News"}, headers=site.headers("editor"))
        assert r.status_code == 422 and r.json()["detail"]["field"] == "slug", (repr(slug), r.status_code)
    assert site.stored() == before


def test_numbers_past_a_store_and_odd_header_bytes_are_clear_refusals(story):
    site, entry = story
    before = site.stored()
    big = str(2**63)
    for path in (f"/api/blogs/strike?before={big}", f"/api/blogs/strike/events?since={big}",
                 "/api/blogs/strike?limit=99999999999999999999999", f"/api/blogs/strike?before={'9' * 5000}"):
        r = site.client.get(path)
        assert r.status_code == 422, (path, r.status_code)
    for path in (f"/blogs/strike?before={big}", f"/blogs/strike/feed.atom?before={big}",
                 f"/blogs/strike/entries/{big}", f"/api/blogs/strike/entries/{big}"):
        assert site.client.get(path).status_code == 404, path
    correct = f"/api/blogs/strike/entries/{entry['id']}/corrections"
    for if_match in (big, "9" * 5000, "\xff", '"-1"', "1_0", "+1", "0"):  # int() took the last four
        r = raw_json(site, "POST", correct, '{"body": "b", "note": "n"}', **{"If-Match": if_match})
        assert r.status_code == 400 and r.json()["error"].startswith("If-Match"), (if_match, r.status_code, r.text)
    for key in ("\x85", "a\tb", "", "x" * 201):
        r = raw_json(site, "POST", "/api/blogs/strike/entries", '{"body": "b"}', **{"Idempotency-Key": key})
        assert r.status_code == 400 and "Idempotency-Key" in r.json()["error"], (repr(key), r.text)
    for header in ("If-Match", "Idempotency-Key"):  # refused by the HTTP parser before the app sees it
        r = raw_json(site, "POST", correct, '{"body": "b", "note": "n"}', **{header: "1\x7f"})
        assert r.status_code == 400, (header, r.status_code)
    assert site.stored() == before
    for last in (big, "\xff\xfe", "-1", "1_0"):
        with site.client.stream("GET", "/blogs/strike/events", headers={"Last-Event-ID": last.encode("latin-1")}) as r:
            assert r.status_code == 200, (repr(last), r.status_code)


def test_nul_and_odd_bytes_in_paths_and_forms_are_not_a_500(story):
    site, entry = story
    for path in ("/blogs/%00", "/api/blogs/%00", "/blogs/%00/feed.atom", "/blogs/%00/feed.json",
                 "/api/blogs/%00/events", "/blogs/%ff%fe", f"/blogs/strike%00/entries/{entry['id']}",
                 "/api/blogs/strike%0A"):
        r = site.client.get(path)
        assert r.status_code == 404, (path, r.status_code)
    r = raw_json(site, "POST", "/api/blogs/%00/entries", '{"body": "b"}')
    assert r.status_code == 404, r.text
    with httpx.Client(base_url=site.url) as client:
        form = client.get("/login")
        r = client.post("/login", data={"csrf": csrf_of(form.text), "name": "ed\x00itor", "password": "x"})
        assert r.status_code == 401, r.status_code
    client, csrf = signed_in(site, "chief", "editor")
    for path in ("/desk/%00", "/desk/%00/end"):
        r = client.get(path) if not path.endswith("end") else client.post(path, data={"csrf": csrf})
        assert r.status_code == 404, (path, r.status_code)
    assert client.post("/desk/people/%00/revoke", data={"csrf": csrf}).status_code == 404
    r = client.post("/desk/strike/entries", files={"body": (None, b"\xff\xfe\x00"), "csrf": (None, csrf.encode())})
    assert r.status_code == 422, r.status_code
    r = client.post("/desk/strike/entries", data={"body": "b", "key": "abcdefgh\x00", "csrf": csrf})
    assert r.status_code == 303, r.status_code  # a key that cannot be stored is no key
    with site.client.stream("GET", "/blogs/%00/events") as r:
        assert r.status_code == 404
    client.close()
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    odd = {"cap\xfftion": (None, b"x"), "file": ("p\x00\xff.jpg", photo.getvalue(), "image/jpeg")}
    r = site.client.post("/api/media", files=odd, headers=site.headers("editor"))
    assert r.status_code in (201, 400, 422), (r.status_code, r.text)


def test_query_numbers_are_ascii_digits_as_ids_are(story):
    """int() also reads "+5", "1_0", " 5" and other scripts' digits: the API's query numbers took them while
    the pages, feeds and If-Match (parse_id) did not. One rule now: ASCII digits, else a 422 naming the field."""
    site, _ = story
    for query, field in (("before=%2B5", "before"), ("limit=1_0", "limit"), ("limit=%205", "limit"),
                         ("before=%D9%A3", "before"), ("since=-1", "since")):
        path = "/api/blogs/strike/events" if field == "since" else "/api/blogs/strike"
        r = site.client.get(f"{path}?{query}")
        assert r.status_code == 422, (query, r.status_code, r.text)
        assert r.json()["detail"]["field"] == field, (query, r.json())
    assert site.client.get("/api/blogs/strike?limit=5&before=10").status_code == 200
