"""A withdrawn entry keeps a tombstone (time, note); its text leaves every public view but stays in the database."""


def retract(site, entry_id, note="Unverified", as_="editor"):
    return site.client.post(f"/api/blogs/strike/entries/{entry_id}/retraction", json={"note": note},
                            headers=site.headers(as_))


def test_retraction_keeps_a_tombstone_and_hides_the_text(site):
    site.blog("strike")
    entry = site.entry("strike", "Name of a witness", headline="Witness speaks", pinned=True)
    r = retract(site, entry["id"], "Withdrawn to protect a source")
    assert r.status_code == 200
    gone = r.json()
    assert gone["status"] == "retracted" and gone["revision"] == 2
    assert gone["retracted"]["note"] == "Withdrawn to protect a source" and gone["retracted"]["at"].endswith("Z")
    assert gone["body"] == "" and gone["body_html"] == "" and gone["headline"] == "" and gone["pinned"] is False
    listed = site.client.get("/api/blogs/strike").json()["entries"]
    assert [e["id"] for e in listed] == [entry["id"]] and listed[0]["body"] == ""


def test_retraction_never_deletes_from_the_database(site):
    site.blog("strike")
    entry = site.entry("strike", "kept for the record")
    retract(site, entry["id"])
    assert site.sql("SELECT body FROM entries WHERE id = ?", entry["id"]) == [("kept for the record",)]


def test_withdrawn_text_is_gone_from_the_event_log_too(site):
    site.blog("strike")
    entry = site.entry("strike", "secret name")
    retract(site, entry["id"])
    payloads = [row[0] for row in site.sql("SELECT payload FROM events WHERE entry_id = ?", entry["id"])]
    assert len(payloads) == 2 and not any("secret name" in p for p in payloads)


def test_note_is_required_and_retraction_happens_once(site):
    site.blog("strike")
    entry = site.entry("strike", "x")
    assert retract(site, entry["id"], "").status_code == 422
    assert retract(site, entry["id"]).status_code == 200
    assert retract(site, entry["id"]).status_code == 422


def test_who_may_withdraw(site):
    site.blog("strike")
    site.user("amal")
    site.user("badr")
    entry = site.entry("strike", "x", as_="amal")
    assert retract(site, entry["id"], as_="badr").status_code == 403
    assert retract(site, entry["id"], as_="amal").status_code == 200
    other = site.entry("strike", "y", as_="badr")
    assert retract(site, other["id"], as_="editor").status_code == 200
