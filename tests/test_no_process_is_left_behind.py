"""No test leaves a process behind: a server's workers or a tool's helpers still running after the run (an orphan
included, whose parent died and which init adopted) fail the run, and the run kills them."""

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from processes import leftovers, started


@pytest.mark.unit
def test_a_process_still_running_is_found_until_its_group_is_ended():
    with started(["sleep", "60"]) as proc:
        assert proc.pid in leftovers()
    assert proc.pid not in leftovers()


@pytest.mark.unit
def test_an_orphan_is_found_by_its_session_and_ended_with_its_group():
    """The shell exits at once; the sleep it started is adopted by init, no longer below pytest, but in its session."""
    with started(["sh", "-c", "sleep 60 >/dev/null & echo $!"], stdout=subprocess.PIPE, text=True) as shell:
        orphan = int(shell.communicate(timeout=10)[0])
        assert orphan in leftovers()
        assert orphan not in leftovers(sessions=set()), "its parent chain no longer reaches us: found by its session"
    deadline = time.monotonic() + 5
    while orphan in leftovers():
        assert time.monotonic() < deadline, "ending the shell's group did not end the orphan"
        time.sleep(0.05)


def test_a_run_that_leaves_a_process_running_fails_and_kills_it(tmp_path):
    pid_file = tmp_path / "pid"
    (tmp_path / "conftest.py").write_text(
        "from processes import fail_on_leftovers\n\n\n"
        "def pytest_sessionfinish(session):\n"
        "    fail_on_leftovers(session)\n"
    )
    (tmp_path / "test_leak.py").write_text(
        "import pathlib, subprocess\n\n\n"
        "def test_forgets_its_child():\n"
        f"    pathlib.Path({str(pid_file)!r}).write_text(str(subprocess.Popen(['sleep', '60']).pid))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    with started([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)],
                 cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as inner:
        output = inner.communicate(timeout=60)[0]
        leaked = int(pid_file.read_text())
        deadline = time.monotonic() + 2
        while leaked in leftovers(sessions={inner.pid}):  # the inner run's session, before it is ended here
            assert time.monotonic() < deadline, f"the leaked process {leaked} was left running:\n{output}"
            time.sleep(0.05)
    assert inner.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert "1 process(es) the tests started were left running (now killed)" in output, output
    assert f"{leaked}: sleep 60" in output, output
