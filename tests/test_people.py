"""People through the JSON API (editors only): add a person and get a one-time sign-in link, a new link for
someone who lost theirs, suspension (their session and API token stop at once) and restore, last sign-in.
``liveblog user link NAME`` prints a new link on the command line."""

from __future__ import annotations

import re

import httpx

from conftest import liveblog_cmd
from desk import csrf_of, signed_in
from liveblog import i18n, model


def sign_in(client: httpx.Client, url: str) -> httpx.Client:
    """Open a sign-in link as a phone does: the login page, then its form with the link's token."""
    token = url.split("#token=", 1)[1]
    form = client.get("/login")
    r = client.post("/login", data={"csrf": csrf_of(form.text), "token": token})
    assert r.status_code in (303, 401), r.text
    return client


def desk_after(site, url: str) -> int:
    """The desk's status for a new phone after it opened ``url``: 200 signed in, 303 sent to sign in."""
    with httpx.Client(base_url=site.url, timeout=10) as phone:
        return sign_in(phone, url).get("/desk").status_code


def add(site, **fields) -> httpx.Response:
    return site.client.post("/api/people", json=fields, headers=site.headers("editor"))


def test_an_editor_adds_a_person_who_signs_in_once_with_the_link(site):
    site.blog("strike")
    r = add(site, name="nour", role="correspondent", display_name="Nour H.")
    assert r.status_code == 201 and r.headers["location"] == "/api/people/nour"
    body = r.json()
    assert body["name"] == "nour" and body["display_name"] == "Nour H." and body["last_signin_at"] is None
    assert re.fullmatch(re.escape(site.url) + r"/login#token=lb_[\w-]{43}", body["signin_url"])
    assert desk_after(site, body["signin_url"]) == 200, "the link signed the phone in"
    person = site.client.get("/api/people/nour", headers=site.headers("editor")).json()
    assert person["last_signin_at"] is not None
    assert model.parse_iso(person["last_signin_at"]) <= model.utc_now()
    assert desk_after(site, body["signin_url"]) == 303, "a link works one time"
    listed = site.client.get("/api/people", headers=site.headers("editor")).json()["people"]
    assert [p["name"] for p in listed] == ["editor", "nour"]


