"""An entry's own language may differ from its blog's: ``lang`` in the API (a checked BCP 47 tag), stored, and
marked wherever the entry is shown (the article's ``lang``, so screen readers switch voice; the stream's HTML;
JSON Feed ``_liveblog.lang``; Atom ``xml:lang``; JSON-LD ``inLanguage``; the export) and chosen on the desk."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from desk import open_desk, post, published, signed_in, wait_for
from liveblog import export, languages
from liveblog.model import ValidationError
from reader_html import parse

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def article(html: str, entry_id: int):
    return parse(html).one("article", id=f"entry-{entry_id}")


def test_an_entry_in_another_language_is_marked_everywhere_it_is_shown(site):
    site.blog("strike")
    kazakh = site.entry("strike", "Алматыда ереуіл басталды.", lang="KK-cyrl")
    plain = site.entry("strike", "The strike began in Almaty.")
    assert kazakh["lang"] == "kk-Cyrl", "stored in its usual case"
    assert plain["lang"] is None, "null: the blog's language"
    assert site.client.get(f"/api/blogs/strike/entries/{kazakh['id']}").json()["lang"] == "kk-Cyrl"

    page = site.client.get("/blogs/strike").text
    assert article(page, kazakh["id"]).get("lang") == "kk-Cyrl"
    assert "lang" not in article(page, plain["id"]).attrs
    permalink = site.client.get(f"/blogs/strike/entries/{kazakh['id']}").text
    assert article(permalink, kazakh["id"]).get("lang") == "kk-Cyrl"

    [created] = [e for e in site.client.get("/api/blogs/strike/events?since=0").json()["events"]
                 if e["data"].get("id") == kazakh["id"]]
    assert 'lang="kk-Cyrl"' in created["data"]["html"], "the stream's HTML is the page's"

    items = {i["id"]: i for i in site.client.get("/blogs/strike/feed.json").json()["items"]}
    assert items[f"strike-{kazakh['id']}"]["_liveblog"]["lang"] == "kk-Cyrl"
    assert items[f"strike-{plain['id']}"]["_liveblog"]["lang"] is None
    atom = {e.find(f"{ATOM}id").text: e for e in ET.fromstring(site.client.get("/blogs/strike/feed.atom").content)
            .iter(f"{ATOM}entry")}
    assert atom[f"urn:liveblog:strike-{kazakh['id']}"].get(XML_LANG) == "kk-Cyrl"
    assert atom[f"urn:liveblog:strike-{plain['id']}"].get(XML_LANG) is None

    scripts = [s for s in parse(page).all("script") if s.get("type") == "application/ld+json"]
    ld = json.loads("".join(c for c in scripts[0].children if isinstance(c, str)))
    updates = {u["url"].rsplit("/", 1)[1]: u for u in ld["liveBlogUpdate"]}
    assert updates[str(kazakh["id"])]["inLanguage"] == "kk-Cyrl"
    assert "inLanguage" not in updates[str(plain["id"])], "the blog's inLanguage covers it"


def test_a_bad_language_tag_is_refused_and_nothing_is_stored(site):
    site.blog("strike")
    for tag in ["english", "ru_RU", "xx", "en-GB-oxendict", "ru-", " ru", 7, ["ru"]]:
        r = site.post("strike", "Text", lang=tag)
        assert r.status_code == 422, (tag, r.text)
        assert r.json()["detail"]["field"] == "lang" and r.json()["error"].startswith("lang: "), tag
    assert site.client.get("/api/blogs/strike").json()["entries"] == []


def test_the_desk_offers_the_newsrooms_languages_and_keeps_a_refused_choice(site):
    site.blog("strike")
    client, csrf = signed_in(site, "amal")
    try:
        desk_language(site, client, csrf)
    finally:
        client.close()


def desk_language(site, client, csrf):
    compose = parse(client.get("/desk/strike").text)
    options = {o.get("value"): o.text for o in compose.one("select", id="lang").all("option")}
    assert options[""].startswith("The blog's") and options["ru"] == "русский" and options["kk"] == "қазақ тілі"
    assert "fa" in options and "ar" in options, "a right-to-left language too"

    r = client.post("/desk/strike/entries", data={"csrf": csrf, "body": "Митинг", "lang": "ru"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert site.client.get("/api/blogs/strike").json()["entries"][0]["lang"] == "ru"

    again = client.post("/desk/strike/entries", data={"csrf": csrf, "body": "Still here", "lang": "klingon"})
    assert again.status_code == 422
    form = parse(again.text)
    select = form.one("select", id="lang")
    assert select.get("aria-invalid") == "true"
    assert form.one(id="error").text == "Language: must be a language tag such as ru, kk-Cyrl or pt-BR"
    assert [o.get("value") for o in select.all("option") if "selected" in o.attrs] == ["klingon"]
    assert form.one("textarea", id="body").text == "Still here"


@pytest.mark.unit
def test_tags_are_checked_and_named_by_cldr():
    assert languages.check_lang("lang", "pt-br") == "pt-BR"
    assert languages.check_lang("lang", "es-419") == "es-419"
    assert languages.check_lang("lang", "") is None and languages.check_lang("lang", None) is None
    for bad in ("zz", "ru-RU-x-private", "\u0440\u0443"):  # "ru" in Cyrillic letters
        with pytest.raises(ValidationError):
            languages.check_lang("lang", bad)
    assert languages.language_name("ru") == "Russian" and languages.language_name("kk-Cyrl") == "Kazakh"
    assert languages.language_name("fa", "fa") == "فارسی"


@pytest.mark.unit
def test_an_export_keeps_an_entrys_language_and_reads_older_files_without_one():
    record = {"format": export.FORMAT, "blog": {
        "slug": "strike", "title": "Strike", "summary": "", "intro": "", "intro_html": "", "status": "live",
        "language": "en", "created_at": "2026-11-22T10:00:00.000Z", "ended_at": None}, "entries": []}
    entry = {"id": 1, "author": "amal", "published_at": "2026-11-22T11:00:00.000Z",
             "filed_at": "2026-11-22T11:00:00.000Z", "headline": "", "body": "Митинг", "body_html": "<p>Митинг</p>",
             "key_event": False, "pinned": False, "revision": 1, "supersedes": [], "corrections": [],
             "retracted": None}
    _, [with_lang] = export.read_record({**record, "entries": [{**entry, "lang": "ru"}]})
    assert with_lang.lang == "ru" and export.entry_record(with_lang)["lang"] == "ru"
    _, [older] = export.read_record({**record, "entries": [entry]})
    assert older.lang is None
    with pytest.raises(ValidationError) as bad:
        export.read_record({**record, "entries": [{**entry, "lang": "nope!"}]})
    assert bad.value.field == "entries[0].lang"


def test_the_desks_script_sends_the_chosen_language(site, page):
    """Chromium: the compose page's script (its fetch, not the form) posts the language picked in the select."""
    open_desk(page, site)
    page.select_option("#lang", "kk")
    post(page, "Алматыда ереуіл.")
    wait_for(page, lambda: len(published(site)) == 1)
    assert published(site)[0]["lang"] == "kk"
    assert page.input_value("#lang") == "", "the next update starts in the blog's language"
