"""The JSON Feed follows the 1.1 rules and carries corrections, supersession and withdrawals."""

import json

import jsonschema

AUTHOR = {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"},
                                          "avatar": {"type": "string"}}, "minProperties": 1}
# The JSON Feed 1.1 field rules (https://jsonfeed.org/version/1.1), as a schema.
SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "next_url": {"type": "string", "format": "uri"},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "authors": {"type": "array", "items": AUTHOR},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {"type": "array", "items": AUTHOR},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "propertyNames": {"anyOf": [{"enum": ["id", "url", "external_url", "title", "content_html",
                    "content_text", "summary", "image", "banner_image", "date_published", "date_modified",
                    "authors", "tags", "language", "attachments"]}, {"pattern": "^_"}]},
            },
        },
    },
    "propertyNames": {"anyOf": [{"enum": ["version", "title", "home_page_url", "feed_url", "description",
        "user_comment", "next_url", "icon", "favicon", "authors", "language", "expired", "hubs", "items"]},
        {"pattern": "^_"}]},
}


def feed(site, slug="strike", **params):
    r = site.client.get(f"/blogs/{slug}/feed.json", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/feed+json"
    body = r.json()
    jsonschema.validate(body, SCHEMA, format_checker=jsonschema.FormatChecker())
    return body


def test_feed_top_level(site):
    site.blog("strike", summary="Day one of the general strike")
    site.entry("strike", "first")
    body = feed(site)
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert body["home_page_url"] == f"{site.url}/blogs/strike"
    assert body["feed_url"] == f"{site.url}/blogs/strike/feed.json"
    assert body["description"] == "Day one of the general strike" and body["language"] == "en"
    assert body["authors"] == [{"name": "editor"}]
    ext = body["_liveblog"]
    assert ext == {"about": f"{site.url}/about/feed-extension", "status": "live", "last_event_id": 2,
                   "events_url": f"{site.url}/blogs/strike/events"}
    assert "expired" not in body
    assert site.client.get("/about/feed-extension").status_code == 200


def test_items_newest_first_with_stable_ids(site):
    site.blog("strike")
    a = site.entry("strike", "Police say **50** hurt", headline="Casualties", key_event=True)
    b = site.entry("strike", "Crowd disperses")
    items = feed(site)["items"]
    assert [i["id"] for i in items] == [f"strike-{b['id']}", f"strike-{a['id']}"]
    first = items[1]
    assert first["url"] == f"{site.url}/blogs/strike/entries/{a['id']}"
    assert first["title"] == "Casualties" and items[0]["title"] == f"Update {b['time_gmt']}"
    assert first["content_html"] == a["body_html"] and first["content_text"] == "Police say 50 hurt"
    assert first["date_published"] == a["published_at"] and first["tags"] == ["key-event"]
    assert first["authors"] == [{"name": "editor"}]
    assert first["_liveblog"]["time_gmt"] == a["time_gmt"] and first["_liveblog"]["revision"] == 1


def test_corrections_supersession_and_withdrawals_travel(site):
    site.blog("strike")
    a = site.entry("strike", "50 hurt")
    site.client.post(f"/api/blogs/strike/entries/{a['id']}/corrections", json={"body": "60 hurt", "note": "Updated"},
                     headers=site.headers("editor"))
    b = site.entry("strike", "70 hurt", supersedes=[a["id"]])
    c = site.entry("strike", "A name that must not be published")
    site.client.post(f"/api/blogs/strike/entries/{c['id']}/retraction", json={"note": "Protecting a source"},
                     headers=site.headers("editor"))
    items = {i["id"]: i for i in feed(site)["items"]}
    corrected = items[f"strike-{a['id']}"]
    assert corrected["_liveblog"]["corrections"][0]["note"] == "Updated"
    assert corrected["_liveblog"]["superseded_by"] == [f"strike-{b['id']}"]
    assert corrected["date_modified"] > corrected["date_published"] and "corrected" in corrected["tags"]
    assert items[f"strike-{b['id']}"]["_liveblog"]["supersedes"] == [f"strike-{a['id']}"]
    gone = items[f"strike-{c['id']}"]
    assert gone["_liveblog"]["status"] == "retracted"
    assert gone["_liveblog"]["retracted"]["note"] == "Protecting a source"
    assert "Protecting a source" in gone["content_text"] and "must not" not in json.dumps(gone)


def test_an_ended_blog_is_expired(site):
    site.blog("strike")
    site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    body = feed(site)
    assert body["expired"] is True and body["_liveblog"]["status"] == "ended"


def test_pages_stay_under_100_kb_and_link_the_next(site):
    site.blog("strike")
    big = "Long dispatch from the square. " * 600  # ~18 KB of Markdown per entry
    ids = [site.entry("strike", f"{i} {big}")["id"] for i in range(8)]
    r = site.client.get("/blogs/strike/feed.json")
    assert len(r.content) < 100_000
    body = r.json()
    assert 1 <= len(body["items"]) < 8
    seen = [i["id"] for i in body["items"]]
    while "next_url" in body:
        body = site.client.get(body["next_url"]).json()
        seen += [i["id"] for i in body["items"]]
    assert seen == [f"strike-{i}" for i in reversed(ids)]


def test_one_long_entry_in_a_wide_script_still_fits(site):
    site.blog("strike")
    site.entry("strike", "漢" * 20_000)  # the longest body, 3 bytes a character in UTF-8
    r = site.client.get("/blogs/strike/feed.json")
    assert len(r.content) < 100_000
    (item,) = r.json()["items"]
    assert item["content_html"].count("漢") == 20_000


def test_unknown_blog_is_404(site):
    assert site.client.get("/blogs/nope/feed.json").status_code == 404
