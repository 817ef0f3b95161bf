"""Load: the web UI and HTTP API under concurrent clients on loopback, with peers in the same run.

    .venv/bin/python bench/web_load.py [--db bench/out/load-10k.db] [--duration 30] [--clients 4,16] [--out FILE]

The store is built once when it is missing (``bench/synthetic_stream.py 10000`` then ``storylens analyze``:
several minutes on 2 cores) and reused after. ``storylens serve --db DB --port FREE`` runs as a subprocess, as
a user runs it; a closed-loop generator (``--clients`` asyncio tasks sharing an aiohttp session, each sending
its next request when its last answer has arrived; aiohttp is in the dev extra) drives each endpoint for ``--duration`` seconds per concurrency, after a
warm-up that visits every target once (so the story pages' cited summaries are cached, as after a first
visit) and loads for a few seconds more. Per run: requests, requests per second, p50 / p99 / max latency,
errors (any answer other than 2xx, any connection error or timeout), and the server's resident memory at the
end of the run; the server's peak (``VmHWM``) for the whole session. The first visit of every story (summary
not cached yet) is reported apart, one client.

Peers, in the same run and under the same generator: uvicorn serving a trivial ASGI app (the same HTTP server
and the same body as the story page, no framework, no store), and Python's ``http.server`` serving that page
as a static file (one connection per request: it answers HTTP/1.0). The ratio column is storylens's requests
per second over the uvicorn peer's at the same concurrency. On a 2-core machine the generator takes one core
and the server the other; the peers' figures are bounded by the generator as much as by the server.

Prints a Markdown table headed by the machine (nproc, processor, RAM, date, load average, commit).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DEFAULT_DB = OUT / "load-10k.db"
STREAM = OUT / "synthetic-10000.jsonl"
PY = sys.executable
STORYLENS = str(Path(sys.executable).with_name("storylens"))
sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------- machine


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_line() -> str:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu = _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    mem = _first("/proc/meminfo", "MemTotal")
    ram = f"{int(mem.split()[0]) / 1024 ** 2:.1f} GiB RAM" if mem else "RAM unknown"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        commit = rev + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return (f"{now}; nproc {nproc}, {cpu}, {ram}; load average {load} at the start; Python "
            f"{platform.python_version()}; commit {commit}")


def loadavg() -> str:
    return f"{os.getloadavg()[0]:.2f}"


# ---------------------------------------------------------------- the store and its targets


def ensure_store(db: Path) -> None:
    if db.exists():
        return
    if db != DEFAULT_DB:
        raise SystemExit(f"{db}: no such store")
    OUT.mkdir(parents=True, exist_ok=True)
    if not STREAM.exists():
        subprocess.run([PY, str(ROOT / "bench" / "synthetic_stream.py"), "10000", str(STREAM)], check=True)
    print(f"building {db} (several minutes) ...", file=sys.stderr)
    subprocess.run([STORYLENS, "analyze", str(STREAM), "--db", str(db), "-q"], check=True)


@dataclass
class Targets:
    stories: list[str]
    terms: list[str]
    articles: int
    story_count: int
    sizes: list[int] = field(default_factory=list)
    cached: int = 0  # of the story targets, those whose cited summary an earlier run cached in the store


_STOP = {"after", "about", "their", "which", "would", "could", "there", "these", "those", "where", "while",
         "being", "over", "under", "says", "said", "into", "from", "with", "more", "than"}


def pick_targets(db: Path, n_stories: int, seed: int = 16) -> Targets:
    """Story ids (the largest, and a spread over sizes) and search words (frequent title words)."""
    from storylens.store import open_store

    with open_store(str(db)) as store:
        stories = sorted(store.get_stories(), key=lambda s: (-len(s.article_ids), s.id))
        n_articles = store.count_articles()
        words: collections.Counter[str] = collections.Counter()
        for a in store.iter_articles():
            for w in set(re.findall(r"[a-z]{5,}", (a.title or "").lower())):
                if w not in _STOP:
                    words[w] += 1
        if not stories:
            raise SystemExit(f"{db}: holds no stories")
        rng = random.Random(seed)
        rest = stories[1:]
        chosen = [stories[0]] + rng.sample(rest, min(len(rest), n_stories - 1))
        cached = sum(1 for s in chosen if store.get_state(f"report.summary:{s.id}") is not None)
    terms = [w for w, _ in words.most_common(40)][::2][:20] or ["news"]
    return Targets([s.id for s in chosen], terms, n_articles, len(stories), [len(s.article_ids) for s in chosen],
                   cached)


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode} before answering")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url}: no answer after {timeout:.0f} s")


def rss_mib(pid: int, key: str = "VmRSS") -> float:
    got = _first(f"/proc/{pid}/status", key + ":")
    return int(got.split()[0]) / 1024 if got else float("nan")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def trivial_asgi_main(port: int, body_file: str) -> None:
    """The uvicorn peer: one fixed HTML body for every path, no framework."""
    import uvicorn

    body = Path(body_file).read_bytes()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# ---------------------------------------------------------------- the generator


@dataclass
class Result:
    name: str
    clients: int
    seconds: float
    latencies: list[float]
    errors: int
    error_kinds: collections.Counter[str]
    rss: float = float("nan")
    load: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


async def _drive(base: str, paths: list[str], clients: int, seconds: float, timeout: float) -> Result:
    import aiohttp

    lat: list[float] = []
    kinds: collections.Counter[str] = collections.Counter()
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(base, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        t0 = time.perf_counter()
        end = t0 + seconds

        async def one_client(k: int) -> None:
            i = k
            while time.perf_counter() < end:
                path = paths[i % len(paths)]
                i += clients
                start = time.perf_counter()
                try:
                    async with session.get(path, allow_redirects=False) as r:
                        await r.read()
                        status = r.status
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    kinds[type(exc).__name__] += 1
                    continue
                if 200 <= status < 300:
                    lat.append(time.perf_counter() - start)
                else:
                    kinds[f"HTTP {status}"] += 1

        await asyncio.gather(*(one_client(k) for k in range(clients)))
        took = time.perf_counter() - t0
    return Result("", clients, took, lat, sum(kinds.values()), kinds)


def drive(base: str, paths: list[str], clients: int, seconds: float, timeout: float = 60.0) -> Result:
    return asyncio.run(_drive(base, paths, clients, seconds, timeout))


# ---------------------------------------------------------------- the run


def endpoints(t: Targets) -> list[tuple[str, list[str]]]:
    from urllib.parse import quote

    story = [quote(s, safe="") for s in t.stories]
    return [
        ("stories list `/`", ["/"]),
        ("story page `/story/{id}`", [f"/story/{s}" for s in story]),
        ("search page `/?q=`", [f"/?q={quote(w)}" for w in t.terms]),
        ("API search `/api/v1/search?q=`", [f"/api/v1/search?q={quote(w)}" for w in t.terms]),
        ("API story `/api/v1/stories/{id}`", [f"/api/v1/stories/{s}" for s in story]),
        ("API stories list `/api/v1/stories`", ["/api/v1/stories"]),
        ("API articles list `/api/v1/articles`", ["/api/v1/articles"]),
    ]


def ms(x: float) -> str:
    return "—" if x != x else (f"{x * 1000:.1f}" if x < 1 else f"{x * 1000:,.0f}")


def row(r: Result, peer_rps: float | None) -> str:
    ratio = f"{r.rps / peer_rps:.3f}" if peer_rps else "—"
    errs = str(r.errors) + (f" ({', '.join(f'{k} ×{v}' for k, v in r.error_kinds.most_common())})" if r.errors else "")
    return (f"| {r.name} | {r.clients} | {r.requests:,} | {r.rps:,.1f} | {ms(r.pct(0.5))} | {ms(r.pct(0.99))} | "
            f"{ms(max(r.latencies, default=float('nan')))} | {errs} | {r.rss:,.0f} | {ratio} | {r.load} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per endpoint and concurrency")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of load before each endpoint's runs")
    ap.add_argument("--clients", default="4,16", help="concurrent clients, comma-separated")
    ap.add_argument("--stories", type=int, default=50, help="story ids the story endpoints cycle over")
    ap.add_argument("--only", default="", help="run only endpoints whose name contains this")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--out", type=Path, help="also write the table here")
    ap.add_argument("--peer-asgi", nargs=2, metavar=("PORT", "BODY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer_asgi:
        trivial_asgi_main(int(args.peer_asgi[0]), args.peer_asgi[1])
        return
    conc = [int(c) for c in args.clients.split(",") if c.strip()]
    ensure_store(args.db)
    header = machine_line()
    t = pick_targets(args.db, args.stories)
    print(f"store {args.db.name}: {t.articles:,} articles, {t.story_count:,} stories; story targets "
          f"{len(t.stories)} (sizes {max(t.sizes)}..{min(t.sizes)}), search words {', '.join(t.terms[:6])} ...",
          file=sys.stderr)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([STORYLENS, "serve", "--db", str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    results: list[Result] = []
    cold: Result | None = None
    page_html = b""
    try:
        wait_up(base + "/api/v1/stories?per_page=1", server)
        eps = [e for e in endpoints(t) if args.only in e[0]]
        # first visits of every story page, one client: the cited summaries are computed and cached here
        if any("story" in name for name, _ in eps):
            lat: list[float] = []
            kinds: collections.Counter[str] = collections.Counter()
            with httpx.Client(base_url=base, timeout=120) as c:
                for path in endpoints(t)[1][1]:
                    start = time.perf_counter()
                    r = c.get(path)
                    if r.status_code == 200:
                        lat.append(time.perf_counter() - start)
                    else:
                        kinds[f"HTTP {r.status_code}"] += 1
                page_html = c.get(endpoints(t)[1][1][0]).content
            label = (f"story page, each target once (a new server; {len(t.stories) - t.cached} of {len(t.stories)} "
                     "summaries computed, the rest cached by an earlier run)")
            cold = Result(label, 1, sum(lat), lat, sum(kinds.values()),
                          kinds, rss_mib(server.pid), loadavg())
        for name, paths in eps:
            with httpx.Client(base_url=base, timeout=120) as c:  # every target once
                for p in paths:
                    c.get(p)
            drive(base, paths, max(conc), args.warmup)
            for n in conc:
                r = drive(base, paths, n, args.duration)
                r.name, r.rss, r.load = name, rss_mib(server.pid), loadavg()
                results.append(r)
                print(f"  {name} ×{n}: {r.rps:.1f} rps, p50 {ms(r.pct(0.5))} ms, p99 {ms(r.pct(0.99))} ms, "
                      f"{r.errors} errors", file=sys.stderr)
        peak = rss_mib(server.pid, "VmHWM")
    finally:
        stop(server)
        err = server.stderr.read() if server.stderr else ""
    tracebacks = err.count("Traceback")

    peers: dict[int, float] = {}
    peer_results: list[Result] = []
    if not args.no_peers:
        if not page_html:  # no story page was run: a body of a typical story page's size
            page_html = b"<!doctype html><p>" + b"x" * 60000 + b"</p>"
        with tempfile.TemporaryDirectory(prefix="storylens-load-") as tmp:
            body = Path(tmp) / "story.html"
            body.write_bytes(page_html)
            for label, cmd in (
                ("peer: uvicorn, trivial ASGI app, same body", [PY, __file__, "--peer-asgi", "{port}", str(body)]),
                ("peer: `python -m http.server`, the page as a static file",
                 [PY, "-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", tmp]),
            ):
                pport = free_port()
                proc = subprocess.Popen([c.replace("{port}", str(pport)) for c in cmd], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                try:
                    wait_up(f"http://127.0.0.1:{pport}/story.html", proc)
                    drive(f"http://127.0.0.1:{pport}", ["/story.html"], max(conc), args.warmup)
                    for n in conc:
                        r = drive(f"http://127.0.0.1:{pport}", ["/story.html"], n, args.duration)
                        r.name, r.rss, r.load = label, rss_mib(proc.pid), loadavg()
                        peer_results.append(r)
                        if "uvicorn" in label:
                            peers[n] = r.rps
                        print(f"  {label} ×{n}: {r.rps:.1f} rps", file=sys.stderr)
                finally:
                    stop(proc)

    lines = [f"Machine: {header}", "",
             f"Store: {args.db.name}, {t.articles:,} articles in {t.story_count:,} stories; story endpoints cycle over "
             f"{len(t.stories)} stories ({max(t.sizes)} to {min(t.sizes)} articles), search over {len(t.terms)} "
             f"title words; {args.duration:g} s per run after a warm-up; closed loop, aiohttp over keep-alive "
             f"connections. Server peak resident memory (VmHWM): **{peak:,.0f} MiB**; server tracebacks: "
             f"{tracebacks}.", "",
             "| endpoint | clients | requests | req/s | p50 ms | p99 ms | max ms | errors | server RSS MiB | "
             "ratio to uvicorn peer | load avg |",
             "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    if cold is not None:
        lines.append(row(cold, None))
    lines += [row(r, peers.get(r.clients)) for r in results]
    lines += [row(r, peers.get(r.clients) if "uvicorn" not in r.name else None) for r in peer_results]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    if err.strip():
        print("server stderr (last lines):\n" + "\n".join(err.strip().splitlines()[-15:]), file=sys.stderr)


if __name__ == "__main__":
    main()
