"""The desk's outbox: posts made with no connection are kept on the phone and sent exactly once later.

Pins (headless Chromium, 390x844): offline, two posts wait in a visible outbox ("2 waiting
— will send when online") with the compose box cleared; the page reloaded with no
connection at all reopens from the service worker's cache with both still waiting; once
online both arrive exactly once, in order, each with the filed_at time it was written at
(not the time it arrived); a send whose answer is lost is retried with the same
Idempotency-Key and still publishes once; a send that hangs (a connection that died without a
word) is given up after 30 s and sent again; a 200 that is not the server's JSON (a captive
portal's page) is retried, not taken for an answer; a waiting post can be discarded, and
one discarded while another is on its way is never sent; a waiting post being edited stays
in the outbox (through a reload) until "Send again", then arrives once under its first key
and filed_at, and the draft it displaced comes back (also when the edit is abandoned); posts refused because the person
signed in again elsewhere (a new CSRF token) are sent with a fresh token, and posts held
while signed out are sent once they are back; the outbox's list is not rebuilt every
second and its live region speaks only when something changes; a draft survives a reload.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from desk import (
    ENTRIES_API,
    ITEMS,
    at,
    browser_sign_in,
    edit,
    open_desk,
    outbox,
    post,
    published,
    routable_page,
    wait_for,
    waiting,
)
from liveblog import auth, model


def test_offline_posts_survive_a_reload_and_arrive_exactly_once_with_their_filed_at(site, page):
    open_desk(page, site, offline_ready=True)
    page.context.set_offline(True)
    filed = []
    for body in ("First, written offline.", "Second, written offline."):
        filed.append(datetime.now(UTC))
        post(page, body)
        time.sleep(1.1)  # the two posts are filed at visibly different times
    waiting(page, 2)
    assert page.inner_text("#outbox-summary") == "2 waiting — will send when online"
    assert page.input_value("#body") == "", "the compose box is free for the next post"

    page.reload()  # no connection at all: the page comes from the phone's cache
    waiting(page, 2)
    assert page.inner_text("#outbox-summary") == "2 waiting — will send when online"
    assert page.locator("#compose").is_visible()
    assert published(site) == []

    page.context.set_offline(False)
    wait_for(page, lambda: len(published(site)) == 2)
    waiting(page, 0)
    entries = sorted(published(site), key=lambda e: e["id"])
    assert [e["body"] for e in entries] == ["First, written offline.", "Second, written offline."]
    for entry, when in zip(entries, filed, strict=True):
        assert abs((at(entry["filed_at"]) - when).total_seconds()) < 1, "filed_at is when it was written"
        assert at(entry["published_at"]) > at(entry["filed_at"])
    time.sleep(1)
    assert len(published(site)) == 2, "nothing is sent twice"
    assert page.locator("#outbox").is_hidden()


def test_a_lost_answer_is_retried_and_publishes_once(site, new_page):
    page = routable_page(new_page)
    open_desk(page, site)
    lost = []

    def lose_the_answer(route):
        route.fetch()  # the server receives and stores it...
        lost.append(route.request.headers["idempotency-key"])
        route.abort("connectionreset")  # ...but the phone never hears back

    page.route(ENTRIES_API, lose_the_answer, times=1)
    post(page, "Sent into a dead connection.")
    wait_for(page, lambda: len(lost) == 1)
    page.wait_for_function(f"() => document.querySelectorAll('{ITEMS}').length === 0", timeout=20_000)
    assert [e["body"] for e in published(site)] == ["Sent into a dead connection."]


def test_a_request_that_hangs_is_given_up_and_sent_again(site, new_page):
    """A connection that died without a word (no reset, no error) would hold the outbox for many minutes."""
    page = routable_page(new_page)
    page.clock.install(time=datetime.now(UTC))  # the page's timers, which the test moves on
    open_desk(page, site)
    hung = []
    page.route(ENTRIES_API, lambda route: hung.append(route), times=1)  # never answered
    post(page, "Sent into a silent connection.")
    wait_for(page, lambda: len(hung) == 1)
    page.clock.fast_forward("00:25")
    page.wait_for_timeout(300)
    assert published(site) == [] and page.inner_text("#outbox-summary") == "1 waiting — sending…", "still patient"
    page.clock.fast_forward("00:06")  # past 30 s: given up, and tried again after its backoff
    page.clock.fast_forward("00:03")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    assert [e["body"] for e in published(site)] == ["Sent into a silent connection."]


def test_a_captive_portals_page_is_not_taken_for_an_answer(site, new_page):
    page = routable_page(new_page)
    open_desk(page, site)
    portal = []

    def sign_in_to_the_wifi(route):
        portal.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<html><p>Log in to FreeWiFi</p></html>")

    page.route(ENTRIES_API, sign_in_to_the_wifi, times=1)
    post(page, "Sent through a hotel's wifi.")
    wait_for(page, lambda: len(portal) == 1)
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    assert [e["body"] for e in published(site)] == ["Sent through a hotel's wifi."]


def test_a_waiting_post_can_be_discarded_and_a_draft_survives_a_reload(site, page):
    open_desk(page, site)
    page.context.set_offline(True)
    post(page, "Never mind this one.")
    waiting(page, 1)
    page.once("dialog", lambda d: d.accept())
    page.click(f"{ITEMS} button.discard")
    page.wait_for_function("() => document.getElementById('outbox').hidden")
    page.context.set_offline(False)
    page.fill("#headline", "Half-written")
    page.type("#body", "A draft in progress")
    page.reload()
    assert page.input_value("#headline") == "Half-written"
    assert page.input_value("#body") == "A draft in progress"
    time.sleep(0.5)
    assert published(site) == []


def test_a_post_discarded_while_another_is_on_its_way_is_never_sent(site, new_page):
    page = routable_page(new_page)
    open_desk(page, site)
    page.context.set_offline(True)
    post(page, "Sent first.")
    post(page, "Second thoughts: discard me.")
    waiting(page, 2)
    held = []
    page.route(ENTRIES_API, lambda route: held.append(route) if not held else route.continue_())  # a slow link
    page.context.set_offline(False)
    wait_for(page, lambda: len(held) == 1)
    first, second = page.locator(ITEMS).nth(0), page.locator(ITEMS).nth(1)
    assert first.locator("button.edit").is_disabled() and first.locator("button.discard").is_disabled(), \
        "the post on its way cannot be edited or discarded"
    page.once("dialog", lambda d: d.accept())
    second.locator("button.discard").click()
    waiting(page, 1)
    held[0].continue_()
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    time.sleep(1)
    assert [e["body"] for e in published(site)] == ["Sent first."]


def test_a_waiting_post_being_edited_survives_a_reload_and_is_sent_once_under_its_key(site, page):
    keys = []
    page.on("request", lambda r: keys.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and r.url.endswith("/api/blogs/strike/entries") else None)
    open_desk(page, site, offline_ready=True)
    page.context.set_offline(True)
    post(page, "Ten arrested.")
    waiting(page, 1)
    [original] = outbox(page)
    page.fill("#body", "The next update, half-written.")
    edit(page)
    assert page.input_value("#body") == "Ten arrested." and page.inner_text("#send") == "Send again"
    page.fill("#body", "Twelve arrested.")

    page.reload()  # still offline: from the phone's cache
    waiting(page, 1)
    assert page.input_value("#body") == "Twelve arrested." and page.inner_text("#send") == "Send again"
    assert [i["key"] for i in outbox(page)] == [original["key"]], "the post never left the outbox"
    page.context.set_offline(False)
    page.wait_for_timeout(1500)
    assert published(site) == [], "a post being edited waits for Send again"

    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    [entry] = published(site)
    assert entry["body"] == "Twelve arrested." and entry["filed_at"] == original["filed_at"]
    assert set(keys) == {original["key"]}, "sent under the key it was first given"
    assert page.input_value("#body") == "The next update, half-written.", "the displaced draft comes back"
    assert page.inner_text("#send") == "Post update"


def test_an_edit_can_be_abandoned(site, page):
    open_desk(page, site)
    page.context.set_offline(True)
    post(page, "As it was written.")
    waiting(page, 1)
    page.fill("#body", "Something else, half-written.")
    edit(page)
    page.fill("#body", "A change I do not want after all.")
    page.click("#cancel-edit")
    assert page.input_value("#body") == "Something else, half-written." and page.inner_text("#send") == "Post update"
    page.context.set_offline(False)
    wait_for(page, lambda: len(published(site)) == 1)
    assert [e["body"] for e in published(site)] == ["As it was written."]


def test_a_post_refused_for_a_stale_csrf_token_is_sent_with_a_fresh_one(site, page):
    open_desk(page, site)
    other = page.context.new_page()  # signing in again in another tab rotates the session and its token
    browser_sign_in(other, site, "amal")
    other.close()
    post(page, "Sent after signing in again elsewhere.")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    fresh = page.get_attribute("#compose", "data-csrf")
    assert page.input_value("form[action='/logout'] input[name=csrf]") == fresh, "the page's forms get it too"


def test_posts_held_while_signed_out_are_sent_once_signed_in_again(site, page):
    open_desk(page, site)

    async def sign_out_everywhere() -> None:
        found = await site.runtime.store.get_user("amal")
        await site.runtime.store.revoke_tokens(found[0].id, auth.SESSION, model.utc_now())

    site.call(sign_out_everywhere())
    post(page, "Written while signed out.")
    page.wait_for_selector(f"{ITEMS} .error")
    assert "signed out" in page.inner_text(f"{ITEMS} .error")
    assert page.get_attribute(f"{ITEMS} .error a", "href") == "/login?next=/desk/strike"
    assert page.inner_text("#outbox-summary") == "1 waiting — needs your attention"
    browser_sign_in(page, site, "amal")  # then back to the desk
    page.goto(site.url + "/desk/strike")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    assert [e["body"] for e in published(site)] == ["Written while signed out."]


def test_the_outbox_is_not_rebuilt_every_second(site, new_page):
    page = routable_page(new_page)
    open_desk(page, site)
    tries = []

    def restarting(route):
        tries.append(route.request.url)
        route.fulfill(status=503, headers={"Retry-After": "5"}, json={"error": "upstream restarting", "detail": None})

    page.route(ENTRIES_API, restarting)
    post(page, "Waiting for the server.")
    waiting(page, 1)
    counting = "() => /next try in \\d+ s/.test(document.getElementById('outbox-countdown').textContent)"
    page.wait_for_function(counting)
    assert page.inner_text("#outbox-news") == "1 waiting"
    page.evaluate("""() => {
        window.spoken = [];
        const news = document.getElementById('outbox-news');
        const heard = new MutationObserver(() => window.spoken.push(news.textContent));
        document.querySelectorAll('[aria-live], [role=status]').forEach(region =>
            heard.observe(region, {childList: true, characterData: true, subtree: true}));
    }""")
    page.evaluate("document.querySelector('#outbox-items button.edit').dataset.seen = 'yes'")
    countdown = page.inner_text("#outbox-countdown")
    page.wait_for_timeout(2200)  # it ticks once a second
    assert page.inner_text("#outbox-countdown") != countdown, "the countdown moves"
    wait_for(page, lambda: len(tries) >= 2)  # and a retry fails again
    page.wait_for_function(counting)
    assert page.evaluate("document.querySelector('#outbox-items button.edit').dataset.seen") == "yes", \
        "the same button: a tap in progress is not lost"
    assert page.evaluate("window.spoken") == [], "screen readers hear nothing new, retries included"
