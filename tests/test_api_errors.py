"""Bad input gets a clear JSON error with the right status, and loses nothing."""


def test_malformed_json_is_400(site):
    site.blog("strike")
    for raw in [b"{", b"not json", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000]:
        r = site.client.post("/api/blogs/strike/entries", content=raw, headers=site.headers("editor"))
        assert r.status_code in (400, 413), raw[:10]
        assert set(r.json()) == {"error", "detail"}


def test_a_json_value_that_is_not_an_object_is_422(site):
    site.blog("strike")
    for raw in [b"[]", b"42", b'"body"', b"null"]:
        r = site.client.post("/api/blogs/strike/entries", content=raw, headers=site.headers("editor"))
        assert r.status_code == 422, raw


def test_bodies_over_64_kib_are_413(site):
    site.blog("strike")
    r = site.post("strike", "x" * (65 * 1024))
    assert r.status_code == 413
    assert r.json()["error"] == "request too large"


def test_a_streamed_body_over_the_limit_is_413(site):
    site.blog("strike")

    def chunks():
        for _ in range(20):
            yield b"x" * 8192

    r = site.client.post("/api/blogs/strike/entries", content=chunks(), headers=site.headers("editor"))
    assert r.status_code == 413


def test_unknown_routes_and_methods(site):
    r = site.client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json() == {"error": "not found", "detail": None}
    r = site.client.delete("/api/blogs")
    assert r.status_code == 405 and r.json()["error"] == "method not allowed"


def test_validation_errors_name_the_field(site):
    site.user("ed", "editor")
    r = site.client.post("/api/blogs", json={"slug": "ok", "title": ""}, headers=site.headers("ed"))
    assert r.status_code == 422
    assert r.json() == {"error": "title: is required", "detail": {"field": "title", "message": "is required"}}
