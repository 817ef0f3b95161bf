"""Assemble a Report from what the stages stored."""

from __future__ import annotations

from storylens.model import Report
from storylens.store import Store


def build_report(store: Store, story_ids: list[str] | None = None) -> Report:
    stories = store.get_stories(story_ids)
    if story_ids is None:
        articles = list(store.iter_articles())
    else:
        ids = [a for s in stories for a in s.article_ids]
        articles = store.get_articles(ids)
    ids = {a.id for a in articles}
    derivations = [d for d in store.get_derivations(ids) if d.source_id in ids and d.derived_id in ids]
    return Report(articles=articles, stories=stories, derivations=derivations)
