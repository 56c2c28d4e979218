"""Issue 14 (6): names are compared as people read them.

Pins: ``Admin``, ``admin `` (a space at the end), a Cyrillic ``\u0430``, an invisible U+200B/U+2060/U+FEFF,
full-width letters, ``rn`` for ``m`` and ``I`` for ``l`` all clash with the account they imitate, and names
that only share letters do not; a new account's name refuses invisible, control and space characters and
styled letters, and may not read like any account there is (imported authors too): ``liveblog user add`` says
so, and serve's first editor takes the next free name (``admin-2`` when an import brought in ``Admin``).
"""

from __future__ import annotations

import pytest

from conftest import liveblog_cmd
from liveblog import cli, model
from liveblog.model import ValidationError
from liveblog.names import check_new_name, clashes, skeleton

LOOK_ALIKES = {
    "admin": ["Admin", "ADMIN", "admin ", " admin", "\u0430dmin", "ad\u200bmin", "adm\u2060in", "\ufeffadmin",
              "\uff41\uff44\uff4d\uff49\uff4e", "adrnin", "\U0001d41a\U0001d41d\U0001d426\U0001d422\U0001d427"],
    "laura": ["Iaura", "LAURA", "1aura"],
    "amal": ["\u0410mal", "AMAL", "am\u0430l"],
}


@pytest.mark.parametrize("local,alike", [(k, v) for k, vs in LOOK_ALIKES.items() for v in vs])
def test_names_that_read_alike_clash(local, alike):
    assert clashes([alike], [local]) == [alike], (local, alike)
    assert clashes([local], [alike]) == [local], "the other way round too"


def test_names_that_only_share_letters_do_not():
    assert clashes(["amal", "amala", "badr", "admin2", "lama"], ["admin", "laura", "amal-x"]) == []
    assert clashes(["Ahmed", "\u0410\u0445\u043c\u0435\u0434"], ["Hamid"]) == []
    assert clashes([], ["admin"]) == [] and clashes(["admin"], []) == []


def test_the_skeleton_is_what_a_reader_sees():
    assert skeleton("Admin") == skeleton("\u0430dm\u200bin ") == skeleton("admin")
    assert skeleton("admin") != skeleton("amin")


@pytest.mark.parametrize("name,why", [
    ("", "1-64"), ("x" * 65, "1-64"), ("admin ", "space"), (" admin", "space"), ("ad min", "no spaces"),
    ("ad\u200bmin", "U+200B"), ("ad\u2060min", "U+2060"), ("\ufeffadmin", "U+FEFF"), ("ad\x01min", "U+0001"),
    ("ad\u0085min", "U+0085"), ("\uff41dmin", "ordinary form"), ("\U0001d41ad", "ordinary form"),
    ("\u0301a", "letters"), ("o'brien", "letters"),
])
def test_a_new_name_refuses_what_cannot_be_read(name, why):
    with pytest.raises(ValidationError) as refused:
        check_new_name(name)
    assert refused.value.field == "name" and why in refused.value.message, refused.value.message


def test_a_new_name_may_be_any_script():
    for name in ("amal", "Jean-Luc", "\u0410\u0445\u043c\u0435\u0434", "\u0928\u092e\u0938\u094d\u0924\u0947",
                 "\u0623\u0645\u0644", "li.wei_2"):
        assert check_new_name(name) == name


def test_user_add_refuses_a_name_that_reads_like_an_account(tmp_path):
    db = tmp_path / "people.db"
    assert liveblog_cmd("user", "add", "admin", "--role", "editor", db=db).returncode == 0
    for name, why in (("Admin", "reads like the name of an existing account"),
                      ("\u0430dmin", "reads like the name of an existing account"),
                      ("ad\u200bmin", "invisible"), ("admin ", "space")):
        done = liveblog_cmd("user", "add", name, "--role", "editor", db=db)
        assert done.returncode == 1 and done.stderr.startswith("error: ") and why in done.stderr, (name, done.stderr)
    listed = liveblog_cmd("user", "list", db=db).stdout
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["admin"]


def test_serves_first_editor_does_not_read_like_an_imported_author(site):
    """An import brought in ``Admin``: the first editor is then admin-2, never a look-alike of it."""
    store = site.runtime.store

    async def first_name() -> str:
        await store.create_user("Admin", model.IMPORTED, "!", model.utc_now())
        await store.create_user("admin-2\u200b", model.IMPORTED, "!", model.utc_now())
        return await cli.first_free_name(store, "admin")

    assert site.call(first_name()) == "admin-3"
