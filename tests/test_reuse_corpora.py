"""Rewrites on real data: LLM rewrites of BBC reports mixed with independent reports of one event (AllSides).

A sample of the benchmark's report half (odd ids; the classifier was fitted on the even ones): every link
touching an AllSides article counts as false, as does a link between two rewrites of one original.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from storylens.model import Article
from storylens.reuse import find_derivations

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
N_ORIGINALS = 30  # odd human_idx below 2 * N_ORIGINALS
N_STORIES = 40


def _sample(with_dates: bool) -> tuple[list[Article], set[frozenset[str]], dict[str, str]]:
    base = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
    arts: list[Article] = []
    gold: set[frozenset[str]] = set()
    src_of: dict[str, str] = {}
    rw = CORPORA / "rewrites-dev"
    for line in (rw / "originals.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        i = int(r["human_idx"])
        if i % 2 and i < 2 * N_ORIGINALS:
            arts.append(Article(id=f"orig-{i:03d}", content_hash=f"o{i}", body=[r["text"]], outlet="bbc.co.uk",
                                published=base + dt.timedelta(days=i) if with_dates else None))
    for line in (rw / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        i = int(r["human_idx"])
        if i % 2 and i < 2 * N_ORIGINALS:
            aid = f"rw-{r['pair_id']}"
            arts.append(Article(id=aid, content_hash=aid, body=[r["rewrite"]], outlet=r["model"].lower() + ".example",
                                published=base + dt.timedelta(days=i, hours=6) if with_dates else None))
            gold.add(frozenset((f"orig-{i:03d}", aid)))
            src_of[aid] = f"orig-{i:03d}"
    stories = [json.loads(x) for x in (CORPORA / "allsides" / "stories.jsonl").read_text(encoding="utf-8").splitlines()]
    for s in [s for s in stories if int(s["id"]) % 2][:N_STORIES]:
        for side, n in sorted(s.get("news", {}).items()):
            if n.get("newBody"):
                pub = dt.datetime.fromisoformat(s["date"]) if with_dates and s.get("date") else None
                arts.append(Article(id=f"as-{s['id']}-{side}", content_hash=f"as-{s['id']}-{side}",
                                    body=n["newBody"], outlet=n.get("newsSource"), published=pub))
    return arts, gold, src_of


@pytest.mark.parametrize("with_dates", [True, False])
def test_rewrites_found_and_independent_reports_left_alone(with_dates: bool) -> None:
    if not (CORPORA / "rewrites-dev").exists() or not (CORPORA / "allsides").exists():
        pytest.skip("shared corpora not available")
    arts, gold, src_of = _sample(with_dates)
    ds = find_derivations(arts, use_dates=with_dates)
    links = {frozenset((d.source_id, d.derived_id)) for d in ds}
    tp = len(links & gold)
    precision, recall = tp / max(1, len(links)), tp / len(gold)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    found = [d for d in ds if frozenset((d.source_id, d.derived_id)) in gold]
    direction = sum(src_of.get(d.derived_id) == d.source_id for d in found) / max(1, len(found))
    allsides = [d for d in ds if d.source_id.startswith("as-") or d.derived_id.startswith("as-")]
    # held-out figures of the whole report half (2026-12-01, rules for real news): F1 0.833 dated, 0.793 text
    # only, precision 0.873 / 0.831; direction 1.000 / 0.957. Precision is asserted before recall.
    print(f"dates={with_dates}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f} direction {direction:.3f} "
          f"allsides links {len(allsides)}")
    assert precision >= (0.85 if with_dates else 0.8), (precision, recall)
    assert f1 >= (0.78 if with_dates else 0.72), (precision, recall)
    assert direction >= (0.99 if with_dates else 0.9)
    assert len(allsides) <= 6
    assert all(d.kind == "rewrite" for d in found)
