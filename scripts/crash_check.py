"""Crash safety: post from several clients, SIGKILL the server at a random moment, restart, verify.

Every entry that got a 201 must be there exactly once, with its event in the log, and the
database must pass ``PRAGMA integrity_check``. A run in which no post was acknowledged fails:
it proved nothing. Loopback only; each run is bounded in time.

    python scripts/crash_check.py --runs 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LIVEBLOG_POSTS_PER_MINUTE": "1000000"}
    with log.open("ab") as out:  # in its own session: the kill below takes the whole server, whatever it started
        process = subprocess.Popen([sys.executable, "-m", "liveblog", "serve", "--db", str(db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.05)
    crash(process)
    raise RuntimeError("server did not start:\n" + log.read_text())


def crash(server: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the server's whole process group, as a power cut would; then reap it."""
    with suppress(ProcessLookupError):  # already gone, with everything it started
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)


def call(method: str, url: str, token: str, body: dict[str, object] | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def one_run(number: int, clients: int, folder: Path) -> list[str]:
    db, log, port = folder / f"crash-{number}.db", folder / f"crash-{number}.log", free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(db, port, log)
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set() and i < 5000:
            try:
                status, entry = call("POST", base + "/api/blogs/crash/entries", token, {"body": f"client {n} post {i}"},
                                     {"Idempotency-Key": f"c{n}-{i}"})
            except (OSError, http.client.HTTPException):
                return  # the server is gone (maybe halfway through an answer)
            if status == 201:
                with lock:
                    acknowledged.append(int(entry["id"]))  # type: ignore[call-overload]
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    try:
        token = re.search(r"API token for scripts:\s+(\S+)", log.read_text()).group(1)  # type: ignore[union-attr]
        assert call("POST", base + "/api/blogs", token, {"slug": "crash", "title": "Crash"})[0] == 201
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 2.0))
    finally:
        crash(server)  # the crash under test, and on any failure before it: no server left behind
        stop.set()
    for t in threads:
        t.join(15)
    problems: list[str] = []
    with sqlite3.connect(db) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
    server = start(db, port, log)
    try:
        ids: list[int] = []
        before = ""
        while True:
            _, page = call("GET", f"{base}/api/blogs/crash?limit=100{before}", token)
            ids += [e["id"] for e in page["entries"]]  # type: ignore[index, union-attr]
            if page["next_before"] is None:
                break
            before = f"&before={page['next_before']}"
        events: list[dict[str, object]] = []
        since = 0
        while True:
            _, chunk = call("GET", f"{base}/api/blogs/crash/events?since={since}&limit=500", token)
            events += chunk["events"]  # type: ignore[arg-type]
            if chunk["next_since"] is None:
                break
            since = chunk["next_since"]  # type: ignore[assignment]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        finally:
            crash(server)  # whatever a clean stop left running
    created = [e["data"]["id"] for e in events if e["event"] == "entry.created"]  # type: ignore[index]
    if not acknowledged:
        problems.append("no post was acknowledged before the kill: nothing was tested")
    missing = set(acknowledged) - set(ids)
    if missing:
        problems.append(f"{len(missing)} acknowledged entries lost: {sorted(missing)[:5]}")
    if len(ids) != len(set(ids)):
        problems.append("an entry is listed twice")
    if sorted(created) != sorted(ids) or len(created) != len(set(created)):
        problems.append("the event log does not match the entries")
    print(f"run {number}: {len(acknowledged)} acknowledged, {len(ids)} stored, {len(events)} events, "
          f"{'OK' if not problems else '; '.join(problems)}", flush=True)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="liveblog-crash-") as folder:
        failures = sum(bool(one_run(n + 1, args.clients, Path(folder))) for n in range(args.runs))
    print(f"{args.runs - failures} of {args.runs} runs lost nothing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
