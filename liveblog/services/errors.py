"""The refusals a use case adds to the model's ``ValidationError`` and the store's ``NotFound``/``Conflict``."""

from __future__ import annotations

from ..model import Refusal, User


class Forbidden(Refusal):
    """The person may not do this (403): ``message`` says what they may do instead."""


def require_editor(user: User, refusal: str) -> None:
    """The one rule for blogs and people's access: only editors make, change or end a blog, or sign a
    person out. ``refusal`` is the whole sentence ("only editors can end a blog"), so each language words it."""
    if not user.is_editor:
        raise Forbidden(refusal)


class TooManyPosts(Exception):
    """Past the per-person posting limit (429): safe to refuse, the phone keeps the post and tries again."""

    message = "too many entries: wait before posting again"

    def __init__(self, wait: float, limit_per_minute: int) -> None:
        super().__init__(self.message)
        self.wait = wait
        self.limit_per_minute = limit_per_minute
