"""What a person reads on a page, and what counts as an English word in it, each written once for the tests.

``Visible``: the text outside script and style, and the labelling attributes (title, aria-label, placeholder, alt).
An English word: a word of Latin letters that is a word of the English catalog (the msgids of
liveblog/locale/messages.pot, which holds the templates', the Python's and the scripts' strings alike), except
the names every language writes alike (GMT, the time zone; Atom and JSON Feed, the feeds' formats; Liveblog,
the software), once the addresses (the blog's slug, its URLs) and the text the
test itself typed are taken out."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

POT = Path(__file__).resolve().parent.parent / "liveblog" / "locale" / "messages.pot"
LATIN_WORD = re.compile(r"[A-Za-z]+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ADDRESS = re.compile(r"(?:https?://|/)[^\s\"'<>]*")
NAMES = ("GMT", "Atom", "JSON Feed", "Liveblog")
FINGERPRINT = re.compile(r"(?:[0-9A-F]{4} )+[0-9A-F]{4}")  # the site key's, at the foot of reader pages


class Visible(HTMLParser):
    """What a person reads or hears: text outside script and style, the title, and the labelling attributes."""

    SHOWN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.SHOWN and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible(html: str) -> list[str]:
    parser = Visible()
    parser.feed(html)
    return parser.parts


@cache
def english_vocabulary() -> frozenset[str]:
    """Every Latin word of the English catalog's msgids, lower-cased."""
    with POT.open("rb") as f:
        catalog = read_po(f)
    words = set()
    for message in catalog:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            words.update(w.lower() for w in LATIN_WORD.findall(PLACEHOLDER.sub(" ", msgid)))
    return frozenset(words)


def english_words(text: str, typed: Iterable[str] = ()) -> list[str]:
    """The English words in ``text``, once what the test typed, the names, the addresses and the site key's
    fingerprint are taken out."""
    for kept in [*sorted(typed, key=len, reverse=True), *NAMES]:
        text = text.replace(kept, " ")
    text = FINGERPRINT.sub(" ", ADDRESS.sub(" ", text))
    vocabulary = english_vocabulary()
    return [w for w in LATIN_WORD.findall(text) if w.lower() in vocabulary]


def english_in_html(html: str, typed: Iterable[str] = ()) -> list[str]:
    """Each visible piece of ``html`` that has an English word, with the words found."""
    typed = list(typed)
    return [f"{words} in {part.strip()!r}" for part in visible(html) if (words := english_words(part, typed))]
