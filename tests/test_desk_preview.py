"""The desk's Markdown preview shows what will be published (issue 15: `- a` / `- b` was one paragraph in the
preview and a list on the page).

Pins: for every case in tests/js/markdown-cases.json the server's renderer gives exactly the HTML the file holds
(tests/js/text.test.js holds desk-core.js's preview to the same file), and desk-core.js itself, run in Node, gives
the server's HTML for each case.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from liveblog.sanitize import render_markdown

CASES_FILE = Path(__file__).parent / "js" / "markdown-cases.json"
CORE = Path(__file__).parent.parent / "static" / "desk-core.js"
CASES: list[dict[str, str]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))


@pytest.mark.unit
def test_the_server_renders_each_case_as_the_preview_is_held_to():
    assert len(CASES) >= 50
    for case in CASES:
        assert render_markdown(case["markdown"]) == case["html"], case["markdown"]


@pytest.mark.unit
def test_the_preview_in_node_is_the_servers_html():
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node on this machine (make jstest installs Debian's)")
    script = ("const Core = require(process.argv[1]); let s = '';"
              "process.stdin.on('data', d => { s += d; });"
              "process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(s).map(Core.preview))));")
    inputs = [c["markdown"] for c in CASES] + ["- a\n- b", "Ports shut:\n\n1. Haifa\n2. Ashdod"]
    run = subprocess.run([node, "-e", script, str(CORE)], input=json.dumps(inputs), capture_output=True, text=True,
                         timeout=30, check=True)
    assert json.loads(run.stdout) == [render_markdown(m) for m in inputs]
