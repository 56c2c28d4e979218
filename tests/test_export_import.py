"""A blog can leave the server: a static snapshot for mirrors, and a JSON export that imports back exactly."""

import json
from pathlib import Path

import httpx

from conftest import liveblog_cmd


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
    for original in originals:
        r = httpx.get(f"{server.url}/api/blogs/strike/entries/{original['id']}")
        assert r.content == raw[original["id"]]  # byte-identical
    blog = httpx.get(f"{server.url}/api/blogs/strike").json()
    assert blog["summary"] == "Day one" and blog["intro_html"] == "<p>Workers walked out at dawn.</p>"
    events = httpx.get(f"{server.url}/api/blogs/strike/events?since=0&limit=100").json()["events"]
    assert len(events) == 1 + len(originals)
    again = liveblog_cmd("import", str(tmp_path / "strike.json"), db=fresh)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_the_snapshot_is_self_contained_and_public(site, tmp_path):
    build_story(site)
    out = tmp_path / "mirror"
    done = liveblog_cmd("export", "strike", "--out", str(out), "--base-url", "https://mirror.example",
                        db=site.settings.db)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["feed.atom", "feed.json", "index.html", "site.css"]
    html = (out / "index.html").read_text()
    assert "Police say <strong>60</strong> hurt." in html and "Withdrawn" in html
    assert "The name of a witness" not in html and "The name of a witness" not in (out / "feed.json").read_text()
    assert 'href="site.css"' in html and "<script src" not in html and 'href="/' not in html
    assert 'style="' not in html
    feed = json.loads((out / "feed.json").read_text())
    assert feed["home_page_url"] == "https://mirror.example/blogs/strike" and len(feed["items"]) == 4


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
