"""Stories on a dense one-topic stream, and storylines above stories: clustering, persistence, report, web, CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storylens.model import Article, Report, Story, Storyline
from storylens.report.render import render_html, render_markdown
from storylens.report.views import storyline_view
from storylens.stories import StoryClusterer
from storylens.stories.features import to_days

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
H1N1 = CORPORA / "t17-h1n1"
ALLSIDES = CORPORA / "allsides" / "stories.jsonl"


def _h1n1() -> list[Article]:
    if not H1N1.is_dir():
        pytest.skip("T17 H1N1 corpus missing")
    sys.path.insert(0, str(ROOT / "bench"))
    from stories import load_h1n1_stream

    return load_h1n1_stream()


def _embed(arts: list[Article]) -> np.ndarray:
    from storylens.nlp import embed
    from storylens.nlp.annotate import lead_text

    return np.asarray(embed([lead_text(a) for a in arts]), dtype=np.float32)


@pytest.fixture(scope="module")
def h1n1_run() -> tuple[list[Article], StoryClusterer, dict[str, str]]:
    arts = _h1n1()
    c = StoryClusterer(embedder=None)
    asg = c.add(arts, embeddings=_embed(arts))
    return arts, c, {a.article_id: c._resolve(a.story_id) for a in asg}


def test_dense_stream_groups_same_day_reports_across_outlets_without_swallowing_the_topic(h1n1_run) -> None:
    arts, _, pred = h1n1_run
    from stories import cross_outlet_shape

    shape = cross_outlet_shape(arts, pred)
    # before this work: 0.08-0.12 of the articles shared a story with another outlet's report of the same day;
    # placed one by one 0.34; a moment's articles decided together 0.49 (the goal: 0.40)
    assert shape["cross_outlet_share"] >= 0.40
    assert shape["p90_span_days"] <= 7.0
    assert shape["max_span_days"] <= 8.0  # a story is an event: a week at most (day-only dates: half a day slack)
    # the largest story (the outbreak's first week: 63 articles; 41 placed one by one) holds well under half of
    # what was published in its own days, and a fifth of the stream at most
    sizes = Counter(pred.values())
    top, n = sizes.most_common(1)[0]
    days = [to_days(a.published) for a in arts if pred[a.id] == top]
    within = sum(1 for a in arts if min(days) <= to_days(a.published) <= max(days))
    assert n == shape["largest"][0]
    assert n < 0.5 * within
    assert n <= 0.2 * len(arts)


def test_the_pandemic_declaration_is_one_story_across_the_three_outlets(h1n1_run) -> None:
    arts, _, pred = h1n1_run
    # 11 June 2009: the WHO declares the pandemic; each outlet's main report of it
    declared = [a for a in arts if a.published == dt.date(2009, 6, 11)
                and re.search(r"declar\w+ (an? )?(global )?(influenza |flu |swine flu )?pandemic|first (official )?pandemic",
                              " ".join(a.body[:2]))]
    outlets = {a.outlet for a in declared}
    assert outlets == {"bbc", "guardian", "reuters"}
    stories = Counter(pred[a.id] for a in declared)
    top, n = stories.most_common(1)[0]
    assert {a.outlet for a in declared if pred[a.id] == top} == outlets
    assert n >= len(declared) - 1


def test_dense_stream_is_mostly_one_storyline(h1n1_run) -> None:
    arts, c, _ = h1n1_run
    lines = sorted(c.storylines(), key=lambda sl: -sl.articles)
    flu = [a.id for a in arts if re.search(r"flu|h1n1|pandemic", " ".join(a.body[:3]).lower())]
    main = {aid for sid in lines[0].story_ids for aid in c._story(sid).article_ids}
    # 0.89 here with the storyline's core vocabulary (0.41 before it; the bench: 0.89 / 0.60)
    assert sum(1 for a in flu if a in main) >= 0.80 * len(flu)
    # and what is not about the outbreak at all (Pakistan's politics, a NASA budget, blog notices, quizzes:
    # no word of flu, virus or vaccine anywhere) stays out of it: 0 of 28 here
    off = [a.id for a in arts if not re.search(r"flu|h1n1|pandemic|virus|vaccin|influenza", " ".join(a.body).lower())]
    assert len(off) >= 10
    assert sum(1 for a in off if a in main) <= 0.1 * len(off)
    # every story is in exactly one storyline, and the storyline lists it
    listed = Counter(sid for sl in lines for sid in sl.story_ids)
    assert all(v == 1 for v in listed.values())
    assert set(listed) == {s.id for s in c.stories()}
    assert all(c._story(sid).storyline_id == sl.id for sl in lines for sid in sl.story_ids)


def test_unrelated_allsides_stories_stay_in_different_storylines() -> None:
    if not ALLSIDES.exists():
        pytest.skip("AllSides corpus missing")
    arts, topic = [], {}
    for line in ALLSIDES.read_text(encoding="utf-8").splitlines()[:200]:
        rec = json.loads(line)
        when = dt.datetime.fromisoformat(rec["date"])
        for side, n in sorted(rec["news"].items()):
            body = [p for p in n.get("newBody") or [] if p.strip()]
            if body:
                aid = f"as{rec['id']}-{side}"
                arts.append(Article(id=aid, content_hash=hashlib.sha256(aid.encode()).hexdigest(),
                                    outlet=n.get("newsSource"), title=n.get("newsTitle"), published=when, body=body))
                topic[aid] = rec["topic"]
    arts.sort(key=lambda a: (to_days(a.published), a.id))
    c = StoryClusterer(embedder=None)
    c.add(arts, embeddings=_embed(arts))
    groups = [[topic[aid] for sid in sl.story_ids for aid in c._story(sid).article_ids] for sl in c.storylines()]
    purity = sum(Counter(g).most_common(1)[0][1] for g in groups) / sum(len(g) for g in groups)
    assert purity >= 0.85, purity  # 0.79 before the core vocabulary; 0.90 on the held-out half in bench/stories.py


def _arts(texts: list[tuple[str, str, str]]) -> list[Article]:
    return [Article(id=i, content_hash=hashlib.sha256(i.encode()).hexdigest(), outlet=o,
                    published=dt.datetime.fromisoformat(d), title=t.split(".")[0], body=[t]) for i, o, d, t in texts]


def test_storylines_survive_a_restart_exactly(seeds_dir: Path) -> None:
    arts = _h1n1()[:120]
    vecs = _embed(arts)
    one = StoryClusterer(embedder=None)
    one.add(arts, embeddings=vecs)
    two = StoryClusterer(embedder=None)
    # the restart falls between two days: a day's articles are decided together, so a day cut in two batches is
    # decided as two moments (docs/stories.md, limits)
    cut = next(i for i in range(50, len(arts)) if arts[i].published != arts[i - 1].published)
    two.add(arts[:cut], embeddings=vecs[:cut])
    stories = {s.id: s for s in two.stories()}
    lines = {sl.id: sl for sl in two.storylines()}
    state = json.loads(json.dumps(two.state()))
    three = StoryClusterer.from_state(state, embedder=None, story_loader=lambda ids: [stories[i] for i in ids if i in stories],
                                      storyline_loader=lambda ids: [lines[i] for i in ids if i in lines])
    three.add(arts[cut:], embeddings=vecs[cut:])
    a = {aid: three._story(three._resolve(three.assignments[aid].story_id)).storyline_id for aid in
         (x.id for x in arts[cut:])}
    b = {x.id: one._story(one._resolve(one.assignments[x.id].story_id)).storyline_id for x in arts[cut:]}
    assert a == b


def _report_with_storyline() -> Report:
    s1 = Story(id="s-a", title="Ferry <b>aground</b>", article_ids=["a1"], first_published=dt.date(2026, 3, 2),
               last_published=dt.date(2026, 3, 3), outlets=["Gazette"], storyline_id="l-x")
    s2 = Story(id="s-b", title="Inquiry opens", article_ids=["a2"], first_published=dt.date(2026, 3, 9),
               last_published=dt.date(2026, 3, 9), outlets=["Post"], storyline_id="l-x")
    line = Storyline(id="l-x", title="Ferry <b>aground</b>", story_ids=["s-a", "s-b"], articles=2,
                     first_published=dt.date(2026, 3, 2), last_published=dt.date(2026, 3, 9), outlets=["Gazette", "Post"])
    arts = _arts([("a1", "Gazette", "2026-03-02T10:00:00", "The ferry ran aground off the point at dawn."),
                  ("a2", "Post", "2026-03-09T10:00:00", "An inquiry into the grounding opened on Monday.")])
    return Report(articles=arts, stories=[s1, s2], storylines=[line])


def test_storyline_view_puts_stories_on_one_axis() -> None:
    r = _report_with_storyline()
    lv = storyline_view(r.storylines[0], r.stories)
    assert [x.story.id for x in lv.rows] == ["s-a", "s-b"]
    assert lv.rows[0].left == 0.0 and lv.rows[1].left > lv.rows[0].left + lv.rows[0].width - 1e-9
    assert lv.first == dt.date(2026, 3, 2) and lv.last == dt.date(2026, 3, 9)


def test_report_html_and_markdown_show_the_storyline_escaped() -> None:
    html = render_html(_report_with_storyline())
    assert 'id="storylines"' in html and 'href="#line-1"' in html  # story pages link to their storyline
    assert "<rect class=\"bar\"" in html
    assert "Ferry <b>aground</b>" not in html and "Ferry &lt;b&gt;aground&lt;/b&gt;" in html
    md = render_markdown(_report_with_storyline())
    assert "## Storylines" in md and "Inquiry opens" in md


def test_pipeline_json_web_and_cli_carry_storylines(tmp_path: Path) -> None:
    from storylens.cli import app
    from storylens.web import create_app

    demo = ROOT / "examples" / "harbour-ferry" / "articles"
    db = str(tmp_path / "d.db")
    out = tmp_path / "r.json"
    res = CliRunner().invoke(app, ["analyze", str(demo), "--db", db, "--json", str(out)])
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text("utf-8"))
    assert len(rep["storylines"]) == 1 and len(rep["stories"]) == 1
    line = rep["storylines"][0]
    assert rep["stories"][0]["storyline_id"] == line["id"] and line["story_ids"] == [rep["stories"][0]["id"]]
    assert set(line) >= {"id", "title", "story_ids", "first_published", "last_published"}
    res = CliRunner().invoke(app, ["storylines", "--db", db, "--json"])
    assert res.exit_code == 0 and json.loads(res.output)[0]["id"] == line["id"]
    client = TestClient(create_app(db))
    assert client.get("/api/v1/storylines").json()[0]["id"] == line["id"]
    page = client.get(f"/storyline/{line['id']}")
    assert page.status_code == 200 and "Skerrow" in page.text
    assert client.get("/storyline/l-nope").status_code == 404
    assert client.get("/api/v1/storylines/l-nope").status_code == 404
    assert client.get("/storylines").status_code == 200
