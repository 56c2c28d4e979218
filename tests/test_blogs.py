"""Blogs: editors create them, anyone reads them, editors change and end them."""


def test_editor_creates_a_blog(site):
    site.user("ed", "editor")
    r = site.client.post("/api/blogs", json={"slug": "strike", "title": "General strike", "summary": "Day one",
                                             "intro": "Workers walked out at *dawn*."}, headers=site.headers("ed"))
    assert r.status_code == 201
    blog = r.json()
    assert r.headers["location"] == "/api/blogs/strike"
    assert blog["slug"] == "strike" and blog["title"] == "General strike" and blog["status"] == "live"
    assert blog["intro_html"] == "<p>Workers walked out at <em>dawn</em>.</p>"
    assert blog["created_at"].endswith("Z")
    assert blog["last_updated_at"] is None


def test_correspondent_cannot_create_a_blog(site):
    site.user("cor", "correspondent")
    r = site.client.post("/api/blogs", json={"slug": "x", "title": "X"}, headers=site.headers("cor"))
    assert r.status_code == 403
    assert site.client.get("/api/blogs/x").status_code == 404


def test_slug_must_be_unique_and_well_formed(site):
    site.blog("strike")
    r = site.client.post("/api/blogs", json={"slug": "strike", "title": "Again"}, headers=site.headers("editor"))
    assert r.status_code == 409
    for bad in ["Strike", "a b", "-x", "", "x" * 65, 5]:
        r = site.client.post("/api/blogs", json={"slug": bad, "title": "T"}, headers=site.headers("editor"))
        assert r.status_code == 422, bad
        assert r.json()["detail"]["field"] == "slug"


def test_list_blogs_shows_live_before_ended(site):
    site.blog("old")
    site.blog("new")
    site.client.patch("/api/blogs/new", json={"status": "ended"}, headers=site.headers("editor"))
    slugs = [b["slug"] for b in site.client.get("/api/blogs").json()["blogs"]]
    assert slugs == ["old", "new"]


def test_get_blog_pages_entries_newest_first(site):
    site.blog("strike")
    ids = [site.entry("strike", f"update {i}")["id"] for i in range(5)]
    page = site.client.get("/api/blogs/strike?limit=2").json()
    assert [e["id"] for e in page["entries"]] == ids[::-1][:2]
    assert page["next_before"] == ids[3]
    page2 = site.client.get(f"/api/blogs/strike?limit=2&before={page['next_before']}").json()
    assert [e["id"] for e in page2["entries"]] == [ids[2], ids[1]]
    last = site.client.get(f"/api/blogs/strike?limit=2&before={ids[1]}").json()
    assert [e["id"] for e in last["entries"]] == [ids[0]] and last["next_before"] is None
    assert site.client.get("/api/blogs/strike?limit=0").status_code == 422
    assert site.client.get("/api/blogs/strike?before=abc").status_code == 422


def test_last_updated_at_follows_the_latest_entry(site):
    site.blog("strike")
    entry = site.entry("strike", "first")
    blog = site.client.get("/api/blogs/strike").json()
    assert blog["last_updated_at"] == entry["published_at"]
    assert blog["last_updated_gmt"] == entry["time_gmt"]


def test_editor_edits_and_ends_a_blog(site):
    site.blog("strike")
    r = site.client.patch("/api/blogs/strike", json={"title": "Strike, day two", "summary": "s", "intro": "**i**"},
                          headers=site.headers("editor"))
    assert r.status_code == 200
    assert r.json()["title"] == "Strike, day two" and r.json()["intro_html"] == "<p><strong>i</strong></p>"
    r = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert r.json()["status"] == "ended" and r.json()["ended_at"].endswith("Z")
    assert site.client.patch("/api/blogs/strike", json={"status": "paused"},
                             headers=site.headers("editor")).status_code == 422


def test_a_patch_that_changes_nothing_appends_no_event(site):
    blog = site.blog("strike", summary="Day one")
    for nothing in [{}, {"title": blog["title"], "summary": " Day one ", "intro": ""}, {"status": "live"}]:
        r = site.client.patch("/api/blogs/strike", json=nothing, headers=site.headers("editor"))
        assert r.status_code == 200 and r.json() == blog, nothing
    assert site.client.get("/api/blogs/strike").json()["last_event_id"] == blog["last_event_id"]
    ended = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor")).json()
    assert ended["last_event_id"] == blog["last_event_id"] + 1
    again = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert again.status_code == 200 and again.json() == ended, "still ended at the same time, and not logged"


def test_posting_to_an_ended_blog_is_refused(site):
    site.blog("strike")
    site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    r = site.post("strike", "too late")
    assert r.status_code == 409
    assert "ended" in r.json()["error"]


def test_correspondent_cannot_change_a_blog(site):
    site.blog("strike")
    site.user("cor")
    r = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("cor"))
    assert r.status_code == 403
    assert site.client.get("/api/blogs/strike").json()["status"] == "live"
