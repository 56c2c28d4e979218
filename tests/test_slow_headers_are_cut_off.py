"""Connections that never finish their request headers are closed, and cannot starve real requests.

uvicorn only times out the gap between requests: sockets that sent half a request line stayed open
forever, and at a 1,024-descriptor limit 1,100 of them from one client took ``/healthz`` and posting
down. Against a real ``liveblog serve`` (its own session, its group killed at the end) on 127.0.0.1.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, Process, clean_env, database, free_port, wait_serving

HALF_A_REQUEST = b"GET /healthz HT"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """``liveblog serve`` in a session of its own, optionally with a lower descriptor limit."""
    started: list[Process] = []

    def start(*, env: dict[str, str], descriptors: int | None = None) -> Process:
        port = free_port()
        log = tmp_path / f"serve-{len(started)}.log"
        log_file = log.open("w")

        def limit() -> None:
            if descriptors is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))

        proc = subprocess.Popen(
            [sys.executable, "-m", "liveblog", "serve", "--db", database(tmp_path / "slow.db"), "--port", str(port)],
            stdout=log_file, stderr=subprocess.STDOUT, text=True, cwd=ROOT, start_new_session=True,
            env={**clean_env(), "LIVEBLOG_MEDIA_DIR": str(tmp_path / "media"), **env}, preexec_fn=limit,
        )
        process = Process(proc, f"http://127.0.0.1:{port}", log, log_file)
        started.append(process)
        wait_serving(proc, process.url, process.output)
        return process

    yield start
    for p in started:
        if p.proc.poll() is None:
            os.killpg(p.proc.pid, signal.SIGKILL)
            p.proc.wait(10)
        p.log_file.close()


def half_requests(url: str, count: int) -> list[socket.socket]:
    port = int(url.rsplit(":", 1)[1])
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(HALF_A_REQUEST)
        sockets.append(s)
    return sockets


def closed_by_server(s: socket.socket, within: float) -> bool:
    s.settimeout(within)
    try:
        return s.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_a_half_sent_request_is_closed_after_the_header_timeout(serve):
    server = serve(env={"LIVEBLOG_HEADER_TIMEOUT": "1.5"})
    sockets = half_requests(server.url, 40)
    try:
        opened = time.monotonic()
        assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200  # answered meanwhile
        assert all(closed_by_server(s, within=5) for s in sockets), "a half-sent request was kept open"
        assert time.monotonic() - opened >= 1.2, "closed before its deadline"
        # a complete request sent promptly on a fresh connection is still answered
        assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200
    finally:
        for s in sockets:
            s.close()


def test_half_sent_requests_cannot_exhaust_the_descriptors(serve):
    """160 descriptors, 200 half-sent requests held open: /healthz and posting still answer."""
    server = serve(env={"LIVEBLOG_HEADER_TIMEOUT": "60"}, descriptors=160)
    token = server.token()
    sockets = half_requests(server.url, 200)
    try:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            assert client.get("/healthz").status_code == 200
            auth = {"Authorization": f"Bearer {token}"}
            assert client.post("/api/blogs", json={"slug": "siege", "title": "Siege"}, headers=auth).status_code == 201
            r = client.post("/api/blogs/siege/entries", json={"body": "Still posting."}, headers=auth)
            assert r.status_code == 201, r.text
        pushed_out = sum(closed_by_server(s, within=0.05) for s in sockets)
        assert pushed_out >= 200 - 160, "the oldest half-sent requests made room for the new connections"
    finally:
        for s in sockets:
            s.close()
