"""People's access: an editor signs a person out everywhere (a phone lost or taken at a checkpoint)."""

from __future__ import annotations

from .. import auth, model
from ..model import User
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
