"""Helpers for the desk's tests: sign in over HTTP like a browser does, read CSRF tokens from pages, and drive
the desk's compose box and outbox in Chromium (the blog "strike", as "amal")."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime

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


# the compose page in Chromium

ENTRIES_API = "**/api/blogs/strike/entries"
ITEMS = "#outbox-items li"


def published(site) -> list[dict]:
    return site.client.get("/api/blogs/strike").json()["entries"]


def wait_for(page, check, seconds: float = 20) -> None:
    """Poll through Playwright, so its route handlers keep running meanwhile."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "did not happen in time"
        page.wait_for_timeout(200)


def waiting(page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('{ITEMS}').length === {n}")


def outbox(page) -> list[dict]:
    return json.loads(page.evaluate("localStorage.getItem('liveblog-outbox:strike') || '[]'"))


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def routable_page(new_page):
    """A page whose requests ``page.route`` sees: a service worker would pass them on unseen."""
    return new_page(service_workers="block")


OFFLINE_READY = """() => caches.open('liveblog-desk-v1').then(c => c.keys()).then(keys => {
    const cached = keys.map(r => r.url), page = location.origin + location.pathname;
    const assets = [...document.querySelectorAll('link[rel=stylesheet], script[src]')].map(e => e.href || e.src);
    return cached.includes(page) && assets.every(a => cached.includes(a));
})"""


def open_desk(page, site, offline_ready: bool = False) -> None:
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    if offline_ready:  # the service worker holds the page and every asset it links (desk-core.js and desk.js)
        page.wait_for_function("() => navigator.serviceWorker.ready.then(() => caches.has('liveblog-desk-v1'))")
        page.wait_for_function(OFFLINE_READY)


def post(page, body: str) -> None:
    page.fill("#body", body)
    page.click("#send")


def edit(page, n: int = 0) -> None:
    """Tap Edit on the n-th waiting post and wait until it is in the compose box (the tab claims it first)."""
    page.locator(ITEMS).nth(n).locator("button.edit").click()
    page.wait_for_selector("#cancel-edit", state="visible")
