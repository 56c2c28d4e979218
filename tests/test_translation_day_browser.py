"""A day of a Russian blog and its English translation blog, on phones (390×844) in Chromium, each person's desk in
their own language. A Russian correspondent posts from the desk's forms: an update, a correction with its note, a
toll of 50 superseded by a toll of 70, a withdrawal. An English editor translates two of the Russian updates on the
English blog's desk (its "Translation of" field takes the original's address); the Russian original is corrected
after its translation was published, and the English entry says so and links the correction. A Kazakh-desk and an
Arabic-desk correspondent each post an update from their desks; the Arabic blog's page reads right to left.

A Russian reader's page, open all day in its own browser, receives every update live. After each step nothing on the
Russian side is English (a Latin word the test did not type, by tests/untranslated.py's one check): the live page,
the page as served, each entry's page, the older page, the JSON Feed and Atom (every field a person reads), and the
Russian desk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import httpx
from playwright.sync_api import expect

from desk import browser_sign_in
from test_i18n_browser import READY, right_to_left
from untranslated import leftovers

LIVE = 15_000  # ms: the reader's stream and the desk's own list follow within this
RU, EN, KK, AR = "moskva", "world", "almaty", "qahira"
TYPED = {  # everything the test writes, in the blogs' languages: never counted as the software's English
    "update": "На складе на Варшавском шоссе пожар, жильцов соседних домов эвакуируют.",
    "corrected": "На складе на Варшавском шоссе пожар, эвакуируют жильцов трёх домов.",
    "note": "Уточнено число домов",
    "toll": "По данным МЧС, погибли 50 человек.",
    "newer toll": "По последним данным МЧС, погибли 70 человек.",
    "rumour": "Сообщалось о втором пожаре в Бирюлёве.",
    "why": "Не подтвердилось",
    "corrected again": "На складе на Варшавском шоссе пожар, эвакуируют жильцов четырёх домов.",
    "note again": "Четыре дома, а не три",
}
LOGINS = ["sasha", "emma", "aigerim", "nour"]  # the people's login names, shown to each on their own desk
ENGLISH = {"update": "A warehouse on Varshavskoye Highway is on fire; residents of three buildings are evacuated.",
           "newer toll": "The emergencies ministry now says 70 people died."}
KAZAKH = "Алматыда жаңбыр басталды."
ARABIC = "بدأ المطر في القاهرة."
ATOM = "{http://www.w3.org/2005/Atom}"


def phone(new_page: Any, lang: str) -> Any:
    """A phone whose browser asks for ``lang``."""
    return new_page(locale=lang, extra_http_headers={"Accept-Language": f"{lang},en;q=0.3"})


def desk(new_page: Any, site: Any, lang: str, name: str, role: str, byline: str, slug: str) -> Any:
    site.user(name, role, display_name=byline)
    page = phone(new_page, lang)
    browser_sign_in(page, site, name, role)
    page.goto(f"{site.url}/desk/{slug}")
    page.wait_for_selector(READY)
    return page


def entries_of(site: Any, slug: str) -> list[dict[str, Any]]:
    return site.client.get(f"/api/blogs/{slug}").json()["entries"]  # type: ignore[no-any-return]


def newest(site: Any, slug: str, text: str) -> dict[str, Any]:
    return next(e for e in entries_of(site, slug) if e["status"] == "published" and text in e["body_html"])


def post(page: Any, body: str, *, supersedes: int | None = None, translation_of: str = "") -> None:
    """Write an update in the compose box and post it; it is published once the desk's list shows it."""
    if supersedes is not None:
        page.click(f"#desk-entry-{supersedes} a.supersede")  # ticks it in the Supersedes picker
        expect(page.locator(f"input[name=supersedes][value='{supersedes}']")).to_be_checked()
    page.fill("#body", body)
    if translation_of:
        page.fill("#translation_of", translation_of)
    page.click("#send")
    expect(page.locator("#desk-entries")).to_contain_text(body[:40], timeout=LIVE)
    expect(page.locator("#outbox")).to_be_hidden(timeout=LIVE)


def in_russian(page: Any) -> None:
    """A desk page with no English word (the correct and withdraw forms; the blog's desk is checked each step)."""
    assert page.get_attribute("html", "lang") == "ru"
    assert not (found := leftovers(page.content(), "ru", [*TYPED.values(), *LOGINS])), found


