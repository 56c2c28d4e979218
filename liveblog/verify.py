"""``liveblog verify``: does a live site or a static mirror show what the newsroom signed?

It checks the signed head (and, given one, that its key is the fingerprint the reader trusts, directly or through
signed rotations), the hash chain from the first event to the head, each payload against its salted digest, and
that every entry the page and the feeds show is the entry as the log last has it. It checks the newsroom's words and
times (headline when given, body, correction notes, earlier texts, withdrawal notes, published times, which entries
a supersession names), never the page's or feed's own labels and made-up titles, which may be in any language.
Each problem is one line naming what it found; none means everything holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from . import i18n, signing
from .feeds import FEED_CORRECTIONS, too_long_notice
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



def _cut(text: str) -> bool:
    """A feed cut a long entry short: its notice, in any of the site's languages, stands for the text."""
    return any(too_long_notice(i18n.translations(lang)) in text for lang in ("en", *i18n.languages()))

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
    """Each ``<article data-id>`` of a reader page: its time, headline, body, notes, earlier texts, tombstone and
    the entries its supersession lines link. A ``<strong>`` in a note is its label ("Corrected 10:37 GMT:"),
    kept apart from the newsroom's words; a heading of class ``vh`` is the page's own (an update without one)."""

    ROLES: ClassVar[dict[tuple[str, str], str]] = {
        ("h2", ""): "headline", ("h3", ""): "headline", ("div", "body"): "body", ("p", "note"): "notes",
        ("div", "previous"): "previous", ("p", "tombstone"): "tombstone", ("p", "supersedes"): "supersedes",
        ("p", "superseded-by"): "superseded_by"}
    LABELLED: ClassVar[set[str]] = {"notes", "tombstone", "supersedes", "superseded_by"}
    VOID: ClassVar[set[str]] = {"br", "img", "hr", "wbr", "input", "meta", "link", "source", "area", "col", "embed"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, Any]] = []
        self.stack: list[str | None] = []  # the role each open tag inside an article starts, if any

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article" and attributes.get("data-id"):
            self.found.append({"id": int(attributes["data-id"] or 0), "time": None, "headline": None, "body": [],
                               "notes": [], "previous": [], "tombstone": [], "supersedes": [],
                               "superseded_by": []})
            self.stack = ["article"]
            return
        if not self.stack or tag in self.VOID:
            return
        entry, classes = self.found[-1], (attributes.get("class") or "").split()
        if tag == "time" and entry["time"] is None:
            entry["time"] = attributes.get("datetime")
        inner = self._role()
        if inner in self.LABELLED:
            self._inside(inner, tag, attributes)
            return
        role = next((r for (t, c), r in self.ROLES.items() if t == tag and (c in classes or not c)), None)
        if role is None or any(self.stack[1:]) or (role == "headline" and entry["headline"] is not None):
            self.stack.append(None)  # a body's own <h3> is body text
            return
        if role == "headline":
            entry["headline"] = ["", "vh" in classes]
        else:
            entry[role].append({"label": "", "words": "", "links": []} if role in self.LABELLED else "")
        self.stack.append(role)

    def _inside(self, role: str, tag: str, attributes: dict[str, str | None]) -> None:
        """A tag inside a labelled line: its label, or a link to the entry it names."""
        part = self.found[-1][role][-1]
        if tag == "a":
            href = attributes.get("href") or ""
            number = re.search(r"(?:entries/|#entry-)(\d+)$", href)
            part["links"].append([int(number.group(1)) if number else None, ""])
            self.stack.append("link")
        else:
            self.stack.append("label" if tag == "strong" else "text")

    def _role(self) -> str | None:
        return next((r for r in reversed(self.stack[1:]) if r in self.ROLES.values()), None)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag not in self.VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        role = self._role()
        if role is None:
            return
        entry = self.found[-1]
        if role == "headline":
            entry["headline"][0] += data
        elif role in self.LABELLED:
            part, inner = entry[role][-1], self.stack[-1]
            if inner == "link":
                part["links"][-1][1] += data
            else:
                part["label" if inner == "label" else "words"] += data
        else:
            entry[role][-1] += data


def _supersession(entries: dict[int, dict[str, Any]]) -> dict[int, tuple[list[int], list[int]]]:
    """Each entry's (supersedes, superseded_by) as the log has them: a later entry that supersedes this one says
    so in its own event only, so ``superseded_by`` is gathered from every entry."""
    later: dict[int, set[int]] = {i: set(p.get("superseded_by") or []) for i, p in entries.items()}
    for i, payload in entries.items():
        for target in payload.get("supersedes") or []:
            later.setdefault(target, set()).add(i)
    return {i: (list(p.get("supersedes") or []), sorted(later.get(i, set()))) for i, p in entries.items()}


