"""A blog can leave the server: a static snapshot for mirrors, and a JSON export that imports back exactly."""

import asyncio
import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urldefrag
from xml.etree import ElementTree as ET

import feedparser
import httpx
import pytest

from conftest import ROOT, database, liveblog_cmd
from jsonfeed import validate
from liveblog import export, model
from liveblog.model import TranslationLink, ValidationError, utc_now
from processes import run, started

A = "{http://www.w3.org/2005/Atom}"
MIRROR = "https://mirror.example"
LIVE = "https://live.example"  # the live site's LIVEBLOG_BASE_URL, which a snapshot must not link into
SUPERSEDES = "http://purl.org/dc/terms/replaces"


def build_story(site):
    site.blog("strike", summary="Day one", intro="Workers walked out at dawn.")
    site.user("amal")
    a = site.entry("strike", "Police say **50** hurt. https://example.org/report", as_="amal", key_event=True)
    site.client.post(f"/api/blogs/strike/entries/{a['id']}/corrections", json={"body": "Police say **60** hurt.",
                     "note": "Updated figure"}, headers=site.headers("amal"))
    b = site.entry("strike", "Hospitals count 70", supersedes=[a["id"]], headline="Toll rises")
    c = site.entry("strike", "The name of a witness")
    site.client.post(f"/api/blogs/strike/entries/{c['id']}/retraction", json={"note": "Protecting a source"},
                     headers=site.headers("editor"))
    site.entry("strike", "Crowd disperses", pinned=True)
    return [a["id"], b["id"], c["id"]]


def test_export_then_import_gives_identical_entries(site, spawn, tmp_path):
    build_story(site)
    originals = site.client.get("/api/blogs/strike?limit=100").json()["entries"]
    raw = {e["id"]: site.client.get(f"/api/blogs/strike/entries/{e['id']}").content for e in originals}
    out = tmp_path / "mirror"
    exported = liveblog_cmd("export", "strike", "--out", str(out), "--json", str(tmp_path / "strike.json"),
                            db=site.settings.db)
    assert exported.returncode == 0, exported.stderr
    record = json.loads((tmp_path / "strike.json").read_text())
    assert "password" not in json.dumps(record) and "lb_" not in json.dumps(record)
    fresh = tmp_path / "fresh.db"
    imported = liveblog_cmd("import", str(tmp_path / "strike.json"), db=fresh)
    assert imported.returncode == 0, imported.stderr
    server = spawn(fresh)
    assert "Created the editor account 'admin'" in server.output()  # imported authors are names, not people
    for original in originals:
        r = httpx.get(f"{server.url}/api/blogs/strike/entries/{original['id']}")
        assert r.content == raw[original["id"]]  # byte-identical
    blog = httpx.get(f"{server.url}/api/blogs/strike").json()
    assert blog["summary"] == "Day one" and blog["intro_html"] == "<p>Workers walked out at dawn.</p>"
    events = httpx.get(f"{server.url}/api/blogs/strike/events?since=0&limit=100").json()["events"]
    assert len(events) == 1 + len(originals)
    again = liveblog_cmd("import", str(tmp_path / "strike.json"), db=fresh)
    assert again.returncode == 1 and "already exists" in again.stderr
    reexported = liveblog_cmd("export", "strike", "--out", str(tmp_path / "mirror2"), "--json",
                              str(tmp_path / "again.json"), db=fresh)
    assert reexported.returncode == 0, reexported.stderr
    assert "The name of a witness" in (tmp_path / "again.json").read_text()  # withdrawn text, kept privately
    assert without_export_time(tmp_path / "again.json") == without_export_time(tmp_path / "strike.json")


def without_export_time(path: Path) -> str:
    """A JSON export's text, byte for byte, except the moment it was written."""
    text, found = re.subn(r'"exported_at": "[^"]+"', '"exported_at": ""', path.read_text(encoding="utf-8"))
    assert found == 1
    return text


def snapshot(site, out, *args, env=None):
    """Export as an operator would, on the live site's configuration: nothing in the folder may point there."""
    done = liveblog_cmd("export", "strike", "--out", str(out), *args, db=site.settings.db,
                        env={"LIVEBLOG_BASE_URL": LIVE, **(env or {})})
    assert done.returncode == 0, done.stderr
    for path in out.rglob("*"):
        assert not path.is_file() or LIVE.encode() not in path.read_bytes(), path
    return json.loads((out / "feed.json").read_text()), (out / "feed.atom").read_bytes()


