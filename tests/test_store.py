"""Stores, on SQLite and on PostgreSQL: batches, migrations, refusing foreign databases, search, the same answers
on both, and resuming after a hard kill.

Every test that takes ``store_location`` or ``backend`` runs once per backend; the PostgreSQL runs skip,
saying why, when no test server is available (``make test`` starts one with scripts/postgres.sh).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storylens.model import Article, Derivation, Story, Storyline
from storylens.store import SQLiteStore, Store, StoreError, open_store
from storylens.store.sqlite import MIGRATIONS


class Backend:
    """Raw access to a test store's database, beside the store (``?`` placeholders on both)."""

    def __init__(self, kind: str, location: str) -> None:
        self.kind, self.location = kind, location

    def open(self) -> Store:
        return open_store(self.location)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.location, timeout=5)
            try:
                rows = conn.execute(sql, params).fetchall()
                conn.commit()
                return rows
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.location, autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []

    def set_schema_version(self, version: int) -> None:
        if self.kind == "sqlite":
            self.query(f"PRAGMA user_version={version}")
        else:
            self.query("UPDATE storylens_schema SET version = ?", (version,))

    def migrations(self) -> list[str]:
        if self.kind == "sqlite":
            return MIGRATIONS
        from storylens.store.postgres import MIGRATIONS as PG_MIGRATIONS

        return PG_MIGRATIONS


@pytest.fixture
def backend(store_location: str) -> Backend:
    return Backend("sqlite" if not store_location.startswith("postgres") else "postgres", store_location)


@pytest.fixture
def any_store(backend: Backend) -> Iterator[Store]:
    """An open store on a fresh database, once per backend."""
    st = backend.open()
    try:
        yield st
    finally:
        st.close()


def _article(i: int, **kw) -> Article:
    body = [f"Paragraph one of article {i} about the harbour works.", f"Second paragraph {i} on the costs."]
    return Article(id=f"a{i}", content_hash=f"h{i:04d}", body=body, title=f"Title {i}", **kw)


def test_schema_version(any_store: Store, backend: Backend) -> None:
    assert any_store.schema_version == len(MIGRATIONS) == len(backend.migrations()), "same numbering on both"
    if backend.kind == "sqlite":
        assert backend.query("PRAGMA journal_mode") == [("wal",)]
    else:
        assert backend.query("SELECT version FROM storylens_schema") == [(len(MIGRATIONS),)]


def test_add_is_idempotent_by_hash_and_id(any_store: Store) -> None:
    store = any_store
    first = store.add_articles([_article(1), _article(2)])
    assert [a.id for a in first] == ["a1", "a2"]
    again = store.add_articles([_article(1), _article(3), _article(3)])
    assert [a.id for a in again] == ["a3"]
    same_hash_other_id = _article(1).model_copy(update={"id": "other"})
    assert store.add_articles([same_hash_other_id]) == []
    assert store.count_articles() == 3 and store.has_hash("h0001") and not store.has_hash("h9999")
    assert store.search("harbour")[:1] and set(store.search("article 2")) >= {"a2"}
    assert [a.id for a in store.iter_articles()] == ["a1", "a2", "a3"], "ingest order"
    assert store.get_article("a2") == _article(2) and store.get_article("nope") is None
    assert [a.id for a in store.get_articles(["a3", "nope", "a1"])] == ["a3", "a1"], "the order asked for"


def test_a_batch_is_one_transaction(any_store: Store) -> None:
    class Boom(Exception):
        pass

    def articles():
        yield _article(1)
        yield _article(2)
        raise Boom

    with pytest.raises(Boom):
        any_store.add_articles(articles())
    assert any_store.count_articles() == 0, "a failed batch leaves nothing behind"
    assert any_store.search("harbour") == []


