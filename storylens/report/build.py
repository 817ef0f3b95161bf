"""Assemble a Report from what the stages stored."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from storylens.model import Article, Report, Story, Storyline, SummarySentence
from storylens.nlp import annotate
from storylens.report.summary import summarize_story, summary_key
from storylens.store import Store

log = logging.getLogger("storylens.report")

# Report sections filled by later stages: (report field, store getter, stage names that produce it).
LATER_SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("claims", "get_claims", ("claims",)),
    ("facts", "get_facts", ("claims",)),
    ("quotes", "get_quotes", ("claims",)),
    ("conflicts", "get_conflicts", ("claims", "conflicts")),
    ("timeline", "get_timeline", ("timeline", "claims")),
    ("comment_analysis", "get_comment_analysis", ("comments",)),
]
KNOWN_STAGES = ("furniture", "reuse", "stories", "claims", "timeline", "comments")


def stage_status() -> dict[str, str]:
    """Which analysis stages this installation runs on every ingest ('done') and which it lacks."""
    from storylens.pipeline import STAGES

    status = {name: "not_available" for name in KNOWN_STAGES}
    for name, module in STAGES:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError:
            status[name] = "not_available"
            continue
        ok = "done" if callable(getattr(mod, "update", None)) else "not_available"
        for provided in getattr(mod, "PROVIDES", (name,)):  # a stage may fill several report sections
            status[provided] = ok
    return status


def section_analysed(report: Report, field: str) -> bool:
    """Whether the stage behind a report section ran (or the section has content)."""
    if getattr(report, field, None):
        return True
    for f, _getter, stages in LATER_SECTIONS:
        if f == field:
            return any(report.stages.get(s) == "done" for s in stages)
    return report.stages.get(field) == "done"


def _call(getter: Callable[..., Any], ids: set[str]) -> list[Any]:
    try:
        return list(getter(ids))
    except TypeError:
        return [x for x in getter() if _touches(x, ids)]


def _touches(item: Any, ids: set[str]) -> bool:
    for attr in ("article_id", "a_article_id", "b_article_id"):
        if getattr(item, attr, None) in ids:
            return True
    srcs = getattr(item, "sources", None)
    return bool(srcs and set(srcs) & ids)


def build_report(store: Store, story_ids: list[str] | None = None, summaries: bool = True) -> Report:
    """Everything the store knows (or only the given stories), as one Report.

    With ``story_ids``, unknown ids are ignored; the report then holds those stories'
    articles and the derivations between them.
    """
    stories = store.get_stories(story_ids)
    if story_ids is None:
        articles = list(store.iter_articles())
    else:
        seen: set[str] = set()
        ids = [a for s in stories for a in s.article_ids if not (a in seen or seen.add(a))]
        articles = store.get_articles(ids)
    # in publication order, then by id: the report does not depend on the order the inputs arrived in
    articles.sort(key=lambda a: (a.published is None, a.published_date().isoformat() if a.published else "",
                                 str(a.published or ""), a.id))
    idset = {a.id for a in articles}
    derivations = [d for d in store.get_derivations(idset) if d.source_id in idset and d.derived_id in idset]
    report = Report(articles=articles, stories=stories, storylines=_storylines(store, stories, story_ids),
                    derivations=derivations, stages=stage_status())
    for field, getter_name, _stages in LATER_SECTIONS:
        getter = getattr(store, getter_name, None)
        if callable(getter):
            setattr(report, field, _call(getter, idset))
    _facts_into(store, report)
    if story_ids is not None:
        report.timeline = [t for t in report.timeline if t.story_id is None or t.story_id in set(story_ids)]
    if summaries:
        report.summaries = build_summaries(store, report)
    return report


def _facts_into(store: Store, report: Report) -> None:
    """Claims, facts, quotes and conflicts of the report's stories (the facts stage stores them per story)."""
    getter = getattr(store, "get_story_facts", None)
    if not callable(getter):
        return
    estimates: dict = {}
    for sf in getter([s.id for s in report.stories]):
        report.claims.extend(sf.claims)
        report.facts.extend(sf.facts)
        report.quotes.extend(sf.quotes)
        report.conflicts.extend(sf.conflicts)
        report.outlet_groups.extend(sf.outlet_groups)
        report.timeline.extend(sf.timeline)
        estimates.update(sf.estimates)
    if estimates:
        report.articles = [a.model_copy(update={"published_estimate": estimates[a.id]}) if a.id in estimates else a
                           for a in report.articles]


