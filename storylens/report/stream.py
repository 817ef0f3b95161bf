"""The JSON report of a whole store, written as a stream: byte for byte what ``render_json(build_report(store))``
gives, without the report held in memory.

:func:`build_report` holds every article (bodies included), derivation, claim and summary of the store at
once, then :func:`render_json` holds the JSON text as well: about 630 MiB for 10,000 synthetic articles,
ten times that for 100,000. Here each section is written item by item, as ``model_dump_json(indent=2)``
writes it inside the report:

* articles: a first pass reads each article once for its sort key (publication, then id; the order
  :func:`build_report` sorts by), then they are read back in that order, a page at a time;
* derivations: read in the store's order (by their stored text, as ``get_derivations`` sorts them);
* claims, facts, quotes, conflicts, outlet groups, timeline: one pass over the stories' stored facts, each
  section spooled to a temporary file while the next is read (undated articles' estimates are kept: small);
* summaries: story by story, each from that story's own articles, derivations, conflicts and fact sources
  (what :func:`build_summaries` picks for it out of the whole report).

What stays in memory: the stories and storylines, one key per article, the conflicts (rare), the
undated articles' estimates, the sentences of the claims some fact names (for the summaries' fact sources),
and one page of articles or one story's summary inputs at a time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from storylens.model import Article, Claim, Conflict, Derivation, InputError, Report, Story
from storylens.report.build import LATER_SECTIONS, _call, _Prepared, _storylines, stage_status
from storylens.store import Store

PAGE = 256  # articles read back per query batch; stories summarised per batch
FACT_FIELDS = ("claims", "facts", "quotes", "conflicts", "outlet_groups", "timeline")  # StoryFacts -> Report
STREAMED = ("articles", "stories", "storylines", "derivations", *FACT_FIELDS, "comment_analysis", "summaries")


def _item(x: BaseModel) -> str:
    """One list item as the report's pretty JSON writes it: the item's own indented dump, four spaces in."""
    return "\n".join("    " + line for line in x.model_dump_json(indent=2).split("\n"))


class _Section:
    """One list section being written (``"name": [ ... ]``), item by item."""

    def __init__(self, out: IO[str]) -> None:
        self.out, self.n = out, 0

    def add(self, text: str) -> None:
        self.out.write(("[\n" if self.n == 0 else ",\n") + text)
        self.n += 1

    def close(self) -> None:
        self.out.write("\n  ]" if self.n else "[]")


def _sort_key(a: Article) -> tuple[bool, str, str, str]:
    # as build_report sorts: in publication order, then by id
    return (a.published is None, a.published_date().isoformat() if a.published else "", str(a.published or ""), a.id)


def _sqlite_conn(store: Store) -> Any | None:
    from storylens.store.sqlite import SQLiteStore

    return store.conn if isinstance(store, SQLiteStore) else None


def _all_articles(store: Store) -> Iterator[Article]:
    """Every stored article once, in pages (SQLite's ``iter_articles`` reads every row before the first)."""
    conn = _sqlite_conn(store)
    if conn is None:
        yield from store.iter_articles()
        return
    last = -1
    while True:
        rows = conn.execute("SELECT seq, data FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, PAGE)).fetchall()
        if not rows:
            return
        for _seq, data in rows:
            yield Article.model_validate_json(data)
        last = rows[-1][0]


def _all_derivations(store: Store, idset: set[str]) -> Iterator[Derivation]:
    """The derivations between stored articles, in ``get_derivations(ids)``'s order (by stored text; SQLite's
    BINARY order of UTF-8 text is Python's order of the same strings)."""
    conn = _sqlite_conn(store)
    if conn is None:
        yield from (d for d in store.get_derivations(idset) if d.source_id in idset and d.derived_id in idset)
        return
    last: str | None = None
    while True:
        if last is None:
            rows = conn.execute("SELECT data, source_id, derived_id FROM derivations ORDER BY data LIMIT ?",
                                (PAGE,)).fetchall()
        else:
            rows = conn.execute("SELECT data, source_id, derived_id FROM derivations WHERE data > ? ORDER BY data "
                                "LIMIT ?", (last, PAGE)).fetchall()
        if not rows:
            return
        for data, src, dst in rows:
            if src in idset and dst in idset:
                yield Derivation.model_validate_json(data)
        last = rows[-1][0]


def _chunks(xs: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]


class _Facts:
    """One pass over the stories' stored facts: each report section spooled to a file, and what the summaries
    need kept (conflicts by article, each story's fact sources, the estimates)."""

    def __init__(self, store: Store, stories: list[Story], idset: set[str]) -> None:
        self.files = {f: tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
                      for f in FACT_FIELDS}
        self.count = dict.fromkeys(FACT_FIELDS, 0)
        self.conflicts: list[Conflict] = []
        self.estimates: dict[str, Any] = {}
        # per story: (article id, sentence) -> (fact id, independent sources), as build's _fact_sources
        self.sources: dict[str, dict[tuple[str, str], tuple[str, int]]] = {}
        # sections a store serves whole (none of the built-in ones but comments): first, as build_report
        served = {}
        for field, getter_name, _stages in LATER_SECTIONS:
            getter = getattr(store, getter_name, None)
            if field in FACT_FIELDS and callable(getter):
                served[field] = _call(getter, idset)
        story_ids = [s.id for s in stories]
        # the claims some fact names: a first pass over the facts, so that only those claims' sentences are
        # kept (a claim per body sentence: a map of all of them would grow with the corpus)
        self.referenced: set[str] = {c for f in served.get("facts", []) for c in f.claim_ids}
        for facts in _story_fact_lists(store, story_ids):
            self.referenced.update(c for f in facts for c in f.get("claim_ids", ()))
        claims_seen: dict[str, tuple[str, str]] = {}  # claim id -> (article id, text), the last one met wins
        facts_refs: list[tuple[str, str, int, list[str]]] = []  # (story, fact id, sources, claim ids)
        for field, items in served.items():
            for x in items:
                self._spool(field, x, claims_seen, facts_refs)
        getter = getattr(store, "get_story_facts", None)
        if callable(getter):
            for ids in _chunks(story_ids, PAGE):
                for sf in getter(ids):
                    for field in FACT_FIELDS:
                        for x in getattr(sf, field):
                            self._spool(field, x, claims_seen, facts_refs)
                    self.estimates.update(sf.estimates)
        for sid, fid, n, claim_ids in facts_refs:
            per = self.sources.setdefault(sid, {})
            for cid in claim_ids:
                c = claims_seen.get(cid)
                if c is not None:
                    per[c] = (fid, n)
        self.conflicts_by_article: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(self.conflicts):
            self.conflicts_by_article[c.a_article_id].append(i)
            self.conflicts_by_article[c.b_article_id].append(i)

    def _spool(self, field: str, x: Any, claims_seen: dict[str, tuple[str, str]],
               facts_refs: list[tuple[str, str, int, list[str]]]) -> None:
        f = self.files[field]
        f.write(("" if self.count[field] == 0 else ",\n") + _item(x))
        self.count[field] += 1
        if field == "conflicts":
            self.conflicts.append(x)
        elif field == "claims":
            assert isinstance(x, Claim)
            if x.id in self.referenced:
                claims_seen[x.id] = (x.article_id, x.text)
        elif field == "facts":
            facts_refs.append((x.story_id, x.id, x.independent_sources, list(x.claim_ids)))

    def write(self, field: str, out: IO[str]) -> None:
        f = self.files[field]
        if not self.count[field]:
            out.write("[]")
            return
        out.write("[\n")
        f.seek(0)
        shutil.copyfileobj(f, out)
        out.write("\n  ]")

    def story_conflicts(self, ids: set[str]) -> list[Conflict]:
        pos = sorted({i for a in ids for i in self.conflicts_by_article.get(a, ())})
        return [self.conflicts[i] for i in pos if self.conflicts[i].a_article_id in ids
                and self.conflicts[i].b_article_id in ids]

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def _story_fact_lists(store: Store, story_ids: list[str]) -> Iterator[list[dict[str, Any]]]:
    """Each story's stored facts as plain dicts (``claim_ids`` is all the first pass reads): the stored JSON
    where the store keeps the base class's layout, else through ``get_story_facts``."""
    if type(store).get_story_facts is Store.get_story_facts:
        for sid in story_ids:
            got = store.get_state(store.FACTS_KEY + sid)
            if got:
                yield list(got.get("facts", []))
        return
    for ids in _chunks(story_ids, PAGE):
        for sf in store.get_story_facts(ids):
            yield [f.model_dump(include={"claim_ids"}) for f in sf.facts]


def _skeleton(stages: dict[str, str], errors: list[InputError], stats: dict[str, dict[str, float]]) -> dict[str, str]:
    """The report's other fields as its JSON writes them, and each streamed section's place: {field: text
    before it}, with the text after the last section under ``""``."""
    text = Report(stages=stages, errors=errors, stats=stats).model_dump_json(indent=2)
    parts: dict[str, str] = {}
    rest = text
    for field in STREAMED:
        marker = f'\n  "{field}": []'
        head, sep, rest = rest.partition(marker)
        if not sep:
            raise ValueError(f"report field {field!r} not where the streamed report expects it")
        parts[field] = head + f'\n  "{field}": '
    parts[""] = rest + "\n"
    return parts


def write_report_json(store: Store, out: IO[str], errors: Iterable[InputError] = (),
                      stages: dict[str, str] | None = None,
                      stats: Any = None) -> tuple[int, int, int]:
    """Write the store's whole report as JSON to ``out``: what ``render_json`` writes for ``build_report(store)``
    with ``errors`` set, ``stages`` added to its stages, and ``stats()`` (called once every other section is
    written, so it can time them) as its stats. Returns (articles, stories, derivations) written."""
    stories = store.get_stories()
    storylines = _storylines(store, stories, None)
    keys = sorted(_sort_key(a) for a in _all_articles(store))
    order = [k[3] for k in keys]
    del keys
    idset = set(order)
    facts = _Facts(store, stories, idset)
    try:
        status = stage_status()  # the stages as build_report sees them when it summarises
        head = _skeleton(status, [], {})
        out.write(head["articles"])
        sec = _Section(out)
        for ids in _chunks(order, PAGE):
            for a in store.get_articles(ids):
                est = facts.estimates.get(a.id)
                sec.add(_item(a if est is None else a.model_copy(update={"published_estimate": est})))
        sec.close()
        n_articles = sec.n
        for field, items in (("stories", stories), ("storylines", storylines)):
            out.write(head[field])
            sec = _Section(out)
            for x in items:
                sec.add(_item(x))
            sec.close()
        out.write(head["derivations"])
        sec = _Section(out)
        any_derivation = False
        for d in _all_derivations(store, idset):
            sec.add(_item(d))
            any_derivation = True
        sec.close()
        n_derivations = sec.n
        for field in FACT_FIELDS:
            out.write(head[field])
            facts.write(field, out)
        out.write(head["comment_analysis"])
        sec = _Section(out)
        getter = getattr(store, "get_comment_analysis", None)
        if callable(getter):
            for x in _call(getter, idset):
                sec.add(_item(x))
        sec.close()
        out.write(head["summaries"])
        sec = _Section(out)
        conflicts_done = bool(facts.conflicts) or any(status.get(s) == "done" for s in ("claims", "conflicts"))
        for batch in _story_batches(stories, PAGE):
            prepared = [_prepare(store, story, facts, idset, conflicts_done, any_derivation) for story in batch]
            for p in prepared:
                for s in p.summary(store):
                    sec.add(_item(s))
        sec.close()
    finally:
        facts.close()
    merged = dict(status)
    merged.update(stages or {})
    tail = _skeleton(merged, list(errors), (stats() if callable(stats) else stats) or {})
    out.write(tail[""])
    return n_articles, len(stories), n_derivations


def _story_batches(stories: list[Story], n: int) -> Iterator[list[Story]]:
    for i in range(0, len(stories), n):
        yield stories[i : i + n]


def _prepare(store: Store, story: Story, facts: _Facts, idset: set[str], conflicts_done: bool,
             any_derivation: bool) -> _Prepared:
    """What build_summaries prepares for ``story``, from that story's own part of the report."""
    ids = [i for i in dict.fromkeys(story.article_ids) if i in idset]
    arts = store.get_articles(ids)
    arts = [a if (est := facts.estimates.get(a.id)) is None else a.model_copy(update={"published_estimate": est})
            for a in arts]
    by_id = {a.id: a for a in arts}
    own = set(by_id)
    ders = [d for d in store.get_derivations(sorted(own)) if d.source_id in own and d.derived_id in own] \
        if any_derivation and own else []
    part = Report(derivations=ders, conflicts=facts.story_conflicts(own))
    return _Prepared(store, story, by_id, part, conflicts_done, 5, facts.sources.get(story.id, {}))


def write_report_file(store: Store, target: str | Path, errors: Iterable[InputError] = (),
                      stages: dict[str, str] | None = None, stats: Any = None) -> tuple[int, int, int]:
    """:func:`write_report_json` to a file ('-': stdout). The file appears whole or not at all: it is written
    beside the target and renamed once complete. An ``OSError`` of the target's folder or file is raised."""
    if str(target) == "-":
        return write_report_json(store, sys.stdout, errors, stages, stats)
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            counts = write_report_json(store, f, errors, stages, stats)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return counts
