"""Helpers for the desk's tests: sign in over HTTP like a browser does, read CSRF tokens from pages."""

from __future__ import annotations

import re

import httpx

PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def login_attempt(client: httpx.Client, name: str, password: str, **extra: str) -> httpx.Response:
    form = client.get("/login")
    return client.post("/login", data={"csrf": csrf_of(form.text), "name": name, "password": password, **extra})


def signed_in(site, name: str, role: str = "correspondent") -> tuple[httpx.Client, str]:
    """A new client holding a session cookie for a new person, and that session's CSRF token."""
    if name not in site.tokens:
        site.user(name, role, password=PASSWORD)
    client = httpx.Client(base_url=site.url, timeout=10)
    r = login_attempt(client, name, PASSWORD)
    assert r.status_code == 303, r.text
    desk = client.get("/desk")
    assert desk.status_code == 200, desk.text
    return client, csrf_of(desk.text)


def browser_sign_in(page, site, name: str, role: str = "correspondent") -> None:
    """Sign in through the login form like a correspondent does."""
    if name not in site.tokens:
        site.user(name, role, password=PASSWORD)
    page.goto(site.url + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(site.url + "/desk")
