"""The local engine against the Ray engine: the same ``storylens analyze`` run with each, timed and compared.

    .venv/bin/python bench/engines.py [--real] [--demo] [--synthetic N] [--ray-workers 1 2] [--out FILE]

Per input, one run of each configuration into a fresh SQLite store:

* ``local``: ``storylens analyze IN --db s.db --json r.json -q --timings`` as a user runs it (extraction in
  ``STORYLENS_WORKERS`` forked processes, default the cores, the comments stage beside reuse);
* ``local, 1 process``: the same with ``--workers 1`` (no fork: the driver of the Ray runs works like this);
* ``ray, N workers``: the same with ``--engine ray --workers N`` (a local Ray started by the run).

Measured: wall seconds, articles per second, the driver's peak resident memory (``ru_maxrss``) and the peak
of the whole process tree's proportional set size (PSS, sampled every 0.2 s from ``/proc``: the driver, Ray's
GCS server, raylet and workers; shared pages counted once), the stage seconds of ``--timings`` (the Ray
engine adds ``ray start``, starting the local Ray, and ``ray wait``, the driver waiting for the batch jobs'
rows), and whether the report (without its ``stats``) is the local run's, byte for byte.

Also, in this process, where the Ray engine's overhead per article comes from: the seconds and bytes of
pickling the documents out and the annotated articles back (what Ray serialises), and the start-up of a
fresh worker (importing storylens and extracting one document: what each Ray worker pays once).

Inputs: ``--real`` is bench/out/realnews.jsonl (end_to_end.py builds it from ../shared/corpora), ``--demo``
the shipped example, ``--synthetic N`` the synthetic stream of end_to_end.py.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from end_to_end import analyze, machine_line, real_input, synthetic_input  # noqa: E402

DEMO = ROOT / "examples" / "harbour-ferry" / "articles"

# Runs one command; prints its exit status, wall time, the driver's peak RSS and the process tree's peak PSS.
_HELPER = r"""
import json, os, resource, subprocess, sys, threading, time
cmd, env, timeout = json.loads(sys.argv[1])

def tree(root):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out

def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            v = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in v[11:15])  # utime, stime, and of reaped children
    except (OSError, ValueError, IndexError):
        return 0

peak = [0, 0]
cpu = {}
t = time.perf_counter()
p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
done = threading.Event()

def sample():
    while not done.is_set():
        procs = tree(p.pid)
        for q in procs:
            cpu[q] = max(cpu.get(q, 0), ticks(q))
        total = sum(pss(q) for q in procs)
        if total > peak[0]:
            peak[0] = total
        peak[1] = max(peak[1], len(procs))
        done.wait(0.2)

th = threading.Thread(target=sample, daemon=True)
th.start()
try:
    _, err = p.communicate(timeout=timeout)
    rc = p.returncode
except subprocess.TimeoutExpired:
    p.kill()
    _, err = p.communicate()
    rc = "timeout"
done.set()
th.join()
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
tree_cpu = sum(cpu.values()) / os.sysconf("SC_CLK_TCK")
print(json.dumps({"rc": rc, "wall": wall, "maxrss_kb": ru.ru_maxrss, "pss_kb": peak[0], "procs": peak[1],
                  "tree_cpu": tree_cpu,
                  "cpu": ru.ru_utime + ru.ru_stime, "stderr": err.decode("utf-8", "replace")[-3000:]}))
"""


def run(path: Path, work: Path, extra: list[str], threads: int, timeout: float | None,
        without: str = "") -> tuple[dict, dict | None]:
    """end_to_end.py's run with the engine's options, measured by this file's helper (the process tree)."""
    return analyze(path, work, threads, timeout, without, extra=extra, helper_code=_HELPER)


def serialisation(path: Path, limit: int = 2000) -> dict:
    """What the Ray engine pickles per article (documents out, annotated articles back), in this process."""
    from storylens.model import InputError
    from storylens.pipeline import BATCH, _extract_and_analyse
    from storylens.sources import iter_sources

    docs = [d for d in iter_sources([str(path)]) if not isinstance(d, InputError)][:limit]
    t0 = time.perf_counter()
    blobs = [pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL) for d in docs]
    t_out = time.perf_counter() - t0
    work = 0.0
    back: list[bytes] = []
    ser = 0.0
    for b in range(0, len(docs), BATCH):
        t0 = time.perf_counter()
        got = [_extract_and_analyse([d]) for d in docs[b:b + BATCH]]
        work += time.perf_counter() - t0
        t0 = time.perf_counter()
        for arts, worked in got:
            back.append(pickle.dumps((arts[0], worked), protocol=pickle.HIGHEST_PROTOCOL))
        ser += time.perf_counter() - t0
    t0 = time.perf_counter()
    for b in back:
        pickle.loads(b)
    t_in = time.perf_counter() - t0
    n = max(1, len(docs))
    return {"docs": len(docs), "work_ms": 1000 * work / n, "out_kb": sum(map(len, blobs)) / 1024 / n,
            "back_kb": sum(map(len, back)) / 1024 / n, "pickle_ms": 1000 * (t_out + ser + t_in) / n}


