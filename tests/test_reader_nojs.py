"""With JavaScript off, a phone browser still gets the whole story.

In headless Chromium at 390x844 with scripts disabled: the title, status, latest update,
key events, every update with its correction (the earlier text opens from <details>),
the tombstone of a withdrawn one, and "Show older updates" leads to the older page.
"""

from __future__ import annotations


def test_page_reads_completely_without_javascript(site_with, new_page):
    site = site_with(page_size=5)
    site.blog("strike", title="General strike", summary="Unions stop the country.")
    first = site.entry("strike", "The first report from the square.")
    for n in range(5):
        site.entry("strike", f"Routine update {n}.")
    key = site.entry("strike", "The president has resigned.", key_event=True)
    fixed = site.entry("strike", "Ten people were hurt.")
    site.client.post(f"/api/blogs/strike/entries/{fixed['id']}/corrections",
                     json={"body": "Twelve people were hurt.", "note": "Hospital revised the figure."},
                     headers=site.headers("editor"))
    gone = site.entry("strike", "An unverified claim.")
    site.client.post(f"/api/blogs/strike/entries/{gone['id']}/retraction", json={"note": "Could not be verified."},
                     headers=site.headers("editor"))

    page = new_page(java_script_enabled=False)
    page.goto(site.url + "/blogs/strike")
    assert page.locator("h1").inner_text() == "General strike"
    assert page.locator("#status").inner_text() == "LIVE"
    assert page.locator("#latest").inner_text().startswith("LATEST UPDATE")
    assert page.locator("#key-events li").inner_text().endswith("The president has resigned.")
    assert page.locator(f"#entry-{key['id']}").is_visible()

    corrected = page.locator(f"#entry-{fixed['id']}")
    assert corrected.locator(".body").inner_text() == "Twelve people were hurt."
    earlier = corrected.locator(".previous")
    assert not earlier.is_visible()
    corrected.locator("summary").click()
    assert earlier.is_visible() and earlier.inner_text() == "Ten people were hurt."

    withdrawn = page.locator(f"#entry-{gone['id']}")
    assert withdrawn.locator(".tombstone").inner_text().endswith("Could not be verified.")
    assert "An unverified claim." not in page.content()
    assert page.locator("#new-updates").is_hidden()

    page.get_by_role("link", name="Show older updates").click()
    page.wait_for_url("**/blogs/strike?before=*")
    assert page.locator(f"#entry-{first['id']}").inner_text().endswith("The first report from the square.")
