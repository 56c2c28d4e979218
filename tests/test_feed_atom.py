"""Atom (RFC 4287) with RFC 6721 tombstones for withdrawn entries and links to superseded ones."""

from xml.etree import ElementTree as ET

import feedparser

A = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"
SUPERSEDES = "http://purl.org/dc/terms/replaces"


def atom(site):
    r = site.client.get("/blogs/strike/feed.atom")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    return r.content


def test_atom_is_valid_and_complete(site):
    site.blog("strike", summary="Day one")
    a = site.entry("strike", "Police say **50** hurt", headline="Casualties", key_event=True)
    raw = atom(site)
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Strike" and parsed.feed.subtitle == "Day one"
    [entry] = parsed.entries
    assert entry.id == f"urn:liveblog:strike-{a['id']}" and entry.title == "Casualties"
    assert entry.link == f"{site.url}/blogs/strike/entries/{a['id']}"
    assert "<strong>50</strong>" in entry.content[0].value and entry.author == "editor"
    root = ET.fromstring(raw)
    for required in ("id", "title", "updated"):
        assert root.find(A + required) is not None
    for element in root.findall(A + "entry"):
        for required in ("id", "title", "updated"):
            assert element.find(A + required) is not None


def test_withdrawn_entries_are_tombstones(site):
    site.blog("strike")
    a = site.entry("strike", "A name that must not be published")
    site.client.post(f"/api/blogs/strike/entries/{a['id']}/retraction", json={"note": "Protecting a source"},
                     headers=site.headers("editor"))
    raw = atom(site)
    assert not feedparser.parse(raw).bozo
    root = ET.fromstring(raw)
    [kept] = root.findall(A + "entry")  # for the readers that ignore tombstones (tests/test_feed_readers.py)
    assert kept.find(A + "content").text.startswith("<p>Withdrawn ")
    [tomb] = root.findall(AT + "deleted-entry")
    assert tomb.get("ref") == f"urn:liveblog:strike-{a['id']}"
    retracted = site.client.get(f"/api/blogs/strike/entries/{a['id']}").json()["retracted"]
    assert tomb.get("when") == retracted["at"]
    assert "Protecting a source" in tomb.find(AT + "comment").text
    assert b"must not be published" not in raw


def test_superseding_entries_link_what_they_supersede(site_with):
    """The relation is one fixed URI (Dublin Core's ``replaces``), whatever host or mirror serves the feed."""
    site = site_with(allowed_hosts="127.0.0.1,mirror.example")
    site.blog("strike")
    a = site.entry("strike", "50 hurt")
    b = site.entry("strike", "70 hurt", supersedes=[a["id"]])
    for host in ("127.0.0.1", "mirror.example"):
        root = ET.fromstring(site.client.get("/blogs/strike/feed.atom", headers={"Host": host}).content)
        newer = next(e for e in root.findall(A + "entry") if e.find(A + "id").text.endswith(f"-{b['id']}"))
        links = [(link.get("rel"), link.get("href")) for link in newer.findall(A + "link")
                 if link.get("rel") != "alternate"]
        assert links == [(SUPERSEDES, f"http://{host}/blogs/strike/entries/{a['id']}")]
    about = site.client.get("/about/feed-extension")
    assert about.status_code == 200 and f"<code>{SUPERSEDES}" in about.text


def test_pages_link_the_next_until_the_oldest(site_with):
    site = site_with(posts_per_minute=100)
    site.blog("strike")
    ids = [site.entry("strike", f"Update {n}")["id"] for n in range(51)]
    first = ET.fromstring(atom(site))
    [next_link] = [link for link in first.findall(A + "link") if link.get("rel") == "next"]
    assert next_link.get("type") == "application/atom+xml"
    assert next_link.get("href") == f"{site.url}/blogs/strike/feed.atom?before={ids[1]}"
    assert len(first.findall(A + "entry")) == 50
    r = site.client.get(next_link.get("href"))
    assert r.status_code == 200 and not feedparser.parse(r.content).bozo
    last = ET.fromstring(r.content)
    assert [e.find(A + "id").text for e in last.findall(A + "entry")] == [f"urn:liveblog:strike-{ids[0]}"]
    assert [link for link in last.findall(A + "link") if link.get("rel") == "next"] == []


def test_photo_addresses_are_absolute(site):
    site.blog("strike")
    site.entry("strike", "The square.\n\n![crowd](/media/square.jpg)")
    [entry] = feedparser.parse(atom(site)).entries
    assert f'src="{site.url}/media/square.jpg"' in entry.content[0].value


def corrected_many_times(site, times):
    """An entry corrected ``times`` times, each with a note of 1,000 three-byte characters (3 KB)."""
    entry = site.entry("strike", "Count begins")
    for n in range(times):
        r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", headers=site.headers("editor"),
                             json={"body": f"Count {n}", "note": f"{n} " + "漢" * 990})
        assert r.status_code == 200, r.text
    return entry


def test_pages_stay_under_100_kb_and_reach_every_entry(site):
    """Like the JSON Feed, a page is cut by size as well as by count; no entry is left behind."""
    site.blog("strike")
    long = "Long dispatch from the square. " * 600  # ~18 KB of Markdown per entry
    ids = [site.entry("strike", f"{n} {long}")["id"] for n in range(3)]
    corrected = corrected_many_times(site, 40)
    ids += [corrected["id"]] + [site.entry("strike", f"{n} {long}")["id"] for n in range(3, 6)]
    huge = site.entry("strike", "&" * 20_000)  # 180 KB once its HTML is escaped into Atom
    ids += [huge["id"], site.entry("strike", "漢" * 20_000)["id"]]
    url, pages, seen = "/blogs/strike/feed.atom", 0, []
    while url:
        r = site.client.get(url)
        assert r.status_code == 200 and len(r.content) < 100_000, (url, len(r.content))
        assert not feedparser.parse(r.content).bozo
        root = ET.fromstring(r.content)
        entries = {e.find(A + "id").text: e for e in root.findall(A + "entry")}
        seen += list(entries)
        nexts = [link.get("href") for link in root.findall(A + "link") if link.get("rel") == "next"]
        url, pages = (nexts[0] if nexts else None), pages + 1
        for element in entries.values():
            content = element.find(A + "content").text
            permalink = element.find(A + "link").get("href")
            if element.find(A + "id").text == f"urn:liveblog:strike-{huge['id']}":
                assert content.startswith("<p>This update is too long for the feed.") and permalink in content
            if element.find(A + "id").text == f"urn:liveblog:strike-{corrected['id']}":
                assert content.count("Corrected ") == 5
                assert "</strong> 39 " in content and "</strong> 34 " not in content
                assert f'35 earlier corrections: <a href="{permalink}">' in content
    assert pages >= 2
    assert seen == [f"urn:liveblog:strike-{i}" for i in reversed(ids)]
    page = site.client.get(f"/blogs/strike/entries/{corrected['id']}").text
    assert all(f"{n} 漢" in page for n in range(40))  # the permalink the feed points to has every correction
