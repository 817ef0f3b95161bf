"""The CLI's error contract, through the installed ``storylens`` entry point in a subprocess.

Bad inputs give one line each on stderr naming the file (and line) and the reason; the good inputs
around them are stored; exit code 1 says some inputs failed, 2 that the command could not run at all;
never a traceback.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

ARTICLE = (
    "The city council approved the new transport budget on Tuesday after a long debate.\n\n"
    "The mayor said the plan would add three bus lines and repair forty bridges by 2026.\n\n"
    "Opposition members said the cost estimates were too optimistic and asked for an audit.\n"
)
SECOND = (
    "Flood defences along the river will be raised by two metres, the regional agency said on Monday.\n\n"
    "Engineers expect the work to take eighteen months and to close one bridge for a season.\n\n"
    "Farmers upstream asked for compensation for land that will be used for the new embankments.\n"
)
JA = (
    "東京都は5日、新しい防災計画を発表した。知事は記者会見で「住民の安全を最優先にする」と述べた。"
    "計画には避難所の増設や備蓄の拡充が含まれる。"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<rss version="2.0"><channel><title>x</title><item><title>t</title><description>&b;</description></item>'
    "</channel></rss>"
)


def _no_traceback(proc) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    whole = gzip.compress(f"<html><body><p>{SECOND}</p></body></html>".encode() * 30)
    (d / "cut.html.gz").write_bytes(whole[: len(whole) // 2])
    (d / "evil.rss").write_text(BILLION_LAUGHS, encoding="utf-8")
    (d / "tagsoup.html").write_text(f"<html><body><div><p>{SECOND.replace(chr(10) * 2, '<p>')}<b><i></div>",
                                    encoding="utf-8")
    lines = [json.dumps({"id": "j1", "url": "https://www.example-news.com/2024/03/05/flood", "text": SECOND + " One."}),
             '{"id": "j2", "text": "half a line',
             json.dumps({"id": "j3", "outlet": "Daily Planet", "published": "2024-03-06", "text": ARTICLE + " Two."})]
    (d / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (d / "huge.txt").open("wb") as fh:  # sparse 200 MB
        fh.truncate(200 * 1024 * 1024)
    return d


def test_analyze_reports_each_bad_input_on_one_line_and_keeps_the_good(
    run_cli, mixed_inputs: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    out = tmp_path / "report.json"
    proc = run_cli("analyze", str(mixed_inputs), "--db", str(db), "--json", str(out))
    _no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("storylens: ")]
    by_file = {ln.split(": ")[1]: ln for ln in errors}
    d = str(mixed_inputs)
    assert "empty file" in by_file[f"{d}/empty.txt"]
    assert "binary" in by_file[f"{d}/photo.jpg"]
    assert "truncated gzip" in by_file[f"{d}/cut.html.gz"]
    assert "unsafe XML refused" in by_file[f"{d}/evil.rss"]
    assert "over the 50 MiB limit" in by_file[f"{d}/huge.txt"]
    assert "broken JSON line" in by_file[f"{d}/batch.jsonl:2"]
    assert len(errors) == 6
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["errors"]) == 6
    stored = {Path(a["source"].split(":")[0]).name + (":" + a["source"].rsplit(":", 1)[1] if ".jsonl:" in a["source"] else "")
              for a in report["articles"]}
    assert stored == {"good.txt", "tagsoup.html", "batch.jsonl:1", "batch.jsonl:3"}
    by_id = {a["id"]: a for a in report["articles"]}
    assert by_id["j1"]["outlet"] == "example-news.com" and by_id["j1"]["published_from"] == "url"
    assert by_id["j3"]["outlet"] == "Daily Planet" and by_id["j3"]["published"] == "2024-03-06"
    assert _count(db) == 4

    again = run_cli("analyze", str(mixed_inputs), "--db", str(db))
    _no_traceback(again)
    assert again.returncode == 1 and "0 new article(s), 4 already stored" in again.stderr
    assert _count(db) == 4


def test_analyze_clean_input_exits_zero_and_writes_reports(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SECOND, encoding="utf-8")
    proc = run_cli("analyze", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", str(tmp_path / "x.db"),
                   "--json", "-", "-q")
    _no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["articles"]) == 2 and report["errors"] == []


def test_a_store_kept_in_the_input_folder_is_not_read_as_input(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SECOND, encoding="utf-8")
    db = tmp_path / "news.db"
    first = run_cli("analyze", str(tmp_path), "--db", str(db), "-q")
    assert first.returncode == 0, first.stderr
    again = run_cli("analyze", str(tmp_path), "--db", str(db))  # now news.db sits among the inputs
    _no_traceback(again)
    assert again.returncode == 0, again.stderr
    assert "news.db:" not in again.stderr and "0 new article(s), 2 already stored, 0 input error(s)" in again.stderr
    assert _count(db) == 2


def test_analyze_missing_path(run_cli, tmp_path: Path) -> None:
    proc = run_cli("analyze", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.db"), "-q")
    _no_traceback(proc)
    assert proc.returncode == 1 and f"{tmp_path / 'nowhere'}: no such file or folder" in proc.stderr


def test_a_file_that_is_not_a_database_is_refused_and_untouched(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    notes = tmp_path / "notes.db"
    content = b"my precious notes, not a database\n" * 40
    notes.write_bytes(content)
    proc = run_cli("analyze", str(tmp_path / "a.txt"), "--db", str(notes))
    _no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"storylens: error: {notes}: not a SQLite database; refusing to open it (the file is left untouched)"
    ]
    assert notes.read_bytes() == content


def test_a_newer_database_is_refused(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version=999")
    conn.close()
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("analyze", str(tmp_path / "a.txt"), "--db", str(db))
    _no_traceback(proc)
    assert proc.returncode == 2 and "schema version 999 is newer than this storylens supports" in proc.stderr


def test_unwritable_report_path_is_one_line(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "out").mkdir()
    proc = run_cli("analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "x.db"), "--json", str(tmp_path / "out"),
                   "-q")
    _no_traceback(proc)
    assert proc.returncode == 2 and "cannot write the report" in proc.stderr


def test_extract_json_with_url(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("extract", str(f), "--url", "https://www.example-news.com/politics/2024/03/05/budget", "--json")
    _no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    art = json.loads(proc.stdout)
    assert art["outlet"] == "example-news.com" and art["url"].endswith("/budget")
    assert art["published"] == "2024-03-05" and art["published_from"] == "url"
    assert any("transport budget" in p for p in art["body"])


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "utf-16"])
def test_extract_decodes_japanese(run_cli, tmp_path: Path, encoding: str) -> None:
    f = tmp_path / f"ja-{encoding}.txt"
    f.write_bytes((JA + "\n\n" + JA + "\n").encode(encoding))
    proc = run_cli("extract", str(f), "--json")
    _no_traceback(proc)
    art = json.loads(proc.stdout)
    kept = "\n".join(art["body"] + [r["text"] for r in art["removed"]] + [art["title"] or ""])
    assert "避難所の増設" in kept, "the Japanese text comes out readable"


def test_extract_bad_file_is_one_line(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "blob.bin"
    f.write_bytes(bytes(range(256)) * 4)
    proc = run_cli("extract", str(f), "--json")
    _no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"storylens: error: {f}: binary file, not an article"
    proc = run_cli("extract", str(tmp_path), "--json")
    assert proc.returncode == 1 and "is a folder" in proc.stderr


def test_a_failing_stage_is_one_line_and_keeps_what_was_stored(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "x.db"
    code = (
        "import sys\n"
        "import storylens.pipeline as p\n"
        "def boom(*args, **kwargs):\n"
        "    raise KeyError('stage exploded')\n"
        "p.run_stages = boom\n"
        "from storylens.cli import main\n"
        f"sys.argv = ['storylens', 'analyze', {str(tmp_path / 'a.txt')!r}, '--db', {str(db)!r}, '-q']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    _no_traceback(proc)
    assert proc.returncode == 3
    assert proc.stderr.startswith("storylens: error: internal error") and "KeyError" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert _count(db) == 1


def test_the_default_store_says_when_it_already_held_articles(run_cli, tmp_path: Path) -> None:
    """`analyze FILE --json OUT` without --db adds to ./storylens.db: the user is told the report covers more."""
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("Ferry grounded off Port Aven\n\nThe ferry ran aground on Tuesday morning after its steering "
                   "failed in heavy swell, the harbour authority said.\n", encoding="utf-8")
    two.write_text("Divers inspect grounded ferry\n\nDivers inspected the hull of the grounded ferry on Wednesday "
                   "and found a breach below the waterline, the operator said.\n", encoding="utf-8")
    first = run_cli("analyze", str(one), "--json", str(tmp_path / "a.json"), "-q")
    assert first.returncode == 0 and "already held" not in first.stderr
    second = run_cli("analyze", str(two), "--json", str(tmp_path / "b.json"), "-q")
    assert second.returncode == 0
    assert "default store storylens.db already held 1 article(s)" in second.stderr
    own = run_cli("analyze", str(two), "--db", str(tmp_path / "own.db"), "--json", str(tmp_path / "c.json"), "-q")
    assert "already held" not in own.stderr


def test_analyze_reads_jsonl_on_standard_input_as_it_arrives(storylens_cmd: list[str], tmp_path: Path) -> None:
    """``storylens analyze -``: JSONL on standard input, in rounds (here of one record), with the same store
    as the same lines read from a file; a broken line is named by its line number on stdin."""
    import os
    import subprocess

    lines = [json.dumps({"id": "a1", "outlet": "Harbour Times", "published": "2026-03-03", "text": ARTICLE}),
             "{not json",
             json.dumps({"id": "a2", "outlet": "Island Wire", "published": "2026-03-04", "text": SECOND}),
             json.dumps({"id": "b1", "text": "The two leaders will meet in Washington on Friday."})]
    env = {**os.environ, "STORYLENS_ROUND": "1"}
    proc = subprocess.run([*storylens_cmd, "analyze", "-", "--db", str(tmp_path / "in.db")], input="\n".join(lines),
                          capture_output=True, text=True, timeout=300, env=env, cwd=str(tmp_path))
    _no_traceback(proc)
    assert proc.returncode == 1  # one input failed
    assert "stdin:2: broken JSON line" in proc.stderr
    (tmp_path / "f.jsonl").write_text("\n".join(lines), encoding="utf-8")
    ref = subprocess.run([*storylens_cmd, "analyze", "f.jsonl", "--db", str(tmp_path / "file.db")],
                         capture_output=True, text=True, timeout=300, env=env, cwd=str(tmp_path))
    assert ref.returncode == 1

    def stored(db: str) -> list[tuple]:
        con = sqlite3.connect(tmp_path / db)
        try:
            return sorted((json.loads(d).get("external_id"), o, p, json.loads(d)["body"])
                          for d, o, p in con.execute("SELECT data, outlet, published FROM articles"))
        finally:
            con.close()

    assert [r[0] for r in stored("in.db")] == ["a1", "a2", "b1"]  # the brief is an article too
    assert stored("in.db") == stored("file.db")
    empty = subprocess.run([*storylens_cmd, "analyze", "-", "--db", str(tmp_path / "in.db")], input="",
                           capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    _no_traceback(empty)
    assert empty.returncode == 1 and "stdin: no JSON lines on standard input" in empty.stderr
