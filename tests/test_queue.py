"""The editors' queue: what a contributor files is not published (202, "queued") and reaches no public view
until an editor publishes it (as filed or edited, the contributor credited, ``filed_at`` kept) or declines it
with a note the contributor sees. Nothing of it is in the public log before it is published."""

from __future__ import annotations

import io
import signal
from pathlib import Path

import pytest
from PIL import Image

from liveblog import export, model, signing
from liveblog.services import Forbidden, entries, queue
from liveblog.store import Conflict, NotFound
from reader_html import parse
from unit_store import world

SECRET = "Checkpoint at the north bridge, source Q"


def _queued(site, body=SECRET, **fields):
    site.user("stringer", "contributor")
    r = site.post("strike", body, as_="stringer", **fields)
    assert r.status_code == 202, r.text
    filed = r.json()
    assert filed["status"] == "queued" and filed["author"] == "stringer"
    return filed


def _public_views(site) -> str:
    """Every public view of the blog, as text: the page, the API, the log, the feeds."""
    paths = ["/blogs/strike", "/api/blogs/strike", "/api/blogs/strike/events", "/blogs/strike/feed.json",
             "/blogs/strike/feed.atom", "/api/blogs"]
    return "\n".join(site.client.get(p).text for p in paths)


def test_a_contributors_update_waits_unseen_until_an_editor_publishes_it(site):
    site.blog("strike")
    filed = _queued(site, filed_at=model.iso(model.utc_now()))
    assert SECRET not in _public_views(site)
    assert site.client.get(f"/api/blogs/strike/entries/{filed['id']}").status_code == 404
    queue_seen = site.client.get("/api/blogs/strike/queue", headers=site.headers("editor")).json()["queue"]
    assert [f["id"] for f in queue_seen] == [filed["id"]]
    r = site.client.post(f"/api/blogs/strike/entries/{filed['id']}/publication", json={},
                         headers=site.headers("editor"))
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["author"] == "stringer" and entry["body"] == SECRET and entry["status"] == "published"
    assert entry["filed_at"] == filed["filed_at"] and entry["published_at"] > filed["filed_at"]
    assert SECRET in site.client.get("/blogs/strike").text
    kinds = [e["event"] for e in site.client.get("/api/blogs/strike/events").json()["events"]]
    assert kinds == ["blog.updated", "entry.created"]  # nothing logged while it waited
    again = site.client.post(f"/api/blogs/strike/entries/{filed['id']}/publication", json={},
                             headers=site.headers("editor"))
    assert again.status_code == 409 and "already published" in again.json()["error"]


def test_an_editor_publishes_an_edited_update_and_the_text_as_filed_is_kept(site):
    site.blog("strike")
    filed = _queued(site, "Teh bridge is closed")
    r = site.client.post(f"/api/blogs/strike/entries/{filed['id']}/publication",
                         json={"body": "The bridge is closed.", "headline": "Bridge"}, headers=site.headers("editor"))
    assert r.status_code == 201
    assert (r.json()["body"], r.json()["headline"], r.json()["author"]) == ("The bridge is closed.", "Bridge",
                                                                          "stringer")
    mine = site.client.get("/api/blogs/strike/queue", headers=site.headers("stringer")).json()["queue"]
    assert mine == []  # published: out of the queue
    row = site.sql("SELECT body, edited, entry_id, state FROM filings WHERE id = ?", filed["id"])
    assert row[0][0] == "Teh bridge is closed" and bool(row[0][1]) and row[0][2] == r.json()["id"]
    assert row[0][3] == "published"


def _photo(site, name, size):
    raw = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(raw, "JPEG")
    r = site.client.post("/api/media", files={"file": ("p.jpg", raw.getvalue(), "image/jpeg")},
                         data={"caption": "The bridge"}, headers=site.headers(name))
    assert r.status_code == 201, r.text
    return r.json()["markdown"]


