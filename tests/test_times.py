"""Times are UTC in JSON and GMT in time_gmt, whatever the server's local time zone."""

from datetime import UTC, datetime

import httpx
import pytest

from liveblog.model import ValidationError, date_gmt, iso, parse_iso, time_gmt


@pytest.mark.unit
def test_gmt_formatting_ignores_offsets():
    ny = parse_iso("2026-11-22T12:54:03-05:00")
    assert iso(ny) == "2026-11-22T17:54:03.000Z"
    assert time_gmt(ny) == "17:54 GMT"
    assert date_gmt(ny) == "22 Nov 2026"


def test_a_server_in_new_york_still_speaks_gmt(spawn, tmp_path):
    server = spawn(tmp_path / "ny.db", env={"TZ": "America/New_York"})
    token = server.token()
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.post(server.url + "/api/blogs", json={"slug": "ny", "title": "NY"}, headers=headers).status_code == 201
    entry = httpx.post(server.url + "/api/blogs/ny/entries", json={"body": "x"}, headers=headers).json()
    now = datetime.now(UTC)
    published = datetime.fromisoformat(entry["published_at"].replace("Z", "+00:00"))
    assert entry["published_at"].endswith("Z")
    assert abs((now - published).total_seconds()) < 60
    assert entry["time_gmt"] == published.strftime("%H:%M GMT")


def test_a_time_whose_offset_leaves_the_calendar_is_refused_not_a_crash(site):
    """Year 1 or 9999 with an offset that carries it past the calendar was an OverflowError: a traceback from
    `liveblog import`, and a 500 for a post's filed_at."""
    for text in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        with pytest.raises(ValidationError) as refused:
            parse_iso(text, "filed_at")
        assert (refused.value.field, refused.value.message) == ("filed_at", "is outside the years a time can have")
    site.blog("strike")
    r = site.post("strike", "Late", filed_at="0001-01-01T00:00:00+01:00")
    assert r.status_code == 422 and r.json()["detail"]["field"] == "filed_at", r.text
