"""Connections that never finish their request headers are closed, and cannot starve real requests.

uvicorn only times out the gap between requests: sockets that sent half a request line stayed open
forever, and at a 1,024-descriptor limit 1,100 of them from one client took ``/healthz`` and posting
down. Against a real ``liveblog serve`` (``spawn``: its own session, its group killed at the end) on 127.0.0.1.
"""

from __future__ import annotations

import socket
import time

import httpx

HALF_A_REQUEST = b"GET /healthz HT"


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


def test_a_half_sent_request_is_closed_after_the_header_timeout(spawn, tmp_path):
    server = spawn(tmp_path / "slow.db", env={"LIVEBLOG_HEADER_TIMEOUT": "1.5"})
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


def test_half_sent_requests_cannot_exhaust_the_descriptors(spawn, tmp_path):
    """160 descriptors, 200 half-sent requests held open: /healthz and posting still answer."""
    server = spawn(tmp_path / "slow.db", env={"LIVEBLOG_HEADER_TIMEOUT": "60"}, descriptors=160)
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
