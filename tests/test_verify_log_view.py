"""``GET /api/blogs/{slug}/log``: the signed log as the reader page checks it, light to read on a weak connection.

Pages of 50 records (log.jsonl's, without the rendered html the events API adds); the last page carries the head
signed at its last record, by the same rule as the feed's ``_liveblog.head``. A full page is tagged by its
bytes, so a reader coming back gets a 304 however far the blog has moved, until a withdrawal erases a text in it.
"""

from liveblog import signing
from liveblog.services import ledger
from liveblog.web.caching import FEED_CACHE_CONTROL

UPDATES = 55


def story(site_with):
    site = site_with(posts_per_minute=UPDATES * 2)
    site.blog("strike", summary="Day one")
    ids = [site.entry("strike", f"Update {n}: the square is full.")["id"] for n in range(1, UPDATES + 1)]
    return site, ids


def pages(site):
    found, since = [], 0
    while since is not None:
        r = site.client.get(f"/api/blogs/strike/log?since={since}")
        assert r.status_code == 200, r.text
        found.append(r)
        since = r.json()["next_since"]
    return found


def test_the_pages_are_the_mirror_s_log_and_the_last_carries_the_feed_s_head(site_with):
    site, _ = story(site_with)
    read = pages(site)
    assert [len(r.json()["log"]) for r in read] == [ledger.LOG_PAGE, UPDATES + 1 - ledger.LOG_PAGE]
    log = [record for r in read for record in r.json()["log"]]
    assert log == site.call(ledger.whole_log(site.runtime.store, "strike"))
    assert all("html" not in record["payload"] for record in log)  # what the events API adds for the stream
    head = read[-1].json()["head"]
    assert [r.json()["head"] for r in read[:-1]] == [None]
    assert head == site.client.get("/blogs/strike/feed.json").json()["_liveblog"]["head"]
    assert signing.head_is_signed(head) and head["seq"] == log[-1]["seq"] and head["hash"] == log[-1]["hash"]


def test_a_full_page_is_kept_the_last_is_asked_again(site_with):
    site, _ = story(site_with)
    full, last = pages(site)
    assert full.headers["cache-control"] == FEED_CACHE_CONTROL and last.headers["cache-control"] == "no-cache"
    assert full.headers["access-control-allow-origin"] == "*"
    site.entry("strike", "One more.")
    again = site.client.get("/api/blogs/strike/log?since=0", headers={"If-None-Match": full.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    moved = site.client.get("/api/blogs/strike/log?since=50", headers={"If-None-Match": last.headers["etag"]})
    assert moved.status_code == 200 and moved.json()["head"]["seq"] == UPDATES + 2


def test_a_withdrawal_changes_the_page_that_held_the_text(site_with):
    site, ids = story(site_with)
    full, _ = pages(site)
    r = site.client.post(f"/api/blogs/strike/entries/{ids[2]}/retraction", json={"note": "Protecting a source"},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    again = site.client.get("/api/blogs/strike/log?since=0", headers={"If-None-Match": full.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != full.headers["etag"]
    assert "Update 3:" in full.text and "Update 3:" not in again.text


def test_the_events_api_still_answers_as_before(site_with):
    site, _ = story(site_with)
    events = site.client.get("/api/blogs/strike/events?since=0&limit=500").json()["events"]
    assert len(events) == UPDATES + 1 and all("html" in e["data"] for e in events if e["event"] == "entry.created")


def test_a_reader_who_has_every_record_still_gets_the_head(site_with):
    """Asked past the last record, the page is empty and the last: it carries the head, as the API says."""
    site, _ = story(site_with)
    feed_head = site.client.get("/blogs/strike/feed.json").json()["_liveblog"]["head"]
    for since in (UPDATES + 1, UPDATES + 50):
        page = site.client.get(f"/api/blogs/strike/log?since={since}").json()
        assert page == {"log": [], "next_since": None, "head": feed_head}, since
