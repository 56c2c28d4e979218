"""HTML from templates: the one Jinja environment, shared by pages and the stream.

The entry partial (``templates/_entry.html``) renders an entry the same way on the
reader page and in the ``html`` field of each SSE event, so both render from the
entry's public JSON and can never disagree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from . import i18n
from .languages import entry_languages, language_name
from .model import FILED_AT_SHOWN_AFTER, date_gmt, parse_iso, time_gmt, to_utc, utc_now
from .sanitize import render_document, to_text


def _folder(name: str) -> Path:
    """Inside the package when installed from a wheel, else at the top of the checkout."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


TEMPLATES = _folder("templates")
STATIC = _folder("static")
EXTENSION_DOC = TEMPLATES / "feed-extension.md"  # beside the templates, so wherever pages render, it is there
PROSE = re.compile(r"[^\W\d_]{2,}")  # a word: what a table cell of the document needs translating for
CODE_SPAN = re.compile(r"`[^`]*`")

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)


def _lang(context: Context) -> str:
    """Every template speaks the ``lang`` of its page: the blog's for readers, the person's on the desk."""
    return str(context.get("lang") or i18n.SOURCE)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return i18n.translations(_lang(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return i18n.translations(_lang(context)).ngettext(singular, plural, n)


env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]


@lru_cache(maxsize=64)
def asset_url(name: str) -> str:
    """A static file's URL with a hash of its content, so it can be cached for a year."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


@pass_context
def local_date(context: Context, iso: str) -> str:
    """An ISO time's GMT date as the page's language writes it (Babel, CLDR)."""
    lang, when = _lang(context), parse_iso(iso)
    return date_gmt(when) if lang == i18n.SOURCE else i18n.long_date(to_utc(when).date(), lang)  # English: "6 Dec 2026"


@pass_context
def byline(context: Context, name: str) -> str:
    return i18n.byline(name, _lang(context))


def today_gmt() -> str:
    return date_gmt(utc_now())


@pass_context
def filed_gmt(context: Context, entry: dict[str, Any]) -> str | None:
    """``filed 13:02 GMT`` is shown only when the phone filed it over a minute before publication (with its day,
    in the page's language, when that was another day)."""
    published = parse_iso(entry["published_at"])
    filed = parse_iso(entry["filed_at"])
    if abs(published - filed) <= FILED_AT_SHOWN_AFTER:
        return None
    same_day = date_gmt(filed) == date_gmt(published)
    return time_gmt(filed) + ("" if same_day else f", {local_date(context, entry['filed_at'])}")


def body_preview(entry: dict[str, Any], limit: int) -> str:
    """The start of an entry's text without its headline: a description that does not repeat its title."""
    return preview({"body_html": entry.get("body_html", "")}, limit)


def preview(entry: dict[str, Any], limit: int = 90) -> str:
    """A one-line label for an entry: its headline, or the start of its text."""
    text = entry.get("headline") or " ".join(to_text(entry.get("body_html", "")).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def catalog_url(lang: str) -> str:
    """The scripts' strings for a language, versioned like every other asset (``web/assets.py`` serves it)."""
    return f"/static/i18n/{lang}.json?v={i18n.catalog_version(lang)}"


env.globals.update(asset=asset_url, today_gmt=today_gmt, byline=byline, filed_gmt=filed_gmt, preview=preview,
                   local_date=local_date, text_direction=i18n.text_direction, og_locale=i18n.og_locale,
                   catalog_url=catalog_url, language_name=language_name, entry_languages=entry_languages,
                   body_preview=body_preview)


def render(template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)


def entry_html(entry: dict[str, Any], blog_slug: str | None = None, lang: str | None = None) -> str:
    """An entry (its public JSON) as the reader page shows it, in its blog's language."""
    return render("_entry.html", entry=entry, slug=blog_slug or entry["blog"], today=today_gmt(), lang=lang).strip()


def extension_doc(say: Callable[[str], str]) -> str:
    """The extension's document (Markdown, its title left out: the page's h1 says it) with each piece of prose, a
    heading, a paragraph or a table cell, passed through ``say``: the catalog's translation on a page, a collector
    in `make catalogs`. Code blocks, and cells that hold only code, stay as written."""
    text = EXTENSION_DOC.read_text(encoding="utf-8")
    out = []
    for block in (text.partition("\n")[2] if text.startswith("# ") else text).strip().split("\n\n"):
        if block.startswith("    "):
            out.append(block)
        elif block.startswith("#"):
            marks, _, heading = block.partition(" ")
            out.append(f"{marks} {say(heading)}")
        elif block.startswith("|"):
            out.append("\n".join("| " + " | ".join(_cell(c.strip(), say) for c in row.strip().strip("|").split("|"))
                                 + " |" for row in block.splitlines()))
        else:
            out.append(say(" ".join(block.split())))
    return "\n\n".join(out)


def _cell(text: str, say: Callable[[str], str]) -> str:
    return say(text) if PROSE.search(CODE_SPAN.sub("", text)) else text


@lru_cache(maxsize=16)
def extension_page(lang: str = i18n.SOURCE) -> str:
    """The ``_liveblog`` feed extension's documentation as a page in ``lang``, rendered once per language: served at
    ``/about/feed-extension`` in the visitor's language and copied into each static snapshot in the blog's."""
    tr = i18n.translations(lang)
    html = render_document(extension_doc(tr.gettext))
    return render("about.html", title=tr.gettext("The _liveblog JSON Feed extension"), body_html=html, lang=lang)
