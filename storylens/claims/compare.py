"""How one claim relates to another: same, adds, weakens, contradicts or unrelated, with the evidence.

The judgement the facts stage makes between two outlets' sentences, for one pair at a time:

* ``unrelated``: the two do not speak of the same thing (low paraphrase probability and embedding cosine);
* ``contradicts``: they speak of the same thing and a slot differs that a reader checks in one look: a figure,
  a date, or one negates what the other asserts (``storylens.nlp.changes``);
* ``weakens``: b hedges what a asserts (a hedge a does not have), or reports a denial of it; or, for two
  sentences on one topic that do not say the same thing, b argues against a (argument-level, below);
* ``adds``: b says what a says and more (a good part of b's content words are new);
* ``same``: otherwise, for two sentences that say the same thing.

No NLI model ships offline (``../shared/MODELS.md``), so this is built from the sentence-pair model
(``nlp/pairs.py``), slot changes and modality; ``score`` is the probability the decision rests on.

Argument-level weakening (ClaimDiff's notion: two outlets' sentences on one story, b pushing against a) is a
small logistic model over features that mean something (``argument_features``): the pair shares actors but few
words (the same people, another statement about them), dispute and contrast words ("denied", "rejected",
"but", "despite"), negations, hedges, evaluative words of opposite sign (``comments/lexicon.py``), attribution
to a speaker ("said", "according to"). Weights and threshold (``weakens_coef.json``) are fitted on the first
half of ClaimDiff weak by ``bench/claimdiff.py --write-coef``; the second half is the one reported. It is weak
evidence (precision about 0.15 on ClaimDiff), so the facts stage does not use it: conflicts between outlets
rest only on slots a reader checks in one look.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.claims.claims import modality_of
from storylens.comments.lexicon import polarity
from storylens.nlp import numbers
from storylens.nlp.changes import find_changes
from storylens.nlp.items import content_stems, norm_name, norm_number, sentence_names
from storylens.nlp.pairs import probability_matrix, sentence_rows

RELATIONS = ("same", "adds", "weakens", "contradicts", "unrelated")
# the slots a reader checks in one look (an added owner, "users" -> "Internet users", or a surname for a full
# name is wording more often than disagreement: measured on MRPC paraphrases, bench/claimdiff.py)
CONFLICT_KINDS = ("number", "date", "negation")
_HEDGE = re.compile(r"\b(?:may|might|could|possibly|perhaps|likely|reportedly|allegedly|apparently|probably|"
                    r"appears?|seems?|expected|unconfirmed|it is thought)\b", re.IGNORECASE)
COEF_FILE = Path(__file__).with_name("weakens_coef.json")
# dispute and contrast: what a sentence that pushes against another tends to say
_DISPUTE = re.compile(r"\b(?:den(?:y|ies|ied|ying)|reject\w*|refut\w*|disput\w*|dismiss\w*|counter\w*|contradict\w*|"
                      r"critici[sz]\w*|blast\w*|accus\w*|false\w*|unfounded|baseless|unable|unproven|no evidence|"
                      r"despite|however|but|though|although|while|yet|instead|rather|claim\w*|insist\w*|argu\w*|"
                      r"attack\w*|condemn\w*|slam\w*)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none|neither|nor|cannot|without)\b|n't\b", re.IGNORECASE)
_SOFT = re.compile(r"\b(?:may|might|could|possibly|perhaps|likely|reportedly|allegedly|apparently|probably|appears?|"
                   r"seems?|expected|unconfirmed|suggest\w*|some|potential\w*|speculat\w*)\b", re.IGNORECASE)
_SAYS = re.compile(r"\b(?:said|says|say|told|tells|according to|stated|claimed|argued|added|wrote|tweeted)\b",
                   re.IGNORECASE)
ARGUMENT_FEATURES = ("cosine", "word_overlap", "shared_names", "names_only_a", "names_only_b", "dispute_a",
                     "dispute_b", "negation_a", "negation_b", "hedge_a", "hedge_b", "polarity_gap",
                     "opposite_polarity", "attributed_a", "attributed_b")


@dataclass(frozen=True)
class Params:
    related_p: float = 0.3  # paraphrase probability above which two claims speak of the same thing ...
    related_cos: float = 0.55  # ... or embedding cosine above which
    same_p: float = 0.5
    new_share: float = 0.4  # share of b's content words not in a for "adds"
    new_min: int = 4
    change_min: float = 0.6
    topic_cos: float = 0.12  # below this cosine two sentences are not on one topic: no argument-level weakening


@dataclass
class Comparison:
    relation: str
    score: float
    evidence: list[str] = field(default_factory=list)


def _rows(texts: list[str]):  # noqa: ANN202
    return sentence_rows(texts, [content_stems(t) for t in texts],
                         [{norm_name(n) for n in sentence_names(t)} for t in texts],
                         [{norm_number(n) for n in numbers(t)} for t in texts])


def pair_scores(pairs: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """Embedding cosine and paraphrase probability of each (a, b); sentences embedded in one batch."""
    from storylens.nlp import embed

    if not pairs:
        return [], []
    vecs = embed([t for ab in pairs for t in ab])
    cosines = [float(vecs[2 * k] @ vecs[2 * k + 1]) for k in range(len(pairs))]
    probs = [float(probability_matrix(_rows([b]), _rows([a]), np.array([[c]], dtype=np.float32))[0, 0])
             for (a, b), c in zip(pairs, cosines, strict=True)]
    return cosines, probs


def argument_candidate(cos: float, prob: float, p: Params | None = None) -> bool:
    """Whether argument-level weakening applies: one topic, not one statement."""
    p = p or Params()
    return prob < p.related_p and cos < p.related_cos and cos >= p.topic_cos


def compare_many(pairs: list[tuple[str, str]], params: Params | None = None) -> list[Comparison]:
    """The relation of b to a for each (a, b)."""
    p = params or Params()
    cosines, probs = pair_scores(pairs)
    feats = np.array([argument_features(a, b, c) for (a, b), c in zip(pairs, cosines, strict=True)], dtype=float)
    weak = weakening_probability(feats)
    return [_decide(a, b, cosines[k], probs[k], p, float(weak[k]), feats[k]) for k, (a, b) in enumerate(pairs)]


def compare(a: str, b: str, params: Params | None = None) -> Comparison:
    return compare_many([(a, b)], params)[0]


def _ab(text: str) -> str:
    """The change explanations speak of a source and a rewrite; here the two are just a and b."""
    return text.replace("the source", "a").replace("the rewrite", "b")


def argument_features(a: str, b: str, cosine: float) -> list[float]:
    """What argument-level weakening rests on, in the order of ``ARGUMENT_FEATURES``."""
    sa, sb = content_stems(a), content_stems(b)
    na, nb = {norm_name(n) for n in sentence_names(a)}, {norm_name(n) for n in sentence_names(b)}
    shared = len(na & nb)
    pa, ma = polarity(a)
    pb, mb = polarity(b)
    ga, gb = pa - ma, pb - mb
    return [cosine, len(sa & sb) / max(1, len(sa | sb)), float(shared), float(len(na) - shared),
            float(len(nb) - shared), float(len(_DISPUTE.findall(a))), float(len(_DISPUTE.findall(b))),
            float(len(_NEGATION.findall(a))), float(len(_NEGATION.findall(b))), float(len(_SOFT.findall(a))),
            float(len(_SOFT.findall(b))), float(abs(ga - gb)), float(ga * gb < 0), float(bool(_SAYS.search(a))),
            float(bool(_SAYS.search(b)))]


@lru_cache(maxsize=1)
def weakening_model() -> dict | None:
    """The fitted weights (``bench/claimdiff.py --write-coef``), or None before they exist."""
    if not COEF_FILE.exists():
        return None
    model = json.loads(COEF_FILE.read_text())
    if tuple(model["features"]) != ARGUMENT_FEATURES:
        return None  # fitted on other features: refit rather than guess
    return model


def weakening_probability(feats: np.ndarray) -> np.ndarray:
    """P(b argues against a) for each row of ``argument_features``; zeros when no model is fitted."""
    m = weakening_model()
    if m is None or len(feats) == 0:
        return np.zeros(len(feats))
    z = ((feats - np.array(m["mean"])) / np.array(m["scale"])) @ np.array(m["coef"]) + m["intercept"]
    return 1.0 / (1.0 + np.exp(-z))


def _argument_evidence(a: str, b: str, feats: np.ndarray) -> list[str]:
    """The features that pushed the weakening probability up most, in words a reader can check."""
    m = weakening_model()
    assert m is not None
    contrib = (feats - np.array(m["mean"])) / np.array(m["scale"]) * np.array(m["coef"])
    f = dict(zip(ARGUMENT_FEATURES, feats, strict=True))
    shared = sorted({norm_name(n) for n in sentence_names(a)} & {norm_name(n) for n in sentence_names(b)})
    words = {
        "word_overlap": f"few words in common ({f['word_overlap']:.2f} of their content words)",
        "shared_names": f"the same actors: {', '.join(shared[:4])}",
        "dispute_a": "a disputes or contrasts: " + ", ".join(_DISPUTE.findall(a)[:4]),
        "dispute_b": "b disputes or contrasts: " + ", ".join(_DISPUTE.findall(b)[:4]),
        "negation_a": "a negates: " + ", ".join(_NEGATION.findall(a)[:3]),
        "negation_b": "b negates: " + ", ".join(_NEGATION.findall(b)[:3]),
        "hedge_a": "a hedges: " + ", ".join(_SOFT.findall(a)[:3]),
        "hedge_b": "b hedges: " + ", ".join(_SOFT.findall(b)[:3]),
        "polarity_gap": "praise and blame differ between them",
        "opposite_polarity": "one praises where the other blames",
        "attributed_a": "a reports what someone says",
        "attributed_b": "b reports what someone says",
    }
    out = []
    for k in np.argsort(-contrib, kind="stable"):
        name = ARGUMENT_FEATURES[k]
        if contrib[k] <= 0.05 or name not in words or (name == "shared_names" and not shared):
            continue
        out.append(words[name])
        if len(out) == 3:
            break
    return [f"b argues against a (probability {weakening_probability(feats[None])[0]:.2f}): " + "; ".join(out)]


def _decide(a: str, b: str, cos: float, prob: float, p: Params, weak: float = 0.0,
            feats: np.ndarray | None = None) -> Comparison:
    unrelated = prob < p.related_p and cos < p.related_cos
    if not unrelated:
        changes = [c for c in find_changes(a, b, 0, 0) if c.score >= p.change_min]
        hard = [c for c in changes if c.kind in CONFLICT_KINDS]
        if hard:
            c = max(hard, key=lambda c: c.score)
            return Comparison("contradicts", round(c.score * max(prob, cos), 4), [_ab(c.explanation)])
        hedges = [c for c in changes if c.kind == "hedging"]
        if hedges and len(_HEDGE.findall(b)) > len(_HEDGE.findall(a)):  # b hedges what a states (not the reverse)
            return Comparison("weakens", round(max(prob, cos), 4), [_ab(c.explanation) for c in hedges])
        if modality_of(b) == "denied" and modality_of(a) != "denied":
            return Comparison("weakens", round(max(prob, cos), 4), ["b reports a denial of what a states"])
    # one topic, not one statement: does b push against a? (two sentences that say one thing get the slot
    # checks above only)
    m = weakening_model()
    if m is not None and feats is not None and argument_candidate(cos, prob, p) and weak >= m["threshold"]:
        return Comparison("weakens", round(weak, 4), _argument_evidence(a, b, feats))
    if unrelated:
        return Comparison("unrelated", round(1.0 - max(prob, cos), 4),
                          [f"paraphrase probability {prob:.2f}, cosine {cos:.2f}"])
    sa, sb = content_stems(a), content_stems(b)
    new = sb - sa
    if len(new) >= p.new_min and len(new) / max(1, len(sb)) >= p.new_share:
        return Comparison("adds", round(max(prob, cos), 4), [f"b adds: {', '.join(sorted(new)[:8])}"])
    if prob >= p.same_p:
        return Comparison("same", round(prob, 4), [f"paraphrase probability {prob:.2f}"])
    return Comparison("adds", round(max(prob, cos), 4), [f"related (cosine {cos:.2f}) with other content"])
