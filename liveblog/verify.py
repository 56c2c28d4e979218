"""``liveblog verify``: does a live site or a static mirror show what the newsroom signed?

It checks the signed head (and, given one, that its key is the fingerprint the reader trusts, directly or through
signed rotations), the hash chain from the first event to the head, each payload against its salted digest, and
that every entry the page and the JSON Feed show is the entry as the log last has it. Each problem is one line
naming what it found; none means everything holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from . import i18n, signing
from .feeds import XML_LANG, atom_feed, snapshot_links, too_long_notice, update_title, withdrawal_notice
from .model import iso, parse_iso
from .sanitize import to_text

Fetch = Callable[[str], str]  # a URL's body as text; raises OSError (or httpx's errors) when it cannot


@dataclass
class Published:
    """What a site or a mirror shows, as read: any part may be missing (None), which is itself a problem."""

    head: dict[str, Any] | None
    log: list[dict[str, Any]]
    key: dict[str, Any] | None = None  # the published key document (well-known, or key.json in a mirror)
    feed: dict[str, Any] | None = None
    page: str | None = None
    problems: list[str] = field(default_factory=list)
    atom: bytes | None = None


def _norm(text: str) -> str:
    return " ".join(text.split())


def read_dir(folder: Path) -> Published:
    """A mirror written by ``liveblog export``."""
    problems: list[str] = []

    def text(name: str) -> str | None:
        try:
            return (folder / name).read_text(encoding="utf-8")
        except OSError:
            problems.append(f"{name}: missing")
            return None

    log = [json.loads(line) for line in (text("log.jsonl") or "").splitlines() if line.strip()]
    head, key, feed = (json.loads(t) if t else None for t in (text("head.json"), text("key.json"), text("feed.json")))
    if feed is not None and feed.get("_liveblog", {}).get("head") != head:
        problems.append("feed.json: its signed head is not head.json's")
    atom = text("feed.atom")
    return Published(head, log, key, feed, text("index.html"), problems, atom.encode() if atom else None)


def _api_event(event: dict[str, Any]) -> dict[str, Any]:
    """An event of ``/api/blogs/{slug}/events`` as a log record."""
    data = dict(event["data"])
    chain = event.get("chain") or {}
    data.pop("chain", None)
    data.pop("seq", None)
    html = data.pop("html", None)
    record = {"seq": event["id"], "kind": event["event"], "at": iso(parse_iso(event["at"])),
              "entry_id": data.get("id") if event["event"].startswith("entry.") else None, "payload": data,
              "salt": chain.get("salt"), "digest": chain.get("digest"), "hash": chain.get("hash")}
    return {**record, "html": html} if html is not None else record


def read_site(url: str, fetch: Fetch) -> Published:
    """A blog's reader page on the live site (``https://host/blogs/SLUG``): its feed, log and key."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    slug = parts.path.rstrip("/").rsplit("/", 1)[-1]
    page = fetch(url)
    feed = json.loads(fetch(f"{origin}/blogs/{slug}/feed.json"))
    atom = fetch(f"{origin}/blogs/{slug}/feed.atom").encode()
    key = json.loads(fetch(f"{origin}/.well-known/liveblog-key.json"))
    log: list[dict[str, Any]] = []
    since: int | None = 0
    while since is not None:
        answer = json.loads(fetch(f"{origin}/api/blogs/{slug}/events?since={since}&limit=500"))
        log += [_api_event(e) for e in answer["events"]]
        since = answer["next_since"]
    return Published(feed.get("_liveblog", {}).get("head"), log, key, feed, page, atom=atom)


def trusted(head_key: str, fingerprint: str, rotations: list[dict[str, Any]]) -> bool:
    """The head's key is the trusted one, or signed rotations lead from it to the trusted one."""
    key, seen = head_key, set()
    while not signing.same_fingerprint(signing.fingerprint(key), fingerprint):
        seen.add(key)
        nxt = next((r["new"] for r in rotations if r.get("old") == key and signing.rotation_holds(r)), None)
        if nxt is None or nxt in seen:
            return False
        key = nxt
    return True


