"""``storylens compare``: argument-level weakening (ClaimDiff's notion) next to the slot checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storylens.claims import compare as cmp
from storylens.claims.compare import compare_many

CLAIM = "Mayor Ellen Rudd said the new ferry terminal has cut crossing times for commuters."
REJECTS = "But union leader Tom Hale rejected Rudd's claim, saying crossings are no faster than before."
PARAPHRASE = "Mayor Ellen Rudd said crossing times for commuters have been cut by the new ferry terminal."
OTHER_STORY = "Critics denied that the central bank's rate cut would help exporters, but officials insisted it would."
ROAD = "The coastal road between Penmor and Lisk reopened on Tuesday after a landslide closed it for nine days."


def _argued(c: cmp.Comparison) -> bool:
    return c.relation == "weakens" and c.evidence[0].startswith("b argues against a")


def test_a_sentence_that_rejects_what_another_reports_weakens_it_and_says_why() -> None:
    got = compare_many([(CLAIM, REJECTS)])[0]
    assert _argued(got)
    assert "rejected" in got.evidence[0] and 0.0 < got.score <= 1.0


def test_paraphrases_and_sentences_of_other_stories_are_not_argued_against() -> None:
    got = compare_many([(CLAIM, PARAPHRASE), (CLAIM, OTHER_STORY), (ROAD, OTHER_STORY)])
    assert got[0].relation == "same"
    assert [g.relation for g in got[1:]] == ["unrelated", "unrelated"]


def test_weights_fitted_on_other_features_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = json.loads(cmp.COEF_FILE.read_text())
    stale["features"] = stale["features"][:-1]
    path = tmp_path / "weakens_coef.json"
    path.write_text(json.dumps(stale))
    monkeypatch.setattr(cmp, "COEF_FILE", path)
    cmp.weakening_model.cache_clear()
    try:
        assert cmp.weakening_model() is None
        assert compare_many([(CLAIM, REJECTS)])[0].relation != "weakens"
    finally:
        monkeypatch.undo()
        cmp.weakening_model.cache_clear()


def test_mrpc_paraphrases_are_never_argued_against(corpora_dir: Path) -> None:
    rows = [json.loads(x) for x in (corpora_dir / "mrpc" / "train.jsonl").read_text().splitlines() if x.strip()]
    pairs = [(r["sentence1"], r["sentence2"]) for r in rows[len(rows) // 2:] if r["label"] == 1][:200]
    assert len(pairs) == 200
    assert not [p for p, c in zip(pairs, compare_many(pairs), strict=True) if _argued(c)]


def test_claimdiff_reported_half_beats_yes_to_every_pair(corpora_dir: Path) -> None:
    """The model is fitted on the first half of ClaimDiff weak; the second half is the one it is judged on."""
    data = json.loads((corpora_dir / "claimdiff" / "ClaimDiff-weak-train.json").read_text())["data"]
    half = data[len(data) // 2:]
    got = compare_many([(x["claim_a"], x["claim_b"]) for x in half])
    pred = [c.relation in ("weakens", "contradicts") for c in got]
    gold = [x["relation"] == 1 for x in half]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    base = sum(gold) / len(gold)
    precision, recall = tp / max(1, sum(pred)), tp / sum(gold)
    f1 = 2 * precision * recall / (precision + recall)
    assert precision >= 1.5 * base
    assert f1 >= 2 * base / (1 + base) + 0.05  # all yes: precision = base, recall 1


def test_shipped_weights_are_what_the_learning_half_gives(corpora_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``bench/claimdiff.py --write-coef`` on ClaimDiff's first half reproduces ``weakens_coef.json``: the weights
    rest on the learning half only, and a change to the features (the lexicon, the name rules) shows here."""
    import importlib.util

    if not (corpora_dir / "claimdiff").is_dir():
        pytest.skip("claimdiff corpus not present")
    spec = importlib.util.spec_from_file_location("bench_claimdiff", cmp.COEF_FILE.parents[2] / "bench" / "claimdiff.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(bench, "COEF_FILE", tmp_path / "coef.json")
    try:
        fresh = bench.write_coef()
    finally:
        cmp.weakening_model.cache_clear()
    shipped = json.loads(cmp.COEF_FILE.read_text())
    assert fresh["features"] == shipped["features"] and fresh["fitted_on"] == shipped["fitted_on"]
    for key in ("mean", "scale", "coef"):
        assert fresh[key] == pytest.approx(shipped[key], abs=1e-4)
    assert fresh["threshold"] == pytest.approx(shipped["threshold"], abs=1e-4)
