"""schema.org structured data for search engines: ``LiveBlogPosting`` and its updates.

Built from the same public JSON the page renders, on every render, so it is never
staler than the page. A corrected update carries schema.org's ``correction`` as
``CorrectionComment`` items; a withdrawn one is left out, since its text is gone.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from . import i18n
from .model import entry_title
from .sanitize import to_text

CONTEXT = "https://schema.org"


def blog_posting(entry: dict[str, Any], url: str, lang: str = i18n.SOURCE) -> dict[str, Any]:
    """One update as a ``BlogPosting``; ``url`` is its permalink, ``lang`` its blog's language."""
    posting: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "headline": entry_title(entry, i18n.translations(lang).gettext("Update %(time)s")),
        "datePublished": entry["published_at"],
        "dateModified": entry["updated_at"],
        "articleBody": to_text(entry["body_html"]),
    }
    if entry["corrections"]:
        posting["correction"] = [
            {"@type": "CorrectionComment", "text": c["note"], "datePublished": c["at"]} for c in entry["corrections"]
        ]
    return posting


def live_blog(blog: dict[str, Any], entries: list[dict[str, Any]], url: str, entry_url: str) -> dict[str, Any]:
    """The blog as a ``LiveBlogPosting``; ``entry_url`` is a format string taking an entry id."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "LiveBlogPosting",
        "@id": url,
        "url": url,
        "headline": blog["title"],
        "description": blog["summary"],
        "inLanguage": blog["language"],
        "datePublished": blog["created_at"],
        "dateModified": blog["last_updated_at"] or blog["created_at"],
        "coverageStartTime": blog["created_at"],
        "liveBlogUpdate": [
            blog_posting(e, entry_url.format(e["id"]), blog["language"]) for e in entries if e["status"] != "retracted"
        ],
    }
    if blog["status"] == "ended" and blog["ended_at"]:
        data["coverageEndTime"] = blog["ended_at"]
    return data


def single_update(entry: dict[str, Any], url: str, blog_url: str, lang: str = i18n.SOURCE) -> dict[str, Any]:
    """A permalink page's own ``BlogPosting``, pointing back to its live blog."""
    data = {"@context": CONTEXT, **blog_posting(entry, url, lang),
            "isPartOf": {"@type": "LiveBlogPosting", "@id": blog_url}, "inLanguage": lang}
    if entry["status"] == "retracted":
        data["articleBody"] = ""
    return data


def script_json(data: dict[str, Any]) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: no ``</script>`` or ``<!--`` can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
