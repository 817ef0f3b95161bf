"""Reuse decision helpers: sentence-pair evidence, the in-order chain, document-level refusals."""

from __future__ import annotations

import datetime as dt

import numpy as np

from storylens.model import Article
from storylens.nlp import numbers, sim_coef
from storylens.nlp import pairs as matrix
from storylens.reuse import core
from storylens.reuse.features import build_features, content_stems, norm_name, norm_number, sentence_names


def _rows(*sentences: str) -> matrix.SentenceRows:
    ss = list(sentences)
    return matrix.sentence_rows(ss, [content_stems(s) for s in ss],
                                [{norm_name(n) for n in sentence_names(s)} for s in ss],
                                [{norm_number(n) for n in numbers(s)} for s in ss])


def test_lexical_evidence_raises_paraphrase_probability() -> None:
    a = "The council voted 7 to 2 on Tuesday to close the Larkspur Street bridge for repairs."
    b = "On Tuesday the council voted 7 to 2 to shut the Larkspur Street bridge for repairs."
    c = "Shop owners in the old town said the festival drew fewer visitors than last year."
    P = matrix.probability_matrix(_rows(a), _rows(b, c), np.array([[0.8, 0.8]], dtype=np.float32))
    assert P[0, 0] > 0.5 > P[0, 1]
    assert len(sim_coef.COEF) == len(matrix.SIM_FEATURES)


def test_figure_conflict_lowers_the_probability() -> None:
    a = "The storm cut power to 4,000 homes in the valley on Sunday night."
    b = "The storm cut power to 40,000 homes in the valley on Sunday night."
    c = "On Sunday night the storm cut power to 4,000 homes in the valley."
    P = matrix.probability_matrix(_rows(a), _rows(b, c), np.array([[0.95, 0.95]], dtype=np.float32))
    assert P[0, 1] > P[0, 0]


def test_in_order_chain_keeps_order_and_skips_weak_cells() -> None:
    P = np.array([[0.9, 0.1, 0.1, 0.1],
                  [0.1, 0.1, 0.8, 0.1],
                  [0.1, 0.7, 0.1, 0.1],   # out of order after row 1: left out of the chain
                  [0.1, 0.1, 0.1, 0.9]], dtype=np.float32)
    assert matrix.in_order_chain(P, 0.5) == [(0, 0), (1, 2), (3, 3)]
    usable = np.array([True, False, True, True])
    assert matrix.in_order_chain(P, 0.5, usable) == [(0, 0), (2, 1), (3, 3)]
    assert matrix.in_order_chain(np.zeros((0, 3), dtype=np.float32), 0.5) == []


SRC = [
    "Mayor Elena Vasquez said on Monday that the Larkspur Street bridge will close for eight months.",
    "Engineers found cracks in two of the four steel supports during an inspection in March.",
    "Repairs are expected to cost about $4.2 million, the council said.",
    "Buses on route 14 will be diverted through the Ferrow industrial estate.",
]
DER = [
    "The Larkspur Street bridge will shut for eight months, Mayor Elena Vasquez announced on Monday.",
    "An inspection in March revealed cracks in two of the bridge's four steel supports.",
]


def test_the_condensed_side_is_judged_as_the_derived_one() -> None:
    src = Article(id="s", content_hash="s", outlet="a.example", body=SRC)
    der = Article(id="d", content_hash="d", outlet="b.example", body=DER)
    fs, fd = build_features([src, der])
    pe = core.evaluate(fs, fd)
    assert not pe.gate
    assert pe.features["n_derived"] == 2
    assert pe.features["coverage"] == 1.0  # both derived sentences carried, in order
    assert pe.b_in_a.coverage > pe.a_in_b.coverage


def test_a_pair_weeks_apart_is_refused_unless_it_is_a_copy() -> None:
    t = dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC)
    src = Article(id="s", content_hash="s", outlet="a.example", body=SRC, published=t)
    der = Article(id="d", content_hash="d", outlet="b.example", body=DER, published=t + dt.timedelta(days=40))
    copy = Article(id="c", content_hash="c", outlet="b.example", body=SRC, published=t + dt.timedelta(days=40))
    fs, fd, fc = build_features([src, der, copy])
    pe = core.evaluate(fs, fd)
    assert "40 days apart" in pe.gate and not core.is_derivation(pe)
    assert not core.evaluate(fs, fd, use_dates=False).gate  # without dates the text alone decides
    assert core.is_derivation(core.evaluate(fs, fc))  # a copy, however late


def test_one_outlet_following_up_its_own_story_is_no_rewrite() -> None:
    src = Article(id="s", content_hash="s", outlet="www.a.example", body=SRC)
    der = Article(id="d", content_hash="d", outlet="a.example", body=DER)
    fs, fd = build_features([src, der])
    assert core.evaluate(fs, fd).gate.startswith("same outlet")
