"""Every state the scripts make speaks the person's language: in Chromium at 390×844, a real server is driven into
each state the desk's and the reader's scripts can show, in Russian, Kazakh, Arabic and the pseudo-locale (en-XA,
each string in ⟦brackets⟧), and any visible word no catalog gave fails the test (tests/untranslated.py, the same check
the server's pages pass in tests/test_i18n_pages.py), named with the state it was seen in.

The desk (a correspondent who chose the language on the desk, in a browser that asks for English): the counter and
the Markdown preview while typing; an update with no text and one over the limit; offline, a post waiting with its
filed time, Edit and Discard, being edited (and so refused to a second tab, which marks it), the question before
discarding it, a photo added that waits on the phone; back online, sending, then the server failing and the
countdown to the next try, then "Published 13:10 GMT", a post whose waiting photo the browser cleared, "All sent.";
signed out in another tab while a post waits, and sent once signed in again; an edit that arrives after its first
version was published (its answer lost on the way back); the blog ended by an editor, or the person moved to another
blog, while a post waits: refused with the server's own reason; a photo not chosen, too large, not an image
(refused by the server, in its words), and added; saved as a draft; correcting an update an editor corrected
meanwhile; an editor's update arriving live; a contributor's "Sent to the editor" and the queue that follows. The
reader page: live, times and "just now", "2 new updates" while scrolled down, "Superseded by", offline and back, the
blog ended, and two hours later ("2 hours ago" in the language's words). The sign-in link's button. In Arabic each
page is right to left and the times the scripts write still read "13:10 GMT" (isolated in right-to-left text)."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from desk import ENTRIES_API, ITEMS, PASSWORD, browser_sign_in, post, wait_for, waiting
from untranslated import CONTENT, PSEUDO, leftovers, pseudo_locale  # noqa: F401 (the fixture, used by name)

READY = "html[data-catalog-ready]"
TIME = re.compile("\u2066\\d\\d:\\d\\d GMT\u2069")  # a time kept reading left to right in right-to-left text
# the browser's own words for a date (a time element's title), in the pseudo-locale the browser's English
BROWSER_DATES = "() => [...document.querySelectorAll('time[title]')].map(t => t.title)"


class Looks:
    """What each state showed that no catalog gave, collected for one failure at the end."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.data: list[str] = []  # what the desk wrote from what the test typed (a photo's Markdown in a draft)

    def at(self, page, state: str, *typed: str) -> None:
        dates = page.evaluate(BROWSER_DATES) if self.lang == PSEUDO else []
        html = page.content() + "".join(f"<p>{d}</p>" for d in self.dialogs)
        self.dialogs.clear()
        found = dict.fromkeys(leftovers(html, self.lang, [*dates, *self.data, *typed]))
        self.problems.extend(f"{state}: {text!r}" for text in found)


