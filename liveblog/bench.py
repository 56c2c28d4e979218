"""``liveblog bench``: the project's own load harness for the live stream.

Opens N SSE readers from separate processes (a lean asyncio client), posts M 1 KB
entries, and reports what readers saw: delivery latency, loss and duplicates, and
what the server paid for it (RSS per reader, CPU per delivered event). With
``--baseline`` the same load runs, in the same run, against a bare asyncio
broadcaster (one pre-encoded frame written to every socket): the floor to compare with.
Loopback only; every phase is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from . import nginx, pushpin
from .hub import FRAME_CACHE

PHASE_TIMEOUT = 120.0
SOURCE_ADDRESSES = [f"127.0.0.{i}" for i in range(2, 10)]  # 127.0.0.1 keeps its ports for everything else
PER_SOURCE = 25_000  # stay well under one source address's ephemeral ports
READER_RETRIES = 5
ARRIVING = 256  # connections a reader process has waiting for their answer at once
RSS_TREND_LIMIT = 0.5  # MiB a minute: a soak whose server memory grows faster than this after warm-up fails
TREND_WINDOW = 240.0  # seconds of samples after warm-up needed before the trend counts


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {cpu % (os.cpu_count() or 1)})


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


# ---- readers ---------------------------------------------------------------------------

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


async def _reader(host: str, port: int, path: str, source: str, seen: dict[int, list[float]],
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
                stream = _Stream(state, seen, tally)
                transport, _ = await loop.create_connection(lambda: stream, sock=await _connected(host, port, source))
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
            tasks.append(asyncio.create_task(_reader(host, port, path, source, seen, tally, arriving)))
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


# ---- the server under test -------------------------------------------------------------

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
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [self.process.pid] + [int(p) for p in children.stdout.split()]

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
    port = pushpin.free_port()
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
    command = [sys.executable, "-m", "liveblog", "serve", "--db", os.path.join(folder, "bench.db"),
               "--port", str(port), "--workers", str(workers)]
    if isinstance(edge, pushpin.Pushpin):
        command += ["--grip", edge.publish_url, "--grip-key", "bench"]
    elif isinstance(edge, nginx.Nginx):
        command += ["--nchan", edge.publish_url]
    if cpu is not None and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", str(cpu)] + command
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


def request(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as response:
        return json.loads(response.read() or b"{}")  # type: ignore[no-any-return]


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


# ---- the floor: a bare asyncio broadcaster ---------------------------------------------

def baseline_server(port: int, cpu: int | None) -> None:
    """No framework: one pre-encoded frame written to every reader's socket."""
    prepare_process(cpu)
    writers: set[asyncio.StreamWriter] = set()
    seq = [0]
    head = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
            b"connection: keep-alive\r\n\r\n")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_head = await reader.readuntil(b"\r\n\r\n")
        first = request_head.split(b"\r\n", 1)[0]
        if first.startswith(b"POST"):
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", request_head).group(1))  # type: ignore[union-attr]
            body = await reader.readexactly(length)
            seq[0] += 1
            frame = b'id: %d\nevent: entry.created\ndata: {"seq":%d,%s\n\n' % (seq[0], seq[0], body.lstrip(b"{"))
            for w in list(writers):
                w.write(frame)
            writer.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}")
            writer.close()
            return
        if first.startswith(b"GET /healthz"):
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
            writer.close()
            return
        writer.write(head)
        writers.add(writer)
        try:
            await reader.read()
        finally:
            writers.discard(writer)
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


def start_baseline(cpu: int | None) -> Target:
    port = pushpin.free_port()
    process = subprocess.Popen([sys.executable, "-m", "liveblog.bench", "--baseline-server", str(port)]
                               + (["--cpu", str(cpu)] if cpu is not None else []))
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/healthz", process)
    return Target(url, "", process, kind="baseline")


# ---- the bar for the fan-out tier: nchan alone ------------------------------------------

def start_nchan_alone(cpu: int | None, readers: int) -> Target:
    """nginx's nchan module on one core, one channel, no origin: the figure a fan-out tier is held to."""
    edge = nginx.start(preexec_fn=raise_fd_limit, cpu=cpu, workers=nginx_workers(readers))
    return Target(edge.url, "", edge.process, kind="nchan-alone")


