"""Benchmark: storylens HTML extraction vs plain trafilatura on the WCXB dev article pages.

Run: ``.venv/bin/python bench/extraction.py [--limit N] [--json] [--out FILE]``

Scoring (the corpus README's):

* body: F1 over word 4-gram shingles (lowercased ``\\w+`` tokens), per page, then averaged.
  A page whose text has fewer than 4 words is one shingle. Both empty counts 1.0, one empty 0.0.
* title / author / date: exact match after normalisation (lowercase, punctuation to spaces,
  whitespace collapsed; for authors the joining words "and"/"&" are dropped too, so
  "A, B and C" equals "A; B; C"); dates compared to the day.
  Pages whose ground truth has no author (or date) count as correct when the extractor
  also returns none, and wrong when it returns something ("none predicted correctly").
* pages/second: each extractor's own wall time over the same pages, single process.

Held-out: pages are split by position, every 5th page (index % 5 == 4) is "held-out";
rules were developed looking at the others only. Both figures are reported.

If ``storylens.extract.crossdoc.refine_outlet`` exists, it is applied per outlet
(pages grouped by URL domain) and body F1 is reported with and without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from textbench_common import shingle_f1 as body_f1  # noqa: E402  (one scoring function for both benchmarks)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS_CANDIDATES = [
    ROOT.parent / "shared" / "corpora" / "wcxb-dev-articles",
    Path("/work/shared/corpora/wcxb-dev-articles"),
]

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_AUTHOR_JOINERS = re.compile(r"\b(and|und|et|y|e)\b")


def find_corpus() -> Path | None:
    for c in CORPUS_CANDIDATES:
        if (c / "html").is_dir() and (c / "ground-truth").is_dir():
            return c
    return None


def norm_text(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", str(s)).lower()
    s = _PUNCT.sub(" ", s)
    return " ".join(s.split())


def norm_author(s: str | None) -> str:
    return " ".join(_AUTHOR_JOINERS.sub(" ", norm_text(s)).split())


def norm_date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", str(value))
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return str(value).strip()[:10]


@dataclass
class Page:
    file_id: str
    index: int
    url: str | None
    html: str
    gold: dict[str, Any]


@dataclass
class Pred:
    body: str
    title: str | None
    author: str | None
    date: Any
    extra: dict[str, Any] = field(default_factory=dict)


def load_pages(corpus: Path, limit: int | None = None) -> list[Page]:
    pages: list[Page] = []
    files = sorted((corpus / "ground-truth").glob("*.json"))
    for i, gt_path in enumerate(files):
        if limit is not None and len(pages) >= limit:
            break
        fid = gt_path.stem
        html_path = corpus / "html" / f"{fid}.html.gz"
        if not html_path.exists():
            continue
        meta = json.loads(gt_path.read_text(encoding="utf-8"))
        raw = gzip.decompress(html_path.read_bytes())
        html = raw.decode("utf-8", errors="replace")
        pages.append(Page(fid, i, meta.get("url"), html, meta.get("ground_truth") or {}))
    return pages


def run_trafilatura(page: Page) -> Pred:
    import trafilatura

    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True, include_comments=False)
    if doc is None:
        return Pred("", None, None, None)
    return Pred(doc.text or "", doc.title, doc.author, doc.date)


def run_storylens(page: Page) -> Pred:
    from storylens.extract.html import extract_html

    art = extract_html(page.html, url=page.url)
    return Pred("\n\n".join(art.body), art.title, art.byline, art.published, {"article": art})


def score(pages: list[Page], preds: list[Pred]) -> dict[str, float]:
    f1s, precs, recs, ti, au, da = [], [], [], [], [], []
    au_gold, da_gold = [], []
    for page, pred in zip(pages, preds, strict=True):
        g = page.gold
        p, r, f = body_f1(pred.body, g.get("main_content") or "")
        f1s.append(f)
        precs.append(p)
        recs.append(r)
        ti.append(norm_text(pred.title) == norm_text(g.get("title")))
        a_ok = norm_author(pred.author) == norm_author(g.get("author"))
        d_ok = norm_date(pred.date) == norm_date(g.get("publish_date"))
        au.append(a_ok)
        da.append(d_ok)
        if g.get("author"):
            au_gold.append(a_ok)
        if g.get("publish_date"):
            da_gold.append(d_ok)
    n = len(pages) or 1
    return {
        "pages": len(pages),
        "body_f1": sum(f1s) / n,
        "body_f1_median": statistics.median(f1s) if f1s else 0.0,
        "body_precision": sum(precs) / n,
        "body_recall": sum(recs) / n,
        "title": sum(ti) / n,
        "author": sum(au) / n,
        "author_when_gold": sum(au_gold) / (len(au_gold) or 1),
        "date": sum(da) / n,
        "date_when_gold": sum(da_gold) / (len(da_gold) or 1),
    }


def timed(fn: Callable[[Page], Pred], pages: list[Page]) -> tuple[list[Pred], float]:
    out, secs = timed_pair([fn], pages)
    return out[0], secs[0]


def timed_pair(fns: list[Callable[[Page], Pred]], pages: list[Page]) -> tuple[list[list[Pred]], list[float]]:
    """Run the extractors page by page, interleaved, so that load from other processes on a
    shared machine falls on all of them alike; each extractor's own time is summed."""
    outs: list[list[Pred]] = [[] for _ in fns]
    secs = [0.0 for _ in fns]
    for p in pages:
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            try:
                pred = fn(p)
            except Exception as exc:  # noqa: BLE001 - a benchmark must not stop on one page
                print(f"{p.file_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
                pred = Pred("", None, None, None)
            secs[k] += time.perf_counter() - t0
            outs[k].append(pred)
    return outs, secs


def crossdoc_preds(pages: list[Page], preds: list[Pred]) -> list[Pred] | None:
    try:
        from storylens.extract import crossdoc  # type: ignore[attr-defined]
    except ImportError:
        return None
    refine = getattr(crossdoc, "refine_outlet", None)
    if refine is None:
        return None
    from storylens.extract import outlet_from_url

    groups: dict[str, list[int]] = {}
    for i, p in enumerate(pages):
        groups.setdefault(outlet_from_url(p.url) or f"?{i}", []).append(i)
    out = list(preds)
    for idx in groups.values():
        arts = [preds[i].extra["article"] for i in idx if "article" in preds[i].extra]
        if len(arts) != len(idx):
            continue
        refined = refine(arts)
        for i, art in zip(idx, refined, strict=True):
            out[i] = Pred("\n\n".join(art.body), art.title, art.byline, art.published)
    return out


def _ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def confidence_check(pages: list[Page], preds: list[Pred]) -> dict[str, Any]:
    """Does storylens' confidence track body F1? Spearman correlation and mean F1 per confidence band."""
    conf, f1 = [], []
    for p, pred in zip(pages, preds, strict=True):
        art = pred.extra.get("article")
        if art is None:
            continue
        conf.append(float(art.confidence))
        f1.append(body_f1(pred.body, p.gold.get("main_content") or "")[2])
    out: dict[str, Any] = {"spearman": 0.0, "bands": []}
    if len(conf) > 2:
        rc, rf = _ranks(conf), _ranks(f1)
        mc, mf = statistics.mean(rc), statistics.mean(rf)
        cov = sum((a - mc) * (b - mf) for a, b in zip(rc, rf, strict=True))
        var = (sum((a - mc) ** 2 for a in rc) * sum((b - mf) ** 2 for b in rf)) ** 0.5
        out["spearman"] = cov / var if var else 0.0
    for lo, hi in ((0.0, 0.5), (0.5, 0.8), (0.8, 1.01)):
        sel = [f for c, f in zip(conf, f1, strict=True) if lo <= c < hi]
        out["bands"].append({"from": lo, "to": min(hi, 1.0), "pages": len(sel),
                             "body_f1": statistics.mean(sel) if sel else None})
    return out


def split(pages: list[Page]) -> tuple[list[int], list[int]]:
    dev = [i for i, p in enumerate(pages) if p.index % 5 != 4]
    held = [i for i, p in enumerate(pages) if p.index % 5 == 4]
    return dev, held


def subset(xs: list[Any], idx: list[int]) -> list[Any]:
    return [xs[i] for i in idx]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--out", type=Path, default=None, help="write a markdown table to this file")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the largest F1 loss vs trafilatura")
    args = ap.parse_args(argv)

    corpus = find_corpus()
    if corpus is None:
        print("bench/extraction.py: corpus wcxb-dev-articles not found under ../shared/corpora", file=sys.stderr)
        return 2
    pages = load_pages(corpus, args.limit)
    # warm up imports (not timed)
    run_trafilatura(pages[0])
    run_storylens(pages[0])

    (traf, sl), (t_traf, t_sl) = timed_pair([run_trafilatura, run_storylens], pages)
    cross = crossdoc_preds(pages, sl)

    dev, held = split(pages)
    results: dict[str, Any] = {"corpus": str(corpus.name), "pages": len(pages), "splits": {}}
    for name, idx in (("all", list(range(len(pages)))), ("dev", dev), ("held-out", held)):
        ps = subset(pages, idx)
        row = {"trafilatura": score(ps, subset(traf, idx)), "storylens": score(ps, subset(sl, idx))}
        if cross is not None:
            row["storylens+crossdoc"] = score(ps, subset(cross, idx))
        results["splits"][name] = row
    results["speed"] = {
        "trafilatura_pages_per_s": len(pages) / t_traf if t_traf else 0.0,
        "storylens_pages_per_s": len(pages) / t_sl if t_sl else 0.0,
        "trafilatura_s": t_traf,
        "storylens_s": t_sl,
    }
    results["crossdoc_available"] = cross is not None
    results["confidence"] = confidence_check(pages, sl)

    if args.worst:
        losses = []
        for i, p in enumerate(pages):
            gold = p.gold.get("main_content") or ""
            losses.append((body_f1(sl[i].body, gold)[2] - body_f1(traf[i].body, gold)[2], p.file_id))
        losses.sort()
        for d, fid in losses[: args.worst]:
            print(f"  {fid}: storylens - trafilatura = {d:+.3f}", file=sys.stderr)

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(render_markdown(results))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(render_markdown(results) + "\n", encoding="utf-8")
    return 0


