"""Our pages need nothing the strict CSP forbids, and their assets cache well.

Pins: no inline script (the only script without ``src`` is the non-executed JSON-LD
block), no ``style`` attributes or ``<style>`` blocks, no ``on*`` handlers, on every
page kind including an entry with hostile Markdown; the CSP header is present; static
files linked by content hash are cacheable for a year, and the hash changes with the file.
"""

from __future__ import annotations

import pytest

from liveblog.render import asset_url
from reader_html import parse


def inline_violations(html):
    doc = parse(html)
    found = []
    for node in doc.all():
        if node.tag == "script" and not node.get("src") and node.get("type") != "application/ld+json":
            found.append("inline <script>")
        if node.tag == "style":
            found.append("<style> block")
        found += [f"{node.tag} {name}=" for name in node.attrs if name == "style" or name.startswith("on")]
        if node.get("href", "").lower().startswith("javascript:"):
            found.append("javascript: link")
    return found


def test_no_page_needs_inline_script_or_style(site):
    site.blog("strike", intro="<script>alert(1)</script><p style='color:red' onclick='x()'>intro</p>")
    e = site.entry("strike", "<img src=x onerror=alert(1)> [link](javascript:alert(1)) <b style='x'>bold</b>",
                   key_event=True, pinned=True)
    site.client.post(f"/api/blogs/strike/entries/{e['id']}/corrections",
                     json={"body": "<script>bad()</script> fixed", "note": "<i onmouseover=x>note</i>"},
                     headers=site.headers("editor"))
    for path in ("/", "/blogs/strike", f"/blogs/strike/entries/{e['id']}", "/blogs/missing"):
        r = site.client.get(path, headers={"Accept": "text/html"})
        assert r.headers["content-type"].startswith("text/html"), path
        assert inline_violations(r.text) == [], path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp


def test_hashed_assets_are_cached_for_a_year(site):
    html = site.client.get("/").text
    css = parse(html).one("link", rel="stylesheet").get("href")
    assert css == asset_url("site.css") and "?v=" in css
    r = site.client.get(css)
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-type"].startswith("text/css")
    plain = site.client.get("/static/site.css")
    assert plain.headers["cache-control"] == "no-cache" and plain.headers["etag"]
    again = site.client.get("/static/site.css", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.unit
def test_the_asset_hash_follows_the_content(tmp_path, monkeypatch):
    from liveblog import render

    (tmp_path / "a.css").write_text("a{}")
    monkeypatch.setattr(render, "STATIC", tmp_path)
    render.asset_url.cache_clear()
    try:
        first = render.asset_url("a.css")
        (tmp_path / "a.css").write_text("a{color:red}")
        render.asset_url.cache_clear()
        assert render.asset_url("a.css") != first
    finally:
        render.asset_url.cache_clear()
