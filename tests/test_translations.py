"""An entry may translate a public entry of another blog on this site (``translation_of``), and both show it:
"Translated from Russian: the 11:42 GMT update" on the translation, "Translations: English" on the original,
each linking the other, in the API, the stream, the feeds, JSON-LD and the mirror. When the original is corrected
after the translation was published, the translation says so and links the correction."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from desk import signed_in
from liveblog import export, model
from liveblog.model import ValidationError
from liveblog.services import entries
from reader_html import parse
from unit_store import world

ATOM = "{http://www.w3.org/2005/Atom}"


def pair(site):
    """A Russian original on ``moskva`` and its English translation on ``world``."""
    site.blog("moskva")
    site.blog("world")
    original = site.entry("moskva", "Митинг на площади.", lang="ru")
    translation = site.entry("world", "A rally on the square.", translation_of={"blog": "moskva", "id": original["id"]})
    return original, translation


def correct(site, slug, entry_id, body):
    r = site.client.post(f"/api/blogs/{slug}/entries/{entry_id}/corrections", json={"body": body, "note": "fixed"},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    return r.json()


def article(site, path, entry_id):
    return parse(site.client.get(path).text).one("article", id=f"entry-{entry_id}")


def linked_events(site, slug):
    return [e for e in site.client.get(f"/api/blogs/{slug}/events?since=0").json()["events"]
            if e["event"] == "entry.linked"]


def test_a_translation_and_its_original_link_each_other(site):
    original, translation = pair(site)
    assert translation["translation_of"]["blog"] == "moskva" and translation["translation_of"]["id"] == original["id"]
    assert translation["translation_of"]["lang"] == "ru" and translation["translation_of"]["corrections_since"] == []
    assert translation["translation_of"]["url"] == f"/blogs/moskva/entries/{original['id']}"
    now = site.client.get(f"/api/blogs/moskva/entries/{original['id']}").json()
    [listed] = now["translations"]
    assert (listed["blog"], listed["id"], listed["lang"]) == ("world", translation["id"], "en")
    assert now["translation_of"] is None and translation["translations"] == []

    for path in ("/blogs/world", f"/blogs/world/entries/{translation['id']}"):
        note = article(site, path, translation["id"]).one("p", class_="translation-of")
        assert note.text == f"Translated from Russian: the {original['time_gmt']} update"
        assert note.one("a").get("href") == f"/blogs/moskva/entries/{original['id']}"
        assert note.one("a").get("hreflang") == "ru"
    for path in ("/blogs/moskva", f"/blogs/moskva/entries/{original['id']}"):
        listing = article(site, path, original["id"]).one("p", class_="translations")
        assert listing.text == "Translations: English"
        assert listing.one("a").get("href") == f"/blogs/world/entries/{translation['id']}"

    # the original's readers are sent it again, now listing its translation
    [event] = linked_events(site, "moskva")
    assert event["data"]["id"] == original["id"] and "Translations:" in event["data"]["html"]
    assert event["data"]["revision"] == original["revision"], "not a correction: the same revision, re-rendered"


def test_a_translation_says_when_its_original_was_corrected_since(site):
    site.blog("moskva")
    site.blog("world")
    original = site.entry("moskva", "Сто человек.", lang="ru")
    correct(site, "moskva", original["id"], "Двести человек.")  # before the translation: it was translated from this
    translation = site.entry("world", "Two hundred people.", translation_of={"blog": "moskva", "id": original["id"]})
    assert translation["translation_of"]["corrections_since"] == []
    corrected = correct(site, "moskva", original["id"], "Триста человек.")
    later = corrected["corrections"][-1]

    now = site.client.get(f"/api/blogs/world/entries/{translation['id']}").json()
    [since] = now["translation_of"]["corrections_since"]
    anchor = f"entry-{original['id']}-correction-2"
    assert since["at"] == later["at"] and since["url"] == f"/blogs/moskva/entries/{original['id']}#{anchor}"
    note = article(site, "/blogs/world", translation["id"]).one("p", class_="original-corrected")
    assert note.text == f"The original was corrected at {later['time_gmt']}"
    assert note.one("a").get("href") == since["url"]
    assert parse(site.client.get(f"/blogs/moskva/entries/{original['id']}").text).one(id=anchor).text.startswith(
        f"Corrected {later['time_gmt']}"), "the link lands on the correction's note"

    [event] = linked_events(site, "world")  # the translation's readers are told at once
    assert event["data"]["id"] == translation["id"] and "The original was corrected" in event["data"]["html"]


def test_withdrawals_on_either_side_are_shown_on_the_other(site):
    original, translation = pair(site)
    headers = site.headers("editor")
    r = site.client.post(f"/api/blogs/world/entries/{translation['id']}/retraction", json={"note": "wrong"},
                         headers=headers)
    assert r.status_code == 200
    assert site.client.get(f"/api/blogs/moskva/entries/{original['id']}").json()["translations"] == []
    assert linked_events(site, "moskva")[-1]["data"]["translations"] == []

    again = site.entry("world", "A rally.", translation_of={"blog": "moskva", "id": original["id"]})
    site.client.post(f"/api/blogs/moskva/entries/{original['id']}/retraction", json={"note": "fake"}, headers=headers)
    assert site.client.get(f"/api/blogs/world/entries/{again['id']}").json()["translation_of"]["status"] == "retracted"
    assert article(site, "/blogs/world", again["id"]).one("p", class_="translation-of").text.endswith(
        "(since withdrawn)")
    r = site.post("world", "Too late", translation_of={"blog": "moskva", "id": original["id"]})
    assert r.status_code == 422
    assert r.json()["detail"]["message"] == f"entry {original['id']} of blog moskva was withdrawn"


def test_a_blogs_new_language_is_named_on_the_pages_that_link_its_entries(site):
    """A blog's language is the language of its entries that have none of their own: the blogs that link them
    by translation are sent those entries again, so their cached pages name the new language at once."""
    site.blog("moskva", language="ru")
    site.blog("world")
    original = site.entry("moskva", "Митинг на площади.")
    translation = site.entry("world", "A rally on the square.", translation_of={"blog": "moskva", "id": original["id"]})
    note = article(site, "/blogs/world", translation["id"]).one("p", class_="translation-of")
    assert note.text.startswith("Translated from Russian") and note.one("a").get("hreflang") == "ru"
    assert site.client.get("/blogs/world").status_code == 200  # served from the render cache now

    r = site.client.patch("/api/blogs/moskva", json={"language": "kk"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    for path in ("/blogs/world", f"/blogs/world/entries/{translation['id']}"):
        note = article(site, path, translation["id"]).one("p", class_="translation-of")
        assert note.text.startswith("Translated from Kazakh"), path
        assert note.one("a").get("hreflang") == "kk", path
    assert linked_events(site, "world")[-1]["data"]["translation_of"]["lang"] == "kk", "open pages are told too"

    r = site.client.patch("/api/blogs/world", json={"language": "ar"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    listing = article(site, "/blogs/moskva", original["id"]).one("p", class_="translations")
    assert listing.one("a").get("hreflang") == "ar"


def test_a_translation_must_name_a_public_entry_of_another_blog(site):
    site.blog("moskva")
    site.blog("world")
    original = site.entry("moskva", "Митинг.", lang="ru")
    own = site.entry("world", "Own entry")
    before = site.stored()
    cases = [
        ({"blog": "world", "id": own["id"]}, "must name an entry of another blog"),
        ({"blog": "moskva", "id": own["id"]}, f"blog moskva has no entry {own['id']}"),
        ({"blog": "nowhere", "id": original["id"]}, f"blog nowhere has no entry {original['id']}"),
        ({"blog": "moskva", "id": original["id"] + 1000}, f"blog moskva has no entry {original['id'] + 1000}"),
        ({"blog": "moskva"}, model.TRANSLATION_SHAPE),
        ({"blog": "moskva", "id": "1"}, "id must be an entry id"),
        ({"blog": "Moskva!", "id": 1}, "blog must be a blog's slug"),
        ("moskva/1", model.TRANSLATION_SHAPE),
    ]
    for value, message in cases:
        r = site.post("world", "A rally.", translation_of=value)
        assert r.status_code == 422, (value, r.text)
        assert r.json()["detail"] == {"field": "translation_of", "message": message}, value
    assert site.stored() == before, "a refused translation leaves every table as it was"


def test_the_desk_takes_the_originals_address(site):
    """Without the desk's script too: the compose form's "Translation of" is the original's reader address."""
    site.blog("moskva")
    site.blog("world")
    original = site.entry("moskva", "Митинг на площади.", lang="ru")
    client, csrf = signed_in(site, "emma", "editor")
    address = f"{site.url}/blogs/moskva/entries/{original['id']}#entry-{original['id']}"
    r = client.post("/desk/world/entries", data={"csrf": csrf, "body": "A rally.", "translation_of": address})
    assert r.status_code == 303, r.text
    [entry] = site.client.get("/api/blogs/world").json()["entries"]
    assert entry["translation_of"]["blog"] == "moskva" and entry["translation_of"]["id"] == original["id"]
    refused = client.post("/desk/world/entries", data={"csrf": csrf, "body": "A rally.", "translation_of": "moskva 1"})
    assert refused.status_code == 422
    assert 'id="translation_of" name="translation_of"' in refused.text and 'value="moskva 1"' in refused.text
    assert 'id="error">Translation of: is not the address of an update</p>' in refused.text
    client.close()


