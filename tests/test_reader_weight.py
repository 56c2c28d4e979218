"""The reader page is light enough for a cheap phone on a 2G/3G link.

Pins, measured as compressed bytes on the wire from the real server (gzip):
a blog with 50 updates, all on one page, costs under 60 KB for HTML + CSS + JS; its first
screen (head, the stylesheet and the three newest updates) fits in the first 14 KB, one
round trip of a fresh TCP connection; live.js is under 15 KB unminified; each update
pushed over the live stream is under 2,200 bytes on the wire. The text is pseudo-random words,
which compress worse than real prose, so these are upper bounds for typical reports.
"""

from __future__ import annotations

import random
import re
import threading
import zlib

import httpx
import pytest

from liveblog.render import STATIC
from reader_html import parse

FRAME_END = re.compile(rb"(\r\n\r\n|\n\n|\r\r)")
SYLLABLES = ["ka", "lo", "mi", "ten", "ar", "sul", "vid", "ro", "pe", "nat", "gu", "zer", "bo", "lin", "sha", "dro",
             "eng", "qui", "tal", "mor", "fe", "ux", "ja", "pri", "stol", "ne", "we", "cor", "hy", "bal"]


def prose(rng: random.Random, words: int) -> str:
    vocabulary = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(600)]
    sentences = []
    while words > 0:
        n = min(words, rng.randint(8, 18))
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(n)).capitalize() + ".")
        words -= n
    return " ".join(sentences)


def fill(site, count: int = 50) -> None:
    rng = random.Random(4)
    site.blog("strike", title="General strike: live", summary=prose(rng, 25), intro=prose(rng, 120))
    for n in range(count):
        headline = prose(rng, 6)[:-1] if n % 4 == 0 else ""
        e = site.entry("strike", prose(rng, 60), headline=headline, key_event=n % 10 == 0)
        if n % 12 == 0:
            site.client.post(f"/api/blogs/strike/entries/{e['id']}/corrections",
                             json={"body": prose(rng, 60), "note": prose(rng, 12)}, headers=site.headers("editor"))


def wire_size(client: httpx.Client, path: str) -> tuple[int, str]:
    """Bytes as transferred (still compressed) and the decoded text."""
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip", "Accept": "text/html"}) as r:
        assert r.status_code == 200
        assert r.headers.get("content-encoding") == "gzip", path
        text = r.read().decode()
        return r.num_bytes_downloaded, text


def gzip_size(data: bytes) -> int:
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return len(c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))


def test_fifty_updates_cost_under_60_kb_and_first_screen_under_14_kb(site_with):
    site = site_with(page_size=50, posts_per_minute=1000)
    fill(site)
    html_bytes, html = wire_size(site.client, "/blogs/strike")
    doc = parse(html)
    assert len(doc.one(id="entries").all("article")) == 50
    css = doc.one("link", rel="stylesheet").get("href")
    js = next(s.get("src") for s in doc.all("script") if s.get("src"))
    css_bytes, _ = wire_size(site.client, css)
    js_bytes, _ = wire_size(site.client, js)
    total = html_bytes + css_bytes + js_bytes
    print(f"\nwire bytes: html {html_bytes}, css {css_bytes}, js {js_bytes}, total {total}")
    assert total < 60 * 1024

    third = doc.one(id="entries").all("article")[2].get("id")
    end_of_third = html.index("</article>", html.index(f'id="{third}"')) + len("</article>")
    first_screen = gzip_size(html[:end_of_third].encode()) + css_bytes
    print(f"first screen: {first_screen} bytes (html to the 3rd update, compressed, plus the stylesheet)")
    assert first_screen < 14 * 1024


@pytest.mark.unit
def test_live_script_is_small_unminified():
    assert (STATIC / "live.js").stat().st_size < 15 * 1024


def test_a_pushed_update_is_under_2200_bytes_on_the_wire(site):
    """A typical report (a headline and ~400 characters) as one SSE event, headers of the stream aside.

    Measured 2,127 bytes (byline "editor"): SSE framing 35; the signed entry JSON ~1,250 (its ``body`` ~400
    and ``body_html`` ~410, the rest dates, flags and links); ``chain`` 54 (the log's hash, so a reader can
    check the entry); ``html`` ~755 (the article live.js inserts: ~410 of it ``body_html`` again, ~350 the
    header, time link and the byline span ~40). It was under 2,048 until the byline span; 2,200 leaves room
    for a longer byline, not for a new part. Real waste remains: the text goes three times (body, body_html,
    html), which only sending ``html`` without its body (live.js filling it from ``body_html``) would end."""
    rng = random.Random(7)
    site.blog("strike")
    since = site.client.get("/api/blogs/strike").json()["last_event_id"]
    received: list[bytes] = []
    ready = threading.Event()

    def listen() -> None:
        try:
            with httpx.stream("GET", f"{site.url}/blogs/strike/events?since={since}", timeout=10) as r:
                ready.set()
                buf = b""
                for chunk in r.iter_raw():
                    buf += chunk
                    parts = FRAME_END.split(buf)  # frame, separator, frame, separator, ..., rest
                    for frame, end in zip(parts[0:-1:2], parts[1::2], strict=True):
                        if re.search(rb"^event: ?entry\.created\r?$", frame, re.M):
                            received.append(frame + end)
                            return
        except httpx.HTTPError:
            ready.set()

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    assert ready.wait(10)
    body = prose(rng, 66)
    assert 380 <= len(body) <= 450, len(body)
    site.entry("strike", body, headline=prose(rng, 7)[:-1])
    t.join(10)
    assert received, "no entry.created event arrived"
    print(f"\npushed event: {len(received[0])} bytes")
    assert len(received[0]) < 2200
