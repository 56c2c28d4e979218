"""People, managed by editors from the desk or the API: adding a person with a one-time sign-in link, a new
link for one who lost theirs, suspension and restore, the blogs a person is limited to, signing out everywhere
(a phone lost or taken at a checkpoint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import auth, i18n, model, names
from ..model import Person, User, ValidationError
from ..store import Conflict, NotFound, Store
from ..text import problem
from .errors import require_editor

NEW_PERSON_FIELDS = {"name", "role", "display_name"}
CHANGE_FIELDS = {"display_name"}
ASSIGNMENT_FIELDS = {"blogs"}
MAX_ASSIGNED = 100


@dataclass(frozen=True)
class NewPerson:
    name: str
    role: str
    display_name: str


def person_input(data: dict[str, Any]) -> NewPerson:
    """A new person's fields, shared by the API and the desk's form; a blank display name is the desk's."""
    raw = data.get("name")
    try:
        name = names.check_new_name(raw if isinstance(raw, str) else "")
    except model.ValidationError as exc:
        raise exc.at("name") from None
    return NewPerson(name, model.check_role(data.get("role")), model.check_display_name(data.get("display_name")))


def blogs_input(data: dict[str, Any]) -> list[str]:
    """The slugs a person is limited to; an empty list lifts the limit."""
    value = data.get("blogs")
    if not isinstance(value, list) or len(value) > MAX_ASSIGNED:
        raise model.ValidationError("blogs", "must be a list of at most %(limit)s blog addresses",
                                    limit=MAX_ASSIGNED)
    try:
        return [model.check_slug(slug) for slug in value]
    except model.ValidationError as exc:
        raise exc.at("blogs") from None


async def taken_names(store: Store) -> set[str]:
    """What every account's name reads as, imported authors' too (``names.taken_forms``, built once): a new
    name must not read like any of them (``names.reads_like``)."""
    return names.taken_forms(user.name for user, _ in await store.list_users())


async def find(store: Store, name: str) -> Person:
    """The person called ``name`` (an imported author is a name on entries, not a person): else ``NotFound``."""
    found = await store.list_people(name) if not problem(name) else []  # PostgreSQL refuses NUL in text
    if not found or found[0].user.role == model.IMPORTED:
        raise NotFound("person")
    return found[0]


def require_manager(user: User) -> None:
    """Only editors see and manage people: every route of the People page and API asks this first."""
    require_editor(user, "only editors can manage people")


async def everyone(store: Store, user: User) -> list[Person]:
    require_manager(user)
    return await store.list_people()


async def add(store: Store, user: User, new: NewPerson) -> tuple[User, str]:
    """The new person and their one-time sign-in token. A byline that reads like a login name would tell
    readers which accounts exist: refused like a name that reads like another's."""
    require_editor(user, "only editors can add people")
    taken = await taken_names(store)
    if names.reads_like(new.name, taken):
        raise model.ValidationError("name", "reads like the name of an existing account: choose another")
    check_byline(new.display_name, taken | names.taken_forms([new.name]))
    now = model.utc_now()
    person = await store.create_user(new.name, new.role, "!", now, new.display_name)  # "!": no password fits
    return person, await auth.issue_signin_link(store, person, now)


def check_byline(display_name: str, taken: set[str]) -> None:
    if display_name != model.DESK_BYLINE and names.reads_like(display_name, taken):
        raise model.ValidationError("display_name", "reads like a login name: readers must never see one")


async def rename(store: Store, user: User, name: str, display_name: str) -> Person:
    """A new byline for the person's next entries; what they already published keeps the one it had."""
    require_editor(user, "only editors can change bylines")
    person = await find(store, name)
    check_byline(display_name, await taken_names(store))
    await store.set_display_name(person.user.id, display_name)
    return await find(store, name)


async def new_link(store: Store, user: User, name: str) -> str:
    """A fresh one-time sign-in token for someone who lost theirs (their earlier links stop working)."""
    require_editor(user, "only editors can issue sign-in links")
    person = await find(store, name)
    if person.suspended_at is not None:
        raise Conflict("this person is suspended: restore them first")
    return await auth.issue_signin_link(store, person.user, model.utc_now())


async def suspend(store: Store, user: User, name: str) -> Person:
    """Their sessions, links and API tokens stop working at once; entries stay as published."""
    require_editor(user, "only editors can suspend people")
    person = await find(store, name)
    if person.user.id == user.id:
        raise Conflict("you cannot suspend yourself: ask another editor")
    if person.suspended_at is None:
        await store.set_suspended(person.user.id, model.utc_now())
    return await find(store, name)


async def restore(store: Store, user: User, name: str) -> Person:
    """They may sign in again, with a new link: suspension revoked every token they had."""
    require_editor(user, "only editors can restore people")
    person = await find(store, name)
    await store.set_suspended(person.user.id, None)
    return await find(store, name)


async def assign(store: Store, user: User, name: str, slugs: list[str]) -> Person:
    require_editor(user, "only editors can assign people to blogs")
    person = await find(store, name)
    await store.assign_blogs(person.user.id, slugs)
    return await find(store, name)


async def sign_out_everywhere(store: Store, user: User, name: str) -> User:
    """Ends every desk session of the person called ``name``: whoever holds their phone is signed out."""
    require_editor(user, "only editors can sign people out")
    person = await find(store, name)
    await store.revoke_tokens(person.user.id, auth.SESSION, model.utc_now())
    return person.user


async def choose_language(store: Store, user: User, language: str) -> str:
    """The desk's language for this person, whatever their blogs' are; "" goes back to the browser's choice."""
    if language and language not in i18n.languages():
        raise ValidationError("language", "must be one of %(choices)s", choices=", ".join(i18n.languages()))
    await store.set_user_language(user.id, language)
    return language
