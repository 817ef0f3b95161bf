"""Shared corpus loading for the reuse benchmarks (rewrites-dev mixed with allsides and t17-h1n1)."""

from __future__ import annotations

import datetime as dt
import json
import re
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


H1N1_OUTLETS = ("bbc", "guardian", "reuters")
H1N1_DAYS = 1  # articles of different outlets published at most this many days apart are paired as negatives
H1N1_PARTNERS = 3  # at most this many such partners per article (the nearest in time, then by id)
_PTB = [("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("``", '"'), ("''", '"')]
_HEADER = re.compile(r"^[^|\n]{0,80}\|\s*(?:\w{3}\s+\w{3}\s+\d{1,2}\s*,\s*\d{4}\s+\d{1,2}:\d{2}\s*[ap]m\s+\w{3}"
                     r"|\d{1,2}:\d{2}\s+UK time\s*,\s*\w+\s*,\s*\d{1,2}\s+\w+\s+\d{4})\s*")


def detokenize(line: str) -> str:
    """Undo the Penn-Treebank tokenisation of the Timeline17 texts ("Mexico 's" -> "Mexico's")."""
    for a, b in _PTB:
        line = line.replace(a, b)
    line = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", line)
    line = re.sub(r" ([,.;:!?%)\]])", r"\1", line)
    line = re.sub(r"([(\[$]) ", r"\1", line)
    line = re.sub(r'" ([^"]*?) "', r'"\1"', line)
    return " ".join(line.split())


def load_h1n1(with_dates: bool = True) -> tuple[list[Article], dict[str, int], list[tuple[str, str]]]:
    """t17-h1n1 articles (BBC, Guardian, Reuters), each one's split, and the near-date cross-outlet pairs.

    Independent full-length reports of one story: every link between two of them counts against the
    system. Split by id (even ids calibrate, odd ids report); pairs straddling the halves are left out.
    """
    arts: list[Article] = []
    split: dict[str, int] = {}
    day: dict[str, dt.date] = {}
    base = CORPORA / "t17-h1n1"
    for outlet in H1N1_OUTLETS:
        path = base / f"H1N1_{outlet}" / "articles.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            d = dt.date.fromisoformat(r["time"])
            paras = [detokenize(x) for x in r["text"].split("\n")]
            if paras:
                paras[0] = _HEADER.sub("", paras[0])
            aid = f"h1-{outlet}-{int(r['id']):04d}"
            pub = dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC) if with_dates else None
            arts.append(_article(aid, paras, f"{outlet}.example", pub))
            split[aid] = int(r["id"]) % 2
            day[aid] = d
    arts.sort(key=lambda a: a.id)
    near: dict[str, list[tuple[int, str]]] = {}
    for i, a in enumerate(arts):
        for b in arts[i + 1:]:
            gap = abs((day[a.id] - day[b.id]).days)
            if a.outlet != b.outlet and split[a.id] == split[b.id] and gap <= H1N1_DAYS:
                near.setdefault(a.id, []).append((gap, b.id))
                near.setdefault(b.id, []).append((gap, a.id))
    pairs: set[tuple[str, str]] = set()
    for aid in sorted(near):
        for _, bid in sorted(near[aid])[:H1N1_PARTNERS]:
            pairs.add((min(aid, bid), max(aid, bid)))
    return arts, split, sorted(pairs)


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
