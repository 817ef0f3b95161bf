"""Storylines: long-running coverage (an outbreak, a war, a summit prepared for weeks) above stories.

A story is one event told by several outlets over a few days; a storyline links the stories of one topic in
time order, like a news aggregator's "full coverage". The decision is made once per story, when the story
opens: its first article is compared with the storylines active in the last ``window_days`` and joins the
closest one whose similarity clears ``threshold``, otherwise it opens a storyline of its own. Articles that
join the story later feed the storyline's representation; when two stories merge, their storylines merge.
Nothing is re-clustered.

A storyline's representation is topic-level where a story's is event-level: the plain (uncentred) sentence
embedding centroid, which carries the topic a one-topic stream shares, and the lead words and names of all
its articles, compared as the mean similarity to the member articles (so a storyline does not attract
everything as it grows), and its core vocabulary: the lead terms that at least ``core_share`` of its articles
carry ("swine", "flu", "h1n1", "who" on an outbreak), of which an opening story's lead must carry most. A
one-topic stream shares those words in every article; a story of another topic that shares one name (a
president, a country) with the storyline carries few of them. Candidates are the storylines of the stories the
article was compared with and the live storylines nearest in embedding.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storylens.stories.features import ArticleFeatures, _unit
from storylens.stories.features import _add_into as _add


@dataclass
class LineParams:
    threshold: float = 0.35  # combined similarity an opening story needs to join a storyline
    w_embed: float = 0.5  # the topic: plain sentence-embedding centroid
    w_lead: float = 0.3  # lead words, as mean similarity to the member articles
    w_names: float = 0.0  # names (off: the names a topic shares are its events', not its own)
    window_days: float = 30.0  # storylines quiet for longer take no new stories
    window_articles: int = 20000  # the same for undated streams, counted in arrivals
    lead_terms: int = 300
    name_terms: int = 150
    rescore: int = 16  # storylines scored in full, ranked by embedding cosine first
    search_all: bool = True  # candidates: the compared stories' storylines and the live ones nearest in embedding
    w_core: float = 1.0  # the storyline's core vocabulary: lead terms most of its articles share, covered
    core_share: float = 0.3  # a term is core when at least this share of the storyline's leads carry it
    core_min_n: int = 2  # core vocabulary scored once a storyline holds this many articles


@dataclass
class LineRep:
    id: str
    lead: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    emb: np.ndarray | None = None
    n: int = 0  # articles
    first: float | None = None
    last: float | None = None
    last_seq: int = 0
    stories: list[str] = field(default_factory=list)  # in the order they joined
    norms: dict[str, tuple[float, float]] | None = None  # cached, cleared when the storyline changes
    core: dict[str, float] = field(default_factory=dict)  # lead term -> articles whose lead carries it
    core_n: int = 0  # articles counted in ``core`` (a storyline stored before it existed starts at 0)
    core_w: dict[str, float] | None = None  # cached core weights, cleared when the storyline changes
    lang: str | None = None  # the language of its articles (the first known)

    def to_json(self) -> dict[str, Any]:
        # exact (floats round-trip through JSON; the caches too, computed with the document frequencies of
        # their time): a clusterer saved and loaded between two articles decides the next as one that was not
        return {"id": self.id, "lead": dict(self.lead), "names": dict(self.names),
                "emb": None if self.emb is None else [float(x) for x in self.emb],
                "core": dict(self.core), "core_n": self.core_n, "lang": self.lang,
                "n": self.n, "first": self.first, "last": self.last, "last_seq": self.last_seq,
                "stories": list(self.stories),
                "norms": None if self.norms is None else {k: list(v) for k, v in self.norms.items()},
                "core_w": None if self.core_w is None else dict(self.core_w)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LineRep:
        d = dict(d)
        if d.get("norms") is not None:
            d["norms"] = {k: (float(v[0]), float(v[1])) for k, v in d["norms"].items()}
        if d.get("emb") is not None:
            d["emb"] = np.asarray(d["emb"], dtype=np.float32)
        return cls(**d)


@dataclass
class LineDecision:
    storyline_id: str
    action: str  # "opened" or "joined"
    score: float | None
    threshold: float
    reason: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


def storyline_id_for(story_id: str) -> str:
    return "l-" + hashlib.sha256(("storyline\n" + story_id).encode("utf-8")).hexdigest()[:12]


def _mean_sim(a: dict[str, float], acc: dict[str, float], n: int, idf: Callable[[str], float],
              norms: tuple[float, float] | None = None) -> float:
    """Mean IDF-weighted cosine of ``a`` to the members summed in ``acc`` (approximated on the summed vector:
    cosine to the centroid times the members' coherence). ``norms``: acc's IDF-weighted and plain norms."""
    if not a or not acc or n <= 0:
        return 0.0
    dot = 0.0
    for t, v in a.items():
        w = acc.get(t)
        if w is not None:
            dot += v * w * idf(t) ** 2
    if dot <= 0.0:
        return 0.0
    na = math.sqrt(sum((v * idf(t)) ** 2 for t, v in a.items()))
    nb, raw = norms if norms is not None else _norms(acc, idf)
    if not na or not nb:
        return 0.0
    coherence = min(1.0, raw / n) if n > 1 else 1.0
    return dot / (na * nb) * coherence


def _core_weights(core: dict[str, float], n: int, share: float, idf: Callable[[str], float]) -> dict[str, float]:
    """A storyline's core vocabulary: the lead terms carried by at least ``share`` of its ``n`` articles, each
    weighted by that share and its IDF, normalised to sum to one."""
    w = {t: c / n * idf(t) for t, c in core.items() if c / n >= share}
    tot = sum(w.values())
    return {t: v / tot for t, v in w.items()} if tot else {}


def _core_cover(a: dict[str, float], core_w: dict[str, float]) -> float:
    """How much of a storyline's core vocabulary the lead ``a`` carries: a topic's own words, which a story of
    another topic that shares one name does not."""
    if len(a) < len(core_w):
        return sum(core_w.get(t, 0.0) for t in a)
    return sum(v for t, v in core_w.items() if t in a)


def _norms(acc: dict[str, float], idf: Callable[[str], float]) -> tuple[float, float]:
    return (math.sqrt(sum((v * idf(t)) ** 2 for t, v in acc.items())), math.sqrt(sum(x * x for x in acc.values())))


class _EmbIndex:
    """The storylines' unit centroids as rows of one matrix, kept in step with the storylines, so the nearest
    live ones are one matrix product away however many there are (rows freed by merges and expiry are reused)."""

    def __init__(self) -> None:
        self.row: dict[str, int] = {}
        self.ids: list[str | None] = []
        self.free: list[int] = []
        self.mat: np.ndarray | None = None
        self.last = np.zeros(0)  # NaN where the storyline has no dated article
        self.seq = np.zeros(0, dtype=np.int64)

    def set(self, rep: LineRep) -> None:
        if rep.emb is None:
            return
        norm = float(np.linalg.norm(rep.emb))
        if not norm:
            return
        i = self.row.get(rep.id)
        if i is None:
            if self.mat is None:
                self.mat = np.zeros((64, rep.emb.shape[0]), dtype=np.float32)
                self.last = np.full(64, np.nan)
                self.seq = np.zeros(64, dtype=np.int64)
            if self.free:
                i = self.free.pop()
            else:
                i = len(self.ids)
                self.ids.append(None)
                if i >= self.mat.shape[0]:
                    grow = self.mat.shape[0]
                    self.mat = np.vstack([self.mat, np.zeros_like(self.mat)])
                    self.last = np.concatenate([self.last, np.full(grow, np.nan)])
                    self.seq = np.concatenate([self.seq, np.zeros(grow, dtype=np.int64)])
            self.row[rep.id] = i
            self.ids[i] = rep.id
        self.mat[i] = rep.emb / norm
        self.last[i] = np.nan if rep.last is None else rep.last
        self.seq[i] = rep.last_seq

    def drop(self, lid: str) -> None:
        i = self.row.pop(lid, None)
        if i is not None and self.mat is not None:
            self.ids[i] = None
            self.mat[i] = 0.0
            self.last[i] = np.nan
            self.seq[i] = np.iinfo(np.int64).min // 2
            self.free.append(i)

    def nearest(self, vec: np.ndarray, clock: float | None, seq: int, p: LineParams, k: int) -> list[str]:
        """The ``k`` live storylines nearest to ``vec`` (cosine to the centroid, rounded so the ranking does not
        depend on where a row sits; ties by id)."""
        n = len(self.ids)
        if not n or self.mat is None:
            return []
        dated = ~np.isnan(self.last[:n])
        if clock is not None:
            live = np.where(dated, clock - np.nan_to_num(self.last[:n]) <= p.window_days,
                            seq - self.seq[:n] <= p.window_articles)
        else:
            live = seq - self.seq[:n] <= p.window_articles
        live &= self.seq[:n] > np.iinfo(np.int64).min // 2  # freed rows
        rows = np.flatnonzero(live)
        if not rows.size:
            return []
        sims = np.round(self.mat[:n] @ vec.astype(np.float32), 6)[rows]
        if rows.size > k:
            kth = np.partition(sims, rows.size - k)[rows.size - k]
            keep = sims >= kth
            rows, sims = rows[keep], sims[keep]
        order = sorted(range(rows.size), key=lambda j: (-float(sims[j]), self.ids[rows[j]]))
        return [str(self.ids[rows[j]]) for j in order[:k]]


class Storylines:
    """The storyline level of :class:`~storylens.stories.cluster.StoryClusterer` (it owns one)."""

    def __init__(self, params: LineParams | None = None) -> None:
        self.p = params or LineParams()
        self.reps: dict[str, LineRep] = {}
        self.of_story: dict[str, str] = {}  # story id -> storyline id (stories of live storylines)
        self.alias: dict[str, str] = {}  # merged-away storyline -> surviving one
        self.index = _EmbIndex()

    def resolve(self, lid: str) -> str:
        while lid in self.alias:
            lid = self.alias[lid]
        return lid

    # ------------------------------------------------------------------ scoring
    def score(self, f: ArticleFeatures, vec: np.ndarray | None, rep: LineRep,
              idf: Callable[[str], float]) -> tuple[float, dict[str, float]]:
        p = self.p
        # the storyline's norms as of its last change (document frequencies drift slowly)
        if rep.norms is None:
            rep.norms = {"lead": _norms(rep.lead, idf), "names": _norms(rep.names, idf)}
        parts = {"lead": _mean_sim(f.lead_tf, rep.lead, rep.n, idf, rep.norms["lead"]) if p.w_lead else 0.0,
                 "names": _mean_sim(f.name_tf, rep.names, rep.n, idf, rep.norms["names"]) if p.w_names else 0.0}
        s = p.w_lead * parts["lead"] + p.w_names * parts["names"]
        wsum = p.w_lead + p.w_names
        if p.w_core and rep.core_n >= p.core_min_n:
            if rep.core_w is None:
                rep.core_w = _core_weights(rep.core, rep.core_n, p.core_share, idf)
            parts["core"] = _core_cover(f.lead_tf, rep.core_w)
            s += p.w_core * parts["core"]
            wsum += p.w_core
        if vec is not None and rep.emb is not None:
            ne = float(np.linalg.norm(rep.emb))
            parts["embed"] = float(vec @ rep.emb) / ne if ne else 0.0
            s += p.w_embed * parts["embed"]
            wsum += p.w_embed
        return s / wsum, parts

    def _live_of(self, ids: set[str], clock: float | None, seq: int) -> list[LineRep]:
        return [r for r in self._live(clock, seq, [self.reps[i] for i in sorted(ids) if i in self.reps])]

    def _live(self, clock: float | None, seq: int, reps: list[LineRep] | None = None) -> list[LineRep]:
        out = []
        for rep in (self.reps.values() if reps is None else reps):
            if rep.last is not None and clock is not None:
                if clock - rep.last <= self.p.window_days:
                    out.append(rep)
            elif seq - rep.last_seq <= self.p.window_articles:
                out.append(rep)
        return out

    def place(self, story_id: str, f: ArticleFeatures, vec: np.ndarray | None, idf: Callable[[str], float],
              clock: float | None, seq: int, near: list[str] | None = None) -> LineDecision:
        """Put a story that just opened (its first article ``f``) into a storyline. ``near``: the stories the
        article was compared with; their storylines are the candidates (all live storylines when None)."""
        if near is None:
            live = self._live(clock, seq)
        else:
            ids = {self.of_story[s] for s in near if s in self.of_story}
            live = [r for r in self._live_of(ids, clock, seq)]
        if vec is not None and len(live) > self.p.rescore and all(r.emb is not None for r in live):
            m = np.stack([r.emb for r in live])  # type: ignore[misc]
            sims = (m @ vec) / np.maximum(np.linalg.norm(m, axis=1), 1e-9)
            top = sorted(range(len(live)), key=lambda i: (-float(sims[i]), live[i].id))[: self.p.rescore]
            live = [live[i] for i in sorted(top)]
        if near is not None and self.p.search_all and vec is not None:
            # besides the compared stories' storylines, the live ones nearest in embedding
            have = {r.id for r in live}
            live += [self.reps[i] for i in self.index.nearest(vec, clock, seq, self.p, self.p.rescore)
                     if i not in have and i in self.reps]
            live.sort(key=lambda r: r.id)
        if f.lang:
            live = [r for r in live if r.lang is None or r.lang == f.lang]
        scored = []
        for rep in live:
            s, parts = self.score(f, vec, rep, idf)
            scored.append((s, rep.id, parts))
        scored.sort(key=lambda x: (-x[0], x[1]))
        cands = [{"storyline_id": lid, "score": round(s, 4), "parts": {k: round(v, 4) for k, v in parts.items()}}
                 for s, lid, parts in scored[:3]]
        thr = self.p.threshold
        if scored and scored[0][0] >= thr:
            s, lid, _ = scored[0]
            dec = LineDecision(lid, "joined", round(s, 4), thr,
                               f"closest storyline, similarity {s:.3f} >= {thr:.3f}", cands)
        else:
            lid = storyline_id_for(story_id)
            while lid in self.reps or lid in self.alias:
                lid = storyline_id_for(lid)
            self.reps[lid] = LineRep(id=lid)
            best = scored[0][0] if scored else None
            dec = LineDecision(lid, "opened", None if best is None else round(best, 4), thr,
                               (f"no storyline close enough (best {best:.3f} < {thr:.3f})" if best is not None
                                else "no active storyline"), cands)
        self.reps[lid].stories.append(story_id)
        self.of_story[story_id] = lid
        return dec

    def grow(self, story_id: str, f: ArticleFeatures, vec: np.ndarray | None, seq: int) -> str | None:
        """An article joined (or opened) a story: it joins the story's storyline's representation."""
        lid = self.of_story.get(story_id)
        if lid is None or lid not in self.reps:
            return None
        rep = self.reps[lid]
        rep.norms = None
        rep.core_w = None
        rep.lead = _add(rep.lead, _unit(f.lead_tf), self.p.lead_terms)
        rep.names = _add(rep.names, _unit(f.name_tf), self.p.name_terms)
        rep.core = _add(rep.core, dict.fromkeys(f.lead_tf, 1.0), self.p.lead_terms)
        rep.core_n += 1
        if rep.lang is None:
            rep.lang = f.lang
        if vec is not None:
            rep.emb = (rep.emb if rep.emb is not None else np.zeros_like(vec, dtype=np.float32)) + vec
        rep.n += 1
        if f.time is not None:
            rep.first = f.time if rep.first is None else min(rep.first, f.time)
            rep.last = f.time if rep.last is None else max(rep.last, f.time)
        rep.last_seq = seq
        self.index.set(rep)
        return lid

    def merge_stories(self, keep: str, drop: str) -> tuple[str | None, str | None]:
        """Story ``drop`` merged into ``keep``: one storyline for both. Returns (surviving line, merged-away line
        or None)."""
        lk, ld = self.of_story.get(keep), self.of_story.pop(drop, None)
        if lk is None:
            if ld is not None:
                self.of_story[keep] = ld
                rep = self.reps.get(ld)
                if rep is not None:
                    rep.stories = [keep if s == drop else s for s in rep.stories]
                    rep.stories = list(dict.fromkeys(rep.stories))
            return ld, None
        rk = self.reps.get(lk)
        if rk is not None and drop in rk.stories:
            rk.stories.remove(drop)
        if ld is None or ld == lk or ld not in self.reps or rk is None:
            return lk, None
        rd = self.reps[ld]
        # the older storyline (earlier first article, then id) keeps its id
        k_first = (rk.first if rk.first is not None else math.inf, rk.id)
        d_first = (rd.first if rd.first is not None else math.inf, rd.id)
        if d_first < k_first:
            rk, rd = rd, rk
            if drop in rk.stories:
                rk.stories.remove(drop)
        rk.norms = None
        rk.core_w = None
        rk.lead = _add(rk.lead, rd.lead, self.p.lead_terms)
        rk.names = _add(rk.names, rd.names, self.p.name_terms)
        rk.core = _add(rk.core, rd.core, self.p.lead_terms)
        rk.core_n += rd.core_n
        rk.lang = rk.lang or rd.lang
        if rd.emb is not None:
            rk.emb = rd.emb if rk.emb is None else rk.emb + rd.emb
        rk.n += rd.n
        for attr, fn in (("first", min), ("last", max)):
            va, vb = getattr(rk, attr), getattr(rd, attr)
            setattr(rk, attr, vb if va is None else va if vb is None else fn(va, vb))
        rk.last_seq = max(rk.last_seq, rd.last_seq)
        rk.stories = list(dict.fromkeys(rk.stories + [s for s in rd.stories if s != drop]))
        for s in rk.stories:
            self.of_story[s] = rk.id
        self.of_story[keep] = rk.id
        if keep not in rk.stories:
            rk.stories.append(keep)
        del self.reps[rd.id]
        self.index.drop(rd.id)
        self.index.set(rk)
        self.alias[rd.id] = rk.id
        return rk.id, rd.id

    def expire(self, clock: float | None, seq: int, horizon: float,
               before_drop: Callable[[str], object] | None = None) -> None:
        """Forget storylines quiet for ``horizon`` x the window: they can take no story any more
        (``before_drop`` hears each id while its representation is still here)."""
        gone = []
        for lid, rep in self.reps.items():
            if rep.last is not None and clock is not None:
                if clock - rep.last > horizon * self.p.window_days:
                    gone.append(lid)
            elif seq - rep.last_seq > horizon * self.p.window_articles:
                gone.append(lid)
        for lid in gone:
            if before_drop is not None:
                before_drop(lid)
            for s in self.reps[lid].stories:
                self.of_story.pop(s, None)
            del self.reps[lid]
            self.index.drop(lid)

    # ------------------------------------------------------------------ persistence
    def state(self) -> dict[str, Any]:
        return {"reps": [r.to_json() for r in self.reps.values()],
                "of_story": dict(sorted(self.of_story.items())),
                "alias": dict(sorted(self.alias.items()))}

    @classmethod
    def from_state(cls, state: dict[str, Any] | None, params: LineParams | None = None) -> Storylines:
        s = cls(params)
        if not state:
            return s
        s.reps = {r["id"]: LineRep.from_json(r) for r in state.get("reps", [])}
        s.of_story = {str(k): str(v) for k, v in state.get("of_story", {}).items()}
        s.alias = {str(k): str(v) for k, v in state.get("alias", {}).items()}
        for rep in s.reps.values():
            s.index.set(rep)
        return s
