"""People's access: an editor signs a person out everywhere (a phone lost or taken at a checkpoint)."""

from __future__ import annotations

from .. import auth, i18n, model
from ..model import User, ValidationError
from ..store import NotFound, Store
from .errors import require_editor


async def sign_out_everywhere(store: Store, user: User, name: str) -> User:
    """Ends every desk session of the person called ``name``: whoever holds their phone is signed out."""
    require_editor(user, "sign people out")
    found = await store.get_user(name)
    if found is None:
        raise NotFound("person")
    await store.revoke_tokens(found[0].id, auth.SESSION, model.utc_now())
    return found[0]


async def choose_language(store: Store, user: User, language: str) -> str:
    """The desk's language for this person, whatever their blogs' are; "" goes back to the browser's choice."""
    if language and language not in i18n.languages():
        raise ValidationError("language", f"must be one of {', '.join(i18n.languages())}")
    await store.set_user_language(user.id, language)
    return language
