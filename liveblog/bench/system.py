"""What the bench reads from and does to processes: file descriptor limits, cores, CPU, memory, ports.

Linux only (``/proc``, ``sched_setaffinity``); every port is a free one on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess

from ..connections import raise_descriptor_limit


def raise_fd_limit() -> None:
    """Every file descriptor the hard limit allows: thousands of readers are thousands of sockets.
    Also given as ``preexec_fn`` to the processes the bench starts. The server's own rule
    (``connections.raise_descriptor_limit``), which also handles an unlimited hard limit."""
    raise_descriptor_limit()


def pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {cpu % (os.cpu_count() or 1)})


def pinned(cpu: int | None) -> list[str]:
    """The ``taskset`` prefix that keeps a started process on ``cpu`` (none on one core, or unpinned)."""
    return ["taskset", "-c", str(cpu)] if cpu is not None and (os.cpu_count() or 1) > 1 else []


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` different free loopback ports: each is held until all are chosen, since a port closed at once
    may be handed out again by the next call (Pushpin then found two of its services on one port)."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]


def with_children(pid: int) -> list[int]:
    """A process and those it started (uvicorn's workers, nginx's, Pushpin's services): what it costs."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [pid] + [int(p) for p in children.stdout.split()]


def prepare_process(cpu: int | None) -> None:
    """A load process: its own core, every file descriptor it may have, and uvloop when installed."""
    if cpu is not None:
        pin(cpu)
    raise_fd_limit()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


def fds(pids: list[int]) -> int:
    return sum(len(os.listdir(f"/proc/{pid}/fd")) for pid in pids if os.path.isdir(f"/proc/{pid}/fd"))
