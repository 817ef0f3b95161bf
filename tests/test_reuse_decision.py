"""Reuse decision helpers: order of shared facts, sentence lexical features, sibling recovery."""

from __future__ import annotations

from storylens.model import Article
from storylens.reuse import core
from storylens.reuse.align import feature_vector, probability
from storylens.reuse.features import build_features, content_stems


def test_order_agreement_counts_pairs_in_the_same_order() -> None:
    same, n = core.order_agreement(["a", "b", "c", "d"], ["x", "a", "b", "c", "d"])
    assert (same, n) == (1.0, 4)
    rev, _ = core.order_agreement(["a", "b", "c", "d"], ["d", "c", "b", "a"])
    assert rev == 0.0
    few, n2 = core.order_agreement(["a", "b"], ["b", "a"])
    assert (few, n2) == (0.5, 2)  # too few shared items to say anything


def test_lexical_evidence_raises_paraphrase_probability() -> None:
    a = "The council voted 7 to 2 on Tuesday to close the Larkspur Street bridge for repairs."
    b = "On Tuesday the council voted 7 to 2 to shut the Larkspur Street bridge for repairs."
    c = "Shop owners in the old town said the festival drew fewer visitors than last year."
    same = probability(feature_vector(0.8, content_stems(a), content_stems(b), a, b))
    other = probability(feature_vector(0.8, content_stems(a), content_stems(c), a, c))
    assert same > 0.5 > other


def test_decision_features_prefer_the_condensed_side_as_derived() -> None:
    src = Article(id="s", content_hash="s", body=[
        "Mayor Elena Vasquez said on Monday that the Larkspur Street bridge will close for eight months.",
        "Engineers found cracks in two of the four steel supports during an inspection in March.",
        "Repairs are expected to cost about $4.2 million, the council said.",
        "Buses on route 14 will be diverted through the Ferrow industrial estate."])
    der = Article(id="d", content_hash="d", body=[
        "The Larkspur Street bridge will shut for eight months, Mayor Elena Vasquez announced on Monday.",
        "An inspection in March revealed cracks in two of the bridge's four steel supports."])
    fs, fd = build_features([src, der])
    f = core.decision_features(fs, fd, core.cos_matrix(fd, fs))
    assert f["n_derived"] == 2
    assert f["specifics_containment"] > f["source_specifics_kept"]
    assert 0.0 < f["length_ratio"] < 0.7
