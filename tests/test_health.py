"""The server answers a health check with its schema version."""

from liveblog.store.sqlite import SCHEMA_VERSION


def test_healthz_reports_schema_version(site):
    r = site.client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "schema_version": SCHEMA_VERSION}
