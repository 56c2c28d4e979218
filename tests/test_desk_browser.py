"""The desk in headless Chromium at 390x844: sign in, post, correct, supersede, withdraw, add a photo.

Pins: a correspondent signs in through the form and reaches the desk; the compose box fits
the phone's width (360 px too, with touch targets at least 44 px tall); posting with
JavaScript does not reload the page and the update shows on the reader page; Correct
publishes the note readers see; Supersede ticks the entry in the picker and the new update
supersedes it; Withdraw leaves the reader page a tombstone; a
photo carrying EXIF GPS travels as it is (the server is the boundary), is placed in the
text, and is stored without any metadata; a large photo is shrunk on the phone (longest
side 1600 px) before it travels; a photo over the upload limit is refused on the phone with
a clear message and nothing is sent; the Sign out button signs out (with the CSRF token), and the slug
field holds the server's rule. (A photo added with no connection: test_desk_offline_photos.py.)
"""

from __future__ import annotations

import io
import os

from PIL import Image

from desk import browser_sign_in
from test_media import gps_jpeg


def reader(site, new_page, slug: str = "strike"):
    other = new_page()
    other.goto(f"{site.url}/blogs/{slug}")
    return other


def post(page, body: str) -> None:
    page.fill("#body", body)
    page.click("#send")
    page.wait_for_function("() => !document.querySelector('#outbox-items li')")


def test_sign_in_post_and_see_it_on_the_reader_page(site, page, new_page):
    site.blog("strike", title="General strike")
    browser_sign_in(page, site, "amal")
    page.click("text=General strike")
    page.wait_for_url(site.url + "/desk/strike")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    page.evaluate("window.notReloaded = true")
    page.fill("#headline", "Ports shut")
    page.check("#key_event")
    post(page, "Dockers walked out at **six**.")
    assert page.evaluate("window.notReloaded") is True, "posting did not reload the page"
    assert "Ports shut" in page.inner_text("#desk-entries")
    readers = reader(site, new_page)
    article = readers.locator("article.entry").first
    assert "Ports shut" in article.inner_text() and "six" in article.inner_text()
    assert "key event" in article.inner_text().lower()


def test_correct_supersede_and_withdraw_through_the_ui(site, page, new_page):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    post(page, "Two arrested at the square.")
    first = site.client.get("/api/blogs/strike").json()["entries"][0]["id"]
    page.reload()

    page.click(f"#desk-entry-{first} >> text=Correct")
    page.fill("#body", "Twelve arrested at the square.")
    page.fill("#note", "Police now say twelve, not two.")
    page.click("main form.desk-form button[type=submit]")
    page.wait_for_url(site.url + "/desk/strike?done=corrected")
    assert page.inner_text("#desk-notice") == "Correction published"
    readers = reader(site, new_page)
    entry = readers.locator(f"#entry-{first}")
    assert "Twelve arrested" in entry.inner_text() and "Police now say twelve, not two." in entry.inner_text()

    page.click(f"#desk-entry-{first} >> text=Supersede")
    assert page.is_checked(f"input[name=supersedes][value='{first}']")
    post(page, "All detainees released tonight.")
    entries = site.client.get("/api/blogs/strike").json()["entries"]
    newest = next(e for e in entries if e["id"] != first)
    assert newest["supersedes"] == [first]
    readers.reload()
    assert "Superseded by" in readers.locator(f"#entry-{first}").inner_text()

    page.reload()
    page.click(f"#desk-entry-{newest['id']} >> text=Withdraw")
    page.fill("#note", "Not confirmed by families.")
    page.click("main form.desk-form button[type=submit]")
    page.wait_for_url(site.url + "/desk/strike?done=withdrawn")
    assert page.inner_text("#desk-notice") == "Withdrawn"
    readers.reload()
    tomb = readers.locator(f"#entry-{newest['id']}").inner_text()
    assert "Withdrawn" in tomb and "Not confirmed by families." in tomb and "detainees" not in tomb