def worker_start(path: Path) -> float:
    """Seconds a fresh interpreter takes to import storylens and extract one document (a Ray worker's start)."""
    code = ("import sys, time; t = time.perf_counter(); from storylens.pipeline import _extract_and_analyse; "
            "from storylens.sources import iter_sources; d = next(iter(iter_sources([sys.argv[1]]))); "
            "_extract_and_analyse([d]); print(time.perf_counter() - t)")
    got = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return float(got.stdout.strip().splitlines()[-1])


def _strip(report: dict | None) -> str | None:
    if report is None:
        return None
    report = dict(report)
    report.pop("stats", None)
    return json.dumps(report, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", action="store_true", help="bench/out/realnews.jsonl (PolNeAR + T17 H1N1)")
    ap.add_argument("--demo", action="store_true", help="examples/harbour-ferry/articles")
    ap.add_argument("--synthetic", type=int, action="append", default=[], metavar="N")
    ap.add_argument("--ray-workers", type=int, nargs="*", default=[1, 2], metavar="N", help="Ray runs (none: local only)")
    ap.add_argument("--no-local-1", action="store_true", help="skip the one-process local run")
    ap.add_argument("--no-details", action="store_true", help="skip the pickling and worker start-up figures")
    ap.add_argument("--without", default="", metavar="STAGES", help="leave these stages out (comma-separated; "
                    "all six: the engine's part alone, extraction and storing)")
    ap.add_argument("--repeat", type=int, default=1, help="run the configurations this many times, in turn")
    ap.add_argument("--threads", type=int, default=2, help="STORYLENS_THREADS (default 2)")
    ap.add_argument("--timeout", type=float, default=None)
    ap.add_argument("--out", type=Path, default=None, help="append the Markdown to this file")
    args = ap.parse_args(argv)
    inputs: list[tuple[str, Path]] = []
    if args.demo:
        inputs.append(("demo", DEMO))
    if args.real and (p := real_input()) is not None:
        inputs.append(("realnews", p))
    for n in args.synthetic:
        inputs.append((f"synthetic-{n}", synthetic_input(n, 7)[0]))
    if not inputs:
        ap.error("name an input: --demo, --real, --synthetic N")
    configs: list[tuple[str, list[str]]] = [("local", [])]
    if not args.no_local_1:
        configs.append(("local, 1 process", ["--workers", "1"]))
    configs += [(f"ray, {w} worker{'s' if w > 1 else ''}", ["--engine", "ray", "--workers", str(w)])
                for w in args.ray_workers]
    configs = configs * max(1, args.repeat)  # in turn, so a change of load falls on every configuration
    lines = [f"Machine: {machine_line(args.threads)}; load average at start "
             f"{os.getloadavg()[0]:.1f}", ""]
    lines += ["| input | engine | articles stored | wall s | articles/s | vs local | driver peak RSS | tree peak PSS "
              "| same report | CPU s (process tree) | seconds: ray start / ray wait / extract / stages / other |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |"]
    with tempfile.TemporaryDirectory(prefix="storylens-engines-") as tmp:
        for name, path in inputs:
            base_wall = base = None
            for label, extra in configs:
                print(f"{name}: {label} ...", file=sys.stderr)
                load = os.getloadavg()[0]
                m, report = run(path, Path(tmp) / name / label.replace(", ", "-").replace(" ", ""), extra,
                                args.threads, args.timeout, args.without)
                if report is None:
                    lines.append(f"| {name} | {label} | failed: exit {m['rc']} | | | | | | | | |")
                    print(m["stderr"], file=sys.stderr)
                    continue
                stored = len(report.get("articles", []))
                t = (report.get("stats") or {}).get("timings") or {}
                stages = sum(v for k, v in t.items() if k not in ("extract", "report", "ray start", "ray wait"))
                known = t.get("ray start", 0) + t.get("extract", 0) + stages + t.get("report", 0)
                if base is None:
                    base, base_wall = _strip(report), m["wall"]
                same = "yes" if _strip(report) == base else "**no**"
                lines.append(
                    f"| {name} | {label} | {stored:,} | {m['wall']:.1f} | {stored / m['wall']:.1f} | "
                    f"{m['wall'] / base_wall:.2f}x | {m['maxrss_kb'] / 1024 ** 2:.2f} GB | "
                    f"{m['pss_kb'] / 1024 ** 2:.2f} GB ({m['procs']} processes) | {same} | {m['tree_cpu']:.0f} | "
                    f"{t.get('ray start', 0):.1f} / {t.get('ray wait', 0):.1f} / {t.get('extract', 0):.1f} / "
                    f"{stages:.1f} / {m['wall'] - known:.1f} (load {load:.1f}) |")
                print(lines[-1], file=sys.stderr, flush=True)  # each row as it is measured
                print(f"  timings: {json.dumps(t)}", file=sys.stderr, flush=True)
    lines.append("")
    for name, path in inputs if not args.no_details else []:
        s = serialisation(path)
        lines.append(f"- {name}: per document, extraction and sentence analysis {s['work_ms']:.1f} ms in one "
                     f"process; pickled out {s['out_kb']:.1f} KB, back {s['back_kb']:.1f} KB; pickling both ways "
                     f"and unpickling the result {s['pickle_ms']:.2f} ms ({s['docs']:,} documents).")
    if not args.no_details:
        lines.append(f"- a fresh worker: importing storylens and extracting one document, {worker_start(DEMO):.1f} s.")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out is not None:
        with open(args.out, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
