"""The floor: a bare asyncio broadcaster, no framework, one pre-encoded frame written to every socket.

``liveblog bench --baseline`` runs it as ``python -m liveblog.bench.floor PORT [--cpu N]`` and puts the
same load on it as on Liveblog: the ratios between the two are what the framework costs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re

from .system import prepare_process

HEAD = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        b"connection: keep-alive\r\n\r\n")
EMPTY = b"HTTP/1.1 %s\r\ncontent-length: 2\r\n\r\n{}"
LENGTH = re.compile(rb"(?i)content-length:\s*(\d+)")


class Floor:
    """Readers get every frame; a POST's JSON body becomes the next frame, numbered as Liveblog numbers them."""

    def __init__(self) -> None:
        self.writers: set[asyncio.StreamWriter] = set()
        self.seq = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_head = await reader.readuntil(b"\r\n\r\n")
        first = request_head.split(b"\r\n", 1)[0]
        if first.startswith(b"POST"):
            length = LENGTH.search(request_head)
            body = await reader.readexactly(int(length.group(1)) if length else 0)
            self.seq += 1
            frame = b'id: %d\nevent: entry.created\ndata: {"seq":%d,%s\n\n' % (self.seq, self.seq, body.lstrip(b"{"))
            for w in list(self.writers):
                w.write(frame)
            writer.write(EMPTY % b"201 Created")
            writer.close()
            return
        if first.startswith(b"GET /healthz"):
            writer.write(EMPTY % b"200 OK")
            writer.close()
            return
        writer.write(HEAD)
        self.writers.add(writer)
        try:
            await reader.read()
        finally:
            self.writers.discard(writer)
            writer.close()


def serve(port: int, cpu: int | None) -> None:
    """Until SIGINT, on 127.0.0.1:``port``."""
    prepare_process(cpu)

    async def main() -> None:
        server = await asyncio.start_server(Floor().handle, "127.0.0.1", port, backlog=4096)
        async with server:
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m liveblog.bench.floor")
    parser.add_argument("port", type=int)
    parser.add_argument("--cpu", type=int, help="the core to pin the floor to")
    args = parser.parse_args()
    serve(args.port, args.cpu)
