"""A reader cut off for being slow leaves one clear INFO line in the server's default log, and nothing else.

Before, the hub's line went nowhere (no handler for ``liveblog.*``) and uvicorn wrote "ASGI callable
returned without completing response" at ERROR once per reader: 50 of them for 50 readers, naming no blog.
Against a real ``liveblog serve`` with its default logging; the readers never read a byte.
"""

from __future__ import annotations

import socket
import time

import httpx

READERS = 3


def test_each_cut_off_reader_is_one_info_line_naming_the_blog(spawn, tmp_path):
    server = spawn(tmp_path / "cut.db", env={"LIVEBLOG_SUBSCRIBER_QUEUE": "4", "LIVEBLOG_POSTS_PER_MINUTE": "100000"})
    auth = {"Authorization": f"Bearer {server.token()}"}
    port = int(server.url.rsplit(":", 1)[1])
    stalled = []
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.post("/api/blogs", json={"slug": "strike", "title": "Strike"}, headers=auth).status_code == 201
        try:
            for _ in range(READERS):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /blogs/strike/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                stalled.append(s)
            time.sleep(0.5)
            body = "The crowd moves toward the ministry. " * 500  # ~18 KB a frame
            for n in range(400):
                if server.output().count("cut off") >= READERS:
                    break
                r = client.post("/api/blogs/strike/entries", json={"body": f"{n} {body}"}, headers=auth)
                assert r.status_code == 201, r.text
            time.sleep(0.5)  # uvicorn's own line, if any, follows the reader's end
        finally:
            for s in stalled:
                s.close()
    log = server.output()
    lines = [line for line in log.splitlines() if "cut off" in line]
    assert len(lines) == READERS, log[-3000:]
    assert all(line.startswith("INFO:") and "'strike'" in line and "4 events behind" in line for line in lines), lines
    assert "127.0.0.1" not in "".join(lines), "no client address without the access log"
    assert "without completing response" not in log and "ERROR" not in log, log[-3000:]
