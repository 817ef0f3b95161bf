"""Shared corpus loading for the reuse benchmarks (rewrites-dev mixed with allsides)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from storylens.model import Article
from storylens.nlp import split_sentences

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
OUT = ROOT / "bench" / "out"
EMB_CACHE = OUT / "reuse_emb.npz"


def _article(id_: str, text_paras: list[str], outlet: str | None, published: dt.datetime | None,
             title: str | None = None) -> Article:
    body = [p.strip() for p in text_paras if p and p.strip()]
    return Article(id=id_, content_hash=id_, outlet=outlet, published=published, body=body, title=title,
                   published_from="jsonl" if published else None)


def load(with_dates: bool = True) -> tuple[list[Article], set[tuple[str, str]], dict[str, int]]:
    """Articles, gold (source, derived) pairs, and each article's split (0 calibrate, 1 report)."""
    arts: list[Article] = []
    gold: set[tuple[str, str]] = set()
    split: dict[str, int] = {}
    base = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
    rw = CORPORA / "rewrites-dev"
    for line in (rw / "originals.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        i = int(r["human_idx"])
        aid = f"orig-{i:03d}"
        pub = base + dt.timedelta(days=i) if with_dates else None
        arts.append(_article(aid, split_sentences(r["text"]) and [r["text"]], "bbc.co.uk", pub))
        split[aid] = i % 2
    for line in (rw / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        i = int(r["human_idx"])
        aid = f"rw-{r['pair_id']}"
        pub = base + dt.timedelta(days=i, hours=5 + len(r["model"])) if with_dates else None
        arts.append(_article(aid, [r["rewrite"]], r["model"].lower() + ".example", pub))
        gold.add((f"orig-{i:03d}", aid))
        split[aid] = i % 2
    for line in (CORPORA / "allsides" / "stories.jsonl").read_text(encoding="utf-8").splitlines():
        s = json.loads(line)
        for side, n in sorted(s.get("news", {}).items()):
            body = n.get("newBody") or []
            if not body:
                continue
            aid = f"as-{s['id']}-{side}"
            pub = None
            if with_dates and s.get("date"):
                pub = dt.datetime.fromisoformat(s["date"])
            arts.append(_article(aid, body, n.get("newsSource"), pub, n.get("newsTitle")))
            split[aid] = int(s["id"]) % 2
    return arts, gold, split
