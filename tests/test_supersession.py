"""A later update supersedes earlier ones; both point at each other and both stay readable."""


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


def test_cannot_supersede_a_missing_later_or_foreign_entry(site):
    site.blog("strike")
    site.blog("other")
    mine = site.entry("strike", "mine")
    foreign = site.entry("other", "theirs")
    later = site.entry("strike", "later")
    cases = {
        999: "does not exist",
        foreign["id"]: "another blog",
        later["id"] + 1: "does not exist",
    }
    for target, reason in cases.items():
        r = site.post("strike", "x", supersedes=[target])
        assert r.status_code == 422, target
        assert r.json()["detail"]["field"] == "supersedes" and reason in r.json()["error"]
    assert site.client.get(f"/api/blogs/strike/entries/{mine['id']}").json()["superseded_by"] == []


def test_no_cycles_can_form(site):
    """Only earlier entries can be superseded, so a chain can never loop back."""
    site.blog("strike")
    a = site.entry("strike", "a")
    b = site.entry("strike", "b", supersedes=[a["id"]])
    c = site.entry("strike", "c", supersedes=[b["id"]])
    a_now = site.client.get(f"/api/blogs/strike/entries/{a['id']}").json()
    assert a_now["supersedes"] == [] and c["supersedes"] == [b["id"]]
    r = site.post("strike", "self", supersedes=[c["id"] + 1])
    assert r.status_code == 422


def test_supersedes_must_be_a_list_of_ids(site):
    site.blog("strike")
    site.entry("strike", "a")
    for bad in [1, ["1"], [True], [1.5], list(range(21))]:
        r = site.post("strike", "x", supersedes=bad)
        assert r.status_code == 422, bad
