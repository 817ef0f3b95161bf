"""SQLite store: WAL, batches, migrations, refusing foreign files, and resuming after a hard kill."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from storylens.model import Article
from storylens.store import SQLiteStore, StoreError, open_store
from storylens.store.sqlite import MIGRATIONS


def _article(i: int, **kw) -> Article:
    body = [f"Paragraph one of article {i} about the harbour works.", f"Second paragraph {i} on the costs."]
    return Article(id=f"a{i}", content_hash=f"h{i:04d}", body=body, title=f"Title {i}", **kw)


def test_wal_and_schema_version(store: SQLiteStore) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == len(MIGRATIONS)


def test_add_is_idempotent_by_hash_and_id(store: SQLiteStore) -> None:
    first = store.add_articles([_article(1), _article(2)])
    assert [a.id for a in first] == ["a1", "a2"]
    again = store.add_articles([_article(1), _article(3), _article(3)])
    assert [a.id for a in again] == ["a3"]
    same_hash_other_id = _article(1).model_copy(update={"id": "other"})
    assert store.add_articles([same_hash_other_id]) == []
    assert store.count_articles() == 3 and store.has_hash("h0001")
    assert store.search("harbour")[:1] and set(store.search("article 2")) >= {"a2"}


def test_a_batch_is_one_transaction(store: SQLiteStore) -> None:
    class Boom(Exception):
        pass

    def articles():
        yield _article(1)
        yield _article(2)
        raise Boom

    with pytest.raises(Boom):
        store.add_articles(articles())
    assert store.count_articles() == 0, "a failed batch leaves nothing behind"


def test_unprocessed_articles_until_marked(store: SQLiteStore) -> None:
    store.add_articles([_article(i) for i in range(3)])
    assert [a.id for a in store.unprocessed_articles()] == ["a0", "a1", "a2"]
    store.mark_processed(["a0", "a2"])
    assert [a.id for a in store.unprocessed_articles()] == ["a1"]


def _old_db(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    for i in range(version):
        conn.executescript(MIGRATIONS[i])
    conn.execute("INSERT INTO articles (id, content_hash, outlet, published, data) VALUES (?,?,?,?,?)",
                 ("old1", "hold", None, None, _article(7).model_copy(update={"id": "old1",
                                                                              "content_hash": "hold"}).model_dump_json()))
    conn.execute(f"PRAGMA user_version={version}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_older_database_is_migrated_and_keeps_its_data(tmp_db: Path, version: int) -> None:
    _old_db(tmp_db, version)
    st = open_store(str(tmp_db))
    try:
        assert st.schema_version == len(MIGRATIONS)
        assert [a.id for a in st.iter_articles()] == ["old1"]
        assert st.unprocessed_articles() == [], "articles from before the migration count as analysed"
        assert st.search("harbour") == ["old1"], "old articles are indexed for search"
        st.add_articles([_article(8)])
        assert st.count_articles() == 2
    finally:
        st.close()


def test_newer_database_is_refused_clearly(tmp_db: Path) -> None:
    st = open_store(str(tmp_db))
    st.add_articles([_article(1)])
    st.conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    st.close()
    with pytest.raises(StoreError, match=r"schema version \d+ is newer than this storylens supports"):
        open_store(str(tmp_db))
    conn = sqlite3.connect(tmp_db)
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    conn.close()


@pytest.mark.parametrize("content", [b"id,title\n1,hello\n" * 50, b"\x00\x01\x02" * 100, b"SQLite format 2\x00" + bytes(200)])
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "articles.csv"
    f.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database"):
        SQLiteStore(f)
    assert f.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv"], "no -wal or -shm files created"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        SQLiteStore(tmp_path)


def test_raw_pages_are_stored_once(store: SQLiteStore) -> None:
    h1 = store.put_raw("https://example.com/a", b"<html>a</html>", "text/html")
    h2 = store.put_raw("https://example.com/a", b"<html>a</html>", "text/html")
    assert h1 == h2 and store.conn.execute("SELECT COUNT(*) FROM raw_pages").fetchone()[0] == 1


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


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _start_and_kill(docs: Path, db: Path, storylens_cmd: list[str], n: int) -> int:
    """Start ``storylens analyze`` and SIGKILL it once the first batch is committed; return how many were stored."""
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    proc = subprocess.Popen([*storylens_cmd, "analyze", str(docs), "--db", str(db), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 90
    at_kill = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            at_kill = _count(db)
            if at_kill >= 64:
                break
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the first run was killed, not finished"
    assert 0 < at_kill < n, f"killed mid-ingest ({at_kill} of {n} stored)"
    return _count(db)


def _check_exactly_once(db: Path, docs: Path, n: int) -> None:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, content_hash, data FROM articles").fetchall()
        fts = conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
    finally:
        conn.close()
    sources = sorted(Article.model_validate_json(r[2]).source or "" for r in rows)
    assert len(rows) == n
    assert sources == sorted(str(p) for p in docs.glob("*.txt")), "every document exactly once"
    assert len({r[1] for r in rows}) == n and fts == n


def test_killed_ingest_resumes_and_stores_every_document_once(tmp_path: Path, storylens_cmd: list[str]) -> None:
    from storylens.pipeline import ingest_docs
    from storylens.sources import iter_sources

    n = 300
    docs = tmp_path / "docs"
    docs.mkdir()
    _generate(docs, n)
    db = tmp_path / "resume.db"
    stored = _start_and_kill(docs, db, storylens_cmd, n)

    st = open_store(str(db))
    try:
        assert len(st.unprocessed_articles()) == stored, "the killed run never reached the analysis stages"
        res = ingest_docs(st, iter_sources([docs]))  # the second run, without the (slow) analysis stages
        assert res.errors == [] and res.skipped == stored
        assert len(res.added) == n, "the stages of the second run get the new articles and the killed run's"
        assert len({a.id for a in res.added}) == n
    finally:
        st.close()
    _check_exactly_once(db, docs, n)


@pytest.mark.slow
def test_killed_cli_run_resumes_through_the_cli(tmp_path: Path, storylens_cmd: list[str]) -> None:
    n = 300
    docs = tmp_path / "docs"
    docs.mkdir()
    _generate(docs, n)
    db = tmp_path / "resume.db"
    _start_and_kill(docs, db, storylens_cmd, n)
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    second = subprocess.run([*storylens_cmd, "analyze", str(docs), "--db", str(db)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    _check_exactly_once(db, docs, n)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM articles WHERE processed = 0").fetchone()[0] == 0
    finally:
        conn.close()
