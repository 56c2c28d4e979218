"""The command line: zero-config serve that bootstraps an admin once, people and tokens."""

import re

import httpx
import pytest

from conftest import liveblog_cmd


def test_first_serve_creates_admin_and_prints_credentials_once(spawn, tmp_path):
    db = tmp_path / "fresh.db"
    first = spawn(db, "--demo")
    out = first.output()
    assert "Created the editor account 'admin'" in out
    assert re.search(r"/login#token=lb_", out)  # after "#": never sent to a server, never in a log
    token = next(line.split()[-1] for line in out.splitlines() if "API token" in line)
    blogs = httpx.get(first.url + "/api/blogs").json()["blogs"]
    assert [b["slug"] for b in blogs] == ["riverton-transit-strike"]
    demo = httpx.get(first.url + "/api/blogs/riverton-transit-strike").json()
    assert len(demo["entries"]) >= 4
    assert any(e["corrections"] for e in demo["entries"])
    assert any(e["supersedes"] for e in demo["entries"])
    r = httpx.post(first.url + "/api/blogs", json={"slug": "mine", "title": "Mine"},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201
    first.stop()
    second = spawn(db, "--demo")
    assert "Created the editor account" not in second.output()
    assert len(httpx.get(second.url + "/api/blogs").json()["blogs"]) == 2


def test_user_add_list_and_token_create(tmp_path):
    db = tmp_path / "people.db"
    added = liveblog_cmd("user", "add", "amal", "--role", "correspondent", db=db)
    assert added.returncode == 0 and "Password (shown once):" in added.stdout
    assert liveblog_cmd("user", "add", "amal", "--role", "editor", db=db).returncode == 1
    assert liveblog_cmd("user", "add", "x y", "--role", "editor", db=db).returncode != 0
    assert liveblog_cmd("user", "add", "z", "--role", "boss", db=db).returncode != 0
    listed = liveblog_cmd("user", "list", db=db)
    assert listed.stdout.split("\t")[:2] == ["amal", "correspondent"]
    token = liveblog_cmd("token", "create", "amal", db=db)
    assert token.returncode == 0 and token.stdout.startswith("lb_")
    assert liveblog_cmd("token", "create", "nobody", db=db).returncode == 1


def test_tokens_are_stored_hashed(tmp_path, databases):
    db = tmp_path / "hashed.db"
    liveblog_cmd("user", "add", "amal", "--role", "correspondent", db=db)
    token = liveblog_cmd("token", "create", "amal", db=db).stdout.strip()
    stored = [row[0] for row in databases.sql(databases.url(db), "SELECT token_hash FROM tokens")]
    passwords = [row[0] for row in databases.sql(databases.url(db), "SELECT password_hash FROM users")]
    assert token not in stored and len(stored[0]) == 64
    assert passwords[0].startswith("$argon2")


@pytest.mark.unit
def test_help_texts_name_every_command():
    from liveblog.cli import build_parser

    help_text = build_parser().format_help()
    for command in ("serve", "user", "token"):
        assert command in help_text


def test_serve_with_pushpin_but_no_key_refuses_to_start(tmp_path):
    done = liveblog_cmd("serve", "--grip", "http://127.0.0.1:5561", "--port", "0", db=tmp_path / "nokey.db",
                        timeout=30)
    assert done.returncode == 2
    assert "--grip needs --grip-key" in done.stderr


@pytest.mark.unit
def test_serve_flags_win_over_the_environment(monkeypatch):
    from liveblog.cli import _settings, build_parser

    monkeypatch.setenv("LIVEBLOG_PROXY_HEADERS", "true")
    monkeypatch.setenv("LIVEBLOG_ACCESS_LOG", "true")
    on = _settings(build_parser().parse_args(["serve"]))
    assert on.proxy_headers and on.access_log
    off = _settings(build_parser().parse_args(["serve", "--no-proxy-headers", "--no-access-log"]))
    assert not off.proxy_headers and not off.access_log
    monkeypatch.delenv("LIVEBLOG_ACCESS_LOG")
    assert not _settings(build_parser().parse_args(["serve"])).access_log, "off by default"
