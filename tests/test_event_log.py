"""Every change appends exactly one event to its blog's log, in the same transaction."""

import json


def events(site, slug):
    rows = site.sql("SELECT ev.seq, ev.kind, ev.entry_id, ev.payload FROM events ev JOIN blogs b ON b.id = ev.blog_id "
                    "WHERE b.slug = ? ORDER BY ev.seq", slug)
    return [(seq, kind, entry_id, json.loads(payload)) for seq, kind, entry_id, payload in rows]


def test_each_change_is_one_event_with_a_strictly_increasing_seq(site):
    site.blog("strike")
    a = site.entry("strike", "a")
    b = site.entry("strike", "b", supersedes=[a["id"]])
    site.client.post(f"/api/blogs/strike/entries/{a['id']}/corrections", json={"body": "a2", "note": "n"},
                     headers=site.headers("editor"))
    site.client.post(f"/api/blogs/strike/entries/{b['id']}/retraction", json={"note": "n"},
                     headers=site.headers("editor"))
    site.client.patch("/api/blogs/strike", json={"title": "New"}, headers=site.headers("editor"))
    log = events(site, "strike")
    assert [seq for seq, *_ in log] == [1, 2, 3, 4, 5, 6]
    assert [kind for _, kind, *_ in log] == ["blog.updated", "entry.created", "entry.created", "entry.corrected",
                                            "entry.retracted", "blog.updated"]
    assert log[3][3]["body"] == "a2" and log[3][3]["revision"] == 2
    assert log[5][3]["title"] == "New"
    assert site.client.get("/api/blogs/strike").json()["last_event_id"] == 6


def test_blogs_have_separate_sequences(site):
    site.blog("one")
    site.blog("two")
    site.entry("one", "x")
    site.entry("two", "y")
    assert [seq for seq, *_ in events(site, "one")] == [1, 2]
    assert [seq for seq, *_ in events(site, "two")] == [1, 2]


def test_refused_requests_leave_no_event(site):
    site.blog("strike")
    before = events(site, "strike")
    site.post("strike", "")
    site.post("strike", "x", supersedes=[42])
    site.client.post("/api/blogs/strike/entries/1/corrections", json={"body": "x"}, headers=site.headers("editor"))
    assert events(site, "strike") == before
