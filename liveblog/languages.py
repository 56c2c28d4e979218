"""Language tags an entry may carry, checked and named with CLDR's data (Babel).

A tag is a language, an optional script and an optional region (``ru``, ``kk-Cyrl``, ``pt-BR``, ``es-419``):
what screen readers, feeds and search engines need. Variants and extensions are refused rather than guessed,
and so is a language CLDR cannot name, since a translation's page names the original's language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

from .marks import N_
from .model import ValidationError

TAG_RE = re.compile(r"([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|[0-9]{3}))?")
TAG_HELP = N_("must be a language tag such as ru, kk-Cyrl or pt-BR")
# The languages the desk offers for an entry: the newsroom's (English, Russian, Kazakh, Arabic, Persian).
DESK_LANGUAGES = ("en", "ru", "kk", "ar", "fa")


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """The languages CLDR names in English: codes like ``ru``, ``kk``, ``fa``."""
    return frozenset(code for code in map(str, Locale("en").languages) if "_" not in code)


def check_lang(name: str, value: Any) -> str | None:
    """A tag in its usual case (``kk-Cyrl``, ``pt-BR``), or None when absent (the entry is in its blog's language)."""
    if value is None or value == "":
        return None
    found = TAG_RE.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValidationError(name, TAG_HELP)
    language, script, region = found.groups()
    if language.lower() not in _known():
        raise ValidationError(name, "%(language)s is not a language this site can name", language=language)
    parts = [language.lower(), script.title() if script else None, region.upper() if region else None]
    return "-".join(p for p in parts if p)


@lru_cache(maxsize=256)
def language_name(tag: str, shown_in: str | None = "en") -> str:
    """``Russian`` (``русский`` shown in ru): how a page names a language, in the page's own language (English
    when it has none); the tag itself if CLDR has no name for it."""
    if not TAG_RE.fullmatch(tag):
        return tag
    try:
        return Locale.parse(tag.split("-")[0]).get_language_name((shown_in or "en").split("-")[0]) or tag
    except (ValueError, UnknownLocaleError):
        return tag


def entry_languages(typed: str = "") -> list[tuple[str, str]]:
    """The desk's choice of an entry's language, each named in itself (``русский``); a tag typed that is not
    among them is offered too, so a refused form shows what was sent."""
    codes = [*DESK_LANGUAGES, *([typed] if typed and typed not in DESK_LANGUAGES else [])]
    return [(code, _autonym(code)) for code in codes]


def _autonym(tag: str) -> str:
    if not TAG_RE.fullmatch(tag):
        return tag
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name(tag.split("-")[0]) or tag
    except (ValueError, UnknownLocaleError):
        return tag
