"""The Store interface every backend implements."""

from __future__ import annotations

import contextlib
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from storylens.model import Article, CommentAnalysis, Derivation, Story, StoryFacts, Storyline


class StoreError(Exception):
    """The store cannot be opened or used; the message is one line for the user."""


OnWait = Callable[[str], None]
"""Told, in one line, that the store is busy and this process waits (and then that it goes on)."""


def lock_wait_limit() -> float | None:
    """Seconds to wait for another writer: ``STORYLENS_LOCK_WAIT`` (0: give up at once), else no limit."""
    value = os.environ.get("STORYLENS_LOCK_WAIT", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def wait_for_writer_lock(try_lock: Callable[[], bool], name: str, holder: Callable[[], str],
                         on_wait: OnWait | None, timeout: float | None) -> None:
    """Take a writer lock through ``try_lock`` (non-blocking), waiting while another process holds it.

    ``on_wait`` hears one line when the wait starts and one when it ends. After ``timeout`` seconds (None: no
    limit) a :class:`StoreError` says who holds the store."""
    if try_lock():
        return
    who = holder()
    limit = "" if timeout is None else f" (at most {timeout:.0f} s, STORYLENS_LOCK_WAIT)"
    if timeout is not None and timeout <= 0:
        raise StoreError(f"{name}: another storylens process{who} is writing to it; try again when it has "
                         "finished (STORYLENS_LOCK_WAIT=SECONDS to wait for it)")
    if on_wait is not None:
        on_wait(f"another storylens process{who} is writing to {name}; waiting for it to finish{limit}")
    t0 = time.monotonic()
    pause = 0.05
    while True:
        time.sleep(pause)
        pause = min(1.0, pause * 1.5)
        if try_lock():
            if on_wait is not None:
                on_wait(f"{name} is free after {time.monotonic() - t0:.0f} s of waiting; going on")
            return
        if timeout is not None and time.monotonic() - t0 > timeout:
            raise StoreError(f"{name}: another storylens process{holder()} is still writing to it after "
                             f"{timeout:.0f} s of waiting; try again when it has finished")


class Store(ABC):
    """Articles and what the stages found about them.

    Writes are batched: one transaction per call. Adding an article whose
    ``content_hash`` or ``id`` is already stored is a no-op, so re-running an
    ingest never duplicates anything.
    """

    # articles
    @abstractmethod
    def add_articles(self, articles: Iterable[Article]) -> list[Article]:
        """Store new articles in one transaction; return the ones that were new."""

    @abstractmethod
    def update_articles(self, articles: Iterable[Article]) -> None:
        """Replace stored articles (same id) in one transaction."""

    @abstractmethod
    def has_hash(self, content_hash: str) -> bool: ...

    @abstractmethod
    def get_article(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def get_articles(self, ids: Iterable[str]) -> list[Article]: ...

    @abstractmethod
    def iter_articles(self, outlet: str | None = None) -> Iterator[Article]:
        """All articles (or one outlet's), in ingest order."""

    @abstractmethod
    def count_articles(self) -> int: ...

    def unprocessed_articles(self) -> list[Article]:
        """Stored articles the analysis stages have not seen yet (an earlier run was interrupted)."""
        return []

    def unprocessed_ids(self) -> list[tuple[str, str | None, str | None]]:
        """``(id, publication time as stored (ISO 8601) or None, outlet)`` of :meth:`unprocessed_articles`, in
        ingest order, without loading the articles (the run-level stages order them by publication)."""
        return [(a.id, a.published.isoformat() if a.published else None, a.outlet)
                for a in self.unprocessed_articles()]

    def mark_processed(self, article_ids: Iterable[str]) -> None:  # noqa: B027 - optional for backends
        """Record that the analysis stages have seen these articles."""

    @abstractmethod
    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[str]:
        """Article ids whose title or body match a full-text query, best first."""

    # raw pages (fetch)
    @abstractmethod
    def put_raw(self, url: str, content: bytes, content_type: str | None) -> str: ...

    # derivations
    @abstractmethod
    def put_derivations(self, derivations: Iterable[Derivation], replace_for: Iterable[str] = ()) -> None:
        """Store derivations; first drop those whose derived_id is in ``replace_for``."""

    @abstractmethod
    def get_derivations(self, article_ids: Iterable[str] | None = None) -> list[Derivation]: ...

    # stories
    @abstractmethod
    def put_stories(self, stories: Iterable[Story], delete: Iterable[str] = ()) -> None: ...

    @abstractmethod
    def get_stories(self, ids: Iterable[str] | None = None) -> list[Story]: ...

    @abstractmethod
    def put_storylines(self, storylines: Iterable[Storyline], delete: Iterable[str] = ()) -> None: ...

    @abstractmethod
    def get_storylines(self, ids: Iterable[str] | None = None) -> list[Storyline]: ...

    @abstractmethod
    def story_of(self, article_id: str) -> str | None: ...

    # stage state (indexes, clusterer state): small documents by key
    @abstractmethod
    def get_state(self, key: str) -> Any | None: ...

    @abstractmethod
    def put_state(self, key: str, value: Any) -> None: ...

    def get_states(self, keys: Iterable[str]) -> dict[str, Any]:
        """The stored values of these keys (keys not stored are left out): what :meth:`get_state` gives for
        each, read in as few round trips as the store allows."""
        out: dict[str, Any] = {}
        for k in keys:
            v = self.get_state(k)
            if v is not None:
                out[k] = v
        return out

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """The writes made inside, from any of the store's methods, in one transaction where the backend has
        them (SQLite, PostgreSQL): all of them are stored, or, if the process dies or an exception leaves the
        block, none. For a stage whose writes must not be seen one without the other (the stories and the
        clusterer's state that holds them). The in-memory store has nothing to lose."""
        yield

    def put_states(self, items: Iterable[tuple[str, Any]]) -> None:
        """Several ``put_state`` calls in one transaction where the backend can."""
        for k, v in items:
            self.put_state(k, v)

    # the facts stage's output, one document per story (kept in the stage state, so every backend has it)
    FACTS_KEY = "facts:story:"

    def put_story_facts(self, items: Iterable[StoryFacts]) -> None:
        self.put_states((self.FACTS_KEY + f.story_id, f.model_dump(mode="json")) for f in items)

    def get_story_facts(self, story_ids: Iterable[str]) -> list[StoryFacts]:
        out = []
        for sid in story_ids:
            got = self.get_state(self.FACTS_KEY + sid)
            if got:
                out.append(StoryFacts.model_validate(got))
        return out

    # the comments stage's output, one document per article with comments (stage state, every backend has it)
    COMMENTS_KEY = "comments:article:"

    def put_comment_analysis(self, items: Iterable[CommentAnalysis], hashes: dict[str, str] | None = None,
                             version: str = "") -> None:
        """Store each article's comment analysis, with the hash of the comments it was made from."""
        hashes = hashes or {}
        self.put_states((self.COMMENTS_KEY + ca.article_id,
                         {"v": version, "h": hashes.get(ca.article_id, ""), "analysis": ca.model_dump(mode="json")})
                        for ca in items)

    def get_comment_analysis(self, article_ids: Iterable[str] | None = None) -> list[CommentAnalysis]:
        """The comment analyses of the given articles (of every stored article without ids), by article id."""
        ids = sorted(set(article_ids)) if article_ids is not None else sorted(a.id for a in self.iter_articles())
        out = []
        for aid in ids:
            got = self.get_state(self.COMMENTS_KEY + aid)
            if isinstance(got, dict) and "analysis" in got:
                try:
                    out.append(CommentAnalysis.model_validate(got["analysis"]))
                except ValueError:  # written by an older model: the next run of the stage rewrites it
                    continue
        return out

    # one writer at a time
    @contextlib.contextmanager
    def writer_lock(self, on_wait: OnWait | None = None, timeout: float | None = None) -> Iterator[None]:
        """Held while a process adds articles and runs the stages on them: a second writer (another ``analyze``,
        ``fetch`` or upload) waits here, saying so through ``on_wait``, rather than analyse the first one's
        articles alongside it. Re-entrant within one store object. ``timeout``: seconds to wait (None: the
        ``STORYLENS_LOCK_WAIT`` setting, else no limit). The base store (in memory) has no other writer."""
        yield

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
