"""Ingest jobs started from the browser or the API: run in a background thread, report progress."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storylens.model import InputError

log = logging.getLogger("storylens.web")

MAX_UPLOAD_FILES = 200
MAX_URLS = 100
DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024
SERVER_PRIVATE_HINT = "this server fetches public addresses only"


def max_upload_bytes() -> int:
    """The cap on one request's body (every file and field of an upload together):
    ``STORYLENS_MAX_UPLOAD_BYTES`` from the environment, else 256 MiB. One file is also capped
    at ``STORYLENS_MAX_BYTES``."""
    try:
        n = int(os.environ.get("STORYLENS_MAX_UPLOAD_BYTES", ""))
    except ValueError:
        return DEFAULT_MAX_UPLOAD_BYTES
    return n if n > 0 else DEFAULT_MAX_UPLOAD_BYTES
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Job:
    id: str
    status: str = "queued"  # queued, running, done, failed
    stage: str = "queued"
    done: int = 0
    total: int | None = None
    files: int = 0
    urls: int = 0
    added: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)
    story_ids: list[str] = field(default_factory=list)
    message: str = ""
    created: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))


def safe_filename(name: str | None, index: int) -> str:
    """A harmless file name that keeps the original extension (the readers use it to pick a format)."""
    base = Path((name or "").replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip("._")[:120]
    return f"{index:04d}_{base or 'upload.txt'}"


class JobRunner:
    """Runs one ingest at a time against the app's database; keeps the last jobs in memory."""

    def __init__(self, db_path: str, keep: int = 200) -> None:
        self.db_path = db_path
        self.jobs: dict[str, Job] = {}
        self.keep = keep
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # one ingest at a time (SQLite has one writer)
        self._jobs_lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def start(self, files: list[tuple[str | None, bytes]], urls: list[str], wait: bool = False) -> Job:
        with self._jobs_lock:
            job = Job(id=f"job-{next(self._ids)}", files=len(files), urls=len(urls))
            self.jobs[job.id] = job
            while len(self.jobs) > self.keep:
                self.jobs.pop(next(iter(self.jobs)))
        tmp = Path(tempfile.mkdtemp(prefix="storylens-upload-"))
        for i, (name, data) in enumerate(files):
            (tmp / safe_filename(name, i)).write_bytes(data)
        thread = threading.Thread(target=self._run, args=(job, tmp, urls), name=job.id, daemon=True)
        thread.start()
        if wait:
            thread.join()
        return job

    def _docs(self, job: Job, tmp: Path, urls: list[str], store: object) -> Iterator:
        from storylens.sources import iter_sources

        if job.files:
            yield from iter_sources([tmp])
        if urls:
            try:
                from storylens.sources.fetch import fetch_urls
            except ImportError:
                for u in urls:
                    yield InputError(source=u, reason="fetching URLs is not available in this version")
                return
            yield from fetch_urls(urls, store=store, allow_private=False, private_hint=SERVER_PRIVATE_HINT)

    def _run(self, job: Job, tmp: Path, urls: list[str]) -> None:
        from storylens.pipeline import ingest_docs, run_stages
        from storylens.store import open_store

        def progress(stage: str, done: int, total: int | None) -> None:
            job.stage, job.done, job.total = stage, done, total

        try:
            with self._lock:
                job.status = "running"
                store = open_store(self.db_path)

                def waiting(message: str) -> None:
                    job.stage, job.message = "waiting", message

                try:
                    # another process (an analyze beside the server) may be writing: wait for it, saying so
                    with store.writer_lock(waiting):
                        res = ingest_docs(store, self._docs(job, tmp, urls, store), progress)
                        job.added = [a.id for a in res.added]
                        job.skipped = res.skipped
                        job.errors = [InputError(source=_display_source(e.source, tmp), reason=e.reason)
                                      for e in res.errors]
                        job.stages = run_stages(store, res.added, progress)
                    sids = {store.story_of(a) for a in job.added}
                    job.story_ids = sorted(s for s in sids if s)
                finally:
                    store.close()
            job.status, job.stage = "done", "done"
            job.message = (f"{len(job.added)} new article(s), {job.skipped} already stored, "
                           f"{len(job.errors)} input error(s).")
        except Exception as exc:  # noqa: BLE001 - the job reports the failure; the server goes on
            log.exception("ingest job %s failed", job.id)
            job.status, job.stage = "failed", "failed"
            job.message = f"ingest failed: {exc.__class__.__name__}: {str(exc)[:300]}"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _display_source(source: str, tmp: Path) -> str:
    """Error sources without the temporary folder; upload names without the index prefix."""
    s = source.replace(str(tmp) + "/", "")
    return re.sub(r"^\d{4}_", "", s)
