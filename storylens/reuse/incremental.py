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
OLD_BLOCK = 256  # stored candidates held at once while their pairs are weighed


def _blocks(pairs: list[tuple[str, str]], old: set[str], size: int) -> list[list[tuple[str, str]]]:
    """The sorted pairs cut into runs that together name at most ``size`` stored (``old``) articles; a
    candidate's pairs are never split (they are contiguous: pairs are sorted by candidate first)."""
    out: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    seen: set[str] = set()
    for p in pairs:
        a = p[0]
        if a in old and a not in seen and len(seen) >= size and cur and cur[-1][0] != a:
            out.append(cur)
            cur, seen = [], set()
        if a in old:
            seen.add(a)
        cur.append(p)
    if cur:
        out.append(cur)
    return out


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
    # The stored candidates are read, weighed and let go a block at a time (pairs sorted by candidate, so a
    # block is a run of them): memory follows the block, not the number of stored articles the batch meets
    # (their features and sentence vectors took ~90 MB per 1,000 candidates, and a batch of 2,000 meets up
    # to its TOP_K-fold of them). The pairs are weighed in the same order as before, each on its own, so
    # the result is the same.
    old_ids = sorted({c for c, _ in pairs} - set(feats))
    todo = sorted(pairs)
    total = len(todo)
    step = max(1, total // 100)
    new_edges: dict[frozenset[str], Edge] = {}
    stored_old: set[str] = set()  # candidates the store returned: the old articles the pruning below may use
    weighed: set[str] = set()
    in_edges: dict[str, Feat] = {}  # old articles in a new edge: the pruning reads them
    done = 0
    saver = annotate.sentence_vector_saver(store)
    loader = annotate.sentence_vector_loader(store)
    for block in _blocks(todo, set(old_ids), OLD_BLOCK):
        ids = sorted({x for p in block for x in p if x not in feats})
        olds = store.get_articles(ids) if ids else []
        here = dict(feats)
        for f in build_features(olds, annotate.document_vectors(store, olds)):
            here[f.id] = f
            stored_old.add(f.id)
        del olds
        pairs_here = [(a, b) for a, b in block if a in here and b in here]
        # document-level refusals first; sentence vectors only for the articles of the pairs left
        weigh = [(a, b) for a, b in pairs_here if not evaluate_gate(here[a], here[b])]
        involved = sorted({x for p in weigh for x in p})
        weighed.update(involved)
        ensure_embeddings([here[x] for x in involved], loader=loader, saver=saver)
        for a_id, b_id in weigh:
            if progress and done % step == 0:
                progress(done, total)
            done += 1
            a, b = here[a_id], here[b_id]
            pe = evaluate(a, b)
            if is_derivation(pe):
                d = dirmod.decide(a, b, pe.b_in_a.coverage, pe.a_in_b.coverage)
                if holds(pe, d):
                    new_edges[frozenset((a_id, b_id))] = Edge(pe, d, pe.strength())
                    for x in (a_id, b_id):
                        if x not in feats:
                            in_edges[x] = here[x]
        done += len(block) - len(weigh)
        del here
    if progress:
        progress(total, total)
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
    # the pruning sees every stored candidate among these articles, as when all were held at once
    feats.update(in_edges)
    back = sorted(n for k in combined for n in k if n in stored_old and n not in feats)
    if back:
        olds = store.get_articles(back)
        for f in build_features(olds, annotate.document_vectors(store, olds)):
            feats[f.id] = f
        ensure_embeddings([feats[x] for x in back if x in weighed and x in feats], loader=loader)
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
