"""Per comment section: each comment's stance toward the article's subject, what it is about, whether it engages
with the article; per account, flags for a person to check, each naming the comments it rests on.

Flags (precision first: a false flag on a commenter is worse than a missed one, so each needs strong evidence):

* ``both_sides``: one account's comments take clear opposite sides on the same target, the article's subject
  (:func:`reading`): a side the stance model gives at probability of at least :data:`BOTH_SIDES_MIN`, about the
  subject itself (:func:`about_subject`: not the outlet, not a party the article quotes) and not contradicted by
  the comment's own evaluative words (:func:`side_words_agree`); or a side the model only leans to, backed by
  :data:`WORDS_MIN` evaluative words all pointing that way; or praise or condemnation of a party whose side the
  article itself states (:func:`party_sides`: "Opposition councillor X said…"). Two readings with a model lean need
  the leans :data:`BOTH_SIDES_GAP` apart; a party reading needs the other comment's words to back its side. The
  explanation quotes both comments with the evidence of each side and names the target.
* ``templated``: a comment of at least :data:`MIN_TEMPLATE_WORDS` words whose word pairs overlap another account's
  comment, or the same account's comment under another article, by :data:`TEMPLATE_JACCARD` or more (capitals,
  punctuation and small edits do not hide it); posting times are given where known.
* ``burst``: at least :data:`BURST_N` comments by one account within :data:`BURST_SECONDS` (where times are known).
* ``generic``: every comment of the account shares nothing specific with the article (no name, figure or two
  content words), stays far from all of its sentences and reads like stock praise or abuse (close to written
  exemplars of such text).

Everything is a function of the article, its comments and the matching comments elsewhere: deterministic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from storylens.comments import stance as stance_mod
from storylens.comments.lexicon import argued_polarity, evaluative_words
from storylens.model import Article, CommentAnalysis, CommentFlag, CommentStance, CommentSummary
from storylens.nlp.items import content_stems, norm_name, norm_number, sentence_names
from storylens.nlp.text import numbers, proper_names, split_sentences

VERSION = "3"  # 3: both_sides reads a side from words or a quoted party too; 2: same target, agreeing words
MIN_TEMPLATE_WORDS = 6
TEMPLATE_JACCARD = 0.5
BOTH_SIDES_MIN = 0.4  # each comment's probability of its side
BOTH_SIDES_GAP = 0.45  # (support - oppose) of one comment minus that of the other
BOTH_SIDES_MIN_LEAN = 0.0  # each comment's |support - oppose|
BURST_N = 3
BURST_SECONDS = 300
GENERIC_MIN = 0.35  # cosine to the closest stock-text exemplar
GENERIC_MAX_SPECIFICITY = 0.35  # cosine to the closest article sentence
MINHASH_K = 8

# Stock text that could sit under any article (written for this project).
GENERIC_EXEMPLARS = (
    "Great article, thanks for sharing.", "Very informative, thank you.", "Well written piece, keep it up.",
    "Totally agree with this.", "So true.", "This is so important, everyone should read it.",
    "Interesting read.", "Nice post!", "What a joke.", "Fake news.", "You people are idiots.",
    "This is garbage.", "Worst article ever.", "Who cares?", "Lol.", "Wake up people!",
    "Check out my page for more.", "The media lies to you.", "First!", "Love this.",
)

_OUTLET = re.compile(r"\b(?:this|the|your|ur) (?:article|paper|newspaper|reporter|journalist|writer|author|piece|"
                     r"outlet|site|editor|editors|media|coverage|headline|story)\b|\bclickbait\b|\bjournalis(?:m|ts?)\b",
                     re.I)
_POLICY = re.compile(r"\b(?:[A-Z][\w'’-]+(?:'s|’s)?\s+)?(?:plan|plans|policy|policies|law|bill|proposal|proposals|"
                     r"reform|reforms|tax|ban|scheme|contract|deal|tariffs?|treaty|agreement|review|inquiry|budget|"
                     r"programme|program|cuts|rule|rules|decision)\b", re.I)
_WORD = re.compile(r"[a-z0-9]+")
_P = (1 << 61) - 1
_MH = [(int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=7).digest(), "big") | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=7).digest(), "big")) for i in range(MINHASH_K)]


# ---------------------------------------------------------------- near-duplicate text


def norm_words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'").replace("'", ""))


def shingles(text: str) -> frozenset[str]:
    """Word pairs of the text, lower-cased, punctuation dropped (single words for a one-word text)."""
    w = norm_words(text)
    if len(w) < 2:
        return frozenset(w)
    return frozenset(f"{a} {b}" for a, b in zip(w, w[1:], strict=False))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def minhash_keys(text: str) -> list[str]:
    """Keys of the cross-article index: the minimum of each of :data:`MINHASH_K` hash permutations over the
    text's word pairs (two texts with overlap J share each key with probability J)."""
    sh = shingles(text)
    if len(norm_words(text)) < MIN_TEMPLATE_WORDS:
        return []
    hs = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in sorted(sh)]
    return [f"{i}:{min((a * h + b) % _P for h in hs):x}" for i, (a, b) in enumerate(_MH)]


