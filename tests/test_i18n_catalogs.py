"""Every string the templates, the scripts and the desk's messages use is in every catalog, translated, with the
same placeholders, and the catalogs' plural rules are CLDR's: a string added without its translations fails here,
naming the string, the file and line that use it, and the catalog that lacks it (`make catalogs` adds it empty)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from liveblog import i18n

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
assert _SPEC and _SPEC.loader
catalogs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(catalogs)

pytestmark = pytest.mark.unit
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def used() -> Catalog:
    return catalogs.extracted()


def read(lang: str) -> Catalog:
    with catalogs.catalogs()[lang].open("rb") as f:
        return read_po(f, locale=lang)


def untranslated(used: Catalog, catalog: Catalog, name: str) -> list[str]:
    """What ``catalog`` (the file ``name``) lacks of the strings in use, one line each."""
    problems = []
    for message in used:
        if not message.id:
            continue
        where = ", ".join(f"{file}:{line}" for file, line in message.locations)
        found = catalog.get(message.id)
        forms = () if found is None else found.string if isinstance(found.string, tuple) else (found.string,)
        if found is None:
            problems.append(f"{name}: missing {message.id!r} (used at {where})")
        elif not all(forms) or (found.fuzzy and not message.fuzzy):
            problems.append(f"{name}: {message.id!r} is left empty or fuzzy (used at {where})")
        else:
            wanted = set(PLACEHOLDER.findall(str(message.id)))
            for form in forms:
                if not set(PLACEHOLDER.findall(form)) <= wanted:
                    problems.append(f"{name}: {form!r} names a placeholder {message.id!r} has not (used at {where})")
    return problems


def test_the_sources_use_strings_from_templates_scripts_and_python(used: Catalog) -> None:
    files = {file.split("/")[0] for m in used if m.id for file, _ in m.locations}
    assert {"templates", "static", "liveblog"} <= files
    assert used.get(("%(n)s new update", "%(n)s new updates")) is not None
    assert used.get(("%(n)s waiting", "%(n)s waiting")) is not None


@pytest.mark.parametrize("lang", ["ru", "kk", "ar"])
def test_every_string_in_use_is_translated(used: Catalog, lang: str) -> None:
    assert lang in catalogs.catalogs(), f"no catalog for {lang}"
    problems = untranslated(used, read(lang), str(catalogs.catalogs()[lang].relative_to(ROOT)))
    assert not problems, "untranslated strings (run `make catalogs`, then translate):\n" + "\n".join(problems)


def test_a_string_missing_or_empty_is_named_with_its_file(used: Catalog) -> None:
    catalog = read("ru")
    catalog.delete("Post update")
    catalog.get("Key events").string = ""
    problems = untranslated(used, catalog, "ru/messages.po")
    assert any("missing 'Post update'" in p and "templates/desk/blog.html:" in p for p in problems), problems
    assert any("'Key events' is left empty" in p and "templates/blog.html:" in p for p in problems), problems


@pytest.mark.parametrize("lang", ["ru", "kk", "ar"])
def test_plural_forms_are_cldr_rules(lang: str) -> None:
    catalog, cldr = read(lang), get_plural(lang)
    assert (catalog.num_plurals, catalog.plural_expr) == (cldr.num_plurals, cldr.plural_expr)


def test_the_scripts_catalog_gives_each_cldr_category_its_form() -> None:
    """The JSON the scripts read: Russian's three forms under Intl.PluralRules' names, Arabic's six."""
    ru = json.loads(i18n.catalog_json("ru"))["messages"]
    assert ru["%(n)s new update"] == {"one": "%(n)s новое обновление", "few": "%(n)s новых обновления",
                                      "many": "%(n)s новых обновлений"}
    ar = json.loads(i18n.catalog_json("ar"))
    assert ar["dir"] == "rtl" and set(ar["messages"]["%(n)s waiting"]) == {"zero", "one", "two", "few", "many", "other"}
    assert set(json.loads(i18n.catalog_json("en"))["messages"]) == {
        m if isinstance(m, str) else m[0] for m in i18n.script_messages()}