def atom_links(raw):
    """(rel, href) of every Atom link, on the feed and on its entries and tombstones."""
    return [(link.get("rel"), link.get("href")) for link in ET.fromstring(raw).iter(A + "link")]


def assert_inside(out, url):
    """A link into the snapshot names a file in the folder and, with a fragment, an element of that file."""
    path, fragment = urldefrag(url)
    target = out / (path or "index.html")
    assert target.is_file(), url
    assert not fragment or f'id="{fragment}"' in target.read_text(), url


def test_translation_links_come_back_when_both_blogs_are_imported_in_either_order(site, spawn, tmp_path):
    """Each blog's export names its entries' translation links both ways (the original each translates, the
    translations of each). An import makes the links whose other blog is here, and says which it left out:
    those name a blog not here yet, and its own import makes them."""
    site.blog("moskva", language="ru")
    site.blog("world")
    rally = site.entry("moskva", "Митинг на площади.")
    statement = site.entry("world", "The minister's statement.")
    ids = {"moskva": [rally["id"], site.entry("moskva", "Заявление министра.",
                                              translation_of={"blog": "world", "id": statement["id"]})["id"]],
           "world": [statement["id"], site.entry("world", "A rally on the square.",
                                                 translation_of={"blog": "moskva", "id": rally["id"]})["id"]]}
    before = {(slug, n): site.client.get(f"/api/blogs/{slug}/entries/{n}").json() for slug in ids for n in ids[slug]}
    records = {slug: exported(site, tmp_path, slug) for slug in ids}
    kept = next(e for e in records["moskva"]["entries"] if e["id"] == rally["id"])
    assert (kept["translation_of"], kept["translations"]) == (None, [{"blog": "world", "id": ids["world"][1]}])

    for first, second in (("moskva", "world"), ("world", "moskva")):
        db = tmp_path / f"{first}-first.db"
        alone = import_file(tmp_path, records[first], db, f"{first}.json")
        assert alone.returncode == 0, alone.stderr
        assert alone.stdout.splitlines() == [
            f"Imported '{first}' with 2 entries.",
            (f"Left out 2 translation links naming entries not here (of {second}): importing those blogs' exports "
             "here makes them.")]
        both = import_file(tmp_path, records[second], db, f"{second}.json")
        assert both.returncode == 0, both.stderr
        assert f"Imported '{second}' with 2 entries and 2 translation links." in both.stdout
        server = spawn(db)
        for (slug, n), was in before.items():
            assert httpx.get(f"{server.url}/api/blogs/{slug}/entries/{n}").json() == was, (first, slug, n)
        page = httpx.get(f"{server.url}/blogs/world").text
        assert f'href="/blogs/moskva/entries/{rally["id"]}" hreflang="ru"' in page
        server.stop()


def test_a_link_whose_translation_already_has_an_original_is_left_out_and_said_apart(site, tmp_path):
    """A translation translates one entry: an import naming another original for it makes nothing, and says so
    in its own line, not among the links naming entries not here (which importing another blog would make)."""
    site.blog("moskva", language="ru")
    site.blog("world")
    rally = site.entry("moskva", "Митинг на площади.")
    statement = site.entry("world", "The minister's statement.")
    site.entry("moskva", "Заявление министра.", translation_of={"blog": "world", "id": statement["id"]})
    site.entry("world", "A rally on the square.", translation_of={"blog": "moskva", "id": rally["id"]})
    copy = exported(site, tmp_path, "moskva")  # the same blog again, under another address and other ids
    copy["blog"]["slug"] = "moskva-copy"
    for e in copy["entries"]:
        e["id"], e["author"] = e["id"] + 10**6, "wire"  # an import never gives entries to a local account
    done = import_file(tmp_path, copy, site.settings.db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Imported 'moskva-copy' with 2 entries and 1 translation links.",
        ("Left out 1 translation links whose translation here already translates an entry: a translation has one "
         "original.")]


