"""A later update supersedes earlier ones; both point at each other and both stay readable."""


def refused(site, target):
    """The reason a post superseding ``target`` is refused with."""
    r = site.post("strike", "x", supersedes=[target])
    assert r.status_code == 422, (target, r.text)
    assert r.json()["detail"]["field"] == "supersedes"
    return r.json()["detail"]["message"]


def test_a_new_entry_supersedes_earlier_ones(site):
    site.blog("strike")
    fifty = site.entry("strike", "Death toll 50")
    seventy = site.entry("strike", "Death toll 70")
    disputed = site.entry("strike", "Authorities dispute the toll", supersedes=[fifty["id"], seventy["id"]])
    assert disputed["supersedes"] == [seventy["id"], fifty["id"]]
    assert set(disputed["refs"]) == {str(fifty["id"]), str(seventy["id"])}
    assert disputed["refs"][str(fifty["id"])]["time_gmt"] == fifty["time_gmt"]
    for old in (fifty, seventy):
        now = site.client.get(f"/api/blogs/strike/entries/{old['id']}").json()
        assert now["superseded_by"] == [disputed["id"]]
        assert now["refs"][str(disputed["id"])]["published_at"] == disputed["published_at"]
        assert now["body"] == old["body"] and now["status"] == "published"


def test_cannot_supersede_itself_a_later_a_missing_or_a_foreign_entry(site):
    site.blog("strike")
    site.blog("other")
    mine = site.entry("strike", "mine")
    foreign = site.entry("other", "theirs")
    latest = site.entry("strike", "latest")
    # First, while the id the next entry will get is still latest + 1 (PostgreSQL spends one per refusal).
    assert refused(site, latest["id"] + 1) == "an entry cannot supersede itself"
    assert refused(site, latest["id"] + 50) == f"entry {latest['id'] + 50} is later than this one"
    assert refused(site, 0) == "entry 0 does not exist"
    assert refused(site, foreign["id"]) == f"entry {foreign['id']} belongs to another blog"
    r = site.post("strike", "x", supersedes=[mine["id"], latest["id"] + 50])
    assert r.json()["error"] == f"supersedes: entry {latest['id'] + 50} is later than this one"
    assert site.client.get(f"/api/blogs/strike/entries/{mine['id']}").json()["superseded_by"] == []
    assert len(site.client.get("/api/blogs/strike").json()["entries"]) == 2


def test_no_cycles_can_form(site):
    """Only earlier entries can be superseded, so a chain can never loop back."""
    site.blog("strike")
    a = site.entry("strike", "a")
    b = site.entry("strike", "b", supersedes=[a["id"]])
    c = site.entry("strike", "c", supersedes=[b["id"]])
    a_now = site.client.get(f"/api/blogs/strike/entries/{a['id']}").json()
    assert a_now["supersedes"] == [] and c["supersedes"] == [b["id"]]
    assert refused(site, c["id"] + 1) == "an entry cannot supersede itself"
    assert refused(site, c["id"] + 10) == f"entry {c['id'] + 10} is later than this one"
    d = site.entry("strike", "d", supersedes=[c["id"]])
    assert d["id"] > c["id"] and d["supersedes"] == [c["id"]]


def test_supersedes_must_be_a_list_of_ids(site):
    site.blog("strike")
    site.entry("strike", "a")
    for bad in [1, ["1"], [True], [1.5], list(range(21))]:
        r = site.post("strike", "x", supersedes=bad)
        assert r.status_code == 422, bad
