"""Two `storylens analyze` processes on one store at once (SQLite, and PostgreSQL where a test server is there).

Both finish: the second waits for the first, saying so in one line (the store's writer lock), or, with
``STORYLENS_LOCK_WAIT=0``, refuses with a one-line message and exit 2 and is run again. Afterwards the store is
sound (``PRAGMA integrity_check``), every article of both inputs is stored exactly once and in exactly one story,
and each process counted only its own input's articles as new (before the lock, the second run analysed the first
one's stored-but-unanalysed articles as its own, and two runs on a new store could both migrate it: "schema
migration 0 -> 1 failed (table articles already exists)").
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "harbour-ferry" / "articles"
DEMO_IDS = 12  # articles in the demo folder (one JSONL file holds three)
sys.path.insert(0, str(ROOT / "scripts"))

import bad_inputs  # noqa: E402


def _generated(path: Path, n: int) -> list[str]:
    ids = [f"gen-{i}" for i in range(n)]
    prose = bad_inputs._long_line(n * 1200)
    with path.open("w", encoding="utf-8") as fh:
        for i, aid in enumerate(ids):
            fh.write(json.dumps({"id": aid, "outlet": ("Harbour Times", "Island Wire")[i % 2],
                                 "published": f"2026-03-{1 + i % 9:02d}", "title": f"Harbour report {i}",
                                 "text": prose[i * 1200:(i + 1) * 1200].replace(". ", ".\n\n", 3)}) + "\n")
    return ids


def _demo_ids() -> set[str]:
    from storylens.model import Article
    from storylens.pipeline import _extract_one
    from storylens.sources import RawDoc, iter_sources

    ids = {a.id for d in iter_sources([DEMO]) if isinstance(d, RawDoc)
           for a in [_extract_one(d)] if isinstance(a, Article)}
    assert len(ids) == DEMO_IDS
    return ids


def _start(cmd: list[str], inp: Path, db: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([*cmd, "analyze", str(inp), "--db", db], cwd=str(cwd), env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STORYLENS_DEBUG", "STORYLENS_LOCK_WAIT")}
    env.update(extra)
    return env


def _new_count(stderr: str) -> int:
    m = re.search(r"^(\d+) new article\(s\)", stderr, re.M)
    assert m, stderr[-1500:]
    return int(m.group(1))


def _notes(stderr: str) -> list[str]:
    """stderr without progress lines ([stage] n/m), the summary and 'wrote' lines."""
    return [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("[")
            and not re.match(r"^\d+ new article", ln) and not ln.startswith("wrote ")]


def _check_store(location: str, expected: set[str]) -> None:
    from storylens.store import open_store

    if not location.startswith("postgresql://"):
        conn = sqlite3.connect(location)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
            assert conn.execute("SELECT COUNT(*) FROM articles WHERE processed = 0").fetchone()[0] == 0
        finally:
            conn.close()
        assert sorted(ids) == sorted(expected)  # each exactly once
    store = open_store(location)
    try:
        assert store.count_articles() == len(expected)
        assert {a.id for a in store.iter_articles()} == expected
        in_stories = [aid for s in store.get_stories() for aid in s.article_ids]
        assert sorted(in_stories) == sorted(expected)  # every article in exactly one story
        assert all(store.story_of(aid) for aid in expected)
        assert all(not store.get_state(f"pipeline:stage-done:{name}") for name in ("furniture", "reuse", "stories"))
    finally:
        store.close()


def _stored_count(location: str) -> int:
    if location.startswith("postgresql://"):
        import psycopg

        try:
            with psycopg.connect(location, connect_timeout=5) as conn:
                row = conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        except psycopg.Error:  # not created yet
            return 0
        return int(row[0]) if row else 0
    if not Path(location).exists():
        return 0
    conn = sqlite3.connect(location, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0
    finally:
        conn.close()


@pytest.mark.parametrize("mode", ["wait", pytest.param("refuse", marks=pytest.mark.slow)])
def test_two_analyze_processes_on_one_store(store_location: str, storylens_cmd: list[str], tmp_path: Path,
                                            mode: str) -> None:
    """The second starts once the first has stored articles it has not analysed yet (before the lock, the
    second took them for its own: "42 new article(s)" for an input of 12)."""
    a_in = tmp_path / "a.jsonl"
    a_ids = _generated(a_in, 30)
    expected = set(a_ids) | _demo_ids()
    env = _env(STORYLENS_LOCK_WAIT="0") if mode == "refuse" else _env()
    procs = {"a": _start(storylens_cmd, a_in, store_location, tmp_path, env)}
    t0 = time.monotonic()
    while _stored_count(store_location) == 0 and procs["a"].poll() is None and time.monotonic() - t0 < 300:
        time.sleep(0.05)
    assert procs["a"].poll() is None, "the first run ended before the second could start"
    procs["b"] = _start(storylens_cmd, DEMO, store_location, tmp_path, env)
    out = {k: p.communicate(timeout=600) for k, p in procs.items()}
    codes = {k: p.returncode for k, p in procs.items()}
    for k in procs:
        err = out[k][1]
        assert "Traceback" not in err and "internal error" not in err, err[-2000:]
        assert all(ln.startswith("storylens: ") for ln in _notes(err)), _notes(err)
    assert codes["a"] == 0, out["a"][1][-2000:]
    notes = _notes(out["b"][1])
    if mode == "wait":
        assert codes["b"] == 0, out["b"][1][-2000:]
        assert len(notes) == 2, notes
        assert re.search(r"^storylens: another storylens process \((server )?pid \d+\) is writing to .*; waiting "
                         r"for it to finish$", notes[0]), notes
        assert re.search(r"is free after \d+ s of waiting; going on$", notes[1]), notes
    else:
        assert codes["b"] == 2, out["b"][1][-2000:]
        assert len(notes) == 1 and re.search(r"^storylens: error: .*: another storylens process \((server )?pid \d+\) "
                                             r"is writing to it; try again when it has finished", notes[0]), notes
        assert _stored_count(store_location) == len(a_ids)  # it stored nothing
        again = _start(storylens_cmd, DEMO, store_location, tmp_path, env)  # now it has the store to itself
        out["b"] = again.communicate(timeout=600)
        assert again.returncode == 0 and not _notes(out["b"][1]), out["b"][1][-2000:]
    # each process counted its own input's articles as new, and only those
    assert _new_count(out["a"][1]) == len(a_ids)
    assert _new_count(out["b"][1]) == DEMO_IDS
    _check_store(store_location, expected)


def test_two_processes_creating_one_store_at_once(store_location: str, tmp_path: Path) -> None:
    """Before: the second could migrate the new store again and fail ("table articles already exists"; on
    PostgreSQL "the database holds tables that are not storylens's")."""
    # each imports storylens, says so, then waits for the go (a file) to open the store at the same moment
    code = ("import os, sys, time\nfrom storylens.store import open_store\nprint('ready', flush=True)\n"
            "while not os.path.exists(sys.argv[2]):\n    time.sleep(0.001)\n"
            "st = open_store(sys.argv[1])\nprint(st.schema_version)\nst.close()\n")
    for i in range(4):
        go = tmp_path / f"go{i}"
        location = str(tmp_path / f"new{i}.db") if not store_location.startswith("postgresql://") else store_location
        if i and store_location.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(store_location, autocommit=True) as conn:  # empty it again
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
        procs = [subprocess.Popen([sys.executable, "-c", code, location, str(go)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        go.touch()
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], outs
        assert len({o[0].strip() for o in outs}) == 1, outs


def test_a_second_writer_waits_and_the_message_names_the_store(tmp_path: Path) -> None:
    """The lock itself: held by one process, another waits (saying so) or, with a limit, gives up in one line."""
    from storylens.store import StoreError, open_store

    db = tmp_path / "s.db"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom storylens.store import open_store\n"
        f"st = open_store({str(db)!r})\n"
        "with st.writer_lock():\n    print('held', flush=True)\n    time.sleep(2.5)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        store = open_store(str(db))
        try:
            with pytest.raises(StoreError) as got, store.writer_lock(timeout=0.3):
                pass
            assert str(db) in str(got.value) and f"(pid {holder.pid})" in str(got.value)
            heard: list[str] = []
            t0 = time.monotonic()
            with store.writer_lock(heard.append):
                waited = time.monotonic() - t0
                with store.writer_lock():  # re-entrant
                    pass
            assert waited > 0.5 and len(heard) == 2
            assert heard[0].startswith(f"another storylens process (pid {holder.pid}) is writing to {db}")
            assert "going on" in heard[1]
        finally:
            store.close()
    finally:
        holder.wait(timeout=30)
    # a folder holding the store: its lock file is not an input
    from storylens.sources import iter_sources

    (tmp_path / "note.txt").write_text(bad_inputs._article(1), encoding="utf-8")
    assert [Path(d.source).name for d in iter_sources([tmp_path])] == ["note.txt"]


@pytest.mark.slow
def test_concurrent_runs_give_the_report_of_the_same_runs_in_turn(storylens_cmd: list[str], tmp_path: Path) -> None:
    """Five times: two analyze processes at once give the report of the same two run one after the other, in the
    order they took the store."""
    a_in = tmp_path / "a.jsonl"
    _generated(a_in, 40)
    for i in range(5):
        db = tmp_path / f"c{i}.db"
        procs = {"a": _start(storylens_cmd, a_in, str(db), tmp_path, _env()),
                 "b": _start(storylens_cmd, DEMO, str(db), tmp_path, _env())}
        out = {k: p.communicate(timeout=600) for k, p in procs.items()}
        assert all(p.returncode == 0 for p in procs.values()), out
        order = ["b", "a"] if "is writing to" in out["a"][1] else ["a", "b"]
        seq = tmp_path / f"s{i}.db"
        for k in order:
            p = _start(storylens_cmd, a_in if k == "a" else DEMO, str(seq), tmp_path, _env())
            p.communicate(timeout=600)
            assert p.returncode == 0
        reports = []
        for d in (db, seq):
            got = subprocess.run([*storylens_cmd, "analyze", str(a_in), "--db", str(d), "--json", "-", "-q"],
                                 capture_output=True, text=True, timeout=600, cwd=str(tmp_path))
            assert got.returncode == 0, got.stderr
            reports.append(json.loads(got.stdout))
        assert reports[0] == reports[1], f"round {i}, order {order}"
