"""The facts stage: claims, facts, quotes and conflicts of each story that has several articles.

Incremental and order-free: a story's facts are a function of its articles, their derivations and this
stage's version, rebuilt only when that fingerprint changes, so the result does not depend on how the
articles were batched or in which order they arrived. A store built before this stage existed (or by an
older version of it) is brought up to date on the next ``analyze``: the stage keeps its version in the
store and, when it differs, revisits every story once.

Cost. Claims are cheap (rules) and cached per article. Attributions need a dependency parse (about 2.5 ms
a sentence here), so only the sentences that matter are parsed: the claims of facts several independent sources carry and
the sentences that quote someone directly (``STORYLENS_QUOTES=shared`` only the first, ``all`` every sentence
with quotation marks). Parses are cached per
article and selection of sentences (a speaker "he" is resolved against the other quotes parsed with it, so
the result must not depend on what an earlier run happened to parse). A story of one article gets its claims and facts when a second
article joins it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence

from storylens.claims import claims as claimmod
from storylens.claims.facts import VERSION as FACTS_VERSION
from storylens.claims.facts import align_story, attribution_needed, finish_story
from storylens.claims.quotes import QuoteSpan, find_quotes_many
from storylens.engine.forked import default_workers, fork_map, store_location
from storylens.model import Article, Claim, Story
from storylens.nlp import annotate
from storylens.store.base import Store

VERSION = f"{claimmod.VERSION}.{FACTS_VERSION}"
CLAIMS_KEY = "claims:article:"
QUOTES_KEY = "quotes:article:"
VERSION_KEY = "facts:version"
PROGRESS_UNIT = "stories"  # what the stage's own progress counts
PROVIDES = ("claims", "timeline")  # report sections it fills (the story timelines come from the facts)


def quote_scope() -> str:
    """Which sentences get their attribution parsed (``STORYLENS_QUOTES``): ``direct`` (default), ``shared`` or
    ``all`` (:func:`facts.attribution_needed`)."""
    v = os.environ.get("STORYLENS_QUOTES", "").strip().lower()
    return v if v in ("shared", "all") else "direct"


def _body_hash(a: Article) -> str:
    return hashlib.blake2b("\n".join(a.body).encode(), digest_size=8).hexdigest()


def _quote_dict(q: QuoteSpan) -> dict:
    return {"source": list(q.source) if q.source else None, "cue": list(q.cue), "content": list(q.content),
            "kind": q.kind, "speaker": q.speaker, "resolved": q.resolved}


def _quote_from(d: dict) -> QuoteSpan:
    return QuoteSpan(source=tuple(d["source"]) if d["source"] else None, cue=tuple(d["cue"]),
                     content=tuple(d["content"]), kind=d["kind"], speaker=d["speaker"], resolved=d["resolved"])


def article_claims(store: Store | None, articles: Sequence[Article]) -> dict[str, list[Claim]]:
    """Claims of each article: read from the store, or found now and stored."""
    out: dict[str, list[Claim]] = {}
    items = []
    for a in articles:
        got = store.get_state(CLAIMS_KEY + a.id) if store is not None else None
        h = _body_hash(a)
        if got and got.get("v") == VERSION and got.get("h") == h:
            out[a.id] = [Claim.model_validate(c) for c in got["claims"]]
            continue
        out[a.id] = claimmod.extract_claims(a)
        items.append((CLAIMS_KEY + a.id, {"v": VERSION, "h": h,
                                          "claims": [c.model_dump(mode="json") for c in out[a.id]]}))
    if store is not None and items:
        store.put_states(items)
    return out


def article_quotes(store: Store | None, wanted: dict[str, tuple[Article, list[Claim], list[int]]]
                   ) -> dict[str, list[QuoteSpan]]:
    """Quote spans of the wanted sentences of each article, parsed in one batch and cached per article.

    The result is a function of the article and the sentences asked for (speakers of "he said" are resolved
    against the other quotes found, so parsing more sentences may change them): a cached parse is used only
    for the same selection, and a story that needs other sentences of an article parses that selection anew.
    """
    out: dict[str, list[QuoteSpan]] = {}
    jobs: list[tuple[Article, list[tuple[int, int]], list[int]]] = []
    for aid in sorted(wanted):
        a, claims, idx = wanted[aid]
        idx = sorted(i for i in set(idx) if i < len(claims))
        if not idx:
            out[aid] = []
            continue
        got = store.get_state(QUOTES_KEY + aid) if store is not None else None
        if got and got.get("v") == VERSION and got.get("h") == _body_hash(a) and got.get("parsed") == idx:
            out[aid] = [_quote_from(q) for q in got["quotes"]]
            continue
        offsets = claimmod.article_text(a)[1]
        jobs.append((a, [claimmod.claim_range(a, claims[i], offsets) for i in idx], idx))
    if jobs:
        found = find_quotes_many([claimmod.article_text(a)[0] for a, _, _ in jobs],
                                 select=[ranges for _, ranges, _ in jobs])
        items = []
        for (a, _ranges, idx), qs in zip(jobs, found, strict=True):
            qs = sorted(qs, key=lambda q: (q.content, q.cue))
            out[a.id] = qs
            items.append((QUOTES_KEY + a.id, {"v": VERSION, "h": _body_hash(a), "parsed": idx,
                                              "quotes": [_quote_dict(q) for q in qs]}))
        if store is not None:
            store.put_states(items)
    return out


def fingerprint(story: Story, articles: Sequence[Article], derivation_keys: Sequence[str]) -> str:
    parts = [VERSION, story.id] + [f"{a.id}:{_body_hash(a)}:{a.outlet or ''}:{a.published}"
                                   for a in sorted(articles, key=lambda a: a.id)] + sorted(derivation_keys)
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def story_facts(store: Store | None, story: Story, articles: Sequence[Article], derivations: Sequence,
                fp: str = ""):  # noqa: ANN201 - StoryFacts
    """Claims, facts, quotes and conflicts of one story (what the stage stores for it)."""
    claims = article_claims(store, articles)
    vectors = annotate.sentence_vectors(store, articles)
    al = align_story(story, articles, claims, vectors, derivations)
    need = attribution_needed(al, quote_scope())
    by_id = {a.id: a for a in articles}
    quotes = article_quotes(store, {aid: (by_id[aid], claims[aid], idx) for aid, idx in need.items()})
    return finish_story(story, al, quotes, fingerprint=fp)


class _Recorder:
    """A store for a worker process: reads go to the store, writes are kept for the parent to make."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.items: dict[str, object] = {}

    def get_state(self, key: str):  # noqa: ANN201 - whatever was stored
        return self.items[key] if key in self.items else self._store.get_state(key)

    def get_states(self, keys):  # noqa: ANN001, ANN201 - iterable of keys -> {key: value}
        ks = list(keys)
        out = self._store.get_states([k for k in ks if k not in self.items])
        out.update((k, self.items[k]) for k in ks if k in self.items)
        return out

    def put_state(self, key: str, value: object) -> None:
        self.items[key] = value

    def put_states(self, items) -> None:  # noqa: ANN001 - iterable of (key, value)
        for k, v in items:
            self.items[k] = v

    def __getattr__(self, name: str):  # noqa: ANN204 - every read of the store
        return getattr(self._store, name)


