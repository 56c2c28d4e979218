"""What no catalog gave: the visible words of a page, served or made by its scripts, that were never translated.

What a person reads is tests/visible.py's; ``leftovers`` is the one check of it, and ``KEPT`` the one list of what
every language writes alike. In the pseudo-locale ``en-XA`` each string's "translation" is the string in ⟦brackets⟧,
so any visible word outside brackets (text, <title>, title, aria-label, placeholder, alt, a text box's pre-filled
value) did not pass through the catalogs; in Russian, Kazakh and Arabic, any Latin word left (two letters or more)
is English on the page, once what the test itself typed (``data``) is taken out. tests/test_i18n_pages.py runs it
on the server's pages, tests/test_i18n_browser.py and tests/test_i18n_desk_states_browser.py on the states the
scripts make in Chromium, and tests/test_translation_day_browser.py on a day's pages and feeds.
"""
from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator

import pytest
from babel.messages.pofile import read_po

from liveblog import i18n, languages
from visible import FINGERPRINT, visible

PSEUDO = "en-XA"  # the pseudo-locale tag Android and Chromium use
BRACKETED = re.compile(r"⟦[^⟦⟧]*⟧")
# what every language writes alike, the one list of it: the time zone, the markup's name, the software's name (the
# site's name as a link), the feeds' formats, the embed standard, the blogs' address, each language's own name in
# the language pickers, and "QR" (the code's name in every language)
KEPT = ["GMT", "Markdown", "Liveblog", "Atom", "JSON Feed", "oEmbed", "/blogs/", "QR",
        *(name for _, name in i18n.language_names()), *(name for _, name in languages.entry_languages())]
# a full address (a sign-in link, a page's URL) reads the same in every language
ADDRESS = re.compile(r"https?://\S+")
# a date as Babel writes it for a locale it has no data for (the pseudo-locale's, English): data, like a time
PSEUDO_DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
                         r"|December) \d{1,2}, \d{4}")
# the tests' own content (people's names and what they wrote), in the blog's script
NAMES = ["amal", "eda", "editor", "nour", "stringer"]  # site.blog() makes an "editor" account
CONTENT = {"title": "Забастовка", "summary": "Протесты", "body": "Депо закрыты", "note": "Неточная цифра",
           "byline": "Нур"}


PLACEHOLDER = re.compile(r"%\(\w+\)s")


def bracketed(message: str) -> str:
    """The string's own words in brackets, and what fills its places outside them ("⟦Refused: ⟧%(error)s⟦.⟧"),
    so a value that no catalog gave (a server's English message) shows as a leftover too."""
    return "⟦" + PLACEHOLDER.sub(lambda m: f"⟧{m.group()}⟦", message) + "⟧"


class Pseudo(gettext.NullTranslations):
    """Translates what the catalogs hold (liveblog/locale/messages.pot); a text they do not hold, passed through
    gettext at run time (a store's message made with its values), stays as it is, as a real language's would."""

    def __init__(self) -> None:
        super().__init__()
        with (i18n.LOCALE_DIR / "messages.pot").open("rb") as f:
            self.known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f) if m.id}

    def gettext(self, message: str) -> str:
        return bracketed(message) if message in self.known else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = singular if n == 1 else plural
        return bracketed(text) if singular in self.known else text


def leftovers(html: str, lang: str, data: Iterable[str] = ()) -> list[str]:
    """The visible pieces of ``html`` that no catalog gave (pseudo), or that are English (a real language);
    ``data``: more of what the test itself typed or the browser wrote (a date in the reader's own words)."""
    kept = sorted([*KEPT, *NAMES, *CONTENT.values(), *data], key=len, reverse=True)
    found = []
    for part in visible(html):
        text = FINGERPRINT.sub(" ", ADDRESS.sub(" ", part))
        if lang == PSEUDO:
            text = PSEUDO_DATE.sub(" ", text)
            while BRACKETED.search(text):
                text = BRACKETED.sub(" ", text)
        for value in kept:
            text = text.replace(value, " ")
        if re.search(r"[A-Za-z]{2,}" if lang != PSEUDO else r"[^\W\d_]", text):
            found.append(part.strip())
    return found


@pytest.fixture
def pseudo_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(i18n.CATALOGS, PSEUDO, Pseudo())
    yield
