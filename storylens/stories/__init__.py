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
re-clustering history. A run-level stage: the pipeline calls ``update_run`` once
per run, after every round, with all of the run's articles, which it takes in
publication order in chunks of whole moments, so how the input was cut into
rounds (or a resumed run into batches) does not change the stories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from storylens.model import Article
from storylens.store import Store
from storylens.stories.cluster import (
    Assignment,
    Candidate,
    Params,
    StoryClusterer,
    batch_order,
    cluster,
    order_key,
    story_id_for,
)

STATE_KEY = "stories.clusterer"
EXPLAIN_PREFIX = "stories.explain:"

__all__ = [
    "Assignment",
    "Candidate",
    "Params",
    "StoryClusterer",
    "batch_order",
    "cluster",
    "explain",
    "load_clusterer",
    "story_id_for",
    "update",
    "update_run",
]

CHUNK = 2000  # articles loaded and assigned together by update_run (more when one moment holds more)


def load_clusterer(store: Store, embedder: Any = True) -> StoryClusterer:
    return StoryClusterer.from_state(store.get_state(STATE_KEY), embedder=embedder,
                                     story_loader=lambda ids: store.get_stories(ids),
                                     storyline_loader=lambda ids: store.get_storylines(ids))


def update(store: Store, new_articles: Sequence[Article], embedder: Any = True) -> None:
    """Assign new articles (in :func:`batch_order`: publication order, undated ones after) to stories."""
    if not new_articles:
        return
    # An article with an explanation was assigned by an earlier run whose state and stories were stored with
    # it (one transaction): that run was killed before it marked the article processed, and assigning it again would
    # count it twice. A run killed before that transaction left no trace the next run does not redo alike.
    new_articles = [a for a in new_articles if store.get_state(EXPLAIN_PREFIX + a.id) is None]
    if not new_articles:
        return
    # publication order; a moment's articles (a day's, where only the day is known) in an order given by their
    # content and ids (batch_order), never by how they arrived, so a resumed or re-batched run gives the same
    # stories, and one event's reports by several outlets come in a row
    arts = sorted(new_articles, key=lambda a: a.id)
    c = load_clusterer(store, embedder)
    vecs = None
    if embedder is True:
        # the document vectors of the annotation step (title and lead), computed once for every stage
        from storylens.nlp.annotate import document_vectors

        got = document_vectors(store, arts)
        vecs = np.stack([got[a.id] for a in arts]) if arts else None
    order = batch_order(arts, vecs)
    arts = [arts[i] for i in order]
    vecs = None if vecs is None else vecs[order]
    assignments = c.add(arts, vecs)
    lines, lines_deleted = c.take_storyline_changes()
    changed, deleted = c.take_changes()
    explained = [*((EXPLAIN_PREFIX + a.article_id, c.explain(a.article_id)) for a in assignments),
                 (STATE_KEY, c.state())]
    # the stories, the storylines, the explanations and the clusterer's state in one transaction: an article
    # is assigned, or it is not (a run killed between the stories and the state resumed to other stories)
    with store.atomic():
        store.put_stories(changed, delete=deleted)
        store.put_storylines(lines, delete=lines_deleted)
        store.put_states(explained)


def _published(value: str | None) -> dt.date | None:
    """A publication time as the store keeps it (ISO 8601) back as the article's date or datetime."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
    except ValueError:
        return None


def moment_chunks(pending: Sequence[tuple[str, str | None, str | None]], size: int = CHUNK) -> list[list[str]]:
    """Article ids (from ``(id, published, outlet)``) in :func:`batch_order`, cut into chunks of about
    ``size``, never inside a moment: the clusterer decides a moment's articles together (undated ones one
    by one), so these chunks one after another give the stories that one call with every article gives."""
    keyed = sorted(order_key(_published(pub), outlet, aid) for aid, pub, outlet in pending)
    chunks: list[list[str]] = []
    cur: list[str] = []
    last: float | None = None
    for t, _outlet, aid in keyed:
        if len(cur) >= size and (t != last or t == float("inf")):
            chunks.append(cur)
            cur = []
        cur.append(aid)
        last = t
    if cur:
        chunks.append(cur)
    return chunks


def update_run(store: Store, pending: Sequence[tuple[str, str | None, str | None]],
               progress: Callable[[int, int], None] | None = None, size: int | None = None) -> None:
    """Assign a run's articles (``(id, published, outlet)``, :meth:`Store.unprocessed_ids`) to stories, all
    of them in publication order, a chunk of whole moments at a time (:func:`moment_chunks`); memory is
    bounded by the chunk."""
    # an article with an explanation was assigned by an earlier, interrupted run: not loaded again
    todo = [p for p in pending if store.get_state(EXPLAIN_PREFIX + p[0]) is None]
    done = len(pending) - len(todo)
    for ids in moment_chunks(todo, size or CHUNK):
        update(store, store.get_articles(ids))
        done += len(ids)
        if progress:
            progress(done, len(pending))


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