# ---- one run ---------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(target: Target, *, readers: int, posts: int, processes: int, cpu: int | None,
        interval: float, idle: float = 0.0) -> dict[str, Any]:
    host, port = target.read_url.removeprefix("http://").split(":")
    if target.kind != "liveblog":
        path, first_seq = "/events", 1
    else:
        slug = f"bench-{int(time.time() * 1000)}"
        request("POST", target.url + "/api/blogs", target.token, {"slug": slug, "title": "Bench"})
        first_seq = 2
        path = f"/blogs/{slug}/events"
    pids, edge_pids = target.pids(), target.edge_pids()
    rss_before, edge_rss_before = rss_bytes(pids), rss_bytes(edge_pids)
    accept_cpu_before = cpu_seconds(pids + edge_pids)
    procs, ready, results, stop_after = start_readers(host, int(port), path, readers, processes, cpu)
    try:
        reports = [ready.get(timeout=PHASE_TIMEOUT + 30) for _ in procs]
        accept_cpu = cpu_seconds(pids + edge_pids) - accept_cpu_before
        connected = sum(r[0] for r in reports)
        accept_seconds = max(r[2] for r in reports)
        time.sleep(1.0)
        rss_after, edge_rss_after = rss_bytes(pids), rss_bytes(edge_pids)
        idle_before = cpu_seconds(pids + edge_pids)
        time.sleep(idle)  # readers connected, nothing posted: what heartbeats and following the log cost
        idle_cpu = cpu_seconds(pids + edge_pids) - idle_before
        cpu_before, edge_cpu_before = cpu_seconds(pids), cpu_seconds(edge_pids)
        body = ("Marchers reached the ministry gates at noon; police lines held. " * 20)[:1000]
        sent: dict[int, float] = {}
        posting_started = time.time()
        for i in range(posts):
            seq = first_seq + i
            sent[seq] = time.time()
            if target.kind != "liveblog":
                data = f"#{seq} {body}" if target.kind == "nchan-alone" else json.dumps({"body": body})
                req = urllib.request.Request(target.url + "/publish", data=data.encode(), method="POST")
                urllib.request.urlopen(req, timeout=30).read()
            else:
                request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token, {"body": f"{i} {body}"})
            if interval:
                time.sleep(interval)
        posting_seconds = time.time() - posting_started
        drain(pids + edge_pids)
        cpu_used = cpu_seconds(pids) - cpu_before
        edge_cpu_used = cpu_seconds(edge_pids) - edge_cpu_before
        stop_after.set()
        seen, tally = collect(results, len(procs))
        reconnects, duplicates = tally["retries"], tally["disorder"]
    finally:
        end_readers(procs, stop_after)
    latencies: list[float] = []
    last_reader: list[float] = []
    delivered = 0
    for seq, t0 in sent.items():
        times = seen.get(seq, [])
        delivered += len(times)
        latencies += [t - t0 for t in times]
        if times:
            last_reader.append(max(times) - t0)
    expected = connected * posts
    result = {
        "target": target.kind + (f" via {type(target.edge).__name__.lower()}" if target.edge is not None else ""),
        "readers_connected": connected,
        "readers_asked": readers,
        "accepts_per_s": round(connected / accept_seconds, 1) if accept_seconds else None,
        "server_cpu_us_per_accept": round(accept_cpu / max(connected, 1) * 1e6, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "last_reader_p50_ms": round(percentile(last_reader, 50) * 1000, 1),
        "events_lost": expected - delivered,
        "duplicates": duplicates,
        "reconnects": reconnects,
        "rss_per_reader_kib": round((rss_after - rss_before) / max(connected, 1) / 1024, 2),
        "cpu_us_per_delivery": round(cpu_used / max(delivered, 1) * 1e6, 2),
        "posts_per_s": round(posts / posting_seconds, 1) if posting_seconds else None,
    }
    if idle:
        result["idle_cpu_pct_of_core"] = round(idle_cpu / idle * 100, 2)
    if target.edge is not None:  # the origin's figures above; the tier's own here
        result["tier_rss_per_reader_kib"] = round((edge_rss_after - edge_rss_before) / max(connected, 1) / 1024, 2)
        result["tier_cpu_us_per_delivery"] = round(edge_cpu_used / max(delivered, 1) * 1e6, 2)
    return result


def storm(target: Target, *, readers: int, posts: int, processes: int, cpu: int | None,
          interval: float) -> dict[str, Any]:
    """A deploy under a crowd: readers connected, half the posts, then the server restarts and every reader
    comes back at once with Last-Event-ID (a second or two later, as the page does) while the other half is
    posted. Reports how fast the new process took the crowd back, and what any reader lost or saw twice."""
    host, port = target.url.removeprefix("http://").split(":")
    slug = f"storm-{int(time.time() * 1000)}"
    request("POST", target.url + "/api/blogs", target.token, {"slug": slug, "title": "Storm"})
    body = ("Marchers reached the ministry gates at noon; police lines held. " * 20)[:1000]
    procs, ready, results, stop_after = start_readers(host, int(port), f"/blogs/{slug}/events", readers, processes,
                                                      cpu)
    try:
        connected = sum(ready.get(timeout=PHASE_TIMEOUT + 30)[0] for _ in procs)
        ids: list[int] = []  # the blog's events are numbered from 2 (1 is its creation), one per post
        for i in range(posts):
            if i == posts // 2:
                time.sleep(1.0)
                up_at = target.restart()
            ids.append(int(request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token,
                                   {"body": f"{i} {body}"})["id"]))
            time.sleep(interval)
        deadline = time.time() + PHASE_TIMEOUT
        time.sleep(READER_RETRIES * 2.0)  # the slowest reader's retries
        drain(target.pids(), timeout=max(1.0, deadline - time.time()))
        stop_after.set()
        seen, tally = collect(results, len(procs))
    finally:
        end_readers(procs, stop_after)
    back_seconds = tally["last_back"] - up_at if tally["back"] else None
    return {
        "readers_connected": connected,
        "readers_back_after_restart": tally["back"],
        "back_within_s": round(back_seconds, 2) if back_seconds is not None else None,
        "accepts_per_s_after_restart": round(tally["back"] / back_seconds, 1) if back_seconds else None,
        "posts": len(ids),
        "events_lost": connected * len(ids) - sum(len(seen.get(seq, [])) for seq in range(2, 2 + len(ids))),
        "duplicates": tally["disorder"],
        "reconnects": tally["retries"],
    }


