"""Stories: group articles into stories as they arrive and follow each story over days.

Python API::

    from storylens.stories import StoryClusterer, cluster
    c = StoryClusterer()
    assignments = c.add(articles)      # one Assignment per article
    c.explain(article_id)              # nearest stories and scores when it was assigned
    c.stories(), c.storylines()        # events, and the long-running coverage above them
    stories = cluster(articles)        # one shot

Pipeline stage: ``update(store, new_articles)`` continues from the clusterer
state kept in the store (``store.get_state("stories.clusterer")``), so a later
``storylens analyze`` run assigns new articles to existing stories without
re-clustering history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from storylens.model import Article
from storylens.store import Store
from storylens.stories.cluster import (
    Assignment,
    Candidate,
    Params,
    StoryClusterer,
    cluster,
    story_id_for,
)

STATE_KEY = "stories.clusterer"
EXPLAIN_PREFIX = "stories.explain:"

__all__ = [
    "Assignment",
    "Candidate",
    "Params",
    "StoryClusterer",
    "cluster",
    "explain",
    "load_clusterer",
    "story_id_for",
    "update",
]


def _sort_key(a: Article) -> tuple[int, float, int]:
    from storylens.stories.features import to_days

    t = to_days(a.published)
    return (0, t, 0) if t is not None else (1, 0.0, 0)


def load_clusterer(store: Store, embedder: Any = True) -> StoryClusterer:
    return StoryClusterer.from_state(store.get_state(STATE_KEY), embedder=embedder,
                                     story_loader=lambda ids: store.get_stories(ids),
                                     storyline_loader=lambda ids: store.get_storylines(ids))


def update(store: Store, new_articles: Sequence[Article], embedder: Any = True) -> None:
    """Assign new articles (in publication order; undated ones after, in arrival order) to stories."""
    if not new_articles:
        return
    arts = [a for _, a in sorted(enumerate(new_articles), key=lambda ia: (_sort_key(ia[1]), ia[0]))]
    c = load_clusterer(store, embedder)
    vecs = None
    if embedder is True:
        # the document vectors of the annotation step (title and lead), computed once for every stage
        from storylens.nlp.annotate import document_vectors

        got = document_vectors(store, arts)
        vecs = np.stack([got[a.id] for a in arts]) if arts else None
    assignments = c.add(arts, vecs)
    lines, lines_deleted = c.take_storyline_changes()
    changed, deleted = c.take_changes()
    store.put_stories(changed, delete=deleted)
    store.put_storylines(lines, delete=lines_deleted)
    for a in assignments:
        d = c.explain(a.article_id)
        store.put_state(EXPLAIN_PREFIX + a.article_id, d)
    store.put_state(STATE_KEY, c.state())


def explain(store: Store, article_id: str) -> dict[str, Any] | None:
    """Why an article is in its story: the candidates it was compared with and their scores."""
    d = store.get_state(EXPLAIN_PREFIX + article_id)
    if d is None:
        return None
    current = store.story_of(article_id)
    if current is not None:
        d["story_id"] = current
        found = store.get_stories([current])
        if found:
            d["storyline_id"] = found[0].storyline_id
    return d
