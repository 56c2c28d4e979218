"""A post held in the outbox (refused: it translates an update that does not exist) still reads in the person's
language after a reload on a Russian phone: the outbox is drawn again once the catalog arrives, not left in the
English it was first drawn in."""

from __future__ import annotations

from desk import ITEMS, browser_sign_in, post


def test_a_held_post_reads_russian_after_a_reload(site, new_page):
    page = new_page(locale="ru-RU", service_workers="block")
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    page.wait_for_selector("html[data-catalog-ready]")
    page.fill("#translation_of", "/blogs/strike/entries/999")
    post(page, "Танки у вокзала\n\n![Площадь](/media/square.jpg)")
    page.wait_for_selector(f"{ITEMS} .error")
    page.reload()
    page.wait_for_selector("html[data-catalog-ready]")
    page.wait_for_selector(f"{ITEMS} .error")
    page.wait_for_timeout(300)
    item = page.inner_text(ITEMS)
    buttons = page.locator(f"{ITEMS} button").all_inner_texts()
    assert "filed" not in item and "[photo]" not in item and "GMT" in item, item
    assert "Edit" not in buttons and "Discard" not in buttons, buttons
