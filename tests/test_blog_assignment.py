"""A person may be limited to some blogs (a newsroom runs several at once): a correspondent not assigned to a
blog cannot post there (403 from the API, a 403 page on the desk), and the desk offers no compose box there.
Editors manage assignments in the API and on the desk; no assignment at all means every blog."""

from __future__ import annotations

from desk import signed_in


def test_a_correspondent_limited_to_one_blog_posts_only_there(site):
    site.blog("strike")
    site.blog("floods")
    site.user("amal")
    assert site.post("floods", "Anywhere, before any limit").status_code == 201
    r = site.client.put("/api/people/amal/blogs", json={"blogs": ["strike"]}, headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["blogs"] == ["strike"]
    assert site.post("strike", "Allowed", as_="amal").status_code == 201
    refused = site.post("floods", "Not here", as_="amal")
    assert refused.status_code == 403 and set(refused.json()) == {"error", "detail"}
    assert site.post("floods", "Editors go anywhere").status_code == 201
    lifted = site.client.put("/api/people/amal/blogs", json={"blogs": []}, headers=site.headers("editor"))
    assert lifted.json()["blogs"] == []
    assert site.post("floods", "Every blog again", as_="amal").status_code == 201


def test_assignments_name_real_blogs_and_only_editors_set_them(site):
    site.blog("strike")
    site.user("amal")
    for blogs, status in ((["nowhere"], 404), (["Not A Slug"], 422), ("strike", 422)):
        r = site.client.put("/api/people/amal/blogs", json={"blogs": blogs}, headers=site.headers("editor"))
        assert r.status_code == status, (blogs, r.text)
    r = site.client.put("/api/people/amal/blogs", json={"blogs": ["strike"]}, headers=site.headers("amal"))
    assert r.status_code == 403


def test_the_desk_sets_assignments_and_refuses_an_unassigned_blog(site):
    site.blog("strike")
    site.blog("floods")
    editor, editor_csrf = signed_in(site, "boss", "editor")
    amal, amal_csrf = signed_in(site, "amal")
    try:
        r = editor.post("/desk/people/amal/blogs", data={"csrf": editor_csrf, "blogs": ["strike"]})
        assert r.status_code == 303 and r.headers["location"] == "/desk/people?done=assigned"
        page = editor.get("/desk/people").text
        assert 'name="blogs" value="strike" checked' in page and 'name="blogs" value="floods">' in page
        assert amal.get("/desk/strike").status_code == 200
        listed = amal.get("/desk").text
        assert 'href="/desk/strike"' in listed and 'href="/desk/floods"' not in listed, "only their blogs"
        refused = amal.get("/desk/floods")
        assert refused.status_code == 403 and 'id="compose"' not in refused.text
        posted = amal.post("/desk/floods/entries", data={"csrf": amal_csrf, "body": "Not here"})
        assert posted.status_code == 403
        assert amal.post("/desk/strike/entries", data={"csrf": amal_csrf, "body": "Here"}).status_code == 303
    finally:
        editor.close()
        amal.close()
