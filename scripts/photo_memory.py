"""What photo uploads cost a real ``liveblog serve`` in memory: its VmRSS before, its peak (VmHWM) while
``--uploads`` PNGs of ``--side`` x ``--side`` px arrive at once, and its VmRSS a second after.

    python scripts/photo_memory.py --side 3400 --uploads 4
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from PIL import Image, ImageDraw


def png(side: int) -> bytes:
    img = Image.new("RGB", (side, side), "white")
    ImageDraw.Draw(img).rectangle((100, 100, side // 2, side // 2), fill="red")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def mib(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(field + ":"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", type=int, default=3400)
    parser.add_argument("--uploads", type=int, default=4)
    args = parser.parse_args()
    raw = png(args.side)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEBLOG_")}
        proc = subprocess.Popen([sys.executable, "-m", "liveblog", "serve", "--db", f"{folder}/m.db", "--port",
                                 str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        try:
            assert proc.stdout is not None
            token = next(line.split()[-1] for line in proc.stdout if "API token" in line)
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:
                for _ in range(300):
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                client.post("/api/media", files={"file": ("warm.png", png(200), "image/png")})
                before = mib(proc.pid, "VmRSS")
                with open(f"/proc/{proc.pid}/clear_refs", "w") as f:
                    f.write("5")
                with ThreadPoolExecutor(args.uploads) as pool:
                    answers = list(pool.map(lambda _: client.post(
                        "/api/media", files={"file": ("shot.png", raw, "image/png")}).status_code,
                        range(args.uploads)))
                time.sleep(1)
                print(f"{args.uploads} x {args.side}² PNG ({len(raw) // 1024} KB): answers {answers}; server RSS "
                      f"{before:.0f} MiB before, peak {mib(proc.pid, 'VmHWM'):.0f} MiB, "
                      f"{mib(proc.pid, 'VmRSS'):.0f} MiB after")
        finally:
            proc.terminate()
            proc.wait(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
