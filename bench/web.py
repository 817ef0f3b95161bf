"""Benchmark the report stage: cited summary quality and web/report speed.

Summary quality: on AllSides stories (three outlets each, with a human-written
multi-outlet "roundup"), ROUGE-1/ROUGE-2 F1 of storylens's cited summary against
the roundup's first paragraph, next to two extractive peers computed in the same
run with the same sentence budget: lead-N of the earliest article, and round-robin
leads across the outlets. Speed: summary time per story; latency of the stories
list, a story page, the story API and the static HTML report over the same store.

Usage: .venv/bin/python bench/web.py [N_STORIES]   (default 100)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "allsides" / "stories.jsonl"
sys.path.insert(0, str(ROOT))

from storylens.model import Article, Story  # noqa: E402
from storylens.nlp import split_sentences  # noqa: E402
from storylens.report.summary import summarize_story  # noqa: E402


def toks(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def rouge(cand: str, ref: str, n: int) -> float:
    def grams(ws: list[str]) -> Counter:
        return Counter(tuple(ws[i : i + n]) for i in range(len(ws) - n + 1))

    c, r = grams(toks(cand)), grams(toks(ref))
    overlap = sum((c & r).values())
    if not c or not r or not overlap:
        return 0.0
    p, rec = overlap / sum(c.values()), overlap / sum(r.values())
    return 2 * p * rec / (p + rec)


def load(n: int) -> list[tuple[Story, list[Article], str]]:
    out = []
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ref = (rec.get("roundup") or [""])[0]
            arts = []
            base = dt.datetime.fromisoformat(rec["date"])
            for k, side in enumerate(("left", "center", "right")):
                news = rec["news"].get(side) or {}
                body = news.get("newBody") or news.get("newsBody") or ""
                if isinstance(body, list):
                    body = "\n".join(str(p) for p in body)
                paras = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
                if not paras:
                    continue
                arts.append(Article(id=f"{rec['id']}-{side}", content_hash=f"{rec['id']}-{side}",
                                    outlet=news.get("newsSource") or side, title=news.get("newsTitle"),
                                    body=paras, published=base + dt.timedelta(minutes=k)))
            if len(arts) >= 2 and ref.strip():
                out.append((Story(id=str(rec["id"]), article_ids=[a.id for a in arts]), arts, ref))
            if len(out) >= n:
                break
    return out


def main() -> None:
    if not CORPUS.exists():
        print(f"skip: {CORPUS} not present")
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    data = load(n)
    size = 4
    scores: dict[str, list[tuple[float, float]]] = {"storylens cited summary": [], "lead-N (earliest article)": [],
                                                     "round-robin leads": []}
    multi, total_sents, times = 0, 0, []
    for story, arts, ref in data:
        t = time.perf_counter()
        sents = [s for s in summarize_story(story, arts, size=size) if s.kind == "sentence"]
        times.append(time.perf_counter() - t)
        total_sents += len(sents)
        multi += sum(1 for s in sents if len(s.outlets) > 1)
        k = max(1, len(sents))
        ours = " ".join(s.text for s in sents)
        lead = " ".join(split_sentences(arts[0].text)[:k])
        leads = [split_sentences(a.text) for a in arts]
        rr = []
        i = 0
        while len(rr) < k and any(i < len(x) for x in leads):
            for x in leads:
                if i < len(x) and len(rr) < k:
                    rr.append(x[i])
            i += 1
        for name, text in (("storylens cited summary", ours), ("lead-N (earliest article)", lead),
                           ("round-robin leads", " ".join(rr))):
            scores[name].append((rouge(text, ref, 1), rouge(text, ref, 2)))
    print(f"AllSides stories: {len(data)}; summary size {size} sentences; {total_sents} sentences picked, "
          f"{multi} ({multi / max(1, total_sents):.0%}) corroborated by 2+ outlets")
    print("| method | ROUGE-1 F1 | ROUGE-2 F1 |\n|---|---|---|")
    for name, vals in scores.items():
        print(f"| {name} | {statistics.mean(v[0] for v in vals):.4f} | {statistics.mean(v[1] for v in vals):.4f} |")
    print(f"summary time per story: median {statistics.median(times) * 1000:.0f} ms, "
          f"mean {statistics.mean(times) * 1000:.0f} ms (3 articles, embeddings not cached)")

    # ---- speed of the web pages and the static report over the same stories
    from fastapi.testclient import TestClient

    from storylens.report import build_report, render_html
    from storylens.store import open_store
    from storylens.web import create_app

    db = str(Path(tempfile.mkdtemp()) / "bench.db")
    store = open_store(db)
    store.add_articles([a for _s, arts, _r in data for a in arts])
    store.put_stories([s for s, _a, _r in data])
    t = time.perf_counter()
    html = render_html(build_report(store))  # the first build computes the summaries and caches them
    t_html = time.perf_counter() - t
    t = time.perf_counter()
    html = render_html(build_report(store))
    t_html2 = time.perf_counter() - t
    store.close()
    client = TestClient(create_app(db))

    def lat(url: str, reps: int = 10) -> float:
        client.get(url)
        t0 = time.perf_counter()
        for _ in range(reps):
            assert client.get(url).status_code == 200
        return (time.perf_counter() - t0) / reps * 1000

    sid = data[0][0].id
    print(f"static HTML report, {len(data)} stories: {len(html) / 1e6:.2f} MB; first build {t_html:.1f} s "
          f"(computes summaries), again {t_html2:.2f} s (summaries cached)")
    print(f"latency (mean of 10, warm): stories list {lat('/'):.0f} ms; list API {lat('/api/v1/stories'):.0f} ms; "
          f"story page {lat('/story/' + sid):.0f} ms; story API {lat('/api/v1/stories/' + sid):.0f} ms; "
          f"search API {lat('/api/v1/search?q=court'):.0f} ms")


if __name__ == "__main__":
    main()
