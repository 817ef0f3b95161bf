"""Long independent reports of one story by different outlets (t17-h1n1) are not derivations."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from storylens.model import Article
from storylens.reuse import decision_coef
from storylens.reuse.core import evaluate, is_derivation
from storylens.reuse.features import build_features

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
H1N1 = CORPORA / "t17-h1n1"


def _plain(line: str) -> str:
    line = line.replace("``", '"').replace("''", '"').replace("-LRB-", "(").replace("-RRB-", ")")
    line = re.sub(r" (n't|'s)\b", r"\1", line)
    return re.sub(r" ([,.;:%)])", r"\1", line)


def _articles(outlet: str, day: str, ids: list[int]) -> list[Article]:
    path = H1N1 / f"H1N1_{outlet}" / "articles.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    rows = sorted((r for r in rows if r["time"] == day and int(r["id"]) in ids), key=lambda r: int(r["id"]))
    when = dt.datetime.fromisoformat(day + "T12:00:00+00:00")
    return [Article(id=f"{outlet}-{r['id']}", content_hash=f"{outlet}-{r['id']}", outlet=f"{outlet}.example",
                    published=when, body=[_plain(p) for p in r["text"].split("\n") if p.strip()]) for r in rows]


def test_same_day_reports_of_different_outlets_are_not_derivations() -> None:
    if not H1N1.exists():
        pytest.skip("shared corpora not available")
    # a long Guardian live page of 29 April 2009 and two Reuters reports of that day: they share many
    # facts and names (the classifier calibrated on short leads alone gave them 0.99 and more)
    blog = _articles("guardian", "2009-04-29", [119])
    wire = _articles("reuters", "2009-04-29", [353, 899])
    assert len(blog) == 1 and len(wire) == 2
    fs = build_features(blog + wire)
    for b in fs[1:]:
        assert len(b.sentences) >= 20
        pe = evaluate(fs[0], b)
        assert not is_derivation(pe), b.id
        # the classifier alone rejects them, not only the long-text paraphrase gate
        assert pe.prob < decision_coef.THRESHOLD, (b.id, pe.prob)