def test_a_published_filings_photos_keep_their_room_as_a_posts_do(site):
    """Published from the queue, as filed or edited, an update's photos carry their width and height like a post's:
    the page keeps their room before they load."""
    site.blog("strike")
    site.user("stringer", "contributor")
    filed, edited = (site.post("strike", body, as_="stringer").json()
                     for body in ("The bridge.\n\n" + _photo(site, "stringer", (40, 30)), "Typo"))
    for filing, change in ((filed, {}), (edited, {"body": "Fixed.\n\n" + _photo(site, "editor", (20, 50))})):
        r = site.client.post(f"/api/blogs/strike/entries/{filing['id']}/publication", json=change,
                             headers=site.headers("editor"))
        assert r.status_code == 201, r.text
    page = parse(site.client.get("/blogs/strike").text)
    sizes = [(img.get("width"), img.get("height")) for img in page.all("img") if "/media/" in img.get("src")]
    assert sorted(sizes) == [("20", "50"), ("40", "30")]


def test_a_declined_update_carries_its_note_to_the_contributor_only(site):
    site.blog("strike")
    filed = _queued(site)
    path = f"/api/blogs/strike/entries/{filed['id']}/decline"
    assert site.client.post(path, json={"note": "No"}, headers=site.headers("stringer")).status_code == 403
    assert site.client.post(path, json={}, headers=site.headers("editor")).status_code == 422
    r = site.client.post(path, json={"note": "Cannot confirm yet"}, headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["status"] == "declined"
    mine = site.client.get("/api/blogs/strike/queue", headers=site.headers("stringer")).json()["queue"]
    assert [(f["status"], f["note"], f["decided_by"]) for f in mine] == [("declined", "Cannot confirm yet", "editor")]
    site.user("other", "contributor")
    assert site.client.get("/api/blogs/strike/queue", headers=site.headers("other")).json()["queue"] == []
    assert site.client.post(f"/api/blogs/strike/entries/{filed['id']}/publication", json={},
                            headers=site.headers("editor")).status_code == 409
    assert SECRET not in _public_views(site) and "Cannot confirm" not in _public_views(site)


def test_only_editors_publish_the_queue_and_nobody_sees_it_unsigned(site):
    site.blog("strike")
    filed = _queued(site)
    site.user("cor", "correspondent")
    path = f"/api/blogs/strike/entries/{filed['id']}/publication"
    assert site.client.post(path, json={}, headers=site.headers("stringer")).status_code == 403
    assert site.client.post(path, json={}, headers=site.headers("cor")).status_code == 404  # not theirs to see
    assert site.client.post(path, json={}).status_code == 401
    assert site.client.get("/api/blogs/strike/queue").status_code == 401
    assert site.client.post("/api/blogs/strike/entries/999999/publication", json={},
                            headers=site.headers("editor")).status_code == 404


def test_a_retried_filing_is_the_same_filing(site):
    site.blog("strike")
    site.user("stringer", "contributor")
    first = site.post("strike", SECRET, as_="stringer", headers={"Idempotency-Key": "k1"})
    again = site.post("strike", SECRET, as_="stringer", headers={"Idempotency-Key": "k1"})
    assert first.status_code == 202 and again.status_code == 202 and first.json() == again.json()
    other = site.post("strike", "something else", as_="stringer", headers={"Idempotency-Key": "k1"})
    assert other.status_code == 409
    assert site.sql("SELECT COUNT(*) FROM filings")[0][0] == 1


def test_a_contributor_cannot_correct_or_withdraw_what_was_published(site):
    site.blog("strike")
    filed = _queued(site)
    entry = site.client.post(f"/api/blogs/strike/entries/{filed['id']}/publication", json={},
                             headers=site.headers("editor")).json()
    r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/retraction", json={"note": "x"},
                         headers=site.headers("stringer"))
    assert r.status_code == 403