def test_the_snapshot_is_self_contained_and_public(site, tmp_path):
    a, b, c = build_story(site)
    out = tmp_path / "mirror"
    feed, atom = snapshot(site, out, "--base-url", MIRROR)
    assert sorted(p.name for p in out.iterdir()) == ["feed-extension.html", "feed.atom", "feed.json", "head.json",
                                                     "index.html", "key.json", "log.jsonl", "site.css", "verify.js"]
    html = (out / "index.html").read_text()
    assert "Police say <strong>60</strong> hurt." in html and "Withdrawn" in html
    for name in ("index.html", "feed.json", "log.jsonl"):
        assert "The name of a witness" not in (out / name).read_text(), name
    assert "private_key" not in (out / "key.json").read_text()
    assert 'href="site.css"' in html and re.findall(r"<script src=[^>]*>", html) == ['<script src="verify.js" defer>']
    assert 'href="/' not in html
    assert 'style="' not in html
    assert f'<link rel="canonical" href="{MIRROR}/">' in html
    assert "The name of a witness" not in atom.decode()
    validate(feed)
    assert feed["home_page_url"] == f"{MIRROR}/" and feed["feed_url"] == f"{MIRROR}/feed.json"
    assert [i["url"] for i in feed["items"]][1:] == [f"{MIRROR}/#entry-{n}" for n in (c, b, a)]
    assert feed["_liveblog"]["about"] == f"{MIRROR}/feed-extension.html" and "events_url" not in feed["_liveblog"]
    assert len(feed["items"]) == 4 and "next_url" not in feed
    assert not feedparser.parse(atom).bozo
    links = atom_links(atom)
    assert ("self", f"{MIRROR}/feed.atom") in links and ("alternate", f"{MIRROR}/") in links
    assert (SUPERSEDES, f"{MIRROR}/#entry-{a}") in links
    urls = [feed["home_page_url"], feed["feed_url"], feed["_liveblog"]["about"],
            *(i["url"] for i in feed["items"]), *(href for _, href in links)]
    for url in urls:
        assert url.startswith(f"{MIRROR}/"), url
        assert_inside(out, url.removeprefix(f"{MIRROR}/"))
    assert f"<code>{SUPERSEDES}" in (out / "feed-extension.html").read_text()


def test_without_a_base_url_the_feeds_have_only_links_that_work_anywhere(site, tmp_path):
    a, b, _ = build_story(site)
    out = tmp_path / "mirror"
    feed, atom = snapshot(site, out)
    validate(feed)
    assert "home_page_url" not in feed and "feed_url" not in feed and "about" not in feed["_liveblog"]
    assert all("url" not in item for item in feed["items"]) and "next_url" not in feed
    assert "events_url" not in feed["_liveblog"]
    items = {i["id"]: i for i in feed["items"]}
    assert items[f"strike-{b}"]["_liveblog"]["supersedes"] == [f"strike-{a}"]
    assert not feedparser.parse(atom).bozo
    links = atom_links(atom)
    assert ("self", "feed.atom") in links and ("alternate", "index.html") in links
    assert ("alternate", f"index.html#entry-{b}") in links and (SUPERSEDES, f"index.html#entry-{a}") in links
    assert {rel for rel, _ in links} == {"self", "alternate", SUPERSEDES}
    for _, href in links:
        assert_inside(out, href)


def test_the_snapshot_feed_carries_every_entry_whole(site, tmp_path):
    site.blog("strike")
    long = "Long dispatch from the square. " * 600  # ~18 KB of Markdown per entry
    ids = [site.entry("strike", f"{n} {long}")["id"] for n in range(6)]
    huge = site.entry("strike", "&" * 20_000)  # too long for a page of the live feed
    feed, _ = snapshot(site, tmp_path / "mirror", "--base-url", MIRROR)
    assert len(json.dumps(feed, ensure_ascii=False).encode()) > 300_000
    assert [i["id"] for i in feed["items"]] == [f"strike-{n}" for n in reversed([*ids, huge["id"]])]
    assert "next_url" not in feed
    assert feed["items"][0]["content_html"] == huge["body_html"]
    assert all(i["content_html"].count("Long dispatch") == 600 for i in feed["items"][1:])


def test_export_of_an_unknown_blog_fails_clearly(tmp_path):
    done = liveblog_cmd("export", "nope", "--out", str(tmp_path / "x"), db=tmp_path / "empty.db")
    assert done.returncode == 1 and "no blog" in done.stderr