def test_a_photo_loses_its_gps_on_the_way_in(site, page, new_page, tmp_path):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.add_init_script(WATCH_UPLOADS)
    page.goto(site.url + "/desk/strike")
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(gps_jpeg((1600, 800)))  # no bigger than the server keeps: the phone sends it as it is
    page.set_input_files("#photo", str(photo))
    page.fill("#caption", "Crowd at noon")
    page.click("#add-photo")
    page.wait_for_function("() => document.getElementById('body').value.includes('/media/')")
    assert page.locator("#preview img").count() == 1
    assert uploads(page) == [{"name": "IMG_0001.jpg", "size": photo.stat().st_size}], \
        "the photo with its metadata reached the server, which removed it"
    post(page, page.input_value("#body") + "\nThe square at noon.")
    [name] = site.sql("SELECT id FROM media")[0]
    with open(os.path.join(site.settings.media_path, name), "rb") as f:
        stored = f.read()
    img = Image.open(io.BytesIO(stored))
    assert len(img.getexif()) == 0 and b"Exif" not in stored and max(img.size) == 1600
    readers = reader(site, new_page)
    img_el = readers.locator("article.entry img").first
    assert img_el.get_attribute("src") == f"/media/{name}" and img_el.get_attribute("alt") == "Crowd at noon"
    assert readers.evaluate("document.querySelector('article.entry img').naturalWidth") == 1600


WATCH_UPLOADS = """(() => {
    const real = window.fetch;
    window.uploads = [];
    window.fetch = function (url, options) {
        if (String(url).endsWith("/api/media")) {
            const file = options.body.get("file");
            window.uploads.push({name: file.name, size: file.size});
        }
        return real.apply(this, arguments);
    };
})()"""


def uploads(page) -> list[dict]:
    """The files the page has sent to /api/media (Chromium does not report multipart bodies)."""
    return page.evaluate("window.uploads")  # type: ignore[no-any-return]


def camera_jpeg(size: tuple[int, int]) -> bytes:
    """A photo with the detail of a real one (not a flat colour that compresses to nothing)."""
    small = Image.frombytes("RGB", (size[0] // 10, size[1] // 10), os.urandom(size[0] // 10 * size[1] // 10 * 3))
    out = io.BytesIO()
    small.resize(size, Image.Resampling.BICUBIC).save(out, "JPEG", quality=92)
    return out.getvalue()


def test_a_large_photo_is_shrunk_on_the_phone_before_it_travels(site, page, tmp_path):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.add_init_script(WATCH_UPLOADS)
    page.goto(site.url + "/desk/strike")
    photo = tmp_path / "IMG_0002.jpg"
    photo.write_bytes(camera_jpeg((4000, 3000)))
    page.set_input_files("#photo", str(photo))
    page.click("#add-photo")
    page.wait_for_function("() => document.getElementById('body').value.includes('/media/')")
    [sent] = uploads(page)
    assert sent["size"] < photo.stat().st_size / 4, (sent, photo.stat().st_size)
    [name] = site.sql("SELECT id FROM media")[0]
    with Image.open(os.path.join(site.settings.media_path, name)) as stored:
        assert stored.size == (1600, 1200)


def test_a_photo_over_the_limit_is_refused_on_the_phone(site_with, page, tmp_path):
    site = site_with(max_upload_bytes=1_000_000)
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.add_init_script(WATCH_UPLOADS)
    page.goto(site.url + "/desk/strike")
    huge = tmp_path / "IMG_0003.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + os.urandom(1_500_000))
    page.set_input_files("#photo", str(huge))
    page.click("#add-photo")
    assert page.inner_text("#photo-status") == "This photo is 1.4 MB; the limit is 1 MB. Choose a smaller one."
    page.wait_for_timeout(500)
    assert uploads(page) == [] and page.input_value("#body") == ""


def test_the_compose_box_fits_a_360_px_phone_with_thumb_sized_targets(site, new_page):
    site.blog("strike")
    site.entry("strike", "An earlier update.")
    page = new_page(viewport={"width": 360, "height": 740})
    browser_sign_in(page, site, "amal")
    page.goto(site.url + "/desk/strike")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("getComputedStyle(document.getElementById('body')).fontSize") == "16px", "no zoom on focus"
    for selector in ("#send", "#headline", "#body", "label.toggle", "details.supersedes summary", ".actions .button"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 360, selector


def test_the_sign_out_button_works_and_the_slug_field_holds_the_servers_rule(site, page):
    """Issue 14 (7, 9): sign-out sends the page's CSRF token; the slug field's pattern is the model's, which the
    browser compiles (with the v flag, where the old pattern's bare '-' was a syntax error and ignored whole)."""
    browser_sign_in(page, site, "chief", "editor")
    mismatch = "() => document.getElementById('slug').validity.patternMismatch"
    for slug, refused in (("-news", True), ("news-", True), ("x" * 64, False), ("news-2", False)):
        page.fill("#slug", slug)
        assert page.evaluate(mismatch) is refused, slug
    page.click("form[action='/logout'] button")
    page.wait_for_url(site.url + "/login")
    page.goto(site.url + "/desk")
    page.wait_for_url(site.url + "/login?next=/desk")
