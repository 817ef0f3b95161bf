"""Wires the stages together. Incremental: new articles touch only what they affect.

``analyze(paths, db)`` reads inputs, extracts articles, stores the new ones
(one transaction per batch), then runs each analysis stage over the batch of
new articles. Each stage is a module exposing ``update(store, new_articles)``;
it reads what it needs from the store and writes what it finds back.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import itertools
import logging
import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from storylens.engine import Engine
from storylens.engine.forked import die_with_parent, store_location
from storylens.extract import content_hash, extract
from storylens.model import Article, InputError, Report
from storylens.nlp.annotate import analyse_sentences, document_vectors, prefetch_document_vectors
from storylens.nlp.items import absorb, forget_sentences
from storylens.sources import RawDoc, iter_sources
from storylens.store import Store, open_store

log = logging.getLogger("storylens")

BATCH = 64
ROUND = 2000  # documents analysed together (memory is bounded by it); see ingest()

# Analysis stages in order. Each module provides ``update(store, new_articles) -> None``.
STAGES: list[tuple[str, str]] = [
    ("furniture", "storylens.extract.crossdoc"),
    ("annotate", "storylens.nlp.annotate"),
    ("reuse", "storylens.reuse"),
    ("stories", "storylens.stories"),
    ("claims", "storylens.claims.stage"),
    ("comments", "storylens.comments.stage"),
]

# A run reads and stores all of its input first (in rounds, so memory is bounded by the round), then runs the
# per-article stages (furniture, annotate, reuse, comments) over the run's articles in chunks of whole moments
# in publication order, and last the stages below once over all of them. A per-article stage may provide
# ``prepare_run(store, pending, load)``, called once before its first chunk with every article of the run (the
# furniture stage counts every page's lines there, so each page is refined with the whole run's counts).
# The stages below run once per run, after every chunk, over all of the run's articles: the stories take them in
# publication order (a chunk of whole moments at a time), so how the input was cut into rounds, the order of
# the files, and where an interrupted run resumed do not change the stories; the facts are computed once per
# story, when its articles of the run are all in. Such a module provides ``update_run(store, pending,
# progress)`` with ``pending`` the ``(id, published, outlet)`` of :meth:`Store.unprocessed_ids`.
RUN_LEVEL = ("stories", "claims")

Progress = Callable[[str, int, int | None], None]

# The articles of the batch in progress that a stage has finished (cleared once they are marked processed).
STAGE_DONE = "pipeline:stage-done:"


@dataclass
class IngestResult:
    added: list[Article] = field(default_factory=list)
    count: int = 0  # articles added (ingest() can leave ``added`` empty to bound memory)
    skipped: int = 0
    changed: int = 0  # records whose id is stored with other content (kept as stored, each named in errors)
    errors: list[InputError] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (extract, then each stage)


def _noop(stage: str, done: int, total: int | None) -> None:
    return None


def _extract_one(item: RawDoc) -> Article | InputError:
    """Extract one document; a failure is an input error for that document (never an exception)."""
    try:
        art = extract(item.content, meta=item.meta, format=item.format, source=item.source, raw=item.raw)
    except Exception as exc:  # one bad document never stops the batch
        log.debug("extraction failed", exc_info=True)
        return InputError(source=item.source, reason=f"extraction failed: {exc.__class__.__name__}: {exc}")
    if not art.body:
        return InputError(source=item.source, reason=_no_text_reason(item))
    return art


def _no_text_reason(item: RawDoc) -> str:
    """Why a document gave no article text, in one line."""
    if item.format == "html":
        from storylens.extract.html import PARSER_DEPTH, nested_too_deep

        try:
            if nested_too_deep(item.content):
                return (f"no article text found: the HTML nests tags over {PARSER_DEPTH} deep, and the parser "
                        "reads nothing past that depth")
        except Exception:  # noqa: BLE001 - only the message depends on it
            log.debug("depth check failed", exc_info=True)
    return "no article text found"


def _extract_chunk(items: list[RawDoc | InputError]) -> list[Article | InputError]:
    return [it if isinstance(it, InputError) else _extract_one(it) for it in items]


def _extract_and_analyse(items: list[RawDoc | InputError]) -> tuple[list[Article | InputError], list]:
    """In a worker: extract a chunk, and work out its sentences' analysis for the stages (one pickle, so a
    paragraph's text travels once)."""
    out = _extract_chunk(items)
    return out, analyse_sentences([a for a in out if isinstance(a, Article)])


