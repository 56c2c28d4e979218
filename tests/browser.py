"""Real headless Chromium for browser tests (loaded from conftest via ``pytest_plugins``).

``browser``: one Debian chromium per session, driven by Python Playwright.
``page``: a fresh context and page at a phone viewport (390x844) for each test.
``new_page(**context_options)``: more pages, e.g. ``new_page(java_script_enabled=False)``.
Every page fails its test if the browser reports a CSP violation or a script error.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    problems: list[str] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(viewport=options.pop("viewport", PHONE), **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        page.on("console", lambda msg: problems.append(f"console: {msg.text}")
                if "Content Security Policy" in msg.text else None)
        return page

    yield make
    for c in contexts:
        c.close()
    assert not problems, problems


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()