def correct(page: Any, site: Any, slug: str, entry_id: int, body: str, note: str) -> None:
    page.goto(f"{site.url}/desk/{slug}")
    page.click(f"#desk-entry-{entry_id} a[href$='/correct']")
    in_russian(page)
    page.fill("#body", body)
    page.fill("#note", note)
    page.click("form.desk-form button[type=submit]")
    page.wait_for_url(re.compile(r".*done=corrected.*"))


def withdraw(page: Any, site: Any, slug: str, entry_id: int, note: str) -> None:
    page.goto(f"{site.url}/desk/{slug}")
    page.click(f"#desk-entry-{entry_id} a[href$='/withdraw']")
    in_russian(page)
    page.fill("#note", note)
    page.click("form.desk-form button[type=submit]")
    page.wait_for_url(re.compile(r".*done=withdrawn.*"))


def feed_texts(site: Any) -> list[tuple[str, str]]:
    """Every field of the Russian blog's JSON Feed and Atom that a person reads, as (where, HTML or text)."""
    feed = site.client.get(f"/blogs/{RU}/feed.json").json()
    texts = [("json title", feed["title"]), ("json description", feed.get("description", ""))]
    for item in feed["items"]:
        for name in ("title", "summary", "content_text", "content_html"):
            texts.append((f"json {item['id']} {name}", item.get(name, "")))
        texts.extend((f"json {item['id']} author", a["name"]) for a in item.get("authors", []))
    root = ET.fromstring(site.client.get(f"/blogs/{RU}/feed.atom").content)
    for element in root.iter():
        tag = element.tag.removeprefix(ATOM)
        if tag in ("title", "subtitle", "summary", "content", "name", "rights") and element.text:
            texts.append((f"atom {tag}", element.text))
    return texts


def pages_of_the_russian_blog(site: Any) -> list[tuple[str, str]]:
    """The Russian blog's pages as a browser is served them: the page, its older page, every entry's page."""
    def get(path: str) -> str:
        r = httpx.get(site.url + path, headers={"Accept": "text/html", "Accept-Language": "ru"})
        assert r.status_code == 200, (path, r.status_code)
        return r.text

    paths = [f"/blogs/{RU}", *(f"/blogs/{RU}/entries/{e['id']}" for e in entries_of(site, RU))]
    served = [(path, get(path)) for path in paths]
    older = re.search(rf'href="(/blogs/{RU}\?before=\d+)" rel="next"', served[0][1])
    return served + ([(older[1], get(older[1]))] if older else [])


def nothing_english_on_the_russian_side(site: Any, reader: Any, russian_desk: Any, step: str) -> None:
    typed = [*TYPED.values(), *LOGINS]
    for page in (reader, russian_desk):
        page.wait_for_selector(READY)  # until the scripts' catalog arrives, their strings are their msgids
    found = [f"reader page (live): {w!r}" for w in leftovers(reader.content(), "ru", typed)]
    found += [f"desk: {w!r}" for w in leftovers(russian_desk.content(), "ru", typed)]
    for path, html in pages_of_the_russian_blog(site):
        found += [f"{path}: {w!r}" for w in leftovers(html, "ru", typed)]
    for where, text in feed_texts(site):  # HTML or plain text: the same rule reads both
        found += [f"{where}: {w!r}" for w in leftovers(text, "ru", typed)]
    assert not found, f"English on the Russian side after {step}:\n" + "\n".join(found)
    for page in (reader, russian_desk):
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{page.url} fits the phone"


@dataclass
class Day:
    """The site and the phones open all day: the Russian reader's, the Russian correspondent's desk, the English
    editor's desk, and an English reader's."""

    site: Any
    reader: Any
    sasha: Any
    emma: Any
    english: Any

    def check(self, step: str) -> None:
        nothing_english_on_the_russian_side(self.site, self.reader, self.sasha, step)


