"""Drafts: correspondents and editors keep an update unpublished (the API's ``"draft": true``, the desk's
"Save as draft") and publish it later; a draft is nobody else's to see or publish, and no public view shows it."""

from __future__ import annotations

import re

from desk import signed_in

HIDDEN = "Draft: minister resigns (unconfirmed)"


def test_a_draft_is_kept_unseen_and_its_author_publishes_it_later(site):
    site.blog("strike")
    site.user("amal")
    r = site.post("strike", HIDDEN, as_="amal", draft=True)
    assert r.status_code == 201 and r.json()["status"] == "draft"
    draft = r.json()
    public = "".join(site.client.get(p).text for p in ("/blogs/strike", "/api/blogs/strike", "/blogs/strike/feed.json",
                                                        "/api/blogs/strike/events"))
    assert HIDDEN not in public
    assert site.client.get(f"/api/blogs/strike/entries/{draft['id']}").status_code == 404
    site.user("badr")
    path = f"/api/blogs/strike/entries/{draft['id']}/publication"
    assert site.client.post(path, json={}, headers=site.headers("badr")).status_code == 404
    assert site.client.post(path, json={}, headers=site.headers("editor")).status_code == 404  # not an editor's
    drafts = site.client.get("/api/blogs/strike/queue", headers=site.headers("amal")).json()["drafts"]
    assert [d["id"] for d in drafts] == [draft["id"]]
    r = site.client.post(path, json={"body": "Minister resigns."}, headers=site.headers("amal"))
    assert r.status_code == 201
    assert (r.json()["body"], r.json()["author"], r.json()["filed_at"]) == ("Minister resigns.", "amal",
                                                                          draft["filed_at"])
    assert site.client.get("/api/blogs/strike/queue", headers=site.headers("amal")).json()["drafts"] == []


def test_contributors_have_no_drafts(site):
    site.blog("strike")
    site.user("stringer", "contributor")
    r = site.post("strike", HIDDEN, as_="stringer", draft=True)
    assert r.status_code == 422 and r.json()["detail"]["field"] == "draft"


def test_the_desk_saves_a_draft_and_publishes_it_saying_when(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    r = client.post("/desk/strike/entries", data={"csrf": csrf, "body": HIDDEN, "draft": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/desk/strike?done=draft"
    desk = client.get(r.headers["location"]).text
    assert "Saved as draft" in desk and "Your drafts" in desk
    assert HIDDEN not in site.client.get("/blogs/strike").text
    filing = re.search(r'action="/desk/strike/filings/(\d+)/publish"', desk)
    assert filing
    r = client.post(f"/desk/strike/filings/{filing.group(1)}/publish", data={"csrf": csrf, "body": HIDDEN})
    assert r.status_code == 303
    shown = client.get(r.headers["location"]).text
    assert re.search(r'role="status">Published \d\d:\d\d GMT<', shown)
    assert HIDDEN in site.client.get("/blogs/strike").text
    client.close()


def test_a_draft_saved_before_a_blog_limit_cannot_be_published_past_it(site):
    """Publishing a draft is posting: limited to another blog since, its author may no longer publish it
    there, by the API or by the desk's Publish."""
    site.blog("strike")
    site.blog("flood")
    client, csrf = signed_in(site, "amal")
    draft = site.post("flood", HIDDEN, as_="amal", draft=True).json()
    r = site.client.put("/api/people/amal/blogs", json={"blogs": ["strike"]}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    r = site.client.post(f"/api/blogs/flood/entries/{draft['id']}/publication", json={},
                         headers=site.headers("amal"))
    assert r.status_code == 403 and r.json()["error"] == "you may not post to this blog"
    r = client.post(f"/desk/flood/filings/{draft['id']}/publish", data={"csrf": csrf, "body": HIDDEN})
    assert r.status_code == 403
    assert HIDDEN not in site.client.get("/blogs/flood").text
    drafts = site.client.get("/api/blogs/flood/queue", headers=site.headers("amal")).json()["drafts"]
    assert [d["id"] for d in drafts] == [draft["id"]]  # still a draft, still hers
    client.close()
