"""What the bench measures: Liveblog started on a temporary database (alone, behind Pushpin or nchan),
the floor, nchan alone, or a server given with ``--url``; started, restarted and stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from . import nginx, pushpin
from .system import free_port, pinned, raise_fd_limit, with_children


@dataclass
class Target:
    """What is measured: ``url`` takes the posts; readers connect to ``read_url`` (Pushpin or nginx
    with nchan in front of the origin, or the origin itself)."""

    url: str
    token: str
    process: subprocess.Popen[bytes] | None
    kind: str = "liveblog"  # liveblog | baseline | nchan-alone
    edge: pushpin.Pushpin | nginx.Nginx | None = None
    command: list[str] | None = None  # how the bench started it, to start it again
    env: dict[str, str] | None = None
    log_path: str | None = None

    def restart(self) -> float:
        """A deploy: SIGTERM (streams end, readers drop), then a new process on the same port and database.
        Returns when the new one answered."""
        if self.process is None or self.command is None or self.log_path is None:
            raise RuntimeError("only a server the bench started can be restarted")
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                            preexec_fn=raise_fd_limit)
        wait_until_up(self.url + "/healthz", self.process)
        return time.time()

    @property
    def read_url(self) -> str:
        return self.edge.url if self.edge is not None else self.url

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        return with_children(self.process.pid)

    def edge_pids(self) -> list[int]:
        return self.edge.pids() if self.edge is not None else []


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError("the server under test exited")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def nginx_workers(readers: int) -> int:
    """nginx processes for ``readers``: each has its own file descriptors (20,000 at most here, and a
    process cannot raise its hard limit), so past 15,000 readers one worker has none left to accept the
    origin's publish. They share the tier's one core all the same."""
    return 1 + readers // 15_000


def start_liveblog(workers: int, cpu: int | None, heartbeat: float, via: str = "", readers: int = 0) -> Target:
    """Liveblog on a temporary database; ``via`` "pushpin" or "nchan" puts that tier in front of it."""
    folder = tempfile.mkdtemp(prefix="liveblog-bench-")
    port = free_port()
    edge: pushpin.Pushpin | nginx.Nginx | None = None
    if via == "pushpin":
        edge = pushpin.start([f"127.0.0.1:{port}"], sig_key="bench", folder=os.path.join(folder, "pushpin"),
                             preexec_fn=raise_fd_limit, cpu=cpu)
    elif via == "nchan":
        edge = nginx.start([f"127.0.0.1:{port}"], folder=os.path.join(folder, "nginx"), preexec_fn=raise_fd_limit,
                           cpu=cpu, streams_per_address=1_000_000, workers=nginx_workers(readers))
    log_path = os.path.join(folder, "serve.log")
    env = {**os.environ, "LIVEBLOG_HEARTBEAT_SECONDS": str(heartbeat), "LIVEBLOG_POSTS_PER_MINUTE": "100000",
           "LIVEBLOG_STREAMS_PER_ADDRESS": "1000000", "LIVEBLOG_SUBSCRIBER_QUEUE": "1024"}
    command = [*pinned(cpu), sys.executable, "-m", "liveblog", "serve", "--db", os.path.join(folder, "bench.db"),
               "--port", str(port), "--workers", str(workers)]
    if isinstance(edge, pushpin.Pushpin):
        command += ["--grip", edge.publish_url, "--grip-key", "bench"]
    elif isinstance(edge, nginx.Nginx):
        command += ["--nchan", edge.publish_url]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   preexec_fn=raise_fd_limit)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/healthz", process)
    with open(log_path) as log:
        token = re.search(r"API token for scripts:\s+(\S+)", log.read())
    if token is None:
        raise RuntimeError("serve printed no API token")
    return Target(url, token.group(1), process, edge=edge, command=command, env=env, log_path=log_path)


def start_baseline(cpu: int | None) -> Target:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "liveblog.bench.floor", str(port),
                                *(["--cpu", str(cpu)] if cpu is not None else [])])
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/healthz", process)
    return Target(url, "", process, kind="baseline")


def start_nchan_alone(cpu: int | None, readers: int) -> Target:
    """nginx's nchan module on one core, one channel, no origin: the figure a fan-out tier is held to."""
    edge = nginx.start(preexec_fn=raise_fd_limit, cpu=cpu, workers=nginx_workers(readers))
    return Target(edge.url, "", edge.process, kind="nchan-alone")


def external(args: argparse.Namespace) -> Target | None:
    """The server given with --url, if any: measured as it is, never stopped."""
    if not args.url:
        return None
    return Target(args.url.rstrip("/"), args.token or os.environ.get("LIVEBLOG_TOKEN", ""), None)


def stop(target: Target) -> None:
    if target.edge is not None:
        target.edge.stop()
    if target.process is not None and target.process.poll() is None:
        target.process.send_signal(signal.SIGINT)
        try:
            target.process.wait(20)
        except subprocess.TimeoutExpired:
            target.process.kill()
            target.process.wait(5)


def request(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read() or b"{}")
    return answer
