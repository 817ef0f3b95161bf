"""Wires the stages together. Incremental: new articles touch only what they affect.

``analyze(paths, db)`` reads inputs, extracts articles, stores the new ones
(one transaction per batch), then runs each analysis stage over the batch of
new articles. Each stage is a module exposing ``update(store, new_articles)``;
it reads what it needs from the store and writes what it finds back.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from storylens.extract import extract
from storylens.model import Article, InputError, Report
from storylens.sources import RawDoc, iter_sources
from storylens.store import Store, open_store

log = logging.getLogger("storylens")

BATCH = 64

# Analysis stages in order. Each module provides ``update(store, new_articles) -> None``.
STAGES: list[tuple[str, str]] = [
    ("furniture", "storylens.extract.crossdoc"),
    ("annotate", "storylens.nlp.annotate"),
    ("reuse", "storylens.reuse"),
    ("stories", "storylens.stories"),
    ("claims", "storylens.claims.stage"),
]

Progress = Callable[[str, int, int | None], None]


@dataclass
class IngestResult:
    added: list[Article] = field(default_factory=list)
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (extract, then each stage)


def _noop(stage: str, done: int, total: int | None) -> None:
    return None


def ingest_docs(store: Store, docs: Iterable[RawDoc | InputError], progress: Progress = _noop,
                outlet: str | None = None) -> IngestResult:
    """Extract and store documents; one transaction per batch. Known content is skipped.

    ``outlet`` is given to every document whose metadata names none."""
    res = IngestResult()
    # Articles an interrupted earlier run stored before the stages saw them: analyse them now.
    res.added.extend(store.unprocessed_articles())
    batch: list[Article] = []
    seen = 0

    def flush() -> None:
        res.added.extend(store.add_articles(batch))
        batch.clear()

    for item in docs:
        if isinstance(item, InputError):
            res.errors.append(item)
            continue
        seen += 1
        progress("extract", seen, None)
        if outlet and not item.meta.get("outlet"):
            item.meta["outlet"] = outlet
        from storylens.extract import content_hash

        chash = content_hash(item.raw if item.raw is not None else item.content)
        if store.has_hash(chash):
            res.skipped += 1
            continue
        try:
            art = extract(item.content, meta=item.meta, format=item.format, source=item.source, raw=item.raw)
        except Exception as exc:  # one bad document never stops the batch
            log.debug("extraction failed", exc_info=True)
            res.errors.append(InputError(source=item.source, reason=f"extraction failed: {exc.__class__.__name__}: {exc}"))
            continue
        if not art.body:
            res.errors.append(InputError(source=item.source, reason="no article text found"))
            continue
        batch.append(art)
        if len(batch) >= BATCH:
            flush()
    flush()
    return res


def run_stages(store: Store, new: list[Article], progress: Progress = _noop,
               timings: dict[str, float] | None = None) -> dict[str, str]:
    """Run every analysis stage on the new articles (``timings`` gets each stage's seconds)."""
    status: dict[str, str] = {}
    for name, module in STAGES:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                status[name] = "not_available"
                continue
            raise
        update = getattr(mod, "update", None)
        if update is None:
            status[name] = "not_available"
            continue
        progress(name, 0, len(new))
        t0 = time.perf_counter()
        if status:
            # an earlier stage may have rewritten the new articles (e.g. furniture moved out of bodies)
            new = store.get_articles([a.id for a in new])
        if "progress" in inspect.signature(update).parameters:
            # a stage that can say how far it is within its own work (reuse: candidate pairs compared)
            unit = getattr(mod, "PROGRESS_UNIT", "pairs")
            update(store, new, progress=lambda done, total, _n=name, _u=unit: progress(f"{_n} {_u}", done, total))
        else:
            update(store, new)
        progress(name, len(new), len(new))
        if timings is not None:
            timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - t0, 3)
        status[name] = "done"
    store.mark_processed(a.id for a in new)
    return status


def ingest(paths: Iterable[str | Path], store: Store, progress: Progress = _noop,
           outlet: str | None = None) -> IngestResult:
    t0 = time.perf_counter()
    res = ingest_docs(store, iter_sources(list(paths)), progress, outlet=outlet)
    res.timings["extract"] = round(time.perf_counter() - t0, 3)
    res.stages = run_stages(store, res.added, progress, res.timings)
    return res


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
