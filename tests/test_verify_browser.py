"""In Chromium, the reader page and the mirror check themselves with WebCrypto's Ed25519: "Signed by" only when
everything holds, never on a tampered mirror nor on a live page whose log was changed on the wire.
``data-checked`` says the check has ended, either way."""

import json
import shutil

from liveblog.signing import Ed25519PrivateKey, SiteKey
from test_verify import _relabelled, build_story, export_mirror

DONE = "#signed[data-checked]"


def test_the_live_page_and_its_mirror_say_signed_by_the_fingerprint(site, page, tmp_path):
    """verify.js's canonical bytes are signing.py's, for text JSON escapes or not: quotes, backslashes, tabs,
    accents, right-to-left script, an emoji, a line separator, markup."""
    build_story(site)
    site.entry("strike", 'He said "enough" \\ naïve \t قال 🙂 \u2028 <b>&amp;</b> 5 < 6', headline="«Quoted»")
    fingerprint = site.runtime.key.fingerprint
    page.goto(f"{site.url}/blogs/strike")
    page.wait_for_selector(DONE)
    assert page.inner_text("#signed") == f"Signed by {fingerprint}"
    assert page.inner_text("#fingerprint") == fingerprint
    mirror = export_mirror(site, tmp_path / "mirror")
    page.goto((mirror / "index.html").as_uri())
    page.wait_for_selector(DONE)
    assert page.inner_text("#signed") == f"Signed by {fingerprint}"
    (mirror / "index.html").write_text(_translated((mirror / "index.html").read_text()))
    page.goto((mirror / "index.html").as_uri())  # its labels in another language: not the newsroom's words
    page.wait_for_selector(DONE)
    assert page.inner_text("#signed") == f"Signed by {fingerprint}"


def _translated(html: str) -> str:
    """The page's labels translated, the log it carries as it was."""
    start = html.index('<script type="application/json" id="chain">')
    translated = _relabelled(html[:start]) + html[start:]
    assert translated != html
    return translated


def _embedded(html: str, change) -> str:
    tag = '<script type="application/json" id="chain">'
    start = html.index(tag) + len(tag)
    end = html.index("</script>", start)
    data = json.loads(html[start:end].replace("<\\/", "</"))
    return html[:start] + json.dumps(change(data)).replace("</", "<\\/") + html[end:]


def _resigned(data):
    head = data["head"]
    data["head"] = SiteKey(Ed25519PrivateKey.generate()).sign_head(head["blog"], head["seq"], head["hash"],
                                                                   head["time"])
    return data


def _withdrawn_back(data):
    for record in data["log"]:
        if record["payload"].get("status") == "retracted" and record["kind"] == "entry.created":
            record["payload"]["body_html"] = "<p>The name of a witness</p>"
    return data


TAMPERS = {
    "a word of a body": lambda html: html.replace("<p>Police say 60", "<p>Police say 10", 1),
    "a headline": lambda html: html.replace("Toll rises", "Toll falls", 1),
    "a correction's note among translated labels": lambda html: _translated(html).replace(
        "</strong> Updated figure", "</strong> Routine update", 1),
    "a supersession pointed elsewhere": lambda html: html.replace('Superseded by <a href="#entry-4"',
                                                                  'Superseded by <a href="#entry-2"', 1),
    "the head signed by another key": lambda html: _embedded(html, _resigned),
    "a withdrawn text put back in the log": lambda html: _embedded(html, _withdrawn_back),
}


def test_a_tampered_mirror_never_says_signed(site, page, tmp_path):
    build_story(site)
    mirror = export_mirror(site, tmp_path / "mirror")
    for name, change in TAMPERS.items():
        copy = shutil.copytree(mirror, tmp_path / name.replace(" ", "-"))
        html = (copy / "index.html").read_text()
        assert change(html) != html, name
        (copy / "index.html").write_text(change(html))
        page.goto((copy / "index.html").as_uri())
        page.wait_for_selector(DONE, state="attached")
        assert page.get_attribute("#signed", "data-checked") == "failed", name
        assert not page.is_visible("#signed") and "Signed by" not in page.inner_text("body"), name


def _dropped(data):
    data["log"] = data["log"][:-2] + data["log"][-1:]
    return data


def _reworded(data):
    for record in data["log"]:
        if record["payload"].get("body_html") == "<p>Hospitals count 70.</p>":
            record["payload"]["body_html"] = "<p>Hospitals count 7.</p>"
    return data


LOG_TAMPERS = {
    "a word of a payload": _reworded,
    "the head signed by another key": lambda data: _resigned(data) if data["head"] else data,
    "a record dropped": _dropped,
    "no head": lambda data: {**data, "head": None},
}


def _through(change):
    """A route handler passing the log view's answers through ``change``."""
    def tampered(route, _request):
        answer = route.fetch()
        route.fulfill(response=answer, json=change(answer.json()))
    return tampered


def test_the_live_page_never_says_signed_when_its_log_is_changed_on_the_wire(site, new_page):
    build_story(site)
    for name, change in LOG_TAMPERS.items():
        page = new_page()
        page.route("**/api/blogs/strike/log*", _through(change))
        page.goto(f"{site.url}/blogs/strike")
        page.wait_for_selector(DONE, state="attached")
        assert page.get_attribute("#signed", "data-checked") == "failed", name
        assert not page.is_visible("#signed") and "Signed by" not in page.inner_text("body"), name
