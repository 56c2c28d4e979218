"""``liveblog bench --pages``: what reading costs, beside /healthz, while the blog is live.

A post arrives every second and SSE readers stay connected, as on a real night; meanwhile each
URL (the reader page, an entry page, both feeds, a conditional request answered 304, and /healthz,
the process's ceiling) takes a closed loop of keep-alive clients for a few seconds, one after the
other, in rounds. Reported: requests a second, p50/p99, and each rate as a share of /healthz's.
The load comes from one process of its own (raw HTTP/1.1 on asyncio, gzip accepted as browsers do).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import threading
import time
from typing import Any

from .harness import BODY, Cpus, ms, report
from .readers import PHASE_TIMEOUT, end_readers, start_readers
from .system import prepare_process, rss_bytes
from .targets import Target, external, request, start_liveblog, stop

ENTRIES = 30  # posted before measuring: a full first page, and an older one


async def one_client(host: str, port: int, path: str, conditional: bool, until: float,
                     times: list[float], statuses: dict[int, int]) -> None:
    """Requests one after another on one connection; with ``conditional``, sends the last ETag it got."""
    reader, writer = await asyncio.open_connection(host, port)
    etag = ""
    try:
        while time.perf_counter() < until:
            head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: gzip, deflate\r\n"
            if etag:
                head += f"If-None-Match: {etag}\r\n"
            started = time.perf_counter()
            writer.write((head + "\r\n").encode())
            status, headers = await read_head(reader)
            await read_body(reader, status, headers)
            times.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if conditional and "etag" in headers:
                etag = headers["etag"]
    finally:
        writer.close()


async def read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers


async def read_body(reader: asyncio.StreamReader, status: int, headers: dict[str, str]) -> None:
    if status in (204, 304) or status < 200:
        return
    if headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                return
    await reader.readexactly(int(headers.get("content-length", "0")))


def load_process(host: str, port: int, jobs: Any, answers: Any, cpu: int | None) -> None:
    """Takes (path, conditional, clients, seconds) jobs until None; answers each with latencies and statuses."""
    prepare_process(cpu)
    while (job := jobs.get()) is not None:
        path, conditional, clients, seconds = job
        times: list[float] = []
        statuses: dict[int, int] = {}

        async def run(path: str = path, conditional: bool = conditional, clients: int = clients,
                      seconds: float = seconds, times: list[float] = times,
                      statuses: dict[int, int] = statuses) -> None:
            until = time.perf_counter() + seconds
            await asyncio.gather(*(one_client(host, port, path, conditional, until, times, statuses)
                                   for _ in range(clients)))

        started = time.perf_counter()
        asyncio.run(run())
        answers.put((times, statuses, time.perf_counter() - started))


def poster(target: Target, slug: str, every: float, stop_posting: threading.Event) -> None:
    """A post every ``every`` seconds until told to stop: the log moves, so caches must follow."""
    i = 0
    while not stop_posting.wait(every):
        request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token, {"body": f"live {i} {BODY}"})
        i += 1


def urls(target: Target, slug: str) -> list[tuple[str, str, bool]]:
    """(name, path, conditional) of what is measured, /healthz first: the ceiling the others are held to."""
    entry = request("GET", f"{target.url}/api/blogs/{slug}?limit=1", target.token)["entries"][0]["id"]
    return [("healthz", "/healthz", False), ("page", f"/blogs/{slug}", False),
            ("entry", f"/blogs/{slug}/entries/{entry}", False), ("feed.json", f"/blogs/{slug}/feed.json", False),
            ("feed.atom", f"/blogs/{slug}/feed.atom", False), ("304", f"/blogs/{slug}", True)]


def measure(target: Target, args: argparse.Namespace, cpus: Cpus) -> dict[str, Any]:
    """Readers connected, posts arriving, every URL loaded in turn for ``--seconds``, ``--rounds`` times."""
    host, port = target.url.removeprefix("http://").split(":")
    slug = f"pages-{int(time.time() * 1000)}"
    request("POST", target.url + "/api/blogs", target.token, {"slug": slug, "title": "Pages"})
    for i in range(ENTRIES):
        request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token, {"body": f"{i} {BODY}"})
    measured = urls(target, slug)
    ctx = mp.get_context("spawn")
    jobs, answers = ctx.Queue(), ctx.Queue()
    loader = ctx.Process(target=load_process, args=(host, int(port), jobs, answers, cpus.client), daemon=True)
    loader.start()
    procs, ready, _, stop_after = start_readers(host, int(port), f"/blogs/{slug}/events", args.readers,
                                                max(1, args.readers // 2500 + 1), cpus.client)
    stop_posting = threading.Event()
    posting = threading.Thread(target=poster, args=(target, slug, args.post_every, stop_posting), daemon=True)
    rss_samples: list[int] = []
    times: dict[str, list[float]] = {name: [] for name, _, _ in measured}
    seconds: dict[str, float] = dict.fromkeys(times, 0.0)
    statuses: dict[str, dict[int, int]] = {name: {} for name in times}
    try:
        connected = sum(ready.get(timeout=PHASE_TIMEOUT + 30)[0] for _ in procs)
        posting.start()
        for _ in range(args.rounds):
            for name, path, conditional in measured:
                jobs.put((path, conditional, args.clients, args.seconds))
                got, codes, took = answers.get(timeout=args.seconds + 60)
                times[name] += got
                seconds[name] += took
                for code, n in codes.items():
                    statuses[name][code] = statuses[name].get(code, 0) + n
                rss_samples.append(rss_bytes(target.pids()))
    finally:
        stop_posting.set()
        jobs.put(None)
        loader.join(10)
        if loader.is_alive():
            loader.terminate()
        end_readers(procs, stop_after)
    health = request("GET", target.url + "/healthz", target.token)
    return summary(times, seconds, statuses, connected, rss_samples, health.get("render_cache", {}))


def summary(times: dict[str, list[float]], seconds: dict[str, float], statuses: dict[str, dict[int, int]],
            connected: int, rss_samples: list[int], cache: dict[str, int]) -> dict[str, Any]:
    rates = {name: len(t) / seconds[name] if seconds[name] else 0.0 for name, t in times.items()}
    ceiling = rates["healthz"] or 1.0
    result: dict[str, Any] = {"target": "liveblog pages", "readers_connected": connected}
    for name, t in times.items():
        result[f"{name}_rps"] = round(rates[name], 1)
        result[f"{name}_p50_ms"] = ms(t, 50)
        result[f"{name}_p99_ms"] = ms(t, 99)
        result[f"{name}_vs_healthz"] = round(rates[name] / ceiling, 2)
        result[f"{name}_statuses"] = json.dumps(statuses[name], sort_keys=True)
    result["rss_mib_first_last"] = [round(rss_samples[0] / 2**20, 1), round(rss_samples[-1] / 2**20, 1)]
    result["render_cache"] = json.dumps(cache, sort_keys=True)
    return result


def pages_mode(args: argparse.Namespace, cpus: Cpus) -> int:
    """Exit status 0 when every measured request was answered 200 or 304."""
    target = external(args) or start_liveblog(args.workers, cpus.server, args.heartbeat)
    try:
        print(f"pages: {args.readers} readers, a post every {args.post_every:g} s, {args.clients} clients "
              f"per URL for {args.seconds:g} s, {args.rounds} round(s)", flush=True)
        result = measure(target, args, cpus)
    finally:
        stop(target)
    report([result], args.json)
    answered = all(set(json.loads(v)) <= {"200", "304"} for k, v in result.items() if k.endswith("_statuses"))
    return 0 if answered else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", action="store_true",
                        help="pages mode: requests/s and p99 of the reader page, an entry page, both feeds, a 304 "
                        "and /healthz (the ceiling), while --readers stay connected and a post arrives every "
                        "--post-every seconds")
    parser.add_argument("--clients", type=int, default=32, help="keep-alive clients per URL in pages mode")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds each URL is loaded per round (pages)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every URL in pages mode (default 2)")
    parser.add_argument("--post-every", type=float, default=1.0, help="seconds between posts in pages mode")
