"""Storage behind a small interface; SQLite (embedded, default) implements it."""

from storylens.store.base import Store, StoreError
from storylens.store.sqlite import SQLiteStore


def open_store(location: str | None = None) -> Store:
    """Open a store: a SQLite file path (default ``storylens.db``), or ``:memory:``."""
    return SQLiteStore(location or "storylens.db")


__all__ = ["SQLiteStore", "Store", "StoreError", "open_store"]
