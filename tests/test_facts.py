"""Facts across outlets: claims aligned within a story, independent sources, omissions, quotes, conflicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storylens.claims.facts import build_story_facts, infer_outlets, source_groups
from storylens.claims.stage import article_claims
from storylens.model import Article, Derivation, RemovedLine, Report, Story
from storylens.nlp import annotate
from storylens.pipeline import analyze

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "seeds"


def _seeds(order: int = 1) -> Report:
    if not SEEDS.exists():
        pytest.skip("seeds missing")
    files = sorted(SEEDS.glob("*.txt"))[::order]
    return analyze([str(f) for f in files])


def _by_file(report: Report) -> dict[str, str]:
    return {Path(a.source or "").name[:3]: a.id for a in report.articles}


@pytest.fixture(scope="module")
def seeds() -> Report:
    return _seeds()


def test_seeds_summit_fact_is_carried_by_every_article_from_three_independent_sources(seeds: Report) -> None:
    ids = _by_file(seeds)
    claims = {c.id: c for c in seeds.claims}
    summit = [f for f in seeds.facts if any("Feb. 7 in Washington" in claims[c].text for c in f.claim_ids)]
    assert len(summit) == 1
    f = summit[0]
    assert set(f.article_ids) == set(ids.values())
    # 000 and its rewrite 001 are one source, 002 and 004 one outlet, 003 the third
    assert f.independent_sources == 3 and not f.single_source
    groups = [set(g) for g in f.sources]
    assert {ids["000"], ids["001"]} in groups and {ids["002"], ids["004"]} in groups and {ids["003"]} in groups


def test_seeds_defense_spending_plan_is_one_fact_in_000_001_and_004(seeds: Report) -> None:
    ids = _by_file(seeds)
    claims = {c.id: c for c in seeds.claims}
    gdp = [f for f in seeds.facts if any("2%" in claims[c].numbers for c in f.claim_ids) and len(f.article_ids) > 1]
    assert len(gdp) == 1 and set(gdp[0].article_ids) == {ids["000"], ids["001"], ids["004"]}
    assert gdp[0].independent_sources == 2


def test_seeds_002_and_004_are_inferred_to_be_one_outlet_with_evidence(seeds: Report) -> None:
    ids = _by_file(seeds)
    assert len(seeds.outlet_groups) == 1
    g = seeds.outlet_groups[0]
    assert set(g.article_ids) == {ids["002"], ids["004"]} and "furniture" in g.evidence


def test_seeds_rewrite_drift_is_two_conflicts_from_the_rewrite_and_nothing_else(seeds: Report) -> None:
    ids = _by_file(seeds)
    assert len(seeds.conflicts) == 2
    assert all(c.from_rewrite and c.a_article_id == ids["000"] and c.b_article_id == ids["001"] for c in seeds.conflicts)
    assert {c.b.text for c in seeds.conflicts} == {"both sides", "U.S. defense expenditure"}


def test_seeds_quotes_name_the_speaker_in_full(seeds: Report) -> None:
    speakers = {q.speaker for q in seeds.quotes}
    assert "Shigeru Ishiba" in speakers
    assert "Ishiba" not in speakers  # always resolved to the fullest name the article gives
    for q in seeds.quotes:
        for s in q.spans:
            art = next(a for a in seeds.articles if a.id == s.article_id)
            assert art.body[s.content.paragraph][s.content.start:s.content.end] == s.content.text


def test_seeds_direct_quotes_one_article_alone_carries_are_listed_with_their_speaker(seeds: Report) -> None:
    by_file = _by_file(seeds)
    hayashi = [q for q in seeds.quotes if q.speaker == "Yoshimasa Hayashi"]
    assert hayashi, "the Hayashi quote of 004 is missing"
    assert {s.article_id for q in hayashi for s in q.spans} == {by_file["004"]}
    assert any("views Japan as important" in s.content.text for q in hayashi for s in q.spans)
    # and each direct quote of Ishiba's, not only those of shared facts
    direct = [q for q in seeds.quotes if q.speaker == "Shigeru Ishiba"
              and any(s.content.text[:1] in "“\"" for s in q.spans)]
    assert len({s.article_id for q in direct for s in q.spans}) >= 3


def test_seeds_facts_do_not_depend_on_arrival_order(seeds: Report) -> None:
    again = _seeds(order=-1)
    def key(r: Report) -> list:
        return sorted((f.id, tuple(f.claim_ids), f.independent_sources, tuple(f.omitted_by)) for f in r.facts)
    assert key(seeds) == key(again)
    assert sorted(c.id for c in seeds.conflicts) == sorted(c.id for c in again.conflicts)


# ---------------------------------------------------------------- small stories written for these tests

ROAD_A = ["The coastal road between Penmor and Lisk reopened on Tuesday after a landslide closed it for nine days.",
          "Engineers from the county council said 4,200 tonnes of rock had been removed from the carriageway.",
          "A temporary speed limit of 30 mph will stay in place until the new retaining wall is finished."]
ROAD_B = ["Crews removed 4,800 tonnes of rock from the carriageway, engineers from the county council said.",
          "The coastal road between Penmor and Lisk reopened on Tuesday, nine days after a landslide shut it.",
          "Local shops said trade had fallen by half while the road was closed."]


def _art(aid: str, outlet: str, day: int, body: list[str], removed: list[RemovedLine] | None = None) -> Article:
    return Article(id=aid, content_hash="h-" + aid, outlet=outlet, body=body, removed=removed or [],
                   published=dt.datetime(2026, 5, day, 9, tzinfo=dt.timezone.utc))


def _facts(arts: list[Article], ders: list[Derivation] | None = None):  # noqa: ANN202
    story = Story(id="s", article_ids=[a.id for a in arts])
    claims, _ = article_claims(None, arts), None
    vectors = annotate.sentence_vectors(None, arts)
    return build_story_facts(story, arts, claims, vectors, ders or [], {})


def test_the_same_event_in_other_words_is_one_fact_and_a_different_figure_the_same_day_a_conflict() -> None:
    out = _facts([_art("a", "Penmor Post", 12, ROAD_A), _art("b", "Lisk Herald", 12, ROAD_B)])
    shared = [f for f in out.facts if len(f.article_ids) == 2]
    texts = {f.text for f in shared}
    assert ROAD_A[0] in texts and ROAD_A[1] in texts
    assert all(f.independent_sources == 2 for f in shared)
    unique = [f for f in out.facts if len(f.article_ids) == 1]
    assert {f.text for f in unique} == {ROAD_A[2], ROAD_B[2]} and all(f.single_source for f in unique)
    nums = [c for c in out.conflicts if c.kind == "number"]
    assert len(nums) == 1 and {nums[0].a.text, nums[0].b.text} == {"4,200", "4,800"} and not nums[0].from_rewrite


def test_a_new_figure_on_a_later_day_is_an_update_not_a_conflict() -> None:
    out = _facts([_art("a", "Penmor Post", 12, ROAD_A), _art("b", "Lisk Herald", 14, ROAD_B)])
    assert not [c for c in out.conflicts if c.kind == "number"]


def test_one_outlet_and_a_rewrite_are_one_source() -> None:
    arts = [_art("a", "Penmor Post", 12, ROAD_A), _art("b", "Penmor Post", 13, ROAD_B), _art("c", "Other", 13, ROAD_B)]
    d = Derivation(source_id="b", derived_id="c", kind="copy", score=1.0, coverage=1.0, source_kept=1.0)
    src = source_groups(arts, [d])
    assert src["a"] == src["b"] == src["c"]
    assert len(set(source_groups(arts, []).values())) == 2


def test_outlets_are_inferred_from_a_dateline_credit_or_shared_furniture_only() -> None:
    credit = Article(id="x", content_hash="hx", body=["PORTHAVEN (Coastline Wire) - The ferry ran aground."])
    f1 = RemovedLine(text="Most read in Regional News", kind="furniture", rule="t")
    f2 = RemovedLine(text="Advertisement", kind="furniture", rule="t")
    p = Article(id="p", content_hash="hp", body=["One."], removed=[f1, f2])
    q = Article(id="q", content_hash="hq", body=["Two."], removed=[f1])
    r = Article(id="r", content_hash="hr", body=["Three."], removed=[f2])  # one word in common is not enough
    named = Article(id="n", content_hash="hn", outlet="Known", body=["Four."], removed=[f1])
    got = infer_outlets([credit, p, q, r, named])
    assert got["x"].label == "Coastline Wire"
    assert got["p"].label == got["q"].label == "outlet A" and "Most read in Regional News" in got["p"].evidence
    assert "r" not in got and "n" not in got


def test_api_and_story_page_carry_the_facts(tmp_path: Path) -> None:
    if not SEEDS.exists():
        pytest.skip("seeds missing")
    from fastapi.testclient import TestClient

    from storylens.web import create_app

    db = str(tmp_path / "s.db")
    analyze([str(f) for f in sorted(SEEDS.glob("*.txt"))], db=db)
    client = TestClient(create_app(db))
    sid = client.get("/api/v1/stories").json()["items"][0]["id"]
    got = client.get(f"/api/v1/stories/{sid}").json()
    assert any(f["independent_sources"] == 3 for f in got["facts"])
    assert got["outlet_groups"] and got["conflicts"]
    page = client.get(f"/story/{sid}").text
    assert "Coverage: facts by outlet" in page and "outlet A" in page and "Quotes by speaker" in page


# ---------------------------------------------------------------- compare


def test_compare_names_the_relation_of_two_claims() -> None:
    from storylens.claims.compare import compare_many

    a = ROAD_A[1]
    got = compare_many([
        (a, a.replace("4,200", "4,800")),
        (a, ROAD_B[0]),
        (ROAD_A[0], "The coastal road between Penmor and Lisk may reopen on Tuesday after a landslide closed it."),
        (ROAD_A[0], ROAD_B[2]),
    ])
    assert [g.relation for g in got] == ["contradicts", "contradicts", "weakens", "unrelated"]
    assert "4,200" in got[0].evidence[0] and "4,800" in got[0].evidence[0]


def test_compare_batch_command_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([json.dumps({"id": "x", "a": ROAD_A[0], "b": ROAD_B[1]}), "{broken",
                              json.dumps({"id": "y", "a": ROAD_A[0]})]) + "\n")
    run = subprocess.run([sys.executable, "-m", "storylens.cli", "compare", "--batch", str(src), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = [json.loads(x) for x in run.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["x"] and lines[0]["relation"] in ("same", "adds")
    assert f"{src}:2: not valid JSON" in run.stderr and f"{src}:3: 'b' missing" in run.stderr


def test_outlet_option_names_the_outlet_of_inputs_that_name_none(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("\n\n".join(ROAD_A) + "\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("\n\n".join(ROAD_B) + "\n", encoding="utf-8")
    (tmp_path / "in" / "b.meta.json").write_text(json.dumps({"outlet": "Lisk Herald"}), encoding="utf-8")
    out = tmp_path / "r.json"
    run = subprocess.run([sys.executable, "-m", "storylens.cli", "analyze", str(tmp_path / "in"), "--outlet",
                          "Penmor Post", "--db", str(tmp_path / "s.db"), "--json", str(out), "-q"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    got = sorted(a["outlet"] for a in json.loads(out.read_text())["articles"])
    assert got == ["Lisk Herald", "Penmor Post"]  # a sidecar's outlet wins over --outlet


def test_seeds_facts_and_quotes_are_the_same_when_the_articles_come_in_two_runs(seeds: Report, tmp_path: Path) -> None:
    files = sorted(SEEDS.glob("*.txt"))
    db = str(tmp_path / "two.db")
    analyze([str(files[0]), str(files[3])], db=db)
    again = analyze([str(f) for f in files], db=db)

    def facts(r: Report) -> list:
        return sorted((tuple(f.claim_ids), f.independent_sources, tuple(f.omitted_by)) for f in r.facts)

    def quotes(r: Report) -> list:
        return sorted((q.speaker or "", q.text, tuple(q.article_ids)) for q in r.quotes)

    assert facts(again) == facts(seeds) and quotes(again) == quotes(seeds)
    assert sorted(c.attribution or "" for c in again.claims) == sorted(c.attribution or "" for c in seeds.claims)


def test_seeds_summary_quotes_one_fact_once_and_says_how_many_sources(seeds: Report) -> None:
    sents = [s for s in seeds.summaries if s.kind == "sentence"]
    assert sents and all(s.independent_sources for s in sents)
    assert max(s.independent_sources or 0 for s in sents) == 3
    assert any(s.single_source for s in sents)
    claims = {(c.article_id, c.text): c.fact_id for c in seeds.claims}
    facts = [claims.get((s.article_id, s.text)) for s in sents]
    assert len(facts) == len(set(facts))  # the summit is not quoted twice in two wordings


def test_seeds_timeline_holds_the_story_s_dates_with_sources_and_the_2017_meeting_as_background(seeds: Report) -> None:
    by_date: dict[str, list] = {}
    for t in seeds.timeline:
        by_date.setdefault(t.date, []).append(t)
    summit = by_date["2025-02-07"]
    assert max(t.independent_sources for t in summit) == 3 and not any(t.background for t in summit)
    assert any("inauguration" in t.text or "took office" in t.text for t in by_date["2025-01-20"])
    assert "2025-01-28" in by_date and "2024-11" in by_date and "2024-12" in by_date  # remarks; stopover; proposal
    abe = by_date["2017-02-10"]
    assert abe and all(t.background for t in abe)
    for t in seeds.timeline:
        assert t.sources and t.story_id and (t.expression is None or t.expression in t.text)


def test_seeds_undated_articles_get_an_estimated_range_with_evidence(seeds: Report) -> None:
    ids = _by_file(seeds)
    arts = {a.id: a for a in seeds.articles}
    e000, e003 = arts[ids["000"]].published_estimate, arts[ids["003"]].published_estimate
    assert (e000.earliest, e000.latest) == (dt.date(2025, 1, 30), dt.date(2025, 2, 6))
    assert (e003.earliest, e003.latest) == (dt.date(2025, 2, 3), dt.date(2025, 2, 6))
    assert e000.evidence and e003.evidence
    assert arts[ids["002"]].published_estimate is None  # dated: nothing estimated


def test_facts_are_the_same_computed_in_worker_processes_or_here(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The facts stage shares the stories among forked workers that only read; what it stores is the same as
    when this process computes every story itself (vectors, claims and quotes included)."""
    import importlib
    import shutil
    import sqlite3

    from storylens.store import open_store

    stage = importlib.import_module("storylens.claims.stage")
    demo = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"
    files = sorted(demo.glob("*")) + (sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else [])
    db = tmp_path / "base.db"
    monkeypatch.setenv("STORYLENS_WORKERS", "1")
    analyze([str(f) for f in files], db=str(db))

    def facts_with(workers: int) -> tuple[list, dict]:
        copy = tmp_path / f"w{workers}.db"
        shutil.copy(db, copy)
        con = sqlite3.connect(copy)
        for prefix in (stage.CLAIMS_KEY, stage.QUOTES_KEY, annotate.SENT_KEY, "facts:"):
            con.execute("DELETE FROM state WHERE key LIKE ?", (prefix + "%",))
        con.commit()
        con.close()
        monkeypatch.setenv("STORYLENS_WORKERS", str(workers))
        monkeypatch.setattr(stage, "PARALLEL_MIN", 1)
        with open_store(str(copy)) as st:
            stage.update(st, [])
            ids = sorted(s.id for s in st.get_stories())
            got = [f.model_dump(mode="json") for f in sorted(st.get_story_facts(ids), key=lambda f: f.story_id)]
            arts = [a.id for a in st.iter_articles()]
            vecs = {i: st.get_state(annotate.SENT_KEY + i) for i in arts}
        return got, vecs

    here, vecs_here = facts_with(1)
    forked, vecs_forked = facts_with(2)
    assert len(here) >= 2, "the demo and the seeds give several stories of several articles"
    assert forked == here
    assert vecs_forked == vecs_here