def jpeg(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def open_desk_in(page, site, lang: str) -> None:
    """Signed in, the language chosen on the desk (the browser asks for English), the blog's compose page."""
    browser_sign_in(page, site, "amal")
    page.select_option("#desk-language", lang)
    page.click(".language button")
    page.wait_for_load_state()
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector(READY)
    assert page.get_attribute("html", "lang") == lang


def typing(page, looks: Looks) -> None:
    page.fill("#body", f"**{CONTENT['body']}**\n\n- {CONTENT['note']}")
    page.wait_for_selector("#preview strong")
    looks.at(page, "typing: the counter and the preview")
    page.fill("#body", "   \n  ")  # not empty to the browser's own check, empty to the desk's
    page.click("#send")
    page.wait_for_selector("#body-problem:not([hidden])")
    looks.at(page, "posting an update with no text")
    page.fill("#body", "1" * 20_001)
    page.click("#send")
    page.wait_for_selector("#body-count.over")
    looks.at(page, "posting an update over the limit")
    page.fill("#body", "")


def offline(page, site, looks: Looks, tmp_path: Path) -> None:
    """A post waiting, edited here and so closed to another tab, and one waiting with a photo kept on the phone."""
    other = page.context.new_page()
    other.goto(site.url + "/desk/strike")
    other.wait_for_selector(READY)
    page.context.set_offline(True)
    post(page, CONTENT["body"])
    waiting(page, 1)
    looks.at(page, "offline: a post waiting")
    page.locator(ITEMS).first.locator("button.edit").click()
    page.wait_for_selector("#cancel-edit", state="visible")
    looks.at(page, "offline: a waiting post being edited")
    other.locator(ITEMS).first.locator("button.edit").click()
    other.wait_for_selector("#desk-notice:not([hidden])")
    looks.at(other, "offline: the post being edited in another tab")
    other.close()
    page.once("dialog", lambda d: (looks.dialogs.append(d.message), d.dismiss()))
    page.locator(ITEMS).first.locator("button.discard").click()
    assert looks.dialogs, "no question before discarding"
    looks.at(page, "offline: asked before discarding a waiting post")
    page.click("#cancel-edit")
    page.set_input_files("#photo", str(jpeg(tmp_path / "photo.jpg")))
    page.fill("#caption", CONTENT["title"])
    page.click("#add-photo")
    page.wait_for_selector("#preview .waiting-photo")
    looks.at(page, "offline: a photo waiting on the phone")
    page.click("#send")
    waiting(page, 2)


def back_online(page, site, looks: Looks) -> None:
    """Sending (held on its way), the server failing with the countdown, then published."""
    held = []
    page.route(ENTRIES_API, lambda route: held.append(route))
    page.context.set_offline(False)
    page.wait_for_function("() => /\\S/.test(document.getElementById('outbox-summary').textContent)")
    page.wait_for_timeout(300)
    assert held, "the waiting post was not sent"
    looks.at(page, "online: sending")
    held[0].fulfill(status=503, headers={"Retry-After": "30"}, json={"error": "upstream restarting", "detail": None})
    page.wait_for_function("() => /\\d/.test(document.getElementById('outbox-countdown').textContent)")
    looks.at(page, "the server failing: trying again")
    page.unroute(ENTRIES_API)
    # the browser clears the site's stored photos (as a phone short of space does) before the second post goes
    page.context.new_cdp_session(page).send("Storage.clearDataForOrigin",
                                            {"origin": site.url, "storageTypes": "indexeddb"})
    page.context.set_offline(True)
    page.context.set_offline(False)
    page.wait_for_selector(f"{ITEMS} .error")
    waiting(page, 1)
    page.wait_for_selector("#desk-notice:not([hidden])")
    looks.at(page, "published, and a post whose photo the browser cleared")
    page.once("dialog", lambda d: d.accept())
    page.locator(ITEMS).first.locator("button.discard").click()
    waiting(page, 0)
    looks.at(page, "all sent")


def signed_out(page, site, looks: Looks) -> None:
    other = page.context.new_page()
    other.goto(site.url + "/desk")
    other.click("form[action='/logout'] button")
    other.wait_for_url("**/login**")
    post(page, CONTENT["note"])
    page.wait_for_selector(f"{ITEMS} .error a")
    looks.at(page, "signed out in another tab while a post waits")
    browser_sign_in(other, site, "amal")
    other.close()
    page.goto(site.url + "/desk/strike")
    waiting(page, 0)


def published_first(page, looks: Looks) -> None:
    """The answer to a post is lost on its way back, the post is edited meanwhile, and the edit arrives after the
    first version was published: kept, not sent, with the way to correct what went out."""
    network = {"sent": 0, "up": False}

    def answer_lost_then_down_until_edited(route):
        network["sent"] += 1
        if network["sent"] == 1:
            route.fetch()  # the server publishes it...
            route.abort("connectionreset")  # ...and the phone never hears back
        elif network["up"]:
            route.continue_()
        else:
            route.abort("internetdisconnected")

    page.route(ENTRIES_API, answer_lost_then_down_until_edited)
    post(page, CONTENT["body"])
    page.locator(ITEMS).first.locator("button.edit").click()  # once the send whose answer is lost is over
    page.wait_for_selector("#cancel-edit", state="visible")
    page.fill("#body", CONTENT["summary"])
    network["up"] = True
    page.click("#send")
    page.wait_for_selector(f"{ITEMS} .error a")
    looks.at(page, "an edit that arrived after its first version was published")
    page.locator(ITEMS).first.locator("button.edit").click()
    page.wait_for_selector("#cancel-edit", state="visible")
    looks.at(page, "an edit to post as a new update")
    page.once("dialog", lambda d: (looks.dialogs.append(d.message), d.accept()))
    page.locator(ITEMS).first.locator("button.discard").click()
    waiting(page, 0)
    assert looks.dialogs, "no question before discarding"
    looks.at(page, "asked before discarding an edit whose first version went")
    page.unroute(ENTRIES_API)


def blog_ended(page, site, lang: str, looks: Looks) -> None:
    ended = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert ended.status_code == 200, ended.text
    post(page, CONTENT["note"])
    page.wait_for_selector(f"{ITEMS} .error")
    looks.at(page, "the blog ended while a post waits: refused")
    assert site.client.post("/api/blogs/strike/reopen", headers=site.headers("editor")).status_code == 200
    page.once("dialog", lambda d: d.accept())
    page.locator(ITEMS).first.locator("button.discard").click()
    waiting(page, 0)
    site.blog("other", title=CONTENT["summary"], language=lang)
    for blogs in (["other"], []):  # assigned to another blog only while a post waits, then to every blog again
        r = site.client.put("/api/people/amal/blogs", json={"blogs": blogs}, headers=site.headers("editor"))
        assert r.status_code == 200, r.text
        if blogs:
            post(page, CONTENT["note"])
            page.wait_for_selector(f"{ITEMS} .error")
            looks.at(page, "moved to another blog while a post waits: not allowed")
    page.once("dialog", lambda d: d.accept())
    page.locator(ITEMS).first.locator("button.discard").click()
    waiting(page, 0)


def photos(page, looks: Looks, tmp_path: Path) -> None:
    status = "#photo-status"
    page.click("#add-photo")
    page.wait_for_function(f"() => document.querySelector('{status}').textContent !== ''")
    looks.at(page, "a photo not chosen")
    huge = tmp_path / "big.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + os.urandom(1_500_000))
    page.set_input_files("#photo", str(huge))
    page.click("#add-photo")
    page.wait_for_function(f"() => /1[.,]4/.test(document.querySelector('{status}').textContent)")
    looks.at(page, "a photo too large")
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo at all\n" * 50)
    page.set_input_files("#photo", str(text))
    page.click("#add-photo")
    page.wait_for_function(f"() => /: /.test(document.querySelector('{status}').textContent)")
    looks.at(page, "a file that is not an image, refused by the server")
    uploading = []
    page.route("**/api/media", lambda route: uploading.append(route))  # held on its way, then let go
    page.set_input_files("#photo", str(jpeg(tmp_path / "photo.jpg")))
    page.fill("#caption", CONTENT["title"])
    page.click("#add-photo")
    wait_for(page, lambda: uploading)
    looks.at(page, "a photo on its way up")
    uploading[0].continue_()
    page.unroute("**/api/media")
    page.wait_for_selector("#preview img")
    looks.data.append(page.input_value("#body").strip())
    looks.at(page, "a photo added")
    page.click("#save-draft")
    page.wait_for_function("() => document.getElementById('body').value === ''")
    page.wait_for_selector("#desk-notice:not([hidden])")
    looks.at(page, "saved as a draft")


def corrected_meanwhile(page, site, looks: Looks) -> None:
    """Correcting an update an editor corrects first: the desk says it changed, not the store's revision numbers."""
    entry = site.entry("strike", CONTENT["body"], as_="amal")
    page.goto(f"{site.url}/desk/strike/entries/{entry['id']}/correct")
    page.fill("#body", CONTENT["summary"])
    page.fill("#note", CONTENT["note"])
    first = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", headers=site.headers("editor"),
                             json={"body": CONTENT["title"], "note": CONTENT["note"]})
    assert first.status_code == 200, first.text
    page.click("button.primary")
    page.wait_for_selector("#error")
    looks.at(page, "correcting an update corrected meanwhile")
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector(READY)


