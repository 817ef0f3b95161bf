"""Facts: the claims of a story's articles aligned across outlets, with their independent sources,
omissions, quotes and conflicts.

Alignment. For every pair of the story's articles, every claim of one is compared with every claim of the
other at once (``storylens.nlp.pairs``: embedding cosine plus shared stems, bigrams, names and figures, the
paraphrase model fitted on MRPC). Two claims are linked when each is the other's best match and their
paraphrase probability reaches ``Params.link``. Links are then merged strongest first into facts, with two
guards: a fact holds at most one claim per article, and two groups merge only when their claims match on
average (``Params.merge``), so a chain of loose links never makes one fact of two.

Sources. The carriers of a fact are grouped into independent sources: two articles of one outlet are one
source, and so are an article and the one it copied or rewrote (the reuse stage's derivations).
A fact carried by one source is marked ``single_source``.

Omissions. An article of the story omits a fact that at least two independent sources carry when it reports
at least ``Params.omit_min_shared`` other shared facts of the story (it covers the same ground) and not this one.

Conflicts. Drift a rewrite introduced comes from the reuse stage's changes of substance (``from_rewrite``).
Between independent sources, two claims of one fact that align strongly (``Params.conflict_link``) are compared
slot by slot (``storylens.nlp.changes``): a different figure, date, actor or attribution, or a negation,
is a conflict, unless the articles were published on different days and the later one reports a figure or a
date that moved on (an update, not a conflict).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from storylens.claims.claims import date_keys, word_count
from storylens.claims.quotes import QuoteSpan
from storylens.model import (
    Article,
    Claim,
    Conflict,
    Derivation,
    Fact,
    OutletGroup,
    PublishedEstimate,
    Quote,
    QuoteSpans,
    Story,
    StoryFacts,
    TimelineEvent,
)
from storylens.nlp import numbers
from storylens.nlp.changes import find_changes
from storylens.nlp.dates import find_dates
from storylens.nlp.items import content_stems, norm_name, norm_number, sentence_names
from storylens.nlp.pairs import item_rows, probability_matrix, sentence_rows, shared_items

VERSION = "4"  # 2: timeline; 3: estimated dates; 4: direct quotes of one article parsed too


@dataclass(frozen=True)
class Params:
    link: float = 0.5  # paraphrase probability for two claims to state one fact
    merge: float = 0.35  # mean probability between two groups' claims for them to become one fact
    keep_score: float = 0.2  # pair scores below this count as 0 in that mean
    item_boost: float = 0.3  # added to the probability when two claims share a figure or a date ...
    item_cos: float = 0.55  # ... and their embeddings are this close
    disjoint_link: float = 0.7  # probability needed when both state specific items and share none
    min_words: int = 6  # shorter sentences ("Read more.", datelines) are no claims to align
    max_claims: int = 120  # claims of one article that are aligned (live blogs are cut here)
    window: int = 40  # each article is aligned with this many articles published after it
    background_days: int = 180  # events this long before the story's first article are background
    omit_min_shared: int = 2
    # Between independent outlets wording differs anyway, so only what can be checked in one look counts:
    # a figure or a date in claims that align very closely, or one side negating the other.
    conflict_link: float = 0.8
    conflict_min_score: float = 0.7
    conflict_kinds: tuple[str, ...] = ("number", "date", "negation")
    quote_overlap: float = 0.6  # word containment for two quotes of one speaker to be one quote
    quote_min_words: int = 4  # content words a quote must have to be listed
    quote_min_shared: int = 4  # ... and content words they share at least ("a meeting with Trump" is no quote)


def _uf_find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


_FIGURE = re.compile(r"[$€£¥]?\s?\d[\d,.:]*\s?(?:%|percent|per cent|million|billion|trillion|bn|m)?", re.IGNORECASE)
_CREDIT = re.compile(r"^[^()\n]{0,60}\(([A-Z][\w&.'’ -]{1,40}?)\)\s*[-—–:]")
_ALPHA = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class OutletGuess:
    label: str
    evidence: str


def infer_outlets(articles: Sequence[Article]) -> dict[str, OutletGuess]:
    """Outlets for articles that name none, from what betrays one outlet on the page itself.

    A credit in the dateline ("HARBOURTON (Coastline Wire) -") names it. Otherwise articles that share a
    line of page furniture (a section label, a "popular articles" header: two words or more, as the
    extractor removed it) are one outlet, shown as "outlet A", "outlet B"... with the line as evidence.
    """
    out: dict[str, OutletGuess] = {}
    unknown = sorted((a for a in articles if not a.outlet), key=lambda a: a.id)
    for a in unknown:
        heads = [r.text for r in a.removed if r.kind == "dateline"] + a.body[:1]
        for h in heads:
            m = _CREDIT.match(h.strip())
            if m:
                out[a.id] = OutletGuess(m.group(1).strip(), f"dateline credit '({m.group(1).strip()})'")
                break
    rest = [a for a in unknown if a.id not in out]
    lines: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for a in rest:
        for r in a.removed:
            if r.kind in ("furniture", "boilerplate") and len(_ALPHA.findall(r.text)) >= 2:
                key = " ".join(_ALPHA.findall(r.text.lower()))
                shown.setdefault(key, r.text.strip())
                if a.id not in lines.setdefault(key, []):
                    lines[key].append(a.id)
    parent = {a.id: a.id for a in rest}
    why: dict[str, str] = {}
    for key in sorted(lines):
        ids = lines[key]
        for x in ids[1:]:
            rx, ry = _uf_find(parent, ids[0]), _uf_find(parent, x)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
                why.setdefault(min(rx, ry), f"pages share the furniture line '{shown[key][:80]}'")
    groups: dict[str, list[str]] = {}
    for a in rest:
        groups.setdefault(_uf_find(parent, a.id), []).append(a.id)
    n = 0
    for root in sorted(groups):
        members = groups[root]
        if len(members) < 2:
            continue
        label = f"outlet {chr(ord('A') + n)}" if n < 26 else f"outlet {n + 1}"
        n += 1
        for aid in members:
            out[aid] = OutletGuess(label, why.get(root, "pages share page furniture"))
    return out


def source_groups(articles: Sequence[Article], derivations: Sequence[Derivation],
                  guesses: dict[str, OutletGuess] | None = None) -> dict[str, str]:
    """Each article's independent source: the smallest article id of its group (one outlet, named or inferred;
    copies and rewrites of one another)."""
    ids = sorted(a.id for a in articles)
    parent = {i: i for i in ids}
    guesses = guesses or {}

    def union(x: str, y: str) -> None:
        rx, ry = _uf_find(parent, x), _uf_find(parent, y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    by_outlet: dict[str, str] = {}
    for a in sorted(articles, key=lambda a: a.id):
        name = a.outlet or (guesses[a.id].label if a.id in guesses else None)
        if name:
            key = name.strip().lower()
            if key in by_outlet:
                union(by_outlet[key], a.id)
            else:
                by_outlet[key] = a.id
    for d in derivations:
        if d.source_id in parent and d.derived_id in parent:
            union(d.source_id, d.derived_id)
    return {i: _uf_find(parent, i) for i in ids}


def _when(a: Article) -> tuple[int, str, str]:
    p = a.published
    return (0, p.isoformat() if p is not None else "", a.id) if p is not None else (1, "", a.id)


def _day(a: Article) -> str | None:
    p = a.published
    return p.isoformat()[:10] if p is not None else None


@dataclass
class _Side:
    article: Article
    claims: list[Claim]  # the alignable ones
    rows: object
    emb: np.ndarray
    items: object  # incidence rows of the specific items (figures, dates)


def _side(article: Article, claims: list[Claim], vectors: np.ndarray | None, p: Params) -> _Side:
    keep = [c for c in claims if word_count(c.text) >= p.min_words][: p.max_claims]
    texts = [c.text for c in keep]
    rows = sentence_rows(texts, [content_stems(t) for t in texts],
                         [{norm_name(n) for n in sentence_names(t)} for t in texts],
                         [{norm_number(n) for n in numbers(t)} for t in texts])
    if vectors is not None and len(vectors):
        emb = np.asarray(vectors[[c.sentence_index for c in keep]], dtype=np.float32) if keep else \
            np.zeros((0, vectors.shape[1]), dtype=np.float32)
    else:
        from storylens.nlp import embed

        emb = embed(texts) if texts else np.zeros((0, 512), dtype=np.float32)
    items = item_rows([set(c.numbers) | date_keys(c.dates) for c in keep])
    return _Side(article, keep, rows, emb, items)


def align(sides: list[_Side], p: Params) -> tuple[list[list[Claim]], dict[tuple[str, str], float]]:
    """Groups of claims that state one fact (at most one claim per article), strongest links first."""
    score: dict[tuple[str, str], float] = {}
    links: list[tuple[float, str, str]] = []
    for x in range(len(sides)):
        # sides are in publication order; each article is compared with the next ``window`` ones, so a story
        # of hundreds of articles costs linear, not quadratic, time (facts still chain through neighbours)
        for y in range(x + 1, min(len(sides), x + 1 + p.window)):
            a, b = sides[x], sides[y]
            if not a.claims or not b.claims:
                continue
            cos = (a.emb @ b.emb.T).astype(np.float32)
            P = probability_matrix(a.rows, b.rows, cos)
            # a figure or a date both state, in sentences that mean much the same, is strong evidence of one
            # fact told in different words ("2 percent of gross domestic product" / "2% of GDP")
            shared = shared_items(a.items, b.items)
            both = (shared > 0) & (cos >= p.item_cos)
            P = np.minimum(1.0, P + p.item_boost * both)
            # ... and when each states figures or dates and they share none, they likely tell different
            # happenings in like words ("died two days after it ran aground" / "pulled off five days after"):
            # only a close paraphrase links them
            na = np.asarray([len(set(c.numbers) | date_keys(c.dates)) for c in a.claims])[:, None]
            nb = np.asarray([len(set(c.numbers) | date_keys(c.dates)) for c in b.claims])[None, :]
            disjoint = (na > 0) & (nb > 0) & (shared == 0)
            P = np.where(disjoint & (p.disjoint_link > P), np.minimum(P, p.link - 1e-3), P)
            rbest = P.argmax(axis=1)
            cbest = P.argmax(axis=0)
            for i, j in zip(*np.nonzero(p.keep_score <= P), strict=True):
                ca, cb = a.claims[int(i)].id, b.claims[int(j)].id
                v = float(P[i, j])
                score[(ca, cb)] = score[(cb, ca)] = v
                if v >= p.link and rbest[i] == j and cbest[j] == i:
                    links.append((v, ca, cb))
    links.sort(key=lambda t: (-t[0], t[1], t[2]))
    by_id = {c.id: c for s in sides for c in s.claims}
    group = {cid: cid for cid in by_id}
    members: dict[str, list[str]] = {cid: [cid] for cid in by_id}
    arts: dict[str, set[str]] = {cid: {by_id[cid].article_id} for cid in by_id}
    for _v, ca, cb in links:
        ga, gb = _uf_find(group, ca), _uf_find(group, cb)
        if ga == gb or arts[ga] & arts[gb]:
            continue
        cross = [score.get((m, n), 0.0) for m in members[ga] for n in members[gb]]
        if sum(cross) / len(cross) < p.merge:
            continue
        keep, gone = min(ga, gb), max(ga, gb)
        group[gone] = keep
        members[keep] += members.pop(gone)
        arts[keep] |= arts.pop(gone)
    groups = [sorted(ms, key=lambda c: c) for ms in members.values()]
    return [[by_id[c] for c in g] for g in groups], score


def _fact_id(story_id: str, claim_ids: list[str]) -> str:
    h = hashlib.blake2b("\n".join([story_id, *sorted(claim_ids)]).encode(), digest_size=6).hexdigest()
    return f"f-{h}"


@dataclass
class Aligned:
    """A story's facts before quotes and conflicts are attached."""

    articles: list[Article]
    claims: dict[str, Claim]  # copies, with fact_id set
    facts: list[Fact]
    score: dict[tuple[str, str], float]
    sources: dict[str, str]
    derivations: list[Derivation]
    outlet_groups: list[OutletGroup]
    _by_article: dict[str, list[Claim]] = field(default_factory=dict, repr=False)

    def claims_of(self, article_id: str) -> list[Claim]:
        """The article's claims, in body order (indexed on first use)."""
        if not self._by_article:
            for c in self.claims.values():
                self._by_article.setdefault(c.article_id, []).append(c)
        return self._by_article.get(article_id, [])


