"""The live page agrees with a fresh load of it on every entry, waiting updates included (Chromium, 390x844).

Pins: while a reader is scrolled down, new updates wait behind the "N new updates" button; anything that happens
meanwhile (a later update superseding a waiting one, a correction or a withdrawal of a waiting one, a waiting update
superseding one already shown) is on the page once the reader reveals them, each entry with exactly the lines a fresh
load of the page gives it: superseded by, supersedes, corrected, withdrawn. An update already shown says at once
that a waiting one supersedes it (its figure is out of date now, as a correction of it would say at once), linking
to the waiting update's own page; the waiting update itself shows nothing until the reader asks for it. An update
superseded three times lists its successors as the server does ("A, B and C"); a line added live stands where the
server puts it (before a translation's "Translated from").
"""

from __future__ import annotations

from typing import Any

from test_reader_live import SOON, open_live

# Each entry's state as the reader sees it: its links to other updates, its corrections, its withdrawal.
STATE = """els => els.map(el => {
    const lines = sel => [...el.querySelectorAll(sel)].map(p => ({
        text: p.textContent.replace(/\\s+/g, " ").trim(),
        links: [...p.querySelectorAll("a")].map(a => a.getAttribute("href")),
    }));
    return {
        id: el.id,
        revision: el.getAttribute("data-revision"),
        classes: [...el.classList].filter(c => c !== "fresh").sort(),
        body: lines(".body"),
        superseded_by: lines(".superseded-by"),
        supersedes: lines(".supersedes"),
        corrected: lines(".correction .note"),
        withdrawn: lines(".tombstone"),
    };
})"""


