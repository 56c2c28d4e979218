"""Signing in to the desk: password and one-time link, 30-day sessions, sign-out, rate limits.

Pins: a right password gives an HttpOnly, SameSite=Strict session cookie lasting 30 days
(Secure only over HTTPS) and sends the person on to /desk; signing in again rotates the
session (the old cookie stops working); the one-time link works exactly once; the link
carries its token after `#` (`/login#token=…`), so it never reaches the server's logs or a
Referer: the page's script posts it, and without JavaScript the link can be pasted; /logout ends
the session; the desk sends strangers to /login; wrong passwords are limited per account
and per address with 429 + Retry-After, and the answer is the same whether or not the
account exists.
"""

from __future__ import annotations

import re

import httpx

from desk import PASSWORD, csrf_of, login_attempt, signed_in
from liveblog import auth, model


def test_password_sign_in_sets_a_strict_http_only_30_day_session(site):
    site.user("amal", password=PASSWORD)
    with httpx.Client(base_url=site.url) as client:
        r = login_attempt(client, "amal", PASSWORD, next="/desk/strike")
        assert r.status_code == 303 and r.headers["location"] == "/desk/strike"
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("lb_session=")).lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=2592000" in cookie
        assert "secure" not in cookie.replace("lb_session=", "")  # plain http on 127.0.0.1
        assert client.get("/desk").status_code == 200


def test_next_never_leaves_the_site(site):
    site.user("amal", password=PASSWORD)
    with httpx.Client(base_url=site.url) as client:
        r = login_attempt(client, "amal", PASSWORD, next="//evil.example/")
        assert r.headers["location"] == "/desk"


def test_strangers_are_sent_to_sign_in(site):
    r = site.client.get("/desk/strike")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/desk/strike"


def test_a_wrong_password_is_refused_and_the_name_kept(site):
    site.user("amal", password=PASSWORD)
    r = login_attempt(site.client, "amal", "wrong")
    assert r.status_code == 401
    assert "Wrong name or password." in r.text and 'value="amal"' in r.text
    assert "lb_session" not in site.client.cookies


def test_signing_in_again_rotates_the_session(site):
    client, _ = signed_in(site, "amal")
    old = client.cookies["lb_session"]
    r = login_attempt(client, "amal", PASSWORD)
    assert r.status_code == 303
    assert client.cookies["lb_session"] != old
    with httpx.Client(base_url=site.url, cookies={"lb_session": old}) as stale:
        assert stale.get("/desk").status_code == 303
    assert client.get("/desk").status_code == 200
    client.close()


def test_a_one_time_link_signs_in_once(site):
    site.user("amal")
    store = site.runtime.store

    async def link() -> str:
        found = await store.get_user("amal")
        return await auth.issue_token(store, found[0], auth.LOGIN, model.utc_now(), auth.LOGIN_LINK_LIFETIME)

    token = site.call(link())
    with httpx.Client(base_url=site.url) as client:
        page = client.get(f"/login?token={token}")
        assert page.status_code == 200 and token in page.text  # a button, so link previews do not spend it
        r = client.post("/login", data={"csrf": csrf_of(page.text), "token": token})
        assert r.status_code == 303 and client.get("/desk").status_code == 200
    with httpx.Client(base_url=site.url) as other:
        page = other.get(f"/login?token={token}")
        r = other.post("/login", data={"csrf": csrf_of(page.text), "token": token})
        assert r.status_code == 401 and "has been used" in r.text


def login_link(site, name: str = "amal") -> str:
    site.user(name)
    store = site.runtime.store

    async def link() -> str:
        found = await store.get_user(name)
        return await auth.issue_token(store, found[0], auth.LOGIN, model.utc_now(), auth.LOGIN_LINK_LIFETIME)

    return site.call(link())  # type: ignore[no-any-return]


def test_a_link_with_the_token_after_the_hash_signs_in_and_the_token_stays_off_the_wire(site, page):
    token = login_link(site)
    sent = []
    page.on("request", lambda r: sent.append(r.url + " " + (r.headers.get("referer") or "")))
    page.goto(f"{site.url}/login#token={token}")
    assert token not in page.url, "the token leaves the address bar (and the history)"
    assert page.is_hidden("#password-form") and page.is_visible("#link-form button")
    page.click("#link-form button")
    page.wait_for_url(site.url + "/desk")
    assert sent and not [s for s in sent if token in s], sent
    page.goto(f"{site.url}/login#token={token}")
    page.click("#link-form button")
    assert "has been used" in page.inner_text("#error")


def test_without_javascript_the_link_can_be_pasted(site, new_page):
    token = login_link(site)
    page = new_page(java_script_enabled=False)
    page.goto(f"{site.url}/login#token={token}")
    assert page.is_visible("#password-form")
    page.fill("#token", f"{site.url}/login#token={token}")
    page.click("#link-form button")
    page.wait_for_url(site.url + "/desk")


def test_a_pasted_code_or_link_is_read_either_way(site):
    for pasted in ("{token}", " {url}/login#token={token}\n", "{url}/login?token={token}"):
        token = login_link(site, f"p{len(site.tokens)}")
        with httpx.Client(base_url=site.url) as client:
            form = client.get("/login")
            r = client.post("/login", data={"csrf": csrf_of(form.text),
                                            "token": pasted.format(token=token, url=site.url)})
            assert r.status_code == 303 and client.get("/desk").status_code == 200, pasted


def test_logout_ends_the_session(site):
    client, csrf = signed_in(site, "amal")
    cookie = client.cookies["lb_session"]
    r = client.post("/logout", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    with httpx.Client(base_url=site.url, cookies={"lb_session": cookie}) as replay:
        assert replay.get("/desk").status_code == 303, "the old cookie no longer works"
    client.close()


def test_wrong_passwords_are_limited_per_account(site_with):
    site = site_with(login_attempts=3)
    site.user("amal", password=PASSWORD)
    for _ in range(3):
        assert login_attempt(site.client, "amal", "wrong").status_code == 401
    r = login_attempt(site.client, "amal", PASSWORD)
    assert r.status_code == 429, "even the right password waits"
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    assert "Too many attempts" in r.text


def test_the_limit_says_nothing_about_whether_the_account_exists(site_with):
    site = site_with(login_attempts=2)
    site.user("amal", password=PASSWORD)
    answers = {}
    for name in ("amal", "nobody-here"):
        with httpx.Client(base_url=site.url) as client:
            first = [login_attempt(client, name, "wrong") for _ in range(2)]
            answers[name] = [(r.status_code, re.sub(r'value="[0-9a-f]{64}"', "CSRF", r.text.replace(name, "NAME")))
                             for r in first]
        site.runtime.limits.clear()  # the address limit would otherwise carry over
    assert answers["amal"] == answers["nobody-here"]


def test_wrong_passwords_are_limited_per_address(site_with):
    site = site_with(login_attempts=3)
    for name in ("a1", "a2", "a3"):
        site.user(name, password=PASSWORD)
        assert login_attempt(site.client, name, "wrong").status_code == 401
    site.user("a4", password=PASSWORD)
    r = login_attempt(site.client, "a4", PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
