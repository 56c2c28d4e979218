"""schema.org structured data for search engines: ``LiveBlogPosting`` and its updates.

Built from the same public JSON the page renders, on every render, so it is never
staler than the page. A corrected update carries schema.org's ``correction`` as
``CorrectionComment`` items; a withdrawn one is left out of the blog, since its text is gone, and its own
page's posting has no ``articleBody``.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup

from . import i18n
from .config import Identity
from .model import entry_title, iso, parse_iso
from .sanitize import to_text

CONTEXT = "https://schema.org"
COVERAGE_AHEAD = timedelta(hours=4)
PHOTO = re.compile(r'<img [^>]*src="(/media/[A-Za-z0-9_.-]+)"')


def first_photo(html: str, origin: str) -> str | None:
    """The absolute URL of the first photo in an entry's HTML: its ``image``, and its page's ``og:image``."""
    found = PHOTO.search(html)
    return f"{origin}{found.group(1)}" if found else None


def publisher(identity: Identity) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": identity.name}
    if identity.about:
        org["url"] = identity.about
    if identity.logo:
        org["logo"] = {"@type": "ImageObject", "url": identity.logo}
    return org


def blog_posting(entry: dict[str, Any], url: str, origin: str, lang: str = i18n.SOURCE) -> dict[str, Any]:
    """One update as a ``BlogPosting``; ``url`` is its permalink, ``lang`` its blog's language. A withdrawn one
    has no text to give."""
    posting: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": entry_title(entry, i18n.translations(lang).gettext("Update %(time)s")),
        "datePublished": entry["published_at"],
        "dateModified": entry["updated_at"],
        "author": {"@type": "Person", "name": i18n.byline(entry["author"], lang)},
    }
    if not entry["retracted"]:
        posting["articleBody"] = to_text(entry["body_html"])
    image = first_photo(entry["body_html"], origin)
    if image:
        posting["image"] = image
    posting.update(_translation(entry, url))
    if entry["corrections"]:
        posting["correction"] = [
            {"@type": "CorrectionComment", "text": c["note"], "datePublished": c["at"]} for c in entry["corrections"]
        ]
    return posting


def coverage_end(blog: dict[str, Any]) -> str:
    """When coverage is expected to end: once ended, when it did; while live, COVERAGE_AHEAD after the latest
    change, so it moves on with every update (Google's live-blog guidelines want it while live)."""
    if blog["status"] == "ended" and blog["ended_at"]:
        return str(blog["ended_at"])
    latest = parse_iso(blog["last_changed_at"] or blog["last_updated_at"] or blog["created_at"])
    return iso(latest + COVERAGE_AHEAD) or ""


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


def live_blog(blog: dict[str, Any], entries: list[dict[str, Any]], url: str, entry_url: str, *,
              origin: str, identity: Identity) -> dict[str, Any]:
    """The blog as a ``LiveBlogPosting``; ``entry_url`` is a format string taking an entry id."""
    shown = [e for e in entries if e["status"] != "retracted"]
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "LiveBlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": blog["title"],
        "description": blog["summary"],
        "inLanguage": blog["language"],
        "datePublished": blog["created_at"],
        "dateModified": blog["last_updated_at"] or blog["created_at"],
        "coverageStartTime": blog["created_at"],
        "coverageEndTime": coverage_end(blog),
        "author": [{"@type": "Person", "name": i18n.byline(name, blog["language"])}
                   for name in dict.fromkeys(e["author"] for e in shown)]
        or publisher(identity),
        "publisher": publisher(identity),
        "liveBlogUpdate": [blog_posting(e, entry_url.format(e["id"]), origin, blog["language"]) for e in shown],
    }
    image = next((first_photo(e["body_html"], origin) for e in shown if PHOTO.search(e["body_html"])),
                 None) or identity.logo
    if image:
        data["image"] = image
    return data


def single_update(entry: dict[str, Any], url: str, blog_url: str, *, origin: str,
                  identity: Identity, lang: str = i18n.SOURCE) -> dict[str, Any]:
    """A permalink page's own ``BlogPosting``, pointing back to its live blog; in its blog's language unless
    the update has its own."""
    return {"@context": CONTEXT, "inLanguage": lang, **blog_posting(entry, url, origin, lang),
            "publisher": publisher(identity), "isPartOf": {"@type": "LiveBlogPosting", "@id": blog_url}}


def script_json(data: dict[str, Any]) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: no ``</script>`` or ``<!--`` can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