@pytest.mark.unit
async def test_services_queue_and_decide_in_one_place(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        now = model.utc_now()
        source = await w.store.create_user("source", "contributor", "", now, display_name="Our source")
        fields = {"headline": "", "body": "seen", "body_html": "<p>seen</p>", "key_event": False, "pinned": False,
                  "supersedes": (), "filed_at": None}
        with pytest.raises(Forbidden):  # publishing directly is refused to a contributor, whoever calls it
            await entries.publish(w.store, w.posts, source, w.blog, fields, None)
        filed, created = await queue.post(w.store, w.posts, source, w.blog, fields, False, None)
        assert created and isinstance(filed, model.Filing) and filed.state == model.QUEUED
        assert await w.log() == ["blog.updated"]
        kept = await w.store.file_entry("strike", author=w.amal, state=model.DRAFT, now=now, **fields)
        assert kept[0].state == model.DRAFT
        assert (await export.export_record(w.store, "strike"))["entries"] == []  # nor a public export
        snapshot = tmp_path / "mirror"
        await export.write_snapshot(w.store, "strike", snapshot, media_path=tmp_path, site="https://example.org",
                                    key=signing.site_key(tmp_path / "key.json"))
        written = [p for p in snapshot.rglob("*") if p.is_file()]
        assert written and not [p for p in written if "seen" in p.read_text(errors="ignore")]
        with pytest.raises(Forbidden):
            await queue.filing_to_decide(w.store, source, "strike", filed.id, publishing=True)
        with pytest.raises(NotFound):
            await queue.filing_to_decide(w.store, w.amal, "strike", filed.id, publishing=True)
        found = await queue.filing_to_decide(w.store, w.editor, "strike", filed.id, publishing=True)
        entry = await queue.publish(w.store, w.editor, found, queue.Edit())
        assert entry.author == "Our source" and entry.filed_at == filed.filed_at
        assert await w.log() == ["blog.updated", "entry.created"]
        with pytest.raises(Conflict):
            await queue.decline(w.store, w.editor, found, "late")
        with pytest.raises(Forbidden):
            await queue.decline(w.store, w.amal, found, "no")


def test_the_desk_sends_to_the_editor_who_declines_or_publishes_there(site):
    import re

    from desk import signed_in

    site.blog("strike")
    source, source_csrf = signed_in(site, "stringer", "contributor")
    page = source.get("/desk/strike").text
    assert "Send to the editor" in page and "Save as draft" not in page
    for body in ("Tanks on Lenin avenue", "Crowd at the station"):
        r = source.post("/desk/strike/entries", data={"csrf": source_csrf, "body": body})
        assert r.status_code == 303 and r.headers["location"] == "/desk/strike?done=queued"
    assert "Sent to the editor" in source.get("/desk/strike?done=queued").text
    editor, csrf = signed_in(site, "eda", "editor")
    desk = editor.get("/desk/strike").text
    ids = re.findall(r'action="/desk/strike/filings/(\d+)/decline"', desk)
    assert len(ids) == 2 and "Tanks on Lenin avenue" in desk
    refused = editor.post(f"/desk/strike/filings/{ids[1]}/decline", data={"csrf": csrf, "note": " "})
    assert refused.status_code == 422 and f'id="note-{ids[1]}" name="note" aria-invalid="true"' in refused.text
    too_long = "x" * (model.MAX_BODY + 1)
    refused = editor.post(f"/desk/strike/filings/{ids[0]}/publish", data={"csrf": csrf, "body": too_long})
    assert refused.status_code == 422 and f">{too_long}</textarea>" in refused.text  # the typed edit, kept
    assert f'id="body-{ids[0]}" name="body" aria-invalid="true"' in refused.text
    r = editor.post(f"/desk/strike/filings/{ids[1]}/decline", data={"csrf": csrf, "note": "Need a second source"})
    assert r.status_code == 303 and "Declined" in editor.get(r.headers["location"]).text
    r = editor.post(f"/desk/strike/filings/{ids[0]}/publish",
                    data={"csrf": csrf, "headline": "", "body": "Crowd at the central station"})
    assert r.status_code == 303 and "done=published" in r.headers["location"]
    mine = source.get("/desk/strike").text
    assert "Declined: Need a second source" in mine
    reader = site.client.get("/blogs/strike").text
    assert "Crowd at the central station" in reader and "Tanks on Lenin" not in reader
    assert "Need a second source" not in reader
    source.close()
    editor.close()


def test_a_queued_update_survives_a_restart(spawn, tmp_path):
    """Killed with the update in the queue: the next server still holds it, a retry of the same request gets
    the same filing, and an editor publishes it then."""
    import httpx

    from conftest import liveblog_cmd

    db = tmp_path / "queue-restart.db"
    for name, role in (("ed", "editor"), ("stringer", "contributor")):
        assert liveblog_cmd("user", "add", name, "--role", role, db=db).returncode == 0
    ed, source = ({"Authorization": "Bearer " + liveblog_cmd("token", "create", n, db=db).stdout.strip()}
                  for n in ("ed", "stringer"))
    first = spawn(db)
    created = httpx.post(first.url + "/api/blogs", json={"slug": "strike", "title": "Strike"}, headers=ed)
    assert created.status_code == 201
    keyed = {**source, "Idempotency-Key": "phone-1"}
    filed = httpx.post(first.url + "/api/blogs/strike/entries", json={"body": SECRET}, headers=keyed)
    assert filed.status_code == 202
    first.stop(signal.SIGKILL)
    again = spawn(db)
    waiting = httpx.get(again.url + "/api/blogs/strike/queue", headers=ed).json()["queue"]
    assert [f["id"] for f in waiting] == [filed.json()["id"]]
    retried = httpx.post(again.url + "/api/blogs/strike/entries", json={"body": SECRET}, headers=keyed)
    assert retried.status_code == 202 and retried.json()["id"] == filed.json()["id"]
    assert SECRET not in httpx.get(again.url + "/blogs/strike").text
    published = httpx.post(again.url + f"/api/blogs/strike/entries/{filed.json()['id']}/publication", json={},
                           headers=ed)
    assert published.status_code == 201 and SECRET in httpx.get(again.url + "/blogs/strike").text


def test_a_queued_translation_keeps_its_language_and_original_through_publication(site):
    site.blog("strike")
    site.blog("strike-ru")
    original = site.post("strike-ru", "Мост закрыт").json()
    missing = site.post("strike", "The bridge is closed", as_="editor", draft=True,
                        translation_of={"blog": "strike-ru", "id": original["id"] + 1000})
    assert missing.status_code == 422  # checked when filed, not first when an editor publishes it
    assert site.sql("SELECT COUNT(*) FROM filings")[0][0] == 0
    filed = _queued(site, "The bridge is closed", lang="en-GB",
                    translation_of={"blog": "strike-ru", "id": original["id"]})
    assert filed["lang"] == "en-GB" and filed["translation_of"] == {"blog": "strike-ru", "id": original["id"]}
    r = site.client.post(f"/api/blogs/strike/entries/{filed['id']}/publication", json={},
                         headers=site.headers("editor"))
    assert r.status_code == 201, r.text
    assert r.json()["lang"] == "en-GB" and r.json()["translation_of"]["id"] == original["id"]
    shown = site.client.get(f"/api/blogs/strike-ru/entries/{original['id']}").json()
    assert [t["id"] for t in shown["translations"]] == [r.json()["id"]]


def test_a_declined_filing_names_the_editor_by_byline_never_by_login_name(site):
    """The contributor learns who declined by the editor's byline, as readers know editors; a login name
    is half of a sign-in and never leaves the server."""
    from desk import signed_in

    site.user("nightdesk-login", "editor", display_name="Night Editor")
    site.blog("strike", as_="nightdesk-login")
    source, _ = signed_in(site, "stringer", "contributor")
    filed = site.post("strike", SECRET, as_="stringer").json()
    r = site.client.post(f"/api/blogs/strike/entries/{filed['id']}/decline", json={"note": "Unconfirmed"},
                         headers=site.headers("nightdesk-login"))
    assert r.status_code == 200, r.text
    r = site.client.get("/api/blogs/strike/queue", headers=site.headers("stringer"))
    assert [f["decided_by"] for f in r.json()["queue"]] == ["Night Editor"] and "nightdesk-login" not in r.text
    desk = source.get("/desk/strike").text
    assert "Declined: Unconfirmed" in desk and "nightdesk-login" not in desk
    source.close()


async def test_the_desk_never_shows_a_queue_mark_newer_than_its_lists(tmp_path: Path, monkeypatch) -> None:
    """A filing made between the desk's two reads (the lists, the mark) must not be counted in a mark the
    lists miss: desk.js waits for the queue to differ from the mark it holds, so it would never show that
    filing. The real store, with one filing slipped in just after the lists are read, as another request
    can."""
    from liveblog.web.desk import queue_context

    async with world(tmp_path) as w:
        fields = {"headline": "", "body": "late", "body_html": "<p>late</p>", "key_event": False, "pinned": False,
                  "supersedes": (), "filed_at": None}
        source = await w.store.create_user("source", "contributor", "", model.utc_now(), display_name="Source")
        listed = w.store.list_filings

        async def then_a_filing(*args, **kwargs):
            found = await listed(*args, **kwargs)
            monkeypatch.setattr(w.store, "list_filings", listed)  # once
            await w.store.file_entry("strike", author=source, state=model.QUEUED, now=model.utc_now(), **fields)
            return found

        monkeypatch.setattr(w.store, "list_filings", then_a_filing)
        shown = await queue_context(w.store, w.editor, "strike")
        assert shown["queue"] == []  # the filing came after the lists were read...
        assert shown["queue_mark"] != await w.store.queue_mark("strike")  # ...so the desk will ask again


def test_a_refused_queue_form_says_why_at_the_field_in_the_persons_language(site):
    """Declining without a reason, or publishing an edit that is too long (the forms without JavaScript): the
    page comes back with the message under the field it is about, in Russian here, and what was typed kept."""
    import re

    from desk import signed_in

    site.blog("strike")
    site.user("stringer", "contributor")
    filed = [site.post("strike", body, as_="stringer").json()["id"] for body in ("Танки", "Толпа")]
    editor, csrf = signed_in(site, "eda", "editor")
    ru = {"Accept-Language": "ru"}
    refused = editor.post(f"/desk/strike/filings/{filed[0]}/decline", data={"csrf": csrf, "note": " "}, headers=ru)
    assert refused.status_code == 422
    field = re.search(rf'<input id="note-{filed[0]}"[^>]*>\s*<p class="error field-error" role="alert" id="error">'
                      r'([^<]+)</p>', refused.text)
    assert field and 'aria-describedby="error"' in field.group(0), refused.text
    assert re.search("[\u0430-\u044f]", field.group(1)) and not re.search("[a-z]", field.group(1)), field.group(1)
    too_long = "ж" * (model.MAX_BODY + 1)
    refused = editor.post(f"/desk/strike/filings/{filed[1]}/publish", data={"csrf": csrf, "body": too_long},
                          headers=ru)
    assert refused.status_code == 422
    assert re.search(rf'id="body-{filed[1]}"[^>]*>{too_long}</textarea>\s*<p class="error field-error" role="alert"'
                     r' id="error">[^<a-z]*[\u0430-\u044f][^<a-z]*</p>', refused.text)
    assert refused.text.count(' id="error">') == 1  # said once, at the field
    editor.close()


def test_the_queue_names_its_contributors_by_byline_never_by_login_name(site):
    """The editor and the contributor herself read the byline on the desk (the desk's own, "Staff", in the
    page's language); a login name is shown only on the People page, to editors."""
    from desk import PASSWORD, signed_in

    site.blog("strike")
    site.user("aigul.k", "contributor", password=PASSWORD, display_name="Айгуль Касымова")
    site.user("nameless.k", "contributor", display_name="")
    site.post("strike", "Танки на проспекте", as_="aigul.k")
    site.post("strike", "Толпа на вокзале", as_="nameless.k")
    editor, _ = signed_in(site, "eda", "editor")
    source, _ = signed_in(site, "aigul.k")
    for client in (editor, source):
        desk = client.get("/desk/strike", headers={"Accept-Language": "ru"}).text
        queued = desk[desk.index('<section id="desk-queue"'):]
        queued = queued[:queued.index("</section>")]
        assert "Айгуль Касымова" in queued and "aigul.k" not in queued
        if client is editor:
            assert "Редакция" in queued and "nameless.k" not in desk
    editor.close()
    source.close()
