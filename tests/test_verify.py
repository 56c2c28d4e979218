"""`liveblog verify`: a mirror or a live blog passes untouched, and each kind of tampering fails, named.

The mirror is written by `liveblog export`; the live site's answers are tampered on the wire by the fetch
the verifier reads through. One change at a time, each must be found.
"""

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import liveblog_cmd
from liveblog import signing, verify
from liveblog.signing import SiteKey


def build_story(site):
    """A body, a headline, a correction (its note and earlier text), a withdrawal, a supersession: everything the
    log keeps."""
    site.blog("strike", summary="Day one")
    a = site.entry("strike", "Police say 50 hurt.", key_event=True)
    r = site.client.post(f"/api/blogs/strike/entries/{a['id']}/corrections",
                         json={"body": "Police say 60 hurt.", "note": "Updated figure"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    b = site.entry("strike", "Hospitals count 70.", headline="Toll rises")
    c = site.entry("strike", "The name of a witness")
    r = site.client.post(f"/api/blogs/strike/entries/{c['id']}/retraction", json={"note": "Protecting a source"},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    d = site.entry("strike", "Police now say 80 hurt.", supersedes=[a["id"]])
    return a["id"], b["id"], c["id"], d["id"]


def export_mirror(site, out: Path) -> Path:
    done = liveblog_cmd("export", "strike", "--out", str(out), db=site.settings.db,
                        env={"LIVEBLOG_KEY_FILE": site.settings.key_path})
    assert done.returncode == 0, done.stderr
    return out


def through(site, change: Callable[[str, str], str] | None = None) -> verify.Published:
    """The live blog as the verifier reads it, each answer passed through ``change(url, body)``."""
    def fetch(url: str) -> str:
        body = site.client.get(url).raise_for_status().text
        return change(url, body) if change else body

    return verify.read_site(f"{site.url}/blogs/strike", fetch)


def test_the_untouched_mirror_and_live_site_pass(site, tmp_path, capsys):
    build_story(site)
    mirror = export_mirror(site, tmp_path / "mirror")
    assert verify.check(verify.read_dir(mirror)) == []
    assert verify.check(through(site)) == []
    fingerprint = site.runtime.key.fingerprint
    assert cli_main("verify", str(mirror), "--key", fingerprint, "--save-head", str(tmp_path / "head.json")) == 0
    assert cli_main("verify", f"{site.url}/blogs/strike", "--key", fingerprint,
                    "--since", str(tmp_path / "head.json")) == 0
    assert "OK: strike up to event" in capsys.readouterr().out


def cli_main(*args: str) -> int:
    from liveblog import cli

    return cli.main(list(args))


def make_story(site, tmp_path):
    """The story, its mirror, and what each tamper needs to know about it."""
    a, b, c, d = build_story(site)
    mirror = export_mirror(site, tmp_path / "mirror")
    published_b = site.client.get(f"/api/blogs/strike/entries/{b}").json()["published_at"]
    return {"site": site, "mirror": mirror, "a": a, "b": b, "c": c, "d": d, "time_b": published_b}


def _log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def _swap(records: list, n: int) -> list:
    records = list(records)
    records[n], records[n + 1] = records[n + 1], records[n]
    return records


def _withdrawn_back(records: list, c: int) -> list:
    """The withdrawn entry's first event with its text put back (its salt is gone: nothing can vouch for it)."""
    for record in records:
        payload = record.get("payload") or record.get("data")
        if payload.get("id") == c and payload.get("status") == "retracted":
            payload["body"] = "The name of a witness"
            payload["body_html"] = "<p>The name of a witness</p>"
            return records
    raise AssertionError("no event of the withdrawn entry")


def _other_head(head: dict) -> dict:
    return SiteKey(signing.Ed25519PrivateKey.generate()).sign_head(head["blog"], head["seq"], head["hash"],
                                                                   head["time"])


def tamper_mirror(folder: Path, name: str, change: Callable[[str], str]) -> None:
    path = folder / name
    changed = change(path.read_text(encoding="utf-8"))
    assert changed != path.read_text(encoding="utf-8"), "the tamper changed nothing"
    path.write_text(changed, encoding="utf-8")


def replace(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new)


def resub(pattern: str, new: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, new, text)


def jsonl(change: Callable[[list], list]) -> Callable[[str], str]:
    return lambda text: "".join(json.dumps(r) + "\n" for r in change(_log_lines(text)))


def in_feed(change: Callable[[dict], dict]) -> Callable[[str], str]:
    return lambda text: json.dumps(change(json.loads(text)))


def _feed_head(feed: dict) -> dict:
    feed["_liveblog"]["head"] = _other_head(feed["_liveblog"]["head"])
    return feed


def _superseded_by(a: int, other: str, feed: dict) -> dict:
    for item in feed["items"]:
        if item["id"].endswith(f"-{a}"):
            item["_liveblog"]["superseded_by"] = [other]
    return feed


MIRROR_TAMPERS = {
    "a word of a body on the page": ("index.html", lambda s: replace("Police say 60", "Police say 10"),
                                     "entry {a}: the page differs from the signed log (body)"),
    "a word of a body in the feed": ("feed.json", lambda s: replace("Police say 60", "Police say 10"),
                                     "entry {a}: the JSON Feed differs from the signed log (text, html)"),
    "a word of a body in the Atom feed": ("feed.atom", lambda s: replace("Police say 60", "Police say 10"),
                                          "entry {a}: the Atom feed differs from the signed log (content)"),
    "a word of a body in the log": ("log.jsonl", lambda s: replace("Police say 60", "Police say 10"),
                                    "(entry {a}): the payload does not match its digest"),
    "a headline": ("index.html", lambda s: replace("Toll rises", "Toll falls"),
                   "entry {b}: the page differs from the signed log (headline)"),
    "a time": ("index.html", lambda s: replace(f'datetime="{s["time_b"]}"', 'datetime="2020-01-01T00:00:00.000Z"'),
               "entry {b}: the page differs from the signed log (time)"),
    "a correction's earlier text": ("index.html", lambda s: replace("Police say 50", "Police say 5"),
                                    "entry {a}: the page differs from the signed log (earlier text)"),
    "a correction's note": ("index.html", lambda s: replace("Updated figure", "Routine update"),
                            "entry {a}: the page differs from the signed log (correction note)"),
    "a withdrawal's note": ("feed.json", lambda s: replace("Protecting a source", "Legal advice"),
                            "entry {c}: the JSON Feed differs from the signed log"),
    "a supersession on the page pointed elsewhere": (
        "index.html", lambda s: replace(f'Superseded by <a href="#entry-{s["d"]}"',
                                        f'Superseded by <a href="#entry-{s["b"]}"'),
        "entry {a}: the page differs from the signed log (superseded by)"),
    "a supersession in the feed pointed elsewhere": (
        "feed.json", lambda s: in_feed(lambda f: _superseded_by(s["a"], f"strike-{s['b']}", f)),
        "entry {a}: the JSON Feed differs from the signed log (superseded_by)"),
    "a supersession in the Atom feed pointed elsewhere": (
        "feed.atom", lambda s: replace(f'replaces" href="index.html#entry-{s["a"]}"',
                                       f'replaces" href="index.html#entry-{s["b"]}"'),
        "entry {d}: the Atom feed differs from the signed log (supersedes)"),
    "a correction's time on the page": ("index.html", lambda s: resub(r"Corrected \d\d:\d\d", "Corrected 25:61"),
                                        "entry {a}: the page differs from the signed log (correction note)"),
    "a correction's time in the Atom feed": ("feed.atom", lambda s: resub(r"Corrected \d\d:\d\d", "Corrected 25:61"),
                                             "entry {a}: the Atom feed differs from the signed log (content)"),
    "a withdrawal's time in the feed": ("feed.json", lambda s: resub(r"Withdrawn \d\d:\d\d", "Withdrawn 25:61"),
                                        "entry {c}: the JSON Feed differs from the signed log (text, html)"),
    "two events swapped": ("log.jsonl", lambda s: jsonl(lambda r: _swap(r, 2)),
                           "event 4: found where event 3 belongs"),
    "an event dropped": ("log.jsonl", lambda s: jsonl(lambda r: r[:2] + r[3:]),
                         "event 4: found where event 3 belongs"),
    "a withdrawn text put back": ("log.jsonl", lambda s: jsonl(lambda r: _withdrawn_back(r, s["c"])),
                                  "(entry {c}): a withdrawn entry's text differs from its withdrawal"),
    "a withdrawn text put back on the page": (
        "index.html", lambda s: replace('<p class="tombstone">',
                                        '<div class="body">The name of a witness</div><p class="tombstone">'),
        "entry {c}: the page differs from the signed log (body)"),
    "the head signed by another key": ("head.json", lambda s: in_feed(_other_head),
                                       "head: signed by"),
}


def test_a_tampered_mirror_fails_naming_what_changed(site, tmp_path):
    """One change at a time, each to a fresh copy of one mirror."""
    story = make_story(site, tmp_path)
    for name, (file, change, expected) in MIRROR_TAMPERS.items():
        copy = shutil.copytree(story["mirror"], tmp_path / name.replace(" ", "-").replace("'", ""))
        tamper_mirror(copy, file, change(story))
        problems = verify.check(verify.read_dir(copy))
        assert any(expected.format(**story) in p for p in problems), (name, problems)


LABELS = {"Update ": "Обновление ", "Corrected": "Исправлено", "Withdrawn": "Отозвано", "Earlier text": "Ранее",
          "Superseded by the": "Заменено", "Supersedes the": "Заменяет", " update<": "<", " update.": ".",
          "Dec 2026": "ديسمبر 2026"}


def _relabelled(text: str) -> str:
    for label, translated in LABELS.items():
        text = text.replace(label, translated)
    return text


def test_labels_in_another_language_pass_and_a_changed_word_still_fails(site, tmp_path):
    """The page's and the feeds' own labels and made-up titles are not the newsroom's words: translated, the
    mirror still verifies; a word of the newsroom's changed among them still fails, naming the entry."""
    story = make_story(site, tmp_path)
    for name in ("index.html", "feed.json", "feed.atom"):
        tamper_mirror(story["mirror"], name, _relabelled)
    assert verify.check(verify.read_dir(story["mirror"])) == []
    for name in ("index.html", "feed.json", "feed.atom"):
        tamper_mirror(story["mirror"], name, replace("Updated figure", "Routine update"))
    assert verify.check(verify.read_dir(story["mirror"])) == [
        f"entry {story['a']}: the page differs from the signed log (correction note)",
        f"entry {story['a']}: the JSON Feed differs from the signed log (text, html, corrections)",
        f"entry {story['a']}: the Atom feed differs from the signed log (content)"]


def test_a_mirror_wholly_resigned_by_another_key_fails_against_the_fingerprint(site, tmp_path):
    """Head, feed and key.json all replaced: only the fingerprint published elsewhere tells."""
    story = make_story(site, tmp_path)
    mirror, other = story["mirror"], SiteKey(signing.Ed25519PrivateKey.generate())
    head = json.loads((mirror / "head.json").read_text())
    forged = other.sign_head(head["blog"], head["seq"], head["hash"], head["time"])
    (mirror / "head.json").write_text(json.dumps(forged))
    tamper_mirror(mirror, "feed.json", in_feed(lambda f: {**f, "_liveblog": {**f["_liveblog"], "head": forged}}))
    (mirror / "key.json").write_text(json.dumps(other.published()))
    assert verify.check(verify.read_dir(mirror)) == []  # consistent in itself: nothing else can tell
    fingerprint = site.runtime.key.fingerprint
    problems = verify.check(verify.read_dir(mirror), fingerprint=fingerprint)
    assert problems == [f"head: signed by {other.fingerprint}, not by the key {fingerprint}"]
    assert cli_main("verify", str(mirror), "--key", fingerprint) == 1


def in_events(change: Callable[[list], list]) -> Callable[[str], str]:
    return lambda text: json.dumps({**json.loads(text), "events": change(json.loads(text)["events"])})


def _feed_time(b: int, feed: dict) -> dict:
    for item in feed["items"]:
        if item["id"].endswith(f"-{b}"):
            item["date_published"] = "2020-01-01T00:00:00.000Z"
    return feed


WIRE_TAMPERS = {  # name: (the answer changed, the change, what verify must say)
    "a word of a body in the log": ("/events", lambda s: replace("Police say 60", "Police say 10"),
                                    "(entry {a}): the payload does not match its digest"),
    "a word of a body on the page": ("/blogs/strike", lambda s: replace("Police say 60", "Police say 10"),
                                     "entry {a}: the page differs from the signed log (body)"),
    "a headline in the feed": ("feed.json", lambda s: replace("Toll rises", "Toll falls"),
                               "entry {b}: the JSON Feed differs from the signed log (title)"),
    "a headline in the Atom feed": ("feed.atom", lambda s: replace("Toll rises", "Toll falls"),
                                    "entry {b}: the Atom feed differs from the signed log (title)"),
    "a withdrawal's note in the Atom feed": ("feed.atom", lambda s: replace("Protecting a source", "Legal advice"),
                                             "entry {c}: the Atom feed differs from the signed log (comment)"),
    "a time in the feed": ("feed.json", lambda s: in_feed(lambda f: _feed_time(s["b"], f)),
                           "entry {b}: the JSON Feed differs from the signed log (published)"),
    "a correction's earlier text": ("/blogs/strike", lambda s: replace("Police say 50", "Police say 5"),
                                    "entry {a}: the page differs from the signed log (earlier text)"),
    "a word of a body in a streamed event's html": (
        "/events", lambda s: replace('body\\"><p>Hospitals count 70', 'body\\"><p>Hospitals count 7'),
        "'s html differs from the signed log (body)"),
    "a correction's note in the feed": (
        "feed.json", lambda s: replace("Updated figure", "Routine update"),
        "entry {a}: the JSON Feed differs from the signed log (text, html, corrections)"),
    "two events swapped": ("/events", lambda s: in_events(lambda r: _swap(r, 1)),
                           "event 3: found where event 2 belongs"),
    "an event dropped": ("/events", lambda s: in_events(lambda r: r[:1] + r[2:]),
                         "event 3: found where event 2 belongs"),
    "a withdrawn text put back": ("/events", lambda s: in_events(lambda r: _withdrawn_back(r, s["c"])),
                                  "(entry {c}): a withdrawn entry's text differs from its withdrawal"),
    "the head signed by another key": ("feed.json", lambda s: in_feed(_feed_head),
                                       "not by the site's published key"),
}


def test_answers_tampered_on_the_wire_fail_naming_what_changed(site, tmp_path):
    story = make_story(site, tmp_path)
    for name, (where, change, expected) in WIRE_TAMPERS.items():
        edit = change(story)

        def on_the_wire(url: str, body: str, where: str = where, edit: Callable[[str], str] = edit) -> str:
            if not url.split("?")[0].endswith(where):
                return body
            changed = edit(body)
            assert changed != body, "the tamper changed nothing"
            return changed

        problems = verify.check(through(site, on_the_wire))
        assert any(expected.format(**story) in p for p in problems), (name, problems)


def test_a_rewritten_log_fails_since_a_saved_head(site, tmp_path):
    """--since: a head saved earlier must still be in the log; a blog rebuilt with the same story is not."""
    build_story(site)
    fingerprint = site.runtime.key.fingerprint
    saved = tmp_path / "head.json"
    assert cli_main("verify", f"{site.url}/blogs/strike", "--save-head", str(saved)) == 0
    site.entry("strike", "Later news")
    assert cli_main("verify", f"{site.url}/blogs/strike", "--key", fingerprint, "--since", str(saved)) == 0
    head = json.loads(saved.read_text())
    rewritten = {**head, "hash": "B" * 43}
    (tmp_path / "other.json").write_text(json.dumps(site.runtime.key.sign_head(**{k: rewritten[k] for k in
                                                                                 ("blog", "seq", "hash", "time")})))
    problems = verify.check(through(site), since=json.loads((tmp_path / "other.json").read_text()))
    assert problems == [f"--since: the log was rewritten: event {head['seq']} is not the one signed earlier"]


def test_the_key_is_private_to_its_file_and_a_rotation_keeps_old_heads_verifiable(tmp_path, capsys):
    """Mode 0600 from the start; `key rotate` signs the new key with the old, so a head signed before the
    rotation still checks against the new fingerprint, and one signed by an unrelated key does not."""
    path = tmp_path / "liveblog-key.json"
    old = signing.site_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    head = old.sign_head("strike", 3, signing.GENESIS, "2026-01-01T00:00:00.000Z")
    assert cli_main("key", "rotate", "--db", str(tmp_path / "x.db")) == 0
    new = signing.load_key(path)
    assert new.public_hex != old.public_hex and path.stat().st_mode & 0o777 == 0o600
    assert f"New fingerprint: {new.fingerprint}" in capsys.readouterr().out
    [statement] = new.published()["rotations"]
    assert signing.rotation_holds(statement) and statement["old"] == old.public_hex
    assert verify.trusted(head["key"], new.fingerprint, new.rotations)
    assert not verify.trusted(head["key"], new.fingerprint, [])
    stranger = SiteKey(signing.Ed25519PrivateKey.generate())
    assert not verify.trusted(stranger.public_hex, new.fingerprint, new.rotations)
    assert cli_main("key", "show", "--db", str(tmp_path / "x.db")) == 0
    assert new.fingerprint in capsys.readouterr().out


def test_the_private_key_is_in_no_export_and_the_well_known_key_is_the_pages(site, tmp_path):
    build_story(site)
    published = site.client.get("/.well-known/liveblog-key.json").json()
    assert published["public_key"] == site.runtime.key.public_hex
    assert published["fingerprint"] in site.client.get("/blogs/strike").text
    private = site.runtime.key.private.private_bytes_raw().hex()
    done = liveblog_cmd("export", "strike", "--out", str(tmp_path / "m"), "--json", str(tmp_path / "e.json"),
                        db=site.settings.db, env={"LIVEBLOG_KEY_FILE": site.settings.key_path})
    assert done.returncode == 0, done.stderr
    for path in [tmp_path / "e.json", *(tmp_path / "m").rglob("*")]:
        assert private not in path.read_text(errors="replace"), path


def test_events_from_before_the_chain_are_chained_when_the_store_opens(tmp_path, databases):
    """A database whose log was written before signing: the next start chains it, and it verifies."""
    from liveblog import model
    from liveblog.services import ledger
    from liveblog.store import open_store

    url = databases.url(tmp_path / "old.db")

    async def write() -> None:
        store = open_store(url)
        await store.open()
        now = model.utc_now()
        editor = await store.create_user("ed", "editor", "!", now)
        await store.create_blog(slug="old", title="Old", summary="", intro="", intro_html="", by=editor, now=now)
        for n in range(3):
            await store.create_entry("old", author=editor, headline="", body=f"Report {n}",
                                     body_html=f"<p>Report {n}</p>", key_event=False, pinned=False, supersedes=(),
                                     filed_at=None, now=now)
        await store.close()

    async def read() -> verify.Published:
        store = open_store(url)
        await store.open()
        log = await ledger.whole_log(store, "old")
        head = await ledger.signed_head(store, SiteKey(signing.Ed25519PrivateKey.generate()), "old", log[-1]["seq"])
        await store.close()
        return verify.Published(head, log)

    databases.run(write())
    databases.sql(url, "UPDATE events SET salt = NULL, digest = NULL, hash = NULL")
    published = databases.run(read())
    assert len(published.log) == 4 and all(r["hash"] and r["salt"] for r in published.log)
    assert verify.check(published) == []