def entries(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all("#entries > article", STATE)  # type: ignore[no-any-return]


def scrolled_down(site: Any, page: Any) -> None:
    """A reader halfway down a blog of fifteen long updates: new ones wait behind the button."""
    site.blog("strike")
    for n in range(15):
        site.entry("strike", f"Update number {n}. " + "A longer paragraph of reporting. " * 6)
    open_live(page, site)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")


def waiting(page: Any, n: int) -> None:
    """The stream has brought n waiting updates (and, being in order, everything sent before the last)."""
    text = f"{n} new update" + ("s" if n > 1 else "")
    page.wait_for_selector(f"#new-updates:has-text('{text}')", timeout=SOON)


def reveal_and_compare(page: Any, new_page: Any, site: Any) -> list[dict[str, Any]]:
    """Show the waiting updates; the live page must then agree with a fresh load on every entry."""
    page.click("#new-updates")
    page.wait_for_selector("#new-updates", state="hidden", timeout=SOON)
    live = entries(page)
    fresh_page = new_page()
    fresh_page.goto(f"{site.url}/blogs/strike")
    fresh = entries(fresh_page)
    assert live[:len(fresh)] == fresh
    return live


def by_id(found: list[dict[str, Any]], entry: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in found if e["id"] == f"entry-{entry['id']}")


def href(entry: dict[str, Any]) -> str:
    return f"/blogs/strike/entries/{entry['id']}"


def test_a_waiting_update_superseded_meanwhile_points_at_its_successor(site, page, new_page):
    scrolled_down(site, page)
    fifty = site.entry("strike", "Death toll 50.")
    waiting(page, 1)
    seventy = site.entry("strike", "Death toll 70.", supersedes=[fifty["id"]])
    waiting(page, 2)
    live = reveal_and_compare(page, new_page, site)
    assert by_id(live, fifty)["superseded_by"] == [
        {"text": f"Superseded by the {seventy['time_gmt']} update", "links": [href(seventy)]}]
    assert by_id(live, seventy)["supersedes"] == [
        {"text": f"Supersedes the {fifty['time_gmt']} update", "links": [href(fifty)]}]


def test_a_correction_of_a_waiting_update_is_shown_with_it(site, page, new_page):
    scrolled_down(site, page)
    hurt = site.entry("strike", "Ten people were hurt.")
    waiting(page, 1)
    r = site.client.post(f"/api/blogs/strike/entries/{hurt['id']}/corrections",
                         json={"body": "Twelve people were hurt.", "note": "Hospital revised the figure."},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    site.entry("strike", "Later report.")
    waiting(page, 2)
    live = reveal_and_compare(page, new_page, site)
    assert by_id(live, hurt)["body"][0]["text"] == "Twelve people were hurt."
    assert by_id(live, hurt)["corrected"][0]["text"].endswith("Hospital revised the figure.")


def test_a_withdrawal_of_a_waiting_update_is_shown_with_it(site, page, new_page):
    scrolled_down(site, page)
    claim = site.entry("strike", "An unverified claim.")
    waiting(page, 1)
    r = site.client.post(f"/api/blogs/strike/entries/{claim['id']}/retraction",
                         json={"note": "Could not be verified."}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    site.entry("strike", "Later report.")
    waiting(page, 2)
    live = reveal_and_compare(page, new_page, site)
    assert "retracted" in by_id(live, claim)["classes"]
    assert by_id(live, claim)["withdrawn"][0]["text"].endswith("Could not be verified.")


def test_a_withdrawn_waiting_update_keeps_pointing_at_what_it_superseded(site, page, new_page):
    scrolled_down(site, page)
    fifty = site.entry("strike", "Death toll 50.")
    seventy = site.entry("strike", "Death toll 70.", supersedes=[fifty["id"]])
    waiting(page, 2)
    r = site.client.post(f"/api/blogs/strike/entries/{seventy['id']}/retraction",
                         json={"note": "Wrong hospital."}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    site.entry("strike", "Later report.")
    waiting(page, 3)
    live = reveal_and_compare(page, new_page, site)
    assert by_id(live, fifty)["superseded_by"][0]["links"] == [href(seventy)]


def test_a_shown_update_says_at_once_that_a_waiting_one_supersedes_it(site, page, new_page):
    site.blog("strike")
    fifty = site.entry("strike", "Death toll 50.")
    for n in range(15):
        site.entry("strike", f"Update number {n}. " + "A longer paragraph of reporting. " * 6)
    open_live(page, site)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    seventy = site.entry("strike", "Death toll 70.", supersedes=[fifty["id"]])
    waiting(page, 1)
    assert page.query_selector(f"#entries #entry-{seventy['id']}") is None, "the waiting update shows nothing"
    assert by_id(entries(page), fifty)["superseded_by"] == [
        {"text": f"Superseded by the {seventy['time_gmt']} update", "links": [href(seventy)]}]
    # the shown update corrected meanwhile: the server's copy of it says the same
    r = site.client.post(f"/api/blogs/strike/entries/{fifty['id']}/corrections",
                         json={"body": "Death toll 55.", "note": "Recount."}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    page.wait_for_selector(f"#entry-{fifty['id']} .correction", timeout=SOON)
    assert by_id(entries(page), fifty)["superseded_by"][0]["links"] == [href(seventy)]
    live = reveal_and_compare(page, new_page, site)
    assert by_id(live, seventy)["supersedes"][0]["links"] == [href(fifty)]


def test_a_waiting_update_superseded_then_corrected_keeps_both_lines(site, page, new_page):
    scrolled_down(site, page)
    fifty = site.entry("strike", "Death toll 50.")
    seventy = site.entry("strike", "Death toll 70.", supersedes=[fifty["id"]])
    waiting(page, 2)
    r = site.client.post(f"/api/blogs/strike/entries/{fifty['id']}/corrections",
                         json={"body": "Death toll 55.", "note": "Recount."}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    eighty = site.entry("strike", "Death toll 80.", supersedes=[fifty["id"], seventy["id"]])
    waiting(page, 3)
    live = reveal_and_compare(page, new_page, site)
    assert by_id(live, fifty)["superseded_by"][0]["links"] == [href(seventy), href(eighty)]
    assert by_id(live, seventy)["superseded_by"][0]["links"] == [href(eighty)]


def test_an_update_superseded_three_times_reads_as_a_fresh_load_does(site, page, new_page):
    site.blog("strike")
    first = site.entry("strike", "Death toll 50.")
    open_live(page, site)
    later = [site.entry("strike", f"Death toll {n}.", supersedes=[first["id"]]) for n in (60, 70, 80)]
    page.wait_for_selector(f"#entry-{later[-1]['id']}", timeout=SOON)
    page.wait_for_function(f"document.querySelectorAll('#entry-{first['id']} .superseded-by a').length === 3",
                           timeout=SOON)
    fresh_page = new_page()
    fresh_page.goto(f"{site.url}/blogs/strike")
    assert entries(page) == entries(fresh_page)
    assert by_id(entries(page), first)["superseded_by"][0]["links"] == [href(e) for e in later]


def test_a_translation_superseded_live_has_its_lines_in_the_servers_order(site, page, new_page):
    site.blog("strike")
    site.blog("world")
    original = site.entry("world", "Death toll 50.")
    translated = site.entry("strike", "Число погибших: 50.", translation_of={"blog": "world", "id": original["id"]})
    open_live(page, site)
    later = site.entry("strike", "Death toll 70.", supersedes=[translated["id"]])
    page.wait_for_selector(f"#entry-{later['id']}", timeout=SOON)
    page.wait_for_selector(f"#entry-{translated['id']} .superseded-by", timeout=SOON)
    fresh_page = new_page()
    fresh_page.goto(f"{site.url}/blogs/strike")
    order = "el => [...el.children].map(c => c.className).filter(c => c)"
    assert page.eval_on_selector(f"#entry-{translated['id']}", order) == \
        fresh_page.eval_on_selector(f"#entry-{translated['id']}", order)
    assert entries(page) == entries(fresh_page)