def test_a_russian_blog_and_its_english_translation_run_a_day(site_with, new_page):
    site = site_with(page_size=3)  # so the day fills an older page
    site.blog(RU, title="Пожар на складе", summary="Хроника дня", language="ru")
    site.blog(EN, title="Warehouse fire", summary="The day as it happens", language="en")
    site.blog(KK, title="Алматы күні", language="kk")
    site.blog(AR, title="يوم في القاهرة", language="ar")

    reader = phone(new_page, "ru")
    reader.goto(f"{site.url}/blogs/{RU}")
    reader.wait_for_selector("#status.live")
    reader.evaluate("window.notReloaded = true")
    sasha = desk(new_page, site, "ru", "sasha", "correspondent", "Саша Лебедева", RU)
    assert sasha.get_attribute("html", "lang") == "ru" and sasha.inner_text("#send") == "Опубликовать"
    emma = desk(new_page, site, "en", "emma", "editor", "Emma Ward", EN)
    assert emma.inner_text("#send") == "Post update"
    day = Day(site, reader, sasha, emma, phone(new_page, "en"))

    first, translated = first_update_and_its_translation(day)
    a_correction_after_the_translation(day, first, translated)
    a_toll_superseded_and_translated(day)
    a_rumour_withdrawn(day)
    the_original_corrected_again(day, first, translated)
    assert reader.evaluate("window.notReloaded") is True, "the reader saw the whole day without reloading"
    for text in (TYPED["corrected again"], TYPED["newer toll"], TYPED["why"]):
        expect(reader.locator("#entries")).to_contain_text(text)
    assert any("?before=" in path for path, _ in pages_of_the_russian_blog(site)), "an older page was checked"

    kazakh_and_arabic_desks(site, new_page)


def first_update_and_its_translation(day: Day) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first update reaches the open reader page; text that is no address is refused in Russian at the
    "Translation of" field; the English editor translates the update, and the Russian page lists it."""
    post(day.sasha, TYPED["update"])
    expect(day.reader.locator("#entries")).to_contain_text(TYPED["update"], timeout=LIVE)
    first = newest(day.site, RU, TYPED["update"])
    day.check("the first update")
    day.sasha.fill("#translation_of", "moskva 1")
    day.sasha.fill("#body", TYPED["toll"])
    day.sasha.click("#send")
    expect(day.sasha.locator("#translation_of-problem")).to_have_text("Перевод обновления: не адрес обновления")
    in_russian(day.sasha)
    day.sasha.fill("#translation_of", "")
    day.sasha.fill("#body", "")
    post(day.emma, ENGLISH["update"], translation_of=f"{day.site.url}/blogs/{RU}/entries/{first['id']}")
    translated = newest(day.site, EN, "Varshavskoye")
    assert translated["translation_of"]["id"] == first["id"]
    expect(day.reader.locator(f"#entry-{first['id']} p.translations")).to_have_text("Переводы: английский",
                                                                                      timeout=LIVE)
    day.check("its translation")
    return first, translated


def a_correction_after_the_translation(day: Day, first: dict[str, Any], translated: dict[str, Any]) -> None:
    """Corrected with a note after it was translated: the English entry says its original was corrected since
    and links the correction's note."""
    correct(day.sasha, day.site, RU, first["id"], TYPED["corrected"], TYPED["note"])
    expect(day.reader.locator(f"#entry-{first['id']}")).to_contain_text(TYPED["note"], timeout=LIVE)
    day.english.goto(f"{day.site.url}/blogs/{EN}")
    entry = day.english.locator(f"#entry-{translated['id']}")
    expect(entry.locator("p.translation-of")).to_have_text(
        f"Translated from Russian: the {first['time_gmt']} update")
    lag = entry.locator("p.original-corrected a")
    expect(lag).to_have_text(re.compile(r"\d\d:\d\d GMT"))
    lag.click()
    day.english.wait_for_url(re.compile(rf".*/blogs/{RU}/entries/{first['id']}#entry-{first['id']}-correction-1$"))
    expect(day.english.locator(f"#entry-{first['id']}-correction-1")).to_contain_text(TYPED["note"])
    day.check("the correction")


