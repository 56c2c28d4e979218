"""A local Pushpin in front of Liveblog origins: its configuration, started and stopped.

Used by ``liveblog bench --tier pushpin`` and the tests; ``docs/deploy.md`` shows the
same settings for a real deployment. Every port is on 127.0.0.1 and every socket file
in the instance's own folder, so several instances run side by side.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from .system import free_ports, pinned, with_children

BINARY = shutil.which("pushpin")
ZURL = shutil.which("zurl")


def config(folder: str, *, http_port: int, publish_port: int, sig_key: str, internal: list[int]) -> str:
    """pushpin.conf for one instance; ``internal``: three more free ports for its own services. ``message_rate``
    is raised from Pushpin's 2,500 deliveries a second, which would take eight seconds to reach 20,000 readers."""
    push_in, push_sub, command = internal
    return f"""[global]
include={{libdir}}/internal.conf
rundir={folder}/run
ipc_prefix=liveblog-
port_offset=0
stats_connection_ttl=120

[runner]
services=condure,pushpin-proxy,pushpin-handler
http_port=127.0.0.1:{http_port}
logdir={folder}/log
log_level=2
client_buffer_size=8192
client_maxconn=200000

[proxy]
zurl_out_specs=ipc://{folder}/run/zurl-in
zurl_out_stream_specs=ipc://{folder}/run/zurl-in-stream
zurl_in_specs=ipc://{folder}/run/zurl-out
routesfile={folder}/routes
sig_iss=pushpin
sig_key={sig_key}
updates_check=off

[handler]
push_in_spec=tcp://127.0.0.1:{push_in}
push_in_sub_specs=tcp://127.0.0.1:{push_sub}
push_in_http_addr=127.0.0.1
push_in_http_port={publish_port}
command_spec=tcp://127.0.0.1:{command}
stats_spec=ipc://{{rundir}}/{{ipc_prefix}}stats
message_rate=1000000
message_hwm=1000000
"""


def zurl_config(folder: str) -> str:
    """Pushpin's HTTP client towards the origins, run by us rather than by Pushpin's runner: the
    runner's template allows 2,000 open requests and queues 1,000, and a crowd arriving at once
    (each reader's first request goes to the origin) then gets 502s."""
    return f"""[General]
in_spec=ipc://{folder}/run/zurl-in
in_stream_spec=ipc://{folder}/run/zurl-in-stream
out_spec=ipc://{folder}/run/zurl-out
defpolicy=allow
deny=127.*,10.*,192.168.*,*.local
max_open_requests=100000
buffer_size=200000
timeout=600
in_hwm=100000
out_hwm=100000
"""


@dataclass
class Pushpin:
    url: str
    publish_url: str
    folder: str
    process: subprocess.Popen[bytes]
    zurl: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        """The runner, the services it started (condure, pushpin-proxy, pushpin-handler) and zurl."""
        return [*with_children(self.process.pid), self.zurl.pid]

    def log(self) -> str:
        with open(os.path.join(self.folder, "pushpin.log"), errors="replace") as f:
            return f.read()

    def stop(self) -> None:
        for process in (self.process, self.zurl):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


def available() -> bool:
    """Pushpin and the zurl it sends requests through (Debian's pushpin package brings both)."""
    return BINARY is not None and ZURL is not None


def start(origins: list[str], *, sig_key: str, folder: str | None = None,
          preexec_fn: Callable[[], None] | None = None, cpu: int | None = None) -> Pushpin:
    """Pushpin on free loopback ports, routing every request to ``origins`` (host:port)."""
    if BINARY is None or ZURL is None:  # available(), spelt out for the type checker
        raise RuntimeError("pushpin is not installed (Debian: apt-get install pushpin)")
    folder = folder or tempfile.mkdtemp(prefix="liveblog-pushpin-")
    for sub in ("run", "log"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    http_port, publish_port, *internal = free_ports(5)
    with open(os.path.join(folder, "routes"), "w") as f:
        f.write("* " + " ".join(origins) + "\n")
    conf = os.path.join(folder, "pushpin.conf")
    with open(conf, "w") as f:
        f.write(config(folder, http_port=http_port, publish_port=publish_port, sig_key=sig_key,
                       internal=internal))
    zurl_conf = os.path.join(folder, "zurl.conf")
    with open(zurl_conf, "w") as f:
        f.write(zurl_config(folder))
    with open(os.path.join(folder, "pushpin.log"), "wb") as log:
        zurl = subprocess.Popen([*pinned(cpu), ZURL, f"--config={zurl_conf}"], stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=preexec_fn, start_new_session=True)
        process = subprocess.Popen([*pinned(cpu), BINARY, "--config", conf, "--merge-output"], stdout=log,
                                   stderr=subprocess.STDOUT, preexec_fn=preexec_fn, start_new_session=True)
    pushpin = Pushpin(f"http://127.0.0.1:{http_port}", f"http://127.0.0.1:{publish_port}", folder, process, zurl)
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None or zurl.poll() is not None:
            pushpin.stop()
            raise RuntimeError("pushpin exited:\n" + pushpin.log())
        if _listening(http_port) and _publish_ready(pushpin.publish_url):
            return pushpin
        time.sleep(0.1)
    pushpin.stop()
    raise RuntimeError("pushpin did not start:\n" + pushpin.log())


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _publish_ready(publish_url: str) -> bool:
    try:
        req = urllib.request.Request(publish_url + "/publish/", data=b'{"items": []}', method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=1).read()
        return True
    except OSError:
        return False
