"""Processes the tests start, and the check that none outlives the run (conftest's ``pytest_sessionfinish``).

Every server or tool a test starts runs in its own session (``start_new_session``), so ending its process group
ends what it started too: a server's workers, a bench's readers, a crash check's servers. ``started`` and ``run``
end the group even when the test fails or times out. At the end of the run, any process still alive below
pytest, or in a session a test started (an orphan is adopted by init but keeps its session), fails the run and
is killed, so a leak cannot come back silently.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NamedTuple

import pytest

SESSIONS: set[int] = set()  # the session id (its first process's pid) of every process a test started
GRACE = 5.0  # seconds a process ended at teardown (a browser, a worker) gets to finish exiting


def popen(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen`` in a session of its own, recorded for the end-of-run check."""
    proc = subprocess.Popen(args, start_new_session=True, **kwargs)
    SESSIONS.add(proc.pid)
    return proc


def end(proc: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Kill the whole process group ``proc`` leads (whatever it started, even if it has exited) and reap it."""
    with suppress(ProcessLookupError):  # the group is empty: everything in it has exited
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout)
    SESSIONS.discard(proc.pid)  # ended: its pid may now be reused, even as another program's session


@contextmanager
def started(args: Sequence[str], **kwargs: Any) -> Iterator[subprocess.Popen[Any]]:
    """A process in its own session for the ``with`` block; its whole group is ended after it, failure or not."""
    proc = popen(args, **kwargs)
    try:
        yield proc
    finally:
        end(proc)


def run(args: Sequence[str], *, timeout: float, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(args, capture_output=True, text=True, timeout=...)``, but a timeout (or anything else)
    ends the whole group, not only the first process."""
    with started(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs) as proc:
        out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


class Stat(NamedTuple):
    state: str
    ppid: int
    pgrp: int
    sid: int
    start: int  # clock ticks after boot


def _table() -> dict[int, Stat]:
    """Every process, read from /proc (empty where there is none)."""
    table: dict[int, Stat] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it exited while we looked
        fields = stat[stat.rindex(")") + 2:].split()  # the name in (...) may hold spaces
        table[int(entry.name)] = Stat(fields[0], int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19]))
    return table


def leftovers(root: int | None = None, sessions: set[int] = SESSIONS) -> dict[int, str]:
    """Processes still running that ``root`` (this process by default) started: pid → command.

    Below it; or in one of ``sessions``; or orphaned in its own process group: a child started without a
    session of its own whose parent died keeps the group, adopted by init, and started after ``root``. Only
    init's: the rest of the group may be a shell pipeline's other commands (``pytest | tail``), not ours."""
    root = os.getpid() if root is None else root
    table = _table()

    def chain(pid: int) -> list[int]:
        """``pid``'s ancestors, nearest first."""
        found: list[int] = []
        while pid in table and table[pid].ppid not in found and table[pid].ppid != 0:
            pid = table[pid].ppid
            found.append(pid)
        return found

    me = table.get(root)

    def orphaned_here(pid: int, stat: Stat) -> bool:
        return me is not None and stat.pgrp == me.pgrp and stat.ppid == 1 and stat.start >= me.start

    found = {pid for pid, stat in table.items()
             if pid != root and stat.state not in ("Z", "X")
             and (stat.sid in sessions or root in chain(pid) or orphaned_here(pid, stat))}
    return {pid: _command(pid) for pid in sorted(found)}


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie waiting for its parent)."""
    stat = _table().get(pid)
    return stat is not None and stat.state not in ("Z", "X")


def _command(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def interrupt_on_termination() -> None:
    """SIGTERM or SIGHUP to the run (a CI timeout, a closed terminal) interrupts it as Ctrl-C does, so every
    teardown still ends what it started: a process in a session of its own gets none of the run's signals."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)


def fail_on_leftovers(session: pytest.Session) -> None:
    """Fail the run if any process a test started is still alive (after a short grace), and kill it."""
    deadline = time.monotonic() + GRACE
    left = leftovers()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = leftovers()
    if not left:
        return
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) the tests started were left running (now killed):"]
    lines += [f"  {pid}: {command.strip()[:200]}" for pid, command in left.items()]
    if reporter is not None:
        reporter.write_line("\n".join(lines), red=True, bold=True)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