def align_story(story: Story, articles: Sequence[Article], claims: dict[str, list[Claim]],
                vectors: dict[str, np.ndarray], derivations: Sequence[Derivation],
                params: Params | None = None) -> Aligned:
    """The facts of one story: its articles' claims aligned (see the module docstring)."""
    p = params or Params()
    arts = sorted(articles, key=_when)
    by_art = {a.id: a for a in arts}
    all_claims = {c.id: c.model_copy() for a in arts for c in claims.get(a.id, [])}
    mine = [d for d in derivations if d.source_id in by_art and d.derived_id in by_art]
    guesses = infer_outlets(arts)
    src = source_groups(arts, mine, guesses)

    def outlet(aid: str) -> str | None:
        return by_art[aid].outlet or (guesses[aid].label if aid in guesses else None)

    facts: list[Fact] = []
    score: dict[tuple[str, str], float] = {}
    if len(arts) > 1:
        sides = [_side(a, [all_claims[c.id] for c in claims.get(a.id, [])], vectors.get(a.id), p) for a in arts]
        groups, score = align(sides, p)
        rank = {a.id: k for k, a in enumerate(arts)}
        for g in groups:
            g = sorted(g, key=lambda c: (rank[c.article_id], c.sentence_index))
            first = g[0]
            carriers = [c.article_id for c in g]
            by_src: dict[str, list[str]] = {}
            for aid in carriers:
                by_src.setdefault(src[aid], []).append(aid)
            sources = [sorted(v, key=lambda i: rank[i]) for _, v in sorted(by_src.items())]
            sims = [score.get((x.id, y.id), 0.0) for i, x in enumerate(g) for y in g[i + 1:]]
            fid = _fact_id(story.id, [c.id for c in g])
            facts.append(Fact(
                id=fid, story_id=story.id, text=first.text, claim_ids=[c.id for c in g],
                article_ids=carriers, outlets=sorted({o for a in carriers if (o := outlet(a))}),
                sources=sources, independent_sources=len(sources), single_source=len(sources) == 1,
                first_article_id=first.article_id, score=round(float(np.mean(sims)), 4) if sims else 1.0,
            ))
            for c in g:
                all_claims[c.id].fact_id = fid
        shared = [f for f in facts if f.independent_sources >= 2]
        per_article = {a.id: sum(1 for f in shared if a.id in f.article_ids) for a in arts}
        for f in shared:
            f.omitted_by = [a.id for a in arts if a.id not in f.article_ids
                            and per_article[a.id] >= p.omit_min_shared]
        facts.sort(key=lambda f: (-f.independent_sources, rank[f.first_article_id],
                                  all_claims[f.claim_ids[0]].sentence_index))
    return Aligned(arts, all_claims, facts, score, src, mine,
                   [OutletGroup(story_id=story.id, label=label, article_ids=sorted(k for k, g in guesses.items()
                                                                                  if g.label == label),
                                evidence=next(g.evidence for g in guesses.values() if g.label == label))
                    for label in sorted({g.label for g in guesses.values()})])


