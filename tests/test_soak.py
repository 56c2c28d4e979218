"""Soak, the CI-sized version: 2,000 readers stay while 5 correspondents post every second for 60 s.

Nothing lost or duplicated, memory flat after warm-up, and every file descriptor given back when the
readers leave. The full 10-minute run is `liveblog bench --soak` (figures in the README).
"""

import json
import sys

from conftest import ROOT
from processes import run


def test_soak_for_a_minute():
    done = run([sys.executable, "-m", "liveblog", "bench", "--soak", "--readers", "2000",
                "--duration", "60", "--json"], timeout=400, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["readers_connected"] == 2000 and result["posts"] >= 150  # 5 writers x 60 s, fewer on a loaded machine
    assert result["events_lost"] == 0 and result["duplicates"] == 0
    assert result["fds_after_readers_left"] <= result["fds_before_readers"] + 5
    assert result["rss_growth_after_warmup_mib"] < 8, result["rss_mib_samples"]