def _extract_only(items: list[RawDoc | InputError]) -> tuple[list[Article | InputError], list]:
    """In a worker: extract a chunk, no sentence analysis (a run of several rounds works the sentences out
    chunk by chunk after storing them all: worked out here, they would be let go unused)."""
    return _extract_chunk(items), [[], [], []]


_COMPARED = ("title", "published", "outlet", "authors", "url")


def _changed_under_id(store: Store, item: RawDoc) -> str | None:
    """Why a record whose text is stored is not the stored article: its id is stored with other metadata (a
    corpus re-sent without its dates). None when it is the same record again."""
    new = _extract_one(item)
    if isinstance(new, InputError):
        return None
    old = store.get_article(new.id)
    if old is None:
        return None  # the same text under another id: known content, skipped as before
    diff = [f"{k} {getattr(old, k)!s} -> {getattr(new, k)!s}" for k in _COMPARED
            if getattr(old, k) != getattr(new, k) and not (k == "outlet" and new.outlet is None and old.outlet_from != "input")]
    if not diff:
        return None
    return (f"id {new.external_id or new.id!r} is already stored with other metadata ({'; '.join(diff)[:200]}); the "
            "stored article is kept (give the changed record a new id to analyse it as well)")


def _pool(workers: int) -> ProcessPoolExecutor | None:
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return None
    # fork: the workers inherit the imported extractor (no start-up cost); they only read and return.
    # They are started now, before this process starts its encoder thread (a fork copies no running thread).
    from storylens.nlp.embed import wait_prefetch

    wait_prefetch()  # an earlier ingest's encoder thread is idle before this process forks
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                               initializer=die_with_parent)  # a killed run leaves no idle workers behind
    pool.submit(int).result()
    return pool


