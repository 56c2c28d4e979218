"""Corrections happen in the open: the earlier text, the time and the note stay readable."""

import concurrent.futures


def correct(site, entry_id, body, note, as_="editor", **headers):
    return site.client.post(f"/api/blogs/strike/entries/{entry_id}/corrections", json={"body": body, "note": note},
                            headers=site.headers(as_, **headers))


def test_a_correction_keeps_the_previous_text(site):
    site.blog("strike")
    site.user("amal")
    entry = site.entry("strike", "The death toll is *50*.", as_="amal")
    r = correct(site, entry["id"], "The death toll is *70*.", "Hospital figures updated", as_="amal")
    assert r.status_code == 200
    fixed = r.json()
    assert fixed["body"] == "The death toll is *70*." and "<em>70</em>" in fixed["body_html"]
    assert fixed["revision"] == 2
    [c] = fixed["corrections"]
    assert c["note"] == "Hospital figures updated" and c["by"] == "amal"
    assert c["previous_body"] == "The death toll is *50*." and "<em>50</em>" in c["previous_body_html"]
    assert c["at"].endswith("Z") and c["time_gmt"].endswith(" GMT")
    assert fixed["updated_at"] == c["at"]
    assert fixed["published_at"] == entry["published_at"]


def test_corrections_accumulate(site):
    site.blog("strike")
    entry = site.entry("strike", "50")
    correct(site, entry["id"], "70", "first")
    fixed = correct(site, entry["id"], "disputed", "second").json()
    assert [c["previous_body"] for c in fixed["corrections"]] == ["50", "70"]
    assert fixed["revision"] == 3


def test_note_is_required(site):
    site.blog("strike")
    entry = site.entry("strike", "50")
    for payload in [{"body": "70"}, {"body": "70", "note": "  "}]:
        r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections", json=payload,
                             headers=site.headers("editor"))
        assert r.status_code == 422 and r.json()["detail"]["field"] == "note"
    assert site.client.get(f"/api/blogs/strike/entries/{entry['id']}").json()["body"] == "50"


def test_a_correspondent_cannot_correct_another_s_entry(site):
    site.blog("strike")
    site.user("amal")
    site.user("badr")
    entry = site.entry("strike", "50", as_="amal")
    r = correct(site, entry["id"], "70", "mine now", as_="badr")
    assert r.status_code == 403
    assert site.client.get(f"/api/blogs/strike/entries/{entry['id']}").json()["revision"] == 1


def test_an_editor_can_correct_anyone_s_entry(site):
    site.blog("strike")
    site.user("amal")
    entry = site.entry("strike", "50", as_="amal")
    assert correct(site, entry["id"], "70", "editor fix").json()["corrections"][0]["by"] == "editor"


def test_if_match_refuses_a_stale_correction_with_the_current_entry(site):
    site.blog("strike")
    entry = site.entry("strike", "50")
    assert correct(site, entry["id"], "70", "first", **{"If-Match": "1"}).status_code == 200
    r = correct(site, entry["id"], "60", "based on revision 1", **{"If-Match": '"1"'})
    assert r.status_code == 409
    assert r.json()["detail"]["current"]["body"] == "70"
    assert r.json()["detail"]["current"]["revision"] == 2
    assert correct(site, entry["id"], "60", "x", **{"If-Match": "two"}).status_code == 400


def test_two_editors_correcting_at_once_lose_nothing(site):
    """Both send If-Match 1: exactly one wins, the other gets 409 and can re-apply."""
    site.blog("strike")
    site.user("second", "editor")
    entry = site.entry("strike", "50")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda who: correct(site, entry["id"], f"by {who}", who, as_=who,
                                                    **{"If-Match": "1"}).status_code, ["editor", "second"]))
    assert sorted(results) == [200, 409]
    final = site.client.get(f"/api/blogs/strike/entries/{entry['id']}").json()
    assert final["revision"] == 2 and len(final["corrections"]) == 1


def test_a_withdrawn_entry_cannot_be_corrected(site):
    site.blog("strike")
    entry = site.entry("strike", "50")
    site.client.post(f"/api/blogs/strike/entries/{entry['id']}/retraction", json={"note": "wrong"},
                     headers=site.headers("editor"))
    r = correct(site, entry["id"], "70", "late")
    assert r.status_code == 422
