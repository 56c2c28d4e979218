"""``N_``: words a person may read, marked where they are written so that `make catalogs` finds them, and
translated where they are shown (``i18n.Message``). Pure and below everything: the model, the store and the
text checks mark their refusals with it without loading a catalog."""

from __future__ import annotations


def N_(words: str) -> str:
    return words