def attribution_needed(al: Aligned, scope: str = "direct") -> dict[str, list[int]]:
    """The sentences whose attribution is worth a parse (about 2.5 ms a sentence on this machine).

    ``shared``: the claims of facts that several independent sources carry, where who said it is compared
    across outlets. ``direct`` (the default) adds the sentences that quote someone directly (a quotation of four
    words or more and a speech cue outside it, :func:`quotes.reported_speech`), so a quote one article alone
    carries is listed too (on 405 real H1N1 articles, 1,083 of 18,039 sentences). ``all`` adds every sentence
    with a quotation mark (2,768 of them: scare quotes, titles).
    """
    from storylens.claims.claims import article_text, claim_range
    from storylens.claims.quotes import (
        has_speech_cue,
        pronoun_cue,
        quote_regions,
        reported_speech,
        speech_outside_quotes,
    )

    out: dict[str, set[int]] = {a.id: set() for a in al.articles}
    for f in al.facts:
        if f.independent_sources > 1:
            for cid in f.claim_ids:
                c = al.claims[cid]
                out[c.article_id].add(c.sentence_index)
    if scope == "all":
        for c in al.claims.values():
            if any(q in c.text for q in "“”\""):
                out[c.article_id].add(c.sentence_index)
    elif scope == "direct":
        for a in al.articles:
            by_index = {c.sentence_index: c for c in al.claims_of(a.id)}
            quoted = [c for c in by_index.values() if any(q in c.text for q in "“”\"'")]
            if not quoted and not out[a.id]:
                continue
            text, offsets = article_text(a)
            regions = quote_regions(text)
            span = {k: claim_range(a, c, offsets) for k, c in by_index.items()}
            hits = reported_speech(text, [span[c.sentence_index] for c in quoted], regions=regions)
            out[a.id].update(c.sentence_index for c, hit in zip(quoted, hits, strict=True) if hit)
            for k in sorted(out[a.id]):
                if not pronoun_cue(speech_outside_quotes(text, span[k], regions)):
                    continue
                # "..., he said": the speaker is named in an earlier attribution, parsed with it
                for j in range(k - 1, max(-1, k - 4), -1):
                    if j in span and has_speech_cue(speech_outside_quotes(text, span[j], regions)):
                        out[a.id].add(j)
                        break
    return {k: sorted(v) for k, v in out.items()}


