"""Settings: declared once as a table, read once from flags and the environment.

Nothing else in the package reads ``os.environ``. Every setting has a help text; those
with a ``flag`` are also ``liveblog serve`` flags, built from this table, and the README's
settings table is ``readme_table()`` (a test keeps it so).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Identity:
    """Who publishes the site: the masthead, the feeds' author, JSON-LD's ``publisher`` and the mirror say it."""

    name: str = "Liveblog"
    logo: str = ""  # an absolute URL
    about: str = ""  # an absolute URL
    contact: str = ""  # a mailto: or https: URL


DEFAULT_IDENTITY = Identity()


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    flag: str = ""  # its ``liveblog serve`` flag, if it has one
    metavar: str = ""  # what the flag's value is called in --help (none for a true/false flag)

    @property
    def env(self) -> str:
        return "LIVEBLOG_" + self.name.upper()

    @property
    def flag_help(self) -> str:
        """The flag's --help text: the setting's own, with its default and the variable that sets it too."""
        default = f" Default: {self.default}." if self.default not in ("", False) else ""
        return f"{self.help}{default} Variable: {self.env}.".replace("%", "%%")  # argparse formats help with %


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "liveblog.db", "SQLite database file (created if missing), or a postgresql:// URL.",
            "--db", "PATH"),
    Setting("host", "127.0.0.1", "Address to listen on.", "--host", "ADDRESS"),
    Setting("port", 8000, "Port to listen on (0 picks a free one).", "--port", "PORT"),
    Setting("workers", 1, "Worker processes sharing the database.", "--workers", "N"),
    Setting("base_url", "", "Public URL of the site, for links in feeds (default: from the request).",
            "--base-url", "URL"),
    Setting("allowed_hosts", "", "Host names requests may name, comma-separated (name or name:port; * for any): "
            "others get 400, since links are built from the Host header. Default: 127.0.0.1, localhost, ::1, the "
            "--host address and base_url's host, on any port.", "--allowed-hosts", "NAMES"),
    Setting("max_body_bytes", 64 * 1024, "Largest JSON or form body accepted (413 above); what people write "
            "(the desk's forms, the API's blogs and entries) may always be as large as the largest legal form."),
    Setting("max_header_bytes", 16 * 1024, "Largest total size of a request's headers (431 above)."),
    Setting("max_upload_bytes", 20 * 1024 * 1024, "Largest photo upload accepted (413 above)."),
    Setting("header_timeout", 10.0, "Seconds a connection may take to send its request headers before it is "
            "closed (a client holding sockets open with half-sent requests)."),
    Setting("page_size", 20, "Entries per page on the API and the reader page."),
    Setting("heartbeat_seconds", 15.0, "Seconds between SSE heartbeat comments."),
    Setting("retry_ms", 2000, "Reconnect delay the SSE stream asks browsers to use."),
    Setting("subscriber_queue", 256, "Events buffered per live reader before a slow one is cut off."),
    Setting("poll_interval", 0.05, "Seconds between checks of the event log for other workers' writes."),
    Setting("render_cache_bytes", 64 * 1024 * 1024, "Memory for rendered pages, feeds and blog reads (and their "
            "gzip forms), per process: the least recently used go first. 0 renders every request."),
    Setting("posts_per_minute", 30, "Entries one person may post per minute (429 above)."),
    Setting("streams_per_address", 50, "Open SSE streams allowed per client address (429 above)."),
    Setting("login_attempts", 5, "Failed sign-ins per account or address per 15 minutes (429 above)."),
    Setting("media_dir", "", "Where photos are stored (default: a 'media' folder beside the database)."),
    Setting("key_file", "", "The site's Ed25519 signing key, made on first start with mode 0600 (default: "
            "liveblog-key.json beside the database, or in the working folder for a database server).",
            "--key-file", "PATH"),
    Setting("proxy_headers", False, "Trust X-Forwarded-For/-Proto from the addresses in FORWARDED_ALLOW_IPS "
            "(default 127.0.0.1): the client address for the limits, HTTPS for HSTS.", "--proxy-headers"),
    Setting("access_log", False, "Log every request with the client's address (off: addresses are what an "
            "adversary hunting correspondents wants). Query strings are never logged.", "--access-log"),
    Setting("grip_url", "", "Pushpin publish endpoints, comma-separated (http://127.0.0.1:5561): readers are "
            "held by Pushpin and each event is published to every one of them. See docs/deploy.md.",
            "--grip", "URL"),
    Setting("grip_key", "", "Pushpin's sig_key, required with grip_url: only stream requests whose Grip-Sig "
            "is signed with it are treated as Pushpin's.", "--grip-key", "KEY"),
    Setting("nchan_url", "", "nchan publisher locations, comma-separated (http://127.0.0.1:8081/pub, on a listener "
            "of their own that the public port never reaches): readers are held by nginx's nchan and each event is "
            "posted to `<url>/<slug>` on every one of them. See docs/deploy.md.", "--nchan", "URL"),
)

SETTINGS += (
    Setting("site_name", "Liveblog", "The site's name: the masthead, the feeds' author and the publisher in "
            "structured data and snapshots."),
    Setting("site_logo", "", "Absolute URL of the site's logo (the feeds' logo, structured data's publisher logo)."),
    Setting("site_about", "", "Absolute URL of the page about the site (who runs it)."),
    Setting("site_contact", "", "How to reach the newsroom: a mailto: or https: URL, shown in the footer."),
    Setting("websub_allow_private", False, "Let WebSub subscribers' callbacks be loopback or private addresses "
            "(off: the hub would call into the server's own network for anyone who asks)."),
    Setting("websub_max_subscribers", 1000, "WebSub subscribers one feed may have (a new one is refused above)."),
    Setting("websub_lease_seconds", 864000, "Longest WebSub lease, and the lease given when none is asked for; "
            "a subscriber renews by subscribing again."),
    Setting("websub_retry_seconds", 5.0, "First wait before a failed WebSub delivery is tried again, doubled for "
            "each of its 5 tries."),
    Setting("websub_requests_per_minute", 30, "Requests to the WebSub hub one client address may make per minute "
            "(429 above): each can make the hub call out."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def readme_table() -> str:
    """The README's settings table, one row per setting: the variable, the flag, the default, the help."""
    rows = [f"| `{s.env}` | {_flag_cell(s)} | {f'`{s.default}`' if s.default != '' else ''} | {s.help} |"
            for s in SETTINGS]
    return "\n".join(["| variable | flag | default | meaning |", "| --- | --- | --- | --- |", *rows])


