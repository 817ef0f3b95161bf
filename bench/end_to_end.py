"""End-to-end speed of ``storylens analyze``: the whole command, as a user runs it, on named inputs.

    .venv/bin/python bench/end_to_end.py [--real] [--synthetic N ...] [--seed S] [--threads T]
                                         [--out FILE] [--keep DIR] [--timeout S]

Each input is analysed into a fresh store by

    storylens analyze IN.jsonl --db TMP/s.db --json TMP/r.json -q --timings   (STORYLENS_THREADS=2)

started from a fresh helper process, so the helper's RUSAGE_CHILDREN maximum resident set is that one
run's peak memory. Per input: articles, wall seconds, CPU seconds (user + system), articles per second,
milliseconds per article, the per-article cost relative to the smallest synthetic run ("ratio"), peak
memory, stories, derivations by kind and, where the report has a ``stats`` field, each stage's seconds and
share of the wall time ("other" is what the stages do not account for: start-up, imports, reading, the
report). For synthetic inputs also, against the planted answers:

* copy / rewrite recall: the share of planted pairs that the report links (either direction, any kind);
  "strict" counts only the right direction and kind (copy or near_copy for copies, rewrite for rewrites);
* extra: derivations that link no planted pair nor two articles taken from one source, and how many
  of those join articles of two different stories ("cross"), which is always wrong;
* story pairs P/R: pairwise precision and recall of the report's stories against the planted ones.

Inputs:

* ``--real``: bench/out/realnews.jsonl, PolNeAR train + dev and the T17 H1N1 articles (made once by
  bench/realnews_data.py from ../shared/corpora; skipped, with a note, where that folder is missing);
* ``--synthetic N`` (repeatable): bench/out/synthetic-N.jsonl from bench/synthetic_stream.py (made once and
  reused; remade when the generator's version changes), with its planted copies, rewrites and stories.

``--postgres URL`` stores each run in a fresh database on that PostgreSQL server (``scripts/postgres.sh start``
prints the URL of a local one) instead of a SQLite file.

The Markdown table goes to stdout, headed by the machine (nproc, processor, RAM, date); ``--out FILE``
appends it to FILE as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
CORPORA = ROOT.parent / "shared" / "corpora"
KINDS = ("copy", "near_copy", "rewrite")

sys.path.insert(0, str(BENCH))

import synthetic_stream  # noqa: E402

# Runs one command and prints, as JSON, its exit status, wall time and the resources of its process tree.
# A fresh interpreter per run, so RUSAGE_CHILDREN's ru_maxrss is this run's peak and no other's.
_HELPER = r"""
import json, os, resource, subprocess, sys, time
cmd, env, timeout = json.loads(sys.argv[1])
t = time.perf_counter()
try:
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    rc, err = p.returncode, p.stderr
except subprocess.TimeoutExpired as exc:
    rc, err = "timeout", exc.stderr or b""
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "maxrss_kb": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime,
                  "stderr": err.decode("utf-8", "replace")[-3000:]}))