def finish_story(story: Story, al: Aligned, quote_spans: dict[str, list[QuoteSpan]], fingerprint: str = "",
                 params: Params | None = None) -> StoryFacts:
    """Quotes (aligned across the story's articles) and conflicts, on top of the aligned facts."""
    from storylens.claims.claims import attach_quotes

    p = params or Params()
    for a in al.articles:
        attach_quotes(a, al.claims_of(a.id), quote_spans.get(a.id, []))
    out = StoryFacts(story_id=story.id, fingerprint=fingerprint, facts=al.facts, outlet_groups=al.outlet_groups)
    out.claims = sorted(al.claims.values(), key=lambda c: ([a.id for a in al.articles].index(c.article_id),
                                                           c.sentence_index))
    out.quotes = _quotes(story, al.articles, al.claims, quote_spans, p)
    out.conflicts = _conflicts(al.articles, al.claims, al.facts, al.derivations, al.sources, al.score, p)
    out.timeline = timeline_of(story, al, p)
    out.estimates = estimate_dates(al)
    return out


def build_story_facts(story: Story, articles: Sequence[Article], claims: dict[str, list[Claim]],
                      vectors: dict[str, np.ndarray], derivations: Sequence[Derivation],
                      quote_spans: dict[str, list[QuoteSpan]], fingerprint: str = "",
                      params: Params | None = None) -> StoryFacts:
    """Facts, quotes and conflicts of one story in one call (quote spans given for whole articles)."""
    al = align_story(story, articles, claims, vectors, derivations, params)
    return finish_story(story, al, quote_spans, fingerprint, params)