def _flag_cell(setting: Setting) -> str:
    if not setting.flag:
        return ""
    if setting.metavar:
        return f"`{setting.flag} {setting.metavar}`"
    return f"`{setting.flag}`, `--no-{setting.flag.removeprefix('--')}`"  # argparse's BooleanOptionalAction


@dataclass(frozen=True)
class Settings:
    db: str = "liveblog.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    base_url: str = ""
    allowed_hosts: str = ""
    max_body_bytes: int = 64 * 1024
    max_header_bytes: int = 16 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    header_timeout: float = 10.0
    page_size: int = 20
    heartbeat_seconds: float = 15.0
    retry_ms: int = 2000
    subscriber_queue: int = 256
    poll_interval: float = 0.05
    render_cache_bytes: int = 64 * 1024 * 1024
    posts_per_minute: int = 30
    streams_per_address: int = 50
    login_attempts: int = 5
    media_dir: str = ""
    key_file: str = ""
    proxy_headers: bool = False
    access_log: bool = False
    grip_url: str = ""
    grip_key: str = ""
    nchan_url: str = ""
    site_name: str = "Liveblog"
    site_logo: str = ""
    site_about: str = ""
    site_contact: str = ""
    websub_allow_private: bool = False
    websub_max_subscribers: int = 1000
    websub_lease_seconds: int = 864000
    websub_retry_seconds: float = 5.0
    websub_requests_per_minute: int = 30

    @property
    def identity(self) -> Identity:
        return Identity(self.site_name, self.site_logo, self.site_about, self.site_contact)

    @property
    def grip_endpoints(self) -> list[str]:
        return [u.strip() for u in self.grip_url.split(",") if u.strip()]

    @property
    def nchan_endpoints(self) -> list[str]:
        return [u.strip() for u in self.nchan_url.split(",") if u.strip()]

    @property
    def key_path(self) -> str:
        if self.key_file:
            return self.key_file
        if "://" in self.db and not self.db.startswith("sqlite:///"):
            return os.path.abspath("liveblog-key.json")
        return os.path.join(os.path.dirname(os.path.abspath(self.db.removeprefix("sqlite:///"))), "liveblog-key.json")

    @property
    def media_path(self) -> str:
        if self.media_dir:
            return self.media_dir
        if "://" in self.db:  # a database server has no folder beside it
            return os.path.abspath("media")
        return os.path.join(os.path.dirname(os.path.abspath(self.db)), "media")


def _coerce(setting: Setting, raw: Any) -> Any:
    kind = type(setting.default)
    if kind is bool and isinstance(raw, str):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"{setting.env}: expected true or false, got {raw!r}")
    try:
        return kind(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{setting.env}: expected {kind.__name__}, got {raw!r}") from None


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Flags win over ``LIVEBLOG_*`` variables, which win over defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = _coerce(setting, env[setting.env])
    if "DATABASE_URL" in env and "db" not in values:
        values["db"] = env["DATABASE_URL"]
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        if name not in BY_NAME:
            raise KeyError(f"unknown setting {name!r}")
        values[name] = _coerce(BY_NAME[name], raw)
    settings = Settings(**values)
    if settings.grip_endpoints and settings.nchan_endpoints:
        raise ValueError("readers are held by one fan-out tier: give --grip (Pushpin) or --nchan, not both")
    if settings.grip_endpoints and not settings.grip_key:
        raise ValueError("--grip needs --grip-key (LIVEBLOG_GRIP_KEY), the sig_key Pushpin signs Grip-Sig with: "
                         "without it a client could pass for Pushpin and skip the per-address stream limit")
    return settings

