"""Editing a waiting post never publishes twice and never loses the edit.

Pins (headless Chromium, 390x844): a post whose first send reached the server but whose answer
was lost, then edited and sent again, is not stuck on the server's 409 for its Idempotency-Key:
the desk finds the entry the first version made (sending that version again under the key),
shows it, keeps the edit in the outbox saying the first version was published, and lets the
correspondent post the edit as a new update (under a new key) or correct the published one.
Two desk tabs on one blog: a waiting post is sent by one of them only, even when both come online
at once; a post being edited in one tab is never sent, taken for editing or
discarded by the other, also after the other is reloaded; an edit left in a closed tab is taken
up by the next one opened; and if the post being edited went meanwhile (sent or discarded by a
tab that takes no locks), "Send again" keeps the edit in the outbox and tells so, instead of
posting it as a new entry unasked.
"""

from __future__ import annotations

import time

from desk import ENTRIES_API, ITEMS, edit, open_desk, outbox, post, published, routable_page, wait_for, waiting


def test_an_edit_sent_after_the_first_version_was_published_is_kept_not_refused(site, new_page):
    page = routable_page(new_page)
    open_desk(page, site)
    sent = []  # (Idempotency-Key, body) of every send
    network = {"up": False}

    def first_answer_lost_then_down_until_edited(route):
        request = route.request
        sent.append((request.headers["idempotency-key"], request.post_data_json["body"]))
        if len(sent) == 1:
            route.fetch()  # the server stores it...
            route.abort("connectionreset")  # ...and the phone never hears back
        elif network["up"]:
            route.continue_()
        else:
            route.abort("internetdisconnected")

    page.route(ENTRIES_API, first_answer_lost_then_down_until_edited)
    post(page, "Ten arrested.")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 1)
    [first] = published(site)
    assert first["body"] == "Ten arrested."

    edit(page)  # once the send whose answer is lost is over (Edit is disabled while a post is on its way)
    page.fill("#body", "Twelve arrested.")
    network["up"] = True
    page.click("#send")
    page.wait_for_selector(f"{ITEMS} .error")
    message = page.inner_text(f"{ITEMS} .error")
    assert f"An earlier version of this update was published at {first['time_gmt']}" in message, message
    assert "Idempotency" not in message and "Refused" not in message
    assert page.get_attribute(f"{ITEMS} .error a", "href") == f"/desk/strike/entries/{first['id']}/correct"
    assert page.locator(f"#desk-entry-{first['id']}").is_visible(), "the published version is on the desk's list"
    assert page.inner_text("#outbox-summary") == "1 waiting — needs your attention"
    page.wait_for_timeout(2500)
    assert [e["body"] for e in published(site)] == ["Ten arrested."], "no duplicate, and the edit is not sent unasked"
    assert [i["data"]["body"] for i in outbox(page)] == ["Twelve arrested."], "the edit is kept"

    page.reload()
    waiting(page, 1)
    edit(page)
    assert page.input_value("#body") == "Twelve arrested."
    assert page.inner_text("#send") == "Post as a new update"
    assert "published at" in page.inner_text("#editing-note")
    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 2)
    waiting(page, 0)
    time.sleep(1)
    assert sorted(e["body"] for e in published(site)) == ["Ten arrested.", "Twelve arrested."]
    keys = {key for key, body in sent if body == "Twelve arrested."}
    assert len(keys) == 2 and sent[0][0] in keys, "the new update went under a key of its own"
    assert page.input_value("#body") == ""


def editing_in_one_of_two_tabs(page, site):
    """The desk open in two tabs, offline, with "Ten arrested." waiting and being edited to "Twelve arrested."
    in the first; the second tab reports its script errors to the test."""
    open_desk(page, site, offline_ready=True)
    other = page.context.new_page()
    problems = []
    other.on("pageerror", lambda exc: problems.append(str(exc)))
    other.goto(site.url + "/desk/strike")
    page.context.set_offline(True)
    post(page, "Ten arrested.")
    waiting(page, 1)
    edit(page)
    page.fill("#body", "Twelve arrested.")
    return other, problems


