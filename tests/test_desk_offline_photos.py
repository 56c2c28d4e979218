"""A photo added with no connection waits on the phone with its update, and arrives with it.

Pins (headless Chromium, 390x844): offline, "Add photo" keeps the (already shrunk) photo in
the phone's IndexedDB, redrawn without its EXIF (GPS included), and names it in the text as
``waiting-photo:ID``; the preview says it waits; the update waits in the outbox, through a
reload with no connection; once online the photo goes up first (the server strips it as
always), the update is published once with the photo's address, and the phone forgets the
photo. A photo named twice is placed twice and sent once. An upload cut half-way waits the
same way and goes on a retry. A waiting photo the server refuses holds its update for the
correspondent with the reason, nothing is published, and discarding the update forgets it.
"""

from __future__ import annotations

import io
import os

from PIL import Image

from desk import ITEMS, open_desk, post, published, routable_page, wait_for, waiting
from test_media import gps_jpeg

STORED = """() => new Promise((done, failed) => {
    const open = indexedDB.open("liveblog-desk", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("photos");
    open.onerror = () => failed(open.error);
    open.onsuccess = () => {
        const count = open.result.transaction("photos").objectStore("photos").count();
        count.onsuccess = () => { open.result.close(); done(count.result); };
    };
})"""


KEPT = """() => new Promise((done, failed) => {
    const open = indexedDB.open("liveblog-desk", 1);
    open.onerror = () => failed(open.error);
    open.onsuccess = () => {
        const all = open.result.transaction("photos").objectStore("photos").getAll();
        all.onsuccess = () => {
            open.result.close();
            Promise.all(all.result.map(p => p.blob.arrayBuffer().then(b => Array.from(new Uint8Array(b)))))
                .then(done, failed);
        };
    };
})"""


def add_photo(page, path, caption: str) -> None:
    page.set_input_files("#photo", str(path))
    page.fill("#caption", caption)
    page.click("#add-photo")
    page.wait_for_function("() => document.getElementById('body').value.includes('photo')")


def offline_with_photo(site, page, path, content: bytes, caption: str) -> None:
    """The desk open and cached, the connection gone, a photo added."""
    open_desk(page, site, offline_ready=True)
    path.write_bytes(content)
    page.context.set_offline(True)
    add_photo(page, path, caption)


def test_a_photo_taken_offline_waits_on_the_phone_and_arrives_with_its_update(site, page, tmp_path):
    offline_with_photo(site, page, tmp_path / "IMG_0101.jpg", gps_jpeg((1200, 800)), "Water cannon on Freedom Street")
    assert "waits on this phone" in page.inner_text("#photo-status")
    body = page.input_value("#body")
    assert "](waiting-photo:" in body and "/media/" not in body
    assert "photo waiting to be sent: Water cannon on Freedom Street" in page.inner_text("#preview")
    [kept] = [bytes(b) for b in page.evaluate(KEPT)]
    assert kept[:2] == b"\xff\xd8" and b"Exif" not in kept, "a photo kept on the phone says nothing of where"
    assert Image.open(io.BytesIO(kept)).size == (1200, 800)

    post(page, body + "\nThe crowd scattered at 14:05.")
    waiting(page, 1)
    page.reload()  # no connection at all: the page and the photo come from the phone
    waiting(page, 1)
    assert page.evaluate(STORED) == 1 and published(site) == []

    page.context.set_offline(False)
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    [entry] = published(site)
    [name] = site.sql("SELECT id FROM media")[0]
    assert f"![Water cannon on Freedom Street](/media/{name})" in entry["body"]
    assert "waiting-photo" not in entry["body"] and f'src="/media/{name}"' in entry["body_html"]
    assert entry["body"].endswith("The crowd scattered at 14:05.")
    with open(os.path.join(site.settings.media_path, name), "rb") as f:
        stored = f.read()
    assert b"Exif" not in stored and len(Image.open(io.BytesIO(stored)).getexif()) == 0
    wait_for(page, lambda: page.evaluate(STORED) == 0)
    page.wait_for_timeout(1000)
    assert len(published(site)) == 1 and site.sql("SELECT count(*) FROM media")[0][0] == 1, "each went once"


def test_an_upload_cut_half_way_waits_and_goes_on_a_retry(site, new_page, tmp_path):
    page = routable_page(new_page)
    open_desk(page, site)
    page.route("**/api/media", lambda route: route.abort("connectionreset"))
    photo = tmp_path / "IMG_0102.jpg"
    photo.write_bytes(gps_jpeg((800, 600)))
    add_photo(page, photo, "Barricade")
    assert "waits on this phone" in page.inner_text("#photo-status")
    post(page, page.input_value("#body") + "\nBarricade at the bridge.")
    waiting(page, 1)
    page.wait_for_timeout(1500)  # the first try is cut off too
    assert published(site) == []
    page.unroute("**/api/media")
    wait_for(page, lambda: len(published(site)) == 1)
    [entry] = published(site)
    [name] = site.sql("SELECT id FROM media")[0]
    assert f"![Barricade](/media/{name})" in entry["body"]
    wait_for(page, lambda: page.evaluate(STORED) == 0)


def test_a_waiting_photo_the_server_refuses_holds_its_update_and_is_forgotten_when_discarded(site, page, tmp_path):
    offline_with_photo(site, page, tmp_path / "IMG_0103.jpg", b"\xff\xd8\xff" + b"not a picture at all" * 50, "Fake")
    post(page, page.input_value("#body") + "\nSomething happened.")
    waiting(page, 1)
    page.context.set_offline(False)
    page.wait_for_function("() => /Refused: a waiting photo/.test(document.getElementById('outbox-items').innerText)")
    refusal = ("Refused: a waiting photo: Photo: the file is not an image this server can read. "
               "Tap Edit to fix it, or Discard.")  # the photo box's label, not the upload's field name "file"
    assert refusal in page.inner_text(ITEMS)
    page.wait_for_timeout(500)
    assert published(site) == [] and site.sql("SELECT count(*) FROM media")[0][0] == 0
    assert page.evaluate(STORED) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(ITEMS).first.locator("button.discard").click()
    waiting(page, 0)
    wait_for(page, lambda: page.evaluate(STORED) == 0)


def test_a_waiting_photo_named_twice_is_placed_twice_and_sent_once(site, page, tmp_path):
    offline_with_photo(site, page, tmp_path / "IMG_0104.jpg", gps_jpeg((640, 480)), "Twice")
    line = page.input_value("#body").strip()
    post(page, f"{line}\n\nAnd again:\n\n{line}")
    waiting(page, 1)
    page.context.set_offline(False)
    wait_for(page, lambda: len(published(site)) == 1)
    [entry] = published(site)
    [name] = site.sql("SELECT id FROM media")[0]
    assert entry["body"].count(f"![Twice](/media/{name})") == 2 and "waiting-photo" not in entry["body"]
    wait_for(page, lambda: page.evaluate(STORED) == 0)
