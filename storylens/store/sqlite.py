"""SQLite store: WAL journal, one transaction per batch, versioned schema migrations, FTS5 search."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storylens.model import Article, Derivation, Story, Storyline
from storylens.store.base import OnWait, Store, StoreError, lock_wait_limit, wait_for_writer_lock

SQLITE_MAGIC = b"SQLite format 3\x00"

# Each entry migrates the schema from version i to i + 1. Never edit a released entry: append.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        outlet TEXT,
        published TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE raw_pages (
        hash TEXT PRIMARY KEY,
        url TEXT,
        content_type TEXT,
        content BLOB NOT NULL,
        fetched_at TEXT DEFAULT CURRENT_TIMESTAMP
    );
    CREATE TABLE derivations (
        source_id TEXT NOT NULL,
        derived_id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (source_id, derived_id)
    );
    CREATE INDEX derivations_derived ON derivations(derived_id);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL
    );
    CREATE TABLE story_members (
        article_id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story_id);
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, body, tokenize='unicode61');
    """,
    # 3: which stored articles the analysis stages have seen. Rows that exist when this
    # migration runs were analysed by the run that stored them (default 1); new rows start at 0.
    """
    ALTER TABLE articles ADD COLUMN processed INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX articles_unprocessed ON articles(processed) WHERE processed = 0;
    """,
    # 4: storylines above stories
    """
    CREATE TABLE storylines (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL
    );
    """,
    # 5: an article's full-text row has the article's seq as its rowid, so replacing it (the furniture stage
    # rewrites bodies) finds it by rowid; by the unindexed id column it was a scan of the whole index per
    # article (quadratic in the store's size)
    """
    CREATE VIRTUAL TABLE articles_fts_by_seq USING fts5(id UNINDEXED, title, body, tokenize='unicode61');
    INSERT INTO articles_fts_by_seq (rowid, id, title, body)
        SELECT a.seq, f.id, f.title, f.body FROM articles_fts f JOIN articles a ON a.id = f.id;
    DROP TABLE articles_fts;
    ALTER TABLE articles_fts_by_seq RENAME TO articles_fts;
    """,
]


def _statements(script: str) -> list[str]:
    """The SQL statements of a migration script, one by one (run inside one transaction)."""
    out: list[str] = []
    current = ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n\t;"):
                out.append(current.strip())
            current = ""
    if current.strip(" \n\t;"):
        out.append(current.strip())
    return out


