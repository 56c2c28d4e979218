"""Characters no text from outside may carry, found once for every route, the desk's forms and the import.

A control character (U+0000-U+001F but tab, newline and carriage return; U+007F-U+009F), a lone surrogate or
U+FFFE/U+FFFF is never part of anything a person writes. XML 1.0 cannot carry most of them, so one of them would
make a whole page of a feed unreadable for every subscriber; a lone surrogate cannot even be encoded as UTF-8.
Pure: no I/O, and below the model so that everything may use it.
"""

from __future__ import annotations

import re
from typing import Any

from .marks import N_

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
PROBLEM = N_("contains U+%(code)s at character %(at)s: control characters, lone surrogates and U+FFFE/U+FFFF are "
             "not allowed")
KEY_PROBLEM = N_("a field name contains U+%(code)s at character %(at)s: control characters, lone surrogates and "
                 "U+FFFE/U+FFFF are not allowed")


def problem_at(value: str) -> dict[str, str | int] | None:
    """The first forbidden character's code and place (from 1), which ``PROBLEM`` names, or None."""
    found = FORBIDDEN.search(value)
    return None if found is None else {"code": f"{ord(found.group()):04X}", "at": found.start() + 1}


def problem(value: str) -> str | None:
    """What is wrong with ``value``, without repeating the character itself (which the answer could not carry)."""
    found = problem_at(value)
    return None if found is None else PROBLEM % found


def find_problem(value: Any) -> tuple[str, str, dict[str, str | int]] | None:
    """The first string in parsed JSON that ``problem`` refuses, as its path (e.g. ``supersedes[2]``), the
    refusal's template (``PROBLEM``, or ``KEY_PROBLEM`` for a field name) and its values, for the caller's
    ``ValidationError`` to translate.

    A bad field name is named by the object that holds it: the name itself cannot be shown. A loop, not
    recursion: JSON the parser took may be nested nearly as deep as Python's recursion limit."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            found = problem_at(item)
            if found:
                return path or "request", PROBLEM, found
        elif isinstance(item, dict):
            for key in item:
                found = problem_at(key)
                if found:
                    return path or "request", KEY_PROBLEM, found
            pending += reversed([(f"{path}.{key}" if path else key, child) for key, child in item.items()])
        elif isinstance(item, list):
            pending += reversed([(f"{path}[{n}]", child) for n, child in enumerate(item)])
    return None


def xml_safe(value: str) -> str:
    """``value`` without what XML 1.0 forbids (and the C1 controls): for text already stored, from before these
    checks or from an import, which must not break a feed."""
    return FORBIDDEN.sub("", value)
