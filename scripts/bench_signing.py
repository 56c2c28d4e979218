"""What signing costs the write path: the durable POST's p50 before and after, measured in one run.

"Before" is another checkout of the code (``--before DIR``, e.g. ``git archive main | tar -x -C DIR``), served
from that folder; "after" is this checkout. Both serve on SQLite (synchronous=FULL: a 201 means on disk) and
take POSTs in turn, one after the other, so disk and CPU weather fall on both alike. Loopback only.

    python scripts/bench_signing.py --before /tmp/liveblog-main --posts 300
    python scripts/bench_signing.py --store-only --posts 500    # the store alone, chain stubbed out or not
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(tree: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-m", "liveblog", *args], cwd=tree, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def post(url: str, token: str, body: dict[str, object]) -> float:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
    return time.perf_counter() - start


class Served:
    """One checkout serving its own database, with an editor's token and a blog."""

    def __init__(self, tree: Path, folder: Path) -> None:
        db = str(folder / "bench.db")
        cli(tree, "user", "add", "editor", "--role", "editor", "--db", db)
        self.token = cli(tree, "token", "create", "editor", "--db", db)
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(tree), "LIVEBLOG_POSTS_PER_MINUTE": "1000000"}
        self.proc = subprocess.Popen([sys.executable, "-m", "liveblog", "serve", "--db", db, "--port", str(self.port)],
                                     cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        post(self.url + "/api/blogs", self.token, {"slug": "bench", "title": "Bench"})

    def post(self, n: int) -> float:
        return post(f"{self.url}/api/blogs/bench/entries", self.token, {"body": f"Update {n}: " + "word " * 70})

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def store_only(posts: int) -> dict[str, list[float]]:
    """The store's durable create_entry alone, with the chain's work (salt, digest, hash) and with it stubbed
    out, in turns: what signing adds without HTTP's and the machine's noise around it."""
    from liveblog import model, signing
    from liveblog.store import open_store

    real = (signing.new_salt, signing.payload_digest, signing.event_hash)
    stubs = (lambda: "", lambda salt, payload: "", lambda *parts: "")
    times: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"{tmp}/bench.db")
        await store.open()
        now = model.utc_now()
        editor = await store.create_user("editor", "editor", "!", now)
        await store.create_blog(slug="bench", title="Bench", summary="", intro="", intro_html="", by=editor, now=now)
        for n in range(posts * 2):
            name = ("before", "after")[n % 2]
            signing.new_salt, signing.payload_digest, signing.event_hash = real if name == "after" else stubs
            start = time.perf_counter()
            await store.create_entry("bench", author=editor, headline="", body="word " * 70,
                                     body_html="<p>" + "word " * 70 + "</p>", key_event=False, pinned=False,
                                     supersedes=(), filed_at=None, now=model.utc_now())
            times[name].append(time.perf_counter() - start)
        await store.close()
    signing.new_salt, signing.payload_digest, signing.event_hash = real
    return times


def report(times: dict[str, list[float]]) -> None:
    for name, values in times.items():
        print(f"{name}: p50 {statistics.median(values) * 1000:.2f} ms, "
              f"p90 {statistics.quantiles(values, n=10)[-1] * 1000:.2f} ms over {len(values)} POSTs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code before signing")
    parser.add_argument("--store-only", action="store_true", help="time the store's create_entry in-process")
    parser.add_argument("--posts", type=int, default=300)
    args = parser.parse_args()
    if args.store_only:
        report(asyncio.run(store_only(args.posts)))
        return 0
    if args.before is None:
        parser.error("--before DIR (or --store-only)")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "before").mkdir()
        (Path(tmp) / "after").mkdir()
        servers = {"before": Served(args.before.resolve(), Path(tmp) / "before"),
                   "after": Served(HERE, Path(tmp) / "after")}
        try:
            for served in servers.values():  # warm-up, not counted: imports, caches, the first pages of the file
                for n in range(20):
                    served.post(-n)
            times: dict[str, list[float]] = {name: [] for name in servers}
            for n in range(args.posts):
                for name, served in (servers.items() if n % 2 else reversed(servers.items())):
                    times[name].append(served.post(n))
        finally:
            for served in servers.values():
                served.stop()
    report(times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
