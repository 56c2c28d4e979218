"""People's names compared as people read them, and the rules for a new account's name.

An import refuses an author who would read like a local account, and a new account may not read like an
existing one: otherwise ``Admin``, ``admin`` with a Cyrillic ``\u0430``, or ``ad\u200bmin`` with an invisible space
sits on the page as if the local editor had written it. Two names clash when their skeletons are equal: NFKC,
invisible characters dropped, spaces collapsed, case folded, then the confusable skeleton of Unicode TR39 (its
``confusables.txt``, as the ``confusable-homoglyphs`` package ships it). Pure: no I/O but reading that table.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from .model import ValidationError

MAX_NAME = 64
PUNCTUATION = "._-"  # what a new name may carry besides letters, marks and digits
INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # control, format (U+200B, U+2060, U+FEFF…), unassigned
LRM = "\u200e"  # the package wraps right-to-left characters in it for display; it is no part of them


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Each confusable character and what it reads as (TR39's prototype).

    The package lists, for a prototype, all its look-alikes, and for a look-alike, its one prototype. So a single
    character with one entry whose own entry is longer is a look-alike; a pair that only name each other is
    one look-alike and its prototype, and the smaller code point stands for both (only equality matters here).
    A prototype of several characters (``rn`` for ``m``) is never itself a look-alike."""
    raw = json.loads((resources.files("confusable_homoglyphs") / "confusables.json").read_text(encoding="utf-8"))
    data = {key.strip(LRM): [entry["c"].strip(LRM) for entry in entries] for key, entries in raw.items()}
    table: dict[str, str] = {}
    for char, others in data.items():
        if len(char) != 1 or len(others) != 1:
            continue
        target = others[0]
        if len(target) == 1 and len(data.get(target, ())) == 1 and target > char:
            continue
        table[char] = target
    return table


def _visible(name: str) -> str:
    """NFKC, without invisible characters, its spaces collapsed: what a reader sees of ``name``."""
    text = unicodedata.normalize("NFKC", name)
    return " ".join("".join(c for c in text if unicodedata.category(c) not in INVISIBLE).split())


def _tr39(text: str) -> str:
    """TR39's skeleton: NFD, each character by its prototype, NFD again."""
    table = _prototypes()
    mapped = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def skeleton(name: str) -> str:
    """What ``name`` reads as, whatever its case: two names with the same skeleton are one name to a reader."""
    return _tr39(unicodedata.normalize("NFKC", _visible(name).casefold()))


def _forms(name: str) -> set[str]:
    """The skeleton, and the skeleton before case folding, which keeps ``I`` and ``l`` alike (``Iaura``)."""
    return {skeleton(name), _tr39(_visible(name))}


def taken_forms(local_names: Iterable[str]) -> set[str]:
    """Every form ``local_names`` read as: built once, then asked of many names with ``reads_like``."""
    return set().union(*(_forms(name) for name in local_names))


def reads_like(name: str, taken: set[str]) -> bool:
    """Whether ``name`` reads like one of the names ``taken`` (from ``taken_forms``) was built from."""
    return bool(_forms(name) & taken)


def clashes(import_names: Iterable[str], local_names: Iterable[str]) -> list[str]:
    """The names of ``import_names`` that read like one of ``local_names``, sorted: an import must refuse them."""
    taken = taken_forms(local_names)
    return sorted(name for name in set(import_names) if reads_like(name, taken))


def check_new_name(name: str) -> str:
    """A new account's name, or ValidationError: 1-64 letters, marks, digits and ``._-``, in their ordinary
    (NFKC) form, nothing invisible and no space. Whether it reads like another account's is ``clashes``."""
    if not 1 <= len(name) <= MAX_NAME:
        raise ValidationError("name", "must be 1-%(limit)s characters", limit=MAX_NAME)
    if name != name.strip():
        raise ValidationError("name", "must not begin or end with a space")
    for char in name:
        if unicodedata.category(char) in INVISIBLE:
            raise ValidationError("name", "must not contain invisible or control characters (U+%(code)s)",
                                  code=format(ord(char), "04X"))
    if unicodedata.normalize("NFKC", name) != name:
        raise ValidationError("name", "must use the ordinary form of each letter (no full-width or styled ones)")
    if unicodedata.category(name[0])[0] == "M" or not all(
        unicodedata.category(c)[0] in "LMN" or c in PUNCTUATION for c in name
    ):
        raise ValidationError("name", "must be letters, digits and %(punctuation)s only, no spaces",
                              punctuation=", ".join(PUNCTUATION))
    return name
