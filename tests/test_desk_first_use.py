"""What a new user found wrong at the desk (issue 15), each pinned in Chromium at 390x844 or over HTTP.

Pins: a photo chosen but not "added" goes with the update when Post is tapped, and one that cannot go (over the
limit) holds the update with the photo's message; the preview of `- a` / `- b` is the list the reader page
shows, the same HTML; a refused desk form names the label people see (Address, Update…), not the field's
internal name, right under that field with the typed text; the Supersedes picker is the form's size and colour
with its disclosure arrow; the desk list reads "so far. (superseded)"; a text of spaces is not posted silently,
and a counter says how many characters are left before the limit (screen readers hear it only near the limit);
in the dark scheme (and the light) the danger buttons read at WCAG AA's 4.5:1 or more.
"""

from __future__ import annotations

import io
import re

from PIL import Image

from desk import ITEMS, browser_sign_in, open_desk, outbox, published, signed_in, wait_for
from test_reader_accessibility import COLOURS, contrast

OUTBOX_EMPTY = f"() => !document.querySelector('{ITEMS}')"


def small_jpeg(path) -> str:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_photo_chosen_but_not_added_goes_with_the_update(site, page, tmp_path):
    open_desk(page, site)
    page.set_input_files("#photo", small_jpeg(tmp_path / "square.jpg"))
    page.fill("#caption", "The square at noon")
    page.fill("#body", "Crowds fill the square.")
    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 1)
    page.wait_for_function(OUTBOX_EMPTY)
    [entry] = published(site)
    assert entry["body"].startswith("Crowds fill the square.\n\n![The square at noon](/media/"), entry["body"]
    assert '<img src="/media/' in entry["body_html"]
    assert page.input_value("#body") == "" and page.evaluate("document.getElementById('photo').files.length") == 0


def test_a_photo_that_cannot_go_holds_the_update_and_says_why(site_with, page, tmp_path):
    site = site_with(max_upload_bytes=1_000_000)
    open_desk(page, site)
    huge = tmp_path / "IMG_0003.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + b"\x00" * 1_500_000)
    page.set_input_files("#photo", str(huge))
    page.fill("#body", "Crowds fill the square.")
    page.click("#send")
    page.wait_for_function("() => document.getElementById('photo-status').textContent.includes('limit')")
    assert page.evaluate("document.activeElement.id") == "photo", "the person is taken to the photo"
    assert page.input_value("#body") == "Crowds fill the square." and outbox(page) == []
    assert published(site) == []


def test_the_preview_is_the_published_html(site, page):
    open_desk(page, site)
    body = "Closed today:\n- **ports**\n- rail, see https://example.org/rail\n\n1. first\n2. second"
    page.fill("#body", body)
    assert page.locator("#preview ul > li").count() == 2 and page.locator("#preview ol > li").count() == 2
    shown = page.inner_html("#preview")
    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 1)
    assert shown == published(site)[0]["body_html"]


def error_after(html: str, field: str) -> str:
    """The message shown right after the field (and nowhere above the form); the field points at it."""
    tag = re.search(rf'<(?:input|textarea) id="{field}"[^>]*>', html)
    assert tag and 'aria-invalid="true" aria-describedby="error"' in tag.group(), field
    assert html.count('id="error"') == 1
    after = html[tag.end():].split("</textarea>", 1)[-1] if tag.group().startswith("<textarea") else html[tag.end():]
    found = re.match(r'\s*<p class="error field-error" role="alert" id="error">([^<]*)</p>', after)
    assert found, html[tag.end():tag.end() + 300]
    return found.group(1)


def test_a_refused_form_names_the_label_at_the_field(site):
    site.blog("strike")
    editor, csrf = signed_in(site, "eda", "editor")
    r = editor.post("/desk/blogs", data={"csrf": csrf, "slug": "Bad Slug!", "title": "Kept title"})
    assert r.status_code == 422 and 'value="Kept title"' in r.text and 'value="Bad Slug!"' in r.text
    assert error_after(r.text, "slug").startswith("Address: ") and "slug:" not in r.text
    r = editor.post("/desk/blogs", data={"csrf": csrf, "slug": "strike", "title": "Again"})
    assert r.status_code == 409
    assert error_after(r.text, "slug") == "Address: a blog at /blogs/strike already exists; choose another."
    r = editor.post("/desk/strike/entries", data={"csrf": csrf, "headline": "Kept", "body": "  \n "})
    assert r.status_code == 422 and error_after(r.text, "body") == "Update: is required"
    entry = site.entry("strike", "Police fired tear gas.", as_="eda")
    url = f"/desk/strike/entries/{entry['id']}"
    r = editor.post(url + "/correct", data={"csrf": csrf, "body": "Water cannon.", "note": " "})
    assert r.status_code == 422 and error_after(r.text, "note") == "Correction note: is required"
    assert ">Water cannon.</textarea>" in r.text
    r = editor.post(url + "/withdraw", data={"csrf": csrf, "note": ""})
    assert r.status_code == 422 and error_after(r.text, "note") == "Why it is withdrawn: is required"
    editor.close()


