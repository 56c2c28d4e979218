"""Real servers for the suite.

``server``: one uvicorn on 127.0.0.1 (port 0) for the whole session, in a thread.
``site``: gives each test its own temporary database on that server, by swapping
the app's runtime, plus helpers to make people, tokens and blogs.
``spawn``: separate ``liveblog serve`` processes, for restarts, workers and time zones, each in its own
session and ended with its whole process group (tests/processes.py, which also fails a run that leaves any
process behind).
Tests marked ``unit`` (``pytest -m unit``, ``make test-unit``) start no server, process or browser: only the
``databases`` fixture (and ``database()``) is set up for them, which is all a store test needs.
``--store=postgres`` (or LIVEBLOG_TEST_STORE=postgres) runs all of it on PostgreSQL at
127.0.0.1:5432 (user postgres, trust auth): one database per session, one schema per test
database; without a reachable server every test skips, except under CI, where they fail.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from sse_starlette.sse import AppStatus

from liveblog import auth, model
from liveblog.app import create_app
from liveblog.config import Settings, load_settings
from liveblog.runtime import Runtime
from processes import end, fail_on_leftovers, interrupt_on_termination, popen, run

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["browser"]  # the `browser`, `page` and `new_page` fixtures (tests/browser.py)
SERVERS = {"server", "spawn", "browser"}  # the fixtures that start a server, a process or a browser
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A unit test that starts a server would quietly make the unit tier slow again: it fails instead."""
    used = SERVERS.intersection(getattr(item, "fixturenames", ()))
    if item.get_closest_marker("unit") and used:
        pytest.fail(f"a test marked unit uses {', '.join(sorted(used))}: unmark it or drop the fixture", pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that drive Chromium are marked ``browser``: they check what a person sees and does, and the store
    under them is the same code the HTTP tests run on both backends, so ``make test`` runs them once (on SQLite)
    and the PostgreSQL pass deselects them (``-m "not browser"``), which keeps CI well inside its time."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under ``-m unit``, a test module that marks no test unit is not even imported: importing (and rewriting
    the asserts of) every module took most of the unit tier's time. The mark must be written in the module."""
    if config.option.markexpr != "unit" or not collection_path.name.startswith("test_") or collection_path.is_dir():
        return None
    return "mark.unit" not in collection_path.read_text(encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    interrupt_on_termination()


@pytest.hookimpl(trylast=True)  # after the fixtures an interrupted run tears down here: what is left, leaked
def pytest_sessionfinish(session: pytest.Session) -> None:
    fail_on_leftovers(session)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--store", choices=("sqlite", "postgres"), default=os.environ.get("LIVEBLOG_TEST_STORE", "sqlite"),
                     help="database backend to run the suite on (postgres: 127.0.0.1:5432, user postgres)")