"""


# ---------------------------------------------------------------- machine


def _nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


def _processor() -> str:
    name = platform.processor()
    if name:
        return name
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine() or "unknown processor"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return "RAM unknown"


def _git() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_line(threads: int) -> str:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{now}; nproc {_nproc()}, {_processor()}, {_ram()}; Python {platform.python_version()}; "
            f"commit {_git()}; STORYLENS_THREADS={threads}")


# ---------------------------------------------------------------- inputs


def real_input() -> Path | None:
    path = OUT / "realnews.jsonl"
    if path.exists():
        return path
    if not CORPORA.is_dir():
        print(f"--real: skipped, {CORPORA} is missing (realnews_data.py builds {path} from PolNeAR and "
              "T17 H1N1 there)", file=sys.stderr)
        return None
    try:
        from realnews_data import realnews

        return realnews()
    except Exception as exc:  # noqa: BLE001 - a missing corpus part or a broken import: say so, run the rest
        print(f"--real: skipped, could not build {path} ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return None


def synthetic_input(n: int, seed: int) -> tuple[Path, dict]:
    """bench/out/synthetic-N.jsonl (synthetic-N-sS.jsonl for a seed other than 7) and its gold answers."""
    name = f"synthetic-{n}" + ("" if seed == 7 else f"-s{seed}")
    path = OUT / f"{name}.jsonl"
    gold_path = synthetic_stream.gold_path_for(path)
    gold = None
    if path.exists() and gold_path.exists():
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except ValueError:
            gold = None
        meta = (gold or {}).get("meta", {})
        if (meta.get("version"), meta.get("n"), meta.get("seed")) != (synthetic_stream.VERSION, n, seed):
            gold = None
    if gold is None:
        print(f"generating {path} ({n} articles, seed {seed})", file=sys.stderr)
        synthetic_stream.write(n, path, seed)
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return path, gold


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


# ---------------------------------------------------------------- one run


def storylens_bin() -> str:
    exe = ROOT / ".venv" / "bin" / "storylens"
    if exe.exists():
        return str(exe)
    found = shutil.which("storylens")
    if not found:
        sys.exit("end_to_end: no storylens command (expected .venv/bin/storylens)")
    return found


_WITHOUT = (
    "import sys, storylens.pipeline as p; drop = set(sys.argv.pop(1).split(',')); "
    "p.STAGES[:] = [s for s in p.STAGES if s[0] not in drop]; from storylens.cli import main; main()"
)


def fresh_database(server: str, name: str) -> str:
    """A fresh, empty database ``name`` on the PostgreSQL server at ``server`` (dropped first if there): its URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def analyze(path: Path, work: Path, threads: int, timeout: float | None,
            without: str = "", extra: list[str] | None = None, helper_code: str | None = None,
            postgres: str | None = None) -> tuple[dict, dict | None]:
    """Run storylens analyze on ``path`` into a fresh store under ``work``: (measurements, report or None).

    ``without``: stage names (comma-separated) left out of the run, e.g. "claims,comments" for the budget of
    extraction, reuse and stories alone. ``extra``: more `analyze` options; ``helper_code``: another measuring
    helper (bench/engines.py's counts the whole process tree); ``postgres``: a server URL, the store then
    being a fresh database there (``storylens_e2e_<work folder>``) instead of a SQLite file."""
    work.mkdir(parents=True, exist_ok=True)
    db, rep = work / "s.db", work / "r.json"
    for p in (db, rep, work / "s.db-wal", work / "s.db-shm"):
        p.unlink(missing_ok=True)
    where = fresh_database(postgres, "storylens_e2e_" + "".join(c for c in work.name if c.isalnum())[:40]) \
        if postgres else str(db)
    cmd = [storylens_bin(), "analyze", str(path), "--db", where, "--json", str(rep), "-q", "--timings",
           *(extra or [])]
    if without:
        cmd = [sys.executable, "-c", _WITHOUT, without, *cmd[1:]]
    env = dict(os.environ, STORYLENS_THREADS=str(threads))
    helper = subprocess.run([sys.executable, "-c", helper_code or _HELPER, json.dumps([cmd, env, timeout])],
                            capture_output=True, text=True)
    if helper.returncode != 0:
        raise RuntimeError(f"measuring helper failed: {helper.stderr.strip()[-500:]}")
    m = json.loads(helper.stdout)
    report = None
    if m["rc"] in (0, 1):  # 1: some records could not be read (named on stderr); the report is written
        try:
            report = json.loads(rep.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            m["stderr"] += f"\n(report unreadable: {exc})"
    return m, report


# ---------------------------------------------------------------- scoring against the planted answers


def _pairs2(n: int) -> int:
    return n * (n - 1) // 2


def story_pairs(report: dict, ext: dict[str, str], gold_stories: dict[str, list[str]]) -> tuple[float, float]:
    """Pairwise precision and recall of the report's stories against the planted ones."""
    gold_of = {i: k for k, ids in gold_stories.items() for i in ids}
    together = found = 0
    for st in report.get("stories", []):
        ids = {ext.get(a, a) for a in st.get("article_ids", [])} & gold_of.keys()
        found += _pairs2(len(ids))
        together += sum(_pairs2(c) for c in Counter(gold_of[i] for i in ids).values())
    gold = sum(_pairs2(len(v)) for v in gold_stories.values())
    return (together / found if found else 1.0), (together / gold if gold else 1.0)


def score(report: dict, gold: dict) -> dict:
    # a derivation names articles by storylens id; the JSONL id is the article's external_id
    ext = {a["id"]: (a.get("external_id") or a["id"]) for a in report.get("articles", [])}
    found: dict[frozenset, list[tuple[str, str, str]]] = {}
    for d in report.get("derivations", []):
        s, t = ext.get(d["source_id"], d["source_id"]), ext.get(d["derived_id"], d["derived_id"])
        found.setdefault(frozenset((s, t)), []).append((s, t, d.get("kind", "")))
    out: dict = {}
    for key, kinds in (("copies", ("copy", "near_copy")), ("rewrites", ("rewrite",))):
        planted = [tuple(p) for p in gold.get(key, [])]
        hit = sum(1 for s, t in planted if frozenset((s, t)) in found)
        strict = sum(1 for s, t in planted if any(f == (s, t, k) for f in found.get(frozenset((s, t)), [])
                                                    for k in kinds))
        out[key] = (hit, strict, len(planted))
    # explained: a planted pair, or two articles taken from one source (siblings, or a chain through them)
    families: dict[str, set[str]] = {}
    for s, t in [tuple(p) for p in gold.get("copies", []) + gold.get("rewrites", [])]:
        families.setdefault(s, {s}).add(t)
    member: dict[str, list[str]] = {}
    for src, fam in families.items():
        for a in fam:
            member.setdefault(a, []).append(src)
    story_of = {i: k for k, ids in gold.get("stories", {}).items() for i in ids}
    extra = cross = 0
    for pair in found:
        a, b = tuple(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
        if set(member.get(a, [])) & set(member.get(b, [])):
            continue
        extra += 1
        cross += story_of.get(a) != story_of.get(b)
    out["extra"], out["cross"] = extra, cross
    out["story_p"], out["story_r"] = story_pairs(report, ext, gold.get("stories", {}))
    return out


# ---------------------------------------------------------------- table


def _f(x: float | None, fmt: str = ".1f") -> str:
    return "–" if x is None else format(x, fmt)


def _recall(t: tuple[int, int, int]) -> str:
    hit, strict, n = t
    return "–" if not n else f"{hit / n:.2f} ({strict / n:.2f}) of {n}"


COLUMNS = ["input", "articles", "wall s", "cpu s", "art/s", "ms/art", "ratio", "peak MiB", "stories", "copy",
           "near_copy", "rewrite", "copy recall (strict)", "rewrite recall (strict)", "extra (cross)",
           "story pairs P / R"]


def _row_cells(r: dict, base: dict | None) -> list[str]:
    if r.get("error"):
        cells = [r["name"], f"{r['articles']:,}", _f(r.get("wall"))] + ["–"] * 5 + [f"failed: {r['error']}"]
        return cells + [""] * (len(COLUMNS) - len(cells))
    ratio = f"{r['ms'] / base['ms']:.2f}" if base is not None and r.get("synthetic") else "–"
    arts = f"{r['articles']:,}" + (f" ({r['stored']:,} stored)" if r["stored"] != r["articles"] else "")
    kinds = r["kinds"]
    cells = [r["name"], arts, f"{r['wall']:.1f}", f"{r['cpu']:.1f}", f"{r['aps']:.1f}", f"{r['ms']:.1f}",
             ratio, f"{r['peak']:.0f}", f"{r['stories']:,}"] + [str(kinds.get(k, 0)) for k in KINDS]
    g = r.get("score")
    if g:
        cells += [_recall(g["copies"]), _recall(g["rewrites"]), f"{g['extra']} ({g['cross']})",
                  f"{g['story_p']:.2f} / {g['story_r']:.2f}"]
    else:
        cells += ["–"] * 4
    return cells


def _md(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _stage_lines(stage_rows: list[dict]) -> list[str]:
    names: list[str] = []
    for r in stage_rows:
        names += [k for k in r["timings"] if k not in names]
    lines = ["", "Stages: seconds (share of the wall time); other: wall time that no stage accounts for (negative "
             "where stages overlapped: the comments stage runs in a process of its own beside reuse).", "",
             _md(["input"] + names + ["other"]), "|---|" + "---:|" * (len(names) + 1)]
    for r in stage_rows:
        t, wall = r["timings"], r["wall"]
        nums = {k: v for k, v in t.items() if isinstance(v, int | float)}
        cells = [f"{nums[k]:.1f} ({nums[k] / wall:.0%})" if k in nums else "–" for k in names]
        other = wall - sum(nums.values())
        lines.append(_md([r["name"]] + cells + [f"{other:.1f} ({other / wall:.0%})"]))
    return lines


def render(rows: list[dict], machine: str) -> str:
    synth = [r for r in rows if r.get("synthetic") and r.get("ms") is not None]
    base = min(synth, key=lambda r: r["articles"]) if synth else None
    lines = [f"## storylens analyze, end to end ({machine})", "", _md(COLUMNS),
             "|---|" + "---:|" * (len(COLUMNS) - 1)]
    lines += [_md(_row_cells(r, base)) for r in rows]
    stage_rows = [r for r in rows if r.get("timings")]
    if stage_rows:
        lines += _stage_lines(stage_rows)
    elif any(not r.get("error") for r in rows):
        lines += ["", "No per-stage timings: the report has no `stats` field."]
    for r in rows:
        if r.get("counters"):
            c = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                          for k, v in r["counters"].items())
            lines += ["", f"Counters, {r['name']}: {c}"]
    note = "ratio: milliseconds per article relative to the smallest synthetic run"
    if len(synth) >= 2:
        big = max(synth, key=lambda r: r["articles"])
        note += (f"; per-article cost at {big['articles']:,} articles is {big['ms'] / base['ms']:.2f}x "
                 f"that at {base['articles']:,}")
    lines += ["", note + ". peak MiB: maximum resident set of the analyze process."]
    if synth:
        lines.append("recall: planted pairs linked in either direction by any kind (strict: right direction "
                     "and kind); extra: other derivations, not between two articles of one source (cross: "
                     "between two planted stories).")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def run_one(name: str, path: Path, gold: dict | None, args: argparse.Namespace, work_root: Path) -> dict:
    n = count_lines(path)
    print(f"analyzing {name}: {n:,} articles ...", file=sys.stderr)
    m, report = analyze(path, work_root / name, args.threads, args.timeout, args.without, postgres=args.postgres)
    label = name + (f" (without {args.without})" if args.without else "") + (", PostgreSQL" if args.postgres else "")
    row: dict = {"name": label, "articles": n,
                 "synthetic": gold is not None, "wall": m["wall"]}
    if m["rc"] not in (0, 1) or report is None:
        tail = " ".join(m.get("stderr", "").strip().splitlines()[-2:])[-200:].replace("|", "/")
        row.update(error=f"exit {m['rc']}" + (f": {tail}" if tail else ""), ms=None)
        print(f"{name}: storylens analyze failed (exit {m['rc']})\n{m.get('stderr', '')}", file=sys.stderr)
        return row
    stored = len(report.get("articles", []))
    stats = report.get("stats") if isinstance(report.get("stats"), dict) else {}
    row.update(stored=stored, cpu=m["cpu"], aps=n / m["wall"], ms=1000 * m["wall"] / n,
               peak=m["maxrss_kb"] / 1024, stories=len(report.get("stories", [])),
               kinds=Counter(d.get("kind") for d in report.get("derivations", [])),
               timings=stats.get("timings") if isinstance(stats.get("timings"), dict) else None,
               counters=stats.get("counters") if isinstance(stats.get("counters"), dict) else None)
    if gold is not None:
        row["score"] = score(report, gold)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", action="store_true", help="bench/out/realnews.jsonl (PolNeAR + T17 H1N1)")
    ap.add_argument("--synthetic", type=int, action="append", default=[], metavar="N",
                    help="a synthetic stream of N articles (repeatable)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic streams (default 7)")
    ap.add_argument("--threads", type=int, default=2, help="STORYLENS_THREADS for the runs (default 2)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds allowed per run")
    ap.add_argument("--keep", type=Path, default=None, help="keep each run's store and report here")
    ap.add_argument("--out", type=Path, default=None, help="append the Markdown table to this file")
    ap.add_argument("--without", default="", metavar="STAGES",
                    help="leave these stages out (comma-separated, e.g. claims,comments: the budget of extraction, "
                         "reuse and stories)")
    ap.add_argument("--postgres", default=None, metavar="URL",
                    help="store each run in a fresh database on this PostgreSQL server (scripts/postgres.sh start "
                         "prints one) instead of a SQLite file")
    args = ap.parse_args(argv)
    if not args.real and not args.synthetic:
        ap.error("name at least one input: --real and/or --synthetic N")
    if any(n < 1 for n in args.synthetic):
        ap.error("--synthetic N needs N >= 1")
    inputs: list[tuple[str, Path, dict | None]] = []
    if args.real:
        path = real_input()
        if path is not None:
            inputs.append(("realnews", path, None))
    for n in sorted(set(args.synthetic)):
        path, gold = synthetic_input(n, args.seed)
        inputs.append((path.stem, path, gold))
    if not inputs:
        print("end_to_end: nothing to run", file=sys.stderr)
        return 1
    machine = machine_line(args.threads)
    rows = []
    tmp = None
    if args.keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="storylens-e2e-")
        work_root = Path(tmp.name)
    else:
        work_root = args.keep
    try:
        for name, path, gold in inputs:
            rows.append(run_one(name, path, gold, args, work_root))
    finally:
        if tmp is not None:
            tmp.cleanup()
    text = render(rows, machine)
    sys.stdout.write(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0 if all(not r.get("error") for r in rows) else 2


if __name__ == "__main__":
    raise SystemExit(main())