def check_head(pub: Published, fingerprint: str | None) -> list[str]:
    head = pub.head
    if not isinstance(head, dict):
        return ["head: no signed head"]
    if not signing.head_is_signed(head):
        return ["head: the signature does not hold"]
    rotations = (pub.key or {}).get("rotations", [])
    if fingerprint is not None and not trusted(head["key"], fingerprint, rotations):
        return [f"head: signed by {signing.fingerprint(head['key'])}, not by the key {fingerprint}"]
    if pub.key is not None and not trusted(head["key"], signing.fingerprint(pub.key.get("public_key", "")),
                                           rotations):
        return [f"head: signed by {signing.fingerprint(head['key'])}, not by the site's published key"]
    return []


def _record_problem(record: dict[str, Any], withdrawals: dict[int, dict[str, Any]]) -> str | None:
    """What is wrong with one record's payload: against its digest, or (its salt deleted) its withdrawal."""
    what = f"event {record['seq']}" + (f" (entry {record['entry_id']})" if record["entry_id"] is not None else "")
    if record.get("salt"):
        if signing.payload_digest(record["salt"], record["payload"]) != record["digest"]:
            return f"{what}: the payload does not match its digest"
        return None
    withdrawal = withdrawals.get(record["entry_id"]) if record["entry_id"] is not None else None
    if withdrawal is None:
        return f"{what}: its salt is gone but the entry was never withdrawn"
    if signing.canonical(record["payload"]) != signing.canonical(withdrawal):
        return f"{what}: a withdrawn entry's text differs from its withdrawal"
    return None


def check_chain(pub: Published) -> tuple[list[str], dict[int, dict[str, Any]]]:
    """The chain from the first event to the head; the entries as the signed log last has them."""
    head = pub.head if isinstance(pub.head, dict) else {}
    blog, top = head.get("blog"), head.get("seq", 0)
    log = [r for r in pub.log if isinstance(r.get("seq"), int) and r["seq"] <= top] if head else []
    withdrawals = {r["entry_id"]: r["payload"] for r in log if r.get("kind") == "entry.retracted" and r.get("salt")
                   and signing.payload_digest(r["salt"], r["payload"]) == r.get("digest")}
    problems: list[str] = []
    prev = signing.GENESIS
    entries: dict[int, dict[str, Any]] = {}
    for number, record in enumerate(log, start=1):
        if record["seq"] != number:
            problems.append(f"event {record['seq']}: found where event {number} belongs (dropped or moved)")
            break
        problem = _record_problem(record, withdrawals)
        if problem:
            problems.append(problem)
        prev = signing.event_hash(prev, str(blog), record["seq"], record["kind"], record["entry_id"], record["at"],
                                  record.get("digest") or "")
        if prev != record.get("hash"):
            problems.append(f"event {record['seq']}: its hash does not follow the chain")
            break
        if record["entry_id"] is not None:
            entries[record["entry_id"]] = record["payload"]
    else:
        if head and (len(log) != top or prev != head.get("hash")):
            problems.append(f"log: does not end at the signed head (event {top})")
    return problems, entries


class _PageEntries(HTMLParser):
    """Each ``<article data-id>`` of a reader page: its time, headline, body, notes, earlier texts, tombstone."""

    ROLES: ClassVar[dict[tuple[str, str], str]] = {
        ("h3", ""): "headline", ("div", "body"): "body", ("p", "note"): "notes", ("div", "previous"): "previous",
        ("p", "tombstone"): "tombstone"}
    VOID: ClassVar[set[str]] = {"br", "img", "hr", "wbr", "input", "meta", "link", "source", "area", "col", "embed"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, Any]] = []
        self.stack: list[str | None] = []  # the role each open tag inside an article starts, if any

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article" and attributes.get("data-id"):
            self.found.append({"id": int(attributes["data-id"] or 0), "time": None, "headline": [""], "body": [],
                               "notes": [], "previous": [], "tombstone": []})
            self.stack = ["article"]
            return
        if not self.stack or tag in self.VOID:
            return
        entry = self.found[-1]
        if tag == "time" and entry["time"] is None:
            entry["time"] = attributes.get("datetime")
        classes = (attributes.get("class") or "").split()
        # a heading hidden for screen readers (an update without a headline: its time and day) is no headline
        role = next((r for (t, c), r in self.ROLES.items()
                     if t == tag and (c in classes or not (c or "vh" in classes))), None)
        if role is None or any(self.stack[1:]):  # a body's own <h3> is body text
            self.stack.append(None)
            return
        entry[role] = [""] if role == "headline" else [*entry[role], ""]
        self.stack.append(role)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag not in self.VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        role = next((r for r in reversed(self.stack[1:]) if r is not None), None)
        if role is not None:
            self.found[-1][role][-1] += data