def _storylines(store: Store, stories: list[Story], story_ids: list[str] | None) -> list[Storyline]:
    """The storylines of the report's stories, oldest first; with ``story_ids``, each lists only the report's
    stories."""
    getter = getattr(store, "get_storylines", None)
    if not callable(getter):
        return []
    wanted = sorted({s.storyline_id for s in stories if s.storyline_id})
    lines = getter(None if story_ids is None else wanted)
    if story_ids is not None:
        present = {s.id for s in stories}
        lines = [sl.model_copy(update={"story_ids": [i for i in sl.story_ids if i in present]}) for sl in lines]
    first = {s.id: s.first_published for s in stories}
    key = {sl.id: min((str(first[i]) for i in sl.story_ids if first.get(i) is not None), default="~")
           for sl in lines}
    return sorted((sl for sl in lines if sl.story_ids), key=lambda sl: (key[sl.id], sl.id))


def build_summaries(store: Store | None, report: Report) -> list[SummarySentence]:
    """The cited summary of every story in the report (cached in the store's stage state)."""
    by_id: dict[str, Article] = {a.id: a for a in report.articles}
    conflicts_done = section_analysed(report, "conflicts")
    sources = _fact_sources(report)
    todo = [_Prepared(store, story, by_id, report, conflicts_done, 5, sources.get(story.id, {}))
            for story in report.stories]
    out: list[SummarySentence] = []
    for p in todo:
        out.extend(p.summary(store))
    return out


def _fact_sources(report: Report) -> dict[str, dict[tuple[str, str], tuple[str, int]]]:
    """Per story: (article id, sentence) -> (fact id, independent sources of that fact)."""
    claims = {c.id: c for c in report.claims}
    out: dict[str, dict[tuple[str, str], tuple[str, int]]] = {}
    for f in report.facts:
        per = out.setdefault(f.story_id, {})
        for cid in f.claim_ids:
            c = claims.get(cid)
            if c is not None:
                per[(c.article_id, c.text)] = (f.id, f.independent_sources)
    return out


class _Prepared:
    """What one story's summary is made from, its cache key, and the cached summary where the key matches."""

    def __init__(self, store: Store | None, story: Story, by_id: dict[str, Article], report: Report,
                 conflicts_done: bool, size: int, fact_sources: dict[tuple[str, str], tuple[str, int]] | None) -> None:
        self.story, self.size, self.conflicts_done = story, size, conflicts_done
        self.arts = [by_id[i] for i in story.article_ids if i in by_id]
        ids = {a.id for a in self.arts}
        self.confs = [c for c in report.conflicts if c.a_article_id in ids and c.b_article_id in ids]
        self.ders = [d for d in report.derivations if d.source_id in ids and d.derived_id in ids]
        self.fact_sources = _fact_sources(report).get(story.id, {}) if fact_sources is None else fact_sources
        self.key = (summary_key(story, self.arts, self.confs, self.ders, size, self.fact_sources)
                    + ("|c" if conflicts_done else ""))
        self.state_key = f"report.summary:{story.id}"
        self.cached: list[SummarySentence] | None = None
        got = store.get_state(self.state_key) if store is not None else None
        if isinstance(got, dict) and got.get("key") == self.key:
            try:
                self.cached = [SummarySentence.model_validate(s) for s in got.get("sentences", [])]
            except ValueError:
                log.debug("stale summary cache for %s", story.id)

    def summary(self, store: Store | None) -> list[SummarySentence]:
        if self.cached is not None:
            return self.cached
        vectors = (annotate.sentence_vector_loader(store)([a.id for a in self.arts])
                   if store is not None and len(self.arts) > 1 else None)
        sents = summarize_story(self.story, self.arts, self.confs, self.ders, size=self.size,
                                conflicts_analysed=self.conflicts_done, fact_sources=self.fact_sources,
                                vectors=vectors)
        if store is not None:
            try:
                store.put_state(self.state_key, {"key": self.key, "sentences": [s.model_dump(mode="json") for s in sents]})
            except Exception:  # noqa: BLE001 - a read-only store still gets its summary
                log.debug("could not cache summary", exc_info=True)
        return sents


def summary_for(store: Store | None, story: Story, by_id: dict[str, Article], report: Report,
                conflicts_done: bool, size: int = 5,
                fact_sources: dict[tuple[str, str], tuple[str, int]] | None = None) -> list[SummarySentence]:
    return _Prepared(store, story, by_id, report, conflicts_done, size, fact_sources).summary(store)
