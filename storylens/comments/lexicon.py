"""A small evaluative lexicon for stance features: words and phrases that praise or condemn what they are about.

Written for this project (plain English evaluative language, no sentiment of topics: "war" or "tax" are not
here, "disgrace" and "sensible" are). A negation ("not", "never", "n't", "hardly") within the three words
before a word, in the same clause (a comma or a full stop ends its reach), flips it. Used as features of the stance model, whose weights are learned; never alone.
"""

from __future__ import annotations

import re

_POSITIVE_WORDS = """
good great excellent right best better benefit benefits beneficial boost boosts helps help helpful wise sensible
smart fair fairer welcome welcomed welcoming support supports supported supporting favour favor agree agreed
applaud applauds praise commend bravo brilliant strong stronger strengthen strengthening improve improves
improvement progress opportunity hope hopeful hopefully promising positive success successful works worked
effective efficient useful valuable important crucial essential necessary needed deserve deserves proud
glad happy thank thanks grateful well-done impressive admirable courageous brave honest reasonable solid
safer healthier win wins winning gain gains advantage protect protects secure stable stability respect
"""

_NEGATIVE_WORDS = """
bad worse worst wrong terrible awful horrible disgrace disgraceful shame shameful shameless embarrassing
embarrassment pathetic ridiculous absurd stupid foolish idiotic dumb nonsense garbage rubbish joke farce
waste wasted wasteful useless pointless failure failed fails fail disaster disastrous harmful harm hurts hurt
damage damaging dangerous danger reckless irresponsible corrupt corruption dishonest lie lies lying liar
scam fraud oppose opposed against reject rejects condemn unacceptable outrageous outrage appalling
detrimental toxic unfair unjust greedy incompetent inept weak weaker catering pandering kowtow kowtowing
controversial unpredictable worried worry worrying fear afraid sad sadly disappointing disappointed
hypocrite hypocrisy mess chaos crisis threat threatens problem problems risky risk naive misguided
"""

# phrases (lower case, matched on word boundaries): "the last thing we need" condemns, "the right thing" praises
POSITIVE_PHRASES = ("right thing", "good for", "step forward", "step in the right direction", "well done",
                    "makes sense", "hope it works", "about time", "long overdue", "way to go", "i support",
                    "in favour of", "in favor of", "on the right track", "good news", "a must")
NEGATIVE_PHRASES = ("last thing", "can do better", "could do better", "waste of", "step backward", "step back",
                    "no good", "nothing good", "makes no sense", "give up", "bow to", "bow down", "sell out",
                    "sold out", "fed up", "enough is enough", "i oppose", "shame on", "how dare", "not worth",
                    "seek approval", "at the expense of", "slap in the face", "the wrong")

_CLAUSE_END = frozenset(",.;:!?()")
_NEGATORS = {"not", "no", "never", "hardly", "barely", "nothing", "nobody", "without", "cannot", "neither", "nor"}
_TOKEN = re.compile(r"[a-z]+(?:[-'][a-z]+)*|[,.;:!?()]")
POSITIVE = frozenset(re.findall(r"\S+", _POSITIVE_WORDS))
NEGATIVE = frozenset(re.findall(r"\S+", _NEGATIVE_WORDS))
_POS = POSITIVE
_NEG = NEGATIVE


_SUFFIXES = ("ability", "ibility", "ness", "ity", "ally", "ly", "ing", "ed", "es", "s")


def _base(word: str) -> str:
    """The word without one common suffix, and an "-ability" noun as its "-able" adjective."""
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            stem = word[: -len(suf)]
            return stem + "able" if suf == "ability" else stem + "ible" if suf == "ibility" else stem
    return word


def _phrase_rx(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b")


_POS_PH = _phrase_rx(POSITIVE_PHRASES)
_NEG_PH = _phrase_rx(NEGATIVE_PHRASES)


def polarity(text: str) -> tuple[int, int]:
    """Counts of praising and condemning words and phrases in ``text``, negation applied (a phrase counts
    once, its words not again)."""
    pos, neg = _evaluative(text.lower().replace("’", "'"))
    return len(pos), len(neg)


def _evaluative(low: str) -> tuple[list[str], list[str]]:
    """The praising and condemning phrases and words of lower-cased ``low``; a word after a negation (within
    three words, not past a comma or a full stop) goes to the other side, as "not + word"."""
    pos: list[str] = _POS_PH.findall(low)
    neg: list[str] = _NEG_PH.findall(low)
    low = _NEG_PH.sub(" | ", _POS_PH.sub(" | ", low))
    toks = _TOKEN.findall(low.replace("|", " phrase "))
    for i, w in enumerate(toks):
        base = _base(w)
        p, n = w in _POS or base in _POS, w in _NEG or base in _NEG
        if not (p or n):
            continue
        window = toks[max(0, i - 3): i]
        for k in range(len(window) - 1, -1, -1):
            if window[k] in _CLAUSE_END:
                window = window[k + 1:]
                break
        flip = any(t in _NEGATORS or t.endswith("n't") for t in window)
        (pos if p != flip else neg).append(f"not {w}" if flip else w)
    return pos, neg


_CONTRAST = re.compile(r"\b(?:but|however)\b(?!\s+also\b)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def argued_polarity(text: str) -> tuple[int, int]:
    """:func:`polarity` of what each sentence argues: in a sentence with a contrast ("X is needed but a toll is
    the wrong way", "…, however, …"), only the words after the last "but" or "however" count, since what comes
    before is conceded, not argued. Not a stance feature (the model's features use :func:`polarity`): evidence
    for the both-sides flag."""
    pos, neg = evaluative_words(text)
    return len(pos), len(neg)


def evaluative_words(text: str) -> tuple[list[str], list[str]]:
    """The praising and condemning words and phrases that :func:`argued_polarity` counts (negated ones under
    the other side, as "not + word"), for an explanation."""
    pos: list[str] = []
    neg: list[str] = []
    for sent in _SENTENCE_END.split(text):
        p, n = _evaluative(_CONTRAST.split(sent)[-1].lower().replace("’", "'"))
        pos += p
        neg += n
    return pos, neg
