"""The cited summary: a short extractive summary of a story where every sentence names its sources.

How it works
------------
1. Candidate sentences are taken from the lead of every article in the story
   (the first few sentences of a news article carry most of its content).
2. Sentences are embedded with :func:`storylens.nlp.embed`; sentences from
   different articles whose cosine similarity is high are grouped: they are the
   same sentence told (or copied) by several outlets.
3. Each group is scored: outlets that carry it on their own (corroboration) count
   most, then how early it appears in the articles, then how central it is to the
   story. An article that copied or rewrote another article of the group (the
   reuse stage's derivations, followed through chains) is cited but does not
   corroborate: a copy repeats a claim, it does not confirm it.
4. Groups are picked best first, skipping any too similar to one already picked,
   and shown in story order; each cites every article of its group.
5. Conflicts found by the claims stage are named at the end. When that stage has
   not run, the strongest factual changes found in rewrites (numbers, dates,
   negations, names) are named instead, as what they are: changes in a rewrite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import numpy as np

from storylens.model import Article, Conflict, Derivation, Story, SummarySentence
from storylens.nlp import embed, numbers, split_sentences, words
from storylens.nlp.annotate import body_sentences
from storylens.nlp.embed import DIM
from storylens.nlp.items import content_stems

LEAD_SENTENCES = 10  # sentences considered per article
MAX_ARTICLES = 40  # articles considered per story (earliest first)
MIN_WORDS, MAX_WORDS = 5, 60
SAME_SENTENCE = 0.82  # cosine at or above which two sentences are "the same"
PARTNER_STEMS, PARTNER_SHARE = 3, 0.25  # content words two sentences share before their embeddings are compared
REDUNDANT = 0.70  # content-word cosine above which a candidate repeats a picked sentence
FACT_KINDS = {"number", "date", "negation", "entity", "actor", "attribution"}
_NUMBER_WORDS = frozenset(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "trillion", "half", "dozen", "first", "second", "third", "fourth", "fifth"]
)
_NEGATIONS = frozenset(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"])


def _facts(sentence: str) -> tuple[tuple[str, ...], bool]:
    """What two sentences must share to corroborate each other: their numbers and their polarity."""
    ws = [w.lower() for w in words(sentence)]
    nums = sorted(set(numbers(sentence)) | {w for w in ws if w in _NUMBER_WORDS})
    neg = any(w in _NEGATIONS or w.endswith("n't") for w in ws)
    return tuple(nums), neg


def _when(a: Article) -> tuple[int, str, str]:
    p = a.published
    if p is None:
        return (1, "", a.id)
    if isinstance(p, dt.datetime):
        return (0, p.isoformat(), a.id)
    return (0, p.isoformat(), a.id)


def _outlet(a: Article) -> str:
    return a.outlet or "unknown outlet"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary_key(story: Story, articles: Iterable[Article], conflicts: Iterable[Conflict],
                derivations: Iterable[Derivation], size: int,
                fact_sources: dict[tuple[str, str], tuple[str, int]] | None = None) -> str:
    """A digest of everything the summary depends on (for caching)."""
    h = hashlib.sha256()
    h.update(f"v5|{story.id}|{size}".encode())  # v5: only sentences with a partner in another article embedded
    for (aid, text), (fid, n) in sorted((fact_sources or {}).items()):
        h.update(f"|f:{aid}:{fid}:{n}:{text}".encode())
    for a in sorted(articles, key=lambda x: x.id):
        h.update(f"|{a.id}:{a.content_hash}:{len(a.body)}".encode())
    for c in sorted(conflicts, key=lambda x: x.id):
        h.update(f"|c:{c.id}".encode())
    for d in sorted(derivations, key=lambda x: (x.source_id, x.derived_id)):
        h.update(f"|d:{d.source_id}>{d.derived_id}:{len(d.changes)}".encode())
    return h.hexdigest()


def summarize_story(
    story: Story,
    articles: list[Article],
    conflicts: list[Conflict] | None = None,
    derivations: list[Derivation] | None = None,
    size: int = 5,
    conflicts_analysed: bool = False,
    fact_sources: dict[tuple[str, str], tuple[str, int]] | None = None,
    vectors: dict[str, np.ndarray] | None = None,
) -> list[SummarySentence]:
    """Return at most ``size`` cited sentences (plus conflict notes) summarising ``story``.

    ``vectors``: the articles' stored sentence vectors (:func:`storylens.nlp.annotate.sentence_vectors`,
    rows :func:`storylens.nlp.annotate.body_sentences`), read rather than computed again; a sentence not
    among them is embedded here.

    ``fact_sources`` maps (article id, sentence) to (fact id, independent sources) of the fact the facts stage
    aligned it into: a sentence of a fact more independent sources carry is preferred, one fact is quoted once,
    and each sentence says how many sources its fact has (one source is marked as such).
    """
    by_id, rank, cand = _candidates(story, articles)
    out: list[SummarySentence] = []
    if cand:
        out.extend(_pick(story, cand, by_id, rank, size, _ancestors(derivations or []),
                         _reused_sentences(derivations or []), fact_sources, vectors))
    out.extend(_conflict_notes(story, by_id, conflicts or [], derivations or [], conflicts_analysed))
    return out


def _candidates(story: Story, articles: list[Article]
                ) -> tuple[dict[str, Article], dict[str, int], list[tuple[str, int, str]]]:
    """The story's articles by id, their rank (earliest first) and the candidate sentences
    (article id, position, sentence)."""
    by_id = {a.id: a for a in articles if a.id in set(story.article_ids) or not story.article_ids}
    ordered = sorted(by_id.values(), key=_when)[:MAX_ARTICLES]
    rank = {a.id: i for i, a in enumerate(ordered)}
    cand: list[tuple[str, int, str]] = []
    for a in ordered:
        pos = 0
        for s in split_sentences(a.text):
            if pos >= LEAD_SENTENCES:
                break
            n = len(words(s))
            if MIN_WORDS <= n <= MAX_WORDS and not s.rstrip().endswith("?"):
                cand.append((a.id, pos, s))
                pos += 1
    return by_id, rank, cand


def _ancestors(derivations: list[Derivation]) -> dict[str, set[str]]:
    """For each derived article, every article it copied or rewrote, directly or through a chain."""
    sources: dict[str, set[str]] = {}
    for d in derivations:
        sources.setdefault(d.derived_id, set()).add(d.source_id)
    out: dict[str, set[str]] = {}
    for start in sources:
        seen: set[str] = set()
        todo = list(sources[start])
        while todo:
            x = todo.pop()
            if x not in seen and x != start:
                seen.add(x)
                todo.extend(sources.get(x, ()))
        out[start] = seen
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())


def _reused_sentences(derivations: list[Derivation]) -> dict[str, set[str]]:
    """For each derived article, the sentences it took from its source (aligned to a source sentence), whatever
    it changed in them: they retell the source, and where they differ they are drift, not a second account."""
    out: dict[str, set[str]] = {}
    for d in derivations:
        out.setdefault(d.derived_id, set()).update(_squash(p.derived_text) for p in d.pairs)
    return out


def _lexical_vectors(texts: list[str]) -> np.ndarray:
    """Unit content-word vectors (hashed): what centrality and repetition are weighed with, at no cost."""
    import zlib

    out = np.zeros((len(texts), 4096))
    for k, t in enumerate(texts):
        for w in words(t):
            if len(w) > 3:
                out[k, zlib.crc32(w.lower().encode()) & 4095] += 1.0
    n = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, n, out=np.zeros_like(out), where=n > 0)


def _codes(values: list) -> np.ndarray:  # noqa: ANN001 - hashable values -> one integer per distinct value
    seen: dict[object, int] = {}
    return np.asarray([seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)


def _partner_pairs(cand: list[tuple[str, int, str]]) -> list[tuple[int, int]]:
    """Candidates of different articles that could tell one thing: they share three content words and a quarter
    of the shorter one's (all of a shorter one's). SAME_SENTENCE is a close paraphrase: on real news every
    pair at or above it shares that much. Pairs (i, j), i < j, in row order (one matrix product, not a loop
    over the pairs: a story's 400 candidates make 80,000 of them)."""
    n = len(cand)
    if n < 2:
        return []
    stems = [content_stems(c[2]) for c in cand]
    vocab: dict[str, int] = {}
    rows = np.repeat(np.arange(n), [len(x) for x in stems])
    cols = [vocab.setdefault(w, len(vocab)) for x in stems for w in sorted(x)]
    m = np.zeros((n, max(1, len(vocab))), dtype=np.float32)
    m[rows, cols] = 1.0
    shared = m @ m.T  # exact: small integer counts
    size = np.asarray([len(x) for x in stems], dtype=np.float64)
    short = np.minimum(size[:, None], size[None, :])
    ok = (shared >= np.minimum(PARTNER_STEMS, short)) & (short > 0) & (shared >= PARTNER_SHARE * short)
    art = _codes([c[0] for c in cand])
    ok &= art[:, None] != art[None, :]
    ok &= np.triu(np.ones((n, n), dtype=bool), k=1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(ok), strict=True)]


