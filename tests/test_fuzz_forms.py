"""Hostile input to every form the desk accepts: never a 500, and a refused form changes nothing stored.

Bodies are urlencoded forms with random, missing, repeated and unknown fields, invalid UTF-8 and
percent-escapes, huge values, and raw bytes; the CSRF field is right, wrong or missing. Photo uploads get
random multipart bodies. What is stored is compared through the public API and the event log.
"""

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk import signed_in

FIELDS = ["slug", "title", "body", "headline", "note", "key_event", "pinned", "supersedes", "filed_at", "revision",
          "caption", "name", "password", "next", "csrf"]
values = (st.text(max_size=60) | st.binary(max_size=60).map(lambda b: b.decode("latin-1"))
          | st.just("x" * 70_000) | st.just("\ud800") | st.integers().map(str))
pairs = st.lists(st.tuples(st.sampled_from(FIELDS) | st.text(max_size=8), values), max_size=8)

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def encode(fields: list[tuple[str, str]], csrf: str | None) -> bytes:
    """An urlencoded form, byte by byte (so lone surrogates and invalid UTF-8 escapes get through)."""
    items = list(fields) + ([("csrf", csrf)] if csrf is not None else [])
    return "&".join(
        quote_from_bytes(k.encode("utf-8", "surrogatepass")) + "="
        + quote_from_bytes(v.encode("utf-8", "surrogatepass")) for k, v in items
    ).encode()


def stored(site) -> tuple[object, ...]:
    blogs = site.client.get("/api/blogs").json()
    detail = {b["slug"]: site.client.get(f"/api/blogs/{b['slug']}?limit=100").json() for b in blogs["blogs"]}
    events = site.client.get("/api/blogs/strike/events?limit=500").json()["events"]
    return blogs, detail, len(events)


@pytest.fixture
def desk(site_with):
    site = site_with(posts_per_minute=1_000_000, login_attempts=1_000_000)
    site.blog("strike")
    site.user("dana")
    editor, csrf = signed_in(site, "editor", "editor")
    entry = site.entry("strike", "The first update", as_="editor")
    yield site, editor, csrf, entry
    editor.close()


FORMS = [
    "/desk/blogs",
    "/desk/strike/entries",
    "/desk/strike/entries/{id}/correct",
    "/desk/strike/entries/{id}/withdraw",
    "/desk/strike/end",
    "/desk/people/dana/revoke",
    "/login",
]


@pytest.mark.parametrize("path", FORMS)
def test_random_forms_never_break_the_desk(desk, path):
    site, editor, csrf, entry = desk
    url = path.format(id=entry["id"])

    @FUZZ
    @given(fields=pairs, token=st.sampled_from(["right", "wrong", "missing"]),
           raw=st.none() | st.binary(max_size=200))
    def run(fields, token, raw):
        before = stored(site)
        field = {"right": csrf, "wrong": "0" * 64, "missing": None}[token]
        body = raw if raw is not None else encode(fields, field)
        r = editor.post(url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code < 500, (r.status_code, r.text[:300], body[:200])
        if r.status_code >= 400 or token != "right":
            assert stored(site) == before, (r.status_code, body[:200])

    run()
    assert editor.get("/desk").status_code == 200, "the editor's session survived the fuzzing"


def test_random_uploads_never_break_the_desk(desk):
    site, editor, csrf, _ = desk

    @FUZZ
    @given(data=st.binary(max_size=2_000), name=st.text(max_size=40), caption=values,
           token=st.sampled_from(["right", "wrong"]))
    def run(data, name, caption, token):
        headers = {"X-CSRF-Token": csrf if token == "right" else "0" * 64}
        r = editor.post("/api/media", files={"file": (name or "p.jpg", data, "image/jpeg")},
                        data={"caption": caption.encode("utf-8", "surrogatepass").decode("utf-8", "replace")},
                        headers=headers)
        assert r.status_code in (403, 413, 422), (r.status_code, r.text[:300])
        assert set(r.json()) == {"error", "detail"}

    run()
