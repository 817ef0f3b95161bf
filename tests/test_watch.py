"""``storylens watch FOLDER``: files are analysed as they appear, once each, through the installed command."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"
BRIEF = "Ferry services to the outer islands resumed on Saturday morning, the operator said.\n"


def _count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        con.close()


def test_watch_once_reads_each_file_once_and_a_changed_file_again(storylens_cmd: list[str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO, inbox)
    db = tmp_path / "w.db"
    run = [*storylens_cmd, "watch", str(inbox), "--db", str(db), "--once"]
    first = subprocess.run(run, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    stored = _count(db)
    assert stored == 12  # the demo's twelve articles
    again = subprocess.run(run, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert again.returncode == 0 and "nothing new in" in again.stderr and _count(db) == stored
    (inbox / "late.txt").write_text(BRIEF, encoding="utf-8")
    os.utime(inbox / "late.txt", (time.time() - 10, time.time() - 10))
    third = subprocess.run(run, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert third.returncode == 0 and "1 file(s): 1 new article(s)" in third.stderr
    assert _count(db) == stored + 1
    assert "Traceback" not in first.stderr + again.stderr + third.stderr


def test_watch_picks_up_a_file_dropped_in_while_it_runs_and_stops_on_ctrl_c(storylens_cmd: list[str],
                                                                          tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "w.db"
    proc = subprocess.Popen([*storylens_cmd, "watch", str(inbox), "--db", str(db), "--interval", "0.3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        time.sleep(1.0)
        (inbox / "brief.txt").write_text(BRIEF, encoding="utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("file(s):" in ln for ln in lines):
            time.sleep(0.2)
        assert _count(db) == 1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        reader.join(timeout=10)
    err = "".join(lines)
    assert proc.returncode == 0, err
    assert "1 file(s): 1 new article(s)" in err and "stopped: 1 new article(s)" in err
    assert "Traceback" not in err


def test_watch_stops_on_sigint_even_when_started_with_sigint_ignored_and_on_sigterm(storylens_cmd: list[str],
                                                                                   tmp_path: Path) -> None:
    """A script's `storylens watch DIR &` inherits SIGINT ignored (a non-interactive shell does that to
    background jobs, and Python leaves it so): the watch still stops on SIGINT, and on SIGTERM, saying so."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    for sig in (signal.SIGINT, signal.SIGTERM):
        proc = subprocess.Popen([*storylens_cmd, "watch", str(inbox), "--db", str(tmp_path / "w.db"),
                                 "--interval", "0.3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=tmp_path, preexec_fn=ignore_sigint)
        try:
            # signalled once it says it is watching (its handlers are in place by then): a fixed wait lost
            # the race on a slow start, and the signal's default action killed it before it could stop cleanly
            assert proc.stderr is not None
            first = proc.stderr.readline()
            assert "watching" in first, first
            proc.send_signal(sig)
            _, rest = proc.communicate(timeout=60)
            err = first + rest
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err
        assert "stopped:" in err