def _partner_rows(cand: list[tuple[str, int, str]], pairs: list[tuple[int, int]]) -> list[int]:
    return sorted({k for p in pairs for k in p})


def _same_sentence_similarity(cand: list[tuple[str, int, str]], by_id: dict[str, Article] | None = None,
                              vectors: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Embedding cosine of every two partner candidates (:func:`_partner_pairs`); zero elsewhere. Only those
    sentences need a vector (a sentence with no partner in another article cannot be "the same" as any), read
    from the articles' stored ones where given, else embedded."""
    out = np.zeros((len(cand), len(cand)))
    pairs = _partner_pairs(cand)
    rows = _partner_rows(cand, pairs)
    if not rows:
        return out
    vecs = np.zeros((len(rows), DIM))
    missing: list[int] = []
    where: dict[str, dict[str, int]] = {}
    for r, k in enumerate(rows):
        aid, _, text = cand[k]
        stored = (vectors or {}).get(aid)
        if stored is not None and by_id and aid in by_id and aid not in where:
            sents = body_sentences(by_id[aid])
            where[aid] = {t: i for i, t in reversed(list(enumerate(sents)))} if len(sents) == len(stored) else {}
        i = where.get(aid, {}).get(text)
        if i is None:
            missing.append(r)
        else:
            vecs[r] = stored[i]  # type: ignore[index]
    if missing:
        vecs[missing] = embed([cand[rows[r]][2] for r in missing])
    at = {k: r for r, k in enumerate(rows)}
    for i, j in pairs:
        out[i, j] = out[j, i] = float(vecs[at[i]] @ vecs[at[j]])
    return out


def _pick(story: Story, cand: list[tuple[str, int, str]], by_id: dict[str, Article],
          rank: dict[str, int], size: int, ancestors: dict[str, set[str]] | None = None,
          reused: dict[str, set[str]] | None = None,
          fact_sources: dict[tuple[str, str], tuple[str, int]] | None = None,
          vectors: dict[str, np.ndarray] | None = None) -> list[SummarySentence]:
    ancestors = ancestors or {}
    fsrc = {(aid, _squash(t)): n for (aid, t), n in (fact_sources or {}).items()}
    reused = reused or {}
    taken = [any(t == r or t in r for r in reused.get(c[0], ())) for c in cand for t in [_squash(c[2])]]
    vecs = _lexical_vectors([c[2] for c in cand])
    same = _same_sentence_similarity(cand, by_id, vectors)
    n = len(cand)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    norm = _codes([" ".join(words(c[2])).lower() for c in cand])
    facts = _codes([_facts(c[2]) for c in cand])
    art = _codes([c[0] for c in cand])
    # two sentences of different articles that say the same, with the same numbers and polarity (a sentence
    # with other numbers or the other polarity does not corroborate); the groups are the connected ones, each
    # rooted at its first member, whatever the order the pairs are joined in
    link = (art[:, None] != art[None, :]) & (facts[:, None] == facts[None, :])
    link &= (same >= SAME_SENTENCE) | (norm[:, None] == norm[None, :])
    for i, j in zip(*np.nonzero(np.triu(link, k=1)), strict=True):
        ri, rj = find(int(i)), find(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    centroid = vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    scored = []
    for members in groups.values():
        # one member per article: the earliest sentence of that article
        per_article: dict[str, int] = {}
        for i in sorted(members, key=lambda k: (rank[cand[k][0]], cand[k][1])):
            per_article.setdefault(cand[i][0], i)
        idx = list(per_article.values())
        carried = set(per_article)
        derived = {a for a in carried if ancestors.get(a, set()) & carried}
        derived |= {cand[i][0] for i in idx if taken[i]}
        own = [i for i in idx if cand[i][0] not in derived]
        if not own:
            continue  # only retold by articles that took it from another: the source's own sentence stands for it
        outlets = {_outlet(by_id[cand[i][0]]) for i in own}
        first = min(cand[i][1] for i in idx)
        central = float(np.mean([vecs[i] @ centroid for i in idx]))
        known = [fsrc[(cand[i][0], _squash(cand[i][2]))] for i in idx if (cand[i][0], _squash(cand[i][2])) in fsrc]
        n_src = max(n for _, n in known) if known else None
        fact = min(f for f, _ in known) if known else None
        score = max(len(outlets), n_src or 0) + 0.25 * (len(own) - len(outlets)) + 1.0 / (1 + first) + central
        rep = own[0]  # the earliest wording among the articles that did not take it from another
        scored.append((score, rep, idx, sorted(outlets), sorted(derived, key=lambda a: rank[a]), n_src, fact))
    scored.sort(key=lambda t: (-t[0], rank[cand[t[1]][0]], cand[t[1]][1]))
    chosen: list[tuple[float, int, list[int], list[str], list[str], int | None, str | None]] = []
    for item in scored:
        if len(chosen) >= size:
            break
        if any(float(vecs[item[1]] @ vecs[c[1]]) >= REDUNDANT or (item[6] is not None and item[6] == c[6]) for c in chosen):
            continue
        chosen.append(item)
    chosen.sort(key=lambda t: (min(cand[i][1] for i in t[2]), rank[cand[t[1]][0]], cand[t[1]][1]))
    return [
        SummarySentence(
            story_id=story.id,
            text=cand[rep][2],
            article_id=cand[rep][0],
            cites=[cand[i][0] for i in sorted(idx, key=lambda k: rank[cand[k][0]])],
            outlets=outlets,
            derived=derived,
            independent_sources=n_src,
            single_source=n_src == 1,
            score=round(score, 4),
        )
        for score, rep, idx, outlets, derived, n_src, _fact in chosen
    ]


def _conflict_notes(story: Story, by_id: dict[str, Article], conflicts: list[Conflict],
                    derivations: list[Derivation], conflicts_analysed: bool) -> list[SummarySentence]:
    notes: list[SummarySentence] = []
    mine = [c for c in conflicts if c.a_article_id in by_id and c.b_article_id in by_id]
    for c in sorted(mine, key=lambda c: (-c.score, c.id))[:3]:
        a, b = by_id[c.a_article_id], by_id[c.b_article_id]
        text = (f"Outlets disagree ({c.kind}): {_outlet(a)} has \u201c{_short(c.a.text)}\u201d, "
                f"{_outlet(b)} has \u201c{_short(c.b.text)}\u201d.")
        notes.append(SummarySentence(story_id=story.id, kind="conflict", text=text, article_id=a.id,
                                     cites=[a.id, b.id], outlets=sorted({_outlet(a), _outlet(b)}),
                                     score=round(c.score, 4)))
    if notes or conflicts_analysed:
        return notes
    changes = []
    for d in derivations:
        if d.source_id not in by_id or d.derived_id not in by_id:
            continue
        for ch in d.changes:
            if ch.kind in FACT_KINDS:
                changes.append((d, ch))
    changes.sort(key=lambda t: (-t[1].score, t[0].source_id, t[0].derived_id, t[1].source_index, t[1].kind))
    seen: set[tuple[str, str]] = set()
    for d, ch in changes:
        key = (ch.source.text.lower(), ch.derived.text.lower())
        if key in seen:
            continue
        seen.add(key)
        src, der = by_id[d.source_id], by_id[d.derived_id]
        who = der.outlet or "a later article"
        whose = f"{src.outlet}'s text" if src.outlet else "the text it took"
        text = (f"In a rewrite, {who} changed \u201c{_short(ch.source.text)}\u201d to "
                f"\u201c{_short(ch.derived.text)}\u201d ({ch.kind}) from {whose}.")
        notes.append(SummarySentence(story_id=story.id, kind="conflict", text=text, article_id=der.id,
                                     cites=[src.id, der.id], outlets=sorted({_outlet(src), _outlet(der)}),
                                     score=round(ch.score, 4)))
        if len(notes) >= 2:
            break
    return notes
