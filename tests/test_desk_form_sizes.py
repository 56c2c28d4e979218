"""Every legal desk form fits the server's body cap, however its characters are sent: a Cyrillic letter is 6 bytes
urlencoded, an emoji 12, and a form at every field's limit (``model``'s) is still taken. The cap is computed
from those limits (``model.LARGEST_FORM_BYTES``), not set apart from them; a desk form past even that is
answered with a page in the person's language, never the API's JSON."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from desk import signed_in
from liveblog import model

LETTERS = {"Cyrillic": "ж", "emoji": "😀"}


@pytest.mark.parametrize("letter", LETTERS.values(), ids=LETTERS.keys())
def test_a_form_at_every_limit_is_taken(site, letter):
    site.blog("strike")
    site.user("stringer", "contributor")
    editor, csrf = signed_in(site, "eda", "editor")
    body, headline, note = letter * model.MAX_BODY, letter * model.MAX_HEADLINE, letter * model.MAX_NOTE
    r = editor.post("/desk/strike/entries", data={"csrf": csrf, "key": "k1", "body": body, "headline": headline})
    assert len(urlencode({"body": body})) > 64 * 1024
    assert r.status_code == 303, r.text[:300]
    entry = site.client.get("/api/blogs/strike").json()["entries"][0]
    assert entry["body"] == body and entry["headline"] == headline
    r = editor.post(f"/desk/strike/entries/{entry['id']}/correct",
                    data={"csrf": csrf, "body": letter + body[1:], "note": note, "revision": "1"})
    assert r.status_code == 303, r.text[:300]
    filed = site.post("strike", "Танки", as_="stringer").json()["id"]
    r = editor.post(f"/desk/strike/filings/{filed}/publish", data={"csrf": csrf, "body": body, "headline": headline})
    assert r.status_code == 303, r.text[:300]
    r = editor.post("/desk/strike/settings", data={
        "csrf": csrf, "title": letter * model.MAX_TITLE, "summary": letter * model.MAX_SUMMARY,
        "intro": letter * model.MAX_INTRO, "language": "ru"})
    assert r.status_code == 303, r.text[:300]
    assert site.post("strike", body, headline=headline).status_code == 201  # the desk's script posts JSON
    editor.close()


def test_a_desk_form_past_the_largest_legal_one_is_refused_in_the_persons_language(site):
    site.blog("strike")
    editor, csrf = signed_in(site, "eda", "editor")
    huge = "ж" * (model.LARGEST_FORM_BYTES // 6 + 1)
    r = editor.post("/desk/strike/entries", data={"csrf": csrf, "body": huge}, headers={"Accept-Language": "ru"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="ru"' in r.text and "Слишком длинно" in r.text
    assert not re.search(r"request too large|Too long", r.text)
    assert site.client.get("/api/blogs/strike").json()["entries"] == []
    editor.close()


def test_a_long_russian_edit_of_a_filing_is_published_from_a_phone(site, page):
    """The tester's path in Chromium: desk, queue, "Edit before publishing", 11,000 Cyrillic letters, Publish."""
    from desk import browser_sign_in

    site.blog("strike")
    site.user("aigul", "contributor")
    site.post("strike", "Толпа на вокзале", as_="aigul")
    browser_sign_in(page, site, "eda", "editor")
    page.goto(site.url + "/desk/strike")
    page.click("#desk-queue li.queued summary")
    edit = "Толпа на вокзале растёт. " * 560
    assert len(urlencode({"body": edit})) > 64 * 1024 and len(edit) < model.MAX_BODY
    page.fill("#desk-queue li.queued textarea[name=body]", edit)
    page.click("#desk-queue li.queued button.primary")
    page.wait_for_url("**done=published**")
    assert site.client.get("/api/blogs/strike").json()["entries"][0]["body"].strip() == edit.strip()