def _ref_time(entries: dict[int, dict[str, Any]], payload: dict[str, Any], other: int) -> str | None:
    """The GMT time a supersession line gives the entry ``other``: the time of its own publication."""
    if other in entries:
        return str(entries[other].get("time_gmt") or "") or None
    ref = (payload.get("refs") or {}).get(str(other))
    return str(ref["time_gmt"]) if ref else None


def _links_hold(found: list[dict[str, Any]], ids: list[int], times: list[str | None]) -> bool:
    """A supersession line links exactly the entries the log gives, each with its time in the link's words."""
    if not ids:
        return not found
    links = [link for line in found for link in line["links"]]
    return len(found) == 1 and [n for n, _ in links] == ids and all(
        t is None or t in text for (_, text), t in zip(links, times, strict=True))


def _noted(found: list[dict[str, Any]], expected: list[tuple[str, str]]) -> bool:
    """A note is (its time, its words): the label around the time ("Corrected", "Withdrawn") is the page's own
    wording, which a translation may change; the time must be in it and the newsroom's words must follow."""
    return len(found) == len(expected) and all(
        time in f["label"] and _norm(f["words"]) == _norm(note) for f, (time, note) in zip(found, expected,
                                                                                           strict=True))


WHAT = {"time": "time", "headline": "headline", "body": "body", "notes": "correction note",
        "previous": "earlier text", "tombstone": "withdrawal note", "supersedes": "supersedes",
        "superseded_by": "superseded by"}


def _page_wrong(found: dict[str, Any], payload: dict[str, Any], entries: dict[int, dict[str, Any]],
                links: tuple[list[int], list[int]]) -> list[str]:
    """The parts of one article that are not what the log has: the newsroom's words and times, not labels."""
    gone = payload.get("retracted")
    corrections = [] if gone else payload.get("corrections", [])
    headline = found["headline"] or ["", True]
    ok = {
        "time": found["time"] == payload.get("published_at"),
        "headline": (_norm(headline[0]) == _norm(payload.get("headline", "")) and not headline[1]
                     if payload.get("headline") else headline[1] or not _norm(headline[0])),
        "body": [_norm(b) for b in found["body"]] == ([] if gone else [_norm(to_text(payload.get("body_html", "")))]),
        "notes": _noted(found["notes"], [(c["time_gmt"], c["note"]) for c in corrections]),
        "previous": [_norm(p) for p in found["previous"]] == [_norm(to_text(c["previous_body_html"]))
                                                              for c in corrections],
        "tombstone": _noted(found["tombstone"], [(gone["time_gmt"], gone["note"])] if gone else []),
        "supersedes": _links_hold(found["supersedes"], links[0],
                                  [_ref_time(entries, payload, i) for i in links[0]]),
        "superseded_by": _links_hold(found["superseded_by"], links[1],
                                     [_ref_time(entries, payload, i) for i in links[1]]),
    }
    return [WHAT[k] for k, holds in ok.items() if not holds]


def check_page(page: str, entries: dict[int, dict[str, Any]], where: str) -> list[str]:
    reader = _PageEntries()
    reader.feed(page)
    problems, links = [], _supersession(entries)
    for found in reader.found:
        payload = entries.get(found["id"])
        if payload is None:
            problems.append(f"entry {found['id']}: {where} shows it but the signed log does not have it")
            continue
        wrong = _page_wrong(found, payload, entries, links[found["id"]])
        if wrong:
            problems.append(f"entry {found['id']}: {where} differs from the signed log ({', '.join(wrong)})")
    return problems


def _in_order(text: str, pieces: list[str]) -> bool:
    """The newsroom's words and times, each after the one before, the first at the start and the last at the
    end: a feed may add its own labels ("Corrected", "Withdrawn", translated or not) between them, but not
    change a word or a time of theirs. A withdrawn entry's first piece is empty: its text starts with a label."""
    at = 0
    for n, piece in enumerate(_norm(p) for p in pieces):
        found = text.find(piece, at)
        if found < 0 or (n == 0 and found != 0):
            return False
        at = found + len(piece)
    return not pieces or text.endswith(_norm(pieces[-1])) or not pieces[-1]


def _words(payload: dict[str, Any], shown: int) -> list[str]:
    """What an item's content must carry, in order: the withdrawal's time and note, or the body and its latest
    ``shown`` corrections' times and notes (the earlier ones are on the entry's page), then what the feed says
    of the updates that supersede it, which is the feed's own (checked in ``_liveblog`` and Atom's links)."""
    gone = payload.get("retracted")
    if gone:
        return ["", gone["time_gmt"], gone["note"]]
    notes = [part for c in (payload.get("corrections", [])[-shown:] if shown else [])
             for part in (c["time_gmt"], c["note"])]
    return [to_text(payload.get("body_html", "")), *notes, ""]


