"""A server killed with SIGKILL mid-burst loses no acknowledged entry (scripts/crash_check.py, 2 runs here)."""

import sys

from conftest import ROOT
from processes import run


def test_sigkill_during_posting_loses_nothing_acknowledged():
    done = run([sys.executable, "scripts/crash_check.py", "--runs", "2", "--clients", "4"],
               timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 runs lost nothing" in done.stdout
    assert done.stdout.count("OK") == 2


def test_a_run_without_acknowledged_posts_fails():
    """No clients, nothing acknowledged before the kill: the run proved nothing and must not pass."""
    done = run([sys.executable, "scripts/crash_check.py", "--runs", "1", "--clients", "0"],
               timeout=120, cwd=ROOT)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no post was acknowledged" in done.stdout and "0 of 1 runs lost nothing" in done.stdout