class SQLiteStore(Store):
    def __init__(self, path: str | Path = "storylens.db") -> None:
        self.path = str(path)
        self._writers = 0  # writer_lock depth in this object
        self._atomic = 0  # atomic() depth: the methods' own transactions join the outer one
        if self.path != ":memory:":
            self._check_file(Path(self.path))
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from None
        try:
            self._wal()
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc}); left untouched") from None
        except StoreError:
            self.conn.close()
            raise

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One method's writes: a transaction of their own, or part of the enclosing :meth:`atomic` block."""
        if self._atomic:
            yield
            return
        with self.conn:
            yield

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        if self._atomic:
            self._atomic += 1
            try:
                yield
            finally:
                self._atomic -= 1
            return
        self._atomic = 1
        try:
            with self.conn:  # commits at the end, rolls back on an exception; a killed process leaves no trace
                if not self.conn.in_transaction:
                    self.conn.execute("BEGIN IMMEDIATE")
                yield
        finally:
            self._atomic = 0

    def _wal(self, wait: float = 30.0) -> None:
        """Switch to write-ahead logging. Two processes converting a new file at the same moment can get "database
        is locked" at once, without SQLite's busy timeout (seen in the suite: three processes opening one new
        store); try again for up to ``wait`` seconds."""
        import time

        deadline = time.monotonic() + wait
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @staticmethod
    def _check_file(path: Path) -> None:
        """Refuse, before SQLite touches it, a path that is a folder or a file that is not a SQLite database."""
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file")
        if not path.exists():
            return
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"{path}: cannot read the database ({exc.strerror or exc})") from None
        if head and head != SQLITE_MAGIC:
            raise StoreError(f"{path}: not a SQLite database; refusing to open it (the file is left untouched)")

    # ------------------------------------------------------------ schema
    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to date, one transaction per migration step."""
        version = self.schema_version
        latest = len(MIGRATIONS)
        if version > latest:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this storylens supports "
                f"({latest}); upgrade storylens or use another --db file"
            )
        for i in range(version, latest):
            try:
                # BEGIN IMMEDIATE takes the write lock before the version is read again: a second process
                # opening a new store at the same moment waits for the first one's migration, then skips it
                self.conn.execute("BEGIN IMMEDIATE")
                if self.schema_version > i:
                    self.conn.commit()
                    continue
                for statement in _statements(MIGRATIONS[i]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={i + 1}")
                self.conn.commit()
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise StoreError(f"{self.path}: schema migration {i} -> {i + 1} failed ({exc})") from None
        if 0 < version < latest:
            self._reindex_search()

    def _reindex_search(self) -> None:
        """Index articles stored before the full-text table existed (databases from older versions)."""
        n_articles = self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        n_indexed = self.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
        if n_articles == n_indexed:
            return
        with self._tx():
            self.conn.execute("DELETE FROM articles_fts")
            for seq, data in self.conn.execute("SELECT seq, data FROM articles ORDER BY seq").fetchall():
                a = Article.model_validate_json(data)
                self.conn.execute("INSERT INTO articles_fts (rowid, id, title, body) VALUES (?,?,?,?)",
                                  (seq, a.id, a.title or "", a.text))

    # ------------------------------------------------------------ articles
    @staticmethod
    def _row(a: Article) -> tuple[str, str, str | None, str | None, str]:
        pub = a.published.isoformat() if a.published else None
        return a.id, a.content_hash, a.outlet, pub, a.model_dump_json()

    def add_articles(self, articles: Iterable[Article]) -> list[Article]:
        new: list[Article] = []
        with self._tx():
            for a in articles:
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO articles (id, content_hash, outlet, published, data, processed) "
                    "VALUES (?,?,?,?,?,0)",
                    self._row(a),
                )
                if cur.rowcount:
                    self.conn.execute("INSERT INTO articles_fts (rowid, id, title, body) VALUES (?,?,?,?)",
                                      (cur.lastrowid, a.id, a.title or "", a.text))
                    new.append(a)
        return new

    def update_articles(self, articles: Iterable[Article]) -> None:
        with self._tx():
            for a in articles:
                _, _, outlet, pub, data = self._row(a)
                row = self.conn.execute("SELECT seq FROM articles WHERE id=?", (a.id,)).fetchone()
                if row is None:
                    continue  # not stored: nothing to update
                self.conn.execute("UPDATE articles SET outlet=?, published=?, data=? WHERE seq=?",
                                  (outlet, pub, data, row[0]))
                self.conn.execute("DELETE FROM articles_fts WHERE rowid=?", (row[0],))
                self.conn.execute("INSERT INTO articles_fts (rowid, id, title, body) VALUES (?,?,?,?)",
                                  (row[0], a.id, a.title or "", a.text))

    def has_hash(self, content_hash: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE content_hash=?", (content_hash,)).fetchone() is not None

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        out = []
        for i in ids:
            a = self.get_article(i)
            if a is not None:
                out.append(a)
        return out

    def iter_articles(self, outlet: str | None = None) -> Iterator[Article]:
        if outlet is None:
            cur = self.conn.execute("SELECT data FROM articles ORDER BY seq")
        else:
            cur = self.conn.execute("SELECT data FROM articles WHERE outlet=? ORDER BY seq", (outlet,))
        for (data,) in cur.fetchall():
            yield Article.model_validate_json(data)

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def unprocessed_articles(self) -> list[Article]:
        rows = self.conn.execute("SELECT data FROM articles WHERE processed = 0 ORDER BY seq").fetchall()
        return [Article.model_validate_json(r[0]) for r in rows]

    def unprocessed_ids(self) -> list[tuple[str, str | None, str | None]]:
        rows = self.conn.execute("SELECT id, published, outlet FROM articles WHERE processed = 0 ORDER BY seq"
                                 ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def mark_processed(self, article_ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(article_ids))
        with self._tx():
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                q = ",".join("?" * len(chunk))
                self.conn.execute(f"UPDATE articles SET processed = 1 WHERE processed = 0 AND id IN ({q})", chunk)

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[str]:
        terms = re.findall(r"\w+", query, re.UNICODE)
        if not terms:
            return []
        fts = " ".join('"' + t.replace('"', "") + '"' for t in terms)
        rows = self.conn.execute(
            "SELECT id FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (fts, limit, offset),
        ).fetchall()
        return [r[0] for r in rows]

    # ------------------------------------------------------------ raw pages
    def put_raw(self, url: str, content: bytes, content_type: str | None) -> str:
        h = hashlib.sha256(content).hexdigest()
        with self._tx():
            self.conn.execute("INSERT OR IGNORE INTO raw_pages (hash, url, content_type, content) VALUES (?,?,?,?)",
                              (h, url, content_type, content))
        return h

    # ------------------------------------------------------------ derivations
    def put_derivations(self, derivations: Iterable[Derivation], replace_for: Iterable[str] = ()) -> None:
        with self._tx():
            for d in replace_for:
                self.conn.execute("DELETE FROM derivations WHERE derived_id=?", (d,))
            for dv in derivations:
                self.conn.execute("INSERT OR REPLACE INTO derivations (source_id, derived_id, data) VALUES (?,?,?)",
                                  (dv.source_id, dv.derived_id, dv.model_dump_json()))

    def get_derivations(self, article_ids: Iterable[str] | None = None) -> list[Derivation]:
        if article_ids is None:
            rows = self.conn.execute("SELECT data FROM derivations ORDER BY source_id, derived_id").fetchall()
        else:
            ids = sorted(set(article_ids))
            rows = []
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                q = ",".join("?" * len(chunk))
                rows += self.conn.execute(
                    f"SELECT data FROM derivations WHERE source_id IN ({q}) OR derived_id IN ({q})", chunk + chunk
                ).fetchall()
            rows = sorted(set(rows))
        return [Derivation.model_validate_json(r[0]) for r in rows]

    # ------------------------------------------------------------ stories
    def put_stories(self, stories: Iterable[Story], delete: Iterable[str] = ()) -> None:
        with self._tx():
            for sid in delete:
                self.conn.execute("DELETE FROM stories WHERE id=?", (sid,))
                self.conn.execute("DELETE FROM story_members WHERE story_id=?", (sid,))
            for s in stories:
                self.conn.execute("INSERT OR REPLACE INTO stories (id, data) VALUES (?,?)", (s.id, s.model_dump_json()))
                for aid in s.article_ids:
                    self.conn.execute("INSERT OR REPLACE INTO story_members (article_id, story_id) VALUES (?,?)",
                                      (aid, s.id))

    def get_stories(self, ids: Iterable[str] | None = None) -> list[Story]:
        if ids is None:
            rows = self.conn.execute("SELECT data FROM stories ORDER BY id").fetchall()
        else:
            rows = [r for i in ids if (r := self.conn.execute("SELECT data FROM stories WHERE id=?", (i,)).fetchone())]
        return [Story.model_validate_json(r[0]) for r in rows]

    def put_storylines(self, storylines: Iterable[Storyline], delete: Iterable[str] = ()) -> None:
        with self._tx():
            self.conn.executemany("DELETE FROM storylines WHERE id=?", [(i,) for i in delete])
            self.conn.executemany("INSERT OR REPLACE INTO storylines (id, data) VALUES (?,?)",
                                  [(x.id, x.model_dump_json()) for x in storylines])

    def get_storylines(self, ids: Iterable[str] | None = None) -> list[Storyline]:
        if ids is None:
            rows = self.conn.execute("SELECT data FROM storylines ORDER BY id").fetchall()
        else:
            rows = [r for i in ids
                    if (r := self.conn.execute("SELECT data FROM storylines WHERE id=?", (i,)).fetchone())]
        return [Storyline.model_validate_json(r[0]) for r in rows]

    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story_id FROM story_members WHERE article_id=?", (article_id,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ state
    def get_state(self, key: str) -> Any | None:
        row = self.conn.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def get_states(self, keys: Iterable[str]) -> dict[str, Any]:
        ks = list(dict.fromkeys(keys))
        out: dict[str, Any] = {}
        for i in range(0, len(ks), 500):  # below SQLite's limit on bound parameters
            part = ks[i:i + 500]
            q = f"SELECT key, value FROM state WHERE key IN ({','.join('?' * len(part))})"
            out.update((k, json.loads(v)) for k, v in self.conn.execute(q, part).fetchall())
        return out

    def put_state(self, key: str, value: Any) -> None:
        with self._tx():
            self.conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?,?)", (key, json.dumps(value)))

    def put_states(self, items: Iterable[tuple[str, Any]]) -> None:
        rows = [(k, json.dumps(v)) for k, v in items]
        if rows:
            with self._tx():
                self.conn.executemany("INSERT OR REPLACE INTO state (key, value) VALUES (?,?)", rows)

    # ------------------------------------------------------------ one writer at a time
    @contextlib.contextmanager
    def writer_lock(self, on_wait: OnWait | None = None, timeout: float | None = None) -> Iterator[None]:
        """An exclusive ``flock`` on ``<db>-lock`` beside the database (the kernel drops it when the process
        dies, SIGKILL included; the file stays, empty but for the holder's pid)."""
        if self._writers or self.path == ":memory:":
            self._writers += 1
            try:
                yield
            finally:
                self._writers -= 1
            return
        import fcntl

        lock_path = self.path + "-lock"
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:  # a read-only folder: SQLite can write nothing there either, and says so itself
            fd = -1

        def try_lock() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        def holder() -> str:
            try:
                pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            except OSError:
                return ""
            return f" (pid {pid})" if pid.isdigit() else ""

        try:
            if fd >= 0:
                wait_for_writer_lock(try_lock, self.path, holder, on_wait,
                                     timeout if timeout is not None else lock_wait_limit())
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, str(os.getpid()).encode(), 0)
            self._writers = 1
            yield
        finally:
            self._writers = 0
            if fd >= 0:
                os.close(fd)  # and the lock with it

    def close(self) -> None:
        self.conn.close()
