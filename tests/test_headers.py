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


TRUSTED = {"FORWARDED_ALLOW_IPS": "127.0.0.1"}  # the test client is where the proxy would be


@pytest.mark.parametrize("args,env,trusted", [
    (["--proxy-headers"], {}, True),
    ([], {"LIVEBLOG_PROXY_HEADERS": "true"}, True),
    ([], {}, False),
    (["--no-proxy-headers"], {"LIVEBLOG_PROXY_HEADERS": "true"}, False),  # the flag wins over the variable
], ids=["flag", "variable", "neither", "flag-off-wins"])
def test_hsts_only_when_the_proxys_https_is_trusted(spawn, tmp_path, args, env, trusted):
    """X-Forwarded-Proto: https means HSTS only with proxy headers on; otherwise anyone could claim it."""
    server = spawn(tmp_path / "proxy.db", *args, env={**TRUSTED, **env})
    forwarded = httpx.get(server.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
    if trusted:
        assert forwarded.headers["strict-transport-security"].startswith("max-age=")
    else:
        assert "strict-transport-security" not in forwarded.headers
    plain = httpx.get(server.url + "/healthz")
    assert "strict-transport-security" not in plain.headers


def test_serve_names_no_server_software(spawn, tmp_path):
    """No `server: uvicorn` banner: nothing tells a scanner which software and version to aim at."""
    server = spawn(tmp_path / "banner.db")
    for path in ("/", "/healthz", "/blogs/nope/events"):
        assert "server" not in httpx.get(server.url + path).headers, path
