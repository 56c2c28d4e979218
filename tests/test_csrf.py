"""CSRF: every desk form and every cookie-authenticated API call carries the session's token.

Pins: a desk form POST without the CSRF field, or with another session's token, is refused
with 403 and changes nothing; the JSON API accepts the session cookie only with the right
X-CSRF-Token header on unsafe methods (GET needs none); Bearer tokens work as before,
without any CSRF header; the sign-in form itself needs its own token; sign-out without the
token is refused (403) and neither ends the session nor drops its cookie; /desk/session.json
gives the desk's script the current session's token (and the server's time), so a page left
open while its owner signed in again elsewhere can carry on, and gives nobody else anything (401).
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from desk import PASSWORD, login_attempt, signed_in


def entries(site, slug: str = "strike") -> list[dict]:
    return site.client.get(f"/api/blogs/{slug}").json()["entries"]


def test_a_desk_form_without_the_token_is_refused(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    r = client.post("/desk/strike/entries", data={"body": "no token"})
    assert r.status_code == 403
    r = client.post("/desk/strike/entries", data={"body": "wrong token", "csrf": "0" * 64})
    assert r.status_code == 403
    assert entries(site) == []
    assert client.post("/desk/strike/entries", data={"body": "right token", "csrf": csrf}).status_code == 303
    assert [e["body"] for e in entries(site)] == ["right token"]
    client.close()


def test_a_token_that_is_not_ascii_is_refused_not_a_crash(site):
    site.blog("strike")
    client, _ = signed_in(site, "amal")
    for junk in ("é" * 64, "%ED%A0%80"):  # the second is a lone surrogate once decoded
        r = client.post("/desk/strike/entries", content=f"body=x&csrf={junk}",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 403, r.text
    r = client.post("/api/blogs/strike/entries", json={"body": "x"},
                    headers={"X-CSRF-Token": "é".encode("latin-1") * 64})
    assert r.status_code in (400, 403), r.text
    assert entries(site) == []
    client.close()


def test_another_sessions_token_does_not_fit(site):
    site.blog("strike")
    amal, _ = signed_in(site, "amal")
    basma, other_csrf = signed_in(site, "basma")
    basma.close()
    assert amal.post("/desk/strike/entries", data={"body": "x", "csrf": other_csrf}).status_code == 403
    assert amal.post("/api/blogs/strike/entries", json={"body": "x"},
                     headers={"X-CSRF-Token": other_csrf}).status_code == 403
    assert entries(site) == []
    amal.close()


def test_the_api_takes_the_session_cookie_only_with_the_csrf_header(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    r = client.post("/api/blogs/strike/entries", json={"body": "no header"})
    assert r.status_code == 403 and r.json()["error"] == "CSRF token missing or wrong"
    assert entries(site) == []
    assert client.get("/api/blogs/strike").status_code == 200, "reads need no token"
    r = client.post("/api/blogs/strike/entries", json={"body": "with header"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201 and r.json()["author"] == "amal"
    client.close()


def test_bearer_tokens_need_no_csrf_header(site):
    site.blog("strike")
    token = site.user("amal", password=PASSWORD)
    r = site.client.post("/api/blogs/strike/entries", json={"body": "from a script"},
                         headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201


def test_the_sign_in_form_needs_its_token(site):
    site.user("amal", password=PASSWORD)
    with httpx.Client(base_url=site.url) as client:
        client.get("/login")
        r = client.post("/login", data={"name": "amal", "password": PASSWORD})
        assert r.status_code == 403 and "lb_session" not in client.cookies


def test_sign_out_without_the_token_is_refused_and_keeps_the_session(site):
    """Issue 14 (9): the answer used to drop the cookie whatever was sent, so any page could sign a
    correspondent out with an auto-submitted form."""
    client, csrf = signed_in(site, "amal")
    for extra in ({}, {"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"}):
        for form in ({}, {"csrf": "0" * 64}):
            r = client.post("/logout", data=form, headers=extra)
            assert r.status_code == 403, (extra, form, r.status_code)
            assert "set-cookie" not in r.headers, "the cookie is left alone"
            assert client.get("/desk").status_code == 200, "still signed in"
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    assert client.get("/desk").status_code == 303, "the token signs out"
    client.close()


def test_a_cross_site_sign_out_without_the_cookie_touches_nothing(site):
    """A SameSite=Strict cookie stays home on a cross-site post: the answer must not drop it either."""
    client, _ = signed_in(site, "amal")
    with httpx.Client(base_url=site.url) as stranger:
        r = stranger.post("/logout", data={}, headers={"Origin": "https://elsewhere.example"})
        assert r.status_code == 303 and "set-cookie" not in r.headers
    assert client.get("/desk").status_code == 200
    client.close()


def test_the_desk_script_can_renew_its_token(site):
    site.blog("strike")
    client, old = signed_in(site, "amal")
    r = client.get("/desk/session.json")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert r.json()["csrf"] == old and r.json()["name"] == "amal"
    server_now = datetime.fromisoformat(r.json()["now"].replace("Z", "+00:00"))
    assert abs((server_now - datetime.now(UTC)).total_seconds()) < 5
    assert login_attempt(client, "amal", PASSWORD).status_code == 303  # signed in again: a new session
    stale = client.post("/api/blogs/strike/entries", json={"body": "x"}, headers={"X-CSRF-Token": old})
    assert stale.status_code == 403
    fresh = client.get("/desk/session.json").json()["csrf"]
    assert fresh != old
    r = client.post("/api/blogs/strike/entries", json={"body": "renewed"}, headers={"X-CSRF-Token": fresh})
    assert r.status_code == 201
    client.close()
    with httpx.Client(base_url=site.url) as stranger:
        r = stranger.get("/desk/session.json")
        assert r.status_code == 401 and r.json()["error"] == "authentication required" and "csrf" not in r.text