@dataclass(frozen=True)
class Match:
    """A comment of this article and a near-identical one elsewhere."""

    position: int
    article_id: str
    other_position: int
    other_author: str | None
    other_text: str
    jaccard: float
    seconds_apart: float | None = None


def _seconds(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    if a is None or b is None:
        return None
    try:
        return abs((a - b).total_seconds())
    except TypeError:  # one with an offset, one without
        return abs((a.replace(tzinfo=None) - b.replace(tzinfo=None)).total_seconds())


def cross_matches(article: Article, others: Sequence[Article]) -> dict[int, list[Match]]:
    """Comments of ``article`` with a near-identical comment under one of ``others`` (other articles)."""
    out: dict[int, list[Match]] = {}
    mine = [(c, shingles(c.text)) for c in article.comments if len(norm_words(c.text)) >= MIN_TEMPLATE_WORDS]
    for o in sorted(others, key=lambda x: x.id):
        if o.id == article.id:
            continue
        for oc in o.comments:
            if len(norm_words(oc.text)) < MIN_TEMPLATE_WORDS:
                continue
            osh = shingles(oc.text)
            for c, sh in mine:
                j = jaccard(sh, osh)
                if j >= TEMPLATE_JACCARD:
                    out.setdefault(c.position, []).append(Match(c.position, o.id, oc.position, oc.author, oc.text,
                                                                round(j, 3), _seconds(c.published, oc.published)))
    return out


# ---------------------------------------------------------------- the article side


def subject(article: Article) -> str:
    """The article's main subject, the target of every stance: its headline, else its first sentence."""
    if article.title and len(article.title.split()) >= 3:
        return article.title.strip()
    for para in article.body:
        sents = split_sentences(para)
        if sents:
            words = sents[0].split()
            return " ".join(words[:40])
    return article.title or ""


@dataclass
class _ArticleItems:
    sentences: list[str]
    names: set[str]
    person_names: dict[str, str]  # normalised surname or full name -> the name as the article writes it
    stems: set[str]
    figures: set[str]
    outlet: str | None
    speakers: set[str] = field(default_factory=set)  # names the article gives words to ("X said", "according to X")
    # a speaker whose side the article states ("opposition councillor X said", "X criticised"): name -> (side,
    # the sentence that says so)
    party_sides: dict[str, tuple[str, str]] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 512), np.float32))


def _article_items(article: Article) -> _ArticleItems:
    sents = [s for p in article.body for s in split_sentences(p)][:300]
    text = "\n".join(article.body)
    names = proper_names(text)
    person: dict[str, str] = {}
    for n in names:
        parts = n.split()
        if 2 <= len(parts) <= 4 and all(p[:1].isupper() for p in parts):
            person.setdefault(norm_name(n), n)
            person.setdefault(norm_name(parts[-1]), n)
    stems: set[str] = set()
    for s in sents:
        stems |= content_stems(s)
    speakers = {norm_name(n) for s in sents for n in sentence_names(s) if _speaks(s, n)}
    return _ArticleItems(sents, {norm_name(n) for n in names}, person, stems,
                         {norm_number(x) for x in numbers(text)}, article.outlet, speakers, party_sides(sents))


