"""Quotes and attributions: who said (or claimed, warned, wrote...) what, as character spans.

``find_quotes(text)`` returns one :class:`QuoteSpan` per attribution: the source (the speaker mention, or
None for "it was reported that..."), the cue (the verb or phrase that attributes: "said", "told",
"according to") and the content (what is attributed: a quotation, a that-clause, an object), each as
(start, end) character offsets into ``text``.

How: sentences that can hold an attribution (a cue word form, a quotation mark, "according to") are
selected by cheap string tests and parsed with spaCy (``storylens.nlp.parse``); every other sentence is never
parsed. In a parsed sentence a cue is a verb whose lemma is in the cue lexicon (``cues.json``, learned from
the PolNeAR training split by ``bench/quotes.py learn``: lemmas that head an annotated cue often enough), and
the dependency tree gives the rest: the subject (or the passive agent, or the subject inherited through a
conjoined or controlled verb, or the noun a relative clause hangs on) is the source; the clausal
complement, the object, or, for a parenthetical cue ("..., he said, ..."), the clause the cue interrupts is
the content. Quotations that run over several sentences are kept whole.

``resolve_speaker`` maps a mention to the fullest name the article gives for it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from storylens.nlp.parse import sentence_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Kind = Literal["direct", "indirect", "mixed"]
Span = tuple[int, int]
Parser = Callable[[Sequence[str]], "list[Doc]"]

LEXICON_PATH = Path(__file__).with_name("cues.json")

OPEN_QUOTES = '“"‘'
QUOTE_CHARS = '“”"‘’'
_SUBJ = ("nsubj", "nsubjpass", "csubj", "expl")
_CONTENT_DEPS = ("ccomp", "xcomp", "csubjpass")
_OBJ_DEPS = ("dobj", "attr", "oprd")
_RELATIVE = ("who", "which", "that")
_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_TITLE_WORDS = """mr mrs ms dr prof sen senator rep representative gov governor president vice prime minister secretary
    chief chairman chairwoman chair mayor judge justice gen general adm admiral col lt sgt capt officer professor
    spokesman spokeswoman spokesperson ambassador deputy foreign defense finance cabinet former acting
    minority majority leader speaker house state candidate nominee democratic republican the new u.s. us
    japanese american chinese british french german russian then sir lord king queen prince pope"""
_TITLES = frozenset(_TITLE_WORDS.split())


@dataclass(frozen=True)
class QuoteSpan:
    """One attribution. Offsets index the text given to :func:`find_quotes`."""

    source: Span | None
    cue: Span
    content: Span
    kind: Kind
    speaker: str | None  # the source text as written ("Ishiba", "he", "sources", "who")
    resolved: str | None = None  # the fullest name the article gives for the speaker, when safe
    antecedent: Span | None = None  # for a relative-pronoun source ("who"), the noun phrase it stands for
    confidence: float = 1.0  # the cue model's probability that the cue attributes (1.0 for "according to")

    def as_json(self) -> dict[str, list[int] | None]:
        return {
            "source": list(self.source) if self.source else None,
            "cue": list(self.cue),
            "content": list(self.content),
        }


@dataclass(frozen=True)
class Lexicon:
    """What was learned from annotated data (``cues.json``, written by ``bench/quotes.py learn``).

    ``lemmas``: verb lemmas worth looking at (they head an annotated cue at least ``min_count`` times and in at
    least ``min_rate`` of their occurrences); ``strong``: those that attribute most of the time; ``forms``:
    their word forms, the sentence pre-filter; ``weights``/``bias``: a logistic model over the cue's lemma and
    structure (how the content was found, the subject, the verb's role and tense) that decides whether a
    candidate verb attributes; ``threshold``: the probability above which it does.
    """

    lemmas: frozenset[str]
    strong: frozenset[str]
    forms: frozenset[str]
    weights: dict[str, float]
    bias: float
    threshold: float
    source_weights: dict[str, float] = field(default_factory=dict)
    source_bias: float = 0.0
    nouns: frozenset[str] = frozenset()  # noun lemmas that head an annotated cue often enough ("claim", "vow")

    @classmethod
    def from_file(cls, path: Path, threshold: float | None = None) -> Lexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_data(data, threshold)

    @classmethod
    def from_data(cls, data: dict, threshold: float | None = None) -> Lexicon:
        counts: dict[str, dict] = data["lemmas"]
        keep = {
            lem: c
            for lem, c in counts.items()
            if c["cue"] >= data["min_count"] and c["cue"] / max(1, c["seen"]) >= data["min_rate"]
        }
        strong = {lem for lem, c in keep.items() if c["cue"] / max(1, c["seen"]) >= data["strong_rate"]}
        forms: set[str] = set()
        filter_rate = data.get("filter_rate", data["min_rate"])
        for lem, c in keep.items():
            if c["cue"] / max(1, c["seen"]) < filter_rate:
                continue
            forms.update(_inflections(lem))
            forms.update(c.get("forms", []))
        th = data.get("threshold", 0.5) if threshold is None else threshold
        return cls(
            frozenset(keep),
            frozenset(strong),
            frozenset(forms),
            dict(data.get("weights", {})),
            float(data.get("bias", 0.0)),
            th,
            dict(data.get("source_weights", {})),
            float(data.get("source_bias", 0.0)),
            frozenset(
                lem
                for lem, c in data.get("nouns", {}).items()
                if c["cue"] >= data["min_count"] and c["cue"] / max(1, c["seen"]) >= data["min_rate"]
            ),
        )

    def keeps_source(self, features: Sequence[str]) -> bool:
        """Whether an attribution the cue model accepted names its source in the words the rules found: not
        so for "seems"/"appears" over a state ("The plan seemed to work": the writer's judgement, no
        source), as learned from train (a second logistic model over the same features)."""
        if not self.source_weights:
            return True
        return self.source_bias + sum(self.source_weights.get(f, 0.0) for f in features) >= 0.0

    def probability(self, features: Sequence[str]) -> float:
        if not self.weights:  # counts only (while learning): every candidate passes
            return 1.0
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _inflections(lemma: str) -> set[str]:
    """Regular English forms of a verb lemma (irregular ones come from the forms seen in training)."""
    out = {lemma, lemma + "s", lemma + "ed", lemma + "ing", lemma + "d"}
    if lemma.endswith("e"):
        out |= {lemma[:-1] + "ing"}
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if re.search(r"(s|sh|ch|x|z)$", lemma):
        out |= {lemma + "es"}
    return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.from_file(LEXICON_PATH)


# ---------------------------------------------------------------------------------------------------------
# Quotation regions


def quote_regions(text: str) -> list[Span]:
    """(start, end) of quoted passages, the quotation marks included. A quotation may run over sentences
    but never over a paragraph break: an unclosed one ends with its paragraph (news style reopens it in the
    next paragraph). Marks: curly, straight, and two apostrophes (``''``, the New York Times' archive style,
    which opens and closes with the same pair). Curly and straight double marks close one another (some
    outlets' text opens with ``"`` and closes with ``”``), and a ``“`` placed as a closing mark (after a word
    or punctuation, before a space: ``“It's unusual,“ said ...``) closes."""
    out: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        ps, pe = para.span()
        i = ps
        while i < pe:
            ch = text[i]
            pair = text.startswith("''", i)
            opens = ch == "“" or (ch == '"' or pair) and (i == ps or not text[i - 1].isalnum())
            if not opens:
                i += 2 if pair else 1
                continue
            if pair:
                j = text.find("''", i + 2, pe)
                end = j + 2 if j >= 0 else pe
            else:
                end = pe
                for j in range(i + 1, pe):
                    c = text[j]
                    if c in '”"' or c == "“" and _closes(text, j, pe):
                        end = j + 1
                        break
            if end - i > 3:
                out.append((i, end))
            i = end
    return out


def _closes(text: str, j: int, pe: int) -> bool:
    """A ``“`` at ``j`` placed as a closing mark: after a word or punctuation, before a space or the end."""
    return not text[j - 1].isspace() and (j + 1 >= pe or text[j + 1].isspace())


_IRREGULAR_SPEECH = frozenset({"said", "told", "wrote", "written", "spoke", "thought", "felt", "made"})


def _speech_forms(lex: Lexicon) -> frozenset[str]:
    """Word forms of the cues that attribute most of the time (the lexicon's ``strong`` lemmas)."""
    return _forms_of(lex.strong, lex.forms)


@lru_cache(maxsize=4)
def _forms_of(strong: frozenset[str], forms: frozenset[str]) -> frozenset[str]:
    out: set[str] = set(_IRREGULAR_SPEECH & forms)
    for lem in strong:
        out |= _inflections(lem)
    return frozenset(out)


def speech_outside_quotes(text: str, span: Span, regions: Sequence[Span]) -> str:
    """The words of ``text[span]`` outside the quotation regions, lower-cased."""
    s, e = span
    parts, pos = [], s
    for a, b in regions:
        if a < e and b > s:
            parts.append(text[pos:max(pos, a)])
            pos = max(pos, min(b, e))
    parts.append(text[pos:e])
    return " ".join(parts).lower()


def pronoun_cue(words: str, lexicon: Lexicon | None = None) -> bool:
    """Whether these words (outside a quotation) attribute to a personal pronoun: "he said", "said she"."""
    forms = _speech_forms(lexicon or default_lexicon())
    ws = re.findall(r"[a-z]+", words)
    return any((a in ("he", "she") and b in forms) or (b in ("he", "she") and a in forms)
               for a, b in zip(ws, ws[1:], strict=False))


def has_speech_cue(words: str, lexicon: Lexicon | None = None) -> bool:
    """Whether these words hold a form of a cue that attributes most of the time."""
    forms = _speech_forms(lexicon or default_lexicon())
    return any(w in forms for w in re.findall(r"[a-z]+", words))


def reported_speech(text: str, ranges: Sequence[Span], lexicon: Lexicon | None = None,
                    min_words: int = 4, regions: Sequence[Span] | None = None) -> list[bool]:
    """For each (start, end) sentence of ``text``: whether it carries a direct quotation of ``min_words`` words
    or more (the quotation may open in an earlier sentence) and, outside the quotation, a word form of a cue
    that attributes most of the time ("“This suggests ...,” Hayashi said."). A cheap string test, no parse:
    it picks the sentences where someone is quoted saying something, and leaves out scare quotes
    ("so-called “fake news”") and quoted titles. ``regions``: :func:`quote_regions` of ``text``, where the
    caller has them."""
    long = [r for r in (quote_regions(text) if regions is None else regions)
            if len(text[r[0]:r[1]].split()) >= min_words]
    return [any(a < e and b > s for a, b in long)
            and has_speech_cue(speech_outside_quotes(text, (s, e), long), lexicon) for s, e in ranges]


# ---------------------------------------------------------------------------------------------------------
# Extraction


def _candidate(sentence: str, lex: Lexicon) -> bool:
    if any(q in sentence for q in QUOTE_CHARS) or "''" in sentence or "ccording to" in sentence:
        return True
    return any(w in lex.forms for w in re.findall(r"[a-z]+", sentence.lower()))


# A wire dateline opening a paragraph ("WASHINGTON (AP) — ", "PARIS, Aug 31 (Reuters) - "): not part of the
# sentence's grammar (the parser makes "WASHINGTON" the subject of the first verb), so it is not parsed.
_DATELINE = re.compile(
    r"(?:[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}(?: \d{1,2})?(?:, [A-Z][\w.]*(?: [A-Z]?[\w.]+)?){0,2} )?"
    r"\([A-Z][\w ]{1,20}\) ?[—–-]+ "
    # or a city in capitals without the agency ("WASHINGTON — ", "OSCEOLA, Iowa -- ")
    r"|[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)? (?:--|—|–) "
)


def _units(text: str, regions: list[Span]) -> list[Span]:
    """Sentences, merged where a quotation runs across a sentence end, so a quotation is parsed whole (a
    wire dateline at a sentence's start left out)."""
    sents = []
    for s, e in sentence_spans(text):
        m = _DATELINE.match(text, s, e)
        sents.append((m.end(), e) if m and m.end() < e else (s, e))
    out: list[Span] = []
    for s, e in sents:
        if out and any(rs < out[-1][1] and re_ > s for rs, re_ in regions):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def find_quotes(text: str, lexicon: Lexicon | None = None, parser: Parser | None = None) -> list[QuoteSpan]:
    """Every attribution in ``text`` with its source, cue and content spans (see the module docstring)."""
    return find_quotes_many([text], lexicon, parser)[0]


def find_quotes_many(
    texts: Sequence[str],
    lexicon: Lexicon | None = None,
    parser: Parser | None = None,
    select: Sequence[Sequence[Span]] | None = None,
) -> list[list[QuoteSpan]]:
    """:func:`find_quotes` over many texts, with the candidate sentences of all of them parsed in one batch.

    ``select`` (one list of character ranges per text) limits the work to the sentences that overlap those
    ranges: the parse is the costly part, and a caller may need the attributions of a few sentences only.
    """
    lex = lexicon or default_lexicon()
    if parser is None:
        from storylens.nlp.parse import parse as parser
    jobs: list[tuple[int, int, str]] = []
    regions_of: list[list[Span]] = []
    for ti, text in enumerate(texts):
        regions = quote_regions(text)
        regions_of.append(regions)
        wanted = None if select is None else select[ti]
        for s, e in _units(text, regions):
            if wanted is not None and not any(ws < e and we > s for ws, we in wanted):
                continue
            if _candidate(text[s:e], lex):
                jobs.append((ti, s, text[s:e]))
    docs = parser([j[2] for j in jobs])
    found: list[list[QuoteSpan]] = [[] for _ in texts]
    for (ti, start, _), doc in zip(jobs, docs, strict=True):
        found[ti].extend(_from_doc(doc, start, texts[ti], regions_of[ti], lex))
    return [_finish(texts[i], _dedupe(found[i])) for i in range(len(texts))]


def _span_of(tokens: Sequence[Token], base: int) -> Span:
    s = min(t.idx for t in tokens)
    e = max(t.idx + len(t.text) for t in tokens)
    return base + s, base + e


_EDGE_PUNCT = ",;:.—–-()[]"


def _tokens_trimmed(tokens: list[Token]) -> list[Token]:
    """Drop punctuation and conjunctions at the edges of a token run (keeping quotation marks)."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (
        toks[0].text in _EDGE_PUNCT
        or toks[0].dep_ in ("cc", "prep")
        and toks[0].i != toks[-1].i
        and toks[0].lower_ in ("and", "but", "or")
    ):
        toks.pop(0)
    while (
        toks
        and toks[-1].text in _EDGE_PUNCT
        and not (toks[-1].text == "." and len(toks) > 1 and toks[-1].nbor(-1).text in QUOTE_CHARS)
    ):
        toks.pop()
    return toks


def _subtree(tok: Token, exclude: set[int] | None = None) -> list[Token]:
    ex = exclude or set()
    return [t for t in tok.subtree if t.i not in ex]


def _cue_tokens(v: Token) -> list[Token]:
    """The cue verb with its auxiliaries and negation just before it ("has said", "did not deny")."""
    toks = [v]
    for c in v.lefts:
        if c.dep_ in ("aux", "auxpass", "neg") and c.i >= v.i - 3:
            toks.append(c)
    toks.sort(key=lambda t: t.i)
    # keep the run contiguous up to the verb
    while len(toks) > 1 and toks[1].i - toks[0].i > 2:
        toks.pop(0)
    return toks


def _source_of(v: Token) -> list[Token] | None:
    """The speaker of cue verb ``v``: its subject, passive agent, inherited or relative-clause antecedent."""
    return _source_via(v)[0]


def _source_via(v: Token) -> tuple[list[Token] | None, str]:
    """:func:`_source_of` and how it was found: ``subj`` (own subject), ``rel`` (a relative pronoun),
    ``agent`` ("was told by X"), ``antecedent`` (the noun a subjectless relative clause hangs on), ``up``
    (the subject of the verb the cue is conjoined to or controlled by: "X paused, then revealed ...",
    "X was quick to point out ...", "X deflected questions before saying ..."), or ``none``."""
    seen = 0
    cur = v
    while cur is not None and seen < 4:
        seen += 1
        via = "subj" if seen == 1 else "up"
        subj = [c for c in cur.children if c.dep_ in ("nsubj", "csubj")]
        if subj:
            if subj[0].lower_ in _RELATIVE and cur.dep_ == "relcl":
                # "Sanders, who endorsed Canova": the relative pronoun is the source (PolNeAR marks "who";
                # the antecedent gives the name, see _antecedent)
                return [subj[0]], "rel"
            return _subtree(subj[0]), via
        passive = [c for c in cur.children if c.dep_ == "nsubjpass"]
        agent = [c for c in cur.children if c.dep_ == "agent"]
        if agent:
            objs = [g for g in agent[0].children if g.dep_ == "pobj"]
            if objs:
                return _subtree(objs[0]), "agent"
        if passive:
            if seen > 1:  # "Romer was sidelined after demonstrating that ...": the one sidelined demonstrated
                return _subtree(passive[0]), via
            return None, "none"  # "it was reported that", "he was told": no speaker named
        if cur.dep_ == "relcl" and cur.head.pos_ in ("NOUN", "PROPN", "PRON"):
            head = cur.head
            inside = {x.i for x in cur.subtree}
            return [t for t in head.subtree if t.i <= head.i and t.i not in inside], "antecedent"
        if cur.dep_ in ("conj", "xcomp", "advcl") and cur.head.pos_ in ("VERB", "AUX"):
            cur = cur.head
            continue
        # "quick to point out", "likely to say": the adjective's verb has the subject
        if cur.dep_ == "xcomp" and cur.head.pos_ == "ADJ" and cur.head.dep_ in ("acomp", "conj"):
            cur = cur.head.head
            continue
        # "before saying", "by implying": the verb the preposition hangs on
        if (
            cur.dep_ == "pcomp"
            and cur.tag_ == "VBG"
            and cur.head.dep_ == "prep"
            and cur.head.head.pos_ in ("VERB", "AUX")
        ):
            cur = cur.head.head
            continue
        return None, "none"
    return None, "none"


RARE = "_rare"


def _nominal(n: Token) -> tuple[list[Token], list[Token], str] | None:
    """A cue noun with its holder and what it holds: "his promise to build a wall", "Clinton's claim that
    ...", "criticism of the plan by the mayor". The holder is the possessive, or the object of a "by" or
    "from" after the noun; the content is the noun's that-clause or infinitive, or the object of "of", "for",
    "on", "about", "against", "to" or "with". (source, content, how the content was found) or None."""
    source: list[Token] | None = None
    content: list[Token] | None = None
    kind = ""
    for c in n.children:
        if c.dep_ == "poss" and source is None:
            source = [t for t in c.subtree if t.dep_ != "case"]
        elif c.dep_ == "prep" and c.i > n.i and c.lower_ in ("by", "from") and source is None:
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                source = list(objs[0].subtree)
        elif c.dep_ in ("acl", "ccomp") and c.i > n.i and content is None:
            marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "aux")}
            if "that" in marks or "to" in marks:
                content, kind = list(c.subtree), "that" if "that" in marks else "to"
        elif (
            c.dep_ == "prep"
            and c.i == n.i + 1
            and c.lower_ in ("of", "for", "on", "about", "against", "to", "with")
            and content is None
        ):
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objs:
                content, kind = list(objs[0].subtree), "prep"
    if source and content:
        return source, content, kind
    return None


def _after_quote(v: Token) -> bool:
    """The cue comes right after a closing quotation mark ("'...,' said the senator")."""
    i = v.i - 1
    if i >= 0 and v.doc[i].text == ",":
        i -= 1
    return i >= 0 and (v.doc[i].text in "”\"’'" or v.doc[i].text == "''" or v.doc[i].tag_ == "''")


def _inverted_source(v: Token) -> list[Token] | None:
    """The speaker after the cue in an inverted attribution the parser misread ("'...,' tweeted Rubio
    spokesman Alex Conant": the cue as an adjective of the name; "'...,' recalled Mr. Rhodes": the name as
    the object)."""
    if not _after_quote(v):
        return None
    if v.dep_ == "amod" and v.head.i > v.i and v.head.pos_ in ("PROPN", "NOUN"):
        h = v.head
        while h.dep_ == "compound" and h.head.i > h.i:
            h = h.head
        return [t for t in h.subtree if t.i > v.i]
    first = next(iter(v.rights), None)  # the name right after the cue
    if (
        first is not None
        and first.dep_ in ("dobj", "attr", "npadvmod", "dative")
        and first.pos_ in ("PROPN", "NOUN", "PRON", "NUM")
        and first.left_edge.i == v.i + 1
    ):
        return list(first.subtree)
    return None


def _speech_shape(v: Token) -> bool:
    """A verb outside the cue lexicon that is built like a report: a subject, and a that-clause, a
    quotation as its complement, or a colon before a quotation ("X retorted that ...", "X exclaimed: '...'")."""
    if v.pos_ != "VERB" or not any(c.dep_ == "nsubj" for c in v.children):
        return False
    for c in v.children:
        if c.dep_ == "ccomp" and c.i > v.i:
            if any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
                return True
            if c.left_edge.text in QUOTE_CHARS or c.left_edge.text in ("''", "``"):
                return True
        if c.dep_ == "punct" and c.text == ":" and c.i == v.i + 1:
            nxt = v.doc[c.i + 1] if c.i + 1 < len(v.doc) else None
            if nxt is not None and (nxt.text in QUOTE_CHARS or nxt.text in ("''", "``")):
                return True
    return False


_FINITE = ("VBD", "VBZ", "VBP")
_NP_INNER = ("compound", "flat", "nummod", "quantmod", "nmod", "amod", "poss")


def _left_source(v: Token, cue: list[Token]) -> list[Token] | None:
    """The speaker of a finite cue the parser left without a subject, when a noun phrase ends right before
    the cue (its auxiliaries and lower-case adverbs aside). The small parser attaches a speaker who follows
    an opening phrase to that phrase ("Saturday at the convention Sen. Elizabeth Warren (D-MA) said ...",
    "In a statement, her adviser, Jake Sullivan, said ...": appositions), or reads the speaker as an adverb
    or a number ("Jolly said ...", "About 4 in 10 say ..."). Not for a passive cue ("it was reported")."""
    if v.tag_ not in _FINITE or any(c.dep_ in ("nsubjpass", "auxpass", "expl") for c in v.children):
        return None
    doc, start = v.doc, v.sent.start
    skip = {t.i for t in cue}
    i = min(skip) - 1
    while i >= start and (
        i in skip or doc[i].dep_ in ("advmod", "neg") and doc[i].head.i == v.i and doc[i].text.islower()
    ):
        i -= 1
    if i >= start and doc[i].text == ",":  # the comma closing an apposition
        i -= 1
    if i < start:
        return None
    t = doc[i]
    if t.text == ")" and t.head.i < t.i:  # "Sen. Elizabeth Warren (D-MA) said"
        t = t.head
    named = t.text[:1].isupper() and t.text[1:].islower() and t.dep_ == "advmod"  # "Jolly said" as an adverb
    if t.pos_ not in ("PROPN", "NOUN", "PRON", "NUM") and not named or t.lower_ in _RELATIVE:
        return None
    h = t
    while h.dep_ in _NP_INNER and start <= h.head.i < v.i and h.head.i != h.i:
        h = h.head
    while h.dep_ == "appos" and h.head.dep_ == "appos" and start <= h.head.i < v.i:
        h = h.head
    if h.dep_ in ("npadvmod", "dobj", "pobj", "nsubj", "nsubjpass", "attr", "ROOT") or h.head.i > v.i:
        return None
    toks = [x for x in h.subtree if x.i < v.i and x.i not in skip]
    if not toks or toks[-1].i < i - 1 or len(toks) != toks[-1].i - toks[0].i + 1:
        return None
    return toks


def _stray_that(v: Token) -> Token | None:
    """A that-clause the parser hung on a noun after the cue instead of on the cue ("says in a statement that
    ...", "said Tuesday that ..."): the clause, when the noun is in a prepositional phrase or a bare time
    phrase of the cue."""
    for c in v.rights:
        if c.dep_ not in ("prep", "npadvmod"):
            continue
        for t in c.subtree:
            if (
                t.dep_ in ("acl", "ccomp")
                and t.head.pos_ in ("NOUN", "PROPN")
                and any(m.dep_ == "mark" and m.lower_ == "that" and m.i < t.i for m in t.children)
            ):
                return t
    return None


def _semicolon_between(v: Token, c: Token) -> bool:
    """A semicolon between the cue and its complement: two clauses the parser joined ("47% say ...; 37%
    disagree" does not make the first clause what the 37% disagree with)."""
    lo, hi = (c.right_edge.i, v.i) if c.i < v.i else (v.i, c.left_edge.i)
    return any(t.text == ";" for t in v.doc[lo + 1 : hi])


def _cut_reports(toks: list[Token], v: Token, lex: Lexicon) -> list[Token]:
    """The content up to a conjoined clause that is a report of its own: a cue verb with its own subject
    conjoined inside the complement ("Six in 10 voters said Clinton is honest, and three-quarters said the
    same of Sanders", "... said that Wall Street hurts the economy, and those voters backed Mr. Sanders"):
    the parser hung the second report on the first one's complement, but each word has one role, and the
    second clause is not what the first speaker said."""
    inside = {t.i for t in toks}
    doc = v.doc
    for t in sorted(toks, key=lambda t: t.i):
        if not (
            t.dep_ in ("conj", "ccomp")
            and t.i > v.i
            and (t.head.i in inside or t.head.i == v.i)
            and t.pos_ == "VERB"
            and t.lemma_.lower() in lex.lemmas
            and any(c.dep_ == "nsubj" and c.lower_ not in _RELATIVE and c.i < t.i for c in t.children)
        ):
            continue
        cut = t.left_edge.i
        if cut < 1 or doc[cut - 1].dep_ != "cc" or doc[cut - 1].lower_ not in ("and", "but", "while"):
            continue
        while cut - 1 > v.i and (doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_punct):
            cut -= 1
        kept = [x for x in toks if x.i < cut]
        return kept or toks
    return toks


def _content_of(
    v: Token, source: list[Token] | None, cue: list[Token], lex: Lexicon
) -> tuple[list[Token], str]:
    """What cue verb ``v`` attributes, and how it was found."""
    taken = {t.i for t in cue} | ({t.i for t in source} if source else set())
    comps = [c for c in v.children if c.dep_ in _CONTENT_DEPS and not _semicolon_between(v, c)]
    if comps:
        toks = [t for c in comps for t in _subtree(c, taken)]
        return _cut_reports(toks, v, lex), "comp"
    stray = _stray_that(v)
    if stray is not None:
        return _subtree(stray, taken), "stray"
    # "said: ..." / "said that" with a broken parse: everything after the cue to the sentence end
    right = [c for c in v.rights if c.dep_ in ("punct",) and c.text == ":"]
    if right:
        after = [t for t in v.sent if t.i > right[0].i]
        return after, "colon"
    small = [c for c in v.children if c.dep_ in ("intj",) or (c.dep_ == "advmod" and c.lower_ == "so")]
    if small and v.lemma_ in ("say", "answer", "reply"):
        return small, "small"
    # parenthetical cue: "The plan, he said, is ready." / "It is ready, he said." (not when the verb it
    # interrupts attributes itself: "Asked about it, she said ..." and "..., he said, citing ..." are the
    # head's own attribution)
    if (
        v.dep_ in ("parataxis", "ccomp", "advcl")
        and (v.head.pos_ in ("VERB", "AUX") or v.dep_ == "parataxis" and v.head.pos_ in ("NOUN", "PROPN"))
        and v.head.i != v.i
        and v.head.lemma_.lower() not in lex.strong
        # a subordinate clause ("After Brown criticized Clinton, Hillary shot back ...") is no parenthesis
        and not any(c.dep_ == "mark" for c in v.children)
    ):
        ex = {t.i for t in v.subtree}
        toks = [t for t in v.head.subtree if t.i not in ex]
        if toks:
            return toks, "head"
    # "are wary of X", "remain confident that ...": the adjective's complement
    for a in (c for c in v.children if c.dep_ == "acomp" and c.pos_ == "ADJ"):
        for c in a.children:
            if c.dep_ in ("ccomp", "xcomp") and c.i > a.i:
                return _subtree(c, taken), "acomp"
            if c.dep_ == "prep" and c.i == a.i + 1 and c.lower_ in ("of", "about", "with", "to", "in", "over"):
                got = [t for g in c.children if g.dep_ in ("pobj", "pcomp") for t in _subtree(g, taken)]
                if got:
                    return got, "acomp"
    # "the only regret he acknowledged", "the America I envision": the noun the relative clause describes
    if (
        v.dep_ == "relcl"
        and source
        and v.head.pos_ in ("NOUN", "PROPN")
        and v.head.i < v.i
        and not any(c.dep_ in _OBJ_DEPS or c.dep_ in ("prep", "ccomp", "xcomp") for c in v.children)
        and all(t.lower_ not in _RELATIVE for t in source)
    ):
        inside = {t.i for t in v.subtree}
        got = [t for t in v.head.subtree if t.i not in inside and t.i <= v.head.i]
        if got:
            return got, "relobj"
    objs = [c for c in v.children if c.dep_ in _OBJ_DEPS]
    preps = [
        c
        for c in v.children
        if c.dep_ == "prep" and c.lower_ in ("for", "about", "to", "on", "against", "with", "at", "of", "over")
    ]
    if objs:
        toks = [t for c in objs for t in _subtree(c, taken)]
        return toks, "obj"
    # "O'Malley's move was first reported by MSNBC": the agent said it, the passive subject is what was said
    passive = [c for c in v.children if c.dep_ == "nsubjpass"]
    if passive and source and any(c.dep_ == "agent" for c in v.children):
        return _subtree(passive[0], taken), "pass"
    if preps and any(g.dep_ in ("pobj", "pcomp") for g in preps[0].children):
        toks = [t for g in preps[0].children if g.dep_ in ("pobj", "pcomp") for t in _subtree(g, taken)]
        return toks, "prep"
    return [], ""


def _antecedent(source: list[Token] | None) -> list[Token] | None:
    """The noun phrase a relative-pronoun source stands for ("Jeb Bush, who announced ..." gives "Jeb Bush"):
    the antecedent's subtree up to the relative clause."""
    if not source or len(source) != 1 or source[0].lower_ not in _RELATIVE or source[0].head.dep_ != "relcl":
        return None
    rel = source[0].head
    head = rel.head
    if head.i == rel.i or head.pos_ not in ("NOUN", "PROPN", "PRON", "NUM"):
        return None
    inside = {x.i for x in rel.subtree}
    toks = _tokens_trimmed([t for t in head.subtree if t.i <= head.i and t.i not in inside])
    return toks or None


def _according(tok: Token) -> tuple[list[Token], list[Token], list[Token]] | None:
    """ "according to X, Y": (cue, source, content) tokens."""
    to = [c for c in tok.children if c.lower_ == "to"]
    if not to:
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        if nxt is None or nxt.lower_ != "to":
            return None
        to = [nxt]
    objs = [c for c in to[0].children if c.dep_ == "pobj"]
    source = _subtree(objs[0]) if objs else []
    cue = [tok, to[0]]
    own = {t.i for t in tok.subtree} | {t.i for t in to[0].subtree}
    head = tok.head if tok.head.i != tok.i else None
    sent = tok.sent
    if head is not None:
        top = head
        while top.dep_ not in ("ROOT",) and top.head.i != top.i and top.dep_ in ("conj", "xcomp", "aux"):
            top = top.head
        content = [t for t in top.subtree if t.i not in own]
    else:
        content = [t for t in sent if t.i not in own]
    return cue, source, content


@dataclass
class Candidate:
    """A verb (or "according to") that may attribute, with the spans the rules found and its features."""

    token_i: int
    cue: list[Token]
    source: list[Token] | None
    content: list[Token]
    how: str
    features: list[str]
    antecedent: list[Token] | None = None
    content_span: Span | None = None  # a quotation outside the parse ("how=adjq"), when content is empty


def candidates(
    doc: Doc, base: int, regions: list[Span], lex: Lexicon, text: str | None = None
) -> list[Candidate]:
    """Every possible attribution in a parsed unit (before the learned model decides). With ``text`` (the
    whole article), a cue whose parse gives no content may take the quotation right before or after its
    speaker and cue ("'... fun!' Trump tweeted." parsed apart from its quotation)."""
    out: list[Candidate] = []
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            got = _according(tok)
            if got is None:
                continue
            cue, source, content = got
            content = _tokens_trimmed(content)
            src = (_tokens_trimmed(source) or None) if source else None
            if content:
                out.append(Candidate(tok.i, cue, src, content, "acc", ["how=acc"]))
            continue
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in lex.nouns:
            got = _nominal(tok)
            if got is not None:
                source, content, kind = got
                source, content = _tokens_trimmed(source), _tokens_trimmed(content)
                if source and content:
                    how = f"nom-{kind}"
                    lem = "n:" + tok.lemma_.lower()
                    cspan = _span_of(content, base)
                    feats = _features(tok, lem, how, source, content, cspan, regions, base, lex.lemmas, lex.nouns)
                    out.append(Candidate(tok.i, [tok], source, content, how, feats + ["src=nom"]))
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("aux", "auxpass") or tok.dep_ == "amod" and not (
            _after_quote(tok) and tok.head.i > tok.i
        ):
            continue
        lem = tok.lemma_.lower()
        if lem not in lex.lemmas:
            if not _speech_shape(tok):
                continue
            lem = RARE  # a verb too rare in train to be learned, with the shape of speech ("retorted that")
        cue = _cue_tokens(tok)
        source, via = _source_via(tok)
        if source is None:
            source = _left_source(tok, cue)
            via = "left" if source else via
        if source is None:
            source = _inverted_source(tok)
            via = "inv" if source else via
        if source is not None:
            source = _tokens_trimmed(source) or None
        if source is not None and _quoted_apart(_span_of(source, base), _span_of(cue, base), regions):
            # the parse took words of a quotation as the speaker of a cue outside it ("'..., the foundation,
            # all the old trust stuff,' said a person ...", "'That,' he said, 'is par for the course'"): a
            # speaker is not inside the quotation it is credited with; the inverted one after the cue, or none
            source, via = _inverted_source(tok), "inv"
            source = (_tokens_trimmed(source) or None) if source else None
            if source is not None and _quoted_apart(_span_of(source, base), _span_of(cue, base), regions):
                source = None
            via = via if source else "none"
        content, how = _content_of(tok, source, cue, lex)
        content = _tokens_trimmed(content)
        span = None
        if not content:
            span = _lone_quote(text, regions, base, source, cue) if text is not None else None
            if span is None:
                content = _rest_of_sentence(tok, source, cue) if lem in lex.strong else []
                if not content:
                    continue
                how = "rest"
            else:
                how = "adjq"
        cspan = span or _span_of(content, base)
        out.append(
            Candidate(
                tok.i,
                cue,
                source,
                content,
                how,
                _features(tok, lem, how, source, content, cspan, regions, base, lex.lemmas, lex.nouns) + [f"src={via}"],
                _antecedent(source),
                span,
            )
        )
    return out


def _quoted_apart(source: Span, cue: Span, regions: Sequence[Span]) -> bool:
    """The source lies inside a quotation and the cue outside it."""
    return any(rs <= source[0] and source[1] <= re_ and not (rs <= cue[0] < re_) for rs, re_ in regions)


def _rest_of_sentence(v: Token, source: list[Token] | None, cue: list[Token]) -> list[Token]:
    """A strong cue with a speaker that closes its sentence and was parsed apart from it ("Those who do take
    on heavy debt struggle, he said."): the words before the speaker and cue are what was said."""
    if not source:
        return []
    own = {t.i for t in source} | {t.i for t in cue}
    first, last = min(own), max(own)
    sent = v.sent
    if any(t.i > last and not t.is_punct for t in sent) or not all(first <= i <= last for i in own):
        return []
    if any(t.i in range(first, last + 1) and t.i not in own and not t.is_punct for t in sent):
        return []
    before = [t for t in sent if t.i < first]
    return _tokens_trimmed(before) if len(before) >= 3 else []


def _lone_quote(
    text: str, regions: list[Span], base: int, source: list[Token] | None, cue: list[Token]
) -> Span | None:
    """The quotation right before the speaker and cue, or right after them, of a cue with no content in its
    own parse; None when the cue stands alone or between words."""
    spans = [_span_of(cue, base)] + ([_span_of(source, base)] if source else [])
    left, right = min(s for s, _ in spans), max(e for _, e in spans)
    before = [r for r in regions if r[1] <= left and not text[r[1] : left].strip(" ,—–-")]
    if before:
        return before[-1]
    after = [r for r in regions if r[0] >= right and not text[right : r[0]].strip(" ,:—–-")]
    return after[0] if after else None


def _features(
    v: Token,
    lem: str,
    how: str,
    source: list[Token] | None,
    content: list[Token],
    cspan: Span,
    regions: list[Span],
    base: int,
    lex_lemmas: frozenset[str] = frozenset(),
    lex_nouns: frozenset[str] = frozenset(),
) -> list[str]:
    at = base + v.idx
    src_head = min(source, key=lambda t: (t.head in source, t.i)) if source else None
    n = len(content) if content else 9
    feats = [
        f"lem={lem}",
        f"how={how}",
        f"how={how}|lem={lem}",
        f"dep={v.dep_}",
        f"dep={v.dep_}|lem={lem}",  # "say" as a root attributes, as a clausal subject less so
        f"tag={v.tag_}",
        f"tag={v.tag_}|lem={lem}",
        f"subj={src_head.pos_ if src_head is not None else 'none'}",
        f"subj={src_head.pos_ if src_head is not None else 'none'}|lem={lem}",
        "clen=" + ("1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9+"),
    ]
    if any(rs < at < re_ for rs, re_ in regions):
        feats.append("cue_in_quote")
    cs, ce = cspan
    if any(rs <= cs + 1 and ce <= re_ + 1 for rs, re_ in regions):
        feats.append("content_quoted")
    if any(c.dep_ == "mark" and c.lower_ == "that" for t in content for c in [t]):
        feats.append("that")
    if any(c.dep_ == "neg" for c in v.children):
        feats.append("neg")
    if src_head is not None and src_head.lower_ in _PRONOUNS:
        feats.append("subj_pronoun")
    feats.extend(_more_features(v, lem, how, src_head, content, cspan, regions, base, lex_lemmas, lex_nouns))
    return feats


_WH = frozenset(["how", "why", "whether", "if", "what", "when", "where", "who", "which"])


def _more_features(
    v: Token,
    lem: str,
    how: str,
    src_head: Token | None,
    content: list[Token],
    cspan: Span,
    regions: list[Span],
    base: int,
    lex_lemmas: frozenset[str] = frozenset(),
    lex_nouns: frozenset[str] = frozenset(),
) -> list[str]:
    """What the speaker is (the source's head word: "critics", "officials" attribute; "weeds", "the plan" do
    not), what kind of content follows (a that-clause, an infinitive, a question, a noun phrase, and which
    noun), a particle ("backed away" is not "backed"), and whether the line is a title-case headline."""
    out = []
    if src_head is not None:
        word = (
            "PROPN"
            if src_head.pos_ == "PROPN"
            else src_head.lower_
            if src_head.pos_ == "PRON"
            else src_head.lemma_.lower()
        )
        out += [f"shead={word}", f"shead={word}|lem={lem}"]
    first = content[0] if content else None
    if first is None or first.text in QUOTE_CHARS or first.text in ("''", "``"):
        ctype = "quote"
    elif first.lower_ == "that":
        ctype = "that"
    elif first.lower_ == "to" and first.tag_ == "TO":
        ctype = "to"
    elif first.lower_ in _WH:
        ctype = "wh"
    else:
        root = min(content, key=lambda t: (t.head in content and t.head.i != t.i, t.i))
        ctype = root.pos_
        if how in ("obj", "prep"):
            out.append(f"chead={root.lemma_.lower()}")
            if root.pos_ == "NOUN" and root.lemma_.lower() in lex_nouns:
                # "had been a strong supporter of", "voiced support for": the object is itself a cue noun
                out.append("cn=cue")
    if how == "acomp":
        out += [f"adj={c.lemma_.lower()}" for c in v.children if c.dep_ == "acomp"]
    out += [f"ctype={ctype}", f"ctype={ctype}|lem={lem}"]
    for c in v.children:
        if c.dep_ == "prt":
            out.append(f"prt={lem}_{c.lower_}")
        elif c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"):  # "seemed to blame" / "seemed to work"
            out.append(f"xc={'cue' if c.lemma_.lower() in lex_lemmas else 'other'}")
    out.extend(_sentence_features(v.doc, v.sent.start, v.sent.end, base, tuple(regions)))
    return out


@lru_cache(maxsize=64)
def _sentence_features(
    doc: Doc, start: int, end: int, base: int, regions: tuple[Span, ...]
) -> tuple[str, ...]:
    """Per sentence, once: a title-case headline, a quotation in the sentence."""
    sent = doc[start:end]
    out = []
    words = sent.text.split()
    if len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words):
        out.append("titlecase")
    ss, se = base + sent.start_char, base + sent.end_char
    if any(rs < se and ss < re_ for rs, re_ in regions):
        out.append("quote_in_sent")
    return tuple(out)


def _from_doc(doc: Doc, base: int, text: str, regions: list[Span], lex: Lexicon) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    for c in candidates(doc, base, regions, lex, text):
        p = 1.0 if c.how == "acc" else lex.probability(c.features)
        if p >= lex.threshold:
            if c.source and c.how != "acc" and not lex.keeps_source(c.features):
                c = replace(c, source=None, antecedent=None)
            q = replace(_make(text, regions, base, c.source, c.cue, c.content, c.how, c.content_span), confidence=p)
            out.append(replace(q, antecedent=_span_of(c.antecedent, base)) if c.antecedent else q)
    return out


def _make(
    text: str,
    regions: list[Span],
    base: int,
    source: list[Token] | None,
    cue: list[Token],
    content: list[Token],
    how: str,
    content_span: Span | None = None,
) -> QuoteSpan:
    if content_span is not None:
        src = _span_of(source, base) if source else None
        return QuoteSpan(
            source=src,
            cue=_span_of(cue, base),
            content=content_span,
            kind="direct",
            speaker=text[src[0] : src[1]] if src else None,
        )
    c = _span_of(content, base)
    c = _adjacent_quote(text, regions, base, source, cue, c)
    # a content that starts or ends inside a quotation takes the whole quotation
    for rs, re_ in regions:
        if rs <= c[0] < re_ or rs < c[1] <= re_:
            c = (min(c[0], rs), max(c[1], re_)) if _outside_cue(cue, base, rs, re_) else c
    src = _span_of(source, base) if source else None
    cue_span = _span_of(cue, base)
    if src and c[0] < src[1] and src[0] < c[1]:  # quotation swallowed the source: keep the content as parsed
        c = _span_of(content, base)
    return QuoteSpan(
        source=src,
        cue=cue_span,
        content=c,
        kind=_kind(c, regions),
        speaker=text[src[0] : src[1]] if src else None,
    )


def _adjacent_quote(
    text: str, regions: list[Span], base: int, source: list[Token] | None, cue: list[Token], c: Span
) -> Span:
    """A quotation right before the speaker and cue ("'...,' she said") or right after them ("she said:
    '...'") is the content; both when the cue sits between two halves of one quotation."""
    spans = [_span_of(cue, base)] + ([_span_of(source, base)] if source else [])
    left, right = min(s for s, _ in spans), max(e for _, e in spans)
    before = [r for r in regions if r[1] <= left and not text[r[1] : left].strip(" ,—–-")]
    after = [r for r in regions if r[0] >= right and not text[right : r[0]].strip(" ,:—–-")]
    if before and after and before[-1][1] > c[0] - 1:
        return before[-1][0], after[0][1]
    if before:
        return before[-1]
    if after and (c[1] <= c[0] or after[0][0] <= c[0] + 1 or c[0] >= after[0][0]):
        return after[0][0], max(after[0][1], c[1])
    return c


def _outside_cue(cue: list[Token], base: int, rs: int, re_: int) -> bool:
    s, e = _span_of(cue, base)
    return not (rs <= s < re_)


def _kind(c: Span, regions: list[Span]) -> Kind:
    inside = [r for r in regions if r[0] < c[1] and c[0] < r[1]]
    if not inside:
        return "indirect"
    if any(r[0] <= c[0] + 1 and c[1] - 1 <= r[1] for r in inside):
        return "direct"
    return "mixed"


def _within(a: Span, b: Span) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _dedupe(quotes: list[QuoteSpan]) -> list[QuoteSpan]:
    """One quote per cue, and no report inside a report: a cue that lies inside another quote's content
    ("Ishiba said Trump told him that...") is part of what the outer speaker said, so it is dropped (each
    word has one role, as in PolNeAR's annotation). Where contents of two cues cross, the earlier cue wins."""
    by_cue: dict[Span, QuoteSpan] = {}
    for q in quotes:
        by_cue.setdefault(q.cue, q)
    qs = sorted(by_cue.values(), key=lambda q: (q.cue[0], q.cue[1]))
    # a speakerless outer that swallowed a cue with a speaker is a misparse ("Clinton fired back that ...,
    # so clearly believed in her judgment" read as the subjectless "believed" taking the clause): the inner
    # attribution, with its named speaker, is kept instead
    qs = [
        o
        for o in qs
        if o.source is not None
        or not any(
            q is not o
            and q.source is not None
            and _within(q.cue, o.content)
            and not _within(o.cue, q.content)
            for q in qs
        )
    ]
    out: list[QuoteSpan] = []
    contents: set[Span] = set()
    for q in qs:
        if q.content in contents:  # "..., she said, adding/responding ...": one quote, the first cue
            continue
        inside = any(
            o is not q
            and o.content[0] <= q.cue[0]
            and q.cue[1] <= o.content[1]
            and not (q.content[0] <= o.cue[0] and o.cue[1] <= q.content[1])
            for o in qs
        )
        if not inside:
            out.append(q)
            contents.add(q.content)
    return out


def _finish(text: str, quotes: list[QuoteSpan]) -> list[QuoteSpan]:
    out = []
    for q in quotes:
        c = _trim_span(text, q.content)
        if c[1] <= c[0]:
            continue
        out.append(replace(q, content=c))
    out.sort(key=lambda q: (q.cue[0], q.cue[1]))
    names = article_names(text)
    resolved: list[QuoteSpan] = []
    for q in out:
        mention = text[q.antecedent[0] : q.antecedent[1]] if q.antecedent else q.speaker
        at = q.antecedent[0] if q.antecedent else q.source[0] if q.source else q.cue[0]
        r = resolve_speaker(mention, text, at, names, resolved) if mention else None
        resolved.append(replace(q, resolved=r))
    return resolved


def _trim_span(text: str, sp: Span) -> Span:
    a, b = sp
    while a < b and (text[a].isspace() or text[a] in ",;:"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:"):
        b -= 1
    return a, b


# ---------------------------------------------------------------------------------------------------------
# Speakers

_CAP = r"(?:(?:[A-Z]\.){1,3}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|St|Jr|Sr)\.|[A-Z][\w’'\-]*)"
_NAME_RUN = re.compile(rf"(?<![/\w-]){_CAP}(?:[ \t]+(?:(?:de|van|von|bin|al|da|di|del|la|le)[ \t]+)?{_CAP})*")


_OPENERS = frozenset(["but", "and", "so", "yet", "or", "also", "however", "meanwhile", "still", "then", "when", "while"])


def _strip_titles(words: list[str]) -> list[str]:
    while words and words[0].lower().strip(",") in _OPENERS:  # a sentence's first word ("But Sir Liam said")
        words = words[1:]
    while len(words) > 2 and re.search(r"[’']s$", words[0]):  # whose: "WHO's Dr Keiji Fukuda"
        words = words[1:]
    # a title inside ("CNN President Jeff Zucker", "Alabama Sen. Jeff Sessions"): the name is what follows it
    inner = [i for i, w in enumerate(words[:-2]) if i and w.lower().rstrip(".") in _TITLES and w[:1].isupper()]
    if inner and all(w[:1].isupper() for w in words[inner[-1] + 1:]):
        words = words[inner[-1] + 1:]
    while words and (words[0].lower().rstrip(".") in _TITLES or words[0].lower() in _TITLES):
        words = words[1:]
    while words and words[-1].lower().strip("’'s") in ("", "jr", "sr") and len(words) > 2:
        words = words[:-1]
    return words


def article_names(text: str) -> list[tuple[int, str]]:
    """Capitalised name runs in the text with their offsets, titles stripped ("Prime Minister Shigeru
    Ishiba" gives "Shigeru Ishiba")."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        ws = line.group(0).split()
        if len(ws) >= 4 and sum(w[:1].isupper() for w in ws) >= 0.7 * len(ws):
            continue  # a headline in title case: every word looks like a name
        out.extend(_names_in(text, line.start(), line.end()))
    return out


def _names_in(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out = []
    for m in _NAME_RUN.finditer(text, start, end):
        words = _strip_titles(re.sub(r"[’']s$", "", m.group(0)).split())
        if words:
            out.append(
                (m.start(), " ".join(w.rstrip(".,") if not re.fullmatch(r"[A-Z]\.", w) else w for w in words))
            )
    return out


def resolve_speaker(
    mention: str | None,
    text: str,
    at: int,
    names: list[tuple[int, str]] | None = None,
    earlier: Sequence[QuoteSpan] = (),
) -> str | None:
    """The fullest name ``text`` gives for ``mention`` (found at offset ``at``).

    A name ("Ishiba", "Mr. Ishiba", "Prime Minister Ishiba") resolves to the longest name run in the article
    that ends with the same surname and agrees with every word given ("Shigeru Ishiba"); if two different
    full names fit ("Bill Clinton", "Hillary Clinton" for "Clinton"), the mention stays as written. A
    personal pronoun ("he", "she") resolves to the speaker of the nearest earlier quote when that speaker is
    a named person (a full name, or a surname alone: "Fukuda said ...") and no other person's name stands
    between the two; otherwise None. A mention in apposition
    ("Nicola Sturgeon, the Scottish health secretary") resolves by its one part that is a name. Anything else
    ("sources", "the ministry") is returned as written.
    """
    if not mention:
        return None
    m = mention.strip()
    names = article_names(text) if names is None else names
    low = m.lower()
    if low in _PRONOUNS:
        prev = [
            q
            for q in earlier
            if q.resolved
            and q.source
            and q.source[0] < at
            and q.speaker
            and q.speaker.lower() not in _PRONOUNS
            and (_is_person_name(q.resolved) or _is_surname(q.resolved, q.speaker))
        ]
        if not prev:
            return None
        last = max(prev, key=lambda q: q.source[0] if q.source else -1)
        assert last.source is not None
        # another speaker quoted in between ("The WHO said ..."), or "she" where the same name was "he": unsure
        named = [q for q in earlier if q.source and q.source[0] < at and q.speaker
                 and q.speaker.lower() not in _PRONOUNS]
        if max(named, key=lambda q: q.source[0] if q.source else -1) is not last:
            return None
        genders = {_PRONOUNS[q.speaker.lower()] for q in earlier
                   if q.speaker and q.speaker.lower() in _PRONOUNS and q.resolved == last.resolved}
        if genders and _PRONOUNS[low] not in genders:
            return None
        between = {n for pos, n in names if last.source[1] <= pos < at}
        last_surname = last.resolved.split()[-1] if last.resolved else ""
        others = {n for n in between if _is_person_name(n) and n.split()[-1] != last_surname}
        return None if others else last.resolved
    if low in ("i", "we", "you", "they", "it", "we've"):
        return None
    if "," in m:
        # an apposition ("Keiji Fukuda, the WHO's assistant director general", "The assistant director general
        # of the WHO, Keiji Fukuda"): the person is the one part that is a name and nothing else
        parts = [_strip_titles(p.split()) for p in m.split(",")]
        named = [p for p in parts if 2 <= len(p) <= 4 and all(w[:1].isupper() and w.strip(".").isalpha() for w in p)]
        if len(named) == 1 and len(parts) > 1:
            return resolve_speaker(" ".join(named[0]), text, at, names)
    words = _strip_titles(re.sub(r"[’']s$", "", m).split())
    caps = [w.rstrip(".,") for w in words if w[:1].isupper()]
    if not caps or len(caps) != len(words):
        return m  # a description ("a spokesman for the ministry"), kept as written
    surname = caps[-1]
    fits = {n for _, n in names if n.split()[-1] == surname and all(c in n.split() for c in caps)}
    if not fits:
        return " ".join(caps)
    longest = max(len(n.split()) for n in fits)
    full = sorted(n for n in fits if len(n.split()) == longest)
    if len(full) > 1:
        return " ".join(caps)
    return full[0]


def _is_surname(resolved: str, as_written: str) -> bool:
    """A speaker named by one word, as news names a person after the first mention ("Fukuda told a
    teleconference"): capitalised, not an acronym, not a pronoun, and written as that one word."""
    w = resolved.strip()
    return (" " not in w and w == as_written.strip() and len(w) > 2 and w[0].isupper() and not w.isupper()
            and w.isalpha() and w.lower() not in _PRONOUNS and w.lower() not in _TITLES)


def _is_person_name(name: str) -> bool:
    parts = name.split()
    return 2 <= len(parts) <= 4 and all(p[:1].isupper() for p in parts)