def drain(pids: list[int], timeout: float = 60.0) -> None:
    """Wait until the server side has delivered what it was given: two seconds at least, then until
    it spends under 5% of a core for a second (or ``timeout``). A slow tier is measured as slow,
    not as lossy."""
    time.sleep(2.0)
    deadline = time.time() + timeout
    while time.time() < deadline:
        before = cpu_seconds(pids)
        time.sleep(1.0)
        if cpu_seconds(pids) - before < 0.05:
            return


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


def fds(pids: list[int]) -> int:
    return sum(len(os.listdir(f"/proc/{pid}/fd")) for pid in pids if os.path.isdir(f"/proc/{pid}/fd"))


def fill_frame_cache(target: Target, slug: str) -> None:
    """Post as many entries as the hub caches frames, from a few threads."""
    request("POST", target.url + "/api/blogs", target.token, {"slug": slug, "title": "Warm-up"})
    per_thread = FRAME_CACHE // 4 + 1

    def post_some() -> None:
        for i in range(per_thread):
            request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token, {"body": f"warm-up {i}"})

    threads = [threading.Thread(target=post_some) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def soak(target: Target, *, readers: int, writers: int, duration: float, processes: int,
         cpu: int | None) -> dict[str, Any]:
    """Readers stay connected while ``writers`` correspondents each post one entry a second.

    Reports loss and duplicates, p99 delivery, server RSS sampled every 5 s (and its trend after the
    first minute) and the server's open file descriptors before the readers came and after they left.
    The hub's frame cache is filled first, in another blog, so that what still grows is a leak.
    """
    host, port = target.url.removeprefix("http://").split(":")
    slug = f"soak-{int(time.time() * 1000)}"
    request("POST", target.url + "/api/blogs", target.token, {"slug": slug, "title": "Soak"})
    fill_frame_cache(target, slug + "-warmup")
    pids = target.pids()
    fds_before = fds(pids)
    procs, ready, results, stop_after = start_readers(host, int(port), f"/blogs/{slug}/events", readers,
                                                      processes, cpu)
    try:
        connected = sum(ready.get(timeout=PHASE_TIMEOUT + 30)[0] for _ in procs)
        sent: dict[int, float] = {}
        lock = threading.Lock()
        started = time.time()

        def correspondent(n: int) -> None:
            i = 0
            while time.time() - started < duration:
                t0 = time.time()
                entry = request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token,
                                {"body": f"w{n} {i}"})
                with lock:
                    sent[int(entry["id"])] = t0
                i += 1
                time.sleep(max(0.0, 1.0 - (time.time() - t0)))

        threads = [threading.Thread(target=correspondent, args=(n,)) for n in range(writers)]
        for t in threads:
            t.start()
        samples: list[tuple[float, int]] = []
        while any(t.is_alive() for t in threads):
            samples.append((time.time() - started, rss_bytes(pids)))
            time.sleep(5)
        for t in threads:
            t.join()
        time.sleep(2.0)
        stop_after.set()
        seen, tally = collect(results, len(procs))
        reconnects, duplicates = tally["retries"], tally["disorder"]
    finally:
        end_readers(procs, stop_after)
    time.sleep(2.0)
    fds_after = fds(pids)
    entry_of: dict[int, int] = {}
    since = 0
    while True:
        page = request("GET", f"{target.url}/api/blogs/{slug}/events?since={since}&limit=500", target.token)
        entry_of.update({e["id"]: e["data"]["id"] for e in page["events"] if e["event"] == "entry.created"})
        if page["next_since"] is None:
            break
        since = page["next_since"]
    latencies = [t - sent[entry_of[seq]] for seq, times in seen.items() if seq in entry_of for t in times]
    received = sum(len(seen.get(seq, [])) for seq in entry_of)
    late = [(t, rss) for t, rss in samples if t >= min(60.0, duration / 2)]
    growth = (late[-1][1] - late[0][1]) / 1024 / 1024 if len(late) > 1 else 0.0
    return {
        "readers_connected": connected,
        "posts": len(sent),
        "events_lost": connected * len(entry_of) - received,
        "duplicates": duplicates,
        "reconnects": reconnects,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "rss_mib_samples": [round(rss / 1024 / 1024, 1) for _, rss in samples],
        "rss_growth_after_warmup_mib": round(growth, 2),
        # a slope over less than TREND_WINDOW seconds is noise; the CI-sized run checks growth instead
        "rss_trend_mib_per_min": (round(slope(late) * 60 / 1024 / 1024, 3)
                                  if late and late[-1][0] - late[0][0] >= TREND_WINDOW else None),
        "fds_before_readers": fds_before,
        "fds_after_readers_left": fds_after,
    }


