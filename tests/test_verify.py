"""`liveblog verify`: a mirror or a live blog passes untouched, and each kind of tampering fails, named.

The mirror is written by `liveblog export`; the live site's answers are tampered on the wire by the fetch
the verifier reads through. One change at a time, each must be found.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from conftest import liveblog_cmd
from liveblog import signing, verify
from liveblog.signing import SiteKey


def build_story(site):
    """A body, a headline, a correction (its note and earlier text), a withdrawal: everything the log keeps."""
    site.blog("strike", summary="Day one")
    a = site.entry("strike", "Police say 50 hurt.", key_event=True)
    r = site.client.post(f"/api/blogs/strike/entries/{a['id']}/corrections",
                         json={"body": "Police say 60 hurt.", "note": "Updated figure"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    b = site.entry("strike", "Hospitals count 70.", headline="Toll rises")
    c = site.entry("strike", "The name of a witness")
    r = site.client.post(f"/api/blogs/strike/entries/{c['id']}/retraction", json={"note": "Protecting a source"},
                         headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    return a["id"], b["id"], c["id"]


def export_mirror(site, out: Path) -> Path:
    done = liveblog_cmd("export", "strike", "--out", str(out), db=site.settings.db,
                        env={"LIVEBLOG_KEY_FILE": site.settings.key_path})
    assert done.returncode == 0, done.stderr
    return out


def run_verify(*args: str) -> tuple[int, list[str]]:
    done = liveblog_cmd("verify", *args, db="unused.db")
    return done.returncode, done.stdout.splitlines()


def through(site, change: Callable[[str, str], str] | None = None) -> verify.Published:
    """The live blog as the verifier reads it, each answer passed through ``change(url, body)``."""
    def fetch(url: str) -> str:
        body = site.client.get(url).raise_for_status().text
        return change(url, body) if change else body

    return verify.read_site(f"{site.url}/blogs/strike", fetch)


def test_the_untouched_mirror_and_live_site_pass(site, tmp_path, capsys):
    build_story(site)
    mirror = export_mirror(site, tmp_path / "mirror")
    assert verify.check(verify.read_dir(mirror)) == []
    assert verify.check(through(site)) == []
    fingerprint = site.runtime.key.fingerprint
    assert cli_main("verify", str(mirror), "--key", fingerprint, "--save-head", str(tmp_path / "head.json")) == 0
    assert cli_main("verify", f"{site.url}/blogs/strike", "--key", fingerprint,
                    "--since", str(tmp_path / "head.json")) == 0
    assert "OK: strike up to event" in capsys.readouterr().out


def cli_main(*args: str) -> int:
    from liveblog import cli

    return cli.main(list(args))
