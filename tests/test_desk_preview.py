"""The desk's Markdown preview shows what will be published (issue 15: `- a` / `- b` was one paragraph in the
preview and a list on the page).

Pins: for every case in tests/js/markdown-cases.json the server's renderer gives exactly the HTML the file holds
(tests/js/text.test.js holds desk-core.js's preview to the same file), and desk-core.js itself, run in Node, gives
the server's HTML for each case; in Chromium, code, bare addresses and raw HTML look as they are published.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from desk import open_desk, published, wait_for
from liveblog.sanitize import render_markdown
from test_sanitize import HOSTILE, problems

CASES_FILE = Path(__file__).parent / "js" / "markdown-cases.json"
CORE = Path(__file__).parent.parent / "static" / "desk-core.js"
CASES: list[dict[str, str]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))


@pytest.mark.unit
def test_the_server_renders_each_case_as_the_preview_is_held_to():
    assert len(CASES) >= 50
    for case in CASES:
        assert render_markdown(case["markdown"]) == case["html"], case["markdown"]


def previews(inputs: list[str]) -> list[str]:
    """desk-core.js's preview of each input, run in Node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node on this machine (make jstest installs Debian's)")
    script = ("const Core = require(process.argv[1]); let s = '';"
              "process.stdin.on('data', d => { s += d; });"
              "process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(s).map(Core.preview))));")
    run = subprocess.run([node, "-e", script, str(CORE)], input=json.dumps(inputs), capture_output=True, text=True,
                         timeout=30, check=True)
    result: list[str] = json.loads(run.stdout)
    return result


@pytest.mark.unit
def test_the_preview_in_node_is_the_servers_html():
    inputs = [c["markdown"] for c in CASES] + ["- a\n- b", "Ports shut:\n\n1. Haifa\n2. Ashdod"]
    assert previews(inputs) == [render_markdown(m) for m in inputs]


@pytest.mark.unit
def test_the_preview_of_hostile_html_is_as_inert_as_the_server_makes_it():
    """The preview now shows the raw HTML the server keeps, put in the desk page as HTML: it must keep no more."""
    for payload, html in zip(HOSTILE, previews(HOSTILE), strict=True):
        assert problems(html) == [], (payload, html)
        assert "<script" not in html.lower() and "<style" not in html.lower()


def test_code_bare_addresses_and_raw_html_are_previewed_as_published(site, page):
    """The preview's former gaps (raw HTML as typed, `example.org` unlinked, no code blocks) and the server's
    (`a<b` in code published as "a&lt;b"), in the page a correspondent sees."""
    open_desk(page, site)
    body = ("Use `a<b && \"c\"` at example.org, <b>now</b> <span>or</span> <q cite=\"https://example.org/q\">soon</q>\n\n"
            "```\nif a < b:\n    go(\"https://example.org\")\n```")
    page.fill("#body", body)
    page.wait_for_function("() => document.querySelector('#preview pre code') !== null")
    shown = page.inner_html("#preview")
    assert "<code>a&lt;b &amp;&amp; \"c\"</code>" in shown and '<a href="http://example.org"' in shown
    assert "<b>now</b> or <q" in shown and "go(\"https://example.org\")" in shown
    page.click("#send")
    wait_for(page, lambda: len(published(site)) == 1)
    assert shown == published(site)[0]["body_html"]