def test_a_post_being_edited_in_one_tab_is_never_sent_by_another(site, page):
    other, problems = editing_in_one_of_two_tabs(page, site)
    other.fill("#body", "Another story, half-written.")  # its draft is saved meanwhile
    other.reload()  # offline: from the phone's cache
    waiting(other, 1)
    assert "(being edited in another tab)" in other.inner_text(ITEMS)
    assert other.input_value("#body") == "Another story, half-written.", "the other tab keeps its own draft"

    page.context.set_offline(False)
    other.evaluate("window.dispatchEvent(new Event('online'))")  # both tabs try to send now
    other.wait_for_timeout(2500)
    assert published(site) == [], "a post being edited waits for Send again in the tab editing it"
    other.once("dialog", lambda d: d.accept())
    other.click(f"{ITEMS} button.discard")
    other.wait_for_selector("#desk-notice:not([hidden])")
    assert "open in another tab" in other.inner_text("#desk-notice")
    other.evaluate("document.getElementById('desk-notice').hidden = true")
    other.click(f"{ITEMS} button.edit")
    other.wait_for_selector("#desk-notice:not([hidden])")
    assert other.locator("#cancel-edit").is_hidden() and other.input_value("#body") == "Another story, half-written."
    waiting(other, 1)

    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    waiting(other, 0)  # told by the storage event
    time.sleep(1)
    assert [e["body"] for e in published(site)] == ["Twelve arrested."]
    assert problems == []


def test_an_edit_left_in_a_closed_tab_is_taken_up_by_the_next(site, page):
    other, problems = editing_in_one_of_two_tabs(page, site)
    page.close()  # its lock goes with it
    other.reload()
    waiting(other, 1)
    assert other.input_value("#body") == "Twelve arrested." and other.inner_text("#send") == "Send again"
    other.context.set_offline(False)
    other.click("#send")
    wait_for(other, lambda: len(published(site)) == 1)
    waiting(other, 0)
    assert [e["body"] for e in published(site)] == ["Twelve arrested."]
    assert problems == []


def test_an_edit_whose_post_went_meanwhile_is_kept_not_posted_as_new(site, page):
    other, problems = editing_in_one_of_two_tabs(page, site)
    # a tab that takes no locks (an old browser) sends or discards it meanwhile
    other.evaluate("localStorage.setItem('liveblog-outbox:strike', '[]')")
    page.context.set_offline(False)
    page.click("#send")
    page.wait_for_selector(f"{ITEMS} .error")
    assert "sent or discarded in another tab" in page.inner_text(f"{ITEMS} .error")
    page.wait_for_timeout(2000)
    assert published(site) == [], "not posted as a new entry unasked"
    assert [i["data"]["body"] for i in outbox(page)] == ["Twelve arrested."], "the edit is kept"
    assert page.inner_text("#send") == "Post update" and page.input_value("#body") == ""

    edit(page)
    assert page.inner_text("#send") == "Post as a new update"
    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    assert [e["body"] for e in published(site)] == ["Twelve arrested."]
    assert problems == []


def test_a_waiting_post_is_sent_by_one_tab_only(site, new_page):
    """Both tabs come online at once; the one holding the post's lock sends it, the other leaves it be."""
    page = routable_page(new_page)
    open_desk(page, site)
    other = page.context.new_page()
    other.goto(site.url + "/desk/strike")
    page.context.set_offline(True)
    post(page, "Police cordon lifted.")
    waiting(page, 1)
    waiting(other, 1)
    held = []
    page.context.route(ENTRIES_API, lambda route: held.append(route))  # answered once both tabs had their chance
    page.context.set_offline(False)
    for tab in (page, other):
        tab.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1500)
    assert len(held) == 1, "one tab sends the post; the other sees its lock taken"
    held[0].continue_()
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    waiting(other, 0)
    assert [e["body"] for e in published(site)] == ["Police cordon lifted."]