def _headline_holds(title: str | None, payload: dict[str, Any]) -> bool:
    """A headline must be the title; an update without one has a title the feed makes up (its time, in the
    feed's language), which is not the newsroom's word."""
    return not payload.get("headline") or _norm(title or "") == _norm(payload["headline"])


def _ids(values: list[Any]) -> list[int]:
    return [int(n) for n in (str(v).rsplit("-", 1)[-1] for v in values) if n.isdigit()]


def check_feed(feed: dict[str, Any], entries: dict[int, dict[str, Any]], where: str) -> list[str]:
    problems = []
    links = _supersession(entries)
    for item in feed.get("items", []):
        entry_id = int(str(item.get("id", "")).rsplit("-", 1)[-1] or 0)
        payload = entries.get(entry_id)
        if payload is None:
            problems.append(f"entry {entry_id}: {where} shows it but the signed log does not have it")
            continue
        ext, gone = item.get("_liveblog", {}), payload.get("retracted")
        shown = payload.get("corrections", [])[-len(ext.get("corrections", [])):] if ext.get("corrections") else []
        words = _words(payload, len(shown))
        ok = {"title": _headline_holds(item.get("title"), payload),
              "published": item.get("date_published") == payload.get("published_at"),
              "text": "content_text" not in item or _cut(item["content_text"])
              or _in_order(_norm(item["content_text"]), words),
              "html": "content_html" not in item or _cut(item["content_html"])
              or _in_order(_norm(to_text(item["content_html"])), words),
              "corrections": [(c.get("at"), c.get("note")) for c in ext.get("corrections", [])]
              == [(c["at"], c["note"]) for c in shown],
              "retracted": ext.get("retracted") == ({"at": gone["at"], "note": gone["note"]} if gone else None),
              "supersedes": "supersedes" not in ext or _ids(ext["supersedes"]) == links[entry_id][0],
              "superseded_by": "superseded_by" not in ext or _ids(ext["superseded_by"]) == links[entry_id][1]}
        wrong = [name for name, holds in ok.items() if not holds]
        if wrong:
            problems.append(f"entry {entry_id}: {where} differs from the signed log ({', '.join(wrong)})")
    return problems


ATOM = "{http://www.w3.org/2005/Atom}"
TOMB = "{http://purl.org/atompub/tombstones/1.0}"
SUPERSEDES_REL = "http://purl.org/dc/terms/replaces"


def _atom_wrong(element: ET.Element, payload: dict[str, Any], entries: dict[int, dict[str, Any]]) -> list[str]:
    """The parts of an Atom entry or tombstone that are not what the log has: its words, times and the entries
    it says it supersedes, not its labels, links or generated title."""
    gone: dict[str, Any] = payload.get("retracted") or {}
    if element.tag == f"{TOMB}deleted-entry":
        comment = _norm(element.findtext(f"{TOMB}comment") or "")
        ok = {"when": bool(gone) and element.get("when") == gone["at"],
              "comment": bool(gone) and _in_order(comment, ["", gone["time_gmt"], gone["note"]])}
        return [name for name, holds in ok.items() if not holds]
    content = element.findtext(f"{ATOM}content") or ""
    shown = len(payload.get("corrections", [])[-FEED_CORRECTIONS:])
    replaces = _ids([link.get("href", "").replace("#entry-", "-").replace("entries/", "-")
                     for link in element.findall(f"{ATOM}link") if link.get("rel") == SUPERSEDES_REL])
    ok = {"title": _headline_holds(element.findtext(f"{ATOM}title"), payload),
          "published": element.findtext(f"{ATOM}published") == payload.get("published_at"),
          "content": _cut(content) or _in_order(_norm(to_text(content)), _words(payload, shown)),
          "supersedes": sorted(replaces) == sorted(payload.get("supersedes") or [])}
    return [name for name, holds in ok.items() if not holds]


def check_atom(raw: bytes, entries: dict[int, dict[str, Any]], where: str) -> list[str]:
    """Each Atom entry, and each RFC 6721 tombstone that follows a withdrawn one, against the log."""
    try:
        found = [e for e in ET.fromstring(raw) if e.tag in (f"{ATOM}entry", f"{TOMB}deleted-entry")]
    except ET.ParseError as exc:
        return [f"{where}: not XML ({exc})"]
    problems = []
    for element in found:
        ref = element.get("ref", "") if element.tag == f"{TOMB}deleted-entry" else element.findtext(f"{ATOM}id") or ""
        entry_id = int(ref.rsplit("-", 1)[-1]) if ref.rsplit("-", 1)[-1].isdigit() else 0
        payload = entries.get(entry_id)
        if payload is None:
            problems.append(f"entry {entry_id}: {where} shows it but the signed log does not have it")
            continue
        wrong = _atom_wrong(element, payload, entries)
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