def render_markdown(res: dict[str, Any]) -> str:
    lines = [f"Pages: {res['pages']} ({res['corpus']})", ""]
    lines.append("| split | extractor | pages | body F1 | body P | body R | title | author | date (day) |"
                 " author (gold has one) | date (gold has one) |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for split_name, row in res["splits"].items():
        for ex, s in row.items():
            lines.append(
                f"| {split_name} | {ex} | {s['pages']} | {s['body_f1']:.3f} | {s['body_precision']:.3f} | "
                f"{s['body_recall']:.3f} | {s['title']:.3f} | {s['author']:.3f} | {s['date']:.3f} | "
                f"{s['author_when_gold']:.3f} | {s['date_when_gold']:.3f} |"
            )
    sp = res["speed"]
    ratio = sp["storylens_pages_per_s"] / sp["trafilatura_pages_per_s"] if sp["trafilatura_pages_per_s"] else 0.0
    lines += [
        "",
        "| extractor | pages/s | seconds |",
        "|---|---:|---:|",
        f"| trafilatura | {sp['trafilatura_pages_per_s']:.2f} | {sp['trafilatura_s']:.1f} |",
        f"| storylens | {sp['storylens_pages_per_s']:.2f} | {sp['storylens_s']:.1f} |",
        "",
        f"Speed ratio storylens / trafilatura: {ratio:.2f}. Cross-page pass available: {res['crossdoc_available']}.",
    ]
    conf = res.get("confidence")
    if conf:
        lines += ["", f"storylens confidence vs body F1: Spearman {conf['spearman']:.2f}.", "",
                  "| confidence | pages | mean body F1 |", "|---|---:|---:|"]
        for band in conf["bands"]:
            f1 = "-" if band["body_f1"] is None else f"{band['body_f1']:.3f}"
            lines.append(f"| {band['from']:.1f}-{band['to']:.1f} | {band['pages']} | {f1} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
