"""A phone that retries on a bad connection never posts twice."""

import concurrent.futures


def test_a_retried_post_returns_the_same_entry(site):
    site.blog("strike")
    key = {"Idempotency-Key": "phone-7f3a-0001"}
    first = site.post("strike", "Tear gas at the station", headers=key)
    again = site.post("strike", "Tear gas at the station", headers=key)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert len(site.client.get("/api/blogs/strike").json()["entries"]) == 1


def test_reusing_a_key_for_another_body_is_a_conflict(site):
    site.blog("strike")
    key = {"Idempotency-Key": "k1"}
    assert site.post("strike", "one", headers=key).status_code == 201
    r = site.post("strike", "two", headers=key)
    assert r.status_code == 409 and "Idempotency-Key" in r.json()["error"]
    assert len(site.client.get("/api/blogs/strike").json()["entries"]) == 1


def test_keys_belong_to_their_owner(site):
    site.blog("strike")
    site.user("amal")
    site.user("badr")
    key = {"Idempotency-Key": "same"}
    assert site.post("strike", "a", as_="amal", headers=key).status_code == 201
    assert site.post("strike", "a", as_="badr", headers=key).status_code == 201


def test_concurrent_retries_create_one_entry(site):
    site.blog("strike")
    key = {"Idempotency-Key": "burst"}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: site.post("strike", "once", headers=key).status_code, range(8)))
    assert sorted(codes) == [200] * 7 + [201]
    assert len(site.client.get("/api/blogs/strike").json()["entries"]) == 1


def test_a_retried_correction_is_applied_once(site):
    site.blog("strike")
    entry = site.entry("strike", "50")
    url = f"/api/blogs/strike/entries/{entry['id']}/corrections"
    headers = site.headers("editor", **{"Idempotency-Key": "fix-1"})
    for _ in range(3):
        r = site.client.post(url, json={"body": "70", "note": "n"}, headers=headers)
        assert r.status_code == 200
    assert len(r.json()["corrections"]) == 1 and r.json()["revision"] == 2


def test_a_bad_key_is_refused(site):
    site.blog("strike")
    assert site.post("strike", "x", headers={"Idempotency-Key": "x" * 201}).status_code == 400


def test_a_retry_gets_its_entry_at_the_posting_limit_and_does_not_count(site_with):
    """The phone only lost the reply: refusing the retry would leave it thinking the post was never made."""
    site = site_with(posts_per_minute=2)
    site.blog("strike")
    site.user("amal")
    key = {"Idempotency-Key": "phone-amal-0001"}
    first = site.post("strike", "Tear gas at the station", as_="amal", headers=key)
    assert first.status_code == 201
    for _ in range(3):
        assert site.post("strike", "Tear gas at the station", as_="amal", headers=key).status_code == 200
    assert site.post("strike", "Crowd moves north", as_="amal").status_code == 201, "the retries were not counted"
    again = site.post("strike", "Tear gas at the station", as_="amal", headers=key)
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert site.post("strike", "A new post", as_="amal").status_code == 429
    assert site.post("strike", "Another body", as_="amal", headers=key).status_code == 409
    assert len(site.client.get("/api/blogs/strike").json()["entries"]) == 2
