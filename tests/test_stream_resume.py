"""A reader that reconnects gets every missed event once, in order, then live ones: no gap, no duplicate."""

import time
from urllib.parse import quote

from sse import events, meanwhile, read_stream


def seqs(frames):
    return [int(f.id) for f in events(frames)]


def test_reconnect_with_last_event_id_gets_what_was_missed(site):
    site.blog("strike")
    for i in range(3):
        site.entry("strike", f"before {i}")
    first = read_stream(f"{site.url}/blogs/strike/events?since=0", until=lambda f: len(events(f)) >= 4)
    last_id = events(first)[-1].id
    assert last_id == "4"
    for i in range(3):
        site.entry("strike", f"while away {i}")
    again = read_stream(f"{site.url}/blogs/strike/events?since=1", headers={"Last-Event-ID": last_id},
                        until=lambda f: len(events(f)) >= 3)
    assert seqs(again) == [5, 6, 7]
    assert [f.json()["body"] for f in events(again)] == ["while away 0", "while away 1", "while away 2"]


def test_since_in_the_url_works_without_the_header(site):
    site.blog("strike")
    site.entry("strike", "a")
    site.entry("strike", "b")
    frames = read_stream(f"{site.url}/blogs/strike/events?since=2", until=lambda f: len(events(f)) >= 1)
    assert seqs(frames) == [3]


def test_an_event_written_during_the_replay_arrives_exactly_once(site):
    """A long replay (several database pages) while posts keep arriving: the seam has no gap and no repeat."""
    site.blog("strike")
    store = site.runtime.store
    (editor, _) = site.call(store.get_user("editor"))

    async def backlog():
        from liveblog.model import utc_now
        for i in range(1100):
            await store.create_entry("strike", author=editor, headline="", body=f"old {i}", body_html=f"<p>old {i}</p>",
                                     key_event=False, pinned=False, supersedes=(), filed_at=None, now=utc_now())

    site.call(backlog())

    def post_during_replay():
        for i in range(20):
            site.entry("strike", f"new {i}")
            time.sleep(0.01)

    total = 1 + 1100 + 20
    with meanwhile() as later:
        frames = read_stream(f"{site.url}/blogs/strike/events?since=0", until=lambda f: len(events(f)) >= total,
                             on_open=lambda response: later(post_during_replay), timeout=60)
    assert seqs(frames) == list(range(1, total + 1))


def test_bad_last_event_ids_get_a_reset_not_an_error(site):
    site.blog("strike")
    site.entry("strike", "a")
    # "²" is a digit to str.isdigit but not to int, "١" to both: only ASCII digits are a position. A header's
    # bytes are read as latin-1, so these two reach isdigit only through the query.
    for bad in ["abc", "99", "-1", "1e3", "99999999999999999999999", "²", "١"]:
        for headers, query in (({"Last-Event-ID": bad.encode()}, ""), (None, "?since=" + quote(bad))):
            frames = read_stream(f"{site.url}/blogs/strike/events{query}", headers=headers,
                                 until=lambda f: len(events(f)) >= 1)
            reset = events(frames)[0]
            assert reset.event == "reset", (bad, headers, query)
            assert reset.json()["last_event_id"] == 2 and reset.id == "2"


def test_after_a_reset_live_events_follow(site):
    site.blog("strike")

    with meanwhile() as later:
        frames = read_stream(f"{site.url}/blogs/strike/events?since=500", until=lambda f: len(events(f)) >= 2,
                             on_open=lambda response: later(lambda: site.entry("strike", "live"), 0.2))
    assert [f.event for f in events(frames)] == ["reset", "entry.created"]


def test_a_withdrawn_text_never_comes_back_in_a_replay(site):
    """Retraction rewrites the entry's earlier events; the hub's cache of encoded frames must forget them too."""
    site.blog("strike")
    entry = site.entry("strike", "name of the source")
    hub = site.runtime.hub
    deadline = time.monotonic() + 10
    while hub.heads.get("strike", 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ("strike", 2) in hub.frames, "the live frame was cached before the retraction"
    site.client.post(f"/api/blogs/strike/entries/{entry['id']}/retraction", json={"note": "endangers a source"},
                     headers=site.headers("editor"))
    frames = read_stream(f"{site.url}/blogs/strike/events?since=0", until=lambda f: len(events(f)) >= 3)
    assert [f.event for f in events(frames)] == ["blog.updated", "entry.created", "entry.retracted"]
    assert not any("name of the source" in f.data for f in frames)
