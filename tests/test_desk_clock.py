"""A phone whose clock is wrong still posts, and its posts carry filed_at on the server's clock.

Cheap phones that lost power wake up hours off, and the server refuses a filed_at more than
30 s in the future or before the blog began. Pins (headless Chromium, 390x844, the page's
clock moved with Playwright's page.clock): a phone hours ahead or behind posts at once with
filed_at within seconds of the real time; a clock that jumps after the page loaded is
corrected from the server's refusal and the post still arrives, once; a page reopened from
the phone's cache with no connection keeps the offset it learned rather than trusting the
time written in the cached page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desk import at, browser_sign_in, open_desk, post, published, wait_for, waiting


def now() -> datetime:
    return datetime.now(UTC)


def arrives_filed_about(page, site, written: datetime, within: float) -> None:
    wait_for(page, lambda: len(published(site)) == 1)
    waiting(page, 0)
    [entry] = published(site)
    assert abs((at(entry["filed_at"]) - written).total_seconds()) < within, (entry["filed_at"], written)


@pytest.mark.parametrize("hours", [5, -5], ids=["ahead", "behind"])
def test_a_phone_hours_off_posts_with_a_sane_filed_at(site, page, hours):
    site.blog("strike")
    browser_sign_in(page, site, "amal")
    page.clock.install(time=now() + timedelta(hours=hours))
    page.goto(site.url + "/desk/strike")
    written = now()
    post(page, "Filed from a phone whose clock is wrong.")
    arrives_filed_about(page, site, written, within=3)


def test_a_clock_that_jumps_after_the_page_loaded_is_corrected_by_the_server(site, page):
    page.clock.install(time=now())
    open_desk(page, site)
    page.wait_for_timeout(500)  # the desk has asked the server's time
    page.clock.set_system_time(now() + timedelta(hours=3))  # a flat battery, a wrong network time
    written = now()
    post(page, "Filed after the phone's clock jumped.")
    arrives_filed_about(page, site, written, within=3)


def test_a_page_from_the_phones_cache_keeps_the_offset_it_learned(site, page):
    page.clock.install(time=now() + timedelta(hours=5))
    open_desk(page, site, offline_ready=True)
    page.wait_for_timeout(4000)  # the cached copy of the page grows old
    page.context.set_offline(True)
    page.reload()
    written = now()
    post(page, "Filed from the cached page.")
    waiting(page, 1)
    page.context.set_offline(False)
    arrives_filed_about(page, site, written, within=1.5)
