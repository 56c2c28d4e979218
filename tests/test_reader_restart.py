"""A page left open across a server restart catches up with what was posted meanwhile.

A real ``liveblog serve`` process and headless Chromium at 390x844: the page is live;
the server stops; while it is down, another server process on the same database takes
a post and stops; the first address comes back; the page, which kept its last event id,
shows the post it missed and then the next live one, without a reload.
"""

from __future__ import annotations

import httpx

from conftest import liveblog_cmd

CONNECTED = "#status[title='Connection: Live']"


def test_page_catches_up_after_the_server_restarts(spawn, page, tmp_path):
    db = tmp_path / "restart.db"
    assert liveblog_cmd("user", "add", "ed", "--role", "editor", db=db).returncode == 0
    token = liveblog_cmd("token", "create", "ed", db=db).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}

    first = spawn(db)
    port = int(first.url.rsplit(":", 1)[1])
    created = httpx.post(first.url + "/api/blogs", json={"slug": "strike", "title": "Strike"}, headers=auth)
    assert created.status_code == 201
    page.goto(first.url + "/blogs/strike")
    page.wait_for_selector(CONNECTED)
    page.evaluate("window.sameDocument = true")

    first.stop()
    page.wait_for_selector("#status:not([title='Connection: Live'])", timeout=10_000)
    meanwhile = spawn(db)
    missed = httpx.post(meanwhile.url + "/api/blogs/strike/entries", json={"body": "Posted while you were away."},
                        headers=auth).json()
    meanwhile.stop()

    again = spawn(db, port=port)
    page.wait_for_selector(f"#entry-{missed['id']}", timeout=30_000)
    page.wait_for_selector(CONNECTED, timeout=10_000)
    fresh = httpx.post(again.url + "/api/blogs/strike/entries", json={"body": "Back to normal."}, headers=auth).json()
    page.wait_for_selector(f"#entry-{fresh['id']}", timeout=5_000)
    ids = page.eval_on_selector_all("#entries > article", "els => els.map(e => e.id)")
    assert ids == [f"entry-{fresh['id']}", f"entry-{missed['id']}"]
    assert page.evaluate("window.sameDocument === true"), "caught up without a reload"
