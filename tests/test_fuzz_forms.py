"""Hostile input to every form the desk accepts: never a 500, and a refused form changes nothing stored.

Bodies are urlencoded forms with random, missing, repeated and unknown fields, invalid UTF-8 and
percent-escapes, huge values, and raw bytes; the CSRF field is right, wrong or missing. Photo uploads get
multipart bodies, well-formed and not (truncated, wrong or missing boundaries, broken part headers, too many
parts, raw bytes). What is stored is every row of every table and the photo files (``Site.stored``).
"""

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk import signed_in

FIELDS = ["slug", "title", "body", "headline", "note", "key_event", "pinned", "supersedes", "filed_at", "revision",
          "caption", "name", "password", "next", "csrf"]
values = (st.text(max_size=60) | st.binary(max_size=60).map(lambda b: b.decode("latin-1"))
          | st.just("x" * 70_000) | st.just("\ud800") | st.sampled_from(["²", "①", "٣"]) | st.integers().map(str))
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
    "/desk/strike/entries/²/correct",  # "²" and "①": digits to str.isdigit(), not to int()
    "/desk/strike/entries/①/withdraw",
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
        before = site.stored()
        field = {"right": csrf, "wrong": "0" * 64, "missing": None}[token]
        body = raw if raw is not None else encode(fields, field)
        r = editor.post(url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code < 500, (r.status_code, r.text[:300], body[:200])
        if r.status_code >= 400 or token != "right":
            assert site.stored() == before, (r.status_code, body[:200])

    run()
    assert editor.get("/desk").status_code == 200, "the editor's session survived the fuzzing"


BOUNDARY = "lbfuzz0boundary"
part_names = st.sampled_from(["file", "caption", "csrf"]) | st.text(max_size=8)
part_headers = st.sampled_from([
    'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: image/jpeg',
    'Content-Disposition: form-data; name="{name}"',
    'Content-Disposition: form-data; name={name}; filename={filename}',
    'Content-Disposition: attachment',
    'Content-Type: image/jpeg',
    '',
    'Content-Disposition: form-data; name="{name}"; filename*=UTF-8\'\'{filename}\r\nX: \xff',
])


@st.composite
def multipart_bodies(draw) -> tuple[str, bytes]:
    """A multipart body and its Content-Type: well-formed, then maybe broken in one of several ways."""
    chunks = []
    for _ in range(draw(st.integers(min_value=0, max_value=7))):
        head = draw(part_headers).format(name=draw(part_names), filename=draw(st.text(max_size=20)))
        chunks.append(f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode("utf-8", "surrogatepass") + draw(st.binary(max_size=300))
                      + b"\r\n")
    body = b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()
    damage = draw(st.sampled_from(["none", "truncate", "no-end", "other-boundary", "garbage", "raw"]))
    if damage == "truncate":
        body = body[:draw(st.integers(min_value=0, max_value=len(body)))]
    elif damage == "no-end":
        body = body.replace(f"--{BOUNDARY}--".encode(), b"")
    elif damage == "other-boundary":
        body = body.replace(BOUNDARY.encode(), b"elsewhere", 1)
    elif damage == "garbage":
        at = draw(st.integers(min_value=0, max_value=len(body)))
        body = body[:at] + draw(st.binary(min_size=1, max_size=50)) + body[at:]
    elif damage == "raw":
        body = draw(st.binary(max_size=500))
    content_type = draw(st.sampled_from([f"multipart/form-data; boundary={BOUNDARY}",
                                         f'multipart/form-data; boundary="{BOUNDARY}"', "multipart/form-data",
                                         "multipart/form-data; boundary=", "multipart/mixed; boundary=" + BOUNDARY,
                                         "application/octet-stream"]))
    return content_type, body


def test_random_uploads_never_break_the_desk(desk):
    site, editor, csrf, _ = desk

    @FUZZ
    @given(data=st.binary(max_size=2_000), name=st.text(max_size=40), caption=values,
           token=st.sampled_from(["right", "wrong"]))
    def run(data, name, caption, token):
        before = site.stored()
        headers = {"X-CSRF-Token": csrf if token == "right" else "0" * 64}
        r = editor.post("/api/media", files={"file": (name or "p.jpg", data, "image/jpeg")},
                        data={"caption": caption.encode("utf-8", "surrogatepass").decode("utf-8", "replace")},
                        headers=headers)
        assert r.status_code in (403, 413, 422), (r.status_code, r.text[:300])
        assert set(r.json()) == {"error", "detail"}
        assert site.stored() == before

    run()


def test_malformed_multipart_never_breaks_uploads(desk):
    site, editor, csrf, _ = desk

    @FUZZ
    @given(upload=multipart_bodies(), token=st.sampled_from(["right", "wrong"]))
    def run(upload, token):
        content_type, body = upload
        before = site.stored()
        headers = {"Content-Type": content_type, "X-CSRF-Token": csrf if token == "right" else "0" * 64}
        r = editor.post("/api/media", content=body, headers=headers)
        assert r.status_code in (400, 403, 413, 422), (r.status_code, r.text[:300], body[:300])
        assert set(r.json()) == {"error", "detail"}
        assert site.stored() == before, body[:300]

    run()
