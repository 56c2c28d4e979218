"""The scripts speak the page's language in Chromium: Russian's three plural forms (1 / 2 to 4 / 5+, with 21 singular
again, 11 not) from the catalog's JSON through Intl.PluralRules, for "N new updates" on the reader page and
"N waiting" in the desk's outbox, each also seen for real (two updates behind the button, one post waiting
offline); an Arabic blog reads right to left with its times still reading "17:54 GMT" (the README's screenshots
are made by scripts/screenshots.py)."""

from __future__ import annotations

import re

import pytest

from desk import browser_sign_in, post, waiting
from test_i18n_pages import CONTENT, PSEUDO, leftovers, pseudo_locale  # noqa: F401 (the fixture, used by name)

NUMBERS = [1, 2, 5, 11, 21, 22, 25]
NEW_UPDATES = {1: "1 новое обновление", 2: "2 новых обновления", 5: "5 новых обновлений", 11: "11 новых обновлений",
               21: "21 новое обновление", 22: "22 новых обновления", 25: "25 новых обновлений"}
WAITING = {1: "1 обновление ждёт", 2: "2 обновления ждут", 5: "5 обновлений ждут", 11: "11 обновлений ждут",
           21: "21 обновление ждёт", 22: "22 обновления ждут", 25: "25 обновлений ждут"}
READY = "html[data-catalog-ready]"
TEXTS = {
    "ru": ("Забастовка в депо", "Водители автобусов не вышли на смену. Депо закрыты с утра."),
    "kk": ("Деподағы ереуіл", "Автобус жүргізушілері жұмысқа шықпады. Таңертеңнен бері депо жабық."),
    "ar": ("إضراب في المستودعات", "لم يحضر سائقو الحافلات إلى نوبات عملهم. المستودعات مغلقة منذ الصباح."),
    "en": ("Depot strike", "Bus drivers did not turn up for their shifts. The depots have been shut since morning."),
}


def test_new_updates_in_russian_take_the_cldr_form_for_each_number(site, page):
    site.blog("strike", title=TEXTS["ru"][0], language="ru")
    for n in range(12):
        site.entry("strike", f"{n}. " + TEXTS["ru"][1] * 4)
    page.goto(f"{site.url}/blogs/strike")
    page.wait_for_selector(READY)
    page.wait_for_selector("#status.live")
    assert page.text_content("#status") == "В эфире"
    said = page.evaluate("""ns => ns.map(n => I18n.format(I18n.ngettext("%(n)s new update", "%(n)s new updates", n),
                                                           {n: n}))""", NUMBERS)
    assert said == [NEW_UPDATES[n] for n in NUMBERS]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    for _ in range(2):
        site.entry("strike", TEXTS["ru"][1])
    page.wait_for_selector(f"#new-updates:has-text('{NEW_UPDATES[2]}')")
    assert page.inner_text("#entries article .ago") in ("только что", "сейчас")


def test_waiting_in_russian_takes_the_cldr_form_for_each_number(site, page):
    site.blog("strike", language="en")  # the desk follows the person, not the blog
    page.context.set_extra_http_headers({"Accept-Language": "ru-RU,ru;q=0.9"})
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector(READY)
    assert page.get_attribute("html", "lang") == "ru" and page.inner_text("#send") == "Опубликовать"
    summaries = page.evaluate("""ns => ns.map(n => DeskCore.outboxTexts(n, "will send when online", false).summary)""",
                              NUMBERS)
    assert summaries == [f"{WAITING[n]} — отправится, когда появится связь" for n in NUMBERS]
    page.context.set_offline(True)
    post(page, TEXTS["ru"][1])
    waiting(page, 1)
    assert page.inner_text("#outbox-summary") == f"{WAITING[1]} — отправится, когда появится связь"
    page.context.set_offline(False)


def test_arabic_reads_right_to_left_and_the_others_left_to_right(site, page):
    for lang, (title, body) in TEXTS.items():
        slug = f"strike-{lang}"
        site.blog(slug, title=title, summary=body.split(".")[0], language=lang)
        first = site.entry(slug, body, key_event=True)
        site.entry(slug, body.split(".")[1] + ".", supersedes=[first["id"]], headline=title)
        page.goto(f"{site.url}/blogs/{slug}")
        page.wait_for_selector(READY)
        page.wait_for_selector("#status.live")
        direction = page.evaluate("getComputedStyle(document.body).direction")
        assert direction == ("rtl" if lang == "ar" else "ltr")
        if lang == "ar":
            right_to_left(page)


def right_to_left(page) -> None:
    """The key events' numbers sit on the right, each update starts at the right and its time reads "hh:mm GMT"."""
    padding = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.key-events ol'));
        return [s.paddingLeft, s.paddingRight]; }""")
    assert padding[0] == "0px" and padding[1] != "0px"
    time = page.locator("#entries article .time time").first
    # the catalog isolates the time (U+2066 … U+2069), so "17:54 GMT" is not turned into "GMT 17:54"
    assert re.fullmatch("تحديث \u2066\\d\\d:\\d\\d GMT\u2069", time.inner_text()), time.inner_text()
    edges = page.evaluate("""() => [document.querySelector('#entries article .time').getBoundingClientRect().right,
        document.querySelector('#entries article').getBoundingClientRect().right]""")
    assert abs(edges[0] - edges[1]) < 40, "the update's time starts at the right-hand edge"


@pytest.mark.usefixtures("pseudo_locale")
def test_the_outbox_speaks_only_catalog_words_in_the_pseudo_locale(site, page):
    """The desk's script-made states (waiting offline, being edited) in the pseudo-locale: every visible word
    comes from the catalog's JSON, bracketed (test_i18n_pages checks the server's pages the same way)."""
    site.blog("strike", title=CONTENT["title"])
    browser_sign_in(page, site, "amal")
    page.select_option("#desk-language", PSEUDO)
    page.click(".language button")
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector(READY)
    page.context.set_offline(True)
    post(page, CONTENT["body"])
    waiting(page, 1)
    assert page.inner_text("#outbox-summary") == "⟦1 waiting⟧ — ⟦will send when online⟧"
    page.locator("#outbox-items li button.edit").click()
    page.wait_for_selector("#cancel-edit", state="visible")
    assert not leftovers(page.content(), PSEUDO)
    page.context.set_offline(False)
