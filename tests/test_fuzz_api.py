"""Hostile input to every JSON endpoint: never a 500, and a refused request changes nothing stored.

"Stored" is every row of every table (blogs, entries, corrections, the event log, people, tokens and
sessions, idempotency keys, photos) and the photo files, read from the database itself.
"""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
FIELDS = ["body", "headline", "key_event", "pinned", "supersedes", "filed_at", "note", "slug", "title", "summary",
          "intro", "status"]
objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=6)
bodies = (
    objects.map(lambda o: json.dumps(o).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=300)
    | st.integers(min_value=1, max_value=5000).map(lambda n: b"[" * n + b"]" * n)
    | st.integers(min_value=1, max_value=5000).map(lambda n: b'{"body":' * n)
    | st.just(b'{"body": "\xff\xfe invalid utf-8"}')
    | st.just(json.dumps({"body": "x" * 70_000}).encode())
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


@pytest.fixture
def story(site_with):
    site = site_with(posts_per_minute=1_000_000)
    site.blog("strike")
    site.user("amal")
    entry = site.entry("strike", "The first update", as_="amal")
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    r = site.client.post("/api/media", files={"file": ("p.jpg", photo.getvalue(), "image/jpeg")},
                         headers=site.headers("amal"))
    assert r.status_code == 201, r.text
    stored = site.stored()
    assert all(stored[0][table] for table in ("events", "users", "tokens", "media")) and stored[1]
    return site, entry


ROUTES = [
    ("POST", "/api/blogs"),
    ("PATCH", "/api/blogs/strike"),
    ("POST", "/api/blogs/strike/entries"),
    ("POST", "/api/blogs/strike/entries/{id}/corrections"),
    ("POST", "/api/blogs/strike/entries/{id}/retraction"),
]


@pytest.mark.parametrize("method,path", ROUTES)
def test_random_bodies_never_break_the_server(story, method, path):
    site, entry = story
    url = path.format(id=entry["id"])

    @FUZZ
    @given(body=bodies, who=st.sampled_from(["editor", "amal", None]))
    def run(body, who):
        before = site.stored()
        headers = {"Content-Type": "application/json", **(site.headers(who) if who else {})}
        r = site.client.request(method, url, content=body, headers=headers)
        assert r.status_code < 500, (r.status_code, r.text, body[:200])
        assert set(r.json()) == {"error", "detail"} or r.status_code < 300
        if r.status_code >= 400:
            assert site.stored() == before, body[:200]

    run()


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["limit", "before", "since"]), st.text(max_size=30), max_size=3))
def test_random_query_strings_never_break_reads(story, params):
    site, _ = story
    for path in ("/api/blogs/strike", "/api/blogs/strike/events", "/blogs/strike", "/blogs/strike/feed.json"):
        r = site.client.get(path, params=params)
        assert r.status_code < 500, (path, params, r.status_code)
