"""A reader that never reads is cut off; the others still get every event in time, and memory stays bounded.

The kernel's socket buffers absorb a few megabytes first; once they are full the server's writes
block, the reader's hub buffer reaches ``subscriber_queue`` frames, and its task is cancelled:
the connection closes and the buffer is dropped. It never holds more than that meanwhile.
"""

import socket
import threading
import time

from sse import events, read_stream


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_reader_that_never_reads_is_cut_off(site_with):
    site = site_with(subscriber_queue=8, posts_per_minute=100_000)
    site.blog("strike")
    hub = site.runtime.hub
    port = int(site.url.rsplit(":", 1)[1])
    stalled = socket.socket()
    try:
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", port))
        stalled.sendall(b"GET /blogs/strike/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert wait_for(lambda: hub.readers() == 1)
        body = "The crowd moves toward the ministry. " * 500  # ~18 KB a frame
        posted: list[int] = []
        received: dict[str, list[int]] = {}

        def healthy_reader():
            frames = read_stream(f"{site.url}/blogs/strike/events?since=1",
                                 until=lambda f: f[-1].data.startswith('{') and f[-1].json()["body"] == "end",
                                 timeout=90)
            received["seqs"] = [int(f.id) for f in events(frames)]

        reader = threading.Thread(target=healthy_reader)
        reader.start()
        assert wait_for(lambda: hub.readers() == 2)
        while hub.readers() == 2 and len(posted) < 800:
            site.entry("strike", f"{len(posted)} {body}")
            posted.append(len(posted) + 2)
            assert all(len(sub.frames) <= 8 for subs in list(hub.subscribers.values()) for sub in list(subs))
        site.entry("strike", "end")
        posted.append(len(posted) + 2)
        reader.join(90)
        assert hub.readers() <= 1, f"the stalled reader was never cut off after {len(posted)} posts"
        assert received["seqs"] == posted
        assert wait_for(lambda: hub.readers() == 0)
    finally:
        stalled.close()
