"""One timeline for a whole corpus treated as one storyline (``storylens timeline``).

Every day-resolved date mention of every article (``nlp/dates.py``, against the article's publication date)
votes for its day once per independent source: an outlet counts once, so do an article and the one it
copied or rewrote. A day's ``score`` is its number of independent sources plus a tenth per article that
mentions it or was published on it (coverage peaks on the days things happen: the publication counts of
timeline summarisation), which breaks the ties of a few outlets; its text is the sentence of the story timeline's event on that day that the most sources carry, else
the first sentence that mentions the day. ``max_dates`` keeps the best days; the result is in date order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from storylens.model import Report, TimelineEvent
from storylens.nlp.annotate import body_sentences
from storylens.nlp.dates import find_dates


def corpus_timeline(report: Report, max_dates: int | None = None) -> list[TimelineEvent]:
    by_id = {a.id: a for a in report.articles}
    parent = {a.id: a.id for a in report.articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in report.derivations:
        if d.source_id in parent and d.derived_id in parent:
            a, b = find(d.source_id), find(d.derived_id)
            if a != b:
                parent[max(a, b)] = min(a, b)

    inferred = {aid: g.label for g in report.outlet_groups for aid in g.article_ids}

    def source(aid: str) -> str:
        a = by_id[aid]
        name = a.outlet or inferred.get(aid)
        return ("outlet:" + name.lower()) if name else "article:" + find(aid)

    dated = sorted(a.published_date() for a in report.articles if a.published is not None)
    near = dated[len(dated) // 2] if dated else None  # a date without a year, in an undated article: nearest this

    sources: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, list[str]] = defaultdict(list)
    first_text: dict[str, tuple[str, str, str]] = {}
    for a in sorted(report.articles, key=lambda a: (a.published is None, str(a.published), a.id)):
        ref = a.published_date()
        for sent in body_sentences(a):
            for m in find_dates(sent, ref):
                if m.granularity not in ("day", "time"):
                    continue
                day = m.value[:10]
                if day.startswith("XXXX-"):
                    if near is None:
                        continue
                    day = min((f"{y:04d}{day[4:]}" for y in (near.year - 1, near.year, near.year + 1)),
                              key=lambda v: abs((dt.date.fromisoformat(v) - near).days))
                sources[day].add(source(a.id))
                if a.id not in articles[day]:
                    articles[day].append(a.id)
                first_text.setdefault(day, (sent, m.text, a.id))
    best_event: dict[str, TimelineEvent] = {}
    for e in report.timeline:
        if e.granularity == "day" and not e.background:
            cur = best_event.get(e.date)
            if cur is None or (e.independent_sources, len(e.sources)) > (cur.independent_sources, len(cur.sources)):
                best_event[e.date] = e
    published: dict[str, int] = defaultdict(int)
    for a in report.articles:
        if a.published is not None:
            published[a.published_date().isoformat()] += 1

    def score(d: str) -> float:
        return len(sources[d]) + 0.1 * (len(articles[d]) + published.get(d, 0))

    days = sorted(sources, key=lambda d: (-score(d), d))
    if max_dates is not None:
        days = days[:max_dates]
    out = []
    for day in sorted(days):
        ev = best_event.get(day)
        text, expr, aid = (ev.text, ev.expression, ev.sources[0]) if ev else first_text[day]
        first = min(articles[day], key=lambda i: (by_id[i].published is None, str(by_id[i].published), i))
        out.append(TimelineEvent(
            date=day, granularity="day", text=text, expression=expr,
            anchor=by_id[aid].published_date().isoformat() if by_id[aid].published is not None else None,
            sources=articles[day], outlets=sorted({by_id[i].outlet for i in articles[day] if by_id[i].outlet}),
            independent_sources=len(sources[day]), first_reported=by_id[first].published,
            score=round(score(day), 3)))
    return out
