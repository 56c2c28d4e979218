"""Entries: Markdown written on a phone, stored with UTC times, shown as GMT."""

from datetime import UTC, datetime, timedelta

ENTRY_KEYS = {"id", "blog", "author", "published_at", "time_gmt", "headline", "body", "body_html", "key_event",
              "pinned", "status", "supersedes", "superseded_by", "corrections", "revision", "filed_at"}


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_post_returns_the_full_entry(site):
    site.blog("strike")
    site.user("amal")
    r = site.post("strike", "Police have **closed** the bridge. More: https://example.org/x", as_="amal",
                  headline="Bridge closed", key_event=True)
    assert r.status_code == 201
    entry = r.json()
    assert set(entry) >= ENTRY_KEYS
    assert entry["author"] == "amal" and entry["blog"] == "strike"
    assert entry["headline"] == "Bridge closed" and entry["key_event"] is True and entry["pinned"] is False
    assert entry["status"] == "published" and entry["revision"] == 1
    assert entry["supersedes"] == [] and entry["superseded_by"] == [] and entry["corrections"] == []
    assert "<strong>closed</strong>" in entry["body_html"]
    assert '<a href="https://example.org/x" rel="nofollow noopener">https://example.org/x</a>' in entry["body_html"]
    assert r.headers["location"] == f"/api/blogs/strike/entries/{entry['id']}"
    assert site.client.get(f"/api/blogs/strike/entries/{entry['id']}").json() == entry


def test_times_are_utc_iso_with_z_and_gmt(site):
    site.blog("strike")
    entry = site.entry("strike", "x")
    published = datetime.fromisoformat(entry["published_at"].replace("Z", "+00:00"))
    assert entry["published_at"].endswith("Z")
    assert abs(datetime.now(UTC) - published) < timedelta(seconds=30)
    assert entry["time_gmt"] == published.strftime("%H:%M GMT")


def test_body_is_required_and_bounded(site):
    site.blog("strike")
    for payload in [{}, {"body": ""}, {"body": "   "}, {"body": 5}, {"body": "x" * 20_001}]:
        r = site.client.post("/api/blogs/strike/entries", json=payload, headers=site.headers("editor"))
        assert r.status_code == 422, payload
        assert r.json()["detail"]["field"] == "body"


def test_wrong_types_and_unknown_fields_are_named(site):
    site.blog("strike")
    cases = {"headline": 3, "key_event": "yes", "pinned": 1, "supersedes": "1", "filed_at": "yesterday",
             "colour": "red"}
    for field, value in cases.items():
        r = site.post("strike", "x", **{field: value})
        assert r.status_code == 422, field
        assert r.json()["detail"]["field"] == field
    assert site.client.get("/api/blogs/strike").json()["entries"] == []


def backdated_blog(site, slug, hours):
    """A blog that began hours ago (the API can only create blogs now)."""
    site.user("editor", "editor")
    store = site.runtime.store

    async def make():
        (editor, _) = await store.get_user("editor")
        now = datetime.now(UTC) - timedelta(hours=hours)
        await store.create_blog(slug=slug, title="T", summary="", intro="", intro_html="", by=editor, now=now)

    site.call(make())


def test_filed_at_from_an_offline_phone_is_kept(site):
    backdated_blog(site, "strike", hours=1)
    filed = datetime.now(UTC) - timedelta(minutes=7)
    entry = site.entry("strike", "written in the square", filed_at=iso(filed))
    assert entry["filed_at"] == iso(filed)
    assert entry["published_at"] > entry["filed_at"]


def test_filed_at_may_not_be_in_the_future_or_before_the_blog(site):
    site.blog("strike")
    future = datetime.now(UTC) + timedelta(hours=1)
    r = site.post("strike", "x", filed_at=iso(future))
    assert r.status_code == 422 and r.json()["detail"]["field"] == "filed_at"
    past = datetime.now(UTC) - timedelta(days=2)
    r = site.post("strike", "x", filed_at=iso(past))
    assert r.status_code == 422 and "before the blog" in r.json()["error"]


def test_pinning_an_entry_unpins_the_previous_one(site):
    site.blog("strike")
    first = site.entry("strike", "first", pinned=True)
    second = site.entry("strike", "second", pinned=True)
    assert site.client.get(f"/api/blogs/strike/entries/{first['id']}").json()["pinned"] is False
    assert site.client.get(f"/api/blogs/strike/entries/{second['id']}").json()["pinned"] is True


def test_unknown_blog_or_entry_is_404(site):
    site.blog("strike")
    assert site.post("nope", "x").status_code == 404
    assert site.client.get("/api/blogs/strike/entries/999").status_code == 404
    assert site.client.get("/api/blogs/strike/entries/abc").status_code == 404
    other = site.blog("other")
    entry = site.entry("other", "x")
    assert other and site.client.get(f"/api/blogs/strike/entries/{entry['id']}").status_code == 404


def test_posting_needs_a_valid_token(site):
    site.blog("strike")
    r = site.client.post("/api/blogs/strike/entries", json={"body": "x"})
    assert r.status_code == 401
    assert r.json() == {"error": "authentication required", "detail": "send Authorization: Bearer <token>"}
    r = site.client.post("/api/blogs/strike/entries", json={"body": "x"},
                         headers={"Authorization": "Bearer lb_wrong"})
    assert r.status_code == 401
    assert site.client.get("/api/blogs/strike").json()["entries"] == []


TOO_BIG = 2**63  # one past the largest id SQLite or PostgreSQL can hold


def test_an_entry_id_too_big_to_exist_is_404(site):
    """An id past 2^63 - 1 cannot be stored, so it names no entry: 404, not an overflow in the database driver."""
    site.blog("strike")
    base = "/api/blogs/strike/entries"
    for raw in (str(TOO_BIG), "9" * 40, "²", "٣"):
        r = site.client.get(f"{base}/{raw}")
        assert r.status_code == 404 and r.json()["error"] == "entry not found", raw
        r = site.client.post(f"{base}/{raw}/corrections", json={"body": "y", "note": "n"},
                             headers=site.headers("editor"))
        assert r.status_code == 404, raw
        r = site.client.post(f"{base}/{raw}/retraction", json={"note": "n"}, headers=site.headers("editor"))
        assert r.status_code == 404, raw
        assert site.client.get(f"/blogs/strike/entries/{raw}").status_code == 404, raw
    for page in ("/blogs/strike", "/blogs/strike/feed.json", "/blogs/strike/feed.atom"):
        assert site.client.get(page, params={"before": TOO_BIG}).status_code == 404, page


def test_superseding_an_id_too_big_to_exist_is_422(site):
    site.blog("strike")
    for value in (TOO_BIG, 10**40, -(10**40)):
        r = site.post("strike", "x", supersedes=[value])
        assert r.status_code == 422, value
        assert r.json()["error"] == f"supersedes: entry {value} does not exist"
    assert site.client.get("/api/blogs/strike").json()["entries"] == []