def followed(page, site, looks: Looks) -> None:
    before = page.locator("#desk-entries li").count()
    site.entry("strike", CONTENT["summary"], as_="editor")
    page.wait_for_function(f"() => document.querySelectorAll('#desk-entries li').length > {before}")
    looks.at(page, "an editor's update arriving on the desk")


def contributor(site, new_page, lang: str, looks: Looks) -> None:
    page = new_page()
    site.user("stringer", "contributor", password=PASSWORD)
    browser_sign_in(page, site, "stringer")
    page.select_option("#desk-language", lang)
    page.click(".language button")
    page.wait_for_load_state()
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector(READY)
    post(page, CONTENT["body"])
    page.wait_for_selector("#desk-notice:not([hidden])")
    page.wait_for_selector("#queue-items li", timeout=15_000)  # the queue's part follows by itself
    looks.at(page, "a contributor's update sent to the editor, in the queue")


def reader(site, new_page, lang: str, looks: Looks) -> None:
    page = new_page()
    for _ in range(4):
        site.entry("strike", (CONTENT["body"] + ". ") * 40)
    page.goto(site.url + "/blogs/strike")
    page.wait_for_selector(READY)
    page.wait_for_selector("#status.live")
    looks.at(page, "reader: live")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    first = site.entry("strike", CONTENT["body"])
    site.entry("strike", CONTENT["summary"])
    page.wait_for_function(f"() => document.getElementById('announce').textContent.includes({CONTENT['summary']!r})")
    assert page.is_visible("#new-updates")
    looks.at(page, "reader: new updates while scrolled down")
    page.click("#new-updates")
    page.wait_for_selector(f"#entry-{first['id']}")
    site.entry("strike", CONTENT["note"], supersedes=[first["id"]])
    page.wait_for_selector(f"#entry-{first['id']} .superseded-by")
    looks.at(page, "reader: the new updates shown, one superseded")
    page.context.set_offline(True)
    page.wait_for_selector("#status.offline")
    looks.at(page, "reader: offline")
    page.context.set_offline(False)
    page.wait_for_selector("#status.live", timeout=15_000)
    r = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    page.wait_for_selector("#status.ended")
    looks.at(page, "reader: the blog ended")
    if lang == "ar":
        right_to_left(page)


