"""The bad-input corpus at full size, each case analysed by ``storylens analyze`` in a fresh process.

    .venv/bin/python bench/bad_inputs.py [--small] [--keep DIR] [--timeout S] [--out FILE]

Writes the corpus of ``scripts/bad_inputs.py`` (decompression bombs inflating to 4 GiB, 100,000 nested tags,
10 MiB lines, hostile XML, NULs, mixed encodings, duplicate ids, impossible dates, broken and empty files, a
brief) into a temporary folder (``--keep DIR`` to keep it), analyses each case into a copy of a store holding
one good article, and prints a Markdown table headed by the machine and the date: per case the result, the exit
code, wall seconds, peak memory of the process tree, and whether the good article and the store's integrity
survived. ``--out FILE`` appends the table to FILE too. Exit 1 when a case does not hold what it must.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bad_inputs  # noqa: E402


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores {platform.machine()} ({cpu}){mem}, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", action="store_true", help="the test suite's sizes")
    ap.add_argument("--keep", type=Path, help="write the corpus and scratch stores here, and keep them")
    ap.add_argument("--timeout", type=float, default=600, help="seconds a case may run before it is killed")
    ap.add_argument("--only", action="append", help="only this case (repeatable)")
    ap.add_argument("--out", type=Path, help="also append the table to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="storylens-bad-") as tmp:
        base = args.keep or Path(tmp)
        corpus, work = base / "corpus", base / "runs"
        work.mkdir(parents=True, exist_ok=True)
        sizes = bad_inputs.SMALL if args.small else bad_inputs.FULL
        cases = bad_inputs.generate(corpus, sizes, set(args.only) if args.only else None)
        store = bad_inputs.make_base_store(work)
        results = []
        for case in cases:
            r = bad_inputs.run_case(case, corpus, store, work, timeout=args.timeout)
            print(f"{case.name}: exit {r.code}, {r.seconds:.1f} s, {r.peak_mib:.0f} MiB"
                  + ("" if r.ok else f"  FAILS: {'; '.join(r.problems)}"), file=sys.stderr)
            results.append(r)
        text = f"Machine: {machine()}.\n\n" + bad_inputs.table(results, corpus) + "\n"
    sys.stdout.write(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(text)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
