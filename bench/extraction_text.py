"""Plain-text body extraction benchmark on WCXB article pages.

Each HTML page is rendered to plain text with a simple renderer (script/style dropped, one line per block
element), so the text keeps the page's menus, footers and link lists. Then:

* storylens ``extract_text`` on the text,
* trafilatura on the same text (each line wrapped as a <p>, since trafilatura reads HTML; given the bare
  text it finds no content at all),
* a C4-style line filter (terminal punctuation, >= 5 words, no 'javascript'/'cookie'/...).

Score: body F1 over word 4-gram shingles per page vs ground-truth ``main_content``, averaged. Every 5th page
(index % 5 == 4) is held out from development; both splits are reported.

    .venv/bin/python bench/extraction_text.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textbench_common import c4_filter, find_corpora, html_to_text, shingle_f1  # noqa: E402

TITLES: dict[str, str] = {}
DATES: dict[str, str] = {}


def _norm_title(s: str | None) -> str:
    return " ".join((s or "").lower().split())


def load(limit: int | None) -> list[tuple[str, str, str]]:
    return [(pid, text, gold) for pid, text, gold, _url in load_pages(limit)]


def load_pages(limit: int | None) -> list[tuple[str, str, str, str]]:
    corp = find_corpora()
    if corp is None:
        raise SystemExit("extraction_text: corpus folder shared/corpora not found")
    root = corp / "wcxb-dev-articles"
    out: list[tuple[str, str, str, str]] = []
    for gt_path in sorted((root / "ground-truth").glob("*.json")):
        page_id = gt_path.stem
        html_path = root / "html" / f"{page_id}.html.gz"
        if not html_path.exists():
            continue
        meta = json.loads(gt_path.read_text(encoding="utf-8"))
        gold = meta["ground_truth"].get("main_content") or ""
        with gzip.open(html_path, "rt", encoding="utf-8", errors="replace") as fh:
            raw = fh.read()
        out.append((page_id, html_to_text(raw), gold, str(meta.get("url") or "")))
        TITLES[page_id] = str(meta["ground_truth"].get("title") or "")
        DATES[page_id] = str(meta["ground_truth"].get("publish_date") or "")[:10]
        if limit and len(out) >= limit:
            break
    return out


def run_storylens(text: str) -> str:
    from storylens.extract.text import extract_text

    return "\n".join(extract_text(text).body)


def run_trafilatura(text: str) -> str:
    import trafilatura

    doc = "<html><body>" + "".join(f"<p>{html.escape(ln)}</p>" for ln in text.splitlines() if ln.strip()) \
        + "</body></html>"
    return trafilatura.extract(doc, include_comments=False) or ""


SYSTEMS: dict[str, Callable[[str], str]] = {
    "storylens": run_storylens,
    "trafilatura": run_trafilatura,
    "c4-filter": c4_filter,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--worst", type=int, default=0, help="print the N worst storylens pages")
    args = ap.parse_args(argv)
    full = load_pages(args.limit)
    pages = [(pid, text, gold) for pid, text, gold, _u in full]
    res: dict[str, dict[str, float]] = {}
    per_page: dict[str, list[float]] = {}
    for name in args.systems.split(","):
        fn = SYSTEMS[name]
        f1s: list[float] = []
        precs: list[float] = []
        recs: list[float] = []
        t0 = time.perf_counter()
        preds = [fn(text) for _, text, _ in pages]
        elapsed = time.perf_counter() - t0
        for pred, (_, _, gold) in zip(preds, pages, strict=True):
            p, r, f = shingle_f1(pred, gold)
            precs.append(p)
            recs.append(r)
            f1s.append(f)
        per_page[name] = f1s
        dev = [f for i, f in enumerate(f1s) if i % 5 != 4]
        held = [f for i, f in enumerate(f1s) if i % 5 == 4]
        res[name] = {
            "f1_all": round(statistics.mean(f1s), 4),
            "f1_dev": round(statistics.mean(dev), 4) if dev else 0.0,
            "f1_heldout": round(statistics.mean(held), 4) if held else 0.0,
            "precision": round(statistics.mean(precs), 4),
            "recall": round(statistics.mean(recs), 4),
            "pages_per_s": round(len(pages) / elapsed, 1) if elapsed else 0.0,
        }
    if "storylens" in per_page:
        # the same extraction, then cross-document refinement per site (outlet from the page URL)
        from storylens.extract import outlet_from_url
        from storylens.extract.crossdoc import refine_outlet
        from storylens.extract.text import extract_text

        arts = [extract_text(text).model_copy(update={"id": pid, "outlet": outlet_from_url(url)})
                for pid, text, _g, url in full]
        t0 = time.perf_counter()
        res["storylens-title"] = {"exact_match": round(statistics.mean(
            1.0 if _norm_title(a.title) == _norm_title(TITLES.get(a.id)) else 0.0 for a in arts), 4)}
        dated = [a for a in arts if DATES.get(a.id)]
        res["storylens-date"] = {"exact_match": round(statistics.mean(
            1.0 if a.published is not None and str(a.published)[:10] == DATES[a.id] else 0.0 for a in dated), 4)
            if dated else 0.0, "pages": len(dated)}
        refined = refine_outlet(arts)
        elapsed = time.perf_counter() - t0
        prf = [shingle_f1("\n".join(a.body), gold) for a, (_, _, gold) in zip(refined, pages, strict=True)]
        f1s = [x[2] for x in prf]
        changed = sum(1 for a, b in zip(arts, refined, strict=True) if a.body != b.body)
        res["storylens+crossdoc"] = {
            "f1_all": round(statistics.mean(f1s), 4),
            "f1_dev": round(statistics.mean([f for i, f in enumerate(f1s) if i % 5 != 4]), 4),
            "f1_heldout": round(statistics.mean([f for i, f in enumerate(f1s) if i % 5 == 4] or [0.0]), 4),
            "precision": round(statistics.mean(x[0] for x in prf), 4),
            "recall": round(statistics.mean(x[1] for x in prf), 4),
            "pages_per_s": round(len(pages) / elapsed, 1) if elapsed else 0.0,
            "pages_changed": changed,
        }
    out = {"pages": len(pages), "results": res}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"pages: {len(pages)} (dev {sum(1 for i in range(len(pages)) if i % 5 != 4)}, "
              f"held-out {sum(1 for i in range(len(pages)) if i % 5 == 4)})")
        print(f"{'system':<20} {'F1 all':>7} {'F1 dev':>7} {'F1 held':>8} {'P':>6} {'R':>6} {'pages/s':>8}")
        for name, r in res.items():
            if "f1_all" not in r:
                print(f"{name:<20} exact match {r['exact_match']:.4f}" + (f" ({r['pages']} dated pages)"
                                                                          if "pages" in r else ""))
                continue
            print(f"{name:<20} {r['f1_all']:>7.4f} {r['f1_dev']:>7.4f} {r['f1_heldout']:>8.4f} "
                  f"{r['precision']:>6.4f} {r['recall']:>6.4f} {r['pages_per_s']:>8.1f}")
    if args.worst and "storylens" in per_page:
        order = sorted(range(len(pages)), key=lambda i: per_page["storylens"][i])
        for i in order[: args.worst]:
            if i % 5 == 4:
                continue
            print(pages[i][0], round(per_page["storylens"][i], 3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