# ---------------------------------------------------------------- timeline

_GRAN = [(re.compile(r"\d{4}-\d{2}-\d{2}(?:T.*)?$"), "day"), (re.compile(r"\d{4}-W\d{2}(?:-WE)?$"), "week"),
         (re.compile(r"\d{4}-\d{2}$"), "month"), (re.compile(r"\d{4}-Q[1-4]$"), "quarter"),
         (re.compile(r"\d{4}-H[12]$"), "half"), (re.compile(r"\d{4}-(?:SP|SU|FA|WI)$"), "season"),
         (re.compile(r"\d{4}$"), "year"), (re.compile(r"\d{3}$"), "decade")]


def granularity_of(value: str) -> str | None:
    """The granularity of an ISO value the resolver writes; None for values not on the calendar."""
    for rx, name in _GRAN:
        if rx.match(value):
            return name
    return None


def _start_of(value: str) -> dt.date | None:
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m or "W" in value or "Q" in value or "H" in value:
        m2 = re.match(r"(\d{4})", value)
        return dt.date(int(m2.group(1)), 1, 1) if m2 else None
    return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))


def _with_year(value: str, near: dt.date) -> str:
    """'XXXX-01-28' in the year that puts it nearest ``near`` (the story's first dated article)."""
    m = re.match(r"XXXX-(\d{2})(?:-(\d{2}))?", value)
    if not m:
        return value
    mon, day = int(m.group(1)), int(m.group(2) or 15)
    year = min((near.year - 1, near.year, near.year + 1),
               key=lambda y: abs((dt.date(y, mon, min(day, 28)) - near).days))
    return f"{year:04d}" + value[4:]


