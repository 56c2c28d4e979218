"""The ``liveblog`` command: serve with no setup, and manage people and tokens."""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from . import __version__, auth, model, names
from .config import BY_NAME, SETTINGS, Setting, Settings, load_settings
from .services.people import taken_names
from .store import Conflict, Store, open_store


def _run(settings: Settings, work: Callable[[Store], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        store = open_store(settings.db)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(main())


def _base_url(settings: Settings) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}"


async def first_free_name(store: Store, name: str) -> str:
    """``name``, or ``name-2``, ``name-3``…: an import may have brought in an author called admin (or Admin)."""
    taken = await taken_names(store)
    candidate, n = name, 1
    while names.reads_like(candidate, taken):
        n += 1
        candidate = f"{name}-{n}"
    return candidate


async def bootstrap(store: Store, settings: Settings, demo: bool) -> list[str]:
    """On a database with no one who can sign in: an editor called admin, a one-time login link and an API
    token."""
    lines: list[str] = []
    now = model.utc_now()
    if await store.count_users() == 0:
        name = await first_free_name(store, "admin")
        admin = await store.create_user(name, "editor", auth.hash_password(auth.new_password()), now)
        login = await auth.issue_signin_link(store, admin, now)
        api = await auth.issue_token(store, admin, auth.API, now)
        lines += [
            f"Created the editor account '{name}'. These are shown once; keep them safe.",
            f"  Sign in (one time, within 24 hours): {auth.signin_url(_base_url(settings), login)}",
            f"  API token for scripts:              {api}",
            f"  Link used or expired? A new one:     liveblog user link {name}",
        ]
    else:
        lines.append("A sign-in link for someone (one time, 24 hours): liveblog user link NAME")
    if demo:
        from .demo import create_demo

        users = await store.list_users()
        editor = next(u for u, _ in users if u.is_editor)
        slug = await create_demo(store, editor)
        lines.append(f"Demo blog: {_base_url(settings)}/blogs/{slug}")
    return lines


class WithoutQuery(logging.Filter):
    """Drops the query string from access log lines: a sign-in link's token must never be written down."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:  # client, method, path?query, version, status
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with ``WithoutQuery`` on the access log, Liveblog's own INFO lines on the same
    handler, and no uvicorn error line for a reader cut off on purpose (configured again in each worker)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"without_query": {"()": f"{__name__}.WithoutQuery"},
                         "quiet_cut_off": {"()": "liveblog.web.stream.QuietCutOff"}}
    config["handlers"]["access"]["filters"] = ["without_query"]
    config["loggers"]["uvicorn.error"]["filters"] = ["quiet_cut_off"]
    config["loggers"]["liveblog"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .connections import http_protocol, raise_descriptor_limit

    settings = _settings(args)
    for line in _run(settings, lambda store: bootstrap(store, settings, args.demo)):
        print(line, flush=True)
    # Worker processes build their own app from these variables, and stop when this process dies (workers.py).
    for setting in SETTINGS:
        os.environ[setting.env] = str(getattr(settings, setting.name))
    uvicorn.run(
        "liveblog.workers:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers if settings.workers > 1 else None,
        proxy_headers=settings.proxy_headers,
        http=http_protocol(settings.header_timeout, raise_descriptor_limit()),
        server_header=False,  # no software and version to fingerprint, and one header fewer on every answer
        timeout_graceful_shutdown=5,
        log_level="info",
        log_config=log_config(),
        access_log=settings.access_log,
    )
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    settings = _settings(args)
    password = auth.new_password()
    role = args.role
    try:
        name = names.check_new_name(args.name)
        display_name = model.check_display_name(args.display_name)
    except model.ValidationError as exc:
        return _fail(f"a user name {exc.message}" if exc.field != "display_name" else f"--display-name {exc.message}")

    async def work(store: Store) -> bool:
        if names.reads_like(name, await taken_names(store)):
            return False
        await store.create_user(name, role, auth.hash_password(password), model.utc_now(), display_name)
        return True

    try:
        if not _run(settings, work):
            return _fail(f"{name!r} reads like the name of an existing account: choose another")
    except Conflict as exc:
        return _fail(exc.message)
    print(f"Created {role} '{name}'. Password (shown once): {password}")
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    settings = _settings(args)
    password = auth.new_password()

    async def work(store: Store) -> bool:
        found = await store.get_user(args.name)
        if found is None:
            return False
        await store.set_password(found[0].id, auth.hash_password(password))
        return True

    if not _run(settings, work):
        print(f"error: no user named {args.name!r}", file=sys.stderr)
        return 1
    print(f"New password for '{args.name}' (shown once): {password}")
    return 0


def cmd_user_link(args: argparse.Namespace) -> int:
    """A new one-time sign-in link (the person's earlier ones stop working): for a first sign-in already spent,
    or a phone lost."""
    settings = _settings(args)

    async def work(store: Store) -> str | None:
        found = await store.get_user(args.name)
        if found is None or found[0].role == model.IMPORTED:
            return None
        if found[0].suspended:
            return ""
        return await auth.issue_signin_link(store, found[0], model.utc_now())

    token = _run(settings, work)
    if token is None:
        return _fail(f"no user named {args.name!r}")
    if not token:
        return _fail(f"{args.name!r} is suspended: restore them on the desk first")
    print(f"Sign-in link for '{args.name}' (one time, within 24 hours): {auth.signin_url(_base_url(settings), token)}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    users = _run(_settings(args), lambda s: s.list_users())
    for user, created in users:
        state = "\tsuspended" if user.suspended else ""
        print(f"{user.name}\t{user.role}\tsince {model.iso(created)}\tbyline {user.byline!r}{state}")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    async def work(store: Store) -> str | None:
        found = await store.get_user(args.name)
        if found is None:
            return None
        return await auth.issue_token(store, found[0], auth.API, model.utc_now())

    token = _run(_settings(args), work)
    if token is None:
        print(f"error: no user named {args.name!r}", file=sys.stderr)
        return 1
    print(token)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from . import export
    from .signing import site_key

    settings = _settings(args)
    # Only --base-url: the snapshot is served elsewhere, and LIVEBLOG_BASE_URL names the live site.
    site = (args.base_url or ".").rstrip("/")

    async def work(store: Store) -> list[str]:
        files = await export.write_snapshot(store, args.slug, Path(args.out), media_path=Path(settings.media_path),
                                            site=site, identity=settings.identity,
                                            key=site_key(Path(settings.key_path)))
        if args.json:
            record = await export.export_record(store, args.slug)
            text = json.dumps(record, ensure_ascii=False, indent=1)
            await asyncio.to_thread(Path(args.json).write_text, text, encoding="utf-8")
        return files

    try:
        files = _run(settings, work)
    except LookupError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 1
    print(f"Wrote {len(files)} files to {args.out}: {', '.join(files)}")
    if args.json:
        print(f"Wrote the private JSON export (withdrawn texts included) to {args.json}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from .services import imports

    try:
        record = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested past the parser
        return _fail(f"{args.file} is not a JSON export: {str(exc) or type(exc).__name__}")
    try:
        checked = imports.read_export(record)  # checked before the database is touched
    except model.ValidationError as exc:
        return _fail(f"{exc.field}: {exc.message}")
    try:
        done = _run(_settings(args), lambda store: imports.import_blog(store, checked))
    except Conflict as exc:
        return _fail(exc.message)
    links = f" and {len(done.linked)} translation links" if done.linked else ""
    print(f"Imported '{checked.blog.slug}' with {len(checked.entries)} entries{links}.")
    if done.left_out:
        print(f"Left out {len(done.left_out)} translation links naming entries not here (of "
              f"{', '.join(done.missing_blogs())}): importing those blogs' exports here makes them.")
    if done.taken:
        print(f"Left out {len(done.taken)} translation links whose translation here already translates an "
              "entry: a translation has one original.")
    return 0


def _fail(message: str) -> int:
    """A refusal in one line on stderr, exit status 1."""
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    out = Path(args.out)
    if out.exists():
        print(f"error: {out} exists; choose a new file", file=sys.stderr)
        return 1
    try:
        _run(_settings(args), lambda store: store.backup(str(out)))
    except NotImplementedError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"Backed up to {out}")
    return 0


def cmd_key_show(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .signing import site_key

    key = site_key(Path(_settings(args).key_path))
    print(f"Fingerprint: {key.fingerprint}\nPublic key:  {key.public_hex}")
    return 0


def cmd_key_rotate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .model import iso, utc_now
    from .signing import rotate_key

    key = rotate_key(Path(_settings(args).key_path), iso(utc_now()) or "")
    print(f"New fingerprint: {key.fingerprint}\nThe old key signed the rotation; restart the server to sign with "
          "the new key, and publish the new fingerprint wherever the old one was.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the site or mirror shows what its key signed; 1 with one line per problem."""
    import json
    from pathlib import Path

    import httpx

    from . import verify
    from .signing import fingerprint

    try:
        since = json.loads(Path(args.since).read_text(encoding="utf-8")) if args.since else None
        if Path(args.target).is_dir():
            published = verify.read_dir(Path(args.target))
        else:
            with httpx.Client(timeout=15.0, follow_redirects=True) as client:
                published = verify.read_site(args.target, lambda url: client.get(url).raise_for_status().text)
    except (OSError, ValueError, KeyError, httpx.HTTPError) as exc:
        return _fail(f"cannot read {args.target}: {exc}")
    try:
        problems = verify.check(published, fingerprint=args.key, since=since)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a log or head not of the shape written
        problems = [f"{args.target}: malformed log, head or feed ({type(exc).__name__}: {exc})"]
    for problem in problems:
        print(problem)
    if problems:
        return 1
    head = published.head or {}
    print(f"OK: {head.get('blog')} up to event {head.get('seq')}, signed by {fingerprint(head['key'])}")
    if args.save_head:
        Path(args.save_head).write_text(json.dumps(head, indent=1), encoding="utf-8")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench  # here, not at the top: no other command loads the load harness

    return bench.main(args.argv)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings({s.name: getattr(args, s.name, None) for s in SETTINGS})


def add_flag(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """A setting's flag as ``config.SETTINGS`` declares it. It defaults to None, so an absent flag leaves the
    variable or the setting's default in force."""
    if isinstance(setting.default, bool):
        parser.add_argument(setting.flag, dest=setting.name, action=argparse.BooleanOptionalAction,
                            help=setting.flag_help)
    else:
        parser.add_argument(setting.flag, dest=setting.name, metavar=setting.metavar, type=type(setting.default),
                            help=setting.flag_help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liveblog", description="Live updates for fast-moving news.")
    parser.add_argument("--version", action="version", version=f"liveblog {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        add_flag(p, BY_NAME["db"])
        return p

    serve = sub.add_parser("serve", help="serve the site (creates the database and an admin if needed)",
                           description="Serve Liveblog. With no users yet, creates an editor 'admin' "
                           "and prints a one-time login link and an API token.")
    for setting in SETTINGS:
        if setting.flag:
            add_flag(serve, setting)
    serve.add_argument("--demo", action="store_true", help="also create a demo blog with a few entries")
    serve.set_defaults(func=cmd_serve)

    user = sub.add_parser("user", help="manage people").add_subparsers(dest="user_command", required=True)
    add = with_db(user.add_parser("add", help="add a person and print a generated password"))
    add.add_argument("name")
    add.add_argument("--role", choices=model.ROLES, required=True)
    add.add_argument("--display-name", dest="display_name", default="",
                     help=f"the byline readers see (default: {model.DESK_BYLINE!r}; never the login name)")
    add.set_defaults(func=cmd_user_add)
    with_db(user.add_parser("list", help="list people and their roles")).set_defaults(func=cmd_user_list)
    link = with_db(user.add_parser("link", help="print a new one-time sign-in link for a person"))
    add_flag(link, BY_NAME["base_url"])
    link.add_argument("name")
    link.set_defaults(func=cmd_user_link)
    passwd = with_db(user.add_parser("password", help="give a person a new generated password"))
    passwd.add_argument("name")
    passwd.set_defaults(func=cmd_user_password)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="token_command", required=True)
    create = with_db(token.add_parser("create", help="create an API token for a person (shown once)"))
    create.add_argument("name")
    create.set_defaults(func=cmd_token_create)

    exporter = with_db(sub.add_parser(
        "export", help="write a static snapshot of a blog (and optionally its private JSON export)",
        description="Write a self-contained folder (index.html, site.css, feed.json, feed.atom, photos) that "
        "opens from disk or any static host, for mirroring when the live site is blocked. --json also writes the "
        "private, backup-grade JSON export (withdrawn texts included) that 'liveblog import' loads; keep it "
        "out of the public folder."))
    exporter.add_argument("slug")
    exporter.add_argument("--out", required=True, help="folder for the public snapshot")
    exporter.add_argument("--json", help="also write the private JSON export to this file")
    exporter.add_argument("--base-url", dest="base_url", help="where the mirror will be served, for feed links")
    exporter.set_defaults(func=cmd_export)
    importer = with_db(sub.add_parser("import", help="load a blog from a JSON export (into a database without it)"))
    importer.add_argument("file")
    importer.set_defaults(func=cmd_import)

    backup = with_db(sub.add_parser("backup", help="copy the live database consistently, while it serves",
                                    description="Copy the database with SQLite's online backup API. Safe while "
                                    "'liveblog serve' is running. The copy opens as a normal database."))
    backup.add_argument("--out", required=True, help="the new file to write")
    backup.set_defaults(func=cmd_backup)

    key = sub.add_parser("key", help="the site's signing key").add_subparsers(dest="key_command", required=True)
    for name, func, text in (("show", cmd_key_show, "print the key's fingerprint (made if there is none yet)"),
                             ("rotate", cmd_key_rotate, "make a new key, signed by the old one")):
        command = with_db(key.add_parser(name, help=text))
        add_flag(command, BY_NAME["key_file"])
        command.set_defaults(func=func)
    verifier = sub.add_parser("verify", help="check a live blog or a mirror against the site's signature",
                              description="Check the signed head, the hash chain and that every entry the page "
                              "and the JSON Feed show is the one the log signed. Exit 0 when all holds, 1 with "
                              "one line per problem.")
    verifier.add_argument("target", metavar="URL-or-DIR", help="a blog's page (https://host/blogs/SLUG) or a mirror")
    verifier.add_argument("--key", help="the fingerprint the newsroom published elsewhere")
    verifier.add_argument("--since", metavar="HEADFILE", help="a head saved earlier: the log must extend it")
    verifier.add_argument("--save-head", dest="save_head", metavar="FILE", help="keep this head for the next check")
    verifier.set_defaults(func=cmd_verify)

    # The bench parses its own flags (`liveblog bench --help` lists them): building this parser, which every
    # command does, never imports the harness. No prefix characters, so every word after `bench` is kept.
    bench = sub.add_parser("bench", help="load-test the live stream (and a bare asyncio floor with --baseline)",
                           add_help=False, prefix_chars="\0")
    bench.add_argument("argv", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