def ingest_docs(store: Store, docs: Iterable[RawDoc | InputError], progress: Progress = _noop,
                outlet: str | None = None, workers: int = 1, engine: Engine | None = None,
                resume: bool = True, keep_done: bool = True, analyse: bool = True) -> IngestResult:
    """Extract and store documents; one transaction per batch. Known content is skipped.

    ``resume``: take the stored articles no run has finished (an interrupted run's) as added too; a run's
    later rounds do not (the run's earlier rounds are unfinished until its run-level stages have run).
    ``keep_done``: load too those of them every per-article stage has finished (only the run-level stages are
    left for them); without it they are counted (``count``) but not loaded, so a run killed after the last
    round of a large input resumes without holding all of it in memory.

    ``analyse``: the extraction workers also work out the sentences' analysis for the stages (kept in this
    process until :func:`forget_sentences`).

    ``outlet`` is given to every document whose metadata names none. With ``workers`` > 1, documents are
    extracted in that many processes, in chunks of :data:`BATCH`; results are taken in input order, so
    what is stored (and in what order) is the same as with one. A distributed ``engine``
    (:mod:`storylens.engine`) extracts and analyses the chunks instead, results taken in the same order."""
    res = IngestResult()
    # Articles an interrupted earlier run stored before the stages saw them: analyse them now.
    resumed: list[Article] = []
    done_resumed = 0
    if resume:
        pending = [p[0] for p in store.unprocessed_ids()]
        finished = _finished_by_every_round_stage(store) if pending and not keep_done else set()
        resumed = store.get_articles([i for i in pending if i not in finished])
        done_resumed = len(pending) - len(resumed)
    res.added.extend(resumed)
    batch: list[Article] = []
    seen = 0
    hashes: set[str] = set()  # content met earlier in this run: skipped like stored content
    pending: list[RawDoc | InputError] = []  # in input order; a reader's error waits its turn
    inflight: deque[Future[tuple[list[Article | InputError], list]]] = deque()
    pool: ProcessPoolExecutor | None = None  # started with the first full chunk: a few documents need none
    deferred: list[list[RawDoc | InputError]] = []  # chunks for a distributed engine, mapped once read

    def flush() -> None:
        added = store.add_articles(batch)
        if len(added) < len(batch):
            # the store already holds these ids with other content: said, never dropped in silence
            # (by content, not id: two records of one batch may share an id, and only the first is stored)
            kept = {a.content_hash for a in added}
            for a in batch:
                if a.content_hash not in kept:
                    res.changed += 1
                    res.errors.append(InputError(
                        source=a.source or a.id,
                        reason=f"id {a.external_id or a.id!r} is already stored with other content; the stored "
                               "article is kept (give the changed record a new id to analyse it as well)"))
        # the encoder embeds these leads in the background while the next batch is extracted
        prefetch_document_vectors(added)
        res.added.extend(added)
        batch.clear()

    def take(results: list[Article | InputError]) -> None:
        for r in results:
            if isinstance(r, InputError):
                res.errors.append(r)
                continue
            batch.append(r)
            if len(batch) >= BATCH:
                flush()

    work = _extract_and_analyse if analyse else _extract_only

    def receive(got: tuple[list[Article | InputError], list]) -> None:
        absorb(got[1])
        take(got[0])

    def submit(last: bool = False) -> None:
        nonlocal pool
        chunk = pending.copy()
        pending.clear()
        if engine is not None and engine.distributed:
            deferred.append(chunk)
            return
        if pool is None and not last and workers > 1:
            pool = _pool(workers)
        if pool is None:
            take(_extract_chunk(chunk))
            return
        inflight.append(pool.submit(work, chunk))
        while len(inflight) > 2 * workers:
            receive(inflight.popleft().result())

    try:
        for item in docs:
            if isinstance(item, InputError):
                pending.append(item)  # reported in input order, with the extraction errors around it
                continue
            seen += 1
            progress("extract", seen, None)
            if outlet and not item.meta.get("outlet"):
                item.meta["outlet"] = outlet
            chash = content_hash(item.raw if item.raw is not None else item.content)
            if chash in hashes or store.has_hash(chash):
                why = None if chash in hashes or not item.meta.get("id") else _changed_under_id(store, item)
                if why:
                    res.changed += 1
                    pending.append(InputError(source=item.source, reason=why))  # said in input order
                else:
                    res.skipped += 1
                continue
            hashes.add(chash)
            pending.append(item)
            if len(pending) >= BATCH:
                submit()
        if pending:
            submit(last=True)
        if deferred:  # --- distributed engine: the chunks mapped there, taken back in input order
            for got in engine.map_chunks(work, deferred):  # type: ignore[union-attr]
                receive(got)
            deferred.clear()
        while inflight:
            receive(inflight.popleft().result())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    flush()
    prefetch_document_vectors(resumed)
    res.count = len(res.added) + done_resumed
    return res


def _finished_by_every_round_stage(store: Store) -> set[str]:
    """Unprocessed articles every per-article stage has finished (only the run-level stages are left)."""
    out: set[str] | None = None
    for name, _ in STAGES:
        if name in RUN_LEVEL:
            continue
        got = set(store.get_state(STAGE_DONE + name) or ())
        out = got if out is None else out & got
    return out or set()


# A stage that may run in a forked process beside the stage named, because it reads none of that stage's
# findings: the comment analysis reads the articles' comment sections, never the derivations. Results are
# the same either way.
BESIDE = {"comments": "reuse"}

# A run-level stage that may run in a forked process, over the whole run, beside a per-article stage of the
# run's last chunk, because it reads none of that stage's findings: the stories read the articles and their
# annotations (stored by then: the last chunk's furniture and annotate stages come before its reuse), never
# the derivations. The run-level stages after it wait for it (:func:`finish_run`). Results are the same
# either way (tests); on 2 cores the stories take the core that reuse's pair loop leaves idle.
RUN_BESIDE = {"stories": "reuse"}


def _stage_in_child(module: str, location: str, ids: list[str] | None, out) -> None:  # noqa: ANN001 - a Connection
    """In a forked child: open the store afresh (a connection never crosses a fork) and run one stage (with
    ``ids`` None, a run-level stage over every article not yet processed)."""
    die_with_parent()
    t0 = time.perf_counter()
    try:
        st = open_store(location)
        try:
            mod = importlib.import_module(module)
            if ids is None:
                mod.update_run(st, st.unprocessed_ids())
            else:
                mod.update(st, st.get_articles(ids))
        finally:
            st.close()
        out.send(("done", time.perf_counter() - t0))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which runs the stage itself
        out.send(("failed", f"{exc.__class__.__name__}: {exc}"))
    finally:
        out.close()


