"""The reader page carries schema.org JSON-LD that matches what it shows.

Pins: a ``LiveBlogPosting`` with coverageStartTime (and coverageEndTime once ended) and a
``liveBlogUpdate`` BlogPosting per shown update (headline, datePublished, dateModified,
articleBody, url); a corrected update carries ``correction`` CorrectionComment items;
a withdrawn one is left out; text that looks like a closing tag cannot break out of the
script block; a permalink page carries the update's own BlogPosting.
"""

from __future__ import annotations

import json

from reader_html import parse


def ld(html):
    blocks = [s for s in parse(html).all("script") if s.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads("".join(c for c in blocks[0].children if isinstance(c, str)))


def test_live_blog_posting_lists_its_updates(site):
    blog = site.blog("strike", title="General strike", summary="Unions stop the country.")
    first = site.entry("strike", "Depots are *closed*.", headline="Depots")
    second = site.entry("strike", "Marchers gather.")
    data = ld(site.client.get("/blogs/strike").text)
    url = f"{site.url}/blogs/strike"
    assert data["@context"] == "https://schema.org" and data["@type"] == "LiveBlogPosting"
    assert data["url"] == url and data["headline"] == "General strike"
    assert data["description"] == "Unions stop the country."
    assert data["coverageStartTime"] == blog["created_at"]
    assert data["coverageEndTime"] > data["coverageStartTime"]  # while live: a little past the latest change
    updates = data["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [f"{url}/entries/{second['id']}", f"{url}/entries/{first['id']}"]
    assert updates[1] == {
        "@type": "BlogPosting",
        "@id": f"{url}/entries/{first['id']}",
        "url": f"{url}/entries/{first['id']}",
        "mainEntityOfPage": f"{url}/entries/{first['id']}",
        "headline": "Depots",
        "datePublished": first["published_at"],
        "dateModified": first["updated_at"],
        "author": {"@type": "Person", "name": "editor"},
        "articleBody": "Depots are closed.",
    }
    assert updates[0]["headline"] == f"Update {second['time_gmt']}"


def test_corrections_are_correction_comments_and_withdrawn_updates_are_left_out(site):
    site.blog("strike")
    fixed = site.entry("strike", "Ten hurt.")
    gone = site.entry("strike", "A rumour.")
    r = site.client.post(f"/api/blogs/strike/entries/{fixed['id']}/corrections",
                         json={"body": "Twelve hurt.", "note": "Hospital figure."}, headers=site.headers("editor"))
    corrected = r.json()
    site.client.post(f"/api/blogs/strike/entries/{gone['id']}/retraction", json={"note": "Unfounded."},
                     headers=site.headers("editor"))
    updates = ld(site.client.get("/blogs/strike").text)["liveBlogUpdate"]
    assert len(updates) == 1
    assert updates[0]["articleBody"] == "Twelve hurt."
    assert updates[0]["dateModified"] == corrected["updated_at"] != corrected["published_at"]
    assert updates[0]["correction"] == [
        {"@type": "CorrectionComment", "text": "Hospital figure.", "datePublished": corrected["corrections"][0]["at"]}
    ]


def test_an_ended_blog_has_a_coverage_end_time(site):
    site.blog("strike")
    ended = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor")).json()
    assert ld(site.client.get("/blogs/strike").text)["coverageEndTime"] == ended["ended_at"]


def test_text_cannot_close_the_script_block(site):
    site.blog("strike", title="</script><script>alert(1)</script> & <!-- x")
    site.entry("strike", "body", headline="</SCRIPT><img src=x onerror=alert(1)>")
    html = site.client.get("/blogs/strike").text
    scripts = parse(html).all("script")
    assert next(s.get("type") or s.get("src") for s in scripts) == "application/ld+json"
    assert len(scripts) == 4, "only the JSON-LD block, i18n.js, live.js and verify.js"
    data = ld(html)
    assert data["headline"] == "</script><script>alert(1)</script> & <!-- x"
    assert data["liveBlogUpdate"][0]["headline"] == "</SCRIPT><img src=x onerror=alert(1)>"


def test_permalink_page_carries_its_own_blog_posting(site):
    site.blog("strike")
    e = site.entry("strike", "One update.")
    data = ld(site.client.get(f"/blogs/strike/entries/{e['id']}").text)
    assert data["@type"] == "BlogPosting" and data["url"] == f"{site.url}/blogs/strike/entries/{e['id']}"
    assert data["isPartOf"] == {"@type": "LiveBlogPosting", "@id": f"{site.url}/blogs/strike"}
    assert data["articleBody"] == "One update."
