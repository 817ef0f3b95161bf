"""Storage behind a small interface; SQLite (embedded, default) and PostgreSQL implement it."""

from __future__ import annotations

import sqlite3
import sys

from storylens.store.base import Store, StoreError
from storylens.store.sqlite import SQLiteStore

POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres_url(location: str | None) -> bool:
    """Whether ``location`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return bool(location) and str(location).lower().startswith(POSTGRES_PREFIXES)


def describe(location: str | None) -> str:
    """How messages name a store: the path, or the URL without its password."""
    location = location or "storylens.db"
    if is_postgres_url(location):
        from storylens.store.urls import redact_url

        return redact_url(location)
    return location


def store_exists(location: str) -> bool:
    """Whether there is something to open: a server URL (the server says), ``:memory:`` or an existing file."""
    from pathlib import Path

    return is_postgres_url(location) or location == ":memory:" or Path(location).exists()


def open_store(location: str | None = None) -> Store:
    """Open a store: a PostgreSQL URL (``postgresql://user:password@host:port/dbname``), a SQLite file path
    (default ``storylens.db``), or ``:memory:``."""
    location = location or "storylens.db"
    if is_postgres_url(location):
        try:
            from storylens.store.postgres import PostgresStore
        except ImportError as exc:
            if (exc.name or "").split(".")[0] != "psycopg":
                raise
            raise StoreError(f"{describe(location)}: the PostgreSQL store needs psycopg; "
                             "install it with: pip install 'storylens[postgres]'") from None
        return PostgresStore(location)
    return SQLiteStore(location)


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception classes a store's database library raises (for the CLI's one-line messages)."""
    errors: list[type[BaseException]] = [sqlite3.Error]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        errors.append(psycopg.Error)
    return tuple(errors)


__all__ = ["SQLiteStore", "Store", "StoreError", "database_errors", "describe", "is_postgres_url", "open_store",
           "store_exists"]
