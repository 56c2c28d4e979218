"""Blogs from the desk: an editor changes title, summary, intro and language there; ending asks first and
names the blog; an ended blog offers no compose box (it could only fail) and can be reopened, on the desk
and through the API (``POST /api/blogs/{slug}/reopen``)."""

from __future__ import annotations

from desk import signed_in


def test_an_editor_changes_the_blog_on_the_desk(site):
    site.blog("strike")
    client, csrf = signed_in(site, "eda", "editor")
    r = client.post("/desk/strike/settings", data={"csrf": csrf, "title": "General strike", "summary": "Day two",
                                                   "intro": "Walkouts *everywhere*.", "language": "ru"})
    assert r.status_code == 303 and r.headers["location"] == "/desk/strike?done=settings"
    assert "Blog settings saved" in client.get(r.headers["location"]).text
    blog = site.client.get("/api/blogs/strike").json()
    assert (blog["title"], blog["summary"], blog["language"]) == ("General strike", "Day two", "ru")
    assert "<em>everywhere</em>" in blog["intro_html"]
    client.close()


def test_a_refused_setting_is_shown_at_its_field_with_the_typed_text(site):
    site.blog("strike")
    client, csrf = signed_in(site, "eda", "editor")
    r = client.post("/desk/strike/settings", data={"csrf": csrf, "title": "Kept title", "summary": "",
                                                   "intro": "", "language": "not a language"})
    assert r.status_code == 422
    assert 'id="blog-language" name="language" aria-invalid="true"' in r.text
    assert 'value="not a language"' in r.text and 'value="Kept title"' in r.text
    assert site.client.get("/api/blogs/strike").json()["title"] == "Strike"
    cor, cor_csrf = signed_in(site, "amal")
    assert cor.post("/desk/strike/settings", data={"csrf": cor_csrf, "title": "Mine", "language": "en"}
                    ).status_code == 403
    assert "Blog settings" not in cor.get("/desk/strike").text
    client.close()
    cor.close()


def test_ending_asks_first_naming_the_blog_and_an_ended_blog_can_be_reopened(site):
    site.blog("strike", title="Night of the strike")
    client, csrf = signed_in(site, "eda", "editor")
    confirm = client.get("/desk/strike/end")
    assert confirm.status_code == 200 and "End “Night of the strike”?" in confirm.text
    assert site.client.get("/api/blogs/strike").json()["status"] == "live"  # asking changed nothing
    assert client.post("/desk/strike/end", data={"csrf": csrf}).status_code == 303
    desk = client.get("/desk/strike").text
    assert 'id="compose"' not in desk and "This blog has ended" in desk and "Reopen “Night of the strike”" in desk
    r = client.post("/desk/strike/reopen", data={"csrf": csrf})
    assert r.status_code == 303 and "The blog is live again" in client.get(r.headers["location"]).text
    assert 'id="compose"' in client.get("/desk/strike").text
    client.close()


def test_the_api_reopens_an_ended_blog_for_editors_only(site):
    site.blog("strike")
    site.user("amal")
    site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert site.post("strike", "late", as_="amal").status_code == 409
    assert site.client.post("/api/blogs/strike/reopen", headers=site.headers("amal")).status_code == 403
    r = site.client.post("/api/blogs/strike/reopen", headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["status"] == "live" and r.json()["ended_at"] is None
    assert site.post("strike", "back", as_="amal").status_code == 201
    r = site.client.patch("/api/blogs/strike", json={"language": "kk"}, headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["language"] == "kk"
    assert site.client.patch("/api/blogs/strike", json={"language": "??"},
                             headers=site.headers("editor")).status_code == 422
