"""Every update has an anchor on the blog page and a page of its own, with OpenGraph tags.

Pins: /blogs/{slug}/entries/{id} shows that one update (or its tombstone), links back to
the blog at the update's anchor, names itself canonical, and carries og:title,
og:description, og:url (absolute), og:type and the article times, so a shared link
shows the right preview. Ids of another blog or that do not exist are 404 pages.
"""

from __future__ import annotations

from reader_html import parse


def meta(doc, prop):
    found = [m.get("content") for m in doc.all("meta") if m.get("property") == prop or m.get("name") == prop]
    assert len(found) == 1, (prop, found)
    return found[0]


def test_each_entry_has_an_anchor_and_a_permalink_page(site):
    site.blog("strike", title="General strike")
    e = site.entry("strike", "Police fired tear gas at the **bridge**.", headline="Tear gas at the bridge")
    blog_page = parse(site.client.get("/blogs/strike").text)
    anchor = blog_page.one(id=f"entry-{e['id']}")
    assert anchor.one("a", class_="time").get("href") == f"/blogs/strike/entries/{e['id']}"

    r = site.client.get(f"/blogs/strike/entries/{e['id']}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    doc = parse(r.text)
    assert doc.one("h1").text == "General strike"
    article = doc.one("article")
    assert article.get("id") == f"entry-{e['id']}"
    assert article.one("h2").text == "Tear gas at the bridge"  # under the h1: no jump to h3
    assert article.one("div", class_="body").text == "Police fired tear gas at the bridge."
    url = f"{site.url}/blogs/strike/entries/{e['id']}"
    assert doc.one("link", rel="canonical").get("href") == url
    assert doc.one("title").text == "Tear gas at the bridge: General strike"
    assert meta(doc, "og:url") == url
    assert meta(doc, "og:type") == "article"
    assert meta(doc, "og:title") == "Tear gas at the bridge: General strike"
    assert meta(doc, "og:description") == "Police fired tear gas at the bridge."  # not the headline again
    assert meta(doc, "article:published_time") == e["published_at"]
    assert meta(doc, "twitter:card") == "summary"
    assert [a.get("href") for a in doc.all("a") if a.text == "All updates"] == ["/blogs/strike"]


def test_an_update_without_headline_is_described_by_its_text(site):
    site.blog("strike", title="Strike")
    e = site.entry("strike", "Roads into the capital are *closed*. " + "More detail follows. " * 20)
    doc = parse(site.client.get(f"/blogs/strike/entries/{e['id']}").text)
    assert meta(doc, "og:title") == f"Update {e['time_gmt']}: Strike"
    description = meta(doc, "og:description")
    assert description.startswith("Roads into the capital are closed. More detail follows.")
    assert len(description) <= 200 and description.endswith("…")


def test_a_withdrawn_update_keeps_its_permalink_but_not_its_text(site):
    site.blog("strike")
    e = site.entry("strike", "Unverified claim about a named person.")
    site.client.post(f"/api/blogs/strike/entries/{e['id']}/retraction", json={"note": "Could not be verified."},
                     headers=site.headers("editor"))
    r = site.client.get(f"/blogs/strike/entries/{e['id']}")
    assert r.status_code == 200
    assert "Unverified claim" not in r.text
    doc = parse(r.text)
    description = meta(doc, "og:description")
    assert description.startswith("Withdrawn ") and "Could not be verified." in description
    assert doc.one("p", class_="tombstone").text.endswith("Could not be verified.")


def test_permalinks_of_missing_or_foreign_entries_are_404_pages(site):
    site.blog("strike")
    site.blog("other")
    theirs = site.entry("other", "Elsewhere")
    for path in (f"/blogs/strike/entries/{theirs['id']}", "/blogs/strike/entries/12345", "/blogs/strike/entries/-1",
                 "/blogs/missing/entries/1"):
        r = site.client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 404, path
        assert "Page not found" in r.text


def test_base_url_setting_makes_the_absolute_links(site_with):
    site = site_with(base_url="https://news.example.org/")
    site.blog("strike")
    e = site.entry("strike", "Hello")
    doc = parse(site.client.get(f"/blogs/strike/entries/{e['id']}").text)
    assert meta(doc, "og:url") == f"https://news.example.org/blogs/strike/entries/{e['id']}"
    blog = parse(site.client.get("/blogs/strike").text)
    assert blog.one("link", rel="canonical").get("href") == "https://news.example.org/blogs/strike"
