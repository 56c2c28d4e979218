"""The use cases: each takes the store, the person acting and plain input (never a Request), so the JSON API,
the desk's forms, the command line and the tests share one set of rules.

``entries``: publish, correct, withdraw. ``blogs``: create, change, end. ``people``: add a person with a
one-time sign-in link, a new link, suspend and restore, bylines, the blogs a person may post to, sign out
everywhere. ``imports``: load a JSON export.
A use case refuses with ``ValidationError`` (422), ``Forbidden`` (403), ``TooManyPosts`` (429) or the store's
``NotFound`` (404) and ``Conflict`` (409); the web layer turns each into its answer.
"""

from __future__ import annotations

from .errors import Forbidden, TooManyPosts

__all__ = ["Forbidden", "TooManyPosts"]
