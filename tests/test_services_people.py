"""Signing a person out everywhere through the service, on a real store and no server: an editor ends every
desk session of a correspondent whose phone was lost or taken; nobody else can."""

from __future__ import annotations

from pathlib import Path

import pytest

from liveblog import auth, model
from liveblog.services import Forbidden, people
from liveblog.store import NotFound
from unit_store import world

pytestmark = pytest.mark.unit


async def test_an_editor_signs_a_person_out_of_every_session(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        now = model.utc_now()
        phone = await auth.start_session(w.store, w.amal, now)
        laptop = await auth.start_session(w.store, w.amal, now)
        others = await auth.start_session(w.store, w.badr, now)
        api = await auth.issue_token(w.store, w.amal, auth.API, now)
        assert await people.sign_out_everywhere(w.store, w.editor, "amal") == w.amal
        for session in (phone, laptop):
            assert await auth.user_for_token(w.store, session, auth.SESSION, now) is None
        assert await auth.user_for_token(w.store, others, auth.SESSION, now) == w.badr, "only that person's"
        assert await auth.user_for_token(w.store, api, auth.API, now) == w.amal, "scripts' tokens are apart"


async def test_only_editors_sign_people_out(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        now = model.utc_now()
        phone = await auth.start_session(w.store, w.amal, now)
        with pytest.raises(Forbidden, match="only editors can sign people out"):
            await people.sign_out_everywhere(w.store, w.badr, "amal")
        with pytest.raises(Forbidden):  # refused before it is looked up: no way to learn who has an account
            await people.sign_out_everywhere(w.store, w.badr, "nobody")
        assert await auth.user_for_token(w.store, phone, auth.SESSION, now) == w.amal
        with pytest.raises(NotFound):
            await people.sign_out_everywhere(w.store, w.editor, "nobody")