def test_the_outbox_tests_pattern_is_the_servers():
    """tests/js/outbox.test.js holds the desk's script to the server's address pattern (``model.ENTRY_ADDRESS``,
    which the desk page hands the script); its copy of it must be that pattern, character for character."""
    source = (Path(__file__).parent / "js" / "outbox.test.js").read_text(encoding="utf-8")
    copies = re.findall(r'const pattern = ("(?:[^"\\]|\\.)*");', source)
    assert [json.loads(copy) for copy in copies] == [model.ENTRY_ADDRESS]


def test_feeds_and_structured_data_carry_the_links(site):
    original, translation = pair(site)
    original_url = f"{site.url}/blogs/moskva/entries/{original['id']}"
    translation_url = f"{site.url}/blogs/world/entries/{translation['id']}"
    [item] = site.client.get("/blogs/world/feed.json").json()["items"]
    linked = item["_liveblog"]["translation_of"]
    assert linked == {"blog": "moskva", "id": f"moskva-{original['id']}", "url": original_url, "lang": "ru",
                      "status": "published", "corrections_since": []}
    assert item["_liveblog"]["translations"] == []
    [item] = site.client.get("/blogs/moskva/feed.json").json()["items"]
    assert item["_liveblog"]["translations"] == [
        {"blog": "world", "id": f"world-{translation['id']}", "url": translation_url, "lang": "en"}]
    assert item["_liveblog"]["lang"] == "ru"

    [entry] = ET.fromstring(site.client.get("/blogs/world/feed.atom").content).iter(f"{ATOM}entry")
    alternates = [(link.get("hreflang"), link.get("href")) for link in entry.iter(f"{ATOM}link")
                  if link.get("rel") == "alternate" and link.get("hreflang")]
    assert alternates == [("ru", original_url)]

    def posting(slug, entry_id):
        html = parse(site.client.get(f"/blogs/{slug}/entries/{entry_id}").text)
        [script] = [s for s in html.all("script") if s.get("type") == "application/ld+json"]
        return json.loads("".join(c for c in script.children if isinstance(c, str)))

    assert posting("world", translation["id"])["translationOfWork"] == {
        "@type": "BlogPosting", "@id": original_url, "inLanguage": "ru"}
    assert posting("moskva", original["id"])["workTranslation"] == [
        {"@type": "BlogPosting", "@id": translation_url, "inLanguage": "en"}]