def test_a_failing_write_leaves_the_whole_batch_out(any_store: Store) -> None:
    stories = [Story(id="s1", article_ids=["a1"]), Story(id="s2", article_ids=["a2"])]
    with pytest.raises(Exception):  # noqa: B017 - whichever error the database library raises
        any_store.put_states([("k1", 1), ("k2", {1, 2})])  # a set is not JSON: the second item fails
    assert any_store.get_state("k1") is None, "the batch's first item was not kept either"
    any_store.put_stories(stories)
    assert [s.id for s in any_store.get_stories()] == ["s1", "s2"], "the store is still usable"


def test_writes_in_an_atomic_block_are_kept_together_or_not_at_all(any_store: Store) -> None:
    class Boom(Exception):
        pass

    st = any_store
    with pytest.raises(Boom), st.atomic():
        st.put_stories([Story(id="s1", article_ids=["a1"])])
        with st.atomic():  # nested: part of the outer block
            st.put_states([("clusterer", {"n": 1})])
        st.put_state("explain:a1", {"story": "s1"})
        assert st.get_state("clusterer") == {"n": 1}, "the block reads its own writes"
        raise Boom
    assert st.get_stories() == [] and st.get_state("clusterer") is None and st.get_state("explain:a1") is None
    with st.atomic():
        st.put_stories([Story(id="s1", article_ids=["a1"])])
        st.put_state("clusterer", {"n": 1})
    assert [s.id for s in st.get_stories()] == ["s1"] and st.get_state("clusterer") == {"n": 1}
    st.put_state("after", 1)  # the store writes on its own again
    assert st.get_state("after") == 1


def test_unprocessed_articles_until_marked(any_store: Store) -> None:
    any_store.add_articles([_article(i) for i in range(3)])
    assert [a.id for a in any_store.unprocessed_articles()] == ["a0", "a1", "a2"]
    any_store.mark_processed(["a0", "a2"])
    assert [a.id for a in any_store.unprocessed_articles()] == ["a1"]


def _old_db(backend: Backend, version: int) -> None:
    """A database made by an older storylens: the first ``version`` migrations and one article."""
    old = _article(7).model_copy(update={"id": "old1", "content_hash": "hold"})
    if backend.kind == "sqlite":
        conn = sqlite3.connect(backend.location)
        for i in range(version):
            conn.executescript(MIGRATIONS[i])
        conn.execute(f"PRAGMA user_version={version}")
    else:
        import psycopg

        conn = psycopg.connect(backend.location, autocommit=True)
        conn.execute("CREATE TABLE storylens_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO storylens_schema VALUES (%s)", (version,))
        for i in range(version):
            conn.execute(backend.migrations()[i])
    conn.execute("INSERT INTO articles (id, content_hash, outlet, published, data) VALUES "
                 + ("(?,?,?,?,?)" if backend.kind == "sqlite" else "(%s,%s,%s,%s,%s)"),
                 ("old1", "hold", None, None, old.model_dump_json()))
    if backend.kind == "sqlite":
        conn.commit()
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_older_database_is_migrated_and_keeps_its_data(backend: Backend, version: int) -> None:
    _old_db(backend, version)
    st = backend.open()
    try:
        assert st.schema_version == len(MIGRATIONS)
        assert [a.id for a in st.iter_articles()] == ["old1"]
        assert st.unprocessed_articles() == [], "articles from before the migration count as analysed"
        assert st.search("harbour") == ["old1"], "old articles are indexed for search"
        st.add_articles([_article(8)])
        assert st.count_articles() == 2
        assert [a.id for a in st.unprocessed_articles()] == ["a8"], "new articles start unprocessed"
    finally:
        st.close()


def test_newer_database_is_refused_clearly(backend: Backend) -> None:
    st = backend.open()
    st.add_articles([_article(1)])
    st.close()
    backend.set_schema_version(len(MIGRATIONS) + 5)
    with pytest.raises(StoreError, match=r"schema version \d+ is newer than this storylens supports"):
        backend.open()
    assert backend.query("SELECT COUNT(*) FROM articles") == [(1,)]


@pytest.mark.parametrize("content", [b"id,title\n1,hello\n" * 50, b"\x00\x01\x02" * 100, b"SQLite format 2\x00" + bytes(200)])
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "articles.csv"
    f.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database"):
        SQLiteStore(f)
    assert f.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv"], "no -wal or -shm files created"


