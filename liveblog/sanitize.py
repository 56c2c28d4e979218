"""Every piece of HTML a correspondent sends is made safe here, and only here.

Markdown (CommonMark) → HTML, then bleach's ``linkify`` for bare URLs, then nh3
(Ammonia) as the allow-list that is the security boundary. bleach gets no
security releases any more, so nothing relies on it to remove anything.
"""

from __future__ import annotations

import html as htmllib

import bleach
import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
        "h2", "h3", "h4", "hr", "i", "img", "ins", "li", "ol", "p", "pre", "q", "s",
        "strong", "sub", "sup", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang"},  # on every allowed tag (Ammonia's default, declared here so the list is whole)
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "q": {"cite"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False})


def clean_html(html: str) -> str:
    """The final allow-list. Anything not named above is removed, not escaped."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def linkify(html: str) -> str:
    return bleach.linkify(html, callbacks=[], skip_tags=["pre", "code"], parse_email=False)


def render_markdown(text: str) -> str:
    """A correspondent's Markdown as safe HTML, computed once when it is written."""
    return clean_html(linkify(_markdown.render(text))).strip()


def to_text(html: str) -> str:
    """Plain text of safe HTML, for feeds' ``content_text`` and previews."""
    return htmllib.unescape(nh3.clean(html, tags=set())).strip()
