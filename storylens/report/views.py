"""View models shared by the static HTML report and the web UI.

Everything here is plain data (numbers, strings) for templates to render;
nothing is pre-escaped: the templates escape every string they print.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from storylens.model import (
    Article,
    Claim,
    CommentAnalysis,
    Conflict,
    Derivation,
    Fact,
    OutletGroup,
    Quote,
    Report,
    Story,
    Storyline,
    SummarySentence,
    TimelineEvent,
)
from storylens.report.build import section_analysed
from storylens.report.diff import Segment, pair_changes, word_diff

MAX_GRAPH_NODES = 60
MAX_PAIRS_SHOWN = 120
MAX_MATRIX_ROWS = 40
TITLE_MAX = 300
LOOSE_ID = "unclustered"
UNKNOWN_OUTLET = "unknown outlet"


def short(text: str | None, limit: int = TITLE_MAX) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address (never javascript:, data: and the like)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def when(a: Article) -> tuple[int, str, str]:
    p = a.published
    if p is None:
        return (1, "", a.id)
    return (0, p.isoformat(), a.id)


def date_label(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "undated"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


# ---------------------------------------------------------------- sparkline


@dataclass
class Sparkline:
    points: str
    width: int
    height: int
    days: int
    total: int
    peak: int
    label: str


def sparkline(activity: dict[str, int], width: int = 120, height: int = 24, max_points: int = 60) -> Sparkline | None:
    """An SVG polyline of articles per day, zero-filled between the first and last day."""
    parsed: dict[dt.date, int] = {}
    for k, v in activity.items():
        try:
            parsed[dt.date.fromisoformat(k[:10])] = parsed.get(dt.date.fromisoformat(k[:10]), 0) + int(v)
        except ValueError:
            continue
    if not parsed:
        return None
    first, last = min(parsed), max(parsed)
    days = (last - first).days + 1
    series = [parsed.get(first + dt.timedelta(days=i), 0) for i in range(days)]
    if len(series) > max_points:  # bin into max_points buckets
        step = math.ceil(len(series) / max_points)
        series = [sum(series[i : i + step]) for i in range(0, len(series), step)]
    if len(series) == 1:
        series = series * 2
    peak = max(series) or 1
    n = len(series)
    pts = []
    for i, v in enumerate(series):
        x = 1 + (width - 2) * i / (n - 1)
        y = height - 1 - (height - 2) * v / peak
        pts.append(f"{x:.1f},{y:.1f}")
    total = sum(parsed.values())
    label = f"{total} article(s) over {days} day(s), from {first.isoformat()} to {last.isoformat()}; peak {max(parsed.values())} a day"
    return Sparkline(" ".join(pts), width, height, days, total, max(parsed.values()), label)


def activity_of(articles: list[Article]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for a in articles:
        d = a.published_date()
        if d is not None:
            out[d.isoformat()] += 1
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- derivation graph


@dataclass
class GraphNode:
    id: str
    x: float
    y: float
    label: str
    title: str
    date: str


@dataclass
class GraphEdge:
    path: str
    kind: str
    title: str
    anchor: str
    lx: float = 0.0
    ly: float = 0.0


@dataclass
class Graph:
    width: int
    height: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    lanes: list[tuple[str, float]]
    truncated: int = 0


def derivation_graph(articles: list[Article], derivations: list[Derivation], anchors: dict[tuple[str, str], str]) -> Graph | None:
    """Lay articles out by outlet (rows) and time (columns); draw who derived from whom."""
    if not derivations:
        return None
    involved = {d.source_id for d in derivations} | {d.derived_id for d in derivations}
    arts = sorted([a for a in articles if a.id in involved], key=when)
    truncated = max(0, len(arts) - MAX_GRAPH_NODES)
    arts = arts[:MAX_GRAPH_NODES]
    lanes_order: list[str] = []
    for a in arts:
        o = a.outlet or "unknown outlet"
        if o not in lanes_order:
            lanes_order.append(o)
    left, top, lane_h, step = 150, 44, 64, 100
    width = left + step * max(1, len(arts)) + 20
    height = top + lane_h * len(lanes_order) + 10
    pos: dict[str, tuple[float, float]] = {}
    nodes = []
    for i, a in enumerate(arts):
        lane = lanes_order.index(a.outlet or "unknown outlet")
        x, y = left + step * i + step / 2, top + lane_h * lane + lane_h / 2
        pos[a.id] = (x, y)
        nodes.append(GraphNode(a.id, x, y, str(i + 1), short(a.label, 120), date_label(a.published)))
    edges = []
    for d in derivations:
        if d.source_id not in pos or d.derived_id not in pos:
            continue
        (x1, y1), (x2, y2) = pos[d.source_id], pos[d.derived_id]
        # bow every arrow to its left (seen from the source), more for longer ones, so arrows that
        # skip over other articles do not run through them
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        bow = min(60.0, 8.0 + 0.22 * length)
        mx, my = (x1 + x2) / 2 + dy / length * bow, (y1 + y2) / 2 - dx / length * bow
        path = f"M{x1:.1f},{y1:.1f} Q{mx:.1f},{my:.1f} {x2:.1f},{y2:.1f}"
        title = f"{d.kind}: score {d.score:.2f}, coverage {d.coverage:.0%}"
        edges.append(GraphEdge(path, d.kind, title, anchors.get((d.source_id, d.derived_id), ""), mx, my))
    lanes = [(short(o, 22), top + lane_h * i + lane_h / 2) for i, o in enumerate(lanes_order)]
    return Graph(int(width), int(height), nodes, edges, lanes, truncated)


# ---------------------------------------------------------------- diffs


@dataclass
class DiffRow:
    source: list[Segment]
    derived: list[Segment]
    similarity: float
    source_index: int
    derived_index: int


@dataclass
class DiffView:
    anchor: str
    derivation: Derivation
    source: Article | None
    derived: Article | None
    rows: list[DiffRow]
    hidden_rows: int = 0


def diff_view(d: Derivation, by_id: dict[str, Article], anchor: str) -> DiffView:
    rows = []
    for p in d.pairs[:MAX_PAIRS_SHOWN]:
        a, b = word_diff(p.source_text, p.derived_text, pair_changes(p, d.changes))
        rows.append(DiffRow(a, b, p.similarity, p.source_index, p.derived_index))
    return DiffView(anchor, d, by_id.get(d.source_id), by_id.get(d.derived_id), rows,
                    max(0, len(d.pairs) - MAX_PAIRS_SHOWN))


# ---------------------------------------------------------------- coverage matrix


@dataclass
class MatrixRow:
    text: str
    sources: int  # independent sources carrying the fact
    cells: list[str]  # per outlet: "reported", "omitted", "conflict" or ""
    spans: list[str]  # per outlet: the text the outlet wrote (for the cell's title), or ""
    fact_id: str = ""


@dataclass
class Matrix:
    outlets: list[str]
    rows: list[MatrixRow]
    hidden: int = 0
    single: int = 0  # facts carried by one article only (not shown as rows)


def outlet_labels(arts: list[Article], groups: list[OutletGroup]) -> dict[str, str]:
    """Each article's outlet as shown: its own, or the one inferred for it ("outlet A"), else unknown."""
    inferred = {aid: g.label for g in groups for aid in g.article_ids}
    return {a.id: a.outlet or inferred.get(a.id) or UNKNOWN_OUTLET for a in arts}


