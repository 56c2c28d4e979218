"""People through the services, on a real store and no server: an editor adds a person with a one-time link,
suspends and restores them, limits them to some blogs, and signs them out everywhere (a phone lost or taken);
nobody else can."""

from __future__ import annotations

from pathlib import Path

import pytest

from liveblog import auth, model
from liveblog.model import ValidationError
from liveblog.services import Forbidden, blogs, entries, people
from liveblog.store import Conflict, NotFound
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


async def test_an_editor_adds_a_person_with_a_one_time_link(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        new = people.person_input({"name": "nour", "role": "contributor", "display_name": "  Nour   H. "})
        added, token = await people.add(w.store, w.editor, new)
        assert (added.role, added.display_name, added.byline) == ("contributor", "Nour H.", "Nour H.")
        now = model.utc_now()
        taken = await w.store.take_token(auth.token_hash(token), auth.LOGIN, now)
        assert taken is not None and taken.user.name == "nour"
        assert await w.store.take_token(auth.token_hash(token), auth.LOGIN, now) is None, "one time only"
        assert await auth.verify_login(w.store, "nour", "") is None, "no password fits a new person"
        unnamed, _ = await people.add(w.store, w.editor, people.person_input({"name": "sami", "role": "editor"}))
        assert unnamed.byline == model.DESK_BYLINE
        with pytest.raises(Forbidden):
            await people.add(w.store, w.amal, people.person_input({"name": "x", "role": "editor"}))
        with pytest.raises(ValidationError) as refused:  # a byline must not give a login name away
            await people.add(w.store, w.editor, people.person_input({"name": "rami", "role": "editor",
                                                                     "display_name": "Badr"}))
        assert refused.value.field == "display_name"


async def test_suspension_revokes_everything_and_restore_needs_a_new_link(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        now = model.utc_now()
        session = await auth.start_session(w.store, w.amal, now)
        api = await auth.issue_token(w.store, w.amal, auth.API, now)
        link = await people.new_link(w.store, w.editor, "amal")
        person = await people.suspend(w.store, w.editor, "amal")
        assert person.suspended_at is not None and person.last_signin_at is not None
        for token, kind in ((session, auth.SESSION), (api, auth.API), (link, auth.LOGIN)):
            assert await auth.user_for_token(w.store, token, kind, now) is None, kind
        with pytest.raises(Conflict):
            await people.new_link(w.store, w.editor, "amal")
        with pytest.raises(Conflict):
            await people.suspend(w.store, w.editor, "eda")
        assert (await people.restore(w.store, w.editor, "amal")).suspended_at is None
        assert await auth.user_for_token(w.store, session, auth.SESSION, now) is None, "revoked, not paused"
        fresh = await people.new_link(w.store, w.editor, "amal")
        assert await auth.user_for_token(w.store, fresh, auth.LOGIN, now) is not None


async def test_assignments_limit_posting_but_not_editors(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        await blogs.create(w.store, w.editor, blogs.new_blog_input({"slug": "floods", "title": "Floods"}))
        assert (await people.assign(w.store, w.editor, "amal", ["floods"])).blogs == ("floods",)
        with pytest.raises(Forbidden):
            await entries.blog_to_post(w.store, w.amal, "strike")
        assert (await entries.blog_to_post(w.store, w.amal, "floods")).slug == "floods"
        assert (await entries.blog_to_post(w.store, w.badr, "strike")).slug == "strike", "badr has no limit"
        with pytest.raises(NotFound):
            await people.assign(w.store, w.editor, "amal", ["nowhere"])
        assert (await people.find(w.store, "amal")).blogs == ("floods",), "a refused change leaves it as it was"
        assert model.may_post(w.editor, w.blog, ["floods"]), "editors post anywhere"
