"""Issue 14 (3, 8): a control character, a lone surrogate or U+FFFE/U+FFFF is refused at every door, and the
Atom feed cannot carry one even when the database already holds it.

Pins: every text field of every JSON write route (and a string anywhere in the body, field names too) is a
422 naming the field, never a 500, and changes nothing stored; so is a photo's caption; the desk's forms are
re-shown with the message, the field marked; an import names the place in its file; the live Atom feed and
the mirror's stay well-formed XML when the rows themselves hold such characters (as an old database or an
import could), the rest of the text kept.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from conftest import liveblog_cmd
from desk import signed_in
from liveblog import export
from liveblog.model import ValidationError

BAD = ["\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\udfff", "\ufffe", "\uffff"]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def story(site_with):
    site = site_with(posts_per_minute=1_000_000)
    site.blog("strike")
    entry = site.entry("strike", "The first update")
    return site, entry


def routes(entry_id: int) -> list[tuple[str, str, dict[str, object], list[str]]]:
    """Each write route, a body it takes, and the text fields to spoil in it."""
    entry = f"/api/blogs/strike/entries/{entry_id}"
    return [
        ("POST", "/api/blogs", {"slug": "other", "title": "T", "summary": "", "intro": ""},
         ["slug", "title", "summary", "intro"]),
        ("PATCH", "/api/blogs/strike", {"title": "T", "summary": "", "intro": "", "status": "live"},
         ["title", "summary", "intro", "status"]),
        ("POST", "/api/blogs/strike/entries", {"body": "b", "headline": "", "filed_at": "2030-01-01T00:00:00Z"},
         ["body", "headline", "filed_at"]),
        ("POST", f"{entry}/corrections", {"body": "b", "note": "n"}, ["body", "note"]),
        ("POST", f"{entry}/retraction", {"note": "n"}, ["note"]),
    ]


def send(site, method: str, path: str, body: dict[str, object]):
    raw = json.dumps(body)  # ASCII, with a lone surrogate written \ud800 as JSON allows
    return site.client.request(method, path, content=raw, headers=site.headers("editor", **{
        "Content-Type": "application/json"}))


def test_every_text_field_of_every_route_refuses_them(story):
    site, entry = story
    before = site.stored()
    for method, path, good, fields in routes(entry["id"]):
        for field in fields:
            for bad in BAD:
                r = send(site, method, path, {**good, field: f"ok{bad}ok"})
                assert r.status_code == 422, (path, field, repr(bad), r.status_code, r.text)
                assert r.json()["detail"]["field"] == field, (path, field, r.json())
                assert f"U+{ord(bad):04X} at character 3" in r.json()["detail"]["message"]
    assert site.stored() == before


def test_a_string_anywhere_in_the_body_is_named_by_its_place(story):
    site, entry = story
    before = site.stored()
    r = send(site, "POST", "/api/blogs/strike/entries", {"body": "b", "supersedes": [entry["id"], "\ud800"]})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "supersedes[1]", r.text
    r = send(site, "POST", "/api/blogs/strike/entries", {"body": "b", "\ud800": 1})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "request", r.text
    assert "a field name contains U+D800" in r.json()["detail"]["message"]
    r = send(site, "POST", "/api/blogs/strike/entries", {"body": "b", "\x01": 1})
    assert r.status_code == 422 and "\x01" not in r.text
    assert site.stored() == before


def test_a_caption_refuses_them(story):
    site, _ = story
    before = site.stored()
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    for bad in ("\x01", "\x9f"):
        r = site.client.post("/api/media", files={"file": ("p.jpg", photo.getvalue(), "image/jpeg")},
                             data={"caption": f"a{bad}b"}, headers=site.headers("editor"))
        assert r.status_code == 422 and r.json()["detail"]["field"] == "caption", r.text
    assert site.stored() == before


def marked(html: str, field: str) -> bool:
    """The field is marked invalid and points at the message."""
    tag = re.search(rf'<(?:input|textarea) id="{field}"[^>]*>', html)
    return bool(tag) and 'aria-invalid="true" aria-describedby="error"' in tag.group()


def test_the_desk_forms_refuse_them_at_the_field(story):
    site, entry = story
    client, csrf = signed_in(site, "editor-2", "editor")
    before = site.stored()[0]["entries"]
    forms = [
        ("/desk/blogs", {"slug": "other", "title": "T\x01"}, "title", "Title"),
        ("/desk/strike/entries", {"headline": "H\x1b", "body": "b"}, "headline", "Headline"),
        ("/desk/strike/entries", {"body": "b\x7f"}, "body", "Update"),
        (f"/desk/strike/entries/{entry['id']}/correct", {"body": "b\x85", "note": "n"}, "body", "Corrected text"),
        (f"/desk/strike/entries/{entry['id']}/correct", {"body": "b", "note": "n\x08"}, "note", "Correction note"),
        (f"/desk/strike/entries/{entry['id']}/withdraw", {"note": "n\x1f"}, "note", "Why it is withdrawn"),
    ]
    for path, form, field, label in forms:  # named by the label people see (issue 15)
        r = client.post(path, data={"csrf": csrf, **form})
        assert r.status_code == 422, (path, r.status_code)
        assert f"{label}: contains U+" in r.text and marked(r.text, field), (path, field)
    assert site.stored()[0]["entries"] == before
    assert [b["slug"] for b in site.client.get("/api/blogs").json()["blogs"]] == ["strike"]
    client.close()


def spoil(site) -> None:
    """Write control characters into the rows themselves, as an old database or an import could have."""
    site.sql("UPDATE blogs SET title = ?, summary = ? WHERE slug = ?", "Str\x01ike\ufffe", "Sum\x1bmary", "strike")
    site.sql("UPDATE entries SET headline = ?, body_html = ? WHERE body = ?", "Head\x0bline",
             "<p>Bo\x08dy\uffff</p>", "The first update")
    site.sql("UPDATE users SET name = ? WHERE name = ?", "Edi\x1ftor", "editor")
    site.sql("UPDATE entries SET byline = ? WHERE byline = ?", "Edi\x1ftor", "editor")  # what readers see
    site.sql("UPDATE corrections SET note = ?", "No\x02te")


def assert_well_formed(raw: bytes) -> ET.Element:
    root = ET.fromstring(raw)  # raises on a character XML 1.0 forbids
    assert root.findtext(f"{ATOM}title") == "Strike"
    assert root.findtext(f"{ATOM}subtitle") == "Summary"
    return root


def test_the_atom_feeds_stay_xml_when_the_database_holds_them(story, tmp_path):
    site, _ = story
    other = site.entry("strike", "To be corrected")
    r = site.client.post(f"/api/blogs/strike/entries/{other['id']}/corrections",
                         json={"body": "Corrected", "note": "Note"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    spoil(site)
    live = assert_well_formed(site.client.get("/blogs/strike/feed.atom").content)
    first = next(e for e in live.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Headline")
    assert first.findtext(f"{ATOM}content") == "<p>Body</p>" and first.findtext(f"{ATOM}author/{ATOM}name") == "Editor"
    assert "Corrected" in site.client.get("/blogs/strike/feed.atom").text and "Note</p>" in live.findtext(
        f"{ATOM}entry/{ATOM}content")
    out = tmp_path / "mirror"
    done = liveblog_cmd("export", "strike", "--out", str(out), db=site.settings.db)
    assert done.returncode == 0, done.stderr
    assert_well_formed((out / "feed.atom").read_bytes())
    json.loads((out / "feed.json").read_text(encoding="utf-8"))


def test_an_import_names_the_place_of_one_in_the_file(story):
    """The import reads every text of the file through the same check (``export._Fields``)."""
    site, entry = story
    record = site.call(export.export_record(site.runtime.store, "strike"))
    for path, field in ((("blog", "title"), "blog.title"), (("entries", 0, "author"), "entries[0].author"),
                        (("entries", 0, "body_html"), "entries[0].body_html"),
                        (("blog", "language"), "blog.language")):
        spoiled = json.loads(json.dumps(record))
        target = spoiled
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] += "\x1b"
        with pytest.raises(ValidationError) as refused:
            export.read_record(spoiled)
        assert refused.value.field == field and "U+001B" in refused.value.message, refused.value.field
    assert export.read_record(record)[1][0].id == entry["id"]