class _Beside:
    """One stage running in a forked process while the main process runs another."""

    def __init__(self, name: str, module: str, location: str, todo: list[Article] | None) -> None:
        from storylens.nlp.embed import wait_prefetch

        wait_prefetch()  # no encoder thread mid-work in the fork
        ctx = mp.get_context("fork")
        self.name, self.module = name, module
        self.recv, send = ctx.Pipe(duplex=False)
        ids = None if todo is None else [a.id for a in todo]
        self.proc = ctx.Process(target=_stage_in_child, args=(module, location, ids, send), daemon=True)
        self.proc.start()
        send.close()

    def stop(self) -> None:
        """End the stage's process now (what it stored is whole: each of its writes is one transaction)."""
        self.proc.kill()
        self.proc.join()

    def joined(self, timings: dict[str, float] | None) -> bool:
        """Wait for it; its seconds go into ``timings``. False where it failed (said in the log): the caller
        runs the stage itself."""
        ok, value = self.join()
        if not ok:
            log.warning("stage %s beside another failed (%s); running it here", self.name, value)
        elif timings is not None:
            timings[self.name] = round(timings.get(self.name, 0.0) + float(value), 3)
        return ok

    def join(self) -> tuple[bool, float | str]:
        try:
            kind, value = self.recv.recv()
        except EOFError:
            kind, value = "failed", "the process ended without a word"
        self.proc.join()
        return kind == "done" and self.proc.exitcode == 0, value


def _stage_module(name: str, module: str, status: dict[str, str]):  # noqa: ANN202 - a module or None
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            status[name] = "not_available"
            return None
        raise
    if getattr(mod, "update", None) is None:
        status[name] = "not_available"
        return None
    return mod


def run_stages(store: Store, new: list[Article], progress: Progress = _noop,
               timings: dict[str, float] | None = None, parallel: bool = False, finish: bool = True,
               run_beside: dict[str, _Beside] | None = None) -> dict[str, str]:
    """Run every analysis stage on the new articles (``timings`` gets each stage's seconds).

    With ``finish`` (a caller that stored one batch and wants it analysed), this is :func:`analyse_run`: every
    stage over every article not yet processed, ``new`` among them, and those are marked processed. Without
    it, the per-article stages run on ``new`` only (one chunk of :func:`analyse_run`).

    With ``parallel``, a stage of :data:`BESIDE` runs in a forked process beside the stage it does not read
    (where the store can be opened twice: a file or a server, not ``:memory:``). With ``run_beside`` too
    (the run's last chunk), a run-level stage of :data:`RUN_BESIDE` starts likewise over the whole run; its
    handle goes into ``run_beside`` for :func:`finish_run` to wait for."""
    if finish:
        return analyse_run(store, progress, timings, parallel, warm=new)
    status: dict[str, str] = {}
    ids = [a.id for a in new]
    beside: dict[str, _Beside] = {}
    for name, module in STAGES:
        if name in RUN_LEVEL:
            continue
        mod = _stage_module(name, module, status)
        if mod is None:
            continue
        update = mod.update
        # A run killed after this stage finished these articles, before they were marked processed, has
        # said so: the stage does not count them twice (its counts and stories are not idempotent).
        done = set(store.get_state(STAGE_DONE + name) or ())
        t0 = time.perf_counter()
        if status:
            # an earlier stage may have rewritten the new articles (e.g. furniture moved out of bodies)
            new = store.get_articles(ids)
        todo = [a for a in new if a.id not in done]
        if name in beside:  # it ran beside an earlier stage: take its result
            if beside.pop(name).joined(timings):
                store.put_state(STAGE_DONE + name, sorted(done | set(ids)))
                progress(name, len(todo), len(todo))
                status[name] = "done"
                continue
            new = store.get_articles(ids)
            todo = [a for a in new if a.id not in done]
        companion = next((b for b, a in BESIDE.items() if a == name and b not in status), None)
        location = store_location(store) if parallel and todo and companion else None
        if companion and location and "fork" in mp.get_all_start_methods():
            cmod = dict(STAGES).get(companion)
            cdone = set(store.get_state(STAGE_DONE + companion) or ())
            ctodo = [a for a in new if a.id not in cdone]
            if cmod and ctodo:
                beside[companion] = _Beside(companion, cmod, location, ctodo)
        if run_beside is not None and parallel and todo and "fork" in mp.get_all_start_methods():
            for late, host in RUN_BESIDE.items():
                where = store_location(store) if host == name and late not in run_beside else None
                lmod = _stage_module(late, dict(STAGES)[late], {}) if where else None
                if where and lmod is not None and hasattr(lmod, "update_run"):
                    run_beside[late] = _Beside(late, dict(STAGES)[late], where, None)
        progress(name, 0, len(todo))
        if new and not todo:
            pass  # every article of the batch done already (a stage still runs on none: it may upgrade itself)
        elif "progress" in inspect.signature(update).parameters:
            # a stage that can say how far it is within its own work (reuse: candidate pairs compared)
            unit = getattr(mod, "PROGRESS_UNIT", "pairs")
            update(store, todo, progress=lambda done, total, _n=name, _u=unit: progress(f"{_n} {_u}", done, total))
        else:
            update(store, todo)
        store.put_state(STAGE_DONE + name, sorted(done | set(ids)))
        progress(name, len(todo), len(todo))
        if timings is not None:
            timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 3)
        status[name] = "done"
    return status


