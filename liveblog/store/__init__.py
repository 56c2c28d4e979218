"""Stores, chosen by the database setting: a path or ``sqlite:///`` URL (SQLite), or a ``postgresql://`` URL."""

from __future__ import annotations

from .base import Conflict, Event, Idempotency, Linked, NotFound, SchemaTooNew, Store, StoreError, Subscription, Token

__all__ = ["Conflict", "Event", "Idempotency", "Linked", "NotFound", "SchemaTooNew", "Store", "StoreError",
           "Subscription", "Token", "open_store"]


def open_store(db: str) -> Store:
    """A store for ``db``; backends are imported lazily so SQLite needs nothing extra."""
    if db.startswith(("postgres://", "postgresql://")):
        from .postgres import PostgresStore

        return PostgresStore(db)
    if db.startswith("sqlite:///"):
        db = db[len("sqlite:///"):]
    from .sqlite import SQLiteStore

    return SQLiteStore(db)
