"""The render cache: pages, entry pages, feeds and the API's blog read are rendered once per (blog, head,
variant), served from memory with no query until the log moves, never older than a change the client saw."""

import asyncio
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

FOLLOWER = {"events_after", "wait_for_change"}  # the hub's own reads, in the background


@contextmanager
def recorded(store: Any) -> Iterator[list[str]]:
    """Every call a request makes to the real store (the hub's follower aside), by method name."""
    calls: list[str] = []
    names = [n for n in dir(type(store)) if not n.startswith("_") and n not in FOLLOWER
             and asyncio.iscoroutinefunction(getattr(store, n))]

    def wrap(name: str) -> Callable[..., Any]:
        method = getattr(store, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return await method(*args, **kwargs)
        return call

    for name in names:
        setattr(store, name, wrap(name))
    try:
        yield calls
    finally:
        for name in names:
            delattr(store, name)


def caught_up(site: Any, slug: str) -> None:
    """Waits (no timing asserted) until the hub has followed this process's writes to ``slug``."""
    runtime = site.runtime
    deadline = time.monotonic() + 10
    while runtime.hub.heads.get(slug, 0) < runtime.store.written.get(slug, 0) and time.monotonic() < deadline:
        time.sleep(0.01)


def counters(site: Any) -> dict[str, int]:
    return site.client.get("/healthz").json()["render_cache"]  # type: ignore[no-any-return]


PATHS = ["/blogs/strike", "/blogs/strike/feed.json", "/blogs/strike/feed.atom", "/api/blogs/strike",
         "/blogs/strike/entries/{id}"]


@pytest.mark.parametrize("path", PATHS)
def test_hits_and_304s_make_no_query_and_a_post_is_seen_at_once(site, path):
    site.blog("strike")
    entry = site.entry("strike", "first")
    path = path.format(id=entry["id"])
    caught_up(site, "strike")
    first = site.client.get(path)
    assert first.status_code == 200 and "first" in first.text
    with recorded(site.runtime.store) as calls:
        hit = site.client.get(path)
        unchanged = site.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert calls == []
    assert hit.content == first.content and hit.headers["etag"] == first.headers["etag"]
    assert unchanged.status_code == 304 and unchanged.content == b""
    # the page of a 201 is never the cached one, even before the hub has followed the post
    r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections",
                         json={"body": "corrected", "note": "n"}, headers=site.headers("editor"))
    assert r.status_code == 200
    after = site.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200 and "corrected" in after.text and after.headers["etag"] != first.headers["etag"]


def test_a_crowd_after_a_change_causes_one_render(site):
    site.blog("strike")
    site.entry("strike", "before")
    assert "before" in site.client.get("/blogs/strike").text
    store = site.runtime.store
    list_entries = store.list_entries

    async def slow(*args: Any, **kwargs: Any) -> Any:  # holds the render open while the crowd arrives
        await asyncio.sleep(0.3)
        return await list_entries(*args, **kwargs)

    site.entry("strike", "the news")
    renders = counters(site)["renders"]
    store.list_entries = slow
    barrier = threading.Barrier(40)

    def read(_: int) -> str:
        barrier.wait()
        return client.get("/blogs/strike").text

    try:
        with ThreadPoolExecutor(40) as pool, httpx.Client(base_url=site.url, timeout=30) as client:
            pages = list(pool.map(read, range(40)))
    finally:
        del store.list_entries
    assert all("the news" in p for p in pages)
    assert counters(site)["renders"] == renders + 1


def test_variants_are_kept_apart_and_nothing_per_person_is_cached(site):
    site.blog("strike")
    for i in range(25):  # more than a page
        site.entry("strike", f"update {i}")
    port = site.url.rsplit(":", 1)[1]
    plain = site.client.get("/blogs/strike")
    other_host = site.client.get("/blogs/strike", headers={"Host": f"localhost:{port}"})
    assert f"http://127.0.0.1:{port}/blogs/strike" in plain.text
    assert f"http://localhost:{port}/blogs/strike" in other_host.text and "127.0.0.1" not in other_host.text
    older = site.client.get("/blogs/strike", params={"before": plain.text.split("before=")[1].split('"')[0]})
    assert older.status_code == 200 and older.content != plain.content and "update 0" in older.text
    signed_in = site.client.get("/blogs/strike", headers={"Authorization": site.headers("editor")["Authorization"],
                                                          "Cookie": "session=someone"})
    assert signed_in.content == plain.content
    squeezed = httpx.get(site.url + "/blogs/strike", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["content-encoding"] == "gzip" and squeezed.content == plain.content
    smaller = httpx.get(site.url + "/blogs/strike", headers={"Accept-Encoding": "gzip, br"})
    assert smaller.headers["content-encoding"] == "br" and smaller.content == plain.content
    no_br = httpx.get(site.url + "/blogs/strike", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert no_br.headers["content-encoding"] == "gzip"
    identity = httpx.get(site.url + "/blogs/strike", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in identity.headers and identity.content == plain.content
    with httpx.Client() as client, client.stream("GET", site.url + "/blogs/strike",
                                                 headers={"Accept-Encoding": "gzip"}) as raw:
        assert gzip.decompress(b"".join(raw.iter_raw())) == plain.content and raw.headers["vary"] == "Accept-Encoding"


def test_memory_is_bounded_by_the_setting(site_with):
    site = site_with(render_cache_bytes=40_000)
    site.blog("strike")
    for i in range(12):
        site.entry("strike", f"update {i} " + "words " * 200)
        assert site.client.get("/blogs/strike").status_code == 200
        assert site.client.get("/blogs/strike/feed.json").status_code == 200
    stats = counters(site)
    assert 0 < stats["bytes"] <= 40_000 and stats["evictions"] > 0


def test_two_workers_never_serve_a_page_older_than_the_201(spawn, tmp_path):
    """With the log polled only every 2 s, a worker's hub lags far behind the other's writes: the pages must not."""
    server = spawn(tmp_path / "workers.db", "--workers", "2", env={"LIVEBLOG_POLL_INTERVAL": "2"})
    headers = {"Authorization": f"Bearer {server.token()}"}
    assert httpx.post(server.url + "/api/blogs", json={"slug": "w", "title": "W"}, headers=headers).status_code == 201
    etags: dict[str, str] = {}
    for i in range(5):
        for path in ("/blogs/w", "/blogs/w/feed.json", "/api/blogs/w"):  # warm both workers' caches
            for _ in range(2):
                r = httpx.get(server.url + path)
                etags[path] = r.headers["etag"]
        r = httpx.post(server.url + "/api/blogs/w/entries", json={"body": f"news {i}"}, headers=headers)
        assert r.status_code == 201
        for path, etag in etags.items():
            for _ in range(3):  # each on a new connection, so on whichever worker the kernel picks
                page = httpx.get(server.url + path, headers={"If-None-Match": etag})
                assert page.status_code == 200 and f"news {i}" in page.text, (i, path)


def test_a_page_cached_in_the_second_of_its_change_gets_last_modified_once_that_second_is_over(site):
    site.blog("strike")
    site.entry("strike", "news")
    caught_up(site, "strike")
    first = site.client.get("/blogs/strike/feed.json")  # most likely in the second of the post: no date yet
    time.sleep(1.05)
    later = site.client.get("/blogs/strike/feed.json")
    assert later.headers["etag"] == first.headers["etag"] and later.headers["last-modified"].endswith(" GMT")
    since = site.client.get("/blogs/strike/feed.json", headers={"If-Modified-Since": later.headers["last-modified"]})
    assert since.status_code == 304
