"""Engines: where the per-article work of an ingest runs.

Modelled on datatrove's executors: the same step functions run on a local executor or a distributed one, and
the steps never know which. Here the per-article work is :func:`storylens.pipeline._extract_and_analyse`
(extraction, then every body sentence's analysis: the split of each paragraph, names, figures, dates, quote
share, content stems), a pure function of each document. An engine maps it over chunks of documents and
hands the results back **in input order**; everything global (storing, the candidate search for
derivations, story and storyline assignment, fact alignment) runs afterwards in the driver, in the order it
always runs, so the store and the report do not depend on the engine, the number of workers or how the
engine cut the input into batches.

- :class:`LocalEngine` (the default): forked processes of this machine (``STORYLENS_WORKERS``), exactly the
  path :func:`storylens.pipeline.ingest_docs` has always taken.
- :class:`storylens.engine.ray_engine.RayEngine` (``--engine ray``): Ray Data ``map_batches`` over an actor
  pool of N workers, on a local Ray started for the run or on a cluster (``--address``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

ENGINES = ("local", "ray")


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (its package is missing, its cluster cannot be reached)."""


class Engine(Protocol):
    """Maps a per-chunk function over chunks of documents, results in input order."""

    name: str
    workers: int
    distributed: bool  # False: ingest_docs runs its own forked pool, as it always has

    def map_chunks(self, fn: Callable[[list[Any]], Any], chunks: Sequence[list[Any]]) -> Iterator[Any]:
        """``fn(chunk)`` for each chunk, yielded in the order of ``chunks`` (whatever order they finish in)."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """This machine's forked worker processes; :func:`storylens.pipeline.ingest_docs` keeps that path."""

    name = "local"
    distributed = False

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def map_chunks(self, fn: Callable[[list[Any]], Any], chunks: Sequence[list[Any]]) -> Iterator[Any]:
        for chunk in chunks:  # in-process; the forked pool lives in ingest_docs, unchanged
            yield fn(chunk)

    def close(self) -> None:
        return None


def make_engine(name: str, workers: int, address: str | None = None) -> Engine:
    """The engine called ``name`` with ``workers`` workers; :class:`EngineUnavailable` (one line) when it
    cannot run here."""
    if name == "local":
        if address:
            raise EngineUnavailable("--address needs --engine ray")
        return LocalEngine(workers)
    if name == "ray":
        from storylens.engine.ray_engine import RayEngine

        return RayEngine(workers=workers, address=address)
    raise EngineUnavailable(f"unknown engine {name!r} (one of: {', '.join(ENGINES)})")
