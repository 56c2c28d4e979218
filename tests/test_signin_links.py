"""An editor adds a person on the desk, on a phone (390x844), and hands over a one-time sign-in link: shown as a
link to copy and as a QR code drawn on the server (no script, the page's strict CSP holds). The QR code,
read back from the screen with a real decoder, is the link, and the link signs the new person in. Without
JavaScript, a refused form comes back with the message at the field and the typed text kept."""

from __future__ import annotations

import io

import httpx
import zxingcpp
from PIL import Image

from desk import browser_sign_in, csrf_of, signed_in


def test_an_editor_adds_a_person_on_a_phone_and_the_qr_code_is_the_link(site, page, new_page):
    site.blog("strike")
    browser_sign_in(page, site, "boss", "editor")
    page.click("a[href='/desk/people']")
    page.fill("#name", "nour")
    page.fill("#display_name", "Nour H.")
    page.select_option("#role", "contributor")
    page.click("#add-person button[type=submit]")
    url = page.input_value("#signin-url")
    assert url.startswith(site.url + "/login#token=lb_")
    qr = page.locator("#signin-qr")
    box = qr.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, "fits the phone"
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert [code.text for code in found] == [url]
    assert "Nour H." in page.inner_text("#person-nour") and "never" in page.inner_text("#person-nour")
    phone = new_page()
    phone.goto(url)
    phone.click("#link-form button[type=submit]")
    phone.wait_for_url(site.url + "/desk")
    page.goto(site.url + "/desk/people")
    assert "never" not in page.inner_text("#person-nour"), "the last sign-in is shown"


def test_a_refused_person_comes_back_with_the_message_at_the_field(site):
    site.blog("strike")
    site.user("amal")
    editor, csrf = signed_in(site, "boss", "editor")
    try:
        r = editor.post("/desk/people", data={"csrf": csrf, "name": "nour", "role": "correspondent",
                                              "display_name": "AMAL"})
        assert r.status_code == 422
        marked = 'aria-invalid="true" aria-describedby="display_name-error" value="AMAL"'
        assert f'id="display_name" name="display_name" {marked}' in r.text
        assert 'id="display_name-error">Byline: reads like a login name' in r.text and 'value="nour"' in r.text
        assert 'id="signin-url"' not in r.text
        again = editor.post("/desk/people", data={"csrf": csrf, "name": "nour", "role": "correspondent"})
        assert again.status_code == 200 and 'id="signin-url"' in again.text
        assert httpx.get(site.url + "/desk/people").status_code == 303, "signed-in editors only"
        assert csrf_of(again.text) == csrf
        renamed = editor.post("/desk/people/amal/byline", data={"csrf": csrf, "display_name": "BOSS"})
        assert renamed.status_code == 422
        assert 'value="BOSS" placeholder="Staff" aria-invalid="true" aria-describedby="byline-error"' in renamed.text
        assert 'id="byline-error">Byline: reads like a login name' in renamed.text
        fine = editor.post("/desk/people/amal/byline", data={"csrf": csrf, "display_name": "A. K."})
        assert fine.status_code == 303 and editor.get("/api/people/amal").json()["display_name"] == "A. K."
    finally:
        editor.close()