def analyse_run(store: Store, progress: Progress = _noop, timings: dict[str, float] | None = None,
                parallel: bool = False, warm: Iterable[Article] = (), workers: int = 1,
                size: int | None = None) -> dict[str, str]:
    """Every stage over every article not yet processed (the run's, and an interrupted run's): each
    per-article stage's ``prepare_run`` once, then those stages a chunk at a time (about ``size`` articles,
    whole moments in publication order: :func:`storylens.stories.moment_chunks`), then :func:`finish_run`.
    The chunks are cut from the articles themselves, never from how or in what order they were read, so the
    result is the same however the input was cut into rounds. ``warm``: articles of the run already in
    memory (with their sentences worked out), read from the store otherwise; the sentences of the others
    are worked out in ``workers`` processes."""
    from storylens.stories import moment_chunks

    held = {a.id: a for a in warm}
    status: dict[str, str] = {}
    pending = store.unprocessed_ids()

    def load(ids: list[str]) -> list[Article]:
        got = {a.id: a for a in store.get_articles([i for i in ids if i not in held])}
        got.update((i, held[i]) for i in ids if i in held)
        return [got[i] for i in ids if i in got]

    if pending:
        for name, module in STAGES:
            if name in RUN_LEVEL:
                continue
            mod = _stage_module(name, module, status)
            if mod is not None and hasattr(mod, "prepare_run"):
                t0 = time.perf_counter()
                mod.prepare_run(store, pending, load)
                if timings is not None:
                    timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 3)
    finished = _finished_by_every_round_stage(store) if pending else set()
    chunks = moment_chunks([p for p in pending if p[0] not in finished], size or default_round())
    fresh = set(held)  # articles whose sentences are worked out in this process
    run_beside: dict[str, _Beside] = {}  # run-level stages started beside the last chunk's stages
    try:
        for n, ids in enumerate(chunks):
            if n:  # what the last chunk's sentences needed: not needed again
                forget_sentences()
                _release_memory()
                fresh = set()
            arts = load(ids)
            if workers > 1:
                _work_out_sentences([a for a in arts if a.id not in fresh], workers)
            status.update(run_stages(store, arts, progress, timings, parallel=parallel, finish=False,
                                     run_beside=run_beside if n == len(chunks) - 1 else None))
        if not chunks:  # nothing to do: the stages still run on none (a stage may upgrade itself)
            status.update(run_stages(store, [], progress, timings, parallel=parallel, finish=False))
    except BaseException:
        for b in run_beside.values():  # no stage of this run goes on writing once the run has failed
            b.stop()
        raise
    status.update(finish_run(store, progress, timings, beside=run_beside))
    return status


