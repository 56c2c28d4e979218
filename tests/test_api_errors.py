"""Bad input gets a clear JSON error with the right status, and loses nothing."""

from liveblog import model


def test_malformed_json_is_400(site):
    site.blog("strike")
    cases = {
        b"{": "request body is not valid JSON",
        b"not json": "request body is not valid JSON",
        b"\xff\xfe": "request body is not valid UTF-8",
        b"[" * 5_000 + b"]" * 5_000: "request body is nested too deeply",
    }
    for raw, error in cases.items():
        assert len(raw) < 64 * 1024, "under the body limit, so the parser sees it"
        r = site.client.post("/api/blogs/strike/entries", content=raw, headers=site.headers("editor"))
        assert r.status_code == 400, raw[:10]
        assert r.json()["error"] == error
    assert site.client.get("/api/blogs/strike").json()["entries"] == []


def test_a_json_value_that_is_not_an_object_is_422(site):
    site.blog("strike")
    for raw in [b"[]", b"42", b'"body"', b"null"]:
        r = site.client.post("/api/blogs/strike/entries", content=raw, headers=site.headers("editor"))
        assert r.status_code == 422, raw


def test_bodies_over_64_kib_are_413_but_what_people_write_may_be_the_largest_legal_form(site):
    site.blog("strike")
    r = site.client.post("/api/people", json={"name": "x" * (65 * 1024)}, headers=site.headers("editor"))
    assert r.status_code == 413
    r = site.post("strike", "x" * (model.LARGEST_FORM_BYTES + 1))
    assert r.status_code == 413
    assert r.json()["error"] == "request too large"


def test_a_streamed_body_over_the_limit_is_413(site):
    site.blog("strike")

    def chunks():
        for _ in range(model.LARGEST_FORM_BYTES // 8192 + 1):
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


def test_a_refusal_asked_for_in_another_language_also_says_it_in_that_language(site):
    """The desk's scripts ask in the person's language (Accept-Language) and show ``said``; ``error`` and
    ``detail`` stay English for integrators, and an English request gets no ``said``."""
    site.blog("strike")
    russian = site.headers("editor", **{"Accept-Language": "ru"})
    r = site.client.post("/api/blogs", json={"slug": "ok", "title": ""}, headers=russian)
    assert r.status_code == 422 and r.json() == {"error": "title: is required", "said": "обязательно",
                                                 "detail": {"field": "title", "message": "is required"}}
    ended = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert ended.status_code == 200
    r = site.post("strike", "Late.", headers={"Accept-Language": "kk"})
    assert r.status_code == 409 and r.json()["error"] == "this blog has ended; reopen it to post"
    assert r.json()["said"] and r.json()["said"] != r.json()["error"]
    assert "said" not in site.post("strike", "Late.", headers={"Accept-Language": "en-GB"}).json()


def test_a_refusal_with_values_is_said_in_that_language_with_its_values(site):
    """A refusal built with values (a limit, a revision) is translated as a whole sentence, the values filled in."""
    site.blog("strike")
    r = site.post("strike", "Body.", headline="x" * (model.MAX_HEADLINE + 1), headers={"Accept-Language": "ru"})
    limit = model.MAX_HEADLINE
    assert r.status_code == 422 and r.json()["detail"] == {"field": "headline",
                                                           "message": f"must be at most {limit} characters"}
    assert r.json()["said"] == f"должно быть не длиннее {limit} символов"


def test_query_numbers_too_big_to_store_are_422_naming_the_field(site):
    """``?before=`` and ``?since=`` past 2^63 - 1 would overflow the database driver: refused, by name."""
    site.blog("strike")
    for path, field in (("/api/blogs/strike", "before"), ("/api/blogs/strike/events", "since")):
        for value in (2**63, 10**40):
            r = site.client.get(path, params={field: value})
            assert r.status_code == 422, (path, value)
            assert r.json()["detail"]["field"] == field


def test_a_refusal_varies_with_the_language_asked_for(site):
    """``said`` depends on Accept-Language, so every refusal that may carry it says so to caches, the English one
    too (a cache must not hand it to a Russian desk); an error that never carries ``said`` does not."""
    site.blog("strike")
    for language in ("ru", "en"):
        r = site.post("strike", "Body.", headline="x" * (model.MAX_HEADLINE + 1), headers={"Accept-Language": language})
        assert r.status_code == 422 and r.headers["vary"] == "Accept-Language", language
    site.user("amal")
    r = site.client.post("/api/blogs/strike/reopen", headers=site.headers("amal", **{"Accept-Language": "ru"}))
    assert r.status_code == 403 and r.headers["vary"] == "Accept-Language", r.text
    assert "vary" not in site.client.get("/api/blogs/nope").headers
