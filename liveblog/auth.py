"""People, passwords and tokens.

Passwords are hashed with argon2. Tokens (API, one-time login, sessions) are
random and high-entropy, so the database keeps only their SHA-256: a stolen
database copy gives nobody a way in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .model import User
from .store import Store
from .text import problem

API = "api"
LOGIN = "login"
SESSION = "session"
LOGIN_LINK_LIFETIME = timedelta(hours=24)
SESSION_LIFETIME = timedelta(days=30)

_hasher = PasswordHasher()
# Verifying against this when the account does not exist takes as long as a real check,
# so timing does not tell whether a name is registered.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_password() -> str:
    return secrets.token_urlsafe(15)


def new_token() -> str:
    return "lb_" + secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def issue_token(store: Store, user: User, kind: str, now: datetime, lifetime: timedelta | None = None) -> str:
    """A new token, shown once to its owner; only its hash is kept."""
    token = new_token()
    await store.add_token(user.id, kind, token_hash(token), now, now + lifetime if lifetime else None)
    return token


async def user_for_token(store: Store, token: str, kind: str, now: datetime) -> User | None:
    if not token or len(token) > 200:
        return None
    found = await store.find_token(token_hash(token), kind, now)
    return found.user if found else None


async def verify_login(store: Store, name: str, password: str) -> User | None:
    """The person, if the name and password fit and they are not suspended. A name no account can have (a NUL,
    a control character) is not looked up: PostgreSQL refuses NUL in text."""
    found = await store.get_user(name) if name and not problem(name) else None
    if not check_password(found[1] if found else None, password):
        return None
    return found[0] if found and not found[0].suspended else None


async def issue_signin_link(store: Store, user: User, now: datetime) -> str:
    """A new one-time sign-in token; the person's earlier unused ones stop working (a lost link is dead)."""
    await store.revoke_tokens(user.id, LOGIN, now)
    return await issue_token(store, user, LOGIN, now, LOGIN_LINK_LIFETIME)


def signin_url(base_url: str, token: str) -> str:
    """The link handed over: the token after ``#``, so no server, proxy or log ever sees it in a URL."""
    return f"{base_url.rstrip('/')}/login#token={token}"


# Sessions and CSRF. The CSRF token is an HMAC of the session token: a page can carry it
# in forms and headers, it proves the request came from a page that knew the session, and
# nothing needs storing. A cross-site page cannot read it (the cookie is HttpOnly and the
# pages are same-origin only).
SESSION_COOKIE = "lb_session"
LOGIN_CSRF_COOKIE = "lb_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def csrf_token(secret: str) -> str:
    """The CSRF token that goes with a session token (or with the pre-login cookie)."""
    return hmac.new(secret.encode("utf-8", "surrogatepass"), b"liveblog-csrf", hashlib.sha256).hexdigest()


def csrf_ok(secret: str | None, sent: str | None) -> bool:
    if not secret or not sent:
        return False
    # as bytes: compare_digest refuses non-ASCII strings, and a form may send anything
    return hmac.compare_digest(csrf_token(secret).encode(), sent.encode("utf-8", "surrogatepass"))


async def start_session(store: Store, user: User, now: datetime, replacing: str | None = None) -> str:
    """A fresh session token (rotated on every sign-in); the one it replaces is revoked."""
    if replacing:
        await store.revoke_tokens(user.id, SESSION, now, token_hash(replacing))
    await store.record_signin(user.id, now)
    return await issue_token(store, user, SESSION, now, SESSION_LIFETIME)


async def end_session(store: Store, token: str, now: datetime) -> None:
    found = await store.find_token(token_hash(token), SESSION, now) if token and len(token) <= 200 else None
    if found:
        await store.revoke_tokens(found.user.id, SESSION, now, token_hash(token))
