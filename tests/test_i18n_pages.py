"""No English left behind: every reader page and desk page, in every state a form can come back in, is rendered by
the running server in each language and in a pseudo-locale whose "translation" of each string is the string in
⟦brackets⟧. In the pseudo-locale, any visible word outside brackets (text, <title>, title, aria-label, placeholder)
was never passed through the catalogs; in Russian, Kazakh and Arabic, any Latin word left is English on the page.
Each failure names the page and the words. The feeds and the stream's html speak the blog's language too."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desk import PASSWORD, csrf_of
from liveblog import export, i18n, model
from untranslated import BRACKETED, CONTENT, KEPT, PSEUDO, leftovers, pseudo_locale  # noqa: F401 (the fixture, used by name)

# what the test types into the forms that come back refused, with it still in their boxes
TYPED = {"login": "nobody", "byline": "EDA", "name": "Eda", "slug": "x"}


def sign_in(site, name: str, lang: str, role: str) -> httpx.Client:
    """A person whose browser asks for ``lang`` (Accept-Language), signed in through the form."""
    if name not in site.tokens:
        site.user(name, role, password=PASSWORD)
    client = httpx.Client(base_url=site.url, timeout=10, headers={"Accept-Language": f"{lang},en;q=0.5"})
    form = client.get("/login")
    r = client.post("/login", data={"csrf": csrf_of(form.text), "name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


def story(site, lang: str) -> dict[str, int]:
    """A blog in ``lang`` with an update of each kind: key event, pinned and corrected, withdrawn, superseded."""
    site.blog("strike", title=CONTENT["title"], summary=CONTENT["summary"], language=lang)
    first = site.entry("strike", CONTENT["body"], key_event=True)
    gone = site.entry("strike", CONTENT["body"])
    fixed = site.entry("strike", CONTENT["body"], pinned=True)
    newer = site.entry("strike", CONTENT["body"], supersedes=[first["id"]])
    for path, payload in ((f"{fixed['id']}/corrections", {"body": CONTENT["body"] + "!", "note": CONTENT["note"]}),
                          (f"{gone['id']}/retraction", {"note": CONTENT["note"]})):
        r = site.client.post(f"/api/blogs/strike/entries/{path}", json=payload, headers=site.headers("editor"))
        assert r.status_code in (200, 201), r.text
    # translations both ways with an English blog: "Translated from …", "Translations: …", "The original was
    # corrected at …", "(since withdrawn)"
    site.blog("world", title=CONTENT["title"], language="en")
    original = site.entry("world", CONTENT["body"])
    withdrawn = site.entry("world", CONTENT["body"])
    site.entry("strike", CONTENT["body"], translation_of={"blog": "world", "id": original["id"]})
    site.entry("strike", CONTENT["body"], translation_of={"blog": "world", "id": withdrawn["id"]})
    site.entry("world", CONTENT["body"], translation_of={"blog": "strike", "id": fixed["id"]})
    for path, payload in ((f"{original['id']}/corrections", {"body": CONTENT["body"] + "!", "note": CONTENT["note"]}),
                          (f"{withdrawn['id']}/retraction", {"note": CONTENT["note"]})):
        r = site.client.post(f"/api/blogs/world/entries/{path}", json=payload, headers=site.headers("editor"))
        assert r.status_code in (200, 201), r.text
    return {"first": first["id"], "gone": gone["id"], "fixed": fixed["id"], "newer": newer["id"]}


def queue_pages(site, editor: httpx.Client, csrf: str, lang: str) -> Iterator[tuple[str, httpx.Response]]:
    """The queue, drafts and settings: a contributor's filings (one declined with a note), an editor's draft,
    the notices after each action, the refused forms, ending and an ended blog's desk."""
    contributor = sign_in(site, "stringer", lang, "contributor")
    answers = [site.post("strike", CONTENT["body"], as_="stringer") for _ in range(2)]
    assert all(a.status_code == 202 for a in answers), answers[0].text
    filed = [a.json()["id"] for a in answers]
    site.post("strike", CONTENT["body"], as_="eda", draft=True)
    r = site.client.post(f"/api/blogs/strike/entries/{filed[1]}/decline", json={"note": CONTENT["note"]},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    yield "compose: queue and draft", editor.get("/desk/strike")
    yield "contributor's desk: declined note", contributor.get("/desk/strike")
    for done in ("queued", "draft", "declined", "corrected", "withdrawn", "settings", "reopened"):
        yield f"notice {done}", editor.get(f"/desk/strike?done={done}")
    yield "notice published", editor.get("/desk/strike?done=published&at=12:00%20GMT")
    yield "decline refused", editor.post(f"/desk/strike/filings/{filed[0]}/decline", data={"csrf": csrf, "note": ""})
    yield "settings refused", editor.post("/desk/strike/settings", data={"csrf": csrf, "title": "", "language": lang})
    yield "end confirmation", editor.get("/desk/strike/end")
    site.blog("done", title=CONTENT["title"], language=lang)
    assert editor.post("/desk/done/end", data={"csrf": csrf}).status_code == 303
    yield "ended blog's desk", editor.get("/desk/done")
    yield "ended blog's page", httpx.get(f"{site.url}/blogs/done", headers={"Accept-Language": lang})
    contributor.close()


def people_pages(editor: httpx.Client, csrf: str) -> Iterator[tuple[str, httpx.Response]]:
    """The people page: the list and each notice, refused forms with the message at the field, someone without a
    byline (their Byline box empty, the desk's name its placeholder), a sign-in link just issued with its QR code,
    a suspended person, and the refusals a suspension brings."""
    yield "people", editor.get("/desk/people")
    for done in ("suspended", "restored", "renamed", "assigned"):
        yield f"people: notice {done}", editor.get(f"/desk/people?done={done}")
    refused = editor.post("/desk/people", data={"csrf": csrf, "name": "nour", "role": "correspondent",
                                                "display_name": TYPED["byline"]})
    assert refused.status_code == 422 and 'id="display_name-error"' in refused.text, refused.text
    yield "people: byline refused at the field", refused
    taken = editor.post("/desk/people", data={"csrf": csrf, "name": TYPED["name"], "role": "correspondent"})
    assert taken.status_code == 422 and 'id="name-error"' in taken.text, taken.text
    yield "people: name refused at the field", taken
    renamed = editor.post("/desk/people/stringer/byline", data={"csrf": csrf, "display_name": TYPED["byline"]})
    assert renamed.status_code == 422 and 'id="byline-error"' in renamed.text, renamed.text
    yield "people: new byline refused at the field", renamed
    cleared = editor.post("/desk/people/stringer/byline", data={"csrf": csrf, "display_name": ""})
    assert cleared.status_code == 303, cleared.text
    yield "people: someone without a byline (the desk's, in the page's language)", editor.get("/desk/people")
    added = editor.post("/desk/people", data={"csrf": csrf, "name": "nour", "role": "correspondent",
                                              "display_name": CONTENT["byline"]})
    assert added.status_code == 200 and 'id="signin-qr"' in added.text, added.text
    yield "people: a sign-in link just issued, with its QR code", added
    assert editor.post("/desk/people/nour/suspension", data={"csrf": csrf}).status_code == 303
    suspended = editor.get("/desk/people")
    assert suspended.text.count('class="status ended"') == 1
    yield "people: a suspended person", suspended
    for name, path in (("no link for a suspended person", "nour/link"), ("no suspending oneself", "eda/suspension")):
        r = editor.post(f"/desk/people/{path}", data={"csrf": csrf})
        assert r.status_code == 409 and 'id="error"' in r.text, r.text
        yield f"people: {name}", r


def pages(site, lang: str) -> Iterator[tuple[str, httpx.Response]]:
    """Every page and every state a form comes back in, as the language's readers and correspondents see them."""
    ids = story(site, lang)
    anyone = httpx.Client(base_url=site.url, timeout=10, headers={"Accept-Language": lang})
    yield "index", anyone.get("/")
    yield "blog", anyone.get("/blogs/strike")
    yield "older page", anyone.get(f"/blogs/strike?before={ids['fixed']}")
    for name in ("first", "gone", "fixed"):
        yield f"entry page ({name})", anyone.get(f"/blogs/strike/entries/{ids[name]}")
    yield "embed", anyone.get("/blogs/strike/embed")
    yield "login", anyone.get("/login")
    yield "login with a one-time link", anyone.get("/login?token=abc")
    form = anyone.get("/login")
    yield "login refused", anyone.post("/login", data={"csrf": csrf_of(form.text), "name": TYPED["login"],
                                                       "password": "x"})
    editor = sign_in(site, "eda", lang, "editor")
    csrf = csrf_of(editor.get("/desk").text)
    yield "desk", editor.get("/desk")
    yield "desk: blog ended notice", editor.get("/desk?done=ended")
    yield "desk: signed out notice", editor.get("/desk?done=revoked")
    yield "desk: new blog refused", editor.post("/desk/blogs", data={"csrf": csrf, "slug": TYPED["slug"],
                                                                      "title": ""})
    yield "compose", editor.get("/desk/strike")
    yield "compose refused", editor.post("/desk/strike/entries", data={"csrf": csrf, "body": " "})
    entry = f"/desk/strike/entries/{ids['first']}"
    yield "correct", editor.get(entry + "/correct")
    yield "correct refused", editor.post(entry + "/correct", data={"csrf": csrf, "body": CONTENT["body"], "note": ""})
    yield "withdraw", editor.get(entry + "/withdraw")
    yield "withdraw refused", editor.post(entry + "/withdraw", data={"csrf": csrf, "note": " "})
    yield from queue_pages(site, editor, csrf, lang)
    correspondent = sign_in(site, "amal", lang, "correspondent")
    yield "not allowed", correspondent.get(entry + "/correct")
    yield from people_pages(editor, csrf)
    for client in (anyone, editor, correspondent):
        client.close()


@pytest.mark.usefixtures("pseudo_locale")
@pytest.mark.parametrize("lang", [PSEUDO, "ru", "kk", "ar"])
def test_no_page_or_desk_state_shows_an_untranslated_word(site, lang: str) -> None:
    problems = []
    for name, r in pages(site, lang):
        assert r.status_code < 500, (name, r.text)
        assert f'<html lang="{lang}" dir="{i18n.text_direction(lang)}"' in r.text, name
        found = leftovers(r.text, lang, TYPED.values())
        problems.extend(f"{name} ({r.request.url.path}): {text!r}" for text in found)
    assert not problems, f"untranslated in {lang}:\n" + "\n".join(problems)


@pytest.mark.usefixtures("pseudo_locale")
def test_the_pseudo_locale_check_finds_a_plain_string() -> None:
    """The check above can fail: a string written into a page without the catalog is found."""
    html = '<p>⟦Update 17:54 GMT⟧</p><p title="Connection lost">⟦Live⟧</p><script>var s = "ignored";</script>'
    assert leftovers(html, PSEUDO) == ["Connection lost"]
    assert leftovers("<p>Обновление 17:54 GMT</p><p>Superseded by</p>", "ru") == ["Superseded by"]
    prefilled = '<input value="Staff"><input type="hidden" name="csrf" value="abc"><input type="checkbox" value="x">'
    assert leftovers(prefilled, "ru") == ["Staff"]  # a box the page fills is read; a hidden field or a value is not
    assert leftovers("<p>Обновление: warehouse</p>", "ru") == ["Обновление: warehouse"]  # any Latin word, no list


def test_feeds_the_stream_and_the_mirror_speak_the_blogs_language(site, tmp_path) -> None:
    ids = story(site, "ru")
    feed = site.client.get("/blogs/strike/feed.json").json()
    assert feed["language"] == "ru"
    titles = {item["id"]: item["title"] for item in feed["items"]}
    first = titles[f"strike-{ids['first']}"]
    assert first.startswith("Обновление ") and first.endswith(" GMT")
    gone = next(i for i in feed["items"] if i["id"] == f"strike-{ids['gone']}")
    assert gone["content_text"].startswith("Отозвано ") and CONTENT["note"] in gone["content_text"]
    atom = site.client.get("/blogs/strike/feed.atom").text
    assert 'xml:lang="ru"' in atom and "Исправлено " in atom and "Update " not in atom
    html = site.runtime.hub.html_for(site.client.get(f"/api/blogs/strike/entries/{ids['fixed']}").json())
    assert "Обновление " in html and "Исправлено " in html and not leftovers(html, "ru")
    page = site.client.get("/blogs/strike").text
    assert '<meta property="og:locale" content="ru_RU">' in page and '"inLanguage":"ru"' in page
    site.call(export.write_snapshot(site.runtime.store, "strike", tmp_path, media_path=Path(site.settings.media_path),
                                    site="https://mirror.example", key=site.runtime.key))
    mirror = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru" dir="ltr">' in mirror and "Ключевые события" in mirror and not leftovers(mirror, "ru")
    assert json.loads((tmp_path / "feed.json").read_text(encoding="utf-8"))["language"] == "ru"


def test_the_desks_byline_is_said_in_the_pages_language_and_kept_as_stored_in_the_record(site, tmp_path) -> None:
    """A person given no byline writes as "Staff" (model.DESK_BYLINE): every page a person reads says it in its
    language, on a Russian blog "Редакция" (the reader page, an entry's page, an older page, the stream's html, both
    feeds' author, JSON-LD, the mirror, the desk), while the API, the signed log and its events keep "Staff"."""
    staff = "Редакция"
    assert i18n.translations("ru").gettext(model.DESK_BYLINE) == staff
    site.blog("strike", title=CONTENT["title"], language="ru")
    site.user("desk", "editor", display_name=model.DESK_BYLINE)
    first = site.entry("strike", CONTENT["body"], as_="desk")
    second = site.entry("strike", CONTENT["body"], as_="desk")
    r = site.client.post(f"/api/blogs/strike/entries/{second['id']}/retraction", json={"note": CONTENT["note"]},
                         headers=site.headers("desk"))
    assert r.status_code == 200, r.text
    byline = f'<span class="byline">{staff}</span>'
    for path in ("/blogs/strike", f"/blogs/strike/entries/{first['id']}", f"/blogs/strike?before={second['id']}"):
        page = site.client.get(path).text
        assert byline in page and ">Staff<" not in page, path
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert found and '"Staff"' not in found.group(1) and staff in found.group(1), path
    assert byline in site.runtime.hub.html_for(site.client.get(f"/api/blogs/strike/entries/{first['id']}").json())
    feed = site.client.get("/blogs/strike/feed.json").json()
    assert feed["authors"] == [{"name": staff}] and {i["authors"][0]["name"] for i in feed["items"]} == {staff}
    atom = site.client.get("/blogs/strike/feed.atom").text
    assert f"<name>{staff}</name>" in atom and "<name>Staff</name>" not in atom
    site.call(export.write_snapshot(site.runtime.store, "strike", tmp_path, media_path=Path(site.settings.media_path),
                                    site="https://mirror.example", key=site.runtime.key))
    assert byline in (tmp_path / "index.html").read_text(encoding="utf-8")
    editor = sign_in(site, "eda", "ru", "editor")
    assert f"<strong>{staff}</strong>" in editor.get("/desk/people").text  # "desk", given no byline
    editor.close()
    # the record: the API, the events and the export keep the byline as stored
    assert site.client.get(f"/api/blogs/strike/entries/{first['id']}").json()["author"] == model.DESK_BYLINE
    events = site.client.get("/api/blogs/strike/events").json()["events"]
    shown = [e["data"] for e in events if e["event"] == "entry.created"]
    assert [e["author"] for e in shown] == [model.DESK_BYLINE] * 2 and all(byline in e["html"] for e in shown)


@pytest.mark.usefixtures("pseudo_locale")
@pytest.mark.parametrize("lang", [PSEUDO, "ru"])
def test_the_feed_extensions_page_speaks_the_visitors_language(site, lang: str) -> None:
    """/about/feed-extension in the language the browser asks for, every word through the catalogs: its keys and
    code stay as written (in <code>), everything else is translated."""
    r = httpx.get(f"{site.url}/about/feed-extension", headers={"Accept-Language": f"{lang},en;q=0.5"})
    assert r.status_code == 200 and r.headers["content-language"] == lang and "Accept-Language" in r.headers["vary"]
    assert f'<html lang="{lang}" dir="ltr"' in r.text
    main = re.search(r"<main.*?</main>", r.text, re.S)
    assert main and main.group(0).count("<h2>") == 5  # its sections are still headings
    assert main.group(0).count("<table>") == 2 and "| ---" not in main.group(0)  # its key tables are tables
    assert f"<td>{i18n.translations(lang).gettext('this document')}</td>" in main.group(0)  # each cell said
    prose = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", " ", main.group(0), flags=re.S)
    if lang == PSEUDO:
        text = html.unescape(re.sub(r"<[^>]+>", "", prose))
        while BRACKETED.search(text):
            text = BRACKETED.sub(" ", text)
        assert not re.search(r"[^\W\d_]", text), text
    else:
        assert "Расширение _liveblog для JSON Feed" in r.text and "В каждом элементе" in r.text
        technical = ["_liveblog", "RFC", "Ed25519", "URL", "URI", "HTML", "BCP", "hex", "null", "Dublin Core",
                     "server-sent events"]  # names a translation keeps
        words = leftovers(prose.replace("<p>", "<p> ").replace("</td>", " </td>"), "ru")
        left = re.findall(r"[A-Za-z]{2,}", re.sub("|".join([*technical, *KEPT]), " ", " ".join(words)))
        assert not left, left
    english = httpx.get(f"{site.url}/about/feed-extension", headers={"Accept-Language": "fr"})
    assert english.headers["content-language"] == "en" and "<h1>The _liveblog JSON Feed extension</h1>" in english.text
