"""The server answers a health check with its schema version and its render cache's counters."""

from liveblog.store.sqlite import SCHEMA_VERSION


def test_healthz_reports_schema_version(site):
    r = site.client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("status", "schema_version")} == {"status": "ok", "schema_version": SCHEMA_VERSION}
    assert set(body["render_cache"]) == {"hits", "misses", "renders", "not_modified", "evictions", "entries", "bytes",
                                         "max_bytes"}
