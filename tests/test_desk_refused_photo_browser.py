"""A photo the server refuses (not an image) leaves the picker: the next update goes without it, online (a
contributor's "Send to the editor" sends) and offline (no "[photo]" waits with it, nothing is held later). A
photo added without a connection says it waits on the phone only until the connection is back."""

from __future__ import annotations

from desk import ITEMS, browser_sign_in, open_desk, post, published, wait_for, waiting
from test_i18n_desk_states_browser import jpeg

STATUS = "#photo-status"


def refuse_a_file_that_is_not_a_photo(page, tmp_path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo at all\n" * 50)
    page.set_input_files("#photo", str(text))
    page.click("#add-photo")
    page.wait_for_function(f"() => /: /.test(document.querySelector('{STATUS}').textContent)")
    assert page.evaluate("document.getElementById('photo').files.length") == 0


def test_after_a_refused_photo_a_contributors_update_goes_to_the_editor(site, page, tmp_path):
    site.blog("strike")
    browser_sign_in(page, site, "aigul", "contributor")
    page.goto(site.url + "/desk/strike")
    refuse_a_file_that_is_not_a_photo(page, tmp_path)
    post(page, "Crowd at the station")
    page.wait_for_function("() => document.querySelector('#desk-notice').textContent === 'Sent to the editor'")
    queued = site.client.get("/api/blogs/strike/queue", headers=site.headers("editor")).json()["queue"]
    assert [f["body"] for f in queued] == ["Crowd at the station"]


def test_after_a_refused_photo_an_offline_update_waits_without_it(site, page, tmp_path):
    open_desk(page, site, offline_ready=True)
    refuse_a_file_that_is_not_a_photo(page, tmp_path)
    page.context.set_offline(True)
    post(page, "Curfew at nine")
    waiting(page, 1)
    assert "photo" not in page.inner_text(ITEMS)
    page.set_input_files("#photo", str(jpeg(tmp_path / "square.jpg")))
    page.click("#add-photo")
    page.wait_for_function(f"() => /waits on this phone/.test(document.querySelector('{STATUS}').textContent)")
    post(page, "The square at noon")
    waiting(page, 2)
    page.context.set_offline(False)
    wait_for(page, lambda: len(published(site)) == 2)
    waiting(page, 0)
    assert page.inner_text(STATUS) == ""
    assert [e["body"] for e in published(site)][1] == "Curfew at nine"
