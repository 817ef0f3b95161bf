"""The Store interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any

from storylens.model import Article, CommentAnalysis, Derivation, Story, StoryFacts, Storyline


class StoreError(Exception):
    """The store cannot be opened or used; the message is one line for the user."""


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

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
