"""A newsroom's whole day, on phones (390x844) in Chromium: an editor adds a contributor and a correspondent on the
desk, each signs in on their own phone with the one-time link (the QR code is that link), the contributor files
two updates (one written offline, sent by the outbox when the phone is back online), the editor publishes one
edited and declines the other with a note its author reads, the correspondent posts directly, and the reader page
shows what was published under display names only. A second editor's desk follows all of it without a reload.

Login names here read like nothing else on the site, so finding one in the reader page's HTML is a leak."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from desk import browser_sign_in, waiting

LIVE = 15_000  # ms a desk may take to follow the blog (its queue waits up to 10 s for a change)
EDITOR, OTHER_EDITOR = "qxeditorone", "qxeditortwo"
STRINGER, CORRESPONDENT = "qxstringerlogin", "qxcorrlogin"
LOGINS = (EDITOR, OTHER_EDITOR, STRINGER, CORRESPONDENT)
FIRST = "Shots heard near the bridge"
EDITED = "Shots heard near the old bridge, two witnesses say"
SECOND = "Army trucks on the ring road"
NOTE = "Only one source: who else saw them?"
DIRECT = "Curfew from nine tonight"


def desk_of(page: Any, site: Any, name: str) -> Any:
    """An editor signed in with a password, at the blog's desk."""
    browser_sign_in(page, site, name, "editor")
    page.goto(site.url + "/desk/strike")
    return page


def add_person(desk: Any, site: Any, name: str, role: str, byline: str) -> str:
    """Add a person on the desk's People page; the sign-in link it shows, checked against its QR code."""
    desk.goto(site.url + "/desk/people")
    desk.fill("#name", name)
    desk.fill("#display_name", byline)
    desk.select_option("#role", role)
    desk.click("#add-person button[type=submit]")
    url = desk.input_value("#signin-url")
    qr = Image.open(io.BytesIO(desk.locator("#signin-qr").screenshot()))
    assert [code.text for code in zxingcpp.read_barcodes(qr)] == [url], "the QR code is the link"
    return str(url)


def phone_signed_in_with(new_page: Callable[..., Any], site: Any, link: str) -> Any:
    """A second phone (its own browser context) opens the link, signs in, and opens the blog's desk."""
    phone = new_page()
    phone.goto(link)
    phone.click("#link-form button[type=submit]")
    phone.wait_for_url(site.url + "/desk")
    phone.goto(site.url + "/desk/strike")
    return phone


def send(phone: Any, body: str) -> None:
    phone.fill("#body", body)
    phone.click("#send")


def file_one_online_and_one_offline(phone: Any) -> None:
    send(phone, FIRST)
    expect(phone.locator("#desk-notice")).to_have_text("Sent to the editor", timeout=LIVE)
    phone.context.set_offline(True)
    send(phone, SECOND)
    waiting(phone, 1)
    assert "will send when online" in phone.inner_text("#outbox-summary")
    phone.context.set_offline(False)
    waiting(phone, 0)  # the outbox sent it


def filing(desk: Any, text: str) -> Any:
    return desk.locator("#queue-items li.queued", has_text=text)


def publish_edited(desk: Any, text: str, edited: str) -> None:
    item = filing(desk, text)
    expect(item).to_have_count(1, timeout=LIVE)
    item.locator("summary").click()  # "Edit before publishing"
    item.locator("textarea[name=body]").fill(edited)
    item.locator("button.primary").click()
    desk.wait_for_url(re.compile(r".*done=published.*"))
    expect(desk.locator("#desk-notice")).to_have_text(re.compile(r"Published \d\d:\d\d GMT"))


def decline(desk: Any, text: str, note: str) -> None:
    item = filing(desk, text)
    expect(item).to_have_count(1, timeout=LIVE)
    item.locator("input[name=note]").fill(note)
    item.locator("button", has_text="Decline").click()
    desk.wait_for_url(re.compile(r".*done=declined.*"))
    expect(desk.locator("#desk-notice")).to_have_text("Declined")


def expect_latest(desk: Any, *texts: str) -> None:
    for text in texts:
        expect(desk.locator("#desk-entries")).to_contain_text(text, timeout=LIVE)


def assert_only_the_published_under_display_names(reader: Any) -> None:
    expect(reader.locator("article.entry")).to_have_count(2)
    for text, byline in ((EDITED, "Nour H."), (DIRECT, "Samir K.")):  # the contributor stays credited
        expect(reader.locator("article.entry", has_text=text).locator(".byline")).to_have_text(byline)
    html = reader.content()
    assert FIRST not in html and SECOND not in html and NOTE not in html, "only what was published"
    for login in LOGINS:
        assert login not in html.lower(), login


def test_a_newsroom_runs_a_day_from_phones(site, page, new_page):
    site.blog("strike", title="General strike")
    editor = desk_of(page, site, EDITOR)
    watcher = desk_of(new_page(), site, OTHER_EDITOR)
    watcher.evaluate("window.notReloaded = true")

    stringer_link = add_person(editor, site, STRINGER, "contributor", "Nour H.")
    correspondent_link = add_person(editor, site, CORRESPONDENT, "correspondent", "Samir K.")
    stringer = phone_signed_in_with(new_page, site, stringer_link)
    correspondent = phone_signed_in_with(new_page, site, correspondent_link)

    file_one_online_and_one_offline(stringer)
    for text in (FIRST, SECOND):  # the second editor's queue fills live
        expect(filing(watcher, text)).to_have_count(1, timeout=LIVE)

    editor.goto(site.url + "/desk/strike")
    publish_edited(editor, FIRST, EDITED)
    decline(editor, SECOND, NOTE)
    expect(stringer.locator("#queue-items li.declined", has_text=SECOND)).to_contain_text(
        f"Declined: {NOTE}", timeout=LIVE)

    send(correspondent, DIRECT)
    expect(correspondent.locator("#desk-notice")).to_have_text(re.compile(r"Published \d\d:\d\d GMT"), timeout=LIVE)

    expect_latest(watcher, EDITED, DIRECT)
    expect(watcher.locator("#queue-items li.queued")).to_have_count(0, timeout=LIVE)
    assert watcher.evaluate("window.notReloaded") is True, "the second editor saw it all without reloading"

    reader = new_page()
    reader.goto(site.url + "/blogs/strike")
    assert_only_the_published_under_display_names(reader)
    for phone in (editor, watcher, stringer, correspondent, reader):
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "fits the phone"
