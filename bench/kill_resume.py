"""SIGKILL `storylens analyze` at random moments, many times, then run it to the end: the report must be the
report of one clean run, the store intact, no process left behind (issue 16; docs/reliability.md).

usage: .venv/bin/python bench/kill_resume.py [--kills 100] [--seed 7] [--out bench/out/kill_resume.json]
       [--input FILE ...] [--round N]

The inputs are the shipped demo and, where ../shared is beside the checkout, the seeds. A round takes a fresh
store: it starts `storylens analyze` and kills it after a random delay drawn from (0.2 s, one clean run's
time), up to ``--per-round`` times (a run that gets to the end before its kill ends the round's kills), then
runs it to the end and compares the report with the clean run's. Rounds go on until ``--kills`` kills.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "harbour-ferry" / "articles"
SEEDS = ROOT.parent / "shared" / "corpora" / "seeds"
STORYLENS = ROOT / ".venv" / "bin" / "storylens"


def report(db: Path) -> str:
    from storylens.report import build_report
    from storylens.store import open_store

    with open_store(str(db)) as st:
        return build_report(st).model_dump_json()


def leftovers(marker: str) -> list[str]:
    out = []
    for p in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (p / "cmdline").read_bytes().decode(errors="replace"):
                out.append(p.name)
        except OSError:
            continue
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-round", type=int, default=5, help="kills at most per fresh store")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "kill_resume.json")
    ap.add_argument("--input", nargs="+", help="the inputs instead of the demo and the seeds")
    ap.add_argument("--round", type=int, help="documents per round (STORYLENS_ROUND): a run of several rounds "
                    "and several chunks, killed in any of them")
    a = ap.parse_args()
    inputs = a.input or [str(DEMO)] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    if a.round:
        env["STORYLENS_ROUND"] = str(a.round)
    with tempfile.TemporaryDirectory() as d:
        clean_db = Path(d) / "clean.db"
        t0 = time.monotonic()
        # exit 1 where the input holds records with no article text (named on stderr); every run must match it
        clean_rc = subprocess.run([str(STORYLENS), "analyze", *inputs, "--db", str(clean_db), "-q"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if clean_rc not in (0, 1):
            raise SystemExit(f"the clean run failed (exit {clean_rc})")
        full = time.monotonic() - t0
        clean = report(clean_db)
        rng = random.Random(a.seed)
        kills = finished = failed = tries = rounds = 0
        errors: list[str] = []
        diverged: list[int] = []
        left_total = 0
        bad_integrity: list[str] = []
        t1 = time.monotonic()
        while kills < a.kills:
            # a round: a fresh store, killed up to --per-round times part way, then run to the end
            rounds += 1
            db = Path(d) / f"s{rounds}.db"
            cmd = [str(STORYLENS), "analyze", *inputs, "--db", str(db), "-q"]
            for _ in range(a.per_round):
                tries += 1
                p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                time.sleep(rng.uniform(0.2, full))
                killed = p.poll() is None
                if killed:
                    p.send_signal(signal.SIGKILL)
                    kills += 1
                _, err = p.communicate(timeout=600)
                if p.returncode == clean_rc:
                    finished += 1
                elif p.returncode != -signal.SIGKILL:
                    failed += 1
                    errors.append(err.decode(errors="replace").strip().splitlines()[-1] if err.strip() else
                                  f"exit {p.returncode}")
                if not killed:
                    break  # it got to the end: the rest of this round would kill a run with nothing to do
            time.sleep(0.5)
            left_total += len(leftovers(str(db)))
            r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            with sqlite3.connect(db) as con:
                integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                bad_integrity.append(f"round {rounds}: {integrity}")
            if r.returncode != clean_rc or report(db) != clean:
                diverged.append(rounds)
                # kept for a person to diff (bench/out is not committed)
                a.out.parent.mkdir(parents=True, exist_ok=True)
                a.out.with_name(a.out.stem + f"_round{rounds}.json").write_text(report(db), encoding="utf-8")
                a.out.with_name(a.out.stem + "_clean.json").write_text(clean, encoding="utf-8")
            db.unlink(missing_ok=True)
            print(f"  round {rounds}: {kills} kills so far, {tries} tries, {finished} finished, {failed} failed, "
                  f"{len(diverged)} rounds differing from the clean report, integrity {integrity}, "
                  f"{left_total} processes left in all", flush=True)
        result = {"inputs": inputs, "round": a.round, "clean_run_s": round(full, 2), "rounds": rounds, "tries": tries,
                  "kills": kills, "finished_before_kill": finished, "failed_runs": failed, "errors": errors[:20],
                  "processes_left": left_total, "integrity_failures": bad_integrity,
                  "rounds_differing_from_clean": diverged, "wall_s": round(time.monotonic() - t1, 1)}
        same = not diverged
        left = left_total
        integrity = "ok" if not bad_integrity else "failed"
    print(json.dumps(result, indent=2))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if same and not left and integrity == "ok" and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