_SPEECH = re.compile(r"^\W*(?:[\w'’-]+\W+){0,2}?(?:said|says|say|told|tells|called|calls|argued|argues|warned|warns|"
                     r"claimed|claims|insisted|insists|wrote|writes|added|stated|announced|promised)\b", re.I)


def _speaks(sentence: str, name: str) -> bool:
    """Whether the sentence gives ``name`` words of its own: "NAME said ...", "NAME, who ..., told ...", or
    "according to NAME"."""
    i = sentence.find(name)
    if i < 0:
        return False
    if re.search(r"according to\s+(?:the\s+)?$", sentence[:i], re.I):
        return True
    return bool(_SPEECH.match(sentence[i + len(name):]))


# The side a news report gives a party: a role it names it by ("critics", "opposition councillor X") or a
# reporting verb that takes a side ("X criticised", "X welcomed"). Plain newswriting, not words of any one story.
_ROLE = {"oppose": re.compile(r"\b(?:critics?|opponents?|opposition|objectors?|campaigners? against)\b", re.I),
         "support": re.compile(r"\b(?:supporters?|backers?|proponents?|advocates? of|campaigners? for)\b", re.I)}
_SIDE_VERB = {
    "oppose": re.compile(r"^\W*(?:[\w'’-]+\W+){0,2}?(?:criticis|criticiz|condemn|attack|oppos|object|reject|"
                         r"denounc|slam)\w*\b", re.I),
    "support": re.compile(r"^\W*(?:[\w'’-]+\W+){0,2}?(?:welcom|prais|back|defend|hail|applaud|champion)\w*\b",
                          re.I)}


