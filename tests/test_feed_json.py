"""The JSON Feed follows the 1.1 rules and carries corrections, supersession and withdrawals."""

import copy
import json

import jsonschema
import pytest

from jsonfeed import validate
from liveblog import render
from liveblog.sanitize import render_document


def feed(site, slug="strike", **params):
    r = site.client.get(f"/blogs/{slug}/feed.json", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/feed+json"
    body = r.json()
    validate(body)
    return body


def test_the_extension_document_renders_as_written_once_its_prose_goes_through_the_catalogs():
    """``render.extension_doc`` rebuilds the document (templates/feed-extension.md) a block at a time to pass its
    prose through the catalogs: each paragraph on one line, each table cell apart. So the document holds only
    blocks that come through that unchanged (no list, no hard line break), and its tables render as tables."""
    source = render.EXTENSION_DOC.read_text(encoding="utf-8").partition("\n")[2]
    rebuilt = render_document(render.extension_doc(str))
    assert " ".join(rebuilt.split()) == " ".join(render_document(source).split())
    assert rebuilt.count("<table>") == 2 and "| ---" not in rebuilt


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
    head = ext.pop("head")
    assert ext == {"about": f"{site.url}/about/feed-extension", "status": "live", "last_event_id": 2,
                   "events_url": f"{site.url}/blogs/strike/events"}
    assert (head["blog"], head["seq"], head["key"]) == ("strike", 2, site.runtime.key.public_hex)
    assert "expired" not in body
    assert site.client.get("/about/feed-extension").status_code == 200


@pytest.mark.parametrize("field, value", [
    ("date_published", "yesterday"), ("date_modified", "2024-13-01T00:00:00Z"), ("url", "entries/1"),
    ("url", "https://example.org/a b"),
])
def test_the_1_1_rules_check_dates_and_urls(site, field, value):
    site.blog("strike")
    site.entry("strike", "first")
    broken = copy.deepcopy(feed(site))
    broken["items"][0][field] = value
    with pytest.raises(jsonschema.ValidationError, match="is not a"):
        validate(broken)


def test_items_newest_first_with_stable_ids(site):
    site.blog("strike")
    a = site.entry("strike", "Police say **50** hurt", headline="Casualties", key_event=True)
    b = site.entry("strike", "Crowd disperses")
    items = feed(site)["items"]
    assert [i["id"] for i in items] == [f"strike-{b['id']}", f"strike-{a['id']}"]
    first = items[1]
    assert first["url"] == f"{site.url}/blogs/strike/entries/{a['id']}"
    assert first["title"] == "Casualties" and items[0]["title"] == f"Update {b['date_gmt']}, {b['time_gmt']}"
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
        page = site.client.get(body["next_url"])
        assert len(page.content) < 100_000
        body = page.json()
        validate(body)
        seen += [i["id"] for i in body["items"]]
    assert seen == [f"strike-{i}" for i in reversed(ids)]


def test_one_long_entry_in_a_wide_script_still_fits(site):
    site.blog("strike")
    site.entry("strike", "漢" * 20_000)  # the longest body, 3 bytes a character in UTF-8
    r = site.client.get("/blogs/strike/feed.json")
    assert len(r.content) < 100_000
    (item,) = r.json()["items"]
    assert item["content_html"].count("漢") == 20_000


def test_an_entry_too_long_for_any_page_links_its_page_instead(site):
    site.blog("strike")
    before = site.entry("strike", "Crowd gathers")
    huge = site.entry("strike", "&" * 20_000)  # a valid body whose HTML is 100 KB of &amp;
    after = site.entry("strike", "Crowd disperses")
    r = site.client.get("/blogs/strike/feed.json")
    assert len(r.content) < 100_000
    body = feed(site)
    assert [i["id"] for i in body["items"]] == [f"strike-{e['id']}" for e in (after, huge, before)]
    assert "next_url" not in body
    item = body["items"][1]
    permalink = f"{site.url}/blogs/strike/entries/{huge['id']}"
    assert item["url"] == permalink
    assert item["content_html"] == (f'<p>This update is too long for the feed. <a href="{permalink}">'
                                    "Read it on its page</a>.</p>")
    assert item["content_text"] == f"This update is too long for the feed. Read it on its page: {permalink}"
    assert site.client.get(permalink).text.count("&amp;") >= 20_000


def test_unknown_blog_is_404(site):
    assert site.client.get("/blogs/nope/feed.json").status_code == 404


def test_photo_and_link_addresses_are_absolute(site):
    """A reader of the feed elsewhere cannot resolve ``/media/…`` against the site: content links carry it."""
    site.blog("strike")
    site.entry("strike", "The square.\n\n![crowd](/media/square.jpg) [earlier](/blogs/strike/entries/1)")
    html = feed(site)["items"][0]["content_html"]
    assert f'src="{site.url}/media/square.jpg"' in html
    assert f'href="{site.url}/blogs/strike/entries/1"' in html
    assert '="/' not in html


def test_an_item_carries_its_latest_corrections_and_the_page_the_rest(site):
    """Forty 3 KB notes would take one item past a page: the item keeps the latest five and says how many more."""
    site.blog("strike")
    entry = site.entry("strike", "漢" * 20_000)
    for n in range(40):
        r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", headers=site.headers("editor"),
                             json={"body": "漢" * 19_990 + str(n), "note": f"{n} " + "漢" * 990})
        assert r.status_code == 200, r.text
    later = site.entry("strike", "Crowd disperses")
    r = site.client.get("/blogs/strike/feed.json")
    assert len(r.content) < 100_000
    body = feed(site)
    if "next_url" in body:
        r = site.client.get(body["next_url"])
        assert len(r.content) < 100_000
        body["items"] += r.json()["items"]
    assert [i["id"] for i in body["items"]] == [f"strike-{later['id']}", f"strike-{entry['id']}"]
    ext = body["items"][1]["_liveblog"]
    assert [c["note"].split()[0] for c in ext["corrections"]] == ["35", "36", "37", "38", "39"]
    assert ext["corrections_omitted"] == 35 and ext["revision"] == 41
    assert "corrected" in body["items"][1]["tags"] and "corrections_omitted" not in body["items"][0]["_liveblog"]