def timeline_of(story: Story, al: Aligned, p: Params) -> list[TimelineEvent]:
    """The story's dated events: one per fact and date it states, with the fact's carriers as sources.

    An event more than ``p.background_days`` before the story's first article is background (something the
    articles recall, as "Abe first met Trump on Feb. 10, 2017"); so is one in a year before the story's when only
    the year is given. Undated stories keep every event, none marked as background. A date without a year in
    an undated article takes the year nearest the story's first dated article.
    """
    by_art = {a.id: a for a in al.articles}
    first_pub = min((a.published_date() for a in al.articles if a.published is not None), default=None)
    facts = al.facts if al.facts else [
        Fact(id=c.id, story_id=story.id, text=c.text, claim_ids=[c.id], article_ids=[c.article_id],
             first_article_id=c.article_id) for c in al.claims.values()]
    events: dict[tuple[str, str], TimelineEvent] = {}
    for f in facts:
        for cid in f.claim_ids:
            c = al.claims.get(cid)
            if c is None:
                continue
            for value, expr in zip(c.dates, c.date_texts or c.dates, strict=False):
                if value.startswith("XXXX-") and first_pub is not None:
                    value = _with_year(value, first_pub)  # an undated article: the year of the story's dates
                gran = granularity_of(value)
                if gran is None:
                    continue
                key = (f.id, value[:10])
                if key in events:
                    continue
                start = _start_of(value)
                background = bool(first_pub and start and (first_pub - start).days > p.background_days
                                  and not (gran in ("year", "decade") and start.year >= first_pub.year))
                art = by_art[c.article_id]
                events[key] = TimelineEvent(
                    date=value[:10] if gran == "day" else value, granularity=gran,
                    text=c.text, expression=expr,
                    anchor=art.published_date().isoformat() if art.published is not None else None,
                    sources=list(f.article_ids), outlets=list(f.outlets), independent_sources=f.independent_sources,
                    first_reported=by_art[f.first_article_id].published, background=background, fact_id=f.id,
                    story_id=story.id, storyline_id=story.storyline_id,
                    score=round(f.independent_sources + 0.1 * len(f.article_ids), 3))
    return sorted(events.values(), key=lambda e: (e.date, -e.score, e.text))


# ---------------------------------------------------------------- estimated publication dates

_AHEAD_BEFORE = re.compile(r"\b(?:will|shall|is to|are to|expected|scheduled|planned|planning|plans? to|set to|"
                           r"due|upcoming|next|later)\b[^.;]{0,60}$", re.IGNORECASE)
_WEEKDAY_OR_WEEK = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:later |earlier )?this week)\b",
                              re.IGNORECASE)


_PAST = re.compile(r"\b(?:[a-z]{3,}ed|said|was|were|had|met|took|began|came|went|made|told|won|lost|held|saw|left|"
                   r"spoke|wrote|gave|sent|ran|fell|rose|led|paid|broke|knew|thought|brought|bought|sold|became|"
                   r"struck|hit|got|put|set|cut|shut)\b")


def _looks_past(text: str, expr: str) -> bool:
    """A past-tense verb in the clause just before or after the date: the article reports it as done."""
    k = text.find(expr)
    if k < 0:
        return False
    before = re.split(r"[.;]", text[max(0, k - 40):k])[-1]
    after = re.split(r"[.;]", text[k + len(expr):k + len(expr) + 30])[0]
    return bool(_PAST.search(before) or _PAST.search(after))


def _looks_ahead(text: str, expr: str) -> bool:
    k = text.find(expr)
    return bool(_AHEAD_BEFORE.search(text[max(0, k - 70):k])) if k >= 0 else False