def party_sides(sentences: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The side toward the story's subject that the article itself gives a party it quotes (``_speaks``): a role
    in the six words before the name ("Opposition councillor Tom Brannigan said…", "Critics, including X, say…")
    or a reporting verb that takes a side just after it ("X criticised…", "X welcomed…"). A party given both sides,
    or none, has no entry: its side is then unknown, and so is that of a comment about it."""
    found: dict[str, set[tuple[str, str]]] = {}
    for sent in sentences:
        for n in sentence_names(sent):
            if not _speaks(sent, n) and not any(v.match(sent[sent.find(n) + len(n):]) for v in _SIDE_VERB.values()):
                continue
            i = sent.find(n)
            before = " ".join(sent[:i].split()[-6:])
            after = sent[i + len(n):]
            for side in ("support", "oppose"):
                if _ROLE[side].search(before) or _SIDE_VERB[side].match(after):
                    found.setdefault(norm_name(n), set()).add((side, sent))
    out = {}
    for key, got in found.items():
        if len({side for side, _ in got}) == 1:
            out[key] = min(got, key=lambda t: len(t[1]))
    return out


_STOCK_STEMS = frozenset(content_stems("article thanks thank great good agree read post share people piece "
                                       "write written story news really think know like love"))


def _engagement(text: str, items: _ArticleItems) -> tuple[bool, list[str]]:
    """Whether a comment engages with the article's facts, and what it shares with it."""
    shared: list[str] = []
    for n in proper_names(text):
        key = norm_name(n)
        if key in items.names or key in items.person_names or norm_name(n.split()[-1]) in items.person_names:
            shared.append(n)
    figs = [x for x in numbers(text) if norm_number(x) in items.figures]
    stems = sorted((content_stems(text) & items.stems) - _STOCK_STEMS)
    engages = bool(shared or figs or len(stems) >= 2)
    return engages, shared + figs + stems


def _target(text: str, items: _ArticleItems, shared: list[str], subj: str) -> tuple[str, str]:
    """What the comment is about: the outlet, a party the article quotes ("Brannigan is right, the roads budget
    should pay" is about Brannigan, not the budget), a policy the article also names, a person it names, else the
    article's subject."""
    if _OUTLET.search(text) or (items.outlet and re.search(r"\b" + re.escape(items.outlet) + r"\b", text, re.I)):
        return "the outlet", "outlet"
    for n in shared:
        full = items.person_names.get(norm_name(n)) or items.person_names.get(norm_name(n.split()[-1]))
        if full and norm_name(full) in items.speakers:
            return full, "person"
    for m in _POLICY.finditer(text):
        word = m.group(0).split()[-1].lower()
        if content_stems(word) & items.stems:
            return m.group(0), "policy"
    for n in shared:
        key = norm_name(n)
        full = items.person_names.get(key) or items.person_names.get(norm_name(n.split()[-1]))
        if full:
            return full, "person"
    return subj, "subject"


# ---------------------------------------------------------------- analysis


def analyze_articles(articles: Sequence[Article], cross: dict[str, dict[int, list[Match]]] | None = None
                     ) -> list[CommentAnalysis]:
    """The comment analysis of each article that has comments (stances of all of them in one batch)."""
    from storylens.nlp.embed import embed

    arts = [a for a in articles if a.comments]
    if not arts:
        return []
    subjects = [subject(a) for a in arts]
    texts = [c.text for a in arts for c in a.comments]
    targets = [s for a, s in zip(arts, subjects, strict=True) for _ in a.comments]
    st = stance_mod.stances(texts, targets)
    items = [_article_items(a) for a in arts]
    sent_texts = [s for it in items for s in it.sentences]
    vecs = embed(texts + sent_texts + list(GENERIC_EXEMPLARS))
    cvec = vecs[: len(texts)]
    off = len(texts)
    for it in items:
        it.vectors = vecs[off: off + len(it.sentences)]
        off += len(it.sentences)
    gvec = vecs[off:]
    out = []
    k = 0
    for a, subj, it in zip(arts, subjects, items, strict=True):
        n = len(a.comments)
        out.append(_analyze(a, subj, it, st[k: k + n], cvec[k: k + n], gvec, (cross or {}).get(a.id, {})))
        k += n
    return out


def _analyze(a: Article, subj: str, items: _ArticleItems, st: list, cvec: np.ndarray, gvec: np.ndarray,
             cross: dict[int, list[Match]]) -> CommentAnalysis:
    stances: list[CommentStance] = []
    generic_sim = (cvec @ gvec.T).max(axis=1) if len(cvec) else np.zeros(0)
    spec = (cvec @ items.vectors.T).max(axis=1) if len(items.vectors) else np.zeros(len(cvec))
    engages: list[bool] = []
    for c, s, sp in zip(a.comments, st, spec, strict=True):
        eng, shared = _engagement(c.text, items)
        engages.append(eng)
        tgt, kind = _target(c.text, items, shared, subj)
        stances.append(CommentStance(position=c.position, author=c.author, stance=s.stance, score=s.score,
                                     lean=round(s.probs[0] - s.probs[1], 4),
                                     target=tgt, target_kind=kind, engages=eng, specificity=round(float(sp), 3)))
    by_pos = {c.position: c for c in a.comments}
    flags: list[CommentFlag] = []
    flags += _both_sides(a, stances, subj, items)
    flags += _templated(a, cross)
    flags += _bursts(a)
    flags += _generic(a, engages, spec, generic_sim)
    flags.sort(key=lambda f: (f.author or "", f.kind, f.comment_positions))
    for f in flags:  # evidence: the comments' own words first
        f.evidence = [by_pos[p].text for p in f.comment_positions if p in by_pos] + f.evidence
    return CommentAnalysis(article_id=a.id, target=subj, stances=stances, flags=flags,
                           summary=_summary(a, stances, flags, subj))


def _authors(a: Article) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for c in a.comments:
        if c.author:
            out.setdefault(c.author, []).append(c.position)
    return out


def _lean(s: CommentStance) -> float:
    return s.lean


def about_subject(target: str, kind: str, items: _ArticleItems, subj: str) -> bool:
    """Whether a comment's stance is about the article's subject itself, not about another party to it.

    Another party is a person or organisation the article gives words to (:func:`_speaks`: an opponent it
    quotes, a developer) or a policy named as someone's ("Brannigan's plan"), that the headline does not name: a
    reader can side with such a party whatever they think of the subject, so its stance toward the subject is no
    evidence of a contradiction. A place or thing the comment names ("Kelby Road"), a plan with no owner ("Reasonable
    plan", "the inquiry") and a party the subject names are the subject; comments about the outlet are not."""
    if kind == "subject":
        return True
    if kind == "outlet":
        return False
    if content_stems(target) & content_stems(subj):
        return True
    if kind == "person":
        return norm_name(target) not in items.speakers
    return not re.search(r"['’]s\b", target)


def side_words_agree(text: str, side: str) -> bool:
    """The comment's own evaluative words (``lexicon.argued_polarity``: negation applied, what a contrast concedes
    left out) do not point the other way: "That is a fair split." is not read as opposition, "This is
    embarrassing." not as support, "The repairs are needed but a toll is a disgrace" not as support."""
    pos, neg = argued_polarity(text)
    return not (neg > pos if side == "support" else pos > neg)


def _clear_side(s: CommentStance, text: str, on_subject: bool) -> bool:
    return (s.stance != "neutral" and s.score >= BOTH_SIDES_MIN and abs(s.lean) >= BOTH_SIDES_MIN_LEAN
            and on_subject and side_words_agree(text, s.stance))


@dataclass(frozen=True)
class Reading:
    """One comment's side toward the article's subject as the both-sides flag reads it, and on what evidence:
    ``model`` (the stance model, clear and not contradicted by the comment's words), ``words`` (the model leans
    the same way, short of a side, and at least :data:`WORDS_MIN` evaluative words all point that way) or
    ``party`` (the comment praises or condemns a party whose side the article states: siding with an opponent
    of the subject is opposition of it)."""

    position: int
    side: str  # support | oppose
    how: str  # model | words | party
    lean: float  # the model's support - oppose
    because: str  # the evidence, in words, for the explanation


WORDS_MIN = 2  # evaluative words, all one way, for a side the model only leans to
_SIDE_WORD = {"support": "support", "oppose": "opposition"}


def _words(ws: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in dict.fromkeys(ws))


def reading(s: CommentStance, text: str, items: _ArticleItems, subj: str) -> Reading | None:
    """The comment's side for the both-sides flag (:class:`Reading`), or None where it takes none clearly."""
    pos, neg = evaluative_words(text)
    if s.target_kind == "person" and norm_name(s.target) in items.party_sides:
        party_side, said = items.party_sides[norm_name(s.target)]
        if bool(pos) == bool(neg):  # no words about the party, or both ways: its side toward the party is unknown
            return None
        other = "oppose" if party_side == "support" else "support"
        side = party_side if pos else other
        role = "an opponent" if party_side == "oppose" else "a supporter"
        return Reading(s.position, side, "party", s.lean,
                       f"{'sides with' if pos else 'turns against'} {s.target} ({_words(pos or neg)}), whom the "
                       f"article reports as {role} ({_quote(said, 140)})")
    if not about_subject(s.target, s.target_kind, items, subj):
        return None
    if _clear_side(s, text, True):
        return Reading(s.position, s.stance, "model", s.lean, f"reads as {_SIDE_WORD[s.stance]} ({s.score:.2f})")
    for side, mine, others, sign in (("support", pos, neg, 1.0), ("oppose", neg, pos, -1.0)):
        if len(mine) >= WORDS_MIN and not others and s.lean * sign > 0 and s.stance in ("neutral", side):
            return Reading(s.position, side, "words", s.lean,
                           f"leans to {_SIDE_WORD[side]} in the model ({s.lean:+.2f}) and its words "
                           f"{_words(mine)} all {'praise' if side == 'support' else 'condemn'}")
    return None


def _quote(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= n else text[: n - 1].rstrip() + "…") + "”"


def _worded(r: Reading, text: str) -> bool:
    """The comment's own evaluative words (at least one, none the other way) point to the reading's side."""
    pos, neg = argued_polarity(text)
    return r.how == "party" or (pos > 0 and neg == 0 if r.side == "support" else neg > 0 and pos == 0)


def _pair_ok(x: Reading, y: Reading, text: dict[int, str]) -> bool:
    """A support reading ``x`` and an opposition reading ``y`` of one account make a both-sides flag. Readings with
    a model lean (``model``, ``words``) need their leans :data:`BOTH_SIDES_GAP` apart, as two model readings did
    before; a ``party`` reading has no lean toward the subject to compare, so the other comment's side must rest
    on its own words too (:func:`_worded`)."""
    if x.how == "party" or y.how == "party":
        return _worded(x, text[x.position]) and _worded(y, text[y.position])
    return x.lean - y.lean >= BOTH_SIDES_GAP


def _explain(x: Reading, y: Reading, text: dict[int, str], subj: str) -> str:
    target = f"of the same target, the article's subject {_quote(subj, 120)}: worth a look; people do change their minds."
    if x.how == "model" and y.how == "model":
        return (f"Comment {x.position} {_quote(text[x.position])} {x.because} and comment {y.position} "
                f"{_quote(text[y.position])} {y.because.removeprefix('reads ')} {target}")
    return (f"Comment {x.position} {_quote(text[x.position])} {x.because}, and comment {y.position} "
            f"{_quote(text[y.position])} {y.because}: {_SIDE_WORD[x.side]} and {_SIDE_WORD[y.side]} {target}")


def _both_sides(a: Article, stances: list[CommentStance], subj: str, items: _ArticleItems) -> list[CommentFlag]:
    """One flag per account with a clear support and a clear opposition of the same target, the article's
    subject (see :func:`reading`); of several pairs, the one read on the model alone with the leans furthest
    apart, else the first; the evidence is both comments."""
    by_pos = {s.position: s for s in stances}
    text = {c.position: c.text for c in a.comments}
    out = []
    for author, pos in sorted(_authors(a).items()):
        reads = [r for r in (reading(by_pos[p], text[p], items, subj) for p in pos) if r is not None]
        pairs = [(x, y) for x in reads if x.side == "support" for y in reads if y.side == "oppose" and _pair_ok(x, y, text)]
        if not pairs:
            continue
        best = max(pairs, key=lambda p: (p[0].how == "model" and p[1].how == "model", p[0].lean - p[1].lean,
                                         -min(p[0].position, p[1].position)))
        x, y = sorted(best, key=lambda r: r.position)
        out.append(CommentFlag(
            kind="both_sides", author=author, comment_positions=[x.position, y.position],
            score=round(max(0.0, best[0].lean - best[1].lean) / 2, 3),
            explanation=_explain(x, y, text, subj)))
    return out


def _templated(a: Article, cross: dict[int, list[Match]]) -> list[CommentFlag]:
    long = [c for c in a.comments if len(norm_words(c.text)) >= MIN_TEMPLATE_WORDS]
    sh = {c.position: shingles(c.text) for c in long}
    pairs: dict[int, list[tuple[int, float]]] = {}
    for i, c in enumerate(long):
        for d in long[i + 1:]:
            j = jaccard(sh[c.position], sh[d.position])
            if j >= TEMPLATE_JACCARD:
                pairs.setdefault(c.position, []).append((d.position, j))
                pairs.setdefault(d.position, []).append((c.position, j))
    by_pos = {c.position: c for c in a.comments}
    out = []
    for author, pos in sorted(_authors(a).items()):
        mine = [p for p in pos if p in pairs or p in cross]
        if not mine:
            continue
        lines, refs, score = [], [], 0.0
        others: list[str] = []
        for p in mine:
            for q, j in sorted(pairs.get(p, []), key=lambda t: -t[1]):
                oc = by_pos[q]
                secs = _seconds(by_pos[p].published, oc.published)
                same = oc.author == author
                lines.append(f"comment {p} and comment {q} ({'the same account' if same else oc.author or 'anonymous'}"
                             f") share {j:.0%} of their word pairs" + (f", {secs:.0f} s apart" if secs is not None else ""))
                if q not in mine and q not in others:
                    others.append(oc.text)
                score = max(score, j)
            for m in cross.get(p, []):
                who = "the same account" if m.other_author == author else (m.other_author or "anonymous")
                lines.append(f"comment {p} and comment {m.other_position} under article {m.article_id} ({who}) "
                             f"share {m.jaccard:.0%} of their word pairs")
                refs.append(f"{m.article_id}#{m.other_position}")
                others.append(m.other_text)
                score = max(score, m.jaccard)
        out.append(CommentFlag(kind="templated", author=author, comment_positions=sorted(mine),
                               score=round(score, 3), other_comments=sorted(set(refs)),
                               evidence=list(dict.fromkeys(others))[:5],
                               explanation="Near-identical text elsewhere: " + "; ".join(lines[:6]) + "."))
    return out


def _bursts(a: Article) -> list[CommentFlag]:
    out = []
    for author, pos in sorted(_authors(a).items()):
        timed = sorted((c.published, c.position) for c in a.comments
                       if c.position in pos and c.published is not None)
        best: list[int] = []
        span = 0.0
        for i in range(len(timed)):
            j = i
            while j + 1 < len(timed) and (_seconds(timed[j + 1][0], timed[i][0]) or 0) <= BURST_SECONDS:
                j += 1
            if j - i + 1 > len(best):
                best = [p for _, p in timed[i: j + 1]]
                span = _seconds(timed[j][0], timed[i][0]) or 0.0
        if len(best) >= BURST_N:
            out.append(CommentFlag(
                kind="burst", author=author, comment_positions=sorted(best),
                score=round(min(1.0, len(best) / (BURST_N + 2)), 3),
                explanation=f"{len(best)} comments by this account within {span / 60:.1f} minutes."))
    return out


def _generic(a: Article, engages: list[bool], spec: np.ndarray, generic_sim: np.ndarray) -> list[CommentFlag]:
    idx = {c.position: i for i, c in enumerate(a.comments)}
    out = []
    for author, pos in sorted(_authors(a).items()):
        ii = [idx[p] for p in pos]
        if any(engages[i] or spec[i] > GENERIC_MAX_SPECIFICITY or generic_sim[i] < GENERIC_MIN for i in ii):
            continue
        out.append(CommentFlag(
            kind="generic", author=author, comment_positions=sorted(pos),
            score=round(float(min(generic_sim[i] for i in ii)), 3),
            explanation=f"{'This comment' if len(ii) == 1 else 'Every comment of this account'} shares no name, "
                        f"figure or specific word with the article (closest sentence {max(spec[i] for i in ii):.2f})"
                        f" and reads like stock text ({min(generic_sim[i] for i in ii):.2f}): it could sit under "
                        f"any article."))
    return out


def _summary(a: Article, stances: list[CommentStance], flags: list[CommentFlag], subj: str) -> CommentSummary:
    counts = {k: sum(1 for s in stances if s.stance == k) for k in ("support", "oppose", "neutral")}
    authors = {c.author for c in a.comments if c.author}
    by_kind: dict[str, set[str]] = {}
    for f in flags:
        by_kind.setdefault(f.kind, set()).add(f.author or "")
    flagged = {f.author for f in flags}
    why = ", ".join(f"{len(v)} {k.replace('_', ' ')}" for k, v in sorted(by_kind.items()))
    short = subj if len(subj) <= 90 else subj[:89] + "…"
    text = (f"{len(a.comments)} comment(s) by {len(authors)} named account(s): {counts['support']} support, "
            f"{counts['oppose']} oppose, {counts['neutral']} neutral toward “{short}”; "
            f"{sum(1 for s in stances if s.engages)} engage with the article's facts. "
            + (f"{len(flagged)} account(s) flagged for a person to check ({why})." if flagged
               else "No account flagged."))
    return CommentSummary(comments=len(a.comments), authors=len(authors), **counts,
                          engaging=sum(1 for s in stances if s.engages), flagged_authors=len(flagged),
                          flags={k: len(v) for k, v in sorted(by_kind.items())}, text=text)