class Databases:
    """Where each test's database lives: a SQLite file, or a fresh schema in this session's PostgreSQL database."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.name = f"liveblog_test_{os.getpid()}"
        self.loop = asyncio.new_event_loop()  # in its own thread: Playwright's sync API holds the main one
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.schemas: set[str] = set()
        self.admin: asyncpg.Connection | None = None

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def start(self) -> None:
        if self.backend != "postgres":
            return
        try:
            server = self.run(asyncpg.connect(f"{PG_SERVER}/postgres", timeout=5))
        except (OSError, asyncpg.PostgresError, TimeoutError) as e:
            missing(f"PostgreSQL is not reachable at {PG_SERVER} ({e}); start it or run without --store=postgres")
        try:
            self.run(server.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
            self.run(server.execute(f"CREATE DATABASE {self.name}"))
        finally:
            self.run(server.close())
        self.admin = self.run(asyncpg.connect(f"{PG_SERVER}/{self.name}"))

    def stop(self) -> None:
        if self.admin is not None:
            self.run(self.admin.close())
            server = self.run(asyncpg.connect(f"{PG_SERVER}/postgres"))
            self.run(server.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
            self.run(server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()

    def url(self, db: Path | str) -> str:
        """The ``--db`` value for a database file a test names (a URL given as a string is kept)."""
        if self.backend == "sqlite" or isinstance(db, str):
            return str(db)
        schema = "t_" + hashlib.sha1(str(db).encode()).hexdigest()[:20]
        if schema not in self.schemas:
            assert self.admin is not None
            self.run(self.admin.execute(f"CREATE SCHEMA {schema}"))
            self.schemas.add(schema)
        return f"{PG_SERVER}/{self.name}?search_path={schema}"

    def sql(self, db: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query written for SQLite (``?`` placeholders) against either backend."""
        if self.backend == "sqlite":
            with sqlite3.connect(db) as conn:
                return conn.execute(query, params).fetchall()
        parts = query.split("?")
        query = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))

        async def fetch() -> list[tuple[Any, ...]]:
            conn = await asyncpg.connect(db)
            try:
                return [tuple(r) for r in await conn.fetch(query, *params)]
            finally:
                await conn.close()

        return self.run(fetch())  # type: ignore[no-any-return]

    def dump(self, db: str) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted, read in one connection."""
        if self.backend == "sqlite":
            with closing(sqlite3.connect(db)) as conn:
                names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}

        async def fetch() -> dict[str, list[tuple[Any, ...]]]:
            conn = await asyncpg.connect(db)
            try:
                names = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                tables = {}
                for (name,) in names:
                    tables[name] = sorted([tuple(r) for r in await conn.fetch(f"SELECT * FROM {name}")], key=repr)
                return tables
            finally:
                await conn.close()

        return self.run(fetch())  # type: ignore[no-any-return]


DATABASES: Databases | None = None


@pytest.fixture(scope="session", autouse=True)
def databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    global DATABASES
    DATABASES = Databases(request.config.getoption("--store"))
    DATABASES.start()
    yield DATABASES
    DATABASES.stop()
    DATABASES = None


def database(db: Path | str) -> str:
    """What ``--db`` a test database file becomes on the backend the suite runs on."""
    return DATABASES.url(db) if DATABASES is not None else str(db)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """An ``async def`` test (the services' unit tests) runs on an event loop of its own, in a thread of its own:
    after a browser test, Playwright's sync API holds the main thread's loop for the rest of the session, and
    ``asyncio.run`` there (or a plugin's runner) refuses to start."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(pyfuncitem.obj(**kwargs))
        except BaseException as exc:  # handed to the test's own thread, which reports it
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"test {pyfuncitem.name}")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return True


@dataclass
class Server:
    url: str
    app: Any
    loop: asyncio.AbstractEventLoop
    settings: Settings

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        """Run a coroutine on the server's own event loop (where its store lives)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("session") / "boot.db"
    settings = load_settings({"db": str(db)}, environ={})
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=3,
                            proxy_headers=False,  # as `liveblog serve` runs by default: X-Forwarded-* not trusted
                            lifespan="on")
    uv = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    AppStatus.should_exit = False
    served: Future[None] = asyncio.run_coroutine_threadsafe(uv.serve(), loop)
    deadline = time.monotonic() + 15
    while not uv.started:
        if served.done():
            served.result()
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    port = uv.servers[0].sockets[0].getsockname()[1]
    yield Server(url=f"http://127.0.0.1:{port}", app=app, loop=loop, settings=settings)
    uv.should_exit = True
    AppStatus.should_exit = True
    served.result(timeout=15)
    AppStatus.should_exit = False
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


@dataclass
class Site:
    """One test's view of the server: its own database, people and an HTTP client."""

    server: Server
    settings: Settings
    client: httpx.Client
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def runtime(self) -> Runtime:
        return self.server.app.state.runtime  # type: ignore[no-any-return]

    def call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.server.call(coro)

    def user(self, name: str, role: str = "correspondent", password: str = "correct horse battery",
             display_name: str | None = None) -> str:
        """Create a person and return an API token for them. Their byline is their login name unless given:
        a shortcut of the tests only (the desk, the API and ``liveblog user add`` never default to it);
        tests/test_bylines.py gives pseudonyms and checks no login name is public."""
        store = self.runtime.store

        async def make() -> str:
            now = model.utc_now()
            user = await store.create_user(name, role, auth.hash_password(password), now,
                                           name if display_name is None else display_name)
            return await auth.issue_token(store, user, auth.API, now)

        token: str = self.call(make())
        self.tokens[name] = token
        return token

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read this site's database directly, on either backend (SQLite ``?`` placeholders)."""
        assert DATABASES is not None
        return DATABASES.sql(self.settings.db, query, *params)

    def stored(self) -> tuple[dict[str, list[tuple[Any, ...]]], list[str]]:
        """Every row of every table and every photo file: what a refused request must leave alone."""
        assert DATABASES is not None
        media = Path(self.settings.media_path)
        return DATABASES.dump(self.settings.db), sorted(p.name for p in media.iterdir()) if media.exists() else []

    def headers(self, name: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}", **extra}

    def blog(self, slug: str = "strike", *, as_: str = "editor", **fields: Any) -> dict[str, Any]:
        if as_ not in self.tokens:
            self.user(as_, "editor")
        r = self.client.post("/api/blogs", json={"slug": slug, "title": fields.pop("title", slug.title()), **fields},
                             headers=self.headers(as_))
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def post(self, slug: str, body: str, *, as_: str = "editor", headers: dict[str, str] | None = None,
             **fields: Any) -> httpx.Response:
        return self.client.post(f"/api/blogs/{slug}/entries", json={"body": body, **fields},
                                headers={**self.headers(as_), **(headers or {})})

    def entry(self, slug: str, body: str, **kw: Any) -> dict[str, Any]:
        r = self.post(slug, body, **kw)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]