def test_a_postgres_database_with_other_tables_is_refused_and_left_untouched(pg_url: str) -> None:
    """The PostgreSQL counterpart of refusing a file that is not SQLite: someone else's database."""
    other = Backend("postgres", pg_url)
    other.query("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    other.query("INSERT INTO customers (id, name) VALUES (1, 'Ada')")
    with pytest.raises(StoreError, match=r"holds tables that are not storylens's \(customers\); refusing") as err:
        open_store(pg_url)
    assert "\n" not in str(err.value)
    tables = other.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    assert tables == [("customers",)] and other.query("SELECT name FROM customers") == [("Ada",)]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        SQLiteStore(tmp_path)


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    pytest.importorskip("psycopg")
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://reader:s3cret-pw@127.0.0.1:{port}/news"
    with pytest.raises(StoreError) as err:
        open_store(url)
    msg = str(err.value)
    assert msg.startswith(f"postgresql://reader@127.0.0.1:{port}/news: cannot connect to PostgreSQL (")
    assert "s3cret" not in msg and "\n" not in msg
    with pytest.raises(StoreError, match="not a valid PostgreSQL URL") as bad:
        open_store("postgresql://reader:s3cret-pw@[::1/news")
    assert "s3cret" not in str(bad.value)


def test_without_psycopg_the_url_gets_one_line_saying_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails as if it were not installed
    monkeypatch.delitem(sys.modules, "storylens.store.postgres", raising=False)
    with pytest.raises(StoreError, match=r"install it with: pip install 'storylens\[postgres\]'") as err:
        open_store("postgresql://reader:pw@127.0.0.1:5432/news")
    assert str(err.value).startswith("postgresql://reader@127.0.0.1:5432/news: ") and "pw@" not in str(err.value)


def test_raw_pages_are_stored_once(any_store: Store, backend: Backend) -> None:
    h1 = any_store.put_raw("https://example.com/a", b"<html>a</html>", "text/html")
    h2 = any_store.put_raw("https://example.com/a", b"<html>a</html>", "text/html")
    assert h1 == h2 and backend.query("SELECT COUNT(*) FROM raw_pages") == [(1,)]
    assert backend.query("SELECT content FROM raw_pages")[0][0] == b"<html>a</html>"


def test_updated_articles_are_searched_by_their_new_text(any_store: Store) -> None:
    any_store.add_articles([_article(1), _article(2)])
    changed = _article(1).model_copy(update={"body": ["The lighthouse keeper retired."], "outlet": "Coast News"})
    any_store.update_articles([changed])
    assert any_store.search("lighthouse") == ["a1"] and any_store.search("harbour") == ["a2"]
    assert [a.id for a in any_store.iter_articles(outlet="Coast News")] == ["a1"]
    assert any_store.get_article("a1") == changed


# ---------------------------------------------------------------- the same answers on both backends

def _derivation(src: str, dst: str, score: float) -> Derivation:
    return Derivation(source_id=src, derived_id=dst, kind="rewrite", score=score, coverage=0.5, source_kept=0.4)


def _fill(st: Store) -> None:
    """The same writes, in the same order, for each backend."""
    ids = ["b10", "B2", "a2", "a10", "é1", "_x", "Z9"]  # collation traps: case, digits, accents, punctuation
    st.add_articles([Article(id=i, content_hash="h-" + i, title=f"Title {i}", outlet=("O1" if n % 2 else "O2"),
                             body=[f"The harbour ferry {i} sailed.", "Costs rose again."]) for n, i in enumerate(ids)])
    st.put_derivations([_derivation("a2", "b10", 0.9), _derivation("B2", "a10", 0.7), _derivation("Z9", "_x", 0.5),
                        _derivation("a10", "é1", 0.4)])
    st.put_derivations([_derivation("Z9", "é1", 0.8)], replace_for=["é1"])
    st.put_stories([Story(id=s, article_ids=m) for s, m in
                    [("s-b", ["b10", "a2"]), ("S-a", ["B2"]), ("s-a", ["a10", "é1"]), ("s_c", ["_x", "Z9"])]])
    st.put_stories([Story(id="s-new", article_ids=["a10"])], delete=["s_c"])
    st.put_storylines([Storyline(id=x, story_ids=["s-b"]) for x in ["l2", "L1", "l10"]], delete=["l2"])
    st.put_states([("k:b", {"x": [1, 2]}), ("k:a", "text"), ("k:b", {"x": [3]})])
    st.mark_processed(["a2", "_x"])


def _answers(st: Store) -> dict[str, Any]:
    return {
        "articles": [a.id for a in st.iter_articles()],
        "outlet": [a.id for a in st.iter_articles(outlet="O1")],
        "unprocessed": [a.id for a in st.unprocessed_articles()],
        "derivations": [d.model_dump() for d in st.get_derivations()],
        "derivations_of": [(d.source_id, d.derived_id) for d in st.get_derivations(["é1", "a2", "B2"])],
        "stories": [s.model_dump() for s in st.get_stories()],
        "stories_asked": [s.id for s in st.get_stories(["s-a", "nope", "S-a"])],
        "storylines": [x.id for x in st.get_storylines()],
        "story_of": [st.story_of(i) for i in ["a10", "é1", "_x", "nope"]],
        "state": [st.get_state(k) for k in ["k:a", "k:b", "nope"]],
        "search": [st.search(q) for q in ["harbour", "ferry b10", "costs", "E1", "nothing"]],
        "count": st.count_articles(),
    }


def test_both_backends_give_the_same_answers_in_the_same_order(tmp_db: Path, pg_url: str) -> None:
    with open_store(str(tmp_db)) as lite, open_store(pg_url) as pg:
        _fill(lite)
        _fill(pg)
        a, b = _answers(lite), _answers(pg)
    assert a == b
    assert a["stories"][0]["id"] == "S-a" and a["articles"][0] == "b10", "byte order, ingest order"
    assert a["story_of"] == ["s-new", "s-a", None, None]


def test_search_ranks_as_sqlite_fts5_does(tmp_db: Path, pg_url: str) -> None:
    """BM25 over the same tokens: the same ids in the same order, ties in indexing order."""
    rng = random.Random(5)
    arts = []
    for i in range(60):
        words = rng.sample(WORDS, 8) + rng.choices(["harbour", "ferry", "café", "Crème"], k=rng.randint(0, 6))
        rng.shuffle(words)
        title = " ".join(rng.sample(WORDS, 2)) + (" snake_case" if i % 7 == 0 else "")
        arts.append(Article(id=f"d{i:02d}", content_hash=f"c{i}", title=title.title(),
                            body=[" ".join(words) + ".", f"Ref {i} U.S. 3.5 don't."]))
    arts.append(Article(id="dup1", content_hash="dup1", title="Same", body=["harbour ferry tie"]))
    arts.append(Article(id="dup2", content_hash="dup2", title="Same", body=["harbour ferry tie"]))
    queries = ["harbour", "ferry harbour", "cafe", "CRÈME brulee", "snake_case", "case", "us", "3 5", "don t",
               "tie", "harbour harbour", "same tie", "lake river", "zzz", "", "!!"]
    with open_store(str(tmp_db)) as lite, open_store(pg_url) as pg:
        for st in (lite, pg):
            st.add_articles(arts)
            st.update_articles([arts[3].model_copy(update={"title": "Harbour Harbour"})])  # re-indexed last
        for q in queries:
            assert pg.search(q) == lite.search(q), q
            assert pg.search(q, limit=3, offset=2) == lite.search(q, limit=3, offset=2), q
        assert lite.search("tie")[-2:] == ["dup1", "dup2"]


def test_tokens_are_fts5_unicode61_tokens() -> None:
    pytest.importorskip("psycopg")
    from storylens.store.postgres import tokens

    texts = ["Café crème, naïve Ünïcode!", "e\u0301te\u0301 and ﬁne", "snake_case U.S. 3.5 don't", "ΟΔΟΣ Straße",
             "Ångström Øre Łódź", "Москва й", "中文 日本語", "x²+y₂ ½"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    for n, text in enumerate(texts, 1):
        conn.execute("INSERT INTO t (rowid, body) VALUES (?, ?)", (n, text))
        want = [r[0] for r in conn.execute("SELECT term FROM v WHERE doc = ? ORDER BY offset", (n,))]
        assert tokens(text) == want, text
    conn.close()


# ---------------------------------------------------------------- resuming after SIGKILL

WORDS = ["harbour", "bridge", "school", "hospital", "railway", "museum", "library", "stadium", "market", "council", "budget", "tunnel", "ferry", "canal", "tram", "depot", "clinic", "court", "prison", "garden", "orchard", "quarry", "mill", "bakery", "brewery", "theatre", "cinema", "gallery", "archive", "observatory", "lighthouse", "reservoir", "dam", "pipeline", "airport", "runway", "terminal", "warehouse", "factory", "refinery", "mine", "forest", "meadow", "valley", "summit", "glacier", "river", "lake", "island", "coast", "beach", "dune", "marsh", "delta", "plateau", "canyon"]
NAMES = ["Alder", "Birch", "Cedar", "Dover", "Elm", "Fenwick", "Garnet", "Holt", "Ives", "Juniper", "Kestrel", "Linden", "Marlow", "Nettle", "Orwell", "Pryor", "Quill", "Rowan", "Sable", "Thorne", "Upton", "Vance", "Wren", "Yarrow", "Zeller"]


def _generate(folder: Path, n: int) -> None:
    """Documents that share no phrases, so the analysis stages have little to do."""
    rng = random.Random(11)
    for i in range(n):
        words = rng.sample(WORDS, 12)
        who = rng.sample(NAMES, 3)
        text = (f"{who[0]} reported that the {words[0]} near the {words[1]} cost {rng.randint(2, 900)} "
                f"million, while {who[1]} inspected the {words[2]} and the {words[3]} on day {i}.\n\n"
                f"Later {who[2]} compared {words[4]}, {words[5]} and {words[6]} with the {words[7]}; "
                f"reference {i * 7919 % 100003}.\n")
        (folder / f"doc{i:04d}.txt").write_text(text, encoding="utf-8")


def _counter(backend: Backend) -> Iterator[int]:
    """Counts of stored articles, read from outside the running process, each time it is asked."""
    if backend.kind == "sqlite":
        while True:
            try:
                conn = sqlite3.connect(f"file:{backend.location}?mode=ro", uri=True, timeout=1)
                try:
                    yield int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
                finally:
                    conn.close()
            except sqlite3.Error:
                yield 0
    import psycopg

    with psycopg.connect(backend.location, autocommit=True, connect_timeout=10) as conn:
        while True:
            try:
                yield int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            except psycopg.errors.UndefinedTable:
                yield 0


def _start_and_kill(docs: Path, backend: Backend, storylens_cmd: list[str], n: int) -> int:
    """Start ``storylens analyze`` and SIGKILL it once the first batch is committed; return how many were stored."""
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    counts = _counter(backend)
    proc = subprocess.Popen([*storylens_cmd, "analyze", str(docs), "--db", backend.location, "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 90
    at_kill = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            at_kill = next(counts)
            if at_kill >= 64:
                break
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the first run was killed, not finished"
    assert 0 < at_kill < n, f"killed mid-ingest ({at_kill} of {n} stored)"
    stored = next(counts)
    counts.close()
    return stored


def _check_exactly_once(backend: Backend, docs: Path, n: int) -> None:
    rows = backend.query("SELECT id, content_hash, data FROM articles")
    fts = backend.query("SELECT COUNT(*) FROM articles_fts")[0][0]
    sources = sorted(Article.model_validate_json(r[2]).source or "" for r in rows)
    assert len(rows) == n
    assert sources == sorted(str(p) for p in docs.glob("*.txt")), "every document exactly once"
    assert len({r[1] for r in rows}) == n and fts == n


def test_killed_ingest_resumes_and_stores_every_document_once(tmp_path: Path, backend: Backend,
                                                              storylens_cmd: list[str]) -> None:
    from storylens.pipeline import ingest_docs
    from storylens.sources import iter_sources

    n = 300
    docs = tmp_path / "docs"
    docs.mkdir()
    _generate(docs, n)
    stored = _start_and_kill(docs, backend, storylens_cmd, n)

    st = backend.open()
    try:
        assert len(st.unprocessed_articles()) == stored, "the killed run never reached the analysis stages"
        res = ingest_docs(st, iter_sources([docs]))  # the second run, without the (slow) analysis stages
        assert res.errors == [] and res.skipped == stored
        assert len(res.added) == n, "the stages of the second run get the new articles and the killed run's"
        assert len({a.id for a in res.added}) == n
    finally:
        st.close()
    _check_exactly_once(backend, docs, n)


@pytest.mark.slow
def test_killed_cli_run_resumes_through_the_cli(tmp_path: Path, backend: Backend, storylens_cmd: list[str]) -> None:
    n = 300
    docs = tmp_path / "docs"
    docs.mkdir()
    _generate(docs, n)
    _start_and_kill(docs, backend, storylens_cmd, n)
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    second = subprocess.run([*storylens_cmd, "analyze", str(docs), "--db", backend.location],
                            capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    _check_exactly_once(backend, docs, n)
    assert backend.query("SELECT COUNT(*) FROM articles WHERE processed = 0") == [(0,)]


def test_a_missing_postgres_database_says_to_create_it(pg_server: str) -> None:
    from conftest import with_database

    with pytest.raises(StoreError, match=r'database "storylens_no_such_db" does not exist\).*create it first'):
        open_store(with_database(pg_server, "storylens_no_such_db"))


def test_full_text_rows_carry_the_article_seq_through_migration_and_reindexing(backend: Backend) -> None:
    """Since schema 5 an article's full-text row has the article's seq as its rowid (an older store's rows are
    renumbered), and replacing a body (the furniture stage does) keeps it: found by rowid, not by a scan."""
    st = backend.open()
    try:
        st.add_articles([_article(i) for i in range(3)])
    finally:
        st.close()
    seqs = sorted(backend.query("SELECT seq, id FROM articles"))
    # as an older store has them: rowids that are not the seqs
    if backend.kind == "sqlite":
        backend.query("INSERT INTO articles_fts (rowid, id, title, body) "
                      "SELECT rowid + 100, id, title, body FROM articles_fts")
        backend.query("DELETE FROM articles_fts WHERE rowid < 100")
    else:
        backend.query("UPDATE articles_fts SET rowid = rowid + 100")
    assert sorted(backend.query("SELECT rowid, id FROM articles_fts")) != seqs
    backend.set_schema_version(4)
    st = backend.open()
    try:
        assert st.schema_version == len(MIGRATIONS)
        assert sorted(backend.query("SELECT rowid, id FROM articles_fts")) == seqs
        changed = _article(1).model_copy(update={"body": ["The ferry timetable changes in May."]})
        st.update_articles([changed])
        assert sorted(backend.query("SELECT rowid, id FROM articles_fts")) == seqs
        assert st.search("ferry timetable") == ["a1"]
        assert sorted(st.search("harbour")) == ["a0", "a2"]
    finally:
        st.close()


def test_get_states_reads_many_keys_as_get_state_reads_one(any_store: Store) -> None:
    items = [(f"k:{i}", {"n": i, "ids": [f"a{i}"]}) for i in range(700)]  # more than one read's parameters
    any_store.put_states(items)
    keys = [f"k:{i}" for i in range(0, 700, 3)] + ["k:missing", "k:0"]
    got = any_store.get_states(keys)
    assert got == {k: any_store.get_state(k) for k in keys if any_store.get_state(k) is not None}
    assert "k:missing" not in got and got["k:699"] == {"n": 699, "ids": ["a699"]}
    assert any_store.get_states([]) == {}
