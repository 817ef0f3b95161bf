"""The pipeline stage: derivations between new articles and stored ones, with a persisted index.

State kept in the store (``get_state``/``put_state``):
* ``reuse:b:<key>``: ids of the articles in one LSH bucket (capped).
Document and sentence vectors are the annotation step's (``storylens.nlp.annotate``): read, never recomputed;
sentence vectors are computed only for articles in a pair that passed the document-level tests.
Adding an article reads and writes a fixed number of buckets, whatever the store's size.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from storylens.model import Article, Derivation
from storylens.nlp import annotate
from storylens.reuse import direction as dirmod
from storylens.reuse.core import (
    Edge,
    _prune,
    _recover_siblings,
    build_derivation,
    evaluate,
    evaluate_gate,
    holds,
    is_derivation,
)
from storylens.reuse.features import Feat, build_features, ensure_embeddings
from storylens.reuse.index import Index
from storylens.store.base import Store

PREFIX = "reuse:"


def _edge_from_derivation(dv: Derivation) -> tuple[frozenset[str], float, Derivation]:
    return frozenset((dv.source_id, dv.derived_id)), dv.score, dv


def update(store: Store, new_articles: list[Article], progress: Callable[[int, int], None] | None = None) -> None:
    """Find derivations between ``new_articles`` and everything stored (and among themselves).

    ``progress(done, total)`` is called as candidate pairs are compared (the costly part of the stage).
    """
    new = [a for a in new_articles if a.body]
    if not new:
        return
    bucket = PREFIX + "b:"
    index = Index(get=lambda k: store.get_state(bucket + k),
                  put=lambda items: store.put_states((bucket + k, v) for k, v in items),
                  get_many=lambda ks: {k[len(bucket):]: v for k, v in store.get_states(bucket + k for k in ks).items()})

    def doc_lookup(ids: list[str]) -> dict[str, np.ndarray]:
        return annotate.stored_document_vectors(store, ids)

    new_feats = build_features(new, annotate.document_vectors(store, new))
    feats: dict[str, Feat] = {f.id: f for f in new_feats}
    pairs: set[tuple[str, str]] = set()
    # each article meets what was indexed before it: the stored articles and the batch's earlier ones. A run
    # killed after it indexed this batch left the later ones there too; they are skipped, so the resumed
    # run finds the pairs the first would have
    later = {f.id for f in new_feats}
    for f in new_feats:
        later.discard(f.id)
        for c in index.query(f, doc_lookup, skip=later):
            pairs.add((c, f.id))
        index.add(f)
    index.flush()
    old_ids = sorted({c for c, _ in pairs} - set(feats))
    if old_ids:
        olds = store.get_articles(old_ids)
        for f in build_features(olds, annotate.document_vectors(store, olds)):
            feats[f.id] = f
    todo = [(a, b) for a, b in sorted(pairs) if a in feats and b in feats]
    # document-level refusals first; sentence vectors only for the articles of the pairs left (one batch)
    weigh = [(a, b) for a, b in todo if not evaluate_gate(feats[a], feats[b])]
    ensure_embeddings([feats[x] for x in sorted({x for p in weigh for x in p})],
                      loader=annotate.sentence_vector_loader(store), saver=annotate.sentence_vector_saver(store))
    new_edges: dict[frozenset[str], Edge] = {}
    step = max(1, len(weigh) // 100)
    for n, (a_id, b_id) in enumerate(weigh):
        if progress and n % step == 0:
            progress(n, len(weigh))
        a, b = feats[a_id], feats[b_id]
        pe = evaluate(a, b)
        if is_derivation(pe):
            d = dirmod.decide(a, b, pe.b_in_a.coverage, pe.a_in_b.coverage)
            if holds(pe, d):
                new_edges[frozenset((a_id, b_id))] = Edge(pe, d, pe.strength())
    if progress:
        progress(len(weigh), len(weigh))
    if not new_edges:
        return
    # bring in what is already known around these articles, so chains and siblings are explained away
    touched = sorted({n for k in new_edges for n in k})
    old = store.get_derivations(touched)
    more = sorted({n for dv in old for n in (dv.source_id, dv.derived_id)} - set(touched))
    if more:
        old = store.get_derivations(touched + more)
    old_by_key = {frozenset((dv.source_id, dv.derived_id)): dv for dv in old}
    # old edges take part in pruning with a lightweight stand-in evaluation
    combined: dict[frozenset[str], Edge] = dict(new_edges)
    stand_in: dict[frozenset[str], Derivation] = {}
    for k, dv in old_by_key.items():
        if k in combined:
            continue
        ref = next(iter(new_edges.values())).pe
        strength = math.log(max(dv.score, 1e-9) / max(1 - dv.score, 1e-9))
        combined[k] = Edge(ref, dirmod.Direction(dv.source_id, dv.derived_id, dv.direction_from,
                                                 dv.direction_confidence, list(dv.direction_evidence)), strength)
        stand_in[k] = dv
    kept = _prune(_recover_siblings(combined, feats, True), feats)
    result: list[Derivation] = []
    for k, e in kept.items():
        if k in stand_in:
            dv = stand_in[k]
            if e.d.by == "chain" and dv.direction_from != "chain":
                dv = dv.model_copy(update={"source_id": e.d.source, "derived_id": e.d.derived,
                                           "direction_from": "chain", "direction_confidence": e.d.confidence,
                                           "direction_evidence": e.d.evidence})
            result.append(dv)
        else:
            result.append(build_derivation(e.pe, e.d))
    replace = sorted({n for k in combined for n in k})
    store.put_derivations(sorted(result, key=lambda d: (d.source_id, d.derived_id)), replace_for=replace)