def _compute(store: Store, story_ids: Sequence[str], emit: Callable[[list], None],
             progress: Callable[[int], None] | None = None) -> None:
    """The facts of these stories whose fingerprint changed, handed to ``emit`` a few at a time."""
    stored = {f.story_id: f.fingerprint for f in store.get_story_facts(story_ids)}
    out = []
    for n, sid in enumerate(story_ids):
        if progress and n % 20 == 0:
            progress(n)
        got = store.get_stories([sid])
        if not got or len(got[0].article_ids) < 2:
            continue
        story = got[0]
        arts = store.get_articles(story.article_ids)
        ders = [d for d in store.get_derivations({a.id for a in arts})
                if d.source_id in story.article_ids and d.derived_id in story.article_ids]
        fp = fingerprint(story, arts, [f"{d.source_id}>{d.derived_id}:{d.kind}:{len(d.changes)}" for d in ders])
        if stored.get(sid) == fp:
            continue
        out.append(story_facts(store, story, arts, ders, fp))
        if len(out) >= 32:
            emit(out)
            out = []
    emit(out)


_WORKER_STORE: dict[str, Store] = {}


def _in_worker(job: tuple[str, list[str]]) -> tuple[list, list[tuple[str, object]], int]:
    """In a forked worker: one chunk of stories, computed against the store, nothing written."""
    location, ids = job
    if location not in _WORKER_STORE:
        from storylens.store import open_store

        _WORKER_STORE[location] = open_store(location)
    rec = _Recorder(_WORKER_STORE[location])
    facts: list = []
    _compute(rec, ids, facts.extend)  # type: ignore[arg-type]
    return facts, sorted(rec.items.items()), len(ids)


