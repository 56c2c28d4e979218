"""HTML from templates: the one Jinja environment, shared by pages and the stream.

The entry partial (``templates/_entry.html``) renders an entry the same way on the
reader page and in the ``html`` field of each SSE event, so both render from the
entry's public JSON and can never disagree.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .languages import entry_languages, language_name
from .model import FILED_AT_SHOWN_AFTER, date_gmt, parse_iso, time_gmt, utc_now
from .sanitize import render_markdown, to_text


def _folder(name: str) -> Path:
    """Inside the package when installed from a wheel, else at the top of the checkout."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


TEMPLATES = _folder("templates")
STATIC = _folder("static")
EXTENSION_DOC = TEMPLATES / "feed-extension.md"  # beside the templates, so wherever pages render, it is there

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@lru_cache(maxsize=64)
def asset_url(name: str) -> str:
    """A static file's URL with a hash of its content, so it can be cached for a year."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def today_gmt() -> str:
    return date_gmt(utc_now())


def filed_gmt(entry: dict[str, Any]) -> str | None:
    """``filed 13:02 GMT`` is shown only when the phone filed it over a minute before publication."""
    published = parse_iso(entry["published_at"])
    filed = parse_iso(entry["filed_at"])
    if abs(published - filed) <= FILED_AT_SHOWN_AFTER:
        return None
    day = date_gmt(filed)
    return time_gmt(filed) + ("" if day == date_gmt(published) else f", {day}")


def body_preview(entry: dict[str, Any], limit: int) -> str:
    """The start of an entry's text without its headline: a description that does not repeat its title."""
    return preview({"body_html": entry.get("body_html", "")}, limit)


def preview(entry: dict[str, Any], limit: int = 90) -> str:
    """A one-line label for an entry: its headline, or the start of its text."""
    text = entry.get("headline") or " ".join(to_text(entry.get("body_html", "")).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


env.globals.update(asset=asset_url, today_gmt=today_gmt, filed_gmt=filed_gmt, preview=preview,
                   body_preview=body_preview, language_name=language_name, entry_languages=entry_languages)


def render(template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)


def entry_html(entry: dict[str, Any], blog_slug: str | None = None) -> str:
    """An entry (its public JSON) as the reader page shows it."""
    return render("_entry.html", entry=entry, slug=blog_slug or entry["blog"], today=today_gmt()).strip()


@lru_cache(maxsize=1)
def extension_page() -> str:
    """The ``_liveblog`` feed extension's documentation as a page, rendered once: served at
    ``/about/feed-extension`` and copied into each static snapshot."""
    text = EXTENSION_DOC.read_text(encoding="utf-8")
    html = render_markdown(text.partition("\n")[2] if text.startswith("# ") else text)  # its title is the h1
    return render("about.html", title="The _liveblog JSON Feed extension", body_html=html)
