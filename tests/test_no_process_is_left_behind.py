"""No test leaves a process behind: a server's workers or a tool's helpers still running after the run (an orphan
included, whose parent died and which init adopted) fail the run, and the run kills them; a run stopped by
SIGTERM still ends what its tests started."""

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest

from conftest import ROOT
from processes import leftovers, running, started

CONFTEST = """\
import pytest

from processes import fail_on_leftovers, interrupt_on_termination


def pytest_configure(config):
    interrupt_on_termination()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    fail_on_leftovers(session)
"""


def gone(pid: int, seconds: float = 5) -> bool:
    """Whether ``pid`` is gone (or a zombie) within ``seconds``; if not, it is killed here."""
    deadline = time.monotonic() + seconds
    while running(pid):
        if time.monotonic() > deadline:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return False
        time.sleep(0.05)
    return True


def inner_run(folder: Path, test: str) -> tuple[int, str, int]:
    """Run ``test`` (a module's source) in a pytest of its own with the suite's process checks: its exit status,
    its output, and the pid the test wrote to ``folder/pid``."""
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_inner.py").write_text(test.replace("PID_FILE", repr(str(folder / "pid"))))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    with started([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder)],
                 cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as inner:
        output = inner.communicate(timeout=60)[0]
    return inner.returncode, output, int((folder / "pid").read_text())


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
    assert gone(orphan), "ending the shell's group did not end the orphan"


@pytest.mark.unit
def test_an_orphan_of_a_child_started_without_a_session_is_found_in_our_group():
    """A test that forgets ``popen``: its child's orphan is neither below pytest nor in a session of ours."""
    shell = subprocess.Popen(["sh", "-c", "sleep 60 >/dev/null & echo $!"], stdout=subprocess.PIPE, text=True)
    orphan = int(shell.communicate(timeout=10)[0])
    try:
        assert orphan in leftovers(sessions=set())
    finally:
        os.kill(orphan, signal.SIGKILL)
    assert gone(orphan)


def test_a_run_that_leaves_a_process_running_fails_and_kills_it(tmp_path):
    status, output, leaked = inner_run(tmp_path, (
        "import pathlib, subprocess\n\n\n"
        "def test_forgets_its_child():\n"
        "    pathlib.Path(PID_FILE).write_text(str(subprocess.Popen(['sleep', '60']).pid))\n"
    ))
    assert gone(leaked, seconds=2), f"the leaked process {leaked} was left running:\n{output}"
    assert status == pytest.ExitCode.TESTS_FAILED, output
    assert "1 process(es) the tests started were left running (now killed)" in output, output
    assert f"{leaked}: sleep 60" in output, output


def test_a_run_stopped_by_sigterm_still_ends_what_its_tests_started(tmp_path):
    """A CI timeout's SIGTERM reaches pytest only: the server a test started in its own session would live on."""
    status, output, server = inner_run(tmp_path, (
        "import os, pathlib, signal, time\n\n"
        "from processes import started\n\n\n"
        "def test_stopped_midway():\n"
        "    with started(['sleep', '60']) as proc:\n"
        "        pathlib.Path(PID_FILE).write_text(str(proc.pid))\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        time.sleep(30)\n"
    ))
    assert gone(server, seconds=2), f"the test's process {server} outlived the stopped run:\n{output}"
    assert status == pytest.ExitCode.INTERRUPTED, output
