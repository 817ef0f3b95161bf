"""The Ray engine: the per-article work as Ray Data ``map_batches`` over an actor pool.

Each document travels as one row (``seq``, its position in the input, and the pickled document); a fixed
pool of ``workers`` actors (``ray.data.ActorPoolStrategy``) each imports storylens once and maps batches of
:data:`storylens.pipeline.BATCH` rows through :func:`storylens.pipeline._extract_and_analyse`, one row's
result (the article or input error, and its sentences' analysis) pickled per output row. The driver takes
the rows back in ``seq`` order (Ray Data's ``preserve_order`` is set, and a row that arrives early waits its
turn), so what is stored, and in what order, is what the local engine stores.

Needs the ``ray`` extra (``pip install 'storylens[ray]'``: Ray 2.60 with Ray Data). Without ``--address`` a
local Ray is started for the run (``ray.init(num_cpus=workers, include_dashboard=False)``: no dashboard, no
usage report, nothing leaves the machine) and shut down after it; with ``--address`` the run connects to a
running cluster, whose nodes need storylens installed (the same version).
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from storylens.engine import EngineUnavailable

log = logging.getLogger("storylens")


class _Annotator:
    """One Ray actor: storylens imported once (extractor, sentence splitter, stemmer), batches mapped through it."""

    def __init__(self) -> None:
        from storylens.pipeline import _extract_and_analyse

        self._fn = _extract_and_analyse

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        docs = [pickle.loads(b) for b in batch["doc"]]
        out: list[bytes] = []
        for doc in docs:  # one row each: any cut of the input into batches gives the same rows
            arts, worked = self._fn([doc])
            out.append(pickle.dumps((arts[0], worked), protocol=pickle.HIGHEST_PROTOCOL))
        return {"seq": np.asarray(batch["seq"], dtype=np.int64), "out": np.asarray(out, dtype=object)}


def _reachable(address: str, timeout: float = 5.0) -> None:
    """A cluster address (``host:port`` or ``ray://host:port``) that accepts no connection is refused in one
    line at once (Ray itself retries for minutes); ``auto`` and other forms are left to Ray."""
    import socket

    hostport = address.removeprefix("ray://").rstrip("/")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit() or not host:
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise EngineUnavailable(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc})") from None


def _ray():  # noqa: ANN202 - the ray module
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is the part used; a bare ``ray`` install lacks its dependencies
    except ImportError as exc:
        raise EngineUnavailable(
            f"--engine ray needs Ray with Ray Data, which is not installed ({exc.name or exc}): "
            "pip install 'storylens[ray]'") from None
    return ray


class RayEngine:
    """Ray Data over ``workers`` actors; the batches are :data:`storylens.pipeline.BATCH` documents."""

    name = "ray"
    distributed = True

    def __init__(self, workers: int = 2, address: str | None = None, batch_size: int | None = None) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report over the network
        ray = _ray()
        from storylens.pipeline import BATCH

        self.workers = max(1, workers)
        self.batch_size = batch_size or BATCH
        self._started = False
        # seconds: "ray start" (a local Ray started), "ray wait" (the driver waiting for the batch jobs' rows)
        self.timings: dict[str, float] = {}
        t0 = time.perf_counter()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "logging_level": logging.ERROR, "configure_logging": True}
            if address:
                _reachable(address)
            try:
                if address:
                    ray.init(address=address, **kwargs)
                else:
                    ray.init(num_cpus=self.workers, **kwargs)
            except Exception as exc:  # noqa: BLE001 - one line for the user
                where = f"the Ray cluster at {address}" if address else "a local Ray"
                raise EngineUnavailable(f"cannot start {where}: {' '.join(str(exc).split())[:300]}") from None
            self._started = True
            self.timings["ray start"] = round(time.perf_counter() - t0, 3)
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # its notes (progress bars off) are not ours
        self._ray = ray

    def map_chunks(self, fn: Callable[[list[Any]], Any], chunks: Sequence[list[Any]]) -> Iterator[Any]:
        """Ray Data over every document of ``chunks``; yields ``(articles, analysis)`` per chunk, in order,
        as :func:`storylens.pipeline._extract_and_analyse` would (``fn`` names the step; the actors run that
        same function)."""
        from storylens.pipeline import _extract_and_analyse

        if fn is not _extract_and_analyse:
            raise ValueError("the Ray engine maps storylens.pipeline._extract_and_analyse")
        docs = [d for c in chunks for d in c]
        if not docs:
            return
        rows = [{"seq": i, "doc": pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL)} for i, d in enumerate(docs)]
        blocks = max(1, -(-len(rows) // self.batch_size))
        ds = self._ray.data.from_items(rows, override_num_blocks=blocks)
        del rows
        ds = ds.map_batches(_Annotator, batch_size=self.batch_size, batch_format="numpy",
                            compute=self._ray.data.ActorPoolStrategy(size=min(self.workers, blocks)),
                            num_cpus=1)
        results = self._timed(self._in_order(ds))
        for chunk in chunks:  # regrouped as the local engine's chunks (the analysis concatenated per chunk)
            arts: list[Any] = []
            worked: list[list[Any]] = [[], [], []]
            for _ in chunk:
                art, w = next(results)
                arts.append(art)
                for part, got in zip(worked, w, strict=True):
                    part.extend(got)
            yield arts, worked

    def _timed(self, rows: Iterator[Any]) -> Iterator[Any]:
        """``rows``, the seconds spent waiting for them added to ``timings["ray wait"]``."""
        while True:
            t0 = time.perf_counter()
            try:
                row = next(rows)
            except StopIteration:
                return
            finally:
                self.timings["ray wait"] = round(self.timings.get("ray wait", 0.0) + time.perf_counter() - t0, 3)
            yield row

    def _in_order(self, ds: Any) -> Iterator[Any]:  # noqa: ANN401 - a ray.data.Dataset
        """The output rows in ``seq`` order: a row that arrives before its turn waits for it."""
        want = 0
        early: dict[int, bytes] = {}
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for seq, blob in zip(batch["seq"].tolist(), batch["out"], strict=True):
                early[int(seq)] = blob
            while want in early:
                yield pickle.loads(early.pop(want))
                want += 1
        if early:
            raise RuntimeError(f"Ray returned rows out of range ({sorted(early)[:5]}...)")

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False