def _work_out_sentences(articles: list[Article], workers: int) -> None:
    """Work out the articles' sentences (:func:`analyse_sentences`) in ``workers`` forked processes, for the
    stages to read here (articles read back from the store, whose extraction workers' results are gone)."""
    if len(articles) < BATCH:
        return  # a few: worked out here as the stages need them
    pool = _pool(workers)
    if pool is None:
        return
    try:
        parts = [articles[i:i + BATCH] for i in range(0, len(articles), BATCH)]
        for got in pool.map(analyse_sentences, parts):
            absorb(got)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def finish_run(store: Store, progress: Progress = _noop, timings: dict[str, float] | None = None,
               beside: dict[str, _Beside] | None = None) -> dict[str, str]:
    """The run-level stages (:data:`RUN_LEVEL`) over every article not yet processed (each has been through
    the stages of its round), then those articles are marked processed. Run once with none, a stage may
    still upgrade itself (facts for a store built before the facts stage). ``beside``: run-level stages
    already running in a forked process (:data:`RUN_BESIDE`): waited for, and run here if that failed."""
    status: dict[str, str] = {}
    beside = dict(beside or {})
    pending = store.unprocessed_ids()
    for name, module in STAGES:
        if name not in RUN_LEVEL:
            continue
        if name in beside and beside.pop(name).joined(timings):
            progress(name, len(pending), len(pending))
            status[name] = "done"
            continue
        mod = _stage_module(name, module, status)
        if mod is None:
            continue
        t0 = time.perf_counter()
        progress(name, 0, len(pending))
        if hasattr(mod, "update_run"):
            unit = getattr(mod, "PROGRESS_UNIT", None)
            label = f"{name} {unit}" if unit else name
            mod.update_run(store, pending, progress=lambda done, total, _l=label: progress(_l, done, total))
        else:
            mod.update(store, store.get_articles([p[0] for p in pending]))
        progress(name, len(pending), len(pending))
        if timings is not None:
            timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 3)
        status[name] = "done"
    store.mark_processed(p[0] for p in pending)
    store.put_states((STAGE_DONE + name, []) for name, _ in STAGES)  # after the mark: never a stage run twice
    return status


def default_round() -> int:
    """Documents read, stored and analysed together: ``STORYLENS_ROUND``, else :data:`ROUND`."""
    try:
        return max(BATCH, int(os.environ.get("STORYLENS_ROUND", ROUND)))
    except ValueError:
        return ROUND


def _release_memory() -> None:
    """Hand the memory a finished round freed back to the system. glibc keeps freed heap for reuse, and a
    round's transient matrices and memos leave it fragmented, so without this the resident size grows round
    after round although the live objects do not (synthetic 4,000 in rounds of 1,000: 641 MB after the
    fourth round with it, 829 MB without). Elsewhere than glibc this does nothing."""
    import ctypes
    import gc

    gc.collect()
    # not glibc (musl, macOS): its allocator returns memory on its own terms
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def ingest(paths: Iterable[str | Path], store: Store, progress: Progress = _noop,
           outlet: str | None = None, workers: int = 1, round_size: int | None = None,
           keep: bool = True, on_wait: Callable[[str], None] | None = None,
           engine: Engine | None = None) -> IngestResult:
    """Read, store and analyse the inputs: read, extracted and stored in rounds of ``round_size`` documents
    (:func:`default_round`), then every stage over every article of the run (:func:`analyse_run`: the
    per-article stages on chunks cut in publication order, then the run-level stages, :data:`RUN_LEVEL`), and
    the articles marked processed. Memory is bounded by the round and the chunk, not the corpus, and the same
    input gives the same report however it is cut into rounds, ordered or interrupted.

    ``keep``: keep the added articles in the result (``added``); without it only ``count`` says how many.

    One writer at a time: the whole run holds the store's writer lock (:meth:`Store.writer_lock`), so a second
    ``analyze`` on the same store waits (``on_wait`` hears why) instead of analysing this run's stored but
    not yet analysed articles as its own.

    ``engine``: where the per-article work runs (:mod:`storylens.engine`; None: this machine's processes, as
    always). The global steps (the stages) run here either way, in the same order, so the result is the same.
    """
    with store.writer_lock(on_wait):
        return _ingest(paths, store, progress, outlet, workers, round_size, keep, engine)