def coverage_matrix(facts: list[Fact], claims: list[Claim], conflicts: list[Conflict], by_id: dict[str, Article],
                    labels: dict[str, str]) -> Matrix | None:
    """Facts by outlets: which outlet reports, omits or contradicts which fact (facts several articles carry)."""
    if not facts:
        return None
    by_claim = {c.id: c for c in claims}
    conflicting = {cid for x in conflicts for cid in x.claim_ids}
    shared = [f for f in facts if len(f.article_ids) > 1]
    outlets = sorted({labels[a] for f in shared for a in f.article_ids + f.omitted_by if a in labels})
    rows = []
    for f in shared:
        cells = [""] * len(outlets)
        spans = [""] * len(outlets)
        for aid in f.omitted_by:
            if aid in labels:
                cells[outlets.index(labels[aid])] = "omitted"
        for cid in f.claim_ids:
            c = by_claim.get(cid)
            if c is None or c.article_id not in labels:
                continue
            k = outlets.index(labels[c.article_id])
            cells[k] = "conflict" if cid in conflicting else ("reported" if cells[k] != "conflict" else "conflict")
            spans[k] = spans[k] or short(c.text, 300)
        rows.append(MatrixRow(short(f.text, 200), f.independent_sources, cells, spans, f.id))
    return Matrix(outlets, rows[:MAX_MATRIX_ROWS], max(0, len(rows) - MAX_MATRIX_ROWS),
                  sum(1 for f in facts if len(f.article_ids) == 1))


@dataclass
class SpeakerQuotes:
    speaker: str
    quotes: list[Quote]


