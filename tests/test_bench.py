"""`liveblog bench` runs end to end on a small load and reports no loss (figures are for the README, not asserted)."""

import asyncio
import json
import sys

import pytest

from conftest import ROOT, missing
from liveblog.bench import nginx, pushpin
from processes import run


def test_the_command_line_loads_the_bench_only_to_run_it():
    """Every command builds the whole parser; none but `liveblog bench` should pay for importing the harness,
    and the server (the app and what one process holds open) never needs it."""
    probe = ("import sys, liveblog.app, liveblog.runtime, liveblog.cli as cli\n"
             "cli.build_parser().parse_args(['bench', '--readers', '5', '--json'])\n"
             "print(sorted(m for m in sys.modules if m.startswith('liveblog.bench')))")
    done = run([sys.executable, "-c", probe], timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    helped = run([sys.executable, "-m", "liveblog", "bench", "--help"], timeout=60, cwd=ROOT)
    assert helped.returncode == 0 and "--readers" in helped.stdout and "--storm" in helped.stdout


def test_an_unknown_tier_is_refused_before_anything_is_measured():
    """A typo in --tiers used to surface only after the tiers before it had run, minutes later."""
    done = run([sys.executable, "-m", "liveblog", "bench", "--tiers", "origin,nginx", "--readers", "5"],
                          timeout=60, cwd=ROOT)
    assert done.returncode != 0 and "unknown tier 'nginx'" in done.stderr
    assert done.stdout == ""  # no server started, nothing measured


def test_bench_reports_every_event_delivered_once():
    done = run([sys.executable, "-m", "liveblog", "bench", "--readers", "40", "--posts", "3",
                "--interval", "0.05", "--processes", "2", "--json"],
               timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["readers_connected"] == 40
    assert result["events_lost"] == 0 and result["duplicates"] == 0
    for key in ("p50_ms", "p99_ms", "rss_per_reader_kib", "cpu_us_per_delivery", "accepts_per_s", "posts_per_s"):
        assert key in result


def test_pages_are_measured_beside_healthz_while_the_blog_is_live():
    """--pages loads each URL in turn with readers connected and posts arriving; the 304 client sends its ETag."""
    done = run([sys.executable, "-m", "liveblog", "bench", "--pages", "--readers", "10", "--clients", "2",
                "--seconds", "0.5", "--rounds", "1", "--post-every", "0.3", "--json"], timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["readers_connected"] == 10 and result["healthz_vs_healthz"] == 1.0
    for name in ("page", "entry", "feed.json", "feed.atom", "304"):
        assert result[f"{name}_rps"] > 0 and f"{name}_p99_ms" in result and f"{name}_vs_healthz" in result
        assert set(json.loads(result[f"{name}_statuses"])) <= {"200", "304"}
    assert json.loads(result["304_statuses"]).get("304", 0) > 0
    cache = json.loads(result["render_cache"])
    assert cache["hits"] > 0


def test_the_floor_takes_the_same_load_and_loses_nothing():
    """--tiers baseline starts the bare asyncio broadcaster (python -m liveblog.bench.floor) and measures it."""
    done = run([sys.executable, "-m", "liveblog", "bench", "--tiers", "baseline", "--readers", "20",
                           "--posts", "3", "--interval", "0.05", "--processes", "1", "--json"],
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["target"] == "baseline" and result["readers_connected"] == 20 and result["events_lost"] == 0


def test_a_crowd_comes_back_after_a_restart_and_misses_nothing():
    """--storm restarts the server half-way: every reader resumes with Last-Event-ID, nothing lost or doubled."""
    done = run([sys.executable, "-m", "liveblog", "bench", "--storm", "--readers", "200", "--posts", "6",
                "--interval", "0.05", "--processes", "2", "--json"],
               timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    [result] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["readers_connected"] == 200 and result["readers_back_after_restart"] >= 200
    assert result["events_lost"] == 0 and result["duplicates"] == 0


def test_the_fan_out_tiers_are_measured_in_one_run():
    """--tiers starts each tier as an operator would (nginx + nchan, Pushpin) and measures it with nothing lost."""
    if not (nginx.available() and pushpin.available()):
        missing("the tiers need nginx with nchan and Pushpin (.ci/run installs them)")
    done = run([sys.executable, "-m", "liveblog", "bench", "--readers", "30", "--posts", "3",
                "--interval", "0.05", "--processes", "1", "--tiers", "nchan,nchan-alone,pushpin", "--json"],
               timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert [r["target"] for r in results] == ["liveblog via nginx", "nchan-alone", "liveblog via pushpin"]
    for result in results:
        assert result["readers_connected"] == 30 and result["events_lost"] == 0 and result["duplicates"] == 0
    assert all("tier_cpu_us_per_delivery" in r for r in (results[0], results[2]))


@pytest.mark.unit
async def test_a_bench_reader_counts_what_its_stream_repeats_or_reorders_and_resumes_from_its_last_id():
    """The reader's accounting is what every figure rests on: a stream cut mid-frame and repeating itself must
    show up as disorder, not as deliveries, and a dropped reader comes back with Last-Event-ID."""
    from liveblog.bench.readers import reader

    frames = b"".join(b'id: %d\nevent: entry.created\ndata: {"seq":%d,"body":"x"}\n\n' % (n, n)
                      for n in (1, 2, 2, 1, 3))
    requests: list[bytes] = []
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n")
        if len(requests) == 1:
            for i in range(0, len(frames), 7):  # frames and lines split across writes
                writer.write(frames[i:i + 7])
                await writer.drain()
                await asyncio.sleep(0.001)
            writer.close()  # the reader must come back
            return
        held.append(writer)
        await reader.read()

    async def main() -> tuple[dict, dict]:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        seen: dict[int, list[float]] = {}
        tally = {"connected": 0, "retries": 0, "disorder": 0, "back": 0, "last_back": 0.0}
        task = asyncio.create_task(reader("127.0.0.1", port, "/events", "127.0.0.2", seen, tally,
                                           asyncio.Semaphore(1)))
        for _ in range(100):
            if tally["back"]:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        for writer in held:
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return seen, tally

    seen, tally = await main()
    assert {seq: len(times) for seq, times in seen.items()} == {1: 1, 2: 1, 3: 1}
    assert tally["disorder"] == 2
    assert tally["connected"] == 1 and tally["back"] == 1
    assert b"Last-Event-ID: 3\r\n" in requests[1]