def later(site, new_page, lang: str, looks: Looks) -> None:
    """Two hours on, each time says how long ago it was, in the browser's words for the language (Intl)."""
    page = new_page()
    page.clock.set_fixed_time(datetime.now(UTC) + timedelta(hours=2))
    page.goto(site.url + "/blogs/strike")
    page.wait_for_selector(READY)
    page.wait_for_function("""lang => document.querySelector('#entries .ago').textContent ===
        new Intl.RelativeTimeFormat(lang, {numeric: 'auto', style: 'short'}).format(-2, 'hour')""", arg=lang)
    intl = page.eval_on_selector_all(".ago", "spans => spans.map(s => s.textContent)") if lang == PSEUDO else []
    looks.at(page, "reader: two hours later", *intl)


def sign_in_link(site, new_page, lang: str, looks: Looks) -> None:
    page = new_page(extra_http_headers={"Accept-Language": lang})
    page.goto(site.url + "/login#token=abc")
    page.wait_for_selector("#link-ready:not([hidden])")
    page.wait_for_selector(READY)
    looks.at(page, "a one-time sign-in link")


def right_to_left(page) -> None:
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"


def desk_right_to_left(page) -> None:
    """The desk reads right to left, and the times its scripts write still read "13:10 GMT"."""
    right_to_left(page)
    assert TIME.search(page.inner_text("#desk-notice")), page.inner_text("#desk-notice")
    page.context.set_offline(True)
    post(page, CONTENT["body"])
    waiting(page, 1)
    filed = page.inner_text(f"{ITEMS} .when")
    assert TIME.search(filed), filed
    edges = page.evaluate(f"""() => [document.querySelector('{ITEMS}').getBoundingClientRect().right,
        document.querySelector('{ITEMS} .when').getBoundingClientRect().right]""")
    assert abs(edges[0] - edges[1]) < 40, "a waiting post's time starts at the right-hand edge"
    page.context.set_offline(False)
    waiting(page, 0)


@pytest.mark.usefixtures("pseudo_locale")
@pytest.mark.parametrize("lang", [PSEUDO, "ru", "kk", "ar"])
def test_every_state_the_scripts_make_is_in_the_persons_language(site_with, new_page, tmp_path, lang: str) -> None:
    site = site_with(max_upload_bytes=1_000_000)
    site.blog("strike", title=CONTENT["title"], language=lang)
    looks = Looks(lang)
    page = new_page(service_workers="block")  # its requests reach page.route (a service worker would pass them on)
    open_desk_in(page, site, lang)
    typing(page, looks)
    offline(page, site, looks, tmp_path)
    back_online(page, site, looks)
    if lang == "ar":
        desk_right_to_left(page)
    signed_out(page, site, looks)
    published_first(page, looks)
    blog_ended(page, site, lang, looks)
    photos(page, looks, tmp_path)
    corrected_meanwhile(page, site, looks)
    followed(page, site, looks)
    contributor(site, new_page, lang, looks)
    reader(site, new_page, lang, looks)
    later(site, new_page, lang, looks)
    sign_in_link(site, new_page, lang, looks)
    assert not looks.problems, f"untranslated in {lang}:\n" + "\n".join(looks.problems)


@pytest.mark.usefixtures("pseudo_locale")
def test_the_check_finds_a_word_a_script_wrote_past_the_catalog(site, page) -> None:
    """The check above can fail: a word a script writes without the catalog is found on the page it changed."""
    site.blog("strike", title=CONTENT["title"], language=PSEUDO)
    page.goto(site.url + "/blogs/strike")
    page.wait_for_selector("#status.live")
    page.evaluate("document.getElementById('status').title = 'Connection lost'")
    assert leftovers(page.content(), PSEUDO, page.evaluate(BROWSER_DATES)) == ["Connection lost"]
