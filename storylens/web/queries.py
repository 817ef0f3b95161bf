"""Listing, filtering and sorting stories and articles for the web UI and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from storylens.model import Article, Story
from storylens.report.views import activity_of, story_title, when
from storylens.store import Store

Sort = Literal["activity", "recent", "size", "oldest"]
SEARCH_LIMIT = 2000
ACTIVITY_WINDOW_DAYS = 7


@dataclass
class StoryRow:
    story: Story
    title: str
    article_count: int
    outlets: list[str]
    first: dt.date | None
    last: dt.date | None
    activity: dict[str, int] = field(default_factory=dict)


def _as_date(v: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    return v


def story_rows(store: Store) -> list[StoryRow]:
    """One row per stored story, with counts, outlets and dates (computed from articles when missing)."""
    rows = []
    for s in store.get_stories():
        arts: list[Article] | None = None
        if not s.outlets or not s.activity or s.first_published is None or not s.title:
            arts = store.get_articles(s.article_ids)
        outlets = s.outlets or sorted({a.outlet or "unknown outlet" for a in arts or []})
        activity = s.activity or activity_of(arts or [])
        days = sorted(activity)
        first = _as_date(s.first_published) or (dt.date.fromisoformat(days[0][:10]) if days else None)
        last = _as_date(s.last_published) or (dt.date.fromisoformat(days[-1][:10]) if days else None)
        title = story_title(s, arts) if arts is not None else story_title(s, [])
        rows.append(StoryRow(s, title, len(s.article_ids), outlets, first, last, activity))
    return rows


def _in_range(first: dt.date | None, last: dt.date | None, date_from: dt.date | None, date_to: dt.date | None) -> bool:
    if date_from is None and date_to is None:
        return True
    if first is None and last is None:
        return False
    lo, hi = first or last, last or first
    assert lo is not None and hi is not None
    return not ((date_from and hi < date_from) or (date_to and lo > date_to))


def _recent_count(activity: dict[str, int], newest: dt.date | None) -> int:
    if newest is None:
        return 0
    start = newest - dt.timedelta(days=ACTIVITY_WINDOW_DAYS - 1)
    total = 0
    for k, v in activity.items():
        try:
            d = dt.date.fromisoformat(k[:10])
        except ValueError:
            continue
        if start <= d <= newest:
            total += v
    return total


def filter_stories(
    store: Store,
    q: str | None = None,
    outlet: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: Sort = "activity",
    rows_of: Callable[[Store], list[StoryRow]] = story_rows,
) -> list[StoryRow]:
    """Stories matching the filters, sorted. ``rows_of`` gives every story's row (a cache may stand in)."""
    rows = list(rows_of(store))
    if q and q.strip():
        hits = store.search(q, limit=SEARCH_LIMIT)
        rank: dict[str, int] = {}
        for i, aid in enumerate(hits):
            sid = store.story_of(aid)
            if sid is not None and sid not in rank:
                rank[sid] = i
        rows = [r for r in rows if r.story.id in rank]
    else:
        rank = {}
    if outlet:
        o = outlet.strip().lower()
        rows = [r for r in rows if any(x.lower() == o for x in r.outlets)]
    rows = [r for r in rows if _in_range(r.first, r.last, date_from, date_to)]
    newest = max((r.last for r in rows if r.last), default=None)
    far = dt.date.min
    if sort == "recent":
        rows.sort(key=lambda r: (-(r.last or far).toordinal(), -r.article_count, r.story.id))
    elif sort == "oldest":
        rows.sort(key=lambda r: ((r.first or dt.date.max).toordinal(), r.story.id))
    elif sort == "size":
        rows.sort(key=lambda r: (-r.article_count, -(r.last or far).toordinal(), r.story.id))
    else:  # activity: articles in the last week of the data, then size, then recency
        rows.sort(key=lambda r: (-_recent_count(r.activity, newest), -r.article_count,
                                 -(r.last or far).toordinal(), r.story.id))
    return rows


@dataclass(frozen=True)
class ArticleKey:
    """What the article filters need of one article, without its text."""

    id: str
    outlet: str  # lower case, "" when unknown
    day: dt.date | None
    order: tuple[int, str, str]  # publication order (views.when)


def _key(a: Article) -> ArticleKey:
    return ArticleKey(a.id, (a.outlet or "").lower(), a.published_date(), when(a))


def article_index(store: Store) -> list[ArticleKey]:
    """Every stored article's key, in publication order."""
    return sorted((_key(a) for a in store.iter_articles()), key=lambda k: k.order)


def filter_article_ids(
    store: Store,
    q: str | None = None,
    outlet: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    index_of: Callable[[Store], list[ArticleKey]] | None = None,
) -> list[str]:
    """Ids of the articles matching the filters: by relevance when searching, else in time order.
    ``index_of`` gives every article's key (a cache may stand in); a search without filters needs none."""
    searching = bool(q and q.strip())
    index: list[ArticleKey] | None = None
    if not searching or outlet or date_from or date_to:
        index = (index_of or article_index)(store)
    if searching:
        hits = store.search(q or "", limit=SEARCH_LIMIT)
        if not (outlet or date_from or date_to):
            return hits
        by_id = {k.id: k for k in index or []}
        missing = [i for i in hits if i not in by_id]  # stored since the index was read
        by_id.update((a.id, _key(a)) for a in store.get_articles(missing))
        keys = [by_id[i] for i in hits if i in by_id]
    else:
        keys = list(index or [])
    if outlet:
        o = outlet.strip().lower()
        keys = [k for k in keys if k.outlet == o]
    if date_from or date_to:
        keys = [k for k in keys if _in_range(k.day, k.day, date_from, date_to)]
    return [k.id for k in keys]


def filter_articles(
    store: Store,
    q: str | None = None,
    outlet: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[Article]:
    """Articles matching the filters: by relevance when searching, else in time order."""
    return store.get_articles(filter_article_ids(store, q, outlet, date_from, date_to))


def all_outlets(store: Store) -> list[str]:
    return sorted({a.outlet for a in store.iter_articles() if a.outlet})