def test_a_taken_address_is_refused_at_its_field_in_the_browser(site, page):
    site.blog("strike")
    browser_sign_in(page, site, "chief", "editor")
    page.fill("#title", "Strike again")
    page.fill("#slug", "Strike")
    assert page.evaluate("document.getElementById('slug').checkValidity()") is False, "checked before sending"
    page.fill("#slug", "strike")
    page.click("form[action='/desk/blogs'] button[type=submit]")
    page.wait_for_selector("#slug[aria-invalid=true]")
    assert page.input_value("#slug") == "strike" and page.input_value("#title") == "Strike again"
    message = page.locator("#slug + #error")
    assert message.inner_text() == "Address: a blog at /blogs/strike already exists; choose another."
    assert page.locator("#error").count() == 1


def test_the_picker_looks_like_the_form_and_superseded_has_its_space(site, page):
    open_desk(page, site)
    old = site.entry("strike", "Ten arrested so far.", as_="amal")
    site.entry("strike", "Twelve arrested now.", supersedes=[old["id"]], as_="amal")
    page.reload()
    assert "so far. (superseded)" in page.inner_text(f"#desk-entry-{old['id']} .line")
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.querySelector('details.supersedes summary'));
        const form = getComputedStyle(document.getElementById('headline'));
        return {size: s.fontSize, colour: s.color, display: s.display, formSize: form.fontSize,
                text: getComputedStyle(document.body).color};
    }""")
    assert style["display"] == "list-item", "a summary keeps its disclosure arrow only as a list item"
    assert style["size"] == style["formSize"] == "16px" and style["colour"] == style["text"], style
    box = page.locator("details.supersedes summary").bounding_box()
    assert box and box["height"] >= 44


def test_an_empty_text_is_refused_at_the_field_and_a_counter_nears_the_limit(site, page):
    open_desk(page, site)
    assert page.inner_text("#body-count") == "20000 characters left"
    page.fill("#body", "   \n  ")
    page.click("#send")
    assert page.inner_text("#body-problem") == "Write the update first: it has no text."
    assert page.get_attribute("#body", "aria-invalid") == "true"
    assert "body-problem" in (page.get_attribute("#body", "aria-describedby") or "")
    assert page.evaluate("document.activeElement.id") == "body" and outbox(page) == []
    page.fill("#body", "x" * 19_990)
    assert page.is_hidden("#body-problem") and page.inner_text("#body-count") == "10 characters left"
    # a long text's preview follows once typing pauses (rendered on every key, it made the box lag)
    preview_length = "document.getElementById('preview').textContent.length"
    for _ in range(50):
        if page.evaluate(preview_length) == 19_990:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(preview_length) == 19_990
    assert page.text_content("#body-count-news") == "10 characters left."
    assert page.get_attribute("#body-count-news", "aria-live") == "polite"
    page.type("#body", "yy")
    assert page.inner_text("#body-count") == "8 characters left"
    assert page.text_content("#body-count-news") == "10 characters left.", "not news on every keystroke"
    page.fill("#body", "x" * 20_001)
    assert page.inner_text("#body-count") == "1 character over the limit"
    page.click("#send")
    assert page.inner_text("#body-problem") == "The update is 1 character over the limit of 20000: shorten it."
    page.wait_for_timeout(300)
    assert outbox(page) == [] and published(site) == []


def test_danger_buttons_pass_wcag_aa_in_both_schemes(site, new_page):
    site.blog("strike")
    for scheme in ("dark", "light"):
        page = new_page(color_scheme=scheme)
        browser_sign_in(page, site, "amal")
        if scheme == "dark":
            site.entry("strike", "Mine to withdraw.", as_="amal")
        page.goto(site.url + "/desk/strike")
        found = page.evaluate(COLOURS, ".actions .button.danger")
        assert found, "the Withdraw button is on the page"
        ratio = contrast(found["fg"], found["bg"])
        assert ratio >= 4.5, f"{scheme}: {ratio:.2f} ({found})"
        page.close()
