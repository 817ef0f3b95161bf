"""What the list pages read from the whole store, kept between requests until the store changes.

The stories list, the search page and the article lists need every story (a row each: counts, outlets,
dates, activity), every outlet, and every article's publication order. Read afresh, that is the whole
``stories`` table and the whole ``articles`` table parsed per request: about 0.4 s for the stories list on a
10,000-article store, so under 16 clients a request waited seconds. These are kept here and read again only
when the store has changed since: on SQLite, ``PRAGMA data_version`` of a connection kept for the purpose
changes with every transaction any other connection commits (an upload, an ``analyze`` beside the server, a
cited summary cached by a story page). Where a store gives no such signal (PostgreSQL, ``:memory:``) nothing
is kept and every request reads afresh, as before.
"""

from __future__ import annotations

import collections
import dataclasses
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from storylens.store import Store, is_postgres_url
from storylens.web.queries import ArticleKey, StoryRow, all_outlets, article_index, story_rows

T = TypeVar("T")


class ChangeWatch:
    """A token that changes whenever the store may have changed; None where the store cannot tell."""

    def __init__(self, location: str) -> None:
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if location != ":memory:" and not is_postgres_url(location):
            # opened only to read data_version: it never reads a table or writes
            self._conn = sqlite3.connect(location, timeout=30, check_same_thread=False)

    def token(self) -> int | None:
        if self._conn is None:
            return None
        with self._lock:
            try:
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@dataclasses.dataclass
class _Kept:
    token: int | None = None
    values: dict[str, Any] = dataclasses.field(default_factory=dict)


class Listings:
    """Story rows, outlets and the article order of one store, read once per change of the store."""

    def __init__(self, location: str) -> None:
        self.watch = ChangeWatch(location)
        self._lock = threading.Lock()
        self._kept = _Kept()
        self.reads: collections.Counter[str] = collections.Counter()  # reads from the store, by listing

    def _get(self, name: str, store: Store, read: Callable[[Store], T]) -> T:
        token = self.watch.token()
        if token is None:
            self.reads[name] += 1
            return read(store)
        # one reader at a time: under load, the requests that find the store changed wait for one read
        with self._lock:
            if token != self._kept.token:
                self._kept = _Kept(token)
            if name not in self._kept.values:
                self.reads[name] += 1
                self._kept.values[name] = read(store)
            return self._kept.values[name]  # type: ignore[no-any-return]

    def story_rows(self, store: Store) -> list[StoryRow]:
        return self._get("story_rows", store, story_rows)

    def has_stories(self, store: Store) -> bool:
        return bool(self.story_rows(store))

    def outlets(self, store: Store) -> list[str]:
        return self._get("outlets", store, all_outlets)

    def article_index(self, store: Store) -> list[ArticleKey]:
        return self._get("article_index", store, article_index)

    def close(self) -> None:
        self.watch.close()


__all__ = ["ChangeWatch", "Listings"]
