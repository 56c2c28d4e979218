"""The catalogs: every word a person reads, in the blog's language (readers) or the person's own (the desk).

The ``.po`` files in ``liveblog/locale`` are the only source: they are compiled in memory when this module is
imported (no ``.mo`` file to build or to forget), and the same catalogs give the browser's scripts their strings
as a JSON file per locale (``catalog_json``), plural forms keyed by CLDR category for ``Intl.PluralRules``.
English is the source language: its strings are the msgids, so it needs no catalog.
``make catalogs`` extracts the strings again and updates every catalog (README, "Adding a language").
"""

from __future__ import annotations

import gettext
import hashlib
import io
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .model import DESK_BYLINE, Refusal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE = "en"
RTL = frozenset({"ar", "fa", "he", "ur"})


def _compiled(po: Path) -> gettext.GNUTranslations:
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def _load() -> dict[str, gettext.NullTranslations]:
    found: dict[str, gettext.NullTranslations] = {SOURCE: gettext.NullTranslations()}
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        found[po.parent.parent.name] = _compiled(po)
    return found


# Every language a blog or a person may choose, and its compiled catalog (a test adds a pseudo-locale here).
CATALOGS: dict[str, gettext.NullTranslations] = _load()


def languages() -> tuple[str, ...]:
    return tuple(CATALOGS)


def translations(lang: str | None) -> gettext.NullTranslations:
    return CATALOGS.get(lang or SOURCE, CATALOGS[SOURCE])


def byline(name: str, lang: str | None) -> str:
    """A byline as a page shows it. The desk's byline (``model.DESK_BYLINE``, "Staff") is a label, said in the page's
    language; the log, the API and every signed record keep the byline as it is stored."""
    return translations(lang).gettext(name) if name == DESK_BYLINE else name


def text_direction(lang: str | None) -> str:
    return "rtl" if (lang or "").split("-")[0] in RTL else "ltr"


def negotiate(accept_language: str) -> str:
    """The best of the site's languages for a browser's ``Accept-Language`` header (English when none fits)."""
    wanted = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag and tag != "*":
            wanted.append((weight, tag.strip()))
    ordered = [tag for _, tag in sorted(wanted, key=lambda w: -w[0])]
    return negotiate_locale(ordered, list(CATALOGS), sep="-") or SOURCE


def _babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE)


def long_date(day: date, lang: str | None) -> str:
    """A date as the language writes it: "22 November 2026", and in each language its own way (CLDR)."""
    return format_date(day, "long", locale=_babel_locale(lang or SOURCE))


def og_locale(lang: str | None) -> str:
    """OpenGraph's ``og:locale`` (``ru_RU``): the language with its likeliest territory, by CLDR."""
    locale = _babel_locale(lang or SOURCE)
    likely = str(get_global("likely_subtags").get(locale.language, locale.language))  # "ru_Cyrl_RU"
    territory = locale.territory or likely.split("_")[-1]
    return f"{locale.language}_{territory}"


@lru_cache(maxsize=16)
def catalog_json(lang: str) -> bytes:
    """The catalog's strings for the scripts: ``{"lang", "dir", "messages": {msgid: text or {category: text}}}``.

    A plural message maps each CLDR category (``one``, ``few``, ``many``…) to its form; the script picks one
    with ``Intl.PluralRules``. Each category's form is the catalog's (gettext's rule) for a whole number CLDR
    puts in that category, so no plural rule is written here."""
    translations = CATALOGS.get(lang, CATALOGS[SOURCE])
    rules = _babel_locale(lang).plural_form
    categories = dict.fromkeys(rules(n) for n in range(201))
    messages: dict[str, Any] = {}
    for message in script_messages():
        if isinstance(message, tuple):
            singular, plural = message
            messages[singular] = {
                category: translations.ngettext(singular, plural, _sample(rules, category)) for category in categories}
        else:
            messages[message] = translations.gettext(message)
    payload = {"lang": lang, "dir": text_direction(lang), "messages": messages}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def _sample(rules: Any, category: str) -> int:
    return next(n for n in range(201) if rules(n) == category)


def catalog_version(lang: str) -> str:
    return hashlib.sha256(catalog_json(lang)).hexdigest()[:12]


SCRIPTS = ("live.js", "desk.js", "desk-core.js", "login.js", "verify.js")
# gettext("…"), ngettext("…", "…", n), and N_("…"): a msgid kept as it is and translated where it is shown
SCRIPT_KEYWORDS: dict[str, Any] = {"gettext": None, "ngettext": (1, 2), "N_": None}


@lru_cache(maxsize=1)
def script_messages() -> tuple[str | tuple[str, str], ...]:
    """The strings the scripts ask for (``gettext("…")``, ``ngettext("…", "…", n)``), read from the scripts
    themselves by Babel's JavaScript extractor, so the JSON carries exactly what they use."""
    from babel.messages.extract import extract

    from .render import STATIC

    found: dict[str | tuple[str, str], None] = {}
    for name in SCRIPTS:
        with (STATIC / name).open("rb") as f:
            for _line, message, _comments, _context in extract("javascript", f, keywords=SCRIPT_KEYWORDS):
                if message:
                    found[message if isinstance(message, str) else (message[0], message[1])] = None
    return tuple(found)


class Message:
    """Text made before the page's language is known (a desk's error), translated when the page is rendered.
    ``values`` fill its ``%(name)s`` places; a value that is itself a Message is translated too."""

    def __init__(self, text: str, **values: str | int | Message) -> None:
        self.text = text
        self.values = values

    @classmethod
    def of(cls, refusal: Refusal) -> Message:
        """A refusal of the model, a service or the store, in the page's language: its template is the msgid and
        its values fill it (``refusal.message``, the API's English, is the same template filled)."""
        return cls(refusal.template, **refusal.values)

    def translated(self, translations: gettext.NullTranslations) -> str:
        return self._fill(translations.gettext(self.text), translations)

    def _fill(self, text: str, translations: gettext.NullTranslations) -> str:
        if not self.values:
            return text
        return text % {k: v.translated(translations) if isinstance(v, Message) else v for k, v in self.values.items()}


class Plural(Message):
    """A Message whose words depend on a number (``n`` among its values), by the catalog's plural forms."""

    def __init__(self, singular: str, plural: str, n: int, **values: str | int | Message) -> None:
        super().__init__(singular, n=n, **values)
        self.plural = plural
        self.n = n

    def translated(self, translations: gettext.NullTranslations) -> str:
        return self._fill(translations.ngettext(self.text, self.plural, self.n), translations)


def language_names() -> list[tuple[str, str]]:
    """Each language by its own name ("русский", "العربية"), for a person choosing theirs."""
    return [(lang, _babel_locale(lang).get_display_name(_babel_locale(lang)) or lang) for lang in languages()]
