"""The bench's readers: a lean asyncio SSE client, many per process, each checking its own stream.

A reader behaves like the reader page (it comes back with Last-Event-ID after a drop) and
records when each event arrived; the processes report their tallies on multiprocessing queues.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import random
import socket
import time
from typing import Any

from .system import prepare_process

PHASE_TIMEOUT = 120.0  # seconds any one phase (readers arriving, a report) may take
SOURCE_ADDRESSES = [f"127.0.0.{i}" for i in range(2, 10)]  # 127.0.0.1 keeps its ports for everything else
PER_SOURCE = 25_000  # stay well under one source address's ephemeral ports
READER_RETRIES = 5
ARRIVING = 256  # connections a reader process has waiting for their answer at once
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)  # Linux 4.2+


async def _connected(host: str, port: int, source: str) -> socket.socket:
    """A socket from ``source`` connected to the server. Its port is chosen at connect, not at bind: a bind to
    port 0 searches the whole ephemeral range for a port free on that address, slower as thousands fill it,
    and that search, not the server, set the pace of a crowd arriving."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        sock.bind((source, 0))
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _Stream(asyncio.Protocol):
    """One reader's connection, parsed as bytes arrive (no stream objects, no coroutine per line: the
    client's cost per connection and per event, not the server's, set the pace of a crowd otherwise).

    ``head`` resolves with the response's status line, ``closed`` when the connection ends. Each reader
    checks its own stream: an event it already saw, or one older than the last it saw, counts in
    ``tally["disorder"]`` and not in ``seen``, so one reader's duplicate never hides another's loss."""

    def __init__(self, state: dict[str, Any], seen: dict[int, list[float]], tally: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        self.head: asyncio.Future[bytes] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.state, self.seen, self.tally = state, seen, tally
        self.pending = b""

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.head.done():
            self.head.set_exception(ConnectionResetError("closed before the response"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        data = self.pending + data
        if not self.head.done():
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.pending = data
                return
            self.head.set_result(data[:data.find(b"\r\n")])
            data = data[end + 4:]
        *lines, self.pending = data.split(b"\n")  # chunk-size lines and the chunks' CRLFs match nothing below
        state = self.state
        for line in lines:
            if line.startswith(b"id: "):
                state["last_id"] = line[4:].decode()  # the origin's sequence number, or nchan's own id
                continue
            if line.startswith(b'data: {"seq":'):  # every tier carries the sequence number in the data
                seq = int(line[13:].split(b",", 1)[0])
            elif line.startswith(b"data: #"):  # nchan alone: the bench numbers its messages
                seq = int(line[7:].split(b" ", 1)[0])
            else:
                continue
            if seq <= state["last_seq"]:
                self.tally["disorder"] += 1
                continue
            state["last_seq"] = seq
            self.seen.setdefault(seq, []).append(time.time())


async def reader(host: str, port: int, path: str, source: str, seen: dict[int, list[float]],
                  tally: dict[str, Any], arriving: asyncio.Semaphore) -> None:
    """One reader that behaves like the reader page: on an error status or a dropped connection it
    waits a second or two and comes back with Last-Event-ID. It reads until the run cancels it."""
    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"last_id": None, "last_seq": 0}
    counted = False
    for _ in range(READER_RETRIES + 1):
        transport = None
        try:
            async with arriving:  # until the server answered: the kernel's accept queue is not what is measured
                transport, stream = await loop.create_connection(lambda: _Stream(state, seen, tally),
                                                                 sock=await _connected(host, port, source))
                resume = f"Last-Event-ID: {state['last_id']}\r\n" if state["last_id"] is not None else ""
                transport.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n{resume}\r\n"
                                .encode())
                status = await stream.head
            if b" 200 " in status:
                if not counted:
                    tally["connected"] += 1
                    counted = True
                else:
                    tally["back"] += 1
                    tally["last_back"] = max(tally["last_back"], time.time())
                await stream.closed
        except OSError:
            pass
        finally:
            if transport is not None:
                transport.close()
        tally["retries"] += 1
        await asyncio.sleep(1 + random.random())
    raise RuntimeError(f"a reader gave up after {READER_RETRIES} retries")


def reader_process(host: str, port: int, path: str, count: int, offset: int, cpu: int | None,
                   ready: Any, results: Any, stop_after: Any) -> None:
    """One process of readers: reports when all are connected, then every arrival time."""
    prepare_process(cpu)

    async def main() -> None:
        seen: dict[int, list[float]] = {}
        tally: dict[str, Any] = {"connected": 0, "retries": 0, "disorder": 0, "back": 0, "last_back": 0.0}
        arriving = asyncio.Semaphore(ARRIVING)
        tasks = []
        started = time.time()
        for i in range(count):
            source = SOURCE_ADDRESSES[((offset + i) // PER_SOURCE) % len(SOURCE_ADDRESSES)]
            tasks.append(asyncio.create_task(reader(host, port, path, source, seen, tally, arriving)))
            if i % 200 == 199:
                await asyncio.sleep(0)
        deadline = time.time() + PHASE_TIMEOUT
        while tally["connected"] < count and time.time() < deadline:
            if all(t.done() for t in tasks):
                break
            await asyncio.sleep(0.05)
        failed = sum(1 for t in tasks if t.done() and t.exception() is not None)
        ready.put((tally["connected"], failed, time.time() - started))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, stop_after.wait)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        results.put((seen, tally))

    asyncio.run(main())


def start_readers(host: str, port: int, path: str, readers: int, processes: int,
                  cpu: int | None) -> tuple[list[Any], Any, Any, Any]:
    """Reader processes sharing ``readers`` between them, each reporting on the queues returned."""
    ctx = mp.get_context("spawn")
    ready, results, stop_after = ctx.Queue(), ctx.Queue(), ctx.Event()
    per = [readers // processes + (1 if i < readers % processes else 0) for i in range(processes)]
    procs = [ctx.Process(target=reader_process, args=(host, port, path, count, sum(per[:i]), cpu, ready, results,
                                                      stop_after), daemon=True)
             for i, count in enumerate(per)]
    for p in procs:
        p.start()
    return procs, ready, results, stop_after


def end_readers(procs: list[Any], stop_after: Any) -> None:
    """Readers leave, even when the run failed half-way: none outlives the bench."""
    stop_after.set()
    for p in procs:
        p.join(10)
        if p.is_alive():
            p.terminate()
            p.join(5)


def collect(results: Any, processes: int) -> tuple[dict[int, list[float]], dict[str, Any]]:
    """Every reader process's arrival times by event id (one per reader that saw it), and their tallies
    summed: reconnects (``retries``), events seen twice or out of order (``disorder``), readers that came
    back after a drop (``back``) and when the last of them did (``last_back``)."""
    seen: dict[int, list[float]] = {}
    total: dict[str, Any] = {"retries": 0, "disorder": 0, "back": 0, "last_back": 0.0}
    for _ in range(processes):
        times_by_id, tally = results.get(timeout=PHASE_TIMEOUT)
        for key in ("retries", "disorder", "back"):
            total[key] += tally[key]
        total["last_back"] = max(total["last_back"], tally["last_back"])
        for seq, times in times_by_id.items():
            seen.setdefault(seq, []).extend(times)
    return seen, total
