"""What search engines and link previews read: complete JSON-LD (coverageEndTime while live, author,
publisher, image, mainEntityOfPage), og:image and an og:description that is not the headline again, headings
without jumps, and the site's identity (its settings) wherever the site names itself."""

from __future__ import annotations

import io
import json

from PIL import Image

from reader_html import parse

IDENTITY = {"site_name": "Radio Free Square", "site_logo": "https://radio.example/logo.png",
            "site_about": "https://radio.example/about", "site_contact": "mailto:desk@radio.example"}


def ld(html):
    [block] = [s for s in parse(html).all("script") if s.get("type") == "application/ld+json"]
    return json.loads("".join(c for c in block.children if isinstance(c, str)))


def meta(doc, prop):
    found = [m.get("content") for m in doc.all("meta") if prop in (m.get("property"), m.get("name"))]
    return found[0] if found else None


def photo_markdown(site):
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(raw, "JPEG")
    r = site.client.post("/api/media", files={"file": ("p.jpg", raw.getvalue(), "image/jpeg")},
                         data={"caption": "The square"}, headers=site.headers("editor"))
    assert r.status_code == 201, r.text
    return r.json()


def test_live_blog_json_ld_is_complete(site_with):
    site = site_with(**IDENTITY)
    site.blog("strike")
    data = ld(site.client.get("/blogs/strike").text)
    first_end = data["coverageEndTime"]
    photo = photo_markdown(site)
    site.entry("strike", f"Crowds.\n\n{photo['markdown']}")
    data = ld(site.client.get("/blogs/strike").text)
    url = f"{site.url}/blogs/strike"
    assert data["coverageEndTime"] > first_end, "coverage is extended as it goes on"
    assert data["mainEntityOfPage"] == url
    assert data["author"] == [{"@type": "Person", "name": "editor"}]
    assert data["publisher"] == {"@type": "Organization", "name": "Radio Free Square",
                                 "url": "https://radio.example/about",
                                 "logo": {"@type": "ImageObject", "url": "https://radio.example/logo.png"}}
    assert data["image"] == f"{site.url}{photo['url']}"
    assert data["liveBlogUpdate"][0]["image"] == f"{site.url}{photo['url']}"


def test_update_page_has_og_image_and_a_description_that_is_not_its_headline(site):
    site.blog("strike")
    photo = photo_markdown(site)
    e = site.entry("strike", f"Police cleared the square.\n\n{photo['markdown']}", headline="Square cleared")
    doc = parse(site.client.get(f"/blogs/strike/entries/{e['id']}").text)
    assert meta(doc, "og:image") == f"{site.url}{photo['url']}"
    assert meta(doc, "og:description") == "Police cleared the square."
    img = doc.one("article").one("img")
    assert (img.get("width"), img.get("height")) == ("40", "30"), "its room is kept before it loads"


def test_a_withdrawn_update_has_no_empty_article_body(site):
    site.blog("strike")
    e = site.entry("strike", "A rumour.")
    site.client.post(f"/api/blogs/strike/entries/{e['id']}/retraction", json={"note": "Unfounded."},
                     headers=site.headers("editor"))
    data = ld(site.client.get(f"/blogs/strike/entries/{e['id']}").text)
    assert "articleBody" not in data and data["@type"] == "BlogPosting"


def test_headings_have_no_jumps_and_every_update_has_one(site):
    site.blog("strike")
    e = site.entry("strike", "No headline.")
    entry_page = parse(site.client.get(f"/blogs/strike/entries/{e['id']}").text)
    article = entry_page.one("article")
    assert [h.tag for h in entry_page.all() if h.tag in ("h1", "h2", "h3")] == ["h1", "h2"]
    assert article.one("h2", class_="vh").text == f"Update {e['time_gmt']}, {e['date_gmt']}"
    blog_page = parse(site.client.get("/blogs/strike").text)
    assert blog_page.one(id=f"entry-{e['id']}").one("h3").text.startswith("Update ")
    about = parse(site.client.get("/about/feed-extension").text)
    assert about.one("h1").text == "The _liveblog JSON Feed extension"


def test_the_site_names_itself_by_its_settings(site_with):
    site = site_with(**IDENTITY)
    site.blog("strike")
    site.entry("strike", "Text")
    doc = parse(site.client.get("/blogs/strike").text)
    assert doc.one("header", class_="site").text.strip() == "Radio Free Square"
    assert meta(doc, "og:site_name") == "Radio Free Square"
    atom = site.client.get("/blogs/strike/feed.atom").text
    assert "<name>Radio Free Square</name>" in atom and "<logo>https://radio.example/logo.png</logo>" in atom
    feed = site.client.get("/blogs/strike/feed.json").json()
    assert feed["icon"] == "https://radio.example/logo.png"
