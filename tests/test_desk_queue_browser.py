"""Two editors' desks in Chromium at 390x844 follow the blog live: a contributor's update reaches both queues
without a reload; when one editor publishes it, the other's queue empties and the update joins the other's
latest updates and Supersedes picker, still without a reload; the publishing editor reads "Published HH:MM GMT"."""

from __future__ import annotations

import re

from desk import browser_sign_in


def test_a_second_editor_sees_the_first_editors_work_live(site, page, new_page):
    site.blog("strike", title="General strike")
    browser_sign_in(page, site, "eda", "editor")
    page.goto(site.url + "/desk/strike")
    other = new_page()
    browser_sign_in(other, site, "ebo", "editor")
    other.goto(site.url + "/desk/strike")
    other.evaluate("window.notReloaded = true")
    site.user("stringer", "contributor")
    assert site.post("strike", "Shots heard near the **bridge**", as_="stringer").status_code == 202
    for desk in (page, other):
        desk.wait_for_selector("#desk-queue li.queued", timeout=15000)
        assert "Shots heard near the bridge" in desk.inner_text("#desk-queue")
    page.locator("#desk-queue li.queued button.primary").click()
    page.wait_for_url(re.compile(r".*done=published.*"))
    assert re.fullmatch(r"Published \d\d:\d\d GMT", page.inner_text("#desk-notice"))
    other.wait_for_function("() => !document.querySelector('#desk-queue li.queued')", timeout=15000)
    other.wait_for_function("() => /Shots heard/.test(document.querySelector('#desk-entries').innerText)",
                            timeout=15000)
    entry = site.client.get("/api/blogs/strike").json()["entries"][0]
    assert entry["author"] == "stringer"
    assert other.locator(f"#compose input[name=supersedes][value='{entry['id']}']").count() == 1
    page.fill("#body", "Curfew from nine")
    page.click("#send")
    page.wait_for_function(
        "() => /Published \\d\\d:\\d\\d GMT/.test(document.querySelector('#desk-notice').textContent)")
    other.wait_for_function("() => /Curfew from nine/.test(document.querySelector('#desk-entries').innerText)",
                            timeout=15000)
    assert other.evaluate("window.notReloaded") is True
    curfew = other.locator("#desk-entries li:has-text('Curfew from nine') .actions a").all_inner_texts()
    assert curfew == ["Correct", "Supersede", "Withdraw"]  # an editor may correct anyone's
    assert other.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#body", "Draft: curfew may be lifted")
    page.click("#save-draft")
    page.wait_for_function("() => document.querySelector('#desk-notice').textContent === 'Saved as draft'")
    page.wait_for_selector("#draft-items li", timeout=15000)  # the queue's part follows by itself
    assert "curfew may be lifted" not in site.client.get("/blogs/strike").text
    mark = page.get_attribute("#queue-inner", "data-mark")
    other.wait_for_function(f"() => document.querySelector('#queue-inner').dataset.mark === {mark!r}", timeout=15000)
    assert "curfew may be lifted" not in other.inner_text("main")  # refreshed, and the draft is not theirs


def test_a_correspondents_desk_offers_to_correct_only_their_own_live_updates(site, page):
    """Others' updates reach a correspondent's desk on the public stream with Supersede only (the server
    would refuse their Correct and Withdraw: model.may_correct); their own post gets all three."""
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    site.entry("strike", "Police close the ring road", as_="editor")
    li = "#desk-entries li:has-text('Police close the ring road')"
    page.wait_for_selector(f"{li} a.supersede", timeout=15000)
    assert page.locator(f"{li} .actions a").all_inner_texts() == ["Supersede"]
    page.fill("#body", "Ring road reopens")
    page.click("#send")
    mine = "#desk-entries li:has-text('Ring road reopens')"
    page.wait_for_selector(f"{mine} a.danger", timeout=15000)
    assert page.locator(f"{mine} .actions a").all_inner_texts() == ["Correct", "Supersede", "Withdraw"]
    assert page.locator(f"{li} .actions a").all_inner_texts() == ["Supersede"]


def test_an_ended_blogs_queue_still_follows_without_the_compose_box(site, page):
    """An ended blog's desk has no compose box; what still waits in its queue is decided elsewhere and the
    editor's queue follows that live, on the same signed-in long poll."""
    site.blog("strike", title="General strike")
    site.user("stringer", "contributor")
    first = site.post("strike", "Tanks at the station", as_="stringer").json()
    site.post("strike", "Crowd at the gate", as_="stringer")
    site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    browser_sign_in(page, site, "eda", "editor")
    page.goto(site.url + "/desk/strike")
    assert page.locator("#compose").count() == 0 and page.locator("#ended-note").count() == 1
    page.evaluate("window.notReloaded = true")
    assert page.locator("#desk-queue li.queued").count() == 2
    r = site.client.post(f"/api/blogs/strike/entries/{first['id']}/decline", json={"note": "Unconfirmed"},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    page.wait_for_function("() => document.querySelectorAll('#desk-queue li.queued').length === 1", timeout=15000)
    assert "Unconfirmed" in page.inner_text("#desk-queue")
    assert page.evaluate("window.notReloaded") is True
