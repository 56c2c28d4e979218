"""Bylines keep people safe: every public view shows a person's display name, never their login name.

A login name names a person and tells anyone which accounts exist (a name to guess a password for). Here
one person writes under a pseudonym, one as the desk ("Staff", the byline of a person given none), and an
editor corrects and withdraws: their login names, which read like nothing else on the site, must appear
nowhere a reader can look: the blog and entry pages, the index, the SSE stream, the events API, the blog and
entry API, both feeds, the JSON-LD (inside the pages), the public snapshot (the mirror) and the JSON export.
A byline is kept as it was when the entry was posted: renaming a person later does not rewrite history.
"""

from __future__ import annotations

import json

from conftest import database, liveblog_cmd
from liveblog import model
from liveblog.services import entries
from sse import events, read_stream
from unit_store import opened_store, world

LOGINS = ("qxwriterlogin", "qxstafflogin", "qxeditorlogin", "qxoldlogin")


def story(site) -> dict:
    site.user("qxeditorlogin", "editor", display_name="Desk Editor")
    site.user("qxwriterlogin", display_name="Nour Haddad")
    site.user("qxstafflogin", display_name="")  # none: the desk's name
    site.blog("strike", as_="qxeditorlogin")
    first = site.entry("strike", "Crowds at the square.", as_="qxwriterlogin")
    second = site.entry("strike", "Police moved in.", as_="qxstafflogin")
    third = site.entry("strike", "A photo later found to be old.", as_="qxwriterlogin")
    fix = site.client.post(f"/api/blogs/strike/entries/{first['id']}/corrections",
                           json={"body": "Thousands at the square.", "note": "figure"},
                           headers=site.headers("qxeditorlogin"))
    gone = site.client.post(f"/api/blogs/strike/entries/{third['id']}/retraction", json={"note": "old photo"},
                            headers=site.headers("qxeditorlogin"))
    assert fix.status_code == 200 and gone.status_code == 200
    return {"first": first, "second": second, "third": third, "corrected": fix.json(), "withdrawn": gone.json()}


def assert_no_login(where: str, text: str) -> None:
    for login in LOGINS:
        assert login not in text.lower(), (where, login)


def test_every_public_view_shows_display_names_and_no_login_name(site, tmp_path):
    told = story(site)
    assert told["first"]["author"] == "Nour Haddad" and told["second"]["author"] == model.DESK_BYLINE
    assert told["corrected"]["corrections"][0]["by"] == "Desk Editor"
    assert told["withdrawn"]["retracted"]["by"] == "Desk Editor"
    entry_id = told["first"]["id"]
    for path in ("/", "/blogs/strike", f"/blogs/strike/entries/{entry_id}", "/api/blogs", "/api/blogs/strike",
                 f"/api/blogs/strike/entries/{entry_id}", "/api/blogs/strike/events?since=0",
                 "/blogs/strike/feed.json", "/blogs/strike/feed.atom"):
        r = site.client.get(path)
        assert r.status_code == 200, path
        assert_no_login(path, r.text)
    feed = site.client.get("/blogs/strike/feed.json").json()
    assert {a["name"] for item in feed["items"] for a in item["authors"]} >= {"Nour Haddad", model.DESK_BYLINE}
    frames = read_stream(site.url + "/blogs/strike/events?since=0", until=lambda f: len(events(f)) >= 6)
    assert_no_login("stream", "\n".join(f.data for f in frames))
    mirror, export = tmp_path / "mirror", tmp_path / "export.json"
    done = liveblog_cmd("export", "strike", "--out", str(mirror), "--json", str(export), db=site.settings.db)
    assert done.returncode == 0, done.stderr
    for path in [*mirror.rglob("*"), export]:
        if path.is_file():
            assert_no_login(str(path), path.read_bytes().decode("utf-8", "replace"))
    assert json.loads(export.read_text())["entries"][0]["author"] in ("Nour Haddad", model.DESK_BYLINE)


def test_a_byline_stays_as_it_was_posted(site):
    """Renaming a person changes their next posts, not what readers already saw under the old name."""
    site.user("qxwriterlogin", display_name="Nour Haddad")
    site.blog("strike")
    before = site.entry("strike", "Before", as_="qxwriterlogin")
    renamed = site.client.patch("/api/people/qxwriterlogin", json={"display_name": "N. H."},
                                headers=site.headers("editor"))
    assert renamed.status_code == 200 and renamed.json()["display_name"] == "N. H."
    refused = site.client.patch("/api/people/qxwriterlogin", json={"display_name": "QXWriterLogin"},
                                headers=site.headers("editor"))
    assert refused.status_code == 422 and refused.json()["detail"]["field"] == "display_name"
    after = site.entry("strike", "After", as_="qxwriterlogin")
    page = site.client.get("/api/blogs/strike").json()["entries"]
    assert [e["author"] for e in page] == ["N. H.", "Nour Haddad"]
    assert before["author"] == "Nour Haddad" and after["author"] == "N. H."


def test_an_entry_from_before_bylines_shows_no_login_name(site):
    """Entries written before bylines were stored (the migration leaves them NULL, and people's display names
    empty) show their author's display name, and "Staff" for a person who has none: never the login name."""
    site.user("qxwriterlogin", display_name="")
    site.blog("strike")
    old = site.entry("strike", "Before the upgrade", as_="qxwriterlogin")
    site.sql("UPDATE entries SET byline = NULL WHERE id = ?", old["id"])
    assert site.client.get(f"/api/blogs/strike/entries/{old['id']}").json()["author"] == model.DESK_BYLINE
    site.client.patch("/api/people/qxwriterlogin", json={"display_name": "Nour"}, headers=site.headers("editor"))
    assert site.client.get(f"/api/blogs/strike/entries/{old['id']}").json()["author"] == "Nour"


async def test_a_log_from_before_bylines_is_rewritten_once_at_start(tmp_path, databases):
    """Events logged before this version named authors by login name: the next start rewrites each once, so
    a replay, the stream and the events API read the bylines the entries have now."""
    async with world(tmp_path) as w:
        writer = await w.store.create_user("qxoldlogin", "correspondent", "", model.utc_now(), "")
        entry, _ = await entries.publish(w.store, w.posts, writer, w.blog, entries.entry_input({"body": "Old"}), None)
        await entries.correct(w.store, w.editor, entry, entries.correction_input({"body": "Older", "note": "n"}),
                              if_match=None)
    db = database(tmp_path / "unit.db")
    for row in databases.sql(db, "SELECT id, payload FROM events WHERE entry_id IS NOT NULL"):
        old = json.loads(row[1])
        old["author"] = "qxoldlogin"
        for c in old["corrections"]:
            c["by"] = "qxeditorlogin"
        databases.sql(db, "UPDATE events SET payload = ?, bylines_pending = TRUE WHERE id = ?", json.dumps(old),
                      row[0])
    async with opened_store(tmp_path / "unit.db") as store:
        logged = [json.loads(e.payload) for e in await store.events_since("strike", 0)]
    assert_no_login("log", json.dumps(logged))
    assert [e["author"] for e in logged if "author" in e] == [model.DESK_BYLINE, model.DESK_BYLINE]
    assert logged[-1]["corrections"][0]["by"] == "eda"
    assert databases.sql(db, "SELECT COUNT(*) FROM events WHERE bylines_pending = TRUE") == [(0,)]
