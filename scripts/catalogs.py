"""`make catalogs`: every string people read, extracted and merged into each language's catalog.

Extracts the templates (Jinja's i18n extension), the scripts (``gettext``/``ngettext``/``N_`` in static/*.js),
the desk's messages made in Python (``Message``/``Plural``; the refusals the desk shows: ``ValidationError``,
``Forbidden``, ``require_editor`` and ``Conflict`` templates; words marked ``N_``, liveblog/marks.py) and the prose
of templates/feed-extension.md, piece by piece, into liveblog/locale/messages.pot, then merges that into every
liveblog/locale/<lang>/LC_MESSAGES/messages.po: new strings arrive empty (tests/test_i18n_catalogs.py names each
one until it is translated), strings no longer used are dropped. ``--check`` changes nothing and exits
1 if a catalog is behind the sources.

A new language: ``.venv/bin/pybabel init -i liveblog/locale/messages.pot -d liveblog/locale -l fa``, then
translate its messages.po (README, "Adding a language").
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from liveblog.render import EXTENSION_DOC, extension_doc

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "liveblog" / "locale"
TEMPLATE = LOCALE / "messages.pot"
# Babel's own keywords (gettext, ngettext, _ …) and the project's markers
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Message": None, "Plural": (1, 2),
            "ValidationError": (2,), "Forbidden": None, "Conflict": None, "require_editor": (2,),
            "NotAnImage": None}
WIDTH = 120
DOC = str(EXTENSION_DOC.relative_to(ROOT))


def extracted() -> Catalog:
    """The sources' strings now, each with the files and lines that use it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    catalog = Catalog(project="Liveblog", version="0.1.0", copyright_holder="Liveblog", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        if message and (message if isinstance(message, str) else message[0]):
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)

    def found(piece: str) -> str:  # the feed extension's page
        catalog.add(piece, None, [(DOC, 0)])
        return piece

    extension_doc(found)
    return catalog


def catalogs() -> dict[str, Path]:
    return {po.parent.parent.name: po for po in sorted(LOCALE.glob("*/LC_MESSAGES/messages.po"))}


def _po_bytes(catalog: Catalog, **options: bool) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, no_location=True, sort_output=True, **options)
    return out.getvalue()


def _messages(catalog: Catalog) -> set[tuple[object, object]]:
    """What a catalog says, without its dates: the same set before and after an update that changes nothing."""
    return {(m.id, m.string) for m in catalog if m.id and not m.fuzzy}


def main(argv: list[str]) -> int:
    template = extracted()
    behind = []
    for lang, path in catalogs().items():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        before = _messages(catalog)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        if _messages(catalog) != before:
            behind.append(lang)
            if "--check" not in argv:
                path.write_bytes(_po_bytes(catalog, ignore_obsolete=True))
    if "--check" not in argv:
        TEMPLATE.write_bytes(_po_bytes(template, omit_header=False))
    print(("behind the sources: " if "--check" in argv else "updated: ") + (", ".join(behind) or "none"))
    return 1 if behind and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
