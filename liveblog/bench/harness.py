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
import json
import os
import threading
import time
import urllib.request
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..hub import FRAME_CACHE
from .readers import PHASE_TIMEOUT, READER_RETRIES, collect, end_readers, start_readers
from .system import cpu_seconds, fds, raise_fd_limit, rss_bytes
from .targets import Target, external, request, start_baseline, start_liveblog, start_nchan_alone, stop

RSS_TREND_LIMIT = 0.5  # MiB a minute: a soak whose server memory grows faster than this after warm-up fails


TREND_WINDOW = 240.0  # seconds of samples after warm-up needed before the trend counts
BODY = ("Marchers reached the ministry gates at noon; police lines held. " * 20)[:1000]  # what one post says


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: list[float], p: float) -> float:
    """The ``p``th percentile of ``seconds``, in milliseconds to a tenth."""
    return round(percentile(seconds, p) * 1000, 1)


def post(target: Target, slug: str, seq: int, i: int) -> None:
    """The ``i``th 1 KB post of a run: an entry in ``slug``, or, to a floor, a message numbered ``seq``."""
    if target.kind == "liveblog":
        request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token, {"body": f"{i} {BODY}"})
        return
    data = f"#{seq} {BODY}" if target.kind == "nchan-alone" else json.dumps({"body": BODY})
    req = urllib.request.Request(target.url + "/publish", data=data.encode(), method="POST")
    urllib.request.urlopen(req, timeout=30).read()


def run(target: Target, *, readers: int, posts: int, processes: int, cpu: int | None,
        interval: float, idle: float = 0.0) -> dict[str, Any]:
    host, port = target.read_url.removeprefix("http://").split(":")
    slug = ""
    if target.kind == "liveblog":
        slug = f"bench-{int(time.time() * 1000)}"
        request("POST", target.url + "/api/blogs", target.token, {"slug": slug, "title": "Bench"})
    first_seq = 2 if slug else 1  # a blog's first event is its creation
    path = f"/blogs/{slug}/events" if slug else "/events"
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
        sent: dict[int, float] = {}
        posting_started = time.time()
        for i in range(posts):
            sent[first_seq + i] = time.time()
            post(target, slug, first_seq + i, i)
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
    latencies = [t - t0 for seq, t0 in sent.items() for t in seen.get(seq, [])]
    last_reader = [max(seen[seq]) - t0 for seq, t0 in sent.items() if seen.get(seq)]
    delivered = len(latencies)
    result = {
        "target": target.kind + (f" via {type(target.edge).__name__.lower()}" if target.edge is not None else ""),
        "readers_connected": connected,
        "readers_asked": readers,
        "accepts_per_s": round(connected / accept_seconds, 1) if accept_seconds else None,
        "server_cpu_us_per_accept": round(accept_cpu / max(connected, 1) * 1e6, 1),
        "p50_ms": ms(latencies, 50),
        "p95_ms": ms(latencies, 95),
        "p99_ms": ms(latencies, 99),
        "last_reader_p50_ms": ms(last_reader, 50),
        "events_lost": connected * posts - delivered,
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
                                   {"body": f"{i} {BODY}"})["id"]))
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
        sent, samples = correspond(target, slug, writers, duration, pids)
        time.sleep(2.0)
        stop_after.set()
        seen, tally = collect(results, len(procs))
        reconnects, duplicates = tally["retries"], tally["disorder"]
    finally:
        end_readers(procs, stop_after)
    time.sleep(2.0)
    fds_after = fds(pids)
    entry_of = entries_by_event(target, slug)
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
        "p50_ms": ms(latencies, 50),
        "p99_ms": ms(latencies, 99),
        "rss_mib_samples": [round(rss / 1024 / 1024, 1) for _, rss in samples],
        "rss_growth_after_warmup_mib": round(growth, 2),
        # a slope over less than TREND_WINDOW seconds is noise; the CI-sized run checks growth instead
        "rss_trend_mib_per_min": (round(slope(late) * 60 / 1024 / 1024, 3)
                                  if late and late[-1][0] - late[0][0] >= TREND_WINDOW else None),
        "fds_before_readers": fds_before,
        "fds_after_readers_left": fds_after,
    }


def correspond(target: Target, slug: str, writers: int, duration: float,
               pids: list[int]) -> tuple[dict[int, float], list[tuple[float, int]]]:
    """``writers`` threads each posting an entry a second for ``duration`` seconds. Returns when each entry
    (by id) was posted, and the server's RSS every 5 s meanwhile (seconds since the start, bytes)."""
    sent: dict[int, float] = {}
    lock = threading.Lock()
    started = time.time()

    def correspondent(n: int) -> None:
        i = 0
        while time.time() - started < duration:
            t0 = time.time()
            entry = request("POST", f"{target.url}/api/blogs/{slug}/entries", target.token, {"body": f"w{n} {i}"})
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
    return sent, samples


def entries_by_event(target: Target, slug: str) -> dict[int, int]:
    """The blog's log, read from the origin: which entry each ``entry.created`` event (by sequence) made."""
    entry_of: dict[int, int] = {}
    since = 0
    while True:
        page = request("GET", f"{target.url}/api/blogs/{slug}/events?since={since}&limit=500", target.token)
        entry_of.update({e["id"]: e["data"]["id"] for e in page["events"] if e["event"] == "entry.created"})
        if page["next_since"] is None:
            return entry_of
        since = page["next_since"]