def test_photos_travel_with_the_snapshot_and_links_become_relative(site, tmp_path):
    site.blog("strike")
    media = Path(site.settings.media_path)
    media.mkdir(parents=True, exist_ok=True)
    (media / "square.jpg").write_bytes(b"\xff\xd8 not really a photo \xff\xd9")
    site.entry("strike", "The square at noon.\n\n![crowd](/media/square.jpg)")
    out = tmp_path / "mirror"
    done = liveblog_cmd("export", "strike", "--out", str(out), db=site.settings.db,
                        env={"LIVEBLOG_MEDIA_DIR": str(media)})
    assert done.returncode == 0, done.stderr
    assert (out / "media" / "square.jpg").read_bytes() == (media / "square.jpg").read_bytes()
    html = (out / "index.html").read_text()
    assert 'src="media/square.jpg"' in html and "/media/" not in html


def test_export_needs_no_web_layer():
    """The CLI's export sits below the web routes: importing it loads nothing from liveblog.web."""
    code = ("import sys, liveblog.export; "
            "assert not [m for m in sys.modules if m.startswith('liveblog.web')], sorted(sys.modules)")
    done = run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr


def test_photos_of_earlier_texts_travel_and_the_feeds_can_reach_them(site, tmp_path):
    """A correction's earlier text is on the page too (under "Earlier text"), photos and all."""
    site.blog("strike")
    media = Path(site.settings.media_path)
    media.mkdir(parents=True, exist_ok=True)
    for name in ("before.jpg", "after.jpg"):
        (media / name).write_bytes(b"\xff\xd8 " + name.encode() + b" \xff\xd9")
    entry = site.entry("strike", "The square.\n\n![crowd](/media/before.jpg)")
    r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", headers=site.headers("editor"),
                         json={"body": "The square.\n\n![crowd](/media/after.jpg)", "note": "Wrong photo"})
    assert r.status_code == 200, r.text
    out = tmp_path / "mirror"
    feed, atom = snapshot(site, out, "--base-url", MIRROR, env={"LIVEBLOG_MEDIA_DIR": str(media)})
    assert sorted(p.name for p in (out / "media").iterdir()) == ["after.jpg", "before.jpg"]
    html = (out / "index.html").read_text()
    assert 'src="media/before.jpg"' in html and 'src="media/after.jpg"' in html
    assert f'src="{MIRROR}/media/after.jpg"' in feed["items"][0]["content_html"]
    assert f'src="{MIRROR}/media/after.jpg"' in feedparser.parse(atom).entries[0].content[0].value
    feed, atom = snapshot(site, tmp_path / "nowhere", env={"LIVEBLOG_MEDIA_DIR": str(media)})
    assert 'src="media/after.jpg"' in feed["items"][0]["content_html"]  # beside feed.json, in the folder
    assert 'src="media/after.jpg"' in feedparser.parse(atom).entries[0].content[0].value


def exported(site, tmp_path, slug="strike"):
    """The private JSON export of a blog, as a dict."""
    path = tmp_path / f"{slug}.json"
    done = liveblog_cmd("export", slug, "--out", str(tmp_path / f"{slug}-mirror"), "--json", str(path),
                        db=site.settings.db)
    assert done.returncode == 0, done.stderr
    return json.loads(path.read_text())


def import_file(tmp_path, record, db, name="import.json"):
    path = tmp_path / name
    path.write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
    return liveblog_cmd("import", str(path), db=db)


SCRIPT = '<p>Kept</p><script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


def test_html_in_an_export_file_is_cleaned_on_import(site, spawn, tmp_path):
    """The file may have been edited on the way: every HTML field goes through the sanitizer again."""
    a, _, _ = build_story(site)
    record = exported(site, tmp_path)
    record["blog"]["intro_html"] = SCRIPT
    first = next(e for e in record["entries"] if e["id"] == a)
    first["body_html"] = SCRIPT
    first["corrections"][0]["previous_body_html"] = SCRIPT
    done = import_file(tmp_path, record, tmp_path / "fresh.db")
    assert done.returncode == 0, done.stderr
    server = spawn(tmp_path / "fresh.db")
    entry = httpx.get(f"{server.url}/api/blogs/strike/entries/{a}").json()
    blog = httpx.get(f"{server.url}/api/blogs/strike").json()
    page = httpx.get(f"{server.url}/blogs/strike").text
    for html in (entry["body_html"], entry["corrections"][0]["previous_body_html"], blog["intro_html"], page):
        assert "<p>Kept</p>" in html
        assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


