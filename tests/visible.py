"""What a person reads on a page, written once for the tests (tests/untranslated.py checks it for untranslated words).

The text outside script and style; the labelling attributes (title, aria-label, placeholder, alt); and what the
page itself pre-fills in a text box (its ``value`` attribute; a textarea's text is text already). What a person
typed into a box is its live value, never its attribute, so it is not read here."""

from __future__ import annotations

import re
from html.parser import HTMLParser

FINGERPRINT = re.compile(r"(?:[0-9A-F]{4} )+[0-9A-F]{4}")  # the site key's, at the foot of reader pages
TEXT_BOXES = ("text", "search", "email", "url", "tel")  # an <input> with no type is a text box too


class Visible(HTMLParser):
    """What a person reads or hears: text outside script and style, the title, the labelling attributes, and the
    values a page pre-fills in its text boxes."""

    SHOWN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.SHOWN and value)
        fields = dict(attrs)
        if tag == "input" and (fields.get("type") or "text") in TEXT_BOXES and fields.get("value"):
            self.parts.append(fields["value"] or "")

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