def slope(samples: list[tuple[float, int]]) -> float:
    """Least-squares growth per second of (seconds, bytes) samples: a trend, where first-to-last is one pair."""
    if len(samples) < 3:
        return 0.0
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_v = sum(v for _, v in samples) / n
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    return sum((t - mean_t) * (v - mean_v) for t, v in samples) / spread if spread else 0.0


DESCRIPTION = ("Connect N SSE readers from separate processes, post M 1 KB entries, and print delivery latency, "
               "loss, and the server's memory and CPU per reader and event.")


def parser() -> argparse.ArgumentParser:
    """``liveblog bench``'s own flags, parsed only when the bench runs."""
    bench = argparse.ArgumentParser(prog="liveblog bench", description=DESCRIPTION)
    add_arguments(bench)
    return bench


def main(argv: Sequence[str] | None = None) -> int:
    """Exit status 0 when no reader lost or repeated an event (and a soak leaked nothing)."""
    args = parser().parse_args(argv)
    raise_fd_limit()
    pinned = not args.no_pin and (os.cpu_count() or 1) > 1
    cpus = Cpus(*((0, 1) if pinned else (None, None)))
    processes = args.processes or max(1, min(8, args.readers // 2500 + 1))
    if args.storm:
        return storm_mode(args, cpus, processes)
    if args.soak:
        return soak_mode(args, cpus, processes)
    if args.pages:
        from .pages import pages_mode  # pages imports this module's helpers

        return pages_mode(args, cpus)
    return tiers_mode(args, cpus, processes)


class Cpus(NamedTuple):
    """The cores the server side and the readers are pinned to (None: not pinned)."""

    server: int | None
    client: int | None


def storm_mode(args: argparse.Namespace, cpus: Cpus, processes: int) -> int:
    target = start_liveblog(args.workers, cpus.server, args.heartbeat)
    try:
        print(f"storm: {args.readers} readers, {args.posts} posts, a restart half-way", flush=True)
        result = storm(target, readers=args.readers, posts=args.posts, processes=processes, cpu=cpus.client,
                       interval=args.interval)
    finally:
        stop(target)
    report([result], args.json)
    return 0 if intact(result) else 1


def soak_mode(args: argparse.Namespace, cpus: Cpus, processes: int) -> int:
    target = external(args) or start_liveblog(args.workers, cpus.server, args.heartbeat)
    try:
        print(f"soak: {args.readers} readers, {args.writers} correspondents posting every second for "
              f"{args.duration:.0f} s", flush=True)
        result = soak(target, readers=args.readers, writers=args.writers, duration=args.duration,
                      processes=processes, cpu=cpus.client)
    finally:
        stop(target)
    report([result], args.json)
    leaked = result["fds_after_readers_left"] > result["fds_before_readers"] + 5
    growing = result["rss_trend_mib_per_min"] is not None and result["rss_trend_mib_per_min"] > RSS_TREND_LIMIT
    return 0 if intact(result) and not leaked and not growing else 1


def tiers_mode(args: argparse.Namespace, cpus: Cpus, processes: int) -> int:
    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()] + (["baseline"] if args.baseline else [])
    unknown = [t for t in tiers if t not in TIER_NAMES]
    if unknown:  # before anything starts
        raise SystemExit(f"unknown tier {unknown[0]!r}: {', '.join(TIER_NAMES)}")
    results: dict[str, dict[str, Any]] = {}
    for tier in tiers:
        target = start_tier(tier, args, cpus.server)
        try:
            print(f"{TIER_NAMES[tier]}: {args.readers} readers, {args.posts} posts", flush=True)
            results[tier] = run(target, readers=args.readers, posts=args.posts, processes=processes,
                                cpu=cpus.client, interval=args.interval, idle=args.idle)
            report([results[tier]], as_json=False)
        finally:
            stop(target)
    print_ratios(results)
    if args.json:
        print(json.dumps(list(results.values())))
    return 0 if all(intact(r) for r in results.values()) else 1


def start_tier(tier: str, args: argparse.Namespace, cpu: int | None) -> Target:
    if tier == "origin":
        return external(args) or start_liveblog(args.workers, cpu, args.heartbeat)
    if tier in ("pushpin", "nchan"):
        return start_liveblog(args.workers, cpu, args.heartbeat, via=tier, readers=args.readers)
    if tier == "nchan-alone":
        return start_nchan_alone(cpu, args.readers)
    return start_baseline(cpu)


def intact(result: dict[str, Any]) -> bool:
    """Every reader got every event once."""
    return bool(result["events_lost"] == 0 and result["duplicates"] == 0)


def report(results: list[dict[str, Any]], as_json: bool) -> None:
    """Each result as aligned lines, and with ``--json`` all of them as one JSON line at the end."""
    for result in results:
        width = max(len(k) for k in result)
        for key, value in result.items():
            print(f"  {key:<{width}}  {value}")
    if as_json:
        print(json.dumps(results))


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
    from .pages import add_arguments as pages_arguments

    pages_arguments(parser)
