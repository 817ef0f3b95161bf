"""Copies, near-copies and rewrites between articles: who derived from whom, how much, what changed.

``find_derivations(articles)`` for a batch, ``explain_pair(a, b)`` for two
articles, and ``update(store, new_articles)`` for the incremental pipeline.
"""

from storylens.reuse.core import explain_pair, find_derivations
from storylens.reuse.incremental import update

__all__ = ["explain_pair", "find_derivations", "update"]
