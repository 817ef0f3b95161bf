"""PostgreSQL store (psycopg 3): the same tables, migrations and answers as the SQLite store.

Open it with ``open_store("postgresql://user:password@host:port/dbname")``. Every method behaves as
``SQLiteStore``'s does: one transaction per batch, schema versions that move forward one migration at a
time (a database from a newer storylens is refused), a database holding someone else's tables is refused
and left untouched, and every list comes back in the same order. Text keys use the "C" collation, so
``ORDER BY id`` sorts as SQLite (and Python) do, by code point.

Full-text search uses PostgreSQL's own: a ``tsvector`` per article in ``articles_fts`` with a GIN index,
matched with a ``tsquery``. The tokens are the ones SQLite's FTS5 ``unicode61`` tokenizer makes (letters,
digits and marks; lower case; diacritics removed), and results are ranked by the BM25 that FTS5 computes
(k1 = 1.2, b = 0.75, title and body together), ties in indexing order, so a query gives the same ids in the
same order on either store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg

from storylens.model import Article, Derivation, Story, Storyline
from storylens.store.base import OnWait, Store, StoreError, lock_wait_limit, wait_for_writer_lock
from storylens.store.urls import redact_url

# Each entry migrates the schema from version i to i + 1, as sqlite.MIGRATIONS does (same numbering, so a
# version means the same tables on both stores). Never edit a released entry: append.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT COLLATE "C" NOT NULL UNIQUE,
        content_hash TEXT COLLATE "C" NOT NULL UNIQUE,
        outlet TEXT COLLATE "C",
        published TEXT COLLATE "C",
        data TEXT NOT NULL
    );
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE raw_pages (
        hash TEXT COLLATE "C" PRIMARY KEY,
        url TEXT,
        content_type TEXT,
        content BYTEA NOT NULL,
        fetched_at TIMESTAMPTZ DEFAULT now()
    );
    CREATE TABLE derivations (
        source_id TEXT COLLATE "C" NOT NULL,
        derived_id TEXT COLLATE "C" NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (source_id, derived_id)
    );
    CREATE INDEX derivations_derived ON derivations(derived_id);
    CREATE TABLE stories (
        id TEXT COLLATE "C" PRIMARY KEY,
        data TEXT NOT NULL
    );
    CREATE TABLE story_members (
        article_id TEXT COLLATE "C" PRIMARY KEY,
        story_id TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story_id);
    CREATE TABLE state (
        key TEXT COLLATE "C" PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: full-text search. rowid orders ties as FTS5's rowid does (since 5, the article's seq);
    # n_tokens is the article's token count for BM25; exact is false when PostgreSQL had to cut the
    # positions (over 256 of one word, or past position 16383): such rows are counted from their text.
    """
    CREATE TABLE articles_fts (
        rowid BIGSERIAL PRIMARY KEY,
        id TEXT COLLATE "C" NOT NULL,
        n_tokens INTEGER NOT NULL,
        exact BOOLEAN NOT NULL,
        doc TSVECTOR NOT NULL
    );
    CREATE INDEX articles_fts_id ON articles_fts(id);
    CREATE INDEX articles_fts_doc ON articles_fts USING GIN (doc);
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
        id TEXT COLLATE "C" PRIMARY KEY,
        data TEXT NOT NULL
    );
    """,
    # 5: an article's full-text row has the article's seq as its rowid, kept when it is re-indexed, as on
    # SQLite (where that spares a scan of the whole index per re-indexed article); search ties order alike
    """
    UPDATE articles_fts SET rowid = -rowid;
    UPDATE articles_fts f SET rowid = a.seq FROM articles a WHERE a.id = f.id;
    """,
]

VERSION_TABLE = "storylens_schema"
_LOCK_KEY = 0x5704_1E25  # advisory lock held while migrating, so two processes never migrate at once
_WRITER_KEY = 0x5704_1E26  # advisory lock held by the one process adding articles and running the stages
_MAX_POS = 16383  # PostgreSQL's largest tsvector position
_MAX_POSITIONS = 256  # and the most positions it keeps for one lexeme
_K1, _B = 1.2, 0.75  # FTS5's bm25() constants


def _one_line(exc: BaseException, url: str = "") -> str:
    """The error in one line, the URL (if it quotes it) without its password."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text.replace(url, redact_url(url)) if url else text


# ------------------------------------------------------------ tokens, as FTS5's unicode61 makes them
def _latin(ch: str) -> bool:
    o = ord(ch)
    return o < 0x250 or 0x1E00 <= o <= 0x1EFF


