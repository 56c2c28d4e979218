"""The one sanitizer: Markdown in, linkified, cleaned by nh3's allow-list; hostile HTML comes out inert."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from liveblog.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown, to_text

pytestmark = pytest.mark.unit


class Inspector(HTMLParser):
    """Collects what a browser would see as elements and attributes (text is inert)."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
            if name not in allowed and not (tag == "a" and name == "rel"):
                self.problems.append(f"attribute {tag}.{name}")
            self.problems += url_problems(tag, name, value or "")


URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "data", "poster", "background", "srcset",
                  "xlink:href"}
LOCAL_HOSTS = {None, "127.0.0.1", "localhost"}  # the test server: a live feed's photos carry its origin


def url_problems(tag: str, name: str, value: str) -> list[str]:
    """A URL attribute must be relative, http(s) or mailto (read as a browser reads it, without the tabs and
    newlines inside it), and an image must be one of this site's photos (``/media/``, or ``media/`` beside a
    mirror's files): a remote one would tell a third party who reads."""
    if name not in URL_ATTRIBUTES:
        return []
    url = re.sub(r"[\t\n\r]", "", value.strip("\x00 \t\n\f\r"))
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    if scheme and scheme.group(1).lower() not in ("http", "https", "mailto"):
        return [f"url {value}"]
    if tag == "img":
        parts = urlsplit(url)
        local = parts.hostname in LOCAL_HOSTS and not url.startswith("//")
        if not local or not parts.path.startswith(("/media/", "media/")):
            return [f"remote image {value}"]
    return []


def problems(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)><circle/></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=q></form>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    '<details open ontoggle=alert(1)>',
    '<body onload=alert(1)>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<q cite="javascript:alert(1)">quoted</q>',  # issue 14 (10): nh3 held href and src to the schemes, not cite
    '<q cite=" jav&#x09;ascript:alert(1)">quoted</q>',
    '<q cite="data:text/html,x">quoted</q>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<img src="https://tracker.example/pixel.gif">',  # a remote image tells its host who reads
    "![pixel](https://tracker.example/pixel.gif)",
    "![pixel](//tracker.example/media/abc.jpg)",
    "![pixel](http://127.0.0.1.tracker.example/media/abc.jpg)",
    '<img src="/media/../../x.jpg">',
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_html_comes_out_inert(payload):
    html = render_markdown(payload)
    assert problems(html) == [], html
    assert "<script" not in html.lower()


def test_markdown_is_rendered():
    html = render_markdown("**Bold**, *em*, `code`\n\n- one\n- two\n\n> quoted")
    assert "<strong>Bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert "<ul>" in html and "<blockquote>" in html


def test_bare_urls_are_linked_with_nofollow_noopener():
    html = render_markdown("Live pictures at https://example.org/live?x=1&y=2 now")
    assert '<a href="https://example.org/live?x=1&amp;y=2" rel="nofollow noopener">' in html


def test_markdown_links_get_rel_too():
    assert render_markdown("[report](https://example.org)") == (
        '<p><a href="https://example.org" rel="nofollow noopener">report</a></p>')


def test_urls_in_code_are_not_linked():
    assert "<a" not in render_markdown("`https://example.org`")


@pytest.mark.parametrize(("markdown", "html"), [
    ("`a<b`", "<p><code>a&lt;b</code></p>"),
    ("`a & b > c`", "<p><code>a &amp; b &gt; c</code></p>"),
    ("`&amp;` and `&copy;`", "<p><code>&amp;amp;</code> and <code>&amp;copy;</code></p>"),
    ("`\"q\" it's`", "<p><code>\"q\" it's</code></p>"),
    ("`<b>x</b>`", "<p><code>&lt;b&gt;x&lt;/b&gt;</code></p>"),
    ("`see https://example.org/?a=1&b=2`", "<p><code>see https://example.org/?a=1&amp;b=2</code></p>"),
    ("    if a < b && c:\n        go('https://example.org')",
     "<pre><code>if a &lt; b &amp;&amp; c:\n    go('https://example.org')\n</code></pre>"),
    ("```\n<p>&amp; example.org\n```", "<pre><code>&lt;p&gt;&amp;amp; example.org\n</code></pre>"),
    ("`a<b` then a<b & https://example.org",
     ('<p><code>a&lt;b</code> then a&lt;b &amp; <a href="https://example.org" rel="nofollow noopener">'
      "https://example.org</a></p>")),
])
def test_code_shows_what_was_typed_escaped_once_and_unlinked(markdown, html):
    """bleach's linkify escaped the entities inside skip_tags a second time: `a<b` was published as "a&lt;b"."""
    assert render_markdown(markdown) == html
    assert to_text(html).count("&") == markdown.count("&")


def test_photos_from_our_media_folder_are_kept():
    assert render_markdown("![Crowd at the gate](/media/abc.jpg)") == (
        '<p><img src="/media/abc.jpg" alt="Crowd at the gate"></p>')


def test_a_remote_image_loses_its_address_and_keeps_its_words():
    assert render_markdown("![Crowd](https://tracker.example/p.jpg)") == '<p><img alt="Crowd"></p>'


def test_quotes_and_links_keep_their_web_addresses():
    html = render_markdown('<q cite="https://example.org/said">x</q> [on](/blogs/strike) [mail](mailto:a@b.example)')
    assert 'cite="https://example.org/said"' in html and 'href="/blogs/strike"' in html
    assert 'href="mailto:a@b.example"' in html


def test_plain_text_for_feeds():
    assert to_text(render_markdown("A &amp; **B** <script>x</script>")) == "A & B"