def _iso_day(value: str) -> dt.date | None:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def estimate_dates(al: Aligned) -> dict[str, PublishedEstimate]:
    """For each undated article of the story, the range of publication dates its own text allows.

    * a day it reports as past (or in a caption) is a lower bound; a day it announces as ahead ("planned for
      Feb. 7", "will meet on Friday") an upper bound, the day before;
    * a weekday or "this week" named without a date, in a claim of a fact whose dated carriers give its day:
      announced ahead, the article was written in the six days before; reported as past, in the six after;
    * an article it derives from (copy or rewrite), when dated, is a lower bound; one derived from it an upper.
    Bounds that contradict each other are dropped rather than guessed between.
    """
    by_art = {a.id: a for a in al.articles}
    first_pub = min((a.published_date() for a in al.articles if a.published is not None), default=None)
    fact_day: dict[str, dt.date] = {}
    for f in al.facts:
        days: dict[dt.date, int] = {}
        for cid in f.claim_ids:
            c = al.claims.get(cid)
            if c is None or by_art[c.article_id].published is None:
                continue
            for v in {d[:10] for d in c.dates}:
                if (d := _iso_day(v)) is not None:
                    days[d] = days.get(d, 0) + 1
        if days:
            fact_day[f.id] = max(days, key=lambda d: (days[d], d))
    out: dict[str, PublishedEstimate] = {}
    for a in al.articles:
        if a.published is not None:
            continue
        lo: list[tuple[dt.date, str]] = []
        hi: list[tuple[dt.date, str]] = []
        claims = al.claims_of(a.id)
        for c in claims:
            for value, expr in zip(c.dates, c.date_texts or c.dates, strict=False):
                if value.startswith("XXXX-") and first_pub is not None:
                    value = _with_year(value, first_pub)
                d = _iso_day(value)
                if d is None:
                    continue
                if _looks_ahead(c.text, expr):
                    hi.append((d - dt.timedelta(days=1), f"announces “{expr}” ({d.isoformat()}) as ahead"))
                elif _looks_past(c.text, expr):
                    lo.append((d, f"reports “{expr}” ({d.isoformat()}) as past"))
            m = _WEEKDAY_OR_WEEK.search(c.text)
            if m and c.fact_id in fact_day and not c.dates:
                d = fact_day[c.fact_id]
                said = m.group(0).lower()
                ahead = said.startswith("later") or (not said.startswith("earlier") and _looks_ahead(c.text, m.group(0)))
                week = "week" in said  # "this week": the same week (from its Monday); a weekday: the six days before
                start = d - dt.timedelta(days=d.weekday() if week else 6)
                if ahead:
                    lo.append((start, f"announces “{m.group(0)}” for what other articles date {d.isoformat()}"))
                    hi.append((d - dt.timedelta(days=1), f"announces “{m.group(0)}” for what other articles date {d.isoformat()}"))
                else:
                    lo.append((d, f"reports “{m.group(0)}” as past for what other articles date {d.isoformat()}"))
                    hi.append((d + dt.timedelta(days=6), f"reports “{m.group(0)}” as past for what other articles date {d.isoformat()}"))
        for cap in a.captions:
            for mm in find_dates(cap, None):
                v = _with_year(mm.value, first_pub) if mm.value.startswith("XXXX-") and first_pub else mm.value
                if (d := _iso_day(v)) is not None:
                    lo.append((d, f"a photo caption dates “{mm.text}” ({d.isoformat()})"))
        for dv in al.derivations:
            if dv.derived_id == a.id and by_art[dv.source_id].published is not None:
                lo.append((by_art[dv.source_id].published_date(), f"derives from {dv.source_id}, dated"))
            if dv.source_id == a.id and by_art[dv.derived_id].published is not None:
                hi.append((by_art[dv.derived_id].published_date(), f"{dv.derived_id}, dated, derives from it"))
        if not lo and not hi:
            continue
        early = max(lo, default=None)
        late = min(hi, default=None)
        if early and late and early[0] > late[0]:
            continue  # the text contradicts itself (or the rules misread it): say nothing
        out[a.id] = PublishedEstimate(earliest=early[0] if early else None, latest=late[0] if late else None,
                                      evidence=[e for _, e in ([early] if early else []) + ([late] if late else [])])
    return out


# ---------------------------------------------------------------- quotes


def _speaker_key(name: str | None) -> str | None:
    if not name:
        return None
    toks = [t for t in re.findall(r"[A-Za-z][\w'’-]*", name) if t[0].isupper()]
    return toks[-1].lower() if toks else name.strip().lower()


def _content_words(text: str) -> set[str]:
    return set(content_stems(text))


def _quotes(story: Story, arts: list[Article], claims: dict[str, Claim], quote_spans: dict[str, list[QuoteSpan]],
            p: Params) -> list[Quote]:
    from storylens.claims.claims import article_text, to_span

    found: list[tuple[Quote, set[str], str | None]] = []
    by_quote: dict[str, str] = {}
    for c in claims.values():
        if c.quote_id:
            by_quote.setdefault(c.quote_id, c.id)  # the first sentence of a quote that runs over several
    for a in arts:
        _, offsets = article_text(a)
        for qi, q in enumerate(quote_spans.get(a.id, [])):
            content = to_span(a, offsets, *q.content)
            cue = to_span(a, offsets, *q.cue)
            source = to_span(a, offsets, *q.source) if q.source else None
            claim = by_quote.get(f"{a.id}:q{qi}")
            spans = QuoteSpans(article_id=a.id, claim_id=claim, source=source, cue=cue, content=content)
            speaker = q.resolved or q.speaker
            key = _speaker_key(speaker)
            words = _content_words(content.text)
            if len(words) < p.quote_min_words:
                continue  # "advocates an 'America First' policy", "to defend Japan": no statement to carry
            same = None
            for quote, ws, k in found:
                if k is None or k != key or a.id in quote.article_ids or not ws or not words:
                    continue
                shared = len(ws & words)
                if shared >= p.quote_min_shared and shared / min(len(ws), len(words)) >= p.quote_overlap:
                    same = quote
                    break
            if same is not None:
                same.article_ids.append(a.id)
                same.spans.append(spans)
                if same.speaker is None or (q.resolved and len(q.resolved) > len(same.speaker or "")):
                    same.speaker = q.resolved or same.speaker
                continue
            qid = "q-" + hashlib.blake2b(f"{story.id}\n{a.id}\n{qi}".encode(), digest_size=6).hexdigest()
            quote = Quote(id=qid, story_id=story.id, speaker=speaker, speaker_as_written=q.speaker, cue=cue.text,
                          text=content.text, kind=q.kind, article_ids=[a.id], spans=[spans])
            found.append((quote, words, key))
    return [q for q, _, _ in found]


