"""The refusals a use case adds to the model's ``ValidationError`` and the store's ``NotFound``/``Conflict``."""

from __future__ import annotations


class Forbidden(Exception):
    """The person may not do this (403): ``message`` says what they may do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooManyPosts(Exception):
    """Past the per-person posting limit (429): safe to refuse, the phone keeps the post and tries again."""

    message = "too many entries: wait before posting again"

    def __init__(self, wait: float, limit_per_minute: int) -> None:
        super().__init__(self.message)
        self.wait = wait
        self.limit_per_minute = limit_per_minute
