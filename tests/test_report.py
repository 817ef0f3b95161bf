"""Report building and rendering (JSON, Markdown, static HTML), the word diff and the cited summary.

Test data is built from model objects directly, so these tests do not depend on
the reuse and stories stages; one end-to-end test runs the pipeline on the seeds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from storylens.model import (
    AlignedPair,
    Article,
    Change,
    Conflict,
    Derivation,
    Report,
    Span,
    Story,
)
from storylens.report import build_report, render_html, render_json, render_markdown
from storylens.report.diff import word_diff
from storylens.report.summary import summarize_story
from storylens.report.views import safe_url, sparkline, story_view
from storylens.store import Store, open_store

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "seeds"

S_CLOSED = "The harbour bridge was closed on Monday after inspectors found cracks in two support cables."
S_SHUT3 = "Officials said the bridge would stay shut for at least three weeks while engineers assess the damage."
S_SHUT5 = "Officials said the bridge would stay shut for at least five weeks while engineers assess the damage."
S_ROAD = "Drivers were told to use the northern ring road instead, the city transport office said."
S_COST = "The mayor said repairs would cost about four million euros and would be paid from the reserve fund."
S_FERRY = "A ferry company offered to run extra boats across the bay during the closure period."
S_VOTE = "The national parliament approved a new fisheries law after a long debate about quotas on Thursday."
S_VOTE2 = "Fishing groups said the quotas would force smaller boats out of business within two years."


def art(aid: str, outlet: str, title: str, body: list[str], day: int, hour: int = 9) -> Article:
    return Article(id=aid, content_hash="h-" + aid, outlet=outlet, title=title, body=body,
                   published=dt.datetime(2026, 3, day, hour, 0, tzinfo=dt.timezone.utc), published_from="meta")


def sample() -> tuple[list[Article], list[Story], list[Derivation]]:
    """Story s1: a (original), b (rewrite of a with a changed number), c (copy of a); story s2: d alone."""
    a = art("a", "Harbour Times", "Harbour bridge closed after cracks found", [S_CLOSED, S_SHUT3 + " " + S_ROAD, S_COST], 2)
    b = art("b", "Bay Daily", "Bridge shut for weeks", [S_CLOSED, S_SHUT5, S_FERRY], 2, 14)
    c = art("c", "Coast Wire", "Harbour bridge closed after cracks found", [S_CLOSED, S_SHUT3 + " " + S_ROAD, S_COST], 3)
    d = art("d", "Capital Post", "Fisheries law passes", [S_VOTE, S_VOTE2], 5)
    ch = Change(kind="number", source=Span(text="three", start=S_SHUT3.index("three"), end=S_SHUT3.index("three") + 5),
                derived=Span(text="five"), source_index=1, derived_index=1,
                explanation="the number of weeks changed from three to five", score=0.9)
    rewrite = Derivation(
        source_id="a", derived_id="b", kind="rewrite", score=0.8, coverage=0.67, source_kept=0.5,
        direction_from="published", direction_confidence=0.9,
        pairs=[AlignedPair(source_index=0, derived_index=0, source_text=S_CLOSED, derived_text=S_CLOSED, similarity=1.0),
               AlignedPair(source_index=1, derived_index=1, source_text=S_SHUT3, derived_text=S_SHUT5, similarity=0.93)],
        changes=[ch], omitted=[S_ROAD, S_COST], added=[S_FERRY])
    copy = Derivation(source_id="a", derived_id="c", kind="copy", score=0.99, coverage=1.0, source_kept=1.0)
    s1 = Story(id="s1", title="Harbour bridge closed", article_ids=["a", "b", "c"],
               outlets=["Bay Daily", "Coast Wire", "Harbour Times"], activity={"2026-03-02": 2, "2026-03-03": 1},
               first_published=dt.date(2026, 3, 2), last_published=dt.date(2026, 3, 3))
    s2 = Story(id="s2", article_ids=["d"])
    return [a, b, c, d], [s1, s2], [rewrite, copy]


def sample_store(path: str = ":memory:", stories: bool = True) -> Store:
    articles, story_list, ders = sample()
    store = open_store(path)
    store.add_articles(articles)
    store.put_derivations(ders)
    if stories:
        store.put_stories(story_list)
    mark = getattr(store, "mark_processed", None)
    if callable(mark):  # the stages must not re-analyse these hand-made articles on the next ingest
        mark(a.id for a in articles)
    return store


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(html)
    return p.tags


# ---------------------------------------------------------------- build


def test_build_report_for_one_story_holds_only_its_articles_and_derivations() -> None:
    store = sample_store()
    full = build_report(store)
    assert {a.id for a in full.articles} == {"a", "b", "c", "d"}
    one = build_report(store, ["s2"])
    assert [a.id for a in one.articles] == ["d"] and one.derivations == []
    s1 = build_report(store, ["s1"])
    assert {(d.source_id, d.derived_id) for d in s1.derivations} == {("a", "b"), ("a", "c")}
    assert build_report(store, ["nope"]).articles == []
    # the comments stage is part of this version but has not seen these hand-made articles: nothing is invented
    assert s1.stages["comments"] == "done" and s1.comment_analysis == []
    # the facts stage is part of this version but has not seen these hand-made articles: nothing is invented
    assert s1.stages["claims"] == "done" and s1.claims == [] and s1.timeline == []


def test_report_json_validates_against_the_model() -> None:
    store = sample_store()
    text = render_json(build_report(store, ["s1"]))
    again = Report.model_validate_json(text)
    assert again.summaries and all(s.story_id == "s1" for s in again.summaries)
    assert json.loads(text)["schema_version"] == again.schema_version


# ---------------------------------------------------------------- summary


def test_summary_cites_every_outlet_that_carries_a_sentence_and_prefers_corroborated_ones() -> None:
    articles, stories, ders = sample()
    sents = summarize_story(stories[0], articles, derivations=ders, size=3)
    facts = [s for s in sents if s.kind == "sentence"]
    assert 1 <= len(facts) <= 3
    first = facts[0]
    assert first.text == S_CLOSED  # the lead, carried by all three articles
    assert set(first.cites) == {"a", "b", "c"}
    # b rewrote a and c copied it: they repeat the sentence, they do not corroborate it
    assert first.outlets == ["Harbour Times"] and set(first.derived) == {"b", "c"}
    assert first.article_id == "a"
    # the rewrite's drifted sentence ("five weeks") never stands in for the original's ("three weeks")
    five = [s for s in summarize_story(stories[0], articles, derivations=ders, size=5) if s.kind == "sentence"]
    assert S_SHUT3 in [s.text for s in five] and S_SHUT5 not in [s.text for s in five]
    assert S_FERRY in [s.text for s in five]  # what the rewrite added on its own is its own sentence
    # without the reuse stage's findings the three outlets look independent
    unaware = [s for s in summarize_story(stories[0], articles, size=3) if s.kind == "sentence"][0]
    assert unaware.text == S_CLOSED and len(unaware.outlets) == 3 and unaware.derived == []
    # no two summary sentences say the same thing
    assert len({s.text for s in facts}) == len(facts)
    assert not any(s.text == S_SHUT5 for s in facts) or not any(s.text == S_SHUT3 for s in facts)
    # every cited id belongs to the story
    assert all(set(s.cites) <= {"a", "b", "c"} for s in sents)


def test_summary_names_a_rewrite_change_when_conflicts_were_not_analysed() -> None:
    articles, stories, ders = sample()
    notes = [s for s in summarize_story(stories[0], articles, derivations=ders) if s.kind == "conflict"]
    assert len(notes) == 1
    assert "three" in notes[0].text and "five" in notes[0].text and set(notes[0].cites) == {"a", "b"}


def test_summary_names_conflicts_from_the_claims_stage() -> None:
    articles, stories, ders = sample()
    conf = Conflict(id="k1", kind="number", claim_ids=["x", "y"], a=Span(text="three weeks"), b=Span(text="five weeks"),
                    a_article_id="a", b_article_id="b", explanation="duration differs")
    notes = [s for s in summarize_story(stories[0], articles, conflicts=[conf], derivations=ders,
                                        conflicts_analysed=True) if s.kind == "conflict"]
    assert len(notes) == 1 and "Harbour Times" in notes[0].text and "Bay Daily" in notes[0].text
    assert "three weeks" in notes[0].text and notes[0].cites == ["a", "b"]


def test_summary_is_deterministic_and_cached_in_the_store() -> None:
    store = sample_store()
    first = build_report(store, ["s1"]).summaries
    assert store.get_state("report.summary:s1") is not None
    again = build_report(store, ["s1"]).summaries
    assert [s.model_dump() for s in first] == [s.model_dump() for s in again]


# ---------------------------------------------------------------- diff and views


def test_word_diff_marks_changed_words_and_change_spans() -> None:
    articles, stories, ders = sample()
    pair = ders[0].pairs[1]
    left, right = word_diff(pair.source_text, pair.derived_text, ders[0].changes)
    assert "".join(s.text for s in left) == S_SHUT3 and "".join(s.text for s in right) == S_SHUT5
    dels = [s for s in left if "del" in s.cls]
    ins = [s for s in right if "ins" in s.cls]
    assert [s.text for s in dels] == ["three"] and [s.text for s in ins] == ["five"]
    assert "chg-number" in dels[0].cls and "three to five" in dels[0].title
    same_l, same_r = word_diff(S_CLOSED, S_CLOSED)
    assert all(s.cls == "" for s in same_l + same_r)


def test_sparkline_fills_missing_days_with_zero() -> None:
    sp = sparkline({"2026-03-01": 2, "2026-03-04": 1})
    assert sp is not None and sp.days == 4 and sp.total == 3 and sp.peak == 2
    ys = [float(p.split(",")[1]) for p in sp.points.split()]
    assert len(ys) == 4 and ys[1] == ys[2] == sp.height - 1  # two empty days at the bottom
    assert sparkline({}) is None


def test_safe_url_only_allows_web_addresses() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "//evil", "http://"):
        assert safe_url(bad) is None


def test_story_view_orders_articles_in_time_and_lays_out_the_graph() -> None:
    store = sample_store()
    report = build_report(store, ["s1"])
    v = story_view(report, report.stories[0])
    assert [a.id for a in v.articles] == ["a", "b", "c"]
    assert v.graph is not None and len(v.graph.nodes) == 3 and len(v.graph.edges) == 2
    assert [d.derivation.derived_id for d in v.diffs] == ["b"] and [d.derived_id for d in v.copies] == ["c"]
    # the facts stage is part of this version but has not run on these hand-made articles: no facts yet
    assert v.timeline_analysed and v.conflicts_analysed and v.matrix is None and v.timeline == []


def test_coverage_matrix_shows_the_facts_the_stage_aligned() -> None:
    from storylens.claims import stage

    store = sample_store()
    stage.update(store, [])  # a store the facts stage never saw: every story is brought up to date
    report = build_report(store, ["s1"])
    assert report.facts and all(f.story_id == "s1" for f in report.facts)
    v = story_view(report, report.stories[0])
    assert v.matrix is not None and v.matrix.outlets == ["Bay Daily", "Coast Wire", "Harbour Times"]
    closed = next(r for r in v.matrix.rows if r.text == S_CLOSED)
    assert closed.cells == ["reported", "reported", "reported"]
    # b rewrote a and c copied it: three outlets, one independent source
    assert closed.sources == 1
    html = render_html(report)
    assert "not analysed yet in this version (the claims stage" not in html.split("Coverage")[1][:600]
    assert "reported by one article only" in html


# ---------------------------------------------------------------- renderers


def test_static_html_is_self_contained_and_has_every_story_section() -> None:
    store = sample_store()
    html = render_html(build_report(store))
    tags = parse_tags(html)
    assert not [t for t, _ in tags if t == "script"]
    assert not [t for t, a in tags if t == "link" and a.get("rel") == "stylesheet"]
    for t, a in tags:  # no external references at all
        for k in ("src", "href"):
            v = a.get(k) or ""
            assert not v or v.startswith("#"), (t, k, v)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for heading in ("Summary", "Articles in time order", "Coverage: facts by outlet", "Timeline", "Conflicts",
                    "Copies and rewrites", "Comments"):
        assert f">{heading}</h3>" in html
    assert "(the comments stage is not part of this storylens)" not in html  # the comments stage ran
    assert "(the timeline stage is not part of this storylens)" not in html  # the facts stage dates events
    assert '<span class="del chg chg-number"' in html and ">five</span>" in html
    # the graph: an SVG with one arrow per derivation
    assert html.count('class="edge rewrite"') == 1 and html.count('class="edge copy"') == 1


def test_static_html_without_stories_lists_articles_ungrouped() -> None:
    store = sample_store(stories=False)
    html = render_html(build_report(store))
    assert "listed ungrouped" in html and "Articles not grouped into stories" in html
    assert html.count("<details id=\"art-") == 4


def test_markdown_escapes_markup_and_cites_articles() -> None:
    articles, stories, ders = sample()
    articles[0].title = "<script>alert(1)</script> [link](javascript:alert(1)) *bold*"
    store = open_store(":memory:")
    store.add_articles(articles)
    store.put_derivations(ders)
    store.put_stories(stories)
    text = render_markdown(build_report(store))
    assert "\\<script\\>" in text and "\\[link\\](javascript" in text and "\\*bold\\*" in text
    assert not re.search(r"(?<!\\)<script", text) and not re.search(r"(?<!\\)\]\(javascript", text)
    assert "## Harbour bridge closed" in text and "[1, 2, 3]" in text
    assert "### Comments\n\nNothing found." in text


def test_cli_analyze_writes_all_three_formats(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": a.id, "outlet": a.outlet, "title": a.title,
                                         "published": a.published.isoformat(), "text": "\n\n".join(a.body)})
                             for a in sample()[0]) + "\n", "utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["analyze", str(src), "--db", str(tmp_path / "x.db"), "-q",
                                   "--json", str(out / "r.json"), "--md", str(out / "r.md"), "--html", str(out / "r.html")])
    assert res.exit_code == 0, res.output
    rep = Report.model_validate_json((out / "r.json").read_text("utf-8"))
    assert {a.id for a in rep.articles} == {"a", "b", "d"}  # c has a's exact text: stored once
    assert (out / "r.md").read_text("utf-8").startswith("# storylens report")
    assert re.search(r"<title>storylens report", (out / "r.html").read_text("utf-8"))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpora/seeds not present")
def test_end_to_end_on_seeds_renders_every_format(tmp_path: Path) -> None:
    from storylens.pipeline import ingest

    store = open_store(str(tmp_path / "seeds.db"))
    res = ingest([SEEDS], store)
    report = build_report(store)
    report.stages.update(res.stages)
    assert len(report.articles) == 5
    html = render_html(report)
    assert not [t for t, _ in parse_tags(html) if t == "script"]
    for a in report.articles:
        assert a.label.split("&")[0][:30] in html.replace("&#39;", "'").replace("&amp;", "&")
    md_text = render_markdown(report)
    assert md_text.count("\n## ") >= 1
    # three seeds have no headline: they are shown by their opening words, never by a made-up title or an id
    untitled = [a for a in report.articles if not a.title]
    assert len(untitled) == 3
    for a in untitled:
        assert a.label.startswith("“" + " ".join(a.body[0].split()[:5])) and a.label.endswith("(no headline)")
        assert a.label in md_text
    # the seeds name no outlet: that is said, not counted as one outlet
    assert "5 article(s), 5 of unknown outlet" in md_text
    for s in report.summaries:  # every summary sentence is quoted from the article it cites first
        src = next(a for a in report.articles if a.id == s.article_id)
        assert s.kind == "conflict" or s.text in " ".join(" ".join(p.split()) for p in src.body)
        assert s.article_id in s.cites or s.kind == "conflict"
    store.close()


def test_later_stage_sections_render_real_content_when_present() -> None:
    from storylens.model import CommentAnalysis, CommentFlag, CommentStance, TimelineEvent

    store = sample_store()
    report = build_report(store, ["s1"])
    report.conflicts = [Conflict(id="k1", kind="number", claim_ids=["x", "y"], a=Span(text="three weeks"),
                                 b=Span(text="five weeks"), a_article_id="a", b_article_id="b",
                                 explanation="the closure lasts three weeks in one, five in the other", from_rewrite=True)]
    report.timeline = [TimelineEvent(date="2026-03-02", text="Bridge closed after cracks found", expression="on Monday",
                                     anchor="2026-03-02", sources=["a", "b"], story_id="s1")]
    report.comment_analysis = [CommentAnalysis(
        article_id="a", stances=[CommentStance(position=0, stance="support"), CommentStance(position=1, stance="oppose")],
        flags=[CommentFlag(kind="templated", author="reader42", comment_positions=[0, 1], evidence=["same words"])])]
    html = render_html(report)
    assert "Timeline: not analysed yet" not in html and "Conflicts between outlets: not analysed yet" not in html
    assert "Comment analysis" not in html  # the note is gone: the section has content
    assert "the closure lasts three weeks in one, five in the other" in html and "drift in a rewrite" in html
    assert "<time>2026-03-02</time>: Bridge closed after cracks found" in html and "“on Monday”" in html
    assert "1 support, 1 oppose, 0 neutral" in html and "reader42" in html
    md_text = render_markdown(report)
    assert "- 2026-03-02: Bridge closed after cracks found (“on Monday”) [1, 2]" in md_text
    assert "### Conflicts\n\n- number: “three weeks” [1] vs “five weeks” [2]" in md_text
