"""Installed from a wheel (`pip install .`, as a PaaS build or a container does), Liveblog serves the same
pages, assets and documents as from a checkout: templates/ and static/ travel inside the package."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile

import httpx

from conftest import ROOT, clean_env, free_port, wait_serving
from liveblog.feeds import EXTENSION_ABOUT
from processes import run, started


def shipped(folder: str) -> set[str]:
    top = ROOT / folder
    return {f"liveblog/{folder}/{p.relative_to(top).as_posix()}" for p in top.rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def modules() -> set[str]:
    """Every module of the package: a subpackage missing from pyproject's hand-written list leaves the wheel."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "liveblog").rglob("*.py")}


def test_a_wheel_carries_every_template_and_asset_and_serves_them_installed(tmp_path):
    source = tmp_path / "source"  # a clean copy: a build/ folder left in the checkout would feed the wheel
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__", "*.db*",
                                                                "media", "node_modules"))
    built = run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                 str(source)], timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (tmp_path / "dist").glob("liveblog-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = (shipped("templates") | shipped("static") | modules()) - names
    assert not missing, f"not in the wheel: {sorted(missing)}"

    site = tmp_path / "site"
    installed = run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                     str(wheel)], timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    env = clean_env()
    env["PYTHONPATH"] = str(site)  # the installed copy, not the checkout (the dependencies come from this venv)
    where = run([sys.executable, "-c", "import liveblog.render as r; print(r.__file__, r.TEMPLATES, r.STATIC)"],
                cwd=tmp_path, env=env, timeout=60)
    assert where.returncode == 0, where.stderr
    module, templates, static = where.stdout.split()
    assert module.startswith(str(site)), where.stdout
    assert templates == str(site / "liveblog" / "templates") and static == str(site / "liveblog" / "static")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log, started(
            [sys.executable, "-m", "liveblog", "serve", "--demo", "--db", str(tmp_path / "x.db"), "--port", str(port)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT) as proc:
        wait_serving(proc, base, (tmp_path / "serve.log").read_text)
        [slug] = [b["slug"] for b in httpx.get(base + "/api/blogs").json()["blogs"]]
        page = httpx.get(f"{base}/blogs/{slug}")
        assert page.status_code == 200 and "Latest update" in page.text
        assets = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=', page.text)
        assert "/static/live.js" in assets and "/static/site.css" in assets
        for asset in assets:
            served = httpx.get(base + asset)
            assert served.status_code == 200 and served.content == (ROOT / asset.lstrip("/")).read_bytes(), asset
        assert httpx.get(base + EXTENSION_ABOUT).status_code == 200
        assert httpx.get(base + "/login").status_code == 200