# ---------------------------------------------------------------- conflicts


def _conflict_id(kind: str, a: str, b: str, start: int | None) -> str:
    return "x-" + hashlib.blake2b(f"{kind}\n{a}\n{b}\n{start}".encode(), digest_size=6).hexdigest()


def _conflicts(arts: list[Article], claims: dict[str, Claim], facts: list[Fact], derivations: list[Derivation],
               src: dict[str, str], score: dict[tuple[str, str], float], p: Params) -> list[Conflict]:
    by_art = {a.id: a for a in arts}
    out: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    # drift a rewrite introduced (the reuse stage found it; sentence indices are the claims')
    for d in sorted(derivations, key=lambda d: (d.source_id, d.derived_id)):
        for ch in d.changes:
            ca, cb = f"{d.source_id}:c{ch.source_index}", f"{d.derived_id}:c{ch.derived_index}"
            fid = (claims.get(cb) and claims[cb].fact_id) or (claims.get(ca) and claims[ca].fact_id) or None
            out.append(Conflict(id=_conflict_id(ch.kind, ca, cb, ch.derived.start), fact_id=fid, kind=ch.kind,
                                claim_ids=[ca, cb], a=ch.source, b=ch.derived, a_article_id=d.source_id,
                                b_article_id=d.derived_id, explanation=ch.explanation, from_rewrite=True,
                                score=ch.score))
            seen.add((ca, cb))
    # between independent sources: strongly aligned claims of one fact that differ in a slot
    for f in facts:
        cs = [claims[c] for c in f.claim_ids]
        for i, x in enumerate(cs):
            for y in cs[i + 1:]:
                if src[x.article_id] == src[y.article_id] or (x.id, y.id) in seen or (y.id, x.id) in seen:
                    continue
                if score.get((x.id, y.id), 0.0) < p.conflict_link:
                    continue
                if x.text.rstrip(' "”’').endswith("?") or y.text.rstrip(' "”’').endswith("?"):
                    continue  # a question asserts nothing
                ax, ay = by_art[x.article_id], by_art[y.article_id]
                moved_on = _day(ax) is not None and _day(ay) is not None and _day(ax) != _day(ay)
                for ch in find_changes(x.text, y.text, x.sentence_index, y.sentence_index):
                    if ch.score < p.conflict_min_score or ch.kind not in p.conflict_kinds:
                        continue
                    if ch.kind == "number" and not (_FIGURE.fullmatch(ch.source.text.strip())
                                                    and _FIGURE.fullmatch(ch.derived.text.strip())):
                        continue  # "H1N1" is no figure; compare figures with figures only
                    if moved_on and ch.kind in ("number", "date"):
                        continue  # a later report with a new figure or date: the story moved on
                    expl = ch.explanation.replace("the rewrite", y.article_id).replace("the source", x.article_id)
                    out.append(Conflict(id=_conflict_id(ch.kind, x.id, y.id, ch.derived.start), fact_id=f.id,
                                        kind=ch.kind, claim_ids=[x.id, y.id], a=ch.source, b=ch.derived,
                                        a_article_id=x.article_id, b_article_id=y.article_id,
                                        explanation=expl, from_rewrite=False, score=ch.score))
    out.sort(key=lambda c: (c.a_article_id, c.b_article_id, c.claim_ids, c.kind, c.b.start or 0))
    return out