def test_a_new_link_replaces_the_lost_one(site):
    site.blog("strike")
    lost = add(site, name="nour", role="correspondent").json()["signin_url"]
    r = site.client.post("/api/people/nour/signin-link", headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["signin_url"] != lost
    assert desk_after(site, lost) == 303, "the lost link no longer works"
    assert desk_after(site, r.json()["signin_url"]) == 200


def test_suspension_stops_sessions_and_tokens_at_once_and_restore_needs_a_new_link(site):
    site.blog("strike")
    site.user("amal")
    link = site.client.post("/api/people/amal/signin-link", headers=site.headers("editor")).json()["signin_url"]
    with httpx.Client(base_url=site.url, timeout=10) as phone:
        suspended_at_once(site, sign_in(phone, link))
    assert desk_after(site, link) == 303
    refused = site.client.post("/api/people/amal/signin-link", headers=site.headers("editor"))
    assert refused.status_code == 409 and set(refused.json()) == {"error", "detail"}
    r = site.client.delete("/api/people/amal/suspension", headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["suspended"] is False
    assert site.post("strike", "After", as_="amal").status_code == 401, "old tokens stay revoked"
    fresh = site.client.post("/api/people/amal/signin-link", headers=site.headers("editor")).json()["signin_url"]
    assert desk_after(site, fresh) == 200
    mine = site.client.post("/api/people/editor/suspension", headers=site.headers("editor"))
    assert mine.status_code == 409, "an editor cannot lock themselves out"


def suspended_at_once(site, phone: httpx.Client) -> None:
    assert phone.get("/desk").status_code == 200
    assert site.post("strike", "Before", as_="amal").status_code == 201
    r = site.client.post("/api/people/amal/suspension", headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["suspended"] is True
    assert site.post("strike", "During", as_="amal").status_code == 401, "the API token stopped"
    assert phone.get("/desk").status_code == 303, "the session stopped"


def test_bad_input_names_the_field(site):
    site.blog("strike")
    site.user("amal")
    cases = [({"name": "", "role": "correspondent"}, "name"), ({"name": "a b", "role": "correspondent"}, "name"),
             ({"name": "nour", "role": "admin"}, "role"), ({"name": "nour", "role": "editor", "display_name": 5},
                                                           "display_name"),
             ({"name": "Amal", "role": "correspondent"}, "name"),  # reads like amal
             ({"name": "nour", "role": "correspondent", "display_name": "AMAL"}, "display_name"),
             ({"name": "nour", "role": "correspondent", "display_name": "Nour", "x": 1}, "x")]
    for data, field in cases:
        r = add(site, **data)
        assert r.status_code == 422 and r.json()["detail"]["field"] == field, (data, r.text)
    assert add(site, name="nour", role="contributor").json()["role"] == "contributor"
    assert add(site, name="nour", role="contributor").status_code == 422  # taken: reads like itself
    assert site.client.get("/api/people/nobody", headers=site.headers("editor")).status_code == 404
    assert site.client.get("/api/people", headers=site.headers("amal")).status_code == 403
    blog = site.client.post("/api/blogs", json={"slug": "people", "title": "P"}, headers=site.headers("editor"))
    assert blog.status_code == 422 and blog.json()["detail"]["field"] == "slug", "/desk/people is the People page"


def test_the_command_line_prints_a_new_link(site):
    site.user("amal")
    done = liveblog_cmd("user", "link", "amal", "--base-url", "https://news.example", db=site.settings.db)
    assert done.returncode == 0, done.stderr
    url = re.search(r"https://news\.example/login#token=lb_[\w-]+", done.stdout)
    assert url, done.stdout
    assert desk_after(site, url.group(0)) == 200
    missing = liveblog_cmd("user", "link", "nobody", db=site.settings.db)
    assert missing.returncode == 1 and missing.stderr == "error: no user named 'nobody'\n"


def test_serve_says_how_to_get_a_new_link(spawn, tmp_path):
    """The first link is spent or expired: the banner names the command that makes another."""
    db = tmp_path / "first.db"
    server = spawn(db)
    assert "liveblog user link admin" in server.output()
    server.stop()
    again = spawn(db)
    assert "liveblog user link NAME" in again.output() and "token=" not in again.output()


def test_refused_desk_people_forms_show_the_page_with_the_message_in_the_persons_language(site):
    """A bad or unknown blog, or a person no longer there, re-shows the people page (not JSON), in Russian here."""
    site.blog("strike")
    site.user("amal")
    editor, csrf = signed_in(site, "eda", "editor")
    try:
        editor.headers["Accept-Language"] = "ru"
        ru = i18n.translations("ru").gettext
        bad = editor.post("/desk/people/amal/blogs", data={"csrf": csrf, "blogs": ["strike", "a b"]})
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html"), bad.text
        assert 'id="blogs-error"' in bad.text and ru("Blogs they may post to") + ":" in bad.text
        gone_blog = editor.post("/desk/people/amal/blogs", data={"csrf": csrf, "blogs": ["nope"]})
        assert gone_blog.status_code == 404 and 'id="error"' in gone_blog.text
        assert ru("a blog ticked here no longer exists: reload the page") in gone_blog.text
        gone = ru("this person is not on the list (any more): reload the page")
        assert gone != "this person is not on the list (any more): reload the page", "translated"
        for path, data in (("link", {}), ("suspension", {}), ("suspension", {"restore": "1"}),
                           ("byline", {"display_name": "Nobody"}), ("blogs", {"blogs": ["strike"]}),
                           ("revoke", {})):
            r = editor.post(f"/desk/people/nobody/{path}", data={"csrf": csrf, **data})
            assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), (path, r.text)
            assert 'id="error"' in r.text and gone in r.text, (path, r.text)
        assert site.sql("SELECT count(*) FROM assignments") == [(0,)]
    finally:
        editor.close()


def test_a_person_without_a_byline_has_a_blank_byline_box_that_says_the_desks_name_in_the_page_language(site):
    """The Byline box of someone with no byline is empty, with the desk's name ("Редакция") as its placeholder, never
    the stored English "Staff"; saving the form as it is keeps them without a byline."""
    site.user("amal", display_name=model.DESK_BYLINE)
    editor, csrf = signed_in(site, "eda", "editor")
    try:
        editor.headers["Accept-Language"] = "ru"
        page = editor.get("/desk/people").text
        box = re.search(r'<input id="byline-amal"[^>]*>', page)
        assert box, page
        staff = i18n.translations("ru").gettext(model.DESK_BYLINE)
        assert 'value=""' in box[0] and f'placeholder="{staff}"' in box[0] and staff != model.DESK_BYLINE, box[0]
        assert model.DESK_BYLINE not in page
        unchanged = editor.post("/desk/people/amal/byline", data={"csrf": csrf, "display_name": ""})
        assert unchanged.status_code in (200, 303), unchanged.text
        assert site.sql("SELECT display_name FROM users WHERE name = 'amal'") == [(model.DESK_BYLINE,)]
    finally:
        editor.close()