PARALLEL_MIN = 8  # stories to compute before the work is shared among worker processes


def _chunks(store: Store, story_ids: list[str], workers: int) -> list[list[str]]:
    """The stories in chunks of about equal work (articles), biggest first, so the workers finish together."""
    size = {s.id: len(s.article_ids) for s in store.get_stories(story_ids)}
    order = sorted(story_ids, key=lambda i: (-size.get(i, 0), i))
    target = max(1, sum(size.values()) // (workers * 8))
    chunks: list[list[str]] = []
    cur: list[str] = []
    acc = 0
    for sid in order:
        cur.append(sid)
        acc += size.get(sid, 0)
        if acc >= target:
            chunks.append(cur)
            cur, acc = [], 0
    if cur:
        chunks.append(cur)
    return chunks


def update(store: Store, new_articles: Sequence[Article],
           progress: Callable[[int, int], None] | None = None) -> None:
    """Facts of the stories the new articles are in (and of every story, once, after an upgrade).

    Each story's facts depend on its own articles only, so with several cores (``STORYLENS_WORKERS``) and a
    store a second process can open, the stories are shared among forked workers; they only read, and what
    they found is written here, so the store holds the same whatever the number of workers."""
    _update_stories(store, [a.id for a in new_articles], progress)


def update_run(store: Store, pending: Sequence[tuple[str, str | None, str | None]],
               progress: Callable[[int, int], None] | None = None) -> None:
    """The pipeline's run-level call, once per run after the stories of all its articles (``(id, published,
    outlet)``) are decided: each story they are in is computed once, with all of the run's articles in it."""
    _update_stories(store, [p[0] for p in pending], progress)


def _update_stories(store: Store, article_ids: Sequence[str], progress: Callable[[int, int], None] | None) -> None:
    if store.get_state(VERSION_KEY) != VERSION:
        story_ids = sorted(s.id for s in store.get_stories() if len(s.article_ids) > 1)
    else:
        story_ids = sorted({sid for aid in article_ids if (sid := store.story_of(aid))})
    total = len(story_ids)
    workers = default_workers()
    location = store_location(store)
    if workers > 1 and location and total >= PARALLEL_MIN:
        done = 0
        for facts, states, n in fork_map(_in_worker, [(location, c) for c in _chunks(store, story_ids, workers)],
                                         workers):
            store.put_states(states)
            store.put_story_facts(facts)
            done += n
            if progress:
                progress(done, total)
    else:
        _compute(store, story_ids, store.put_story_facts,
                 (lambda n: progress(n, total)) if progress else None)
    store.put_state(VERSION_KEY, VERSION)
    if progress:
        progress(total, total)
