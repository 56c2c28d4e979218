"""The README's screenshots: each language's reader page and desk on a phone (390×844), from a real
``liveblog serve`` on a fresh database, in Debian's chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

writes reader-{en,ru,kk,ar}.png and desk-{en,ru,kk,ar}.png. The Russian blog's first update has an English
translation (each page links the other) and a correction; each desk is a correspondent's whose browser asks for
that language, with an update being written.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
READY = "html[data-catalog-ready]"
# per language: the blog (slug, title, summary), its updates (oldest first; a third supersedes the second), the
# correspondent, and what they are writing
BLOGS: dict[str, dict[str, Any]] = {
    "ru": {"slug": "moskva", "title": "Пожар на складе", "summary": "Хроника дня: пожар на Варшавском шоссе",
           "updates": ["На складе на Варшавском шоссе пожар, жильцов соседних домов эвакуируют.",
                       "По данным МЧС, погибли 50 человек.", "По последним данным МЧС, погибли 70 человек."],
           "person": ("sasha", "Саша Лебедева"), "writing": "Пожарные локализовали огонь на площади 2000 м²."},
    "en": {"slug": "world", "title": "Warehouse fire in Moscow", "summary": "The day as it happens",
           "updates": ["A warehouse on Varshavskoye Highway is on fire; residents nearby are evacuated.",
                       "The emergencies ministry says 50 people died."],
           "person": ("emma", "Emma Ward"), "writing": "The ministry now says 70 people died."},
    "kk": {"slug": "almaty", "title": "Деподағы ереуіл", "summary": "Автобус жүргізушілері жұмысқа шықпады",
           "updates": ["Автобус жүргізушілері жұмысқа шықпады.", "Таңертеңнен бері 12 депо жабық.",
                       "Кешке қарай 15 депо жабық."],
           "person": ("aigerim", "Айгерім Сейітова"), "writing": "Әкімдік жүргізушілермен кездесуге шақырды."},
    "ar": {"slug": "qahira", "title": "إضراب في المستودعات", "summary": "لم يحضر سائقو الحافلات إلى نوبات عملهم",
           "updates": ["لم يحضر سائقو الحافلات إلى نوبات عملهم.", "أُغلق 12 مستودعًا منذ الصباح.",
                       "أُغلق 15 مستودعًا حتى المساء."],
           "person": ("nour", "نور حداد"), "writing": "دعت المحافظة السائقين إلى اجتماع عند الساعة 18:00 اليوم."},
}
CORRECTED = "На складе на Варшавском шоссе пожар, эвакуируют жильцов трёх домов."


def liveblog(db: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEBLOG_")}
    return subprocess.run([sys.executable, "-m", "liveblog", *args, "--db", str(db)], check=True, env=env,
                          capture_output=True, text=True).stdout


def people(db: Path) -> dict[str, dict[str, str]]:
    """Each language's correspondent, with a password for the desk and a token for the API, and an editor's
    token to make the blogs."""
    made = {}
    for blog in BLOGS.values():
        name, byline = blog["person"]
        said = liveblog(db, "user", "add", name, "--role", "correspondent", "--display-name", byline)
        made[name] = {"password": re.search(r"\(shown once\): (\S+)", said)[1],  # type: ignore[index]
                      "token": liveblog(db, "token", "create", name).strip()}
    liveblog(db, "user", "add", "desk", "--role", "editor", "--display-name", "Desk")
    made["desk"] = {"token": liveblog(db, "token", "create", "desk").strip()}
    return made


def fill(url: str, made: dict[str, dict[str, str]]) -> dict[str, list[int]]:
    """The blogs, made by an editor, and their updates, each by the blog's correspondent: a key event, a toll
    superseded by a newer one; the English blog translates the Russian one's first update, corrected since."""
    def client(name: str) -> httpx.Client:
        return httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {made[name]['token']}"})

    ids: dict[str, list[int]] = {}
    with client("desk") as editor:
        for lang, blog in BLOGS.items():
            editor.post("/api/blogs", json={"slug": blog["slug"], "title": blog["title"], "summary": blog["summary"],
                                            "language": lang}).raise_for_status()
    for lang, blog in BLOGS.items():
        ids[lang] = []
        with client(blog["person"][0]) as person:
            for n, text in enumerate(blog["updates"]):
                fields: dict[str, Any] = {"body": text, "key_event": n == 0,
                                          "supersedes": [ids[lang][1]] if n == 2 else []}
                if lang == "en" and n == 0:
                    fields["translation_of"] = {"blog": BLOGS["ru"]["slug"], "id": ids["ru"][0]}
                r = person.post(f"/api/blogs/{blog['slug']}/entries", json=fields)
                r.raise_for_status()
                ids[lang].append(r.json()["id"])
    with client(BLOGS["ru"]["person"][0]) as sasha:
        sasha.post(f"/api/blogs/{BLOGS['ru']['slug']}/entries/{ids['ru'][0]}/corrections",
                   json={"body": CORRECTED, "note": "Уточнено число домов"}).raise_for_status()
    return ids


def photograph(url: str, made: dict[str, dict[str, str]], ids: dict[str, list[int]], out: Path) -> None:
    """Each language's reader page, then its correspondent's desk with an update being written (the English one
    translating the Russian blog's latest)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for lang, blog in BLOGS.items():
            context = browser.new_context(viewport=PHONE, locale=lang,
                                          extra_http_headers={"Accept-Language": f"{lang},en;q=0.3"})
            page = context.new_page()
            page.goto(f"{url}/blogs/{blog['slug']}")
            page.wait_for_selector(READY)
            page.wait_for_selector("#status.live")
            page.screenshot(path=str(out / f"reader-{lang}.png"))
            name = blog["person"][0]
            page.goto(url + "/login")
            page.fill("#name", name)
            page.fill("#password", made[name]["password"])
            page.click("button[type=submit]")
            page.wait_for_url(url + "/desk")
            page.goto(f"{url}/desk/{blog['slug']}")
            page.wait_for_selector(READY)
            page.fill("#body", blog["writing"])
            if lang == "en":
                page.fill("#translation_of", f"{url}/blogs/{BLOGS['ru']['slug']}/entries/{ids['ru'][-1]}")
            page.locator("#body").blur()
            page.screenshot(path=str(out / f"desk-{lang}.png"))
            context.close()
        browser.close()


def serving(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "shots.db"
        made = people(db)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEBLOG_")}
        proc = subprocess.Popen([sys.executable, "-m", "liveblog", "serve", "--db", str(db), "--port", str(port),
                                 "--key-file", f"{folder}/key.json"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            serving(url)
            photograph(url, made, fill(url, made), args.out)
        finally:
            proc.terminate()
            proc.wait(15)
    print(f"wrote {', '.join(sorted(p.name for p in args.out.glob('*-*.png')))} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
