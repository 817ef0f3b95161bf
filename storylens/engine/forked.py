"""Forked worker processes of this machine, for the per-article work of an ingest and for a stage whose
units are independent (the facts of one story do not depend on another's).

A stage hands :func:`fork_map` a function of one chunk of units and the store's location; each worker
opens the store afresh (a connection never crosses a fork), reads what it needs and returns what it found.
The stage writes it, in the order the chunks were given, so what is stored does not depend on the number
of workers or on which chunk finished first. Workers write nothing: one writer per store, as always.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Worker processes: ``STORYLENS_WORKERS``, else the machine's cores (at most 4)."""
    env = os.environ.get("STORYLENS_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return max(1, min(4, os.cpu_count() or 1))


def store_location(store: object) -> str | None:
    """Where a second process can open the same store (None: an in-memory store, which it cannot)."""
    path = getattr(store, "path", None)
    url = getattr(store, "url", None)
    if url:
        return str(url)
    if path and path != ":memory:":
        return str(path)
    return None


def die_with_parent() -> None:
    """A killed run leaves no orphan behind (Linux: the parent's death kills this process)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):  # another system: the pool still ends its workers on a normal exit
        pass


_LIMITS: Any = None  # the worker's BLAS limit, kept alive for the worker's life


def _worker_init() -> None:
    """One BLAS thread per worker: the workers already fill the cores, and more threads than cores spin."""
    global _LIMITS
    die_with_parent()


def fork_map(fn: Callable[[T], R], chunks: Sequence[T], workers: int) -> Iterator[R]:
    """``fn(chunk)`` for each chunk in ``workers`` forked processes, yielded in the order of ``chunks``.

    Runs in this process where one worker is asked for, where there is a single chunk or where this system
    cannot fork. ``fn`` must be a module-level function; its chunks and results travel by pickle.
    """
    if workers <= 1 or len(chunks) <= 1 or "fork" not in mp.get_all_start_methods():
        for c in chunks:
            yield fn(c)
        return
    from storylens.nlp.embed import wait_prefetch

    wait_prefetch()  # no encoder thread mid-work in the fork
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=mp.get_context("fork"),
                             initializer=_worker_init) as pool:
        futures: list[Future[R] | None] = [pool.submit(fn, c) for c in chunks]
        try:
            for k, f in enumerate(futures):
                futures[k] = None  # its result is the caller's now: not held here till the last chunk is done
                yield f.result()  # type: ignore[union-attr]
                del f
        finally:
            for f in futures:
                if f is not None:
                    f.cancel()
