"""The site's key and each blog's hash chain: the bytes the store, ``liveblog verify`` and the browser agree on.

Each event of a blog's public log commits to its payload through a salted digest and to the event before it
through that event's hash, so the head (blog, seq, hash, time) signed by the site key vouches for the whole log.
A withdrawal deletes the text and the salt: the digest stays, the chain stays whole, and without the salt the
text cannot be guessed back from it. ``static/verify.js`` mirrors ``canonical``, ``payload_digest``,
``event_hash`` and ``head_bytes`` for the reader page and the mirror.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

GENESIS = "A" * 43  # the hash before a blog's first event (32 zero bytes)
EVENT_DOMAIN = "liveblog-event/1"
HEAD_DOMAIN = "liveblog-head/1"
ROTATION_DOMAIN = "liveblog-rotation/1"


def canonical(value: Any) -> bytes:
    """One encoding of a JSON value: keys sorted, no spaces, UTF-8 (JavaScript's JSON.stringify agrees)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sha256(data: bytes) -> str:
    """Base64url without padding: 43 characters, so the hash each streamed event carries stays small."""
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def new_salt() -> str:
    return secrets.token_urlsafe(16)


def payload_digest(salt: str, payload: dict[str, Any]) -> str:
    """What the chain keeps of a payload: 128 random bits in front, so a deleted text is not guessed back."""
    return _sha256(salt.encode() + b"\n" + canonical(payload))


def event_hash(prev: str, blog: str, seq: int, kind: str, entry_id: int | None, at: str, digest: str) -> str:
    return _sha256(canonical({"domain": EVENT_DOMAIN, "prev": prev, "blog": blog, "seq": seq, "kind": kind,
                              "entry_id": entry_id, "at": at, "digest": digest}))


def head_bytes(blog: str, seq: int, hash: str, time: str) -> bytes:
    return canonical({"domain": HEAD_DOMAIN, "blog": blog, "seq": seq, "hash": hash, "time": time})


def fingerprint(public_hex: str) -> str:
    """What people compare by eye: the first 20 bytes of the public key's SHA-256, in groups of four."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:40].upper()
    return " ".join(digest[n:n + 4] for n in range(0, 40, 4))


def same_fingerprint(a: str, b: str) -> bool:
    def plain(text: str) -> str:
        return "".join(c for c in text.upper() if c in "0123456789ABCDEF")

    return plain(a) == plain(b)


def _verify(public_hex: str, signature_hex: str, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(bytes.fromhex(signature_hex), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def head_is_signed(head: dict[str, Any]) -> bool:
    """The signed head's signature holds for its own key (whose key it must be is the caller's question)."""
    try:
        data = head_bytes(head["blog"], head["seq"], head["hash"], head["time"])
        return _verify(head["key"], head["sig"], data)
    except (KeyError, TypeError, AttributeError):
        return False


def rotation_bytes(old: str, new: str, at: str) -> bytes:
    return canonical({"domain": ROTATION_DOMAIN, "old": old, "new": new, "at": at})


def rotation_holds(statement: dict[str, Any]) -> bool:
    try:
        return _verify(statement["old"], statement["sig"],
                       rotation_bytes(statement["old"], statement["new"], statement["at"]))
    except (KeyError, TypeError):
        return False


@dataclass
class SiteKey:
    """The site's Ed25519 key and the published statements of the keys it replaced."""

    private: Ed25519PrivateKey
    rotations: list[dict[str, str]] = field(default_factory=list)

    @cached_property
    def public_hex(self) -> str:
        """Derived once: every cached page's variant names the key (a derivation per request was 5 µs)."""
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.public_hex)

    def sign_head(self, blog: str, seq: int, hash: str, time: str) -> dict[str, Any]:
        sig = self.private.sign(head_bytes(blog, seq, hash, time)).hex()
        return {"blog": blog, "seq": seq, "hash": hash, "time": time, "key": self.public_hex, "sig": sig}

    def published(self) -> dict[str, Any]:
        """``/.well-known/liveblog-key.json``: the key now, and each rotation signed by the key before it."""
        return {"algorithm": "Ed25519", "public_key": self.public_hex, "fingerprint": self.fingerprint,
                "rotations": self.rotations}


def _write(path: Path, key: SiteKey, *, new: bool) -> None:
    """Mode 0600 from the first byte: the key is never readable by others, even for a moment. The file appears
    whole or not at all (written aside, then linked or renamed in): a worker starting beside another never
    reads half a key. ``new``: FileExistsError when another process made one first."""
    raw = key.private.private_bytes_raw().hex()
    text = json.dumps({"private_key": raw, "rotations": key.rotations}, indent=1)
    temp = path.with_name(f"{path.name}.{os.getpid()}.new")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if new:
            os.link(temp, path)
        else:
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def load_key(path: Path) -> SiteKey:
    data = json.loads(path.read_text(encoding="utf-8"))
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(data["private_key"]))
    return SiteKey(private, list(data.get("rotations", [])))


def site_key(path: Path) -> SiteKey:
    """The site's key, made on first use."""
    if path.exists():
        return load_key(path)
    key = SiteKey(Ed25519PrivateKey.generate())
    try:
        _write(path, key, new=True)
    except FileExistsError:  # another worker made it first
        return load_key(path)
    return key


def rotate_key(path: Path, at: str) -> SiteKey:
    """A new key, with a statement signed by the old one that the new one replaces it."""
    old = site_key(path)
    new = SiteKey(Ed25519PrivateKey.generate(), list(old.rotations))
    statement = {"old": old.public_hex, "new": new.public_hex, "at": at}
    statement["sig"] = old.private.sign(rotation_bytes(old.public_hex, new.public_hex, at)).hex()
    new.rotations.append(statement)
    _write(path, new, new=False)
    return new
