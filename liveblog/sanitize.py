"""Every piece of HTML a correspondent sends is made safe here, and only here.

Markdown (CommonMark) → HTML, then bleach's ``linkify`` for bare URLs, then nh3
(Ammonia) as the allow-list that is the security boundary. bleach gets no
security releases any more, so nothing relies on it to remove anything.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import Any

import nh3
from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

from .media_names import valid_name

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
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})  # nh3 checks the schemes of href and src, but not of cite
MEDIA_PREFIX = "/media/"
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
LINK_REL = "nofollow noopener"

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False})
# the site's own documents (the feed extension's) have tables; a correspondent's Markdown does not (the desk's
# preview renders what the server does, and a table does not fit a phone's live page)
DOCUMENT_TAGS = ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td"}
_document = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def url_allowed(url: str) -> bool:
    """A relative URL, or one of URL_SCHEMES, read as a browser reads it: with the spaces and control
    characters around it and the tabs and newlines inside it dropped (``java\tscript:`` is ``javascript:``)."""
    url = re.sub("[\t\n\r]", "", url.strip("\x00- "))
    scheme = SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Every URL attribute is held to URL_SCHEMES; an image only ever comes from this site's photos, so that no
    reader of the page, a feed or a mirror without the site's CSP asks a third party for one."""
    if name not in URL_ATTRIBUTES:
        return value
    if tag == "img":
        return value if value.startswith(MEDIA_PREFIX) and valid_name(value[len(MEDIA_PREFIX):]) else None
    return value if url_allowed(value) else None


def clean_html(html: str, tags: frozenset[str] = ALLOWED_TAGS) -> str:
    """The final allow-list. Anything not named above is removed, not escaped."""
    return nh3.clean(
        html,
        tags=set(tags),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


class _CodeKeepsItsEntities(LinkifyFilter):
    """bleach 6.4 (its last release) passes the text inside ``skip_tags`` on with its entities still in it,
    unlike all other text, and its serializer then escapes their ``&`` again: `` `a<b` `` was published as
    "a&lt;b". Here every text goes through the same step; text that has been through it comes out unchanged."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] == "Characters":
                yield from self.extract_entities(token)
            else:
                yield token


def linkify(html: str) -> str:
    """Bare addresses as links, except in code (which shows what was typed) and in links already there. This
    is bleach's ``Linker.linkify`` with the filter above; a parser per call, as ``bleach.linkify`` makes."""
    parser = html5lib_shim.BleachHTMLParser(tags=html5lib_shim.HTML_TAGS, strip=False, consume_entities=False,
                                            namespaceHTMLElements=False)
    walker = html5lib_shim.getTreeWalker("etree")  # type: ignore[attr-defined]  # in the shim, not in its stubs
    serializer = html5lib_shim.BleachHTMLSerializer(quote_attr_values="always", omit_optional_tags=False,
                                                    resolve_entities=False, sanitize=False,
                                                    alphabetical_attributes=False)
    tokens = _CodeKeepsItsEntities(source=walker(parser.parseFragment(html)), callbacks=[],
                                   skip_tags={"pre", "code"}, parse_email=False)
    return str(serializer.render(tokens))


def render_markdown(text: str) -> str:
    """A correspondent's Markdown as safe HTML, computed once when it is written."""
    return clean_html(linkify(_markdown.render(text))).strip()


def render_document(text: str) -> str:
    """One of the site's own Markdown documents as safe HTML: a correspondent's Markdown, and tables."""
    return clean_html(linkify(_document.render(text)), DOCUMENT_TAGS).strip()


def to_text(html: str) -> str:
    """Plain text of safe HTML, for feeds' ``content_text`` and previews."""
    return htmllib.unescape(nh3.clean(html, tags=set())).strip()