def a_toll_superseded_and_translated(day: Day) -> None:
    post(day.sasha, TYPED["toll"])
    toll = newest(day.site, RU, TYPED["toll"])
    post(day.sasha, TYPED["newer toll"], supersedes=toll["id"])
    newer = newest(day.site, RU, TYPED["newer toll"])
    expect(day.reader.locator(f"#entry-{toll['id']}")).to_contain_text("Заменено", timeout=LIVE)
    day.check("the superseding update")
    post(day.emma, ENGLISH["newer toll"], translation_of=f"/blogs/{RU}/entries/{newer['id']}")
    expect(day.reader.locator(f"#entry-{newer['id']} p.translations")).to_be_visible(timeout=LIVE)


def a_rumour_withdrawn(day: Day) -> None:
    post(day.sasha, TYPED["rumour"])
    rumour = newest(day.site, RU, TYPED["rumour"])
    withdraw(day.sasha, day.site, RU, rumour["id"], TYPED["why"])
    expect(day.reader.locator(f"#entry-{rumour['id']}")).to_contain_text(TYPED["why"], timeout=LIVE)
    day.check("the withdrawal")


def the_original_corrected_again(day: Day, first: dict[str, Any], translated: dict[str, Any]) -> None:
    """The translation links each correction made since it was published, the later one too."""
    correct(day.sasha, day.site, RU, first["id"], TYPED["corrected again"], TYPED["note again"])
    day.english.goto(f"{day.site.url}/blogs/{EN}")
    links = day.english.locator(f"#entry-{translated['id']} p.original-corrected a")
    expect(links).to_have_count(2)
    expect(links.last).to_have_attribute("href", f"/blogs/{RU}/entries/{first['id']}#entry-{first['id']}-correction-2")
    day.check("the second correction")


def kazakh_and_arabic_desks(site: Any, new_page: Any) -> None:
    """A correspondent who chooses Kazakh on the desk's language picker posts to the Kazakh blog; one whose
    browser asks for Arabic posts a key event to the Arabic blog, whose page reads right to left."""
    aigerim = desk(new_page, site, "en", "aigerim", "correspondent", "Айгерім", KK)
    aigerim.select_option("#desk-language", "kk")
    aigerim.click(".language button")
    aigerim.goto(f"{site.url}/desk/{KK}")
    aigerim.wait_for_selector(READY)
    assert aigerim.get_attribute("html", "lang") == "kk"
    post(aigerim, KAZAKH)
    assert not (found := leftovers(aigerim.content(), "kk", [KAZAKH, *LOGINS])), found

    nour = desk(new_page, site, "ar", "nour", "correspondent", "نور", AR)
    assert nour.get_attribute("html", "dir") == "rtl"
    nour.check("#key_event")
    post(nour, ARABIC)
    assert not (found := leftovers(nour.content(), "ar", [ARABIC, *LOGINS])), found
    for page in (aigerim, nour):
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{page.url} fits the phone"

    reader = phone(new_page, "ar")
    reader.goto(f"{site.url}/blogs/{AR}")
    reader.wait_for_selector(READY)
    assert reader.get_attribute("html", "dir") == "rtl"
    assert reader.evaluate("getComputedStyle(document.body).direction") == "rtl"
    right_to_left(reader)
    reads_left_to_right(reader, "#fingerprint")
    assert not (found := leftovers(reader.content(), "ar", [ARABIC, "نور"])), found


GROUPS = """selector => { const text = document.querySelector(selector).firstChild, found = [], re = /\\S+/g;
    for (let m = re.exec(text.data); m; m = re.exec(text.data)) {
        const range = document.createRange();
        range.setStart(text, m.index);
        range.setEnd(text, m.index + m[0].length);
        const box = range.getBoundingClientRect();
        found.push([Math.round(box.top), box.left]);
    }
    return found; }"""


def reads_left_to_right(page: Any, selector: str) -> None:
    """The groups of a code (the site key's fingerprint) stand in their order, left to right, line by line."""
    # whether the bidi algorithm reorders the groups depends on the key (a group may start with a letter or a
    # digit), so the code must also be set apart as left to right whatever its groups are
    style = page.evaluate("s => { const c = getComputedStyle(document.querySelector(s)); "
                          "return [c.direction, c.unicodeBidi]; }", selector)
    assert style == ["ltr", "isolate"], f"{selector} is not set apart as left to right: {style}"
    groups = page.evaluate(GROUPS, selector)
    assert len(groups) > 1
    assert groups == sorted(groups), f"{selector} reads out of order in a right-to-left page: {groups}"
