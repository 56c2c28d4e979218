"""schema.org structured data for search engines: ``LiveBlogPosting`` and its updates.

Built from the same public JSON the page renders, on every render, so it is never
staler than the page. A corrected update carries schema.org's ``correction`` as
``CorrectionComment`` items; a withdrawn one is left out, since its text is gone.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup

from .model import entry_title
from .sanitize import to_text

CONTEXT = "https://schema.org"


def blog_posting(entry: dict[str, Any], url: str) -> dict[str, Any]:
    """One update as a ``BlogPosting``; ``url`` is its permalink."""
    posting: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "headline": entry_title(entry),
        "datePublished": entry["published_at"],
        "dateModified": entry["updated_at"],
        "articleBody": to_text(entry["body_html"]),
    }
    posting.update(_translation(entry, url))
    if entry["corrections"]:
        posting["correction"] = [
            {"@type": "CorrectionComment", "text": c["note"], "datePublished": c["at"]} for c in entry["corrections"]
        ]
    return posting


def _translation(entry: dict[str, Any], url: str) -> dict[str, Any]:
    """An update's own language and the updates of other blogs it translates or is translated in, as schema.org's
    ``inLanguage``, ``translationOfWork`` and ``workTranslation`` (their permalinks, resolved against ``url``)."""
    found: dict[str, Any] = {}
    if entry.get("lang"):
        found["inLanguage"] = entry["lang"]
    original = entry.get("translation_of")
    if original:
        found["translationOfWork"] = _work(original, url)
    if entry.get("translations"):
        found["workTranslation"] = [_work(t, url) for t in entry["translations"]]
    return found


def _work(linked: dict[str, Any], url: str) -> dict[str, Any]:
    return {"@type": "BlogPosting", "@id": urljoin(url, linked["url"]), "inLanguage": linked["lang"]}


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
            blog_posting(e, entry_url.format(e["id"])) for e in entries if e["status"] != "retracted"
        ],
    }
    if blog["status"] == "ended" and blog["ended_at"]:
        data["coverageEndTime"] = blog["ended_at"]
    return data


def single_update(entry: dict[str, Any], url: str, blog_url: str) -> dict[str, Any]:
    """A permalink page's own ``BlogPosting``, pointing back to its live blog."""
    data = {"@context": CONTEXT, **blog_posting(entry, url), "isPartOf": {"@type": "LiveBlogPosting", "@id": blog_url}}
    if entry["status"] == "retracted":
        data["articleBody"] = ""
    return data


def script_json(data: dict[str, Any]) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: no ``</script>`` or ``<!--`` can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
