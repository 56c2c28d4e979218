"""The desk's outbox: posts made with no connection are kept on the phone and sent exactly once later.

Pins (headless Chromium, 390x844): offline, two posts wait in a visible outbox ("2 waiting
— will send when online") with the compose box cleared; they survive a page reload while
the server is still unreachable, and the desk page itself reopens with no connection at
all (from the service worker's cache); once it is reachable both arrive exactly once, in order,
each with the filed_at time it was written at (not the time it arrived); a send whose
answer is lost is retried with the same Idempotency-Key and still publishes once; a waiting
post can be discarded; a draft survives a reload.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from desk import browser_sign_in

ENTRIES_API = "**/api/blogs/strike/entries"


def published(site) -> list[dict]:
    return site.client.get("/api/blogs/strike").json()["entries"]


def wait_for(page, check, seconds: float = 20) -> None:
    """Poll through Playwright, so its route handlers keep running meanwhile."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "did not happen in time"
        page.wait_for_timeout(200)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_offline_posts_survive_a_reload_and_arrive_exactly_once_with_their_filed_at(site, page):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    page.context.set_offline(True)
    filed = []
    for body in ("First, written offline.", "Second, written offline."):
        filed.append(datetime.now(timezone.utc))
        page.fill("#body", body)
        page.click("#send")
        time.sleep(1.1)  # the two posts are filed at visibly different times
    page.wait_for_function("() => document.querySelectorAll('#outbox-items li').length === 2")
    assert page.inner_text("#outbox-summary") == "2 waiting — will send when online"
    assert page.input_value("#body") == "", "the compose box is free for the next post"
    assert published(site) == []

    # Still cut off from the server (every send fails at the network level) while the page is reloaded.
    page.route(ENTRIES_API, lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#outbox-items li').length === 2")
    assert published(site) == []

    page.unroute(ENTRIES_API)
    page.context.set_offline(True)
    page.context.set_offline(False)  # the browser's "online" event: send now rather than at the next backoff
    wait_for(page, lambda: len(published(site)) == 2)
    page.wait_for_function("() => document.querySelectorAll('#outbox-items li').length === 0")
    entries = sorted(published(site), key=lambda e: e["id"])
    assert [e["body"] for e in entries] == ["First, written offline.", "Second, written offline."]
    for entry, when in zip(entries, filed):
        assert abs((at(entry["filed_at"]) - when).total_seconds()) < 1, "filed_at is when it was written"
        assert at(entry["published_at"]) > at(entry["filed_at"])
    time.sleep(1)
    assert len(published(site)) == 2, "nothing is sent twice"
    assert page.locator("#outbox").is_hidden()


def test_the_desk_reopens_with_no_connection(site, page):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => caches.has('liveblog-desk-v1'))")
    page.wait_for_function("() => caches.open('liveblog-desk-v1').then(c => c.keys()).then(k => k.length >= 3)")
    page.context.set_offline(True)
    page.fill("#body", "Written in the dark.")
    page.click("#send")
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#outbox-items li').length === 1")
    assert page.inner_text("#outbox-summary") == "1 waiting — will send when online"
    assert page.locator("#compose").is_visible()
    page.context.set_offline(False)
    wait_for(page, lambda: [e["body"] for e in published(site)] == ["Written in the dark."])


def test_a_lost_answer_is_retried_and_publishes_once(site, page):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    lost = []

    def lose_the_answer(route):
        route.fetch()  # the server receives and stores it...
        lost.append(route.request.headers["idempotency-key"])
        route.abort("connectionreset")  # ...but the phone never hears back

    page.route(ENTRIES_API, lose_the_answer, times=1)
    page.fill("#body", "Sent into a dead connection.")
    page.click("#send")
    wait_for(page, lambda: len(lost) == 1)
    page.wait_for_function("() => document.querySelectorAll('#outbox-items li').length === 0", timeout=20_000)
    entries = published(site)
    assert [e["body"] for e in entries] == ["Sent into a dead connection."]


def test_a_waiting_post_can_be_discarded_and_a_draft_survives_a_reload(site, page):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    page.context.set_offline(True)
    page.fill("#body", "Never mind this one.")
    page.click("#send")
    page.wait_for_function("() => document.querySelectorAll('#outbox-items li').length === 1")
    page.once("dialog", lambda d: d.accept())
    page.click("#outbox-items button.discard")
    page.wait_for_function("() => document.getElementById('outbox').hidden")
    page.context.set_offline(False)
    page.fill("#headline", "Half-written")
    page.type("#body", "A draft in progress")
    page.reload()
    assert page.input_value("#headline") == "Half-written"
    assert page.input_value("#body") == "A draft in progress"
    time.sleep(0.5)
    assert published(site) == []
