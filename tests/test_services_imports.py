"""Importing a blog from a private JSON export through the service, on real stores and no server: the file is
checked before any database is touched, and what was imported reads back as it was exported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from liveblog import export
from liveblog.model import ValidationError
from liveblog.services import entries, imports
from liveblog.store import Conflict
from unit_store import opened_store, world

pytestmark = pytest.mark.unit


async def exported(tmp_path: Path) -> dict[str, Any]:
    """A JSON export (as written to a file and read back) of a blog with a superseded, a corrected and a
    withdrawn entry."""
    async with world(tmp_path, name="source") as w:
        def new(body: str, **fields: object) -> dict[str, Any]:
            return entries.entry_input({"body": body, **fields})
        first, _ = await entries.publish(w.store, w.posts, w.amal, w.blog, new("Two hurt."), None)
        await entries.publish(w.store, w.posts, w.amal, w.blog, new("Three hurt.", supersedes=[first.id]), None)
        await entries.correct(w.store, w.amal, first, entries.correction_input({"body": "Two hurt, one badly.",
                                                                                "note": "detail"}), if_match=None)
        wrong, _ = await entries.publish(w.store, w.posts, w.badr, w.blog, new("Wrong photo."), None)
        await entries.withdraw(w.store, w.editor, wrong, "wrong photo")
        record = await export.export_record(w.store, "strike")
    return dict(json.loads(json.dumps(record)))


async def test_an_import_reads_back_as_it_was_exported(tmp_path: Path) -> None:
    record = await exported(tmp_path)
    checked = imports.read_export(record)
    async with opened_store(tmp_path / "mirror.db") as store:
        blog = (await imports.import_blog(store, checked)).blog
        assert blog.slug == "strike"
        again = await export.export_record(store, "strike")
        assert again["entries"] == record["entries"] and again["blog"] == record["blog"]
        with pytest.raises(Conflict, match="already exists"):
            await imports.import_blog(store, checked)


async def test_an_export_naming_local_people_is_refused_whole(tmp_path: Path) -> None:
    """Its authors have accounts in the target (the same names): they would gain entries they never wrote."""
    record = await exported(tmp_path)
    async with world(tmp_path, name="target") as w:
        with pytest.raises(Conflict, match="have accounts here"):
            await imports.import_blog(w.store, imports.read_export({**record, "blog": {**record["blog"],
                                                                                       "slug": "copy"}}))
        assert [b.slug for b in await w.store.list_blogs()] == ["strike"]


async def test_a_damaged_file_is_named_where_it_is_wrong(tmp_path: Path) -> None:
    record = await exported(tmp_path)
    record["entries"][0]["revision"] = 7
    with pytest.raises(ValidationError) as refused:
        imports.read_export(record)
    assert refused.value.field == "entries[0].revision"
    with pytest.raises(ValidationError, match="not a Liveblog export"):
        imports.read_export({"format": "something/1"})
    record["entries"][0]["revision"] = 1 + len(record["entries"][0]["corrections"])
    for key, value, field in [("translation_of", {"blog": "strike", "id": 5}, "entries[0].translation_of"),
                              ("translation_of", "world/5", "entries[0].translation_of"),
                              ("translations", {"blog": "world", "id": 5}, "entries[0].translations"),
                              ("translations", [None], "entries[0].translations[0]")]:
        with pytest.raises(ValidationError) as refused:
            imports.read_export({**record, "entries": [{**record["entries"][0], key: value}]})
        assert refused.value.field == field, (key, value)