def use_database(server: Server, settings: Settings) -> None:
    """Point the running server at a fresh runtime (and database); close the old one."""

    async def swap() -> None:
        fresh = await Runtime.start(settings)
        old = server.app.state.runtime
        server.app.state.runtime = fresh
        await old.stop()

    server.call(swap())


@pytest.fixture
def site_with(server: Server, tmp_path: Path) -> Iterator[Callable[..., Site]]:
    """A site with its own database and settings: ``site_with(posts_per_minute=2)``."""
    clients: list[httpx.Client] = []

    def make(**overrides: Any) -> Site:
        if DATABASES is not None and DATABASES.backend == "postgres":  # no folder beside a URL
            overrides.setdefault("media_dir", str(tmp_path / f"media{len(clients)}"))
            overrides.setdefault("key_file", str(tmp_path / f"key{len(clients)}.json"))
        settings = load_settings({"db": database(tmp_path / f"test{len(clients)}.db"), **overrides}, environ={})
        use_database(server, settings)
        client = httpx.Client(base_url=server.url, timeout=10)
        clients.append(client)
        return Site(server=server, settings=settings, client=client)

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def site(site_with: Callable[..., Site]) -> Site:
    return site_with()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing(message: str) -> None:
    """Skip, except under CI, where what is missing is a failure of the tests that need it (not of the whole run)."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def clean_env() -> dict[str, str]:
    """This environment without the LIVEBLOG_* settings a developer's shell may carry."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LIVEBLOG_")}


def wait_serving(proc: subprocess.Popen[Any], url: str, output: Callable[[], str], seconds: float = 30) -> None:
    """Until the server at ``url`` answers /healthz; fails with its output if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{output()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"server did not answer within {seconds:g}s:\n{output()}")
        time.sleep(0.1)


@dataclass
class Process:
    """A ``liveblog serve`` in its own process."""

    proc: subprocess.Popen[str]
    url: str
    log: Path
    log_file: Any

    def output(self) -> str:
        return self.log.read_text()

    def token(self) -> str:
        """The API token the first start printed for the admin it created."""
        return next(line.split()[-1] for line in self.output().splitlines() if "API token" in line)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                end(self.proc)
                raise AssertionError(f"server did not stop within {timeout}s:\n{self.output()}") from None
        return self.proc.returncode


def liveblog_cmd(*args: str, db: Path | str, env: dict[str, str] | None = None,
                 timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the ``liveblog`` CLI like a user would."""
    full_env = {**os.environ, **(env or {})}
    return run([sys.executable, "-m", "liveblog", *args, "--db", database(db)], env=full_env, timeout=timeout, cwd=ROOT)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Start ``liveblog serve`` processes, each in a session of its own (``descriptors``: its limit on open
    files); every process of each group is killed at the end of the test."""
    started: list[Process] = []

    def start(db: Path | str, *args: str, env: dict[str, str] | None = None, port: int | None = None,
              descriptors: int | None = None) -> Process:
        def limit() -> None:
            if descriptors is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))

        port = port or free_port()
        log = tmp_path / f"serve-{len(started)}.log"
        full_env = clean_env()
        if DATABASES is not None and DATABASES.backend == "postgres":
            full_env["LIVEBLOG_MEDIA_DIR"] = str(tmp_path / "media")
        full_env.update(env or {})
        log_file = log.open("w")
        proc = popen([sys.executable, "-m", "liveblog", "serve", "--db", database(db), "--port", str(port), *args],
                     stdout=log_file, stderr=subprocess.STDOUT, text=True, env=full_env, cwd=ROOT, preexec_fn=limit)
        process = Process(proc, f"http://127.0.0.1:{port}", log, log_file)
        started.append(process)
        wait_serving(proc, process.url, process.output)
        return process

    yield start
    for p in started:
        end(p.proc)
        p.log_file.close()
