"""Every response carries the security headers; HSTS only over HTTPS (directly or via a trusted proxy)."""

import httpx
import pytest


@pytest.mark.parametrize("path", ["/", "/blogs/strike", "/api/blogs", "/blogs/strike/feed.json", "/nope"])
def test_security_headers_everywhere(site, path):
    site.blog("strike")
    r = site.client.get(path)
    csp = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in r.headers


def test_hsts_behind_a_trusted_https_proxy(spawn, tmp_path):
    server = spawn(tmp_path / "proxy.db", env={"LIVEBLOG_PROXY_HEADERS": "true", "FORWARDED_ALLOW_IPS": "127.0.0.1"})
    forwarded = httpx.get(server.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers["strict-transport-security"].startswith("max-age=")
    plain = httpx.get(server.url + "/healthz")
    assert "strict-transport-security" not in plain.headers
