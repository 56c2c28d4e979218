"""What the README and the Procfile tell a new user to type works as written.

The curl session of "The JSON API, with curl" runs in bash against `liveblog serve --demo` (the state
`make run` leaves), with only the address and the token filled in; the Procfile's command starts a server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from conftest import ROOT, clean_env, database, free_port, wait_serving
from processes import run, started


def curl_session() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The JSON API, with curl", 1)[1]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found, "the README's curl session is missing"
    return found.group(1)


def test_the_readme_curl_session_runs_as_written(spawn, tmp_path):
    server = spawn(tmp_path / "demo.db", "--demo")
    token = server.token()
    script = curl_session()
    assert "B=http://127.0.0.1:8000\n" in script and 'H="Authorization: Bearer lb_…"' in script
    script = script.replace("B=http://127.0.0.1:8000\n", f"B={server.url}\n")
    script = script.replace('H="Authorization: Bearer lb_…"', f'H="Authorization: Bearer {token}"')
    done = run(["bash", "-euo", "pipefail", "-c", script], timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert '"error"' not in said, said
    blog = httpx.get(f"{server.url}/api/blogs/strike").json()
    assert blog["status"] == "ended"
    second, first = blog["entries"]
    assert first["supersedes"] == [] and first["superseded_by"] == [second["id"]]
    assert second["supersedes"] == [first["id"]] and second["status"] == "retracted"
    assert first["revision"] == 2 and first["corrections"][0]["note"] == "Figure corrected"
    assert first["corrections"][0]["previous_body"] == "Police say **50** people were hurt."
    assert first["time_gmt"].endswith(" GMT") and first["published_at"].endswith("Z")


def test_the_procfile_starts_the_server(tmp_path):
    [line] = (ROOT / "Procfile").read_text().splitlines()
    kind, command = line.split(": ", 1)
    assert kind == "web" and "--port $PORT" in command
    command = command.replace("--host 0.0.0.0", "--host 127.0.0.1")  # the tests stay on loopback
    port = free_port()
    env = clean_env()
    env.update(PORT=str(port), LIVEBLOG_DB=database(tmp_path / "paas.db"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    log = tmp_path / "paas.log"
    with log.open("w") as out, started(["bash", "-c", f"exec {command}"], env=env, cwd=tmp_path, stdout=out,
                                       stderr=subprocess.STDOUT) as proc:
        wait_serving(proc, f"http://127.0.0.1:{port}", log.read_text)
