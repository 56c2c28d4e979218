"""A stored photo's name: made and checked without loading the photo code (Pillow, libc, its decoder thread).

The sanitizer checks every ``/media/`` address it lets through with ``valid_name``; ``media`` re-exports both.
"""

from __future__ import annotations

import secrets

MAX_NAME = 64
EXTENSION = "jpg"


def new_name() -> str:
    return secrets.token_urlsafe(18).replace("-", "a").replace("_", "b") + "." + EXTENSION


def valid_name(name: str) -> bool:
    """ASCII letters and digits, then ``.jpg``: what ``new_name`` makes, and nothing a path could abuse."""
    stem, dot, ext = name.partition(".")
    return (bool(stem) and stem.isalnum() and stem.isascii() and dot == "." and ext == EXTENSION
            and len(name) <= MAX_NAME)