def _fold(token: str) -> str:
    """Lower case, diacritics removed from Latin letters (unicode61's default remove_diacritics)."""
    if token.isascii():
        return token.lower()
    out: list[str] = []
    for ch in token:
        for c in ch.lower():  # per character: no context rules (final sigma), as unicode61 folds
            if unicodedata.combining(c):
                if out and _latin(out[-1]):
                    continue
                out.append(c)
                continue
            d = unicodedata.normalize("NFD", c)
            if len(d) > 1 and _latin(d[0]) and all(unicodedata.combining(x) for x in d[1:]):
                out.append(d[0])
            else:
                out.append(c)
    return "".join(out)


_TOKEN_CATS = ("L", "N", "M")


def tokens(text: str) -> list[str]:
    """unicode61's tokens: runs of letters, digits and marks (and private-use characters), folded."""
    out: list[str] = []
    cur: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in _TOKEN_CATS or cat == "Co":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    folded = (_fold(t) for t in out)
    return [t for t in folded if t]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _positions(title: str, body: str) -> tuple[dict[str, list[int]], int]:
    """Each token's positions (title first, then the body one position further on, so no phrase spans
    the two, as FTS5's columns do not) and the number of tokens."""
    pos: dict[str, list[int]] = {}
    t_toks = tokens(title)
    b_toks = tokens(body)
    for i, tok in enumerate(t_toks, 1):
        pos.setdefault(tok, []).append(i)
    start = len(t_toks) + 2
    for i, tok in enumerate(b_toks, start):
        pos.setdefault(tok, []).append(i)
    return pos, len(t_toks) + len(b_toks)


def _fts_row(a: Article) -> tuple[str, int, bool, str]:
    pos, n = _positions(a.title or "", a.text)
    exact = all(len(p) <= _MAX_POSITIONS and p[-1] <= _MAX_POS for p in pos.values())
    doc = " ".join(_quote(tok) + ":" + ",".join(str(min(x, _MAX_POS)) for x in ps[:_MAX_POSITIONS])
                   for tok, ps in pos.items())
    return a.id, n, exact, doc


def _phrase_freq(pos: dict[str, Sequence[int]], phrase: list[str]) -> int:
    first = pos.get(phrase[0], ())
    if len(phrase) == 1:
        return len(first)
    rest = [set(pos.get(tok, ())) for tok in phrase[1:]]
    return sum(1 for p in first if all(p + k + 1 in s for k, s in enumerate(rest)))


class PostgresStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self._writers = 0  # writer_lock depth in this object
        self.path = redact_url(url)  # what messages name (never the password)
        try:
            params = psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: not a valid PostgreSQL URL ({_one_line(exc, self.url)})") from None
        extra: dict[str, Any] = {}
        if "connect_timeout" not in params:
            extra["connect_timeout"] = 10
        if "application_name" not in params:
            extra["application_name"] = "storylens"
        try:
            self.conn = psycopg.connect(url, autocommit=True, **extra)
        except psycopg.Error as exc:
            text = _one_line(exc, self.url)
            hint = "; create it first (createdb, or CREATE DATABASE)" if "does not exist" in text else ""
            raise StoreError(f"{self.path}: cannot connect to PostgreSQL ({text}){hint}") from None
        try:
            self.migrate()
        except psycopg.Error as exc:
            self.conn.close()
            raise StoreError(f"{self.path}: cannot use the database ({_one_line(exc, self.url)})") from None
        except StoreError:
            self.conn.close()
            raise

    # ------------------------------------------------------------ schema
    def _read_version(self) -> int | None:
        """The stored schema version; None when the database has no storylens tables."""
        # a query of the catalog, not to_regclass(): that reads the session's cached catalog, which need not see a
        # table another process created while this one waited on the migration lock (it then took a store being
        # created beside it for "a database with other tables")
        row = self.conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                                "AND table_name = %s", (VERSION_TABLE,)).fetchone()
        if row is None:
            return None
        got = self.conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
        return int(got[0]) if got else 0

    @property
    def schema_version(self) -> int:
        return self._read_version() or 0

    def _foreign_tables(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "ORDER BY table_name").fetchall()
        return [r[0] for r in rows]

    def migrate(self) -> None:
        """Bring the schema up to date, one transaction per migration step."""
        latest = len(MIGRATIONS)
        version = self._read_version()
        if version is not None and version == latest:
            return
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            version = self._read_version()  # another process may have migrated while we waited
            if version is None:
                others = self._foreign_tables()
                if others:
                    shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
                    raise StoreError(f"{self.path}: the database holds tables that are not storylens's ({shown}); "
                                     "refusing to use it (it is left untouched); give an empty database")
                self.conn.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)")
                self.conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (0)")
                version = 0
        if version > latest:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this storylens supports "
                f"({latest}); upgrade storylens or use another --db database"
            )
        start = version
        for i in range(version, latest):
            try:
                with self.conn.transaction():
                    self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                    if self._read_version() != i:  # done meanwhile by another process
                        continue
                    self.conn.execute(MIGRATIONS[i])
                    self.conn.execute(f"UPDATE {VERSION_TABLE} SET version = %s", (i + 1,))
            except psycopg.Error as exc:
                raise StoreError(f"{self.path}: schema migration {i} -> {i + 1} failed ({_one_line(exc, self.url)})") from None
        if 0 < start < latest:
            self._reindex_search()

    def _reindex_search(self) -> None:
        """Index articles stored before the full-text table existed (databases from older versions)."""
        n_articles = self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        n_indexed = self.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
        if n_articles == n_indexed:
            return
        with self.conn.transaction():
            self.conn.execute("DELETE FROM articles_fts")
            rows = self.conn.execute("SELECT data FROM articles ORDER BY seq").fetchall()
            self._index([Article.model_validate_json(r[0]) for r in rows])

    def _index(self, articles: list[Article]) -> None:
        """Full-text rows of stored articles, each with its article's seq as rowid."""
        if articles:
            self.conn.cursor().executemany(
                "INSERT INTO articles_fts (rowid, id, n_tokens, exact, doc) "
                "SELECT a.seq, %s, %s, %s, %s::tsvector FROM articles a WHERE a.id = %s",
                [(*row, row[0]) for row in map(_fts_row, articles)])

    # ------------------------------------------------------------ articles
    @staticmethod
    def _row(a: Article) -> tuple[str, str, str | None, str | None, str]:
        pub = a.published.isoformat() if a.published else None
        return a.id, a.content_hash, a.outlet, pub, a.model_dump_json()

    def add_articles(self, articles: Iterable[Article]) -> list[Article]:
        new: list[Article] = []
        with self.conn.transaction():
            batch = list(articles)
            if not batch:
                return new
            cur = self.conn.cursor()
            cur.executemany(
                "INSERT INTO articles (id, content_hash, outlet, published, data, processed) "
                "VALUES (%s, %s, %s, %s, %s, 0) ON CONFLICT DO NOTHING RETURNING seq",
                [self._row(a) for a in batch], returning=True)
            inserted = []
            for _ in cur.results():
                inserted.append(cur.fetchone() is not None)
            new = [a for a, ok in zip(batch, inserted, strict=True) if ok]
            self._index(new)
        return new

    def update_articles(self, articles: Iterable[Article]) -> None:
        with self.conn.transaction():
            batch = list(articles)
            if not batch:
                return
            cur = self.conn.cursor()
            cur.executemany("UPDATE articles SET outlet = %s, published = %s, data = %s WHERE id = %s",
                            [(outlet, pub, data, a.id) for a in batch
                             for _, _, outlet, pub, data in [self._row(a)]])
            cur.executemany("DELETE FROM articles_fts WHERE id = %s", [(a.id,) for a in batch])
            self._index(batch)

    def has_hash(self, content_hash: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE content_hash = %s",
                                 (content_hash,)).fetchone() is not None

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT data FROM articles WHERE id = %s", (article_id,)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        want = list(ids)
        if not want:
            return []
        rows = self.conn.execute("SELECT id, data FROM articles WHERE id = ANY(%s)", (list(set(want)),)).fetchall()
        by_id = dict(rows)
        return [Article.model_validate_json(by_id[i]) for i in want if i in by_id]

    def iter_articles(self, outlet: str | None = None) -> Iterator[Article]:
        if outlet is None:
            rows = self.conn.execute("SELECT data FROM articles ORDER BY seq").fetchall()
        else:
            rows = self.conn.execute("SELECT data FROM articles WHERE outlet = %s ORDER BY seq", (outlet,)).fetchall()
        for (data,) in rows:
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
        if ids:
            with self.conn.transaction():
                self.conn.execute("UPDATE articles SET processed = 1 WHERE processed = 0 AND id = ANY(%s)", (ids,))

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[str]:
        phrases = [p for t in re.findall(r"\w+", query, re.UNICODE) if (p := tokens(t))]
        if not phrases:
            return []

        def tsq(p: list[str]) -> str:
            return "(" + " <-> ".join(_quote(t) for t in p) + ")"

        full = " & ".join(tsq(p) for p in phrases)
        lexemes = sorted({t for p in phrases for t in p})
        n_rows, n_tokens = self.conn.execute("SELECT COUNT(*), COALESCE(SUM(n_tokens), 0) FROM articles_fts").fetchone()
        rows = self.conn.execute(
            "SELECT f.rowid, f.id, f.n_tokens, f.exact, "
            "ARRAY(SELECT u.lexeme FROM unnest(f.doc) u WHERE u.lexeme = ANY(%s) ORDER BY u.lexeme), "
            "ARRAY(SELECT array_to_string(u.positions, ',') FROM unnest(f.doc) u WHERE u.lexeme = ANY(%s) "
            "ORDER BY u.lexeme) "
            "FROM articles_fts f WHERE f.doc @@ %s::tsquery",
            (lexemes, lexemes, full)).fetchall()
        if not rows:
            return []
        # each phrase's IDF over the whole index, as FTS5 computes it
        idf = []
        for p in phrases:
            n_hit = self.conn.execute("SELECT COUNT(*) FROM articles_fts WHERE doc @@ %s::tsquery",
                                      (tsq(p),)).fetchone()[0]
            v = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
            idf.append(v if v > 0.0 else 1e-6)
        avgdl = float(n_tokens) / float(n_rows)
        inexact = [r[1] for r in rows if not r[3]]
        texts = {a.id: a for a in self.get_articles(inexact)} if inexact else {}
        scored = []
        for rowid, aid, n_tok, exact, lexs, poss in rows:
            if exact or aid not in texts:
                pos = {lx: [int(x) for x in ps.split(",") if x] for lx, ps in zip(lexs, poss, strict=True)}
            else:
                a = texts[aid]
                pos = _positions(a.title or "", a.text)[0]
            d = float(n_tok)
            score = 0.0
            for i, p in enumerate(phrases):
                f = float(_phrase_freq(pos, p))
                score += idf[i] * ((f * (_K1 + 1.0)) / (f + _K1 * (1 - _B + _B * d / avgdl)))
            scored.append((-1.0 * score, rowid, aid))
        scored.sort()
        return [aid for _, _, aid in scored[offset: offset + limit]] if limit >= 0 else [
            aid for _, _, aid in scored[offset:]]

    # ------------------------------------------------------------ raw pages
    def put_raw(self, url: str, content: bytes, content_type: str | None) -> str:
        h = hashlib.sha256(content).hexdigest()
        with self.conn.transaction():
            self.conn.execute("INSERT INTO raw_pages (hash, url, content_type, content) VALUES (%s, %s, %s, %s) "
                              "ON CONFLICT DO NOTHING", (h, url, content_type, content))
        return h

    # ------------------------------------------------------------ derivations
    def put_derivations(self, derivations: Iterable[Derivation], replace_for: Iterable[str] = ()) -> None:
        with self.conn.transaction():
            cur = self.conn.cursor()
            drop = [(d,) for d in replace_for]
            if drop:
                cur.executemany("DELETE FROM derivations WHERE derived_id = %s", drop)
            rows = [(dv.source_id, dv.derived_id, dv.model_dump_json()) for dv in derivations]
            if rows:
                cur.executemany("INSERT INTO derivations (source_id, derived_id, data) VALUES (%s, %s, %s) "
                                "ON CONFLICT (source_id, derived_id) DO UPDATE SET data = EXCLUDED.data", rows)

    def get_derivations(self, article_ids: Iterable[str] | None = None) -> list[Derivation]:
        if article_ids is None:
            rows = self.conn.execute("SELECT data FROM derivations ORDER BY source_id, derived_id").fetchall()
        else:
            ids = sorted(set(article_ids))
            if not ids:
                return []
            rows = self.conn.execute("SELECT data FROM derivations WHERE source_id = ANY(%s) OR derived_id = ANY(%s)",
                                     (ids, ids)).fetchall()
            rows = sorted(set(rows))  # the SQLite store's order: by the stored JSON
        return [Derivation.model_validate_json(r[0]) for r in rows]

    # ------------------------------------------------------------ stories
    def put_stories(self, stories: Iterable[Story], delete: Iterable[str] = ()) -> None:
        with self.conn.transaction():
            cur = self.conn.cursor()
            drop = [(sid,) for sid in delete]
            if drop:
                cur.executemany("DELETE FROM stories WHERE id = %s", drop)
                cur.executemany("DELETE FROM story_members WHERE story_id = %s", drop)
            batch = list(stories)
            if batch:
                cur.executemany("INSERT INTO stories (id, data) VALUES (%s, %s) "
                                "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data",
                                [(s.id, s.model_dump_json()) for s in batch])
                members = [(aid, s.id) for s in batch for aid in s.article_ids]
                if members:
                    cur.executemany("INSERT INTO story_members (article_id, story_id) VALUES (%s, %s) "
                                    "ON CONFLICT (article_id) DO UPDATE SET story_id = EXCLUDED.story_id", members)

    def get_stories(self, ids: Iterable[str] | None = None) -> list[Story]:
        if ids is None:
            rows = self.conn.execute("SELECT data FROM stories ORDER BY id").fetchall()
            return [Story.model_validate_json(r[0]) for r in rows]
        want = list(ids)
        if not want:
            return []
        by_id = dict(self.conn.execute("SELECT id, data FROM stories WHERE id = ANY(%s)", (list(set(want)),)).fetchall())
        return [Story.model_validate_json(by_id[i]) for i in want if i in by_id]

    def put_storylines(self, storylines: Iterable[Storyline], delete: Iterable[str] = ()) -> None:
        with self.conn.transaction():
            cur = self.conn.cursor()
            drop = [(i,) for i in delete]
            if drop:
                cur.executemany("DELETE FROM storylines WHERE id = %s", drop)
            rows = [(x.id, x.model_dump_json()) for x in storylines]
            if rows:
                cur.executemany("INSERT INTO storylines (id, data) VALUES (%s, %s) "
                                "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data", rows)

    def get_storylines(self, ids: Iterable[str] | None = None) -> list[Storyline]:
        if ids is None:
            rows = self.conn.execute("SELECT data FROM storylines ORDER BY id").fetchall()
            return [Storyline.model_validate_json(r[0]) for r in rows]
        want = list(ids)
        if not want:
            return []
        by_id = dict(self.conn.execute("SELECT id, data FROM storylines WHERE id = ANY(%s)",
                                       (list(set(want)),)).fetchall())
        return [Storyline.model_validate_json(by_id[i]) for i in want if i in by_id]

    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story_id FROM story_members WHERE article_id = %s", (article_id,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ state
    def get_state(self, key: str) -> Any | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = %s", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def get_states(self, keys: Iterable[str]) -> dict[str, Any]:
        ks = list(dict.fromkeys(keys))
        if not ks:
            return {}
        rows = self.conn.execute("SELECT key, value FROM state WHERE key = ANY(%s)", (ks,)).fetchall()
        return {k: json.loads(v) for k, v in rows}

    def put_state(self, key: str, value: Any) -> None:
        self.put_states([(key, value)])

    def put_states(self, items: Iterable[tuple[str, Any]]) -> None:
        rows = [(k, json.dumps(v)) for k, v in items]
        if rows:
            with self.conn.transaction():
                self.conn.cursor().executemany("INSERT INTO state (key, value) VALUES (%s, %s) "
                                               "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", rows)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        with self.conn.transaction():  # the methods' own transactions nest in it as savepoints
            yield

    # ------------------------------------------------------------ one writer at a time
    @contextlib.contextmanager
    def writer_lock(self, on_wait: OnWait | None = None, timeout: float | None = None) -> Iterator[None]:
        """A session-level advisory lock (:data:`_WRITER_KEY`) on this connection: the server drops it when the
        connection ends, however the process ended."""
        if self._writers:
            self._writers += 1
            try:
                yield
            finally:
                self._writers -= 1
            return

        def try_lock() -> bool:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (_WRITER_KEY,)).fetchone()
            return bool(row and row[0])

        def holder() -> str:
            try:
                row = self.conn.execute("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                        "AND objid = %s AND pid <> pg_backend_pid() LIMIT 1",
                                        (_WRITER_KEY & 0xFFFFFFFF,)).fetchone()
            except psycopg.Error:
                return ""
            return f" (server pid {row[0]})" if row else ""

        wait_for_writer_lock(try_lock, self.path, holder, on_wait,
                             timeout if timeout is not None else lock_wait_limit())
        self._writers = 1
        try:
            yield
        finally:
            self._writers = 0
            with contextlib.suppress(psycopg.Error):
                if not self.conn.closed:
                    self.conn.execute("SELECT pg_advisory_unlock(%s)", (_WRITER_KEY,))

    def close(self) -> None:
        self.conn.close()