def quotes_by_speaker(quotes: list[Quote], limit: int = 30) -> list[SpeakerQuotes]:
    """Quotes grouped by speaker; speakers carried by more articles first."""
    groups: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        if q.speaker:  # "it is expected to..." has no one to list it under
            groups[q.speaker].append(q)
    out = [SpeakerQuotes(k, sorted(v, key=lambda q: (-len(q.article_ids), q.id))) for k, v in groups.items()]
    out.sort(key=lambda g: (-max(len(q.article_ids) for q in g.quotes), -len(g.quotes), g.speaker))
    return out[:limit]


# ---------------------------------------------------------------- story view


@dataclass
class _FactsIndex:
    claims: dict[str, list[Claim]]
    facts: dict[str, list[Fact]]
    quotes: dict[str, list[Quote]]


_LAST_INDEX: list[tuple[Report, tuple[int, int, int], _FactsIndex]] = []


def _facts_index(report: Report) -> _FactsIndex:
    """Claims by article, facts and quotes by story: built once per report, not once per story view (a
    report of a thousand stories and tens of thousands of claims)."""
    sizes = (len(report.claims), len(report.facts), len(report.quotes))
    if _LAST_INDEX and _LAST_INDEX[0][0] is report and _LAST_INDEX[0][1] == sizes:
        return _LAST_INDEX[0][2]
    idx = _FactsIndex(defaultdict(list), defaultdict(list), defaultdict(list))
    for c in report.claims:
        idx.claims[c.article_id].append(c)
    for f in report.facts:
        idx.facts[f.story_id].append(f)
    for q in report.quotes:
        if q.story_id:
            idx.quotes[q.story_id].append(q)
    _LAST_INDEX[:] = [(report, sizes, idx)]
    return idx


@dataclass
class StoryView:
    story: Story
    title: str
    articles: list[Article]
    outlets: list[tuple[str, int]]
    spark: Sparkline | None
    summary: list[SummarySentence]
    cite_numbers: dict[str, int]
    graph: Graph | None
    diffs: list[DiffView]
    copies: list[Derivation]
    matrix: Matrix | None
    claims_analysed: bool
    quotes: list[SpeakerQuotes]
    labels: dict[str, str]
    conflicts: list[Conflict]
    conflicts_analysed: bool
    timeline: list[TimelineEvent]
    timeline_analysed: bool
    comments: list[CommentAnalysis]
    comments_analysed: bool
    comment_count: int
    reuse_analysed: bool
    by_id: dict[str, Article] = field(default_factory=dict)
    loose: bool = False
    first: dt.datetime | dt.date | None = None
    last: dt.datetime | dt.date | None = None
    storyline_title: str | None = None

    @property
    def outlet_phrase(self) -> str:
        """'12 article(s) from 5 outlet(s)'; articles whose outlet is unknown are counted apart, not as an outlet."""
        unknown = dict(self.outlets).get(UNKNOWN_OUTLET, 0)
        known = sum(1 for o, _ in self.outlets if o != UNKNOWN_OUTLET)
        out = f"{len(self.articles)} article(s)"
        if known:
            out += f" from {known} outlet(s)"
        if unknown:
            out += (" and " if known else ", ") + f"{unknown} of unknown outlet"
        return out


def story_title(story: Story, articles: list[Article]) -> str:
    if story.title:
        return short(story.title)
    for a in sorted(articles, key=when):
        if a.title:
            return short(a.title)
    return f"Story {short(story.id, 40)}"