def _shown(payload: dict[str, Any]) -> dict[str, Any]:
    """What a reader page shows of an entry, as ``_PageEntries`` reads it."""
    gone = payload.get("retracted")
    corrections = [] if gone else payload.get("corrections", [])
    return {"time": payload.get("published_at"), "headline": [_norm(payload.get("headline", ""))],
            "body": [] if gone else [_norm(to_text(payload.get("body_html", "")))],
            "notes": [(c["time_gmt"], _norm(c["note"])) for c in corrections],
            "previous": [_norm(to_text(c["previous_body_html"])) for c in corrections],
            "tombstone": [(gone["time_gmt"], _norm(gone["note"]))] if gone else []}


def _same(found: list[Any], expected: list[Any]) -> bool:
    """A note is (its time, its words): the label around them ("Corrected", "Withdrawn") is the page's own
    wording, which a translation may change; the time and the newsroom's words must be there."""
    if len(found) != len(expected):
        return False
    return all(f == e if not isinstance(e, tuple) else (e[0] in f and f.endswith(e[1]))
               for f, e in zip(found, expected, strict=True))


WHAT = {"time": "time", "headline": "headline", "body": "body", "notes": "correction note",
        "previous": "earlier text", "tombstone": "withdrawal note"}


def check_page(page: str, entries: dict[int, dict[str, Any]], where: str) -> list[str]:
    reader = _PageEntries()
    reader.feed(page)
    problems = []
    for found in reader.found:
        payload = entries.get(found["id"])
        if payload is None:
            problems.append(f"entry {found['id']}: {where} shows it but the signed log does not have it")
            continue
        expected = _shown(payload)
        found = {**found, **{k: [_norm(v) for v in found[k]] for k in WHAT if k != "time"}}
        wrong = [WHAT[k] for k in WHAT if not _same(found[k], expected[k])]
        if wrong:
            problems.append(f"entry {found['id']}: {where} differs from the signed log ({', '.join(wrong)})")
    return problems


def _feed_item_view(item: dict[str, Any], too_long: str) -> dict[str, Any]:
    ext = item.get("_liveblog", {})
    view = {"title": item.get("title"), "published": item.get("date_published"),
            "corrections": [(c.get("at"), c.get("note")) for c in ext.get("corrections", [])],
            "retracted": ext.get("retracted")}
    if "content_text" in item:
        view["text"] = _norm(item["content_text"])
    if "content_html" in item and too_long not in item["content_html"]:
        view["html"] = _norm(to_text(item["content_html"]))
    return view


def check_feed(feed: dict[str, Any], entries: dict[int, dict[str, Any]], where: str) -> list[str]:
    problems = []
    lang = str(feed.get("language", i18n.SOURCE))
    tr = i18n.translations(lang)  # the notices and titles are in the blog's language
    for item in feed.get("items", []):
        entry_id = int(str(item.get("id", "")).rsplit("-", 1)[-1] or 0)
        payload = entries.get(entry_id)
        if payload is None:
            problems.append(f"entry {entry_id}: {where} shows it but the signed log does not have it")
            continue
        found = _feed_item_view(item, too_long_notice(tr))
        gone = payload.get("retracted")
        text = _norm(withdrawal_notice(payload, tr) if gone else to_text(payload.get("body_html", "")))
        shown = payload.get("corrections", [])[-len(found["corrections"]):] if found["corrections"] else []
        expected = {"title": update_title(payload, lang), "published": payload.get("published_at"), "text": text,
                    "html": text, "corrections": [(c["at"], c["note"]) for c in shown],
                    "retracted": {"at": gone["at"], "note": gone["note"]} if gone else None}
        wrong = [name for name, value in found.items() if not _feed_same(name, value, expected[name])]
        if wrong:
            problems.append(f"entry {entry_id}: {where} differs from the signed log ({', '.join(wrong)})")
    return problems


def _feed_same(name: str, found: Any, expected: Any) -> bool:
    """An item's text is the entry's, then the feed's own notes below it (its corrections, which ``_liveblog``
    carries and are checked there, and the updates superseding it), in the feed's language."""
    if name in ("text", "html") and isinstance(found, str) and isinstance(expected, str):
        return found == expected or found.startswith(expected + " ")
    return bool(found == expected)


