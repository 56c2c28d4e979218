"""What people write may hold words longer than a phone is wide (a long address, a headline or a title with no
spaces): at 390 px every page still fits the screen, the reader page, the embed, the front page, the desk and
the editor's queue; the long words wrap, left to right and right to left."""

from __future__ import annotations

import pytest

from desk import browser_sign_in

URL = "https://example.org/" + "a" * 180 + "?q=1"
HEADLINE = "Ж" * 120
TITLE = "Всеобщаязабастовка" * 10


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide"


@pytest.mark.parametrize("language", ["ru", "ar"])
def test_long_words_wrap_on_a_phone(site, page, language):
    site.blog("strike", title=TITLE, language=language)
    site.entry("strike", f"Source: {URL} and more", headline=HEADLINE)
    for path in ("/", "/blogs/strike", "/blogs/strike/embed"):
        page.goto(site.url + path)
        fits(page)
    browser_sign_in(page, site, "eda", "editor")
    fits(page)
    site.user("aigul", "contributor", display_name="Айгуль" * 20)
    r = site.post("strike", f"Filed from the square {URL}", as_="aigul", headline="Щ" * 300)
    assert r.status_code == 202, r.text
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector("#desk-queue li.queued")
    fits(page)
