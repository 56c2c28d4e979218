"""A local nginx with the nchan module in front of Liveblog origins: its configuration, started and stopped.

Used by ``liveblog bench --tiers nchan`` and the tests; ``docs/deploy.md`` shows the
same configuration for a real deployment. nginx serves the readers' streams from nchan
and passes everything else to the origins. The publisher has a server of its own on a
loopback port, never the public one: a proxy on the same host forwarding to nginx would
otherwise make every forwarded request look like 127.0.0.1 and let anyone forge or erase a
blog's channel. Every port is on 127.0.0.1 and every file in the instance's own folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from .system import free_ports, pinned, with_children

BINARY = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
MODULE = "/usr/lib/nginx/modules/ngx_nchan_module.so"
BUFFER = 64  # messages nchan keeps per blog: what a reconnecting reader can get back from nchan itself
FIRST = 32  # recent messages a new connection gets, so nothing published since the page was made is missed
LIMIT_CONN_MAX = 65535  # the most nginx's limit_conn accepts: it refuses to start with more


def available() -> bool:
    return BINARY is not None and os.path.exists(MODULE)


def _preamble(folder: str, workers: int) -> str:
    """What every instance's nginx.conf opens with: the module, its processes and limits, every file in
    ``folder``, and the ``http`` block opened (the caller's text closes it)."""
    return f"""load_module {MODULE};
worker_processes {workers};
worker_rlimit_nofile 1048576;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1000000; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
"""


def config(folder: str, *, port: int, publish_port: int, origins: list[str], redis: str | None = None,
           streams_per_address: int = 50, workers: int = 1) -> str:
    """nginx.conf for one instance in front of ``origins`` (host:port), its publisher on ``publish_port``.
    With ``redis`` (redis://host:port/db) several instances share nchan's messages. Each client address may
    hold ``streams_per_address`` streams, as on the origin (``LIVEBLOG_STREAMS_PER_ADDRESS``)."""
    redis_lines = f'nchan_redis_url "{redis}"; nchan_use_redis on;' if redis else ""
    streams_per_address = min(streams_per_address, LIMIT_CONN_MAX)
    servers = "\n".join(f"    server {origin};" for origin in origins)
    return _preamble(folder, workers) + f"""  {redis_lines}
  limit_conn_zone $binary_remote_addr zone=streams:10m;
  upstream origins {{
{servers}
    keepalive 32;
  }}
  # the origins publish each event here, once: a listener of its own that the public never reaches
  server {{
    listen 127.0.0.1:{publish_port};
    location ~ ^/pub/(?<slug>[a-z0-9-]+)$ {{
      nchan_publisher http;
      nchan_channel_id liveblog.$slug;
      nchan_message_buffer_length {BUFFER};
      nchan_message_timeout 1h;
    }}
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    # readers: the blog's stream, held by nchan
    location ~ ^/blogs/(?<slug>[a-z0-9-]+)/events$ {{
      limit_conn streams {streams_per_address};
      limit_conn_status 429;
      error_page 429 @too_many_streams;
      nchan_subscriber eventsource;
      nchan_channel_id liveblog.$slug;
      nchan_subscriber_first_message -{FIRST};
      nchan_eventsource_ping_interval 15;
      add_header X-Content-Type-Options nosniff always;
      add_header Cache-Control no-cache always;
    }}
    location @too_many_streams {{
      default_type application/json;
      add_header Retry-After 30 always;
      return 429 '{{"error": "too many open streams from this address", "detail": {{"limit": {streams_per_address}}}}}';
    }}
    # everything else: the origins
    location / {{
      proxy_pass http://origins;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


def bare_config(folder: str, *, port: int, workers: int = 1) -> str:
    """nchan alone, one channel, no origin: the bar the fan-out tier is held to."""
    return _preamble(folder, workers) + f"""  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location = /healthz {{ return 200 "{{}}"; }}
    location = /publish {{ nchan_publisher; nchan_channel_id bench; nchan_message_buffer_length 64; }}
    location = /events {{ nchan_subscriber eventsource; nchan_channel_id bench; }}
  }}
}}
"""


@dataclass
class Nginx:
    url: str
    folder: str
    process: subprocess.Popen[bytes]
    publish_url: str = ""  # what ``liveblog serve --nchan`` is given (none for nchan alone)

    def pids(self) -> list[int]:
        """The master and its workers."""
        return with_children(self.process.pid)

    def log(self) -> str:
        """What nginx said at start-up and since."""
        said = []
        for name in ("startup.log", "error.log"):
            path = os.path.join(self.folder, name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    said.append(f.read())
        return "".join(said)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start(origins: list[str] | None = None, *, redis: str | None = None, folder: str | None = None,
          port: int | None = None, preexec_fn: Callable[[], None] | None = None, cpu: int | None = None,
          streams_per_address: int = 50, workers: int = 1) -> Nginx:
    """nginx on a free loopback port: in front of ``origins``, or, with none, nchan alone (``bare_config``)."""
    if BINARY is None or not available():
        raise RuntimeError("nginx with nchan is not installed (Debian: apt-get install nginx-light libnginx-mod-nchan)")
    folder = folder or tempfile.mkdtemp(prefix="liveblog-nginx-")
    os.makedirs(folder, exist_ok=True)
    chosen, other = free_ports(2)  # two at once: one after the other may be the same port
    port = port or chosen
    publish_port = (other if other != port else chosen) if origins else None
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as f:
        f.write(config(folder, port=port, publish_port=publish_port, origins=origins, redis=redis,
                       streams_per_address=streams_per_address, workers=workers) if publish_port and origins
                else bare_config(folder, port=port, workers=workers))
    with open(os.path.join(folder, "startup.log"), "wb") as startup:  # what nginx says before its error_log opens
        process = subprocess.Popen([*pinned(cpu), BINARY, "-c", conf, "-p", folder], stdout=subprocess.DEVNULL,
                                   stderr=startup, preexec_fn=preexec_fn, start_new_session=True)
    nginx = Nginx(f"http://127.0.0.1:{port}", folder, process,
                  f"http://127.0.0.1:{publish_port}/pub" if publish_port else "")
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("nginx exited:\n" + nginx.log())
        if _answers(nginx.publish_url + "/ready" if publish_port else nginx.url + "/healthz"):
            return nginx
        time.sleep(0.1)
    nginx.stop()
    raise RuntimeError("nginx did not start:\n" + nginx.log())


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).read()
        return True
    except urllib.error.HTTPError:
        return True  # nginx is up; nchan answers a GET on an empty channel with 404
    except OSError:
        return False