def story_view(report: Report, story: Story, anchor_prefix: str = "") -> StoryView:
    by_all = {a.id: a for a in report.articles}
    arts = sorted([by_all[i] for i in story.article_ids if i in by_all], key=when)
    by_id = {a.id: a for a in arts}
    counts: dict[str, int] = defaultdict(int)
    for a in arts:
        counts[a.outlet or UNKNOWN_OUTLET] += 1
    ders = sorted([d for d in report.derivations if d.source_id in by_id and d.derived_id in by_id],
                  key=lambda d: (when(by_id[d.derived_id]), d.source_id))
    shown = [d for d in ders if d.kind != "copy" or d.changes]
    copies = [d for d in ders if d.kind == "copy" and not d.changes]
    anchors = {(d.source_id, d.derived_id): f"{anchor_prefix}diff-{i + 1}" for i, d in enumerate(shown)}
    anchors.update({(d.source_id, d.derived_id): f"{anchor_prefix}copies" for d in copies})
    diffs = [diff_view(d, by_id, anchors[(d.source_id, d.derived_id)]) for d in shown]
    summary = [s for s in report.summaries if s.story_id == story.id]
    cite_numbers = {a.id: i + 1 for i, a in enumerate(arts)}
    ids = set(by_id)
    index = _facts_index(report)
    claims = [c for aid in story.article_ids for c in index.claims.get(aid, [])]
    facts = index.facts.get(story.id, [])
    labels = outlet_labels(arts, [g for g in report.outlet_groups if g.story_id == story.id])
    # an article of no known outlet is its own column, named by its citation number
    labels = {aid: (f"{UNKNOWN_OUTLET} [{cite_numbers[aid]}]" if lab == UNKNOWN_OUTLET else lab)
              for aid, lab in labels.items()}
    conflicts = [c for c in report.conflicts if c.a_article_id in ids or c.b_article_id in ids]
    timeline = sorted([t for t in report.timeline if t.story_id == story.id or (t.story_id is None and set(t.sources) & ids)],
                      key=lambda t: (t.date, t.text))
    comments = [c for c in report.comment_analysis if c.article_id in ids]
    line = next((sl for sl in report.storylines if sl.id == story.storyline_id), None)
    return StoryView(
        storyline_title=line.title if line is not None else None,
        story=story,
        title=story_title(story, arts),
        articles=arts,
        outlets=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        spark=sparkline(story.activity or activity_of(arts)),
        summary=summary,
        cite_numbers=cite_numbers,
        graph=derivation_graph(arts, ders, anchors),
        diffs=diffs,
        copies=copies,
        matrix=coverage_matrix(facts, claims, conflicts, by_id, labels),
        quotes=quotes_by_speaker(index.quotes.get(story.id, [])),
        labels=labels,
        claims_analysed=section_analysed(report, "claims"),
        conflicts=conflicts,
        conflicts_analysed=section_analysed(report, "conflicts"),
        timeline=timeline,
        timeline_analysed=section_analysed(report, "timeline"),
        comments=comments,
        comments_analysed=section_analysed(report, "comment_analysis"),
        comment_count=sum(len(a.comments) for a in arts),
        reuse_analysed=report.stages.get("reuse") == "done" or bool(report.derivations),
        by_id=by_id,
        first=next((a.published for a in arts if a.published is not None), None),
        last=next((a.published for a in reversed(arts) if a.published is not None), None),
        loose=story.id == LOOSE_ID and story.id not in {s.id for s in report.stories},
    )


def loose_story(report: Report) -> Story | None:
    """Articles that belong to no story, gathered so they can still be shown (e.g. before clustering)."""
    grouped = {i for s in report.stories for i in s.article_ids}
    loose = [a.id for a in sorted(report.articles, key=when) if a.id not in grouped]
    if not loose:
        return None
    return Story(id=LOOSE_ID, title="Articles not grouped into stories", article_ids=loose)


# ---------------------------------------------------------------- storylines


def _day_of(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass
class AxisRow:
    """One story on a storyline's time axis: where its bar starts and how wide it is (percent of the axis)."""

    story: Story
    title: str
    first: dt.date | None
    last: dt.date | None
    left: float
    width: float
    outlets: list[str]
    articles: int


@dataclass
class StorylineView:
    storyline: Storyline
    title: str
    first: dt.date | None
    last: dt.date | None
    rows: list[AxisRow]
    undated: list[AxisRow]
    ticks: list[tuple[float, str]]  # (percent, label) for the axis


def storyline_view(storyline: Storyline, stories: list[Story]) -> StorylineView:
    """A storyline's stories on one time axis (days), outlets per story; undated stories listed apart."""
    by_id = {s.id: s for s in stories}
    members = [by_id[i] for i in storyline.story_ids if i in by_id]
    days = [d for s in members for d in (_day_of(s.first_published), _day_of(s.last_published)) if d]
    lo, hi = (min(days), max(days)) if days else (None, None)
    span = max(1, (hi - lo).days + 1) if lo and hi else 1
    rows: list[AxisRow] = []
    undated: list[AxisRow] = []
    for s in members:
        f, la = _day_of(s.first_published), _day_of(s.last_published) or _day_of(s.first_published)
        title = (s.title or "(untitled)").strip()
        if lo is None or f is None or la is None:
            undated.append(AxisRow(s, title, None, None, 0.0, 0.0, list(s.outlets), len(s.article_ids)))
            continue
        left = 100.0 * (f - lo).days / span
        width = max(100.0 * ((la - f).days + 1) / span, 0.8)
        rows.append(AxisRow(s, title, f, la, round(left, 2), round(min(width, 100.0 - left), 2),
                            list(s.outlets), len(s.article_ids)))
    ticks: list[tuple[float, str]] = []
    if lo and hi:
        step = max(1, span // 6)
        d = lo
        while d <= hi:
            ticks.append((round(100.0 * (d - lo).days / span, 2), d.isoformat()))
            d += dt.timedelta(days=step)
    title = (storyline.title or (rows[0].title if rows else "(untitled storyline)")).strip()
    return StorylineView(storyline, title, lo, hi, rows, undated, ticks)
