"""The desk without JavaScript: plain forms that post, correct, withdraw, create and end blogs.

Pins: the compose form publishes through the same rules as the API and, when refused,
re-shows the page with the error and everything typed; a resent form (same hidden key)
publishes once; Correct needs a note and publishes it; Withdraw needs a note; a
correspondent cannot correct or withdraw someone else's entry (403, over the desk and over
the API with the session cookie); editors create a blog and end one, correspondents
cannot; an editor's "Sign out everywhere" ends that person's sessions.
"""

from __future__ import annotations

import re

import httpx

from desk import signed_in
from liveblog import model


def blog_entries(site, slug: str = "strike") -> list[dict]:
    return site.client.get(f"/api/blogs/{slug}").json()["entries"]


def form_key(html: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_posting_from_the_form_publishes_once(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    page = client.get("/desk/strike")
    assert page.status_code == 200 and 'id="compose"' in page.text
    form = {"csrf": csrf, "key": form_key(page.text), "headline": "March", "body": "Thousands **march**.",
            "key_event": "on"}
    for _ in range(2):  # a double tap or a resend after a lost answer
        r = client.post("/desk/strike/entries", data=form)
        assert r.status_code == 303 and r.headers["location"].startswith("/desk/strike?done=published&at=")
    [entry] = blog_entries(site)
    assert entry["headline"] == "March" and entry["key_event"] is True and entry["author"] == "amal"
    assert "<strong>march</strong>" in entry["body_html"]
    assert "March" in client.get("/desk/strike").text.split("Latest updates")[1]
    client.close()


def test_a_refused_form_comes_back_with_the_typed_text(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    r = client.post("/desk/strike/entries", data={"csrf": csrf, "headline": "Kept headline", "body": "   "})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "body" in r.text and 'value="Kept headline"' in r.text
    too_long = "x" * (model.MAX_BODY + 1)  # over the entry rule, well under the 64 KiB request limit
    r = client.post("/desk/strike/entries", data={"csrf": csrf, "headline": "Long", "body": too_long, "pinned": "on"})
    assert r.status_code == 422
    assert f"Update: must be at most {model.MAX_BODY} characters" in r.text
    assert f">{too_long}</textarea>" in r.text and 'value="Long"' in r.text
    assert 'name="pinned" id="pinned" checked' in r.text
    assert blog_entries(site) == []
    client.close()


def test_correct_and_withdraw_need_a_note(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    client.post("/desk/strike/entries", data={"csrf": csrf, "body": "Police fired tear gas."})
    [entry] = blog_entries(site)
    url = f"/desk/strike/entries/{entry['id']}"
    r = client.post(url + "/correct", data={"csrf": csrf, "body": "Police fired water cannon.", "note": ""})
    assert r.status_code == 422 and "Police fired water cannon." in r.text, "the typed text is kept"
    r = client.post(url + "/correct", data={"csrf": csrf, "body": "Police fired water cannon.",
                                            "note": "It was water cannon, not tear gas."})
    assert r.status_code == 303
    [entry] = blog_entries(site)
    assert entry["body"] == "Police fired water cannon."
    assert entry["corrections"][-1]["note"] == "It was water cannon, not tear gas."
    assert client.post(url + "/withdraw", data={"csrf": csrf, "note": " "}).status_code == 422
    r = client.post(url + "/withdraw", data={"csrf": csrf, "note": "Could not be confirmed."})
    assert r.status_code == 303
    [entry] = blog_entries(site)
    assert entry["status"] == "retracted" and entry["retracted"]["note"] == "Could not be confirmed."
    client.close()


def test_a_correspondent_cannot_change_anothers_entry(site):
    site.blog("strike")
    site.user("basma")
    theirs = site.entry("strike", "Basma's report.", as_="basma")
    client, csrf = signed_in(site, "amal")
    url = f"/desk/strike/entries/{theirs['id']}"
    assert client.get(url + "/correct").status_code == 403
    assert client.post(url + "/correct", data={"csrf": csrf, "body": "Mine now", "note": "n"}).status_code == 403
    assert client.post(url + "/withdraw", data={"csrf": csrf, "note": "n"}).status_code == 403
    r = client.post(f"/api/blogs/strike/entries/{theirs['id']}/corrections", json={"body": "Mine", "note": "n"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403 and r.json()["error"]
    [entry] = blog_entries(site)
    assert entry["body"] == "Basma's report." and entry["status"] == "published"
    assert f'href="/desk/strike/entries/{theirs["id"]}/correct"' not in client.get("/desk/strike").text
    client.close()


def test_editors_create_and_end_blogs(site):
    editor, csrf = signed_in(site, "eda", "editor")
    r = editor.post("/desk/blogs", data={"csrf": csrf, "slug": "Bad Slug!", "title": "Kept title"})
    assert r.status_code == 422 and 'value="Kept title"' in r.text
    r = editor.post("/desk/blogs", data={"csrf": csrf, "slug": "election", "title": "Election night"})
    assert r.status_code == 303 and r.headers["location"] == "/desk/election"
    assert site.client.get("/api/blogs/election").json()["status"] == "live"
    assert editor.post("/desk/election/end", data={"csrf": csrf}).status_code == 303
    assert site.client.get("/api/blogs/election").json()["status"] == "ended"
    editor.close()


def test_correspondents_cannot_create_or_end_blogs(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    assert "New blog" not in client.get("/desk").text
    assert client.post("/desk/blogs", data={"csrf": csrf, "slug": "mine", "title": "Mine"}).status_code == 403
    assert client.post("/desk/strike/end", data={"csrf": csrf}).status_code == 403
    assert site.client.get("/api/blogs/strike").json()["status"] == "live"
    client.close()


def test_an_editor_can_sign_a_person_out_everywhere(site):
    phone, _ = signed_in(site, "amal")
    cookie = phone.cookies["lb_session"]
    someone, other_csrf = signed_in(site, "basma")
    assert someone.post("/desk/people/amal/revoke", data={"csrf": other_csrf}).status_code == 403
    assert phone.get("/desk").status_code == 200
    editor, csrf = signed_in(site, "eda", "editor")
    r = editor.post("/desk/people/amal/revoke", data={"csrf": csrf})
    assert r.status_code == 303
    with httpx.Client(base_url=site.url, cookies={"lb_session": cookie}) as stolen:
        assert stolen.get("/desk").status_code == 303
    assert someone.get("/desk").status_code == 200, "only that person's sessions end"
    for c in (phone, someone, editor):
        c.close()


def test_ids_that_are_not_ascii_digits_name_nothing(site):
    """'²' and '٣' are digits to str.isdigit() but not to int(): the desk treats them like any id that cannot
    exist (404, or ignored where an id is optional), signed in or not, never a 500."""
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    entry = site.entry("strike", "Amal's report.", as_="amal")
    for raw in ("²", "٣", "9" * 40, "0"):
        for kind in ("correct", "withdraw"):
            url = f"/desk/strike/entries/{raw}/{kind}"
            with httpx.Client(base_url=site.url, timeout=10) as signed_out:
                assert signed_out.get(url).status_code == 404, (raw, kind)
            assert client.get(url).status_code == 404, (raw, kind)
            assert client.post(url, data={"csrf": csrf, "body": "x", "note": "n"}).status_code == 404, (raw, kind)
        assert client.get("/desk/strike", params={"supersedes": raw}).status_code == 200, raw
        r = client.post("/desk/strike/entries", data={"csrf": csrf, "body": "Kept.", "supersedes": raw})
        assert r.status_code == 422 and "supersedes" in r.text and ">Kept.</textarea>" in r.text, raw
    r = client.post(f"/desk/strike/entries/{entry['id']}/correct",
                    data={"csrf": csrf, "body": "Amal's corrected report.", "note": "a figure", "revision": "²"})
    assert r.status_code == 303, "a revision that is no number is no If-Match, as before"
    assert [e["body"] for e in blog_entries(site)] == ["Amal's corrected report."]
    client.close()


def test_a_correction_of_an_update_corrected_meanwhile_is_refused_in_words_the_typed_text_kept(site):
    """The form carries the revision it was opened at; someone else's correction since is a 409 that says so
    (not the store's "at revision 2, not 1"), and the form comes back at the current revision."""
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    entry = site.entry("strike", "Amal's report.", as_="amal")
    site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", headers=site.headers("editor"),
                     json={"body": "The editor's fix.", "note": "a name"})
    r = client.post(f"/desk/strike/entries/{entry['id']}/correct",
                    data={"csrf": csrf, "body": "A fix by Amal.", "note": "a figure", "revision": "1"})
    assert r.status_code == 409 and "corrected by someone else while you were correcting it" in r.text
    assert "revision 2" not in r.text and ">A fix by Amal.</textarea>" in r.text
    assert 'name="revision" value="2"' in r.text
    assert [e["body"] for e in blog_entries(site)] == ["The editor's fix."]
    client.close()