def test_a_malformed_or_tampered_file_is_refused_in_one_line(site, tmp_path):
    a, b, _ = build_story(site)
    good = exported(site, tmp_path)
    db = tmp_path / "fresh.db"
    cases = {
        "not JSON": (b"{", "is not a JSON export: Expecting property name"),
        "not UTF-8": (b"\xff{}", "is not a JSON export: 'utf-8' codec can't decode"),
        "not an object": (b"[]", "error: file: must be a JSON object\n"),
        "a bad slug": (changed(good, ["blog", "slug"], "Bad Slug!"),
                       "error: blog.slug: use 1-64 lowercase letters, digits and inner hyphens\n"),
        "a later entry superseded": (changed(good, ["entries", f"#{a}", "supersedes"], [b]),
                                     f"error: entries[0].supersedes: entry {b} is later than this one\n"),
    }
    path = tmp_path / "import.json"
    for case, (record, message) in cases.items():
        path.write_bytes(record if isinstance(record, bytes) else json.dumps(record).encode())
        done = liveblog_cmd("import", str(path), db=db)
        assert done.returncode == 1, (case, done.stdout)
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, (case, done.stderr)
        assert message in done.stderr, (case, done.stderr)
    for path in (tmp_path / "nowhere.json", tmp_path):
        done = liveblog_cmd("import", str(path), db=db)
        assert done.returncode == 1 and done.stderr.startswith(f"error: cannot read {path}: "), done.stderr
        assert done.stderr.count("\n") == 1
    assert import_file(tmp_path, good, db).returncode == 0  # nothing of the refused files was written


DELETE = object()


def changed(record, path, value):
    """A copy of an export with one field set (or deleted); ``#<id>`` picks an entry by its id."""
    record = json.loads(json.dumps(record))
    *parents, last = path
    target = record
    for key in parents:
        if isinstance(key, str) and key.startswith("#"):
            target = next(e for e in target if e["id"] == int(key[1:]))
        else:
            target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return record


def test_every_field_of_an_export_is_checked(site):
    """Each rule the entry was written under holds again on import; the refusal names the place in the file."""
    a, b, c = build_story(site)
    good = json.loads(json.dumps(site.call(export.export_record(site.runtime.store, "strike"))))
    export.read_record(good)
    first, second, third = (f"entries[{n}]" for n in range(3))
    cases = [
        (["format"], "wordpress-wxr", "format"),
        (["blog"], DELETE, "blog"),
        (["blog"], [], "blog"),
        (["blog", "slug"], "Bad Slug!", "blog.slug"),
        (["blog", "status"], "paused", "blog.status"),
        (["blog", "title"], "", "blog.title"),
        (["blog", "intro_html"], 5, "blog.intro_html"),
        (["blog", "created_at"], "yesterday", "blog.created_at"),
        (["entries"], {}, "entries"),
        (["entries", 0], "x", first),
        (["entries", f"#{a}", "id"], str(a), f"{first}.id"),
        (["entries", f"#{a}", "id"], 2**63, f"{first}.id"),
        (["entries", f"#{b}", "id"], a, f"{second}.id"),
        (["entries", f"#{a}", "author"], DELETE, f"{first}.author"),
        (["entries", f"#{a}", "published_at"], "yesterday", f"{first}.published_at"),
        (["entries", f"#{a}", "filed_at"], "2001-01-01T00:00:00.000Z", f"{first}.filed_at"),
        (["entries", f"#{a}", "filed_at"], "2999-01-01T00:00:00.000Z", f"{first}.filed_at"),
        (["entries", f"#{a}", "body"], "", f"{first}.body"),
        (["entries", f"#{a}", "body_html"], 5, f"{first}.body_html"),
        (["entries", f"#{a}", "headline"], "x" * 301, f"{first}.headline"),
        (["entries", f"#{a}", "key_event"], "yes", f"{first}.key_event"),
        (["entries", f"#{a}", "pinned"], 1, f"{first}.pinned"),
        (["entries", f"#{a}", "revision"], 7, f"{first}.revision"),
        (["entries", f"#{a}", "supersedes"], DELETE, f"{first}.supersedes"),
        (["entries", f"#{a}", "supersedes"], [b], f"{first}.supersedes"),
        (["entries", f"#{b}", "supersedes"], [b], f"{second}.supersedes"),
        (["entries", f"#{b}", "supersedes"], [c + 100], f"{second}.supersedes"),
        (["entries", f"#{b}", "supersedes"], [2**63], f"{second}.supersedes"),
        (["entries", f"#{b}", "supersedes"], "1", f"{second}.supersedes"),
        (["entries", f"#{a}", "corrections"], "x", f"{first}.corrections"),
        (["entries", f"#{a}", "corrections", 0, "note"], "", f"{first}.corrections[0].note"),
        (["entries", f"#{a}", "corrections", 0, "at"], None, f"{first}.corrections[0].at"),
        (["entries", f"#{a}", "corrections", 0, "previous_body_html"], [],
         f"{first}.corrections[0].previous_body_html"),
        (["entries", f"#{c}", "retracted", "at"], DELETE, f"{third}.retracted.at"),
        (["entries", f"#{c}", "retracted", "by"], "", f"{third}.retracted.by"),
        (["entries", f"#{c}", "retracted"], "withdrawn", f"{third}.retracted"),
    ]
    for path, value, field in cases:
        with pytest.raises(ValidationError) as refused:
            export.read_record(changed(good, path, value))
        assert refused.value.field == field, (path, value, refused.value.message)
    with pytest.raises(ValidationError):
        export.read_record([])