def test_the_mirror_links_the_other_blogs_mirror_beside_it(site, tmp_path):
    original, translation = pair(site)
    store = site.runtime.store
    for slug in ("moskva", "world"):
        site.call(export.write_snapshot(store, slug, tmp_path / slug, media_path=tmp_path / "media",
                                        site="https://mirror.example/" + slug, key=site.runtime.key))
    world_page = parse((tmp_path / "world" / "index.html").read_text())
    link = world_page.one("p", class_="translation-of").one("a").get("href")
    assert link == f"../moskva/index.html#entry-{original['id']}"
    assert f'id="entry-{original["id"]}"' in (tmp_path / "moskva" / "index.html").read_text()
    moskva_page = parse((tmp_path / "moskva" / "index.html").read_text())
    assert moskva_page.one("p", class_="translations").one("a").get("href") == (
        f"../world/index.html#entry-{translation['id']}")


@pytest.mark.unit
async def test_the_services_check_the_original_in_the_same_transaction(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        from liveblog.services import blogs

        await blogs.create(w.store, w.editor, blogs.new_blog_input({"slug": "world", "title": "World"}))
        world_blog = await entries.blog_to_post(w.store, w.amal, "world")
        original, _ = await entries.publish(w.store, w.posts, w.amal, w.blog,
                                            entries.entry_input({"body": "Митинг", "lang": "ru"}), None)
        fields = entries.entry_input({"body": "A rally", "translation_of": {"blog": "strike", "id": original.id}})
        translation, _ = await entries.publish(w.store, w.posts, w.badr, world_blog, fields, None)
        assert translation.translation_of is not None and translation.translation_of.lang == "ru"
        assert [t.id for t in (await entries.find_entry(w.store, "strike", original.id)).translations] == [
            translation.id]
        assert await w.log("strike") == ["blog.updated", "entry.created", "entry.linked"]
        with pytest.raises(ValidationError) as refused:
            await entries.publish(w.store, w.posts, w.badr, w.blog, entries.entry_input(
                {"body": "x", "translation_of": {"blog": "strike", "id": original.id}}), None)
        assert refused.value.field == "translation_of"
        assert await w.log("strike") == ["blog.updated", "entry.created", "entry.linked"]


@pytest.mark.unit
def test_only_corrections_after_the_translation_count():
    t0 = model.utc_now()
    times = [t0 - timedelta(minutes=5), t0 + timedelta(minutes=1), t0 + timedelta(minutes=9)]
    assert model.corrected_since(times, t0) == ((2, times[1]), (3, times[2]))
    assert model.corrected_since([], t0) == ()
    with pytest.raises(ValidationError):
        model.check_original(("moskva", 5), ("moskva", True), blog="world")
    model.check_original(("moskva", 5), ("moskva", False), blog="world")


def test_in_the_browser_the_original_learns_of_its_translation_live_and_both_link(site, page):
    """Chromium at 390x844: the original's open page shows "Translations: English" when the translation is
    posted (``entry.linked`` over the stream), its article carries lang="ru", and the links lead both ways."""
    site.blog("moskva")
    site.blog("world")
    original = site.entry("moskva", "Митинг на площади.", lang="ru")
    page.goto(f"{site.url}/blogs/moskva")
    page.wait_for_selector("#status[title='Connection: Live']")
    page.evaluate("window.sameDocument = true")
    assert page.get_attribute(f"#entry-{original['id']}", "lang") == "ru"
    translation = site.entry("world", "A rally on the square.", translation_of={"blog": "moskva", "id": original["id"]})
    listing = page.wait_for_selector(f"#entry-{original['id']} .translations", timeout=5_000)
    assert listing.inner_text() == "Translations: English"
    assert page.evaluate("window.sameDocument === true"), "shown live, without a reload"
    page.click(f"#entry-{original['id']} .translations a")
    page.wait_for_url(f"{site.url}/blogs/world/entries/{translation['id']}")
    assert page.get_attribute(f"#entry-{translation['id']}", "lang") is None, "in its blog's language"
    note = page.locator(f"#entry-{translation['id']} .translation-of")
    assert note.inner_text() == f"Translated from Russian: the {original['time_gmt']} update"
    note.locator("a").click()
    page.wait_for_url(f"{site.url}/blogs/moskva/entries/{original['id']}")
    assert page.get_attribute(f"#entry-{original['id']}", "lang") == "ru"
