"""How one claim relates to another: same, adds, weakens, contradicts or unrelated, with the evidence.

The judgement the facts stage makes between two outlets' sentences, for one pair at a time:

* ``unrelated``: the two do not speak of the same thing (low paraphrase probability and embedding cosine);
* ``contradicts``: they speak of the same thing and a slot differs that a reader checks in one look: a figure,
  a date, or one negates what the other asserts (``storylens.nlp.changes``);
* ``weakens``: b hedges what a asserts (a hedge a does not have), or reports a denial of it;
* ``adds``: b says what a says and more (a good part of b's content words are new);
* ``same``: otherwise, for two sentences that say the same thing.

No NLI model ships offline (``../shared/MODELS.md``), so this is built from the sentence-pair model
(``nlp/pairs.py``), slot changes and modality; ``score`` is the probability the decision rests on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from storylens.claims.claims import modality_of
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


@dataclass(frozen=True)
class Params:
    related_p: float = 0.3  # paraphrase probability above which two claims speak of the same thing ...
    related_cos: float = 0.55  # ... or embedding cosine above which
    same_p: float = 0.5
    new_share: float = 0.4  # share of b's content words not in a for "adds"
    new_min: int = 4
    change_min: float = 0.6


@dataclass
class Comparison:
    relation: str
    score: float
    evidence: list[str] = field(default_factory=list)


def _rows(texts: list[str]):  # noqa: ANN202
    return sentence_rows(texts, [content_stems(t) for t in texts],
                         [{norm_name(n) for n in sentence_names(t)} for t in texts],
                         [{norm_number(n) for n in numbers(t)} for t in texts])


def compare_many(pairs: list[tuple[str, str]], params: Params | None = None) -> list[Comparison]:
    """The relation of b to a for each (a, b); sentences embedded in one batch."""
    from storylens.nlp import embed

    p = params or Params()
    if not pairs:
        return []
    vecs = embed([t for ab in pairs for t in ab])
    out = []
    for k, (a, b) in enumerate(pairs):
        cos = float(vecs[2 * k] @ vecs[2 * k + 1])
        prob = float(probability_matrix(_rows([b]), _rows([a]), np.array([[cos]], dtype=np.float32))[0, 0])
        out.append(_decide(a, b, cos, prob, p))
    return out


def compare(a: str, b: str, params: Params | None = None) -> Comparison:
    return compare_many([(a, b)], params)[0]


def _ab(text: str) -> str:
    """The change explanations speak of a source and a rewrite; here the two are just a and b."""
    return text.replace("the source", "a").replace("the rewrite", "b")


def _decide(a: str, b: str, cos: float, prob: float, p: Params) -> Comparison:
    if prob < p.related_p and cos < p.related_cos:
        return Comparison("unrelated", round(1.0 - max(prob, cos), 4),
                          [f"paraphrase probability {prob:.2f}, cosine {cos:.2f}"])
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
    sa, sb = content_stems(a), content_stems(b)
    new = sb - sa
    if len(new) >= p.new_min and len(new) / max(1, len(sb)) >= p.new_share:
        return Comparison("adds", round(max(prob, cos), 4), [f"b adds: {', '.join(sorted(new)[:8])}"])
    if prob >= p.same_p:
        return Comparison("same", round(prob, 4), [f"paraphrase probability {prob:.2f}"])
    return Comparison("adds", round(max(prob, cos), 4), [f"related (cosine {cos:.2f}) with other content"])
