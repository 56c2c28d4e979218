"""What real feed readers show: they drop ``_liveblog`` and ignore RFC 6721 tombstones, so corrections,
supersession and withdrawals must be in what they do read (content, title, dates), measured with feedparser
and with newsboat (Debian's terminal reader, run headless on a cache file of its own)."""

import shutil
import sqlite3
import subprocess
from xml.etree import ElementTree as ET

import feedparser

from conftest import missing

A = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def correct(site, entry_id, body, note):
    r = site.client.post(f"/api/blogs/strike/entries/{entry_id}/corrections", json={"body": body, "note": note},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    return r.json()


def withdraw(site, entry_id, note):
    r = site.client.post(f"/api/blogs/strike/entries/{entry_id}/retraction", json={"note": note},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    return r.json()


def json_items(site):
    return {item["id"]: item for item in site.client.get("/blogs/strike/feed.json").json()["items"]}


def test_json_feed_content_shows_corrections_and_supersession(site):
    """A reader that drops ``_liveblog`` still shows "Corrected …" and "Superseded by …", and the superseded
    item's ``date_modified`` moves, so the reader looks at it again."""
    site.blog("strike")
    a = site.entry("strike", "Police say 50 hurt")
    fixed = correct(site, a["id"], "Police say 60 hurt", "Hospital figures")
    b = site.entry("strike", "Police now say 70 hurt", supersedes=[a["id"]])
    item = json_items(site)[f"strike-{a['id']}"]
    assert f"Corrected {fixed['corrections'][0]['time_gmt']}:</strong> Hospital figures" in item["content_html"]
    assert f"Corrected {fixed['corrections'][0]['time_gmt']}: Hospital figures" in item["content_text"]
    assert "Superseded</strong> by" in item["content_html"]
    assert f'href="{site.url}/blogs/strike/entries/{b["id"]}">the {b["time_gmt"]} update</a>' in item["content_html"]
    assert item["date_modified"] == b["published_at"]
    root = ET.fromstring(site.client.get("/blogs/strike/feed.atom").content)
    older = next(e for e in root.findall(A + "entry") if e.find(A + "id").text.endswith(f"-{a['id']}"))
    assert older.find(A + "updated").text == b["published_at"]
    assert "Superseded</strong> by" in older.find(A + "content").text


def test_item_titles_carry_the_date(site):
    """"Update 10:37 GMT" reads wrong a day later in a reader: the title names the day too."""
    site.blog("strike")
    a = site.entry("strike", "No headline here")
    want = f"Update {a['date_gmt']}, {a['time_gmt']}"
    assert json_items(site)[f"strike-{a['id']}"]["title"] == want
    [entry] = feedparser.parse(site.client.get("/blogs/strike/feed.atom").content).entries
    assert entry.title == want


def test_atom_feed_names_its_language(site):
    site.blog("strike")
    site.entry("strike", "Text")
    raw = site.client.get("/blogs/strike/feed.atom").content
    assert ET.fromstring(raw).get(XML_LANG) == "en"
    parsed = feedparser.parse(raw)
    assert parsed.feed.language == "en" and parsed.entries[0].content[0].language == "en"


def test_withdrawn_text_leaves_feedparser(site):
    """The item stays with the notice as its content and a moved ``updated``; the tombstone stays too."""
    site.blog("strike")
    a = site.entry("strike", "A name that must not be published")
    before = feedparser.parse(site.client.get("/blogs/strike/feed.atom").content).entries[0]
    gone = withdraw(site, a["id"], "Protecting a source")
    raw = site.client.get("/blogs/strike/feed.atom").content
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.bozo_exception
    [after] = parsed.entries
    assert after.id == before.id and after.updated == gone["retracted"]["at"] != before.updated
    assert after.content[0].value == f"<p>Withdrawn {gone['retracted']['time_gmt']}: Protecting a source</p>"
    assert b"must not be published" not in raw
    [tomb] = ET.fromstring(raw).findall(AT + "deleted-entry")
    assert tomb.get("ref") == after.id and tomb.get("when") == gone["retracted"]["at"]


def newsboat_articles(home, url):
    """Reload ``url`` in newsboat with a config and cache of its own; the articles it then holds."""
    (home / "urls").write_text(url + "\n")
    (home / "config").write_text("")
    subprocess.run(["newsboat", "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-C", str(home / "config"),
                    "-x", "reload"], check=True, timeout=30, capture_output=True, env={"HOME": str(home)})
    with sqlite3.connect(home / "cache.db") as db:
        return dict(db.execute("SELECT guid, title || ' ' || content FROM rss_item"))


def test_withdrawn_text_leaves_newsboat(site, tmp_path):
    if shutil.which("newsboat") is None:
        missing("newsboat is not installed (apt-get install newsboat)")
    site.blog("strike")
    a = site.entry("strike", "A name that must not be published")
    url = f"{site.url}/blogs/strike/feed.atom"
    [(guid, text)] = newsboat_articles(tmp_path, url).items()
    assert "must not be published" in text
    withdraw(site, a["id"], "Protecting a source")
    articles = newsboat_articles(tmp_path, url)
    assert "must not be published" not in articles[guid] and "Protecting a source" in articles[guid]
