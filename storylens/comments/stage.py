"""The comments stage: each new article's comment section analysed, stored per article.

Incremental and bounded: an article without comments costs a look at its ``comments`` list. Comments of at
least six words enter a cross-article index in the stage state (``comments:mh:<key>``: MinHash keys of their
word pairs, buckets capped at :data:`BUCKET_CAP`), so a templated comment is found under earlier articles by
looking up eight keys, never by scanning the store; an earlier article that gains a match is analysed again.
The analysis is stored under ``comments:article:<id>`` with the stage version and a hash of the comments it was
made from. A store from an older version of the stage is analysed again once, on the next run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from storylens.comments import analysis
from storylens.comments import stance as stance_mod
from storylens.model import Article
from storylens.store.base import Store

VERSION = f"{analysis.VERSION}.{stance_mod.model_info().get('version', '0')}"
INDEX_KEY = "comments:mh:"
VERSION_KEY = "comments:version"
BUCKET_CAP = 50
PROVIDES = ("comments",)


def comments_hash(a: Article) -> str:
    h = hashlib.blake2b(digest_size=8)
    h.update((a.title or "").encode())
    for c in a.comments:
        h.update(f"\x00{c.position}\x01{c.author or ''}\x01{c.published}\x01{c.text}".encode())
    return h.hexdigest()


def _index(store: Store, articles: Sequence[Article]) -> dict[str, dict[int, list[analysis.Match]]]:
    """Add the articles' comments to the cross-article index; return the matches each article has elsewhere,
    in both directions (the earlier article's entry is filled too)."""
    keys_of: dict[tuple[str, int], list[str]] = {}
    for a in articles:
        for c in a.comments:
            ks = analysis.minhash_keys(c.text)
            if ks:
                keys_of[(a.id, c.position)] = ks
    if not keys_of:
        return {}
    buckets: dict[str, list] = {}
    for ks in keys_of.values():
        for k in ks:
            if k not in buckets:
                buckets[k] = store.get_state(INDEX_KEY + k) or []
    candidates: dict[str, set[str]] = {}  # article -> other articles sharing a key with one of its comments
    new_ids = {a.id for a in articles}
    for (aid, pos), ks in sorted(keys_of.items()):
        for k in ks:
            for other, _opos in buckets[k]:
                if other != aid:
                    candidates.setdefault(aid, set()).add(other)
                    candidates.setdefault(other, set()).add(aid)
            if [aid, pos] not in buckets[k] and len(buckets[k]) < BUCKET_CAP:
                buckets[k].append([aid, pos])
    store.put_states((INDEX_KEY + k, v) for k, v in sorted(buckets.items()))
    if not candidates:
        return {}
    want = sorted(set(candidates) | {o for v in candidates.values() for o in v})
    by_id = {a.id: a for a in articles}
    missing = [i for i in want if i not in by_id]
    by_id.update({a.id: a for a in store.get_articles(missing)})
    out: dict[str, dict[int, list[analysis.Match]]] = {}
    for aid in sorted(candidates):
        if aid not in by_id or not (aid in new_ids or candidates[aid] & new_ids):
            continue
        m = analysis.cross_matches(by_id[aid], [by_id[o] for o in sorted(candidates[aid]) if o in by_id])
        if m:
            out[aid] = m
    return out


def _all_matches(store: Store, article: Article) -> dict[int, list[analysis.Match]]:
    """Matches of an already indexed article, from the index (for re-analysing it)."""
    others: set[str] = set()
    for c in article.comments:
        for k in analysis.minhash_keys(c.text):
            for other, _p in store.get_state(INDEX_KEY + k) or []:
                if other != article.id:
                    others.add(other)
    if not others:
        return {}
    return analysis.cross_matches(article, store.get_articles(sorted(others)))


def update(store: Store, new_articles: Sequence[Article]) -> None:
    """Analyse the comment sections of the new articles (and of every stored article with comments, once,
    after an upgrade of the stage), and of earlier articles whose comments the new ones repeat."""
    upgrade = store.get_state(VERSION_KEY) != VERSION
    arts = [a for a in new_articles if a.comments]
    if upgrade:
        seen = {a.id for a in arts}
        arts += [a for a in store.iter_articles() if a.comments and a.id not in seen]
    if arts:
        cross = _index(store, arts)
        todo = {a.id: a for a in arts}
        extra = sorted(set(cross) - set(todo))
        for a in store.get_articles(extra):
            todo[a.id] = a
            cross[a.id] = _all_matches(store, a)
        results = analysis.analyze_articles([todo[i] for i in sorted(todo)], cross)
        store.put_comment_analysis(results, {i: comments_hash(todo[i]) for i in todo}, VERSION)
    if upgrade:
        store.put_state(VERSION_KEY, VERSION)
