"""The reader page at /blogs/{slug} is complete as served, before any script runs.

It pins: title, summary, Live/Ended status, "Latest update" from the newest entry, the
pinned entry, the key-events list, entries newest first introduced by their GMT time
(with the date when not today), corrections and supersession shown in the open, the
"filed" time when it differs, the intro below the entries, paging through a plain
"Show older updates" link, the feed discovery links, and the / list (live before ended).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from liveblog import model
from reader_html import parse


def page(site, path):
    r = site.client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    return parse(r.text)


def articles(doc):
    return doc.one(id="entries").all("article")


def test_page_shows_blog_status_latest_update_and_entries_newest_first(site):
    site.blog("strike", title="General strike", summary="Unions stop the country.", intro="It began at *dawn*.")
    first = site.entry("strike", "Depots closed.", headline="Depots")
    second = site.entry("strike", "Marchers gather.")
    doc = page(site, "/blogs/strike")
    assert doc.one("h1").text == "General strike"
    assert doc.one(id="summary").text == "Unions stop the country."
    assert doc.one(id="status").text == "Live"
    latest = doc.one(id="latest")
    assert latest.text == f"Latest update {second['time_gmt']}" and "hidden" not in latest.attrs
    assert [a.get("id") for a in articles(doc)] == [f"entry-{second['id']}", f"entry-{first['id']}"]
    top = articles(doc)[0]
    assert top.one("time").text == f"Update {second['time_gmt']}"
    assert top.one("time").get("datetime") == second["published_at"]
    assert top.one("a", class_="time").get("href") == f"/blogs/strike/entries/{second['id']}"
    assert articles(doc)[1].one("h3").text == "Depots"
    intro = doc.one("section", class_="intro")
    assert "It began at dawn." in intro.text and intro.one("em").text == "dawn"
    html = site.client.get("/blogs/strike").text
    assert html.index('id="entries"') < html.index('class="intro"'), "the intro comes below the entries"
    last_event_id = site.client.get("/api/blogs/strike").json()["last_event_id"]
    assert doc.one(id="live").get("data-last-event-id") == str(last_event_id)


def test_an_ended_blog_says_so(site):
    site.blog("strike")
    site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    doc = page(site, "/blogs/strike")
    assert doc.one(id="status").text == "Ended"
    assert doc.one(id="empty").text == "No updates yet." and "hidden" in doc.one(id="latest").attrs


def test_pinned_entry_and_key_events_come_first(site):
    site.blog("strike")
    key = site.entry("strike", "The president has resigned.", key_event=True)
    pinned = site.entry("strike", "Where to find help: call 112.", pinned=True)
    plain = site.entry("strike", "Traffic is light.")
    doc = page(site, "/blogs/strike")
    box = doc.one(id="pinned")
    assert "hidden" not in box.attrs
    copy = box.one("article")
    assert copy.get("data-id") == str(pinned["id"]) and "id" not in copy.attrs, "no duplicate anchor"
    items = doc.one(id="key-events").all("li")
    assert [li.text for li in items] == [f"{key['time_gmt']} The president has resigned."]
    assert items[0].one("a").get("href") == f"#entry-{key['id']}"
    assert doc.one(id=f"entry-{key['id']}").one("span", class_="badge").text == "Key event"
    assert len(articles(doc)) == 3 and articles(doc)[0].get("data-id") == str(plain["id"])


def test_a_correction_is_shown_with_the_earlier_text(site):
    site.blog("strike")
    e = site.entry("strike", "Ten people were hurt.")
    r = site.client.post(f"/api/blogs/strike/entries/{e['id']}/corrections",
                         json={"body": "Twelve people were hurt.", "note": "Hospital revised the figure."},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    fixed = r.json()
    article = page(site, "/blogs/strike").one(id=f"entry-{e['id']}")
    assert article.one("div", class_="body").text == "Twelve people were hurt."
    correction = article.one("div", class_="correction")
    when = fixed["corrections"][0]["time_gmt"]
    assert correction.one("p", class_="note").text == f"Corrected {when}: Hospital revised the figure."
    details = correction.one("details")
    assert details.one("summary").text == "Earlier text" and "Ten people were hurt." in details.text


def test_a_retracted_entry_shows_its_tombstone_not_its_body(site):
    site.blog("strike")
    e = site.entry("strike", "The minister was arrested.")
    r = site.client.post(f"/api/blogs/strike/entries/{e['id']}/retraction", json={"note": "Not confirmed."},
                         headers=site.headers("editor"))
    gone = r.json()["retracted"]
    html = site.client.get("/blogs/strike").text
    assert "The minister was arrested." not in html
    article = parse(html).one(id=f"entry-{e['id']}")
    assert "retracted" in article.get("class").split()
    assert article.one("p", class_="tombstone").text == f"Withdrawn {gone['time_gmt']}: Not confirmed."


def test_supersession_links_both_ways(site):
    site.blog("strike")
    old = site.entry("strike", "Death toll 50")
    new = site.entry("strike", "Death toll 70", supersedes=[old["id"]])
    doc = page(site, "/blogs/strike")
    by = doc.one(id=f"entry-{old['id']}").one("p", class_="superseded-by")
    assert by.text == f"Superseded by the {new['time_gmt']} update"
    assert by.one("a").get("href") == f"/blogs/strike/entries/{new['id']}"
    of = doc.one(id=f"entry-{new['id']}").one("p", class_="supersedes")
    assert of.text == f"Supersedes the {old['time_gmt']} update"
    assert of.one("a").get("href") == f"/blogs/strike/entries/{old['id']}"


def test_date_shown_when_not_today_and_filed_time_when_late(site):
    site.user("editor", "editor")
    store = site.runtime.store
    now = model.utc_now()

    async def story_begun_days_ago():
        user, _ = await store.get_user("editor")
        await store.create_blog(slug="strike", title="Strike", summary="", intro="", intro_html="", by=user,
                                now=now - timedelta(days=3))
        entry, _ = await store.create_entry(
            "strike", author=user, headline="", body="Yesterday's news", body_html="<p>Yesterday's news</p>",
            key_event=False, pinned=False, supersedes=(), filed_at=None, now=now - timedelta(days=1),
        )
        return entry

    old = site.call(story_begun_days_ago())
    late = site.entry("strike", "Sent from a basement.", filed_at=model.iso(now - timedelta(minutes=20)))
    doc = page(site, "/blogs/strike")
    yesterday = doc.one(id=f"entry-{old.id}").one("time").text
    assert yesterday == f"Update {model.time_gmt(old.published_at)}, {model.date_gmt(old.published_at)}"
    assert doc.one(id=f"entry-{late['id']}").one("time").text == f"Update {late['time_gmt']}"
    filed = model.parse_iso(late["filed_at"])
    other_day = model.date_gmt(filed) != model.date_gmt(model.parse_iso(late["published_at"]))  # around midnight
    assert doc.one(id=f"entry-{late['id']}").one("p", class_="filed").text == \
        f"filed {model.time_gmt(filed)}" + (f", {model.date_gmt(filed)}" if other_day else "")
    assert not doc.one(id=f"entry-{old.id}").all("p", class_="filed")


def test_filed_time_is_shown_only_when_over_a_minute_before_publication(site):
    site.user("editor", "editor")
    store = site.runtime.store
    now = model.utc_now()

    async def story_begun_an_hour_ago():  # a phone may not file before its blog began
        user, _ = await store.get_user("editor")
        await store.create_blog(slug="strike", title="Strike", summary="", intro="", intro_html="", by=user,
                                now=now - timedelta(hours=1))

    site.call(story_begun_an_hour_ago())
    delayed = site.entry("strike", "Sent after the network came back.", filed_at=model.iso(now - timedelta(minutes=5)))
    prompt = site.entry("strike", "Sent from a slow connection.", filed_at=model.iso(now - timedelta(seconds=30)))
    assert prompt["filed_at"] != prompt["published_at"], "the filed time is kept even when it is not shown"
    doc = page(site, "/blogs/strike")
    filed = model.parse_iso(delayed["filed_at"])
    other_day = model.date_gmt(filed) != delayed["date_gmt"]  # around midnight
    assert doc.one(id=f"entry-{delayed['id']}").one("p", class_="filed").text == \
        f"filed {model.time_gmt(filed)}" + (f", {model.date_gmt(filed)}" if other_day else "")
    assert not doc.one(id=f"entry-{prompt['id']}").all("p", class_="filed")


def test_older_updates_load_by_a_plain_link(site_with):
    site = site_with(page_size=3)
    site.blog("strike", intro="The original report.")
    ids = [site.entry("strike", f"Update number {n}")["id"] for n in range(7)]
    doc = page(site, "/blogs/strike")
    assert [int(a.get("data-id")) for a in articles(doc)] == ids[::-1][:3]
    link = doc.one("p", class_="older").one("a")
    assert link.text == "Show older updates"
    seen = [int(a.get("data-id")) for a in articles(doc)]
    while True:
        doc = page(site, link.get("href"))
        seen += [int(a.get("data-id")) for a in articles(doc)]
        older = doc.all("p", class_="older")
        if not older:
            break
        link = older[0].one("a")
    assert seen == ids[::-1]
    assert "The original report." in doc.one("section", class_="intro").text, "the last page ends with the intro"
    assert not [s for s in doc.all("script") if s.get("src")], "older pages are not live"
    assert site.client.get("/blogs/strike?before=abc", headers={"Accept": "text/html"}).status_code == 404


def test_page_links_its_feeds_for_discovery(site):
    site.blog("strike", title="Strike")
    links = page(site, "/blogs/strike").all("link", rel="alternate")
    assert {(link.get("type"), link.get("href")) for link in links} == {
        ("application/feed+json", "/blogs/strike/feed.json"),
        ("application/atom+xml", "/blogs/strike/feed.atom"),
        ("application/json+oembed", f"/oembed?url={quote(site.url, safe='/')}/blogs/strike&format=json"),
    }


def test_front_page_lists_live_blogs_before_ended_ones(site):
    site.blog("old", title="Old story")
    site.blog("new", title="New story")
    site.blog("ongoing", title="Ongoing story")
    site.client.patch("/api/blogs/new", json={"status": "ended"}, headers=site.headers("editor"))
    items = page(site, "/").one("ul", class_="blogs").all("li")
    titles = [(li.one("strong").text, li.one("span", class_="status").text) for li in items]
    assert titles == [("Ongoing story", "Live"), ("Old story", "Live"), ("New story", "Ended")]
    assert items[0].one("a").get("href") == "/blogs/ongoing"


def test_missing_pages_are_html_for_browsers_and_json_for_the_api(site):
    site.blog("strike")
    for path in ("/blogs/nope", "/blogs/strike/entries/999", "/blogs/strike/entries/x", "/no/such/page"):
        r = site.client.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html"), path
        assert parse(r.text).one("h1").text == "Page not found"
    r = site.client.get("/api/blogs/nope", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.json() == {"error": "blog not found", "detail": None}
    r = site.client.get("/blogs/nope")
    assert r.status_code == 404 and r.json()["error"] == "blog not found"