def slope(samples: list[tuple[float, int]]) -> float:
    """Least-squares growth per second of (seconds, bytes) samples: a trend, where first-to-last is one pair."""
    if len(samples) < 3:
        return 0.0
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_v = sum(v for _, v in samples) / n
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    return sum((t - mean_t) * (v - mean_v) for t, v in samples) / spread if spread else 0.0


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


def print_report(result: dict[str, Any]) -> None:
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"  {key:<{width}}  {value}")


def main(args: argparse.Namespace) -> int:
    raise_fd_limit()
    pinned = not args.no_pin and (os.cpu_count() or 1) > 1
    server_cpu, client_cpu = (0, 1) if pinned else (None, None)
    processes = args.processes or max(1, min(8, args.readers // 2500 + 1))
    if args.storm:
        target = start_liveblog(args.workers, server_cpu, args.heartbeat)
        try:
            print(f"storm: {args.readers} readers, {args.posts} posts, a restart half-way", flush=True)
            result = storm(target, readers=args.readers, posts=args.posts, processes=processes, cpu=client_cpu,
                           interval=args.interval)
        finally:
            stop(target)
        print_report(result)
        if args.json:
            print(json.dumps([result]))
        return 0 if result["events_lost"] == 0 and result["duplicates"] == 0 else 1
    if args.soak:
        target = external(args) or start_liveblog(args.workers, server_cpu, args.heartbeat)
        try:
            print(f"soak: {args.readers} readers, {args.writers} correspondents posting every second for "
                  f"{args.duration:.0f} s", flush=True)
            result = soak(target, readers=args.readers, writers=args.writers, duration=args.duration,
                          processes=processes, cpu=client_cpu)
        finally:
            stop(target)
        print_report(result)
        if args.json:
            print(json.dumps([result]))
        leaked = result["fds_after_readers_left"] > result["fds_before_readers"] + 5
        growing = result["rss_trend_mib_per_min"] is not None and result["rss_trend_mib_per_min"] > RSS_TREND_LIMIT
        return 0 if result["events_lost"] == 0 and result["duplicates"] == 0 and not leaked and not growing else 1
    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()] + (["baseline"] if args.baseline else [])
    results: dict[str, dict[str, Any]] = {}
    for tier in tiers:
        if tier == "origin":
            target = external(args) or start_liveblog(args.workers, server_cpu, args.heartbeat)
        elif tier in ("pushpin", "nchan"):
            target = start_liveblog(args.workers, server_cpu, args.heartbeat, via=tier, readers=args.readers)
        elif tier == "nchan-alone":
            target = start_nchan_alone(server_cpu, args.readers)
        elif tier == "baseline":
            target = start_baseline(server_cpu)
        else:
            raise SystemExit(f"unknown tier {tier!r}: origin, pushpin, nchan, nchan-alone or baseline")
        try:
            print(f"{TIER_NAMES[tier]}: {args.readers} readers, {args.posts} posts", flush=True)
            results[tier] = run(target, readers=args.readers, posts=args.posts, processes=processes,
                                cpu=client_cpu, interval=args.interval, idle=args.idle)
            print_report(results[tier])
        finally:
            stop(target)
    print_ratios(results)
    if args.json:
        print(json.dumps(list(results.values())))
    return 0 if all(r["events_lost"] == 0 and r["duplicates"] == 0 for r in results.values()) else 1


TIER_NAMES = {
    "origin": "liveblog (readers on the origin)",
    "pushpin": "liveblog through Pushpin (readers held by Pushpin)",
    "nchan": "liveblog through nginx + nchan (readers held by nchan)",
    "nchan-alone": "nginx + nchan alone (the bar for the fan-out tier)",
    "baseline": "baseline (bare asyncio broadcaster)",
}


def print_ratios(results: dict[str, dict[str, Any]]) -> None:
    tier_keys = ("p99_ms", "tier_rss_per_reader_kib", "tier_cpu_us_per_delivery")
    pairs = [("origin", "baseline", "liveblog / baseline", ("p99_ms", "rss_per_reader_kib", "cpu_us_per_delivery")),
             ("pushpin", "nchan-alone", "through Pushpin / nchan alone", tier_keys),
             ("nchan", "nchan-alone", "through nchan / nchan alone", tier_keys)]
    for mine, floor, title, keys in pairs:
        if mine in results and floor in results:
            print(f"ratios ({title}):")
            for key in keys:
                theirs = results[floor][key.removeprefix("tier_")]
                if theirs:
                    print(f"  {key:<28}  {results[mine][key] / theirs:.2f}")


def external(args: argparse.Namespace) -> Target | None:
    """The server given with --url, if any: measured as it is, never stopped."""
    if not args.url:
        return None
    return Target(args.url.rstrip("/"), args.token or os.environ.get("LIVEBLOG_TOKEN", ""), None)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="an already running server (default: start one on a temporary database)")
    parser.add_argument("--token", help="API token for --url (or LIVEBLOG_TOKEN)")
    parser.add_argument("--readers", type=int, default=1000, help="SSE readers to connect (default 1000)")
    parser.add_argument("--posts", type=int, default=20, help="1 KB entries to post (default 20)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between posts (default 0.2)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes for the started server")
    parser.add_argument("--processes", type=int, help="reader processes (default: one per 2,500 readers)")
    parser.add_argument("--heartbeat", type=float, default=15.0, help="heartbeat seconds of the started server")
    parser.add_argument("--idle", type=float, default=0.0,
                        help="seconds to measure the server's CPU with readers connected and nothing posted (what "
                        "heartbeats and following the log cost; use two heartbeats or more)")
    parser.add_argument("--tiers", default="origin",
                        help="what readers connect to, measured one after another in this run: comma-separated "
                        "origin (liveblog itself), pushpin (liveblog behind a local Pushpin), nchan (liveblog "
                        "behind a local nginx with nchan), nchan-alone (nchan with no origin, the bar for the "
                        "tier), baseline (default: origin)")
    parser.add_argument("--baseline", action="store_true", help="also run the bare asyncio broadcaster floor")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and readers to separate cores")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    parser.add_argument("--soak", action="store_true",
                        help="soak mode: readers stay while --writers post one entry a second for --duration")
    parser.add_argument("--storm", action="store_true",
                        help="reconnect storm: restart the server half-way through the posts; every reader comes "
                        "back with Last-Event-ID at once (a server the bench starts only)")
    parser.add_argument("--writers", type=int, default=5, help="correspondents posting in soak mode (default 5)")
    parser.add_argument("--duration", type=float, default=600.0, help="soak seconds (default 600)")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--baseline-server":
        cpu = int(sys.argv[4]) if len(sys.argv) >= 5 and sys.argv[3] == "--cpu" else None
        baseline_server(int(sys.argv[2]), cpu)