ATOM = "{http://www.w3.org/2005/Atom}"
TOMB = "{http://purl.org/atompub/tombstones/1.0}"
_STUB = {"slug": "", "title": "", "summary": "", "last_changed_at": "", "created_at": ""}


def _atom_view(element: ET.Element, too_long: str) -> tuple[str, dict[str, str]]:
    """(its id, the words and times it shows) of an Atom entry or tombstone."""
    if element.tag == f"{TOMB}deleted-entry":
        return element.get("ref", ""), {"when": element.get("when", ""),
                                        "comment": _norm(element.findtext(f"{TOMB}comment") or "")}
    content = element.findtext(f"{ATOM}content") or ""
    view = {"title": _norm(element.findtext(f"{ATOM}title") or ""),
            "published": element.findtext(f"{ATOM}published") or ""}
    if too_long not in content:
        view["content"] = _norm(to_text(content))
    return element.findtext(f"{ATOM}id") or "", view


def _atom_elements(raw: bytes) -> list[ET.Element]:
    return [e for e in ET.fromstring(raw) if e.tag in (f"{ATOM}entry", f"{TOMB}deleted-entry")]


def check_atom(raw: bytes, entries: dict[int, dict[str, Any]], where: str) -> list[str]:
    """Each Atom entry against the same entry rendered from the log (``feeds.atom_feed``): the words, not links."""
    try:
        found = _atom_elements(raw)
    except ET.ParseError as exc:
        return [f"{where}: not XML ({exc})"]
    problems = []
    lang = ET.fromstring(raw).get(XML_LANG, "")  # the blog's language: its notices and titles are in it
    too_long = too_long_notice(i18n.translations(lang))
    for element in found:
        ref, view = _atom_view(element, too_long)
        entry_id = int(ref.rsplit("-", 1)[-1]) if ref.rsplit("-", 1)[-1].isdigit() else 0
        payload = entries.get(entry_id)
        if payload is None:
            problems.append(f"entry {entry_id}: {where} shows it but the signed log does not have it")
            continue
        # a withdrawn entry is an entry and its tombstone: each is checked against its own kind
        rendered = [e for e in _atom_elements(atom_feed({**_STUB, "language": lang}, [payload], snapshot_links("")))
                    if e.tag == element.tag]
        expected = _atom_view(rendered[0], too_long)[1] if rendered else {}
        wrong = [name for name, value in view.items() if value != expected.get(name)]
        if wrong:
            problems.append(f"entry {entry_id}: {where} differs from the signed log ({', '.join(wrong)})")
    return problems


def check(pub: Published, *, fingerprint: str | None = None, since: dict[str, Any] | None = None) -> list[str]:
    """Every problem found, one line each; none when the site or mirror shows what its key signed."""
    problems = [*pub.problems, *check_head(pub, fingerprint)]
    chain_problems, entries = check_chain(pub)
    problems += chain_problems
    if since is not None:
        problems += check_since(pub, since)
    for record in pub.log:  # the stream's rendering of each entry event, which the live page inserts
        if record.get("html") is not None and record.get("entry_id") is not None:
            problems += check_page(record["html"], {record["entry_id"]: record["payload"]},
                                   f"event {record['seq']}'s html")
    if pub.page is not None:
        problems += check_page(pub.page, entries, "the page")
    if pub.feed is not None:
        problems += check_feed(pub.feed, entries, "the JSON Feed")
    if pub.atom is not None:
        problems += check_atom(pub.atom, entries, "the Atom feed")
    return problems


def check_since(pub: Published, since: dict[str, Any]) -> list[str]:
    """A head seen earlier must be in today's log, at the same place with the same hash: appended, not rewritten."""
    if not signing.head_is_signed(since):
        return ["--since: the saved head's signature does not hold"]
    if isinstance(pub.head, dict) and since.get("blog") != pub.head.get("blog"):
        return [f"--since: the saved head is of the blog {since.get('blog')!r}"]
    match = next((r for r in pub.log if r.get("seq") == since.get("seq")), None)
    if match is None or match.get("hash") != since.get("hash"):
        return [f"--since: the log was rewritten: event {since.get('seq')} is not the one signed earlier"]
    return []
