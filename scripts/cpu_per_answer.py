"""CPU per answer of the application itself, in-process: no socket, no uvicorn, no client.

Calls the ASGI app directly for ``/healthz`` and the cached reader routes of the demo blog, and prints the
process CPU time per call (``time.process_time``, so other load on a shared machine moves it little).
``liveblog bench --pages`` remains the measure of what readers get; this says where the application's
share of it goes (``--profile`` prints cProfile's busiest functions for the reader page).

    .venv/bin/python scripts/cpu_per_answer.py [--calls 3000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from typing import Any

from liveblog import cli
from liveblog.app import create_app
from liveblog.config import Settings
from liveblog.demo import SLUG
from liveblog.runtime import Runtime

PATHS = ["/healthz", f"/blogs/{SLUG}", f"/blogs/{SLUG}/entries/1", f"/blogs/{SLUG}/feed.json",
         f"/blogs/{SLUG}/feed.atom"]


def scope_of(path: str) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"127.0.0.1:8000"), (b"accept-encoding", b"gzip, deflate, br")],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}


async def main(calls: int, profile: bool) -> None:
    folder = tempfile.mkdtemp(prefix="liveblog-cpu-")
    settings = Settings(db=os.path.join(folder, "blog.db"), media_dir=os.path.join(folder, "media"),
                        key_file=os.path.join(folder, "key"))
    app = create_app(settings)
    app.state.runtime = await Runtime.start(settings)
    await cli.bootstrap(app.state.runtime.store, settings, demo=True)
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def call(path: str) -> None:
        await app(scope_of(path), receive, send)

    try:
        for path in PATHS:  # the first call of each renders; the rest are hits
            await call(path)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(calls):
                await call(PATHS[1])
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            return
        for path in PATHS:
            started = time.process_time()
            for _ in range(calls):
                await call(path)
            print(f"{path:48s} {(time.process_time() - started) / calls * 1e6:7.1f} µs")
        assert set(statuses) == {200}, statuses
    finally:
        await app.state.runtime.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.profile))