def test_an_imported_author_called_admin_leaves_serve_a_free_name(site, spawn, tmp_path):
    """Every fresh site's first editor is called admin, so most exports carry that name."""
    site.blog("strike", as_="admin")
    site.entry("strike", "Written by the first editor of another site.", as_="admin")
    fresh = tmp_path / "fresh.db"
    assert import_file(tmp_path, exported(site, tmp_path), fresh).returncode == 0
    server = spawn(fresh)
    assert "Created the editor account 'admin-2'" in server.output()
    token = server.token()
    r = httpx.post(f"{server.url}/api/blogs", json={"slug": "mirror", "title": "Mirror"},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201


def test_imported_authors_never_become_local_accounts(site, spawn, tmp_path):
    """An author's name in a file is only a name: it never takes over, or is taken over by, a local account."""
    a, _, _ = build_story(site)
    record = exported(site, tmp_path)
    taken = tmp_path / "taken.db"
    assert liveblog_cmd("user", "add", "amal", "--role", "editor", db=taken).returncode == 0
    done = import_file(tmp_path, record, taken)
    assert done.returncode == 1
    assert done.stderr == ("error: these authors of the export have accounts here: amal; an import never gives "
                           "entries to a local account (rename them in the file)\n")
    assert import_file(tmp_path, record, taken).returncode == 1  # nothing half-imported
    fresh = tmp_path / "fresh.db"
    assert import_file(tmp_path, record, fresh).returncode == 0
    people = liveblog_cmd("user", "list", db=fresh).stdout
    assert [line.split("\t")[:2] for line in people.splitlines()] == [["amal", "imported"], ["editor", "imported"]]
    token = liveblog_cmd("token", "create", "amal", db=fresh).stdout.strip()
    server = spawn(fresh)
    assert "Created the editor account 'admin'" in server.output()  # the mirror's own first editor
    people = liveblog_cmd("user", "list", db=fresh).stdout
    headers = {"Authorization": f"Bearer {token}"}
    r = httpx.post(f"{server.url}/api/blogs/strike/entries/{a}/corrections", json={"body": "x", "note": "n"},
                   headers=headers)
    assert r.status_code == 403  # even given a token, an imported account may not act
    assert httpx.post(f"{server.url}/api/blogs/strike/entries", json={"body": "x"}, headers=headers).status_code == 403
    site.blog("march")
    site.entry("march", "A second blog by amal", as_="amal")
    assert import_file(tmp_path, exported(site, tmp_path, "march"), fresh).returncode == 0  # the same name again
    assert liveblog_cmd("user", "list", db=fresh).stdout == people


def archive(count, *, first_id=1, slug="archive", at="2026-01-01T00:00:00.000Z"):
    """An export of ``count`` entries from ``first_id`` on: every tenth supersedes the one before it, every
    seventh was corrected, the last withdrawn."""
    def entry(n):
        corrected = n % 7 == 6
        return {"id": first_id + n, "author": "reporter", "published_at": at, "filed_at": at, "headline": "",
                "body": f"Update {n}", "body_html": f"<p>Update {n}</p>", "key_event": n % 50 == 0, "pinned": False,
                "revision": 1 + corrected + (n == count - 1), "supersedes": [first_id + n - 1] if n % 10 == 9 else [],
                "corrections": [{"at": at, "note": "Figure", "previous_body": "Was", "previous_body_html": "<p>Was</p>",
                                 "by": "reporter"}] if corrected else [],
                "retracted": {"at": at, "note": "A source", "by": "desk"} if n == count - 1 else None}

    return {"format": export.FORMAT, "exported_at": at,
            "blog": {"slug": slug, "title": "Archive", "summary": "", "intro": "", "intro_html": "", "status": "live",
                     "language": "en", "created_at": at, "ended_at": None},
            "entries": [entry(n) for n in range(count)]}


def test_an_import_leaves_room_for_new_entry_ids(site_with, tmp_path):
    """An export whose ids sat at the top of the integer range imported cleanly; then every new post on every
    blog was a 500 (SQLite's MAX(id)+1 overflowed, PostgreSQL's id sequence was at its end)."""
    site = site_with()
    site.blog("live")
    refused = import_file(tmp_path, archive(2, first_id=2**63 - 2), site.settings.db)
    assert refused.returncode == 1
    assert refused.stderr == f"error: entries[0].id: must be a whole number from 1 to {10**15}\n"
    assert site.client.get("/api/blogs/archive").status_code == 404
    done = import_file(tmp_path, archive(2, first_id=10**15 - 1), site.settings.db)
    assert done.returncode == 0, done.stderr
    assert site.entry("live", "After the import")["id"] == 10**15 + 1


def test_live_posts_go_on_while_a_large_import_runs(site_with, tmp_path):
    """An import held the write lock from start to end (84 s for 12,000 entries, quadratic): posts on other
    blogs waited up to 30 s and some failed with "database is locked". It now writes in batches and lets
    posts in between; until it is whole, the imported blog is not there for readers."""
    site = site_with(posts_per_minute=100_000)
    site.blog("live")
    count = 4000
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(archive(count, first_id=10**6)), encoding="utf-8")  # ids the live posts never reach
    waits, seen = [], set()
    with started([sys.executable, "-m", "liveblog", "import", str(path), "--db", database(site.settings.db)],
                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as importing:
        while importing.poll() is None:
            began = time.monotonic()
            site.entry("live", f"Live {len(waits)}")
            waits.append(time.monotonic() - began)
            r = site.client.get("/api/blogs/archive")
            seen.add(r.status_code if r.status_code == 404 else r.json()["last_event_id"])
            time.sleep(0.02)
        _, err = importing.communicate(timeout=120)
    assert importing.returncode == 0, err
    assert len(waits) >= 5 and max(waits) < 5, waits  # posted all along, none held long (before: 10 s timeouts)
    assert seen <= {404, count + 1}, seen  # absent, or whole: never half-imported
    assert len(site.client.get("/api/blogs/archive?limit=100").json()["entries"]) == 100


def test_an_import_s_refusal_keeps_its_template_and_values(site):
    """Named by its place in the file, a model rule's refusal is still the same sentence with its values (what
    ``i18n.Message.of`` translates), not its English text made into a new one."""
    good = archive(3)
    cases = [(export.read_record, ["entries", "#2", "supersedes"], list(range(1, 200)), "entries[1].supersedes",
              "may name at most %(limit)s entries", {"limit": model.MAX_SUPERSEDES}),
             (export.read_record, ["blog", "status"], "paused", "blog.status", "must be one of %(choices)s",
              {"choices": "live, ended"}),
             (export.read_links, ["entries", "#3", "translation_of"], {"blog": "x", "id": "seven"},
              "entries[2].translation_of", "id must be an entry id", {})]
    for read, path, value, field, template, values in cases:
        with pytest.raises(ValidationError) as refused:
            read(changed(good, path, value))
        assert (refused.value.field, refused.value.template, refused.value.values) == (field, template, values), path


def test_impossible_dates_in_an_import_are_refused_in_one_line(tmp_path):
    """Corrections and withdrawals dated before their entry, a time in year 9999, a blog created in the future
    (after which every post was refused) imported cleanly; a time in year 1 with an offset was a traceback."""
    good = archive(10)
    export.read_record(good)
    first, last = "entries[0]", "entries[9]"
    soon = "2999-01-01T00:00:00.000Z"
    cases = [
        (["blog", "created_at"], soon, "blog.created_at", "must be a time between 1970 and now"),
        (["blog", "created_at"], "1969-12-31T23:59:59.000Z", "blog.created_at", "must be a time between 1970 and now"),
        (["blog", "ended_at"], "2025-12-31T00:00:00.000Z", "blog.ended_at", "is before the blog was created"),
        (["blog", "ended_at"], "9999-12-31T23:59:59.999Z", "blog.ended_at", "must be a time between 1970 and now"),
        (["entries", "#1", "published_at"], soon, f"{first}.published_at", "must be a time between 1970 and now"),
        (["entries", "#1", "filed_at"], "0001-01-01T00:00:00+01:00", f"{first}.filed_at",
         "is outside the years a time can have"),
        (["entries", "#7", "corrections", 0, "at"], "2025-12-31T23:59:59.999Z", "entries[6].corrections[0].at",
         "is before the entry was published"),
        (["entries", "#10", "retracted", "at"], "2025-12-31T23:59:59.999Z", f"{last}.retracted.at",
         "is before the entry was published"),
        (["entries", "#10", "retracted", "at"], "9999-12-31T23:59:59.999-01:00", f"{last}.retracted.at",
         "is outside the years a time can have"),
    ]
    for path, value, field, message in cases:
        with pytest.raises(ValidationError) as refused:
            export.read_record(changed(good, path, value))
        assert (refused.value.field, refused.value.message) == (field, message), (path, value)
    corrected_twice = changed(good, ["entries", "#7", "revision"], 3)
    corrected_twice["entries"][6]["corrections"].insert(0, {**corrected_twice["entries"][6]["corrections"][0],
                                                            "at": "2026-01-02T00:00:00.000Z"})
    with pytest.raises(ValidationError) as refused:
        export.read_record(corrected_twice)
    assert refused.value.field == "entries[6].corrections[1].at"
    assert refused.value.message == "is before the correction before it"
    done = import_file(tmp_path, changed(good, ["blog", "created_at"], "0001-01-01T00:00:00+01:00"),
                       tmp_path / "fresh.db")
    assert (done.returncode, done.stderr) == (1, "error: blog.created_at: is outside the years a time can have\n")


def test_a_failed_import_leaves_nothing_behind(site):
    """An import is written in batches: one that fails after some have committed removes them all, the
    authors it brought in too, and the slug is free again."""
    blog, entries = export.read_record(archive(2500))
    broken = [*entries[:1500], replace(entries[1500], id=entries[1499].id), *entries[1501:]]  # fails in batch 2
    with pytest.raises(Exception, match=r"UNIQUE|unique"):
        site.call(site.runtime.store.import_blog(blog, broken, utc_now()))
    assert site.client.get("/api/blogs/archive").status_code == 404
    assert [site.sql(f"SELECT COUNT(*) FROM {table}")[0][0] for table in ("blogs", "entries", "events")] == [0, 0, 0]
    assert site.sql("SELECT COUNT(*) FROM users WHERE role = ?", "imported") == [(0,)], "its authors went too"
    site.call(site.runtime.store.import_blog(blog, entries, utc_now()))
    assert site.client.get("/api/blogs/archive").json()["last_event_id"] == 2500 + 1


def test_an_import_links_to_no_blog_still_importing_and_its_failure_leaves_nothing(site):
    """A blog being imported is not here yet: another import finishing meanwhile does not link to its entries
    (its own import makes those links when it is whole). Else its failure could not remove the entries a link
    names, and that error hid the real one, leaving the half-imported blog behind."""
    store = site.runtime.store
    blog, entries = export.read_record(archive(600))
    broken = [*entries[:500], replace(entries[500], id=entries[499].id), *entries[501:]]  # fails in batch 2
    world, translations = export.read_record(archive(1, first_id=10**6, slug="world"))
    link = TranslationLink(("world", 10**6), ("archive", broken[-1].id))  # the entry an import writes first
    store.import_pause = 1.0
    try:
        importing = asyncio.run_coroutine_threadsafe(store.import_blog(blog, broken, utc_now()), site.server.loop)
        deadline = time.monotonic() + 10
        while site.sql("SELECT COUNT(*) FROM entries")[0][0] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        _, linked = site.call(store.import_blog(world, translations, utc_now(), [link]))
        assert linked.made == [] and not importing.done()
        with pytest.raises(Exception, match=r"UNIQUE|unique"):
            importing.result(30)
    finally:
        del store.import_pause
    assert site.sql("SELECT slug FROM blogs") == [("world",)]
    assert site.sql("SELECT COUNT(*) FROM entries") == [(1,)]
    assert site.sql("SELECT COUNT(*) FROM translations") == [(0,)]