def _ingest(paths: Iterable[str | Path], store: Store, progress: Progress, outlet: str | None, workers: int,
            round_size: int | None, keep: bool, engine: Engine | None = None) -> IngestResult:
    size = round_size or default_round()
    docs = iter(iter_sources(list(paths)))
    total = IngestResult()
    total.timings["extract"] = 0.0
    # articles an interrupted earlier run stored and did not finish: this run's too
    resumed = [p[0] for p in store.unprocessed_ids()]
    total.count = len(resumed)
    if keep and resumed:
        total.added.extend(store.get_articles(resumed))
    read = 0
    last: list[Article] = []  # the last round's articles, in memory with their sentences worked out
    rounds = 0
    # one document past the first round says whether there are several: then no round's sentences are kept
    # (the stages read them chunk by chunk after the last round), so the extraction workers do not work them out
    head = list(itertools.islice(docs, size + 1))
    several = len(head) > size
    docs = itertools.chain(head, docs)
    while True:
        chunk = list(itertools.islice(docs, size))
        if not chunk and rounds:
            break
        if last:
            # a round is coming after it: the last one's leads are embedded now (the encoder had them
            # while it was read) and kept, and what its sentences needed is let go
            document_vectors(store, last)
            last = []
            forget_sentences()
            _release_memory()
        t0 = time.perf_counter()
        offset = read

        def shifted(stage: str, done: int, n: int | None, _o: int = offset) -> None:
            progress(stage, done + _o if stage == "extract" else done, n)

        res = ingest_docs(store, chunk, shifted, outlet=outlet, workers=workers, engine=engine, resume=False,
                          analyse=not several)
        read += len(chunk)
        total.timings["extract"] = round(total.timings["extract"] + time.perf_counter() - t0, 3)
        last = res.added
        total.count += res.count
        if keep:
            total.added.extend(res.added)
        total.skipped += res.skipped
        total.changed += res.changed
        total.errors.extend(res.errors)
        rounds += 1
        if len(chunk) < size:
            break
    # every stage over every article of the run (and of an interrupted one), in chunks cut from the articles
    # themselves: the same result however the input was cut into rounds or ordered
    # (a distributed engine's driver runs the stages in turn: no fork beside a Ray driver's threads)
    distributed = engine is not None and engine.distributed
    if rounds > 1:  # its chunks mix the rounds: the last round's leads are kept too, its sentences let go
        document_vectors(store, last)
        last = []
    total.stages = analyse_run(store, progress, total.timings, parallel=workers > 1 and not distributed,
                               warm=last, workers=1 if distributed else workers, size=size)
    return total


WATCH_PREFIX = "watch:seen:"  # per watched folder: {path: [size, mtime_ns]} of the files already read


def new_files(folder: Path, store: Store, settle: float = 2.0, now: float | None = None) -> list[Path]:
    """The files under ``folder`` (as ``analyze FOLDER`` lists them) not yet read from this folder into this
    store, or changed since, that nobody is still writing: unchanged for ``settle`` seconds (a file still being
    copied in waits for the next poll)."""
    from storylens.sources import list_files

    seen = store.get_state(WATCH_PREFIX + str(folder.resolve())) or {}
    now = time.time() if now is None else now
    out = []
    for f in list_files(folder):
        try:
            st = f.stat()
        except OSError:  # gone between the listing and now
            continue
        if seen.get(str(f)) == [st.st_size, st.st_mtime_ns]:
            continue
        if now - st.st_mtime < settle:
            continue
        out.append(f)
    return out


def mark_read(folder: Path, store: Store, files: list[Path]) -> None:
    """Record ``files`` as read from ``folder`` (their size and time now), after they were analysed."""
    key = WATCH_PREFIX + str(folder.resolve())
    seen = store.get_state(key) or {}
    for f in files:
        with contextlib.suppress(OSError):
            st = f.stat()
            seen[str(f)] = [st.st_size, st.st_mtime_ns]
    store.put_state(key, seen)


def analyze(paths: Iterable[str | Path], db: str | None = ":memory:", progress: Progress = _noop) -> Report:
    """Read inputs, run every stage, and return the report of everything in the store."""
    from storylens.report import build_report

    store = open_store(db)
    try:
        res = ingest(paths, store, progress)
        report = build_report(store)
        report.errors = res.errors
        report.stages.update(res.stages)
        return report
    finally:
        store.close()
