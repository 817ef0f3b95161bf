"""End to end: the pipeline and the Python API on the seed articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storylens
from storylens.pipeline import ingest
from storylens.store import open_store

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "seeds"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpora/seeds not present")


@needs_seeds
def test_analyze_seeds_returns_all_articles_with_bodies() -> None:
    report = storylens.analyze([SEEDS])
    assert len(report.articles) == 5
    assert all(a.body for a in report.articles)
    assert all(a.format == "text" for a in report.articles)
    assert report.errors == []
    assert report.stages, "the report says which stages ran"


@needs_seeds
def test_reingest_adds_nothing_twice(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    store = open_store(db)
    first = ingest([SEEDS], store)
    second = ingest([SEEDS], store)
    assert len(first.added) == 5
    assert second.added == [] and second.skipped == 5
    assert store.count_articles() == 5
    store.close()


@needs_seeds
def test_report_is_deterministic(tmp_path: Path) -> None:
    a = storylens.analyze([SEEDS]).model_dump_json()
    b = storylens.analyze([SEEDS]).model_dump_json()
    assert a == b


DEMO = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"


def _many_records(path: Path) -> int:
    """More than two extraction chunks of real text (the shipped demo's paragraphs, cut different ways),
    with unreadable and empty records among them."""
    import json

    from storylens.extract import extract

    bodies = [extract(p.read_text(encoding="utf-8"), format="text").body for p in sorted(DEMO.iterdir())
              if p.is_file() and p.suffix in {".txt", ".html"}]
    lines = []
    for k in range(170):
        paras = bodies[k % len(bodies)]
        cut = paras[k // len(bodies) % max(1, len(paras) - 1):] or paras
        lines.append(json.dumps({"id": f"r{k}", "title": f"Record {k}", "text": "\n\n".join(cut) + f"\n\nFiled {k}."}))
        if k % 50 == 7:
            lines.append(json.dumps({"id": f"empty{k}", "text": ""}))
        if k == 90:
            lines.append("{not json")
    lines.append(lines[3])  # the same content again: skipped, whichever chunk it lands in
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def test_parallel_extraction_stores_what_one_process_stores(tmp_path: Path) -> None:
    from storylens.pipeline import ingest_docs
    from storylens.sources import iter_sources

    src = tmp_path / "in.jsonl"
    _many_records(src)
    out = []
    for workers in (1, 2):
        with open_store(str(tmp_path / f"w{workers}.db")) as st:
            res = ingest_docs(st, iter_sources([src]), workers=workers)
            out.append(([a.model_dump() for a in res.added], res.skipped,
                        [(e.source, e.reason) for e in res.errors], [a.id for a in st.iter_articles()]))
    one, two = out
    assert len(one[0]) > 128, "enough records for the pool to run several chunks"
    assert one[1] == 1 and len(one[2]) == 5
    assert two == one, "same articles, same order, same skipped count and errors in input order"


def test_a_changed_record_under_a_stored_id_is_named_and_counted_not_dropped(tmp_path: Path) -> None:
    import json

    from storylens.pipeline import ingest_docs
    from storylens.sources import iter_sources

    body = sorted(DEMO.glob("*.txt"))[0].read_text(encoding="utf-8")
    first, again = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "ferry-1", "text": body, "published": "2025-03-04"}) + "\n", encoding="utf-8")
    again.write_text(json.dumps({"id": "ferry-1", "text": body}) + "\n", encoding="utf-8")  # re-sent without its date
    with open_store(str(tmp_path / "s.db")) as st:
        st.mark_processed(a.id for a in ingest_docs(st, iter_sources([first])).added)
        res = ingest_docs(st, iter_sources([again]))
        assert res.added == [] and res.changed == 1
        assert "already stored with other metadata (published 2025-03-04 ->" in res.errors[0].reason
        assert "b.jsonl" in res.errors[0].source
        assert [str(a.published) for a in st.iter_articles()] == ["2025-03-04"], "the stored article is kept"


def test_the_same_record_sent_again_is_only_skipped(tmp_path: Path) -> None:
    import json

    from storylens.pipeline import ingest_docs
    from storylens.sources import iter_sources

    body = sorted(DEMO.glob("*.txt"))[0].read_text(encoding="utf-8")
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "ferry-1", "text": body, "published": "2025-03-04"}) + "\n", encoding="utf-8")
    with open_store(str(tmp_path / "s.db")) as st:
        st.mark_processed(a.id for a in ingest_docs(st, iter_sources([src])).added)
        res = ingest_docs(st, iter_sources([src]))
        assert (res.skipped, res.changed, res.errors) == (1, 0, [])


def test_the_demo_report_does_not_depend_on_the_order_its_files_arrive_in() -> None:
    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".txt", ".html"})
    forward = storylens.analyze(files).model_dump_json()
    backward = storylens.analyze(list(reversed(files))).model_dump_json()
    assert forward == backward


def test_sentence_analysis_from_the_workers_is_what_this_process_computes(tmp_path: Path) -> None:
    """The extraction workers work out each body sentence's analysis for the stages; what reaches this process
    is what it would have computed itself (and it does reach it: the stages find it ready)."""
    from storylens.nlp import items, text
    from storylens.nlp.annotate import body_sentences
    from storylens.pipeline import ingest_docs
    from storylens.sources import iter_sources

    src = tmp_path / "in.jsonl"
    _many_records(src)
    for memo in (text.SPLITS, items.INFOS, items.STEMS):
        memo.clear()
    with open_store(str(tmp_path / "s.db")) as st:
        res = ingest_docs(st, iter_sources([src]), workers=2)
    sents = [s for a in res.added for s in body_sentences(a)]
    assert len(sents) > 300
    ready = {s for s in sents if s in items.INFOS and s in items.STEMS}
    assert ready == set(sents), "every body sentence analysed by a worker"
    got = {s: (items.INFOS[s], items.STEMS[s]) for s in ready}
    for memo in (items.INFOS, items.STEMS):
        memo.clear()
    assert all(got[s] == (items.sentence_info(s), items.content_stems(s)) for s in got)


def test_comments_beside_reuse_in_a_second_process_give_the_report_of_one_process(tmp_path: Path) -> None:
    """With workers, the comments stage runs in a forked process while reuse runs here: same report."""
    from storylens.report import build_report

    reports = []
    for workers in (1, 2):
        with open_store(str(tmp_path / f"w{workers}.db")) as st:
            res = ingest([DEMO, SEEDS] if SEEDS.is_dir() else [DEMO], st, workers=workers)
            assert res.stages.get("comments") == "done" and not st.unprocessed_articles()
            reports.append(build_report(st).model_dump_json())
    assert reports[0] == reports[1]


def test_a_stage_that_fails_beside_reuse_is_run_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import storylens.comments.stage as comments_stage
    from storylens import pipeline

    here = os.getpid()
    real = comments_stage.update
    ran_here: list[int] = []

    def fails_in_the_fork(store, new_articles, *a, **k):  # noqa: ANN001, ANN002, ANN003
        if os.getpid() != here:
            raise RuntimeError("the forked copy fails")
        ran_here.append(len(new_articles))
        return real(store, new_articles, *a, **k)

    monkeypatch.setattr(comments_stage, "update", fails_in_the_fork)
    with open_store(str(tmp_path / "s.db")) as st:
        res = pipeline.ingest([DEMO], st, workers=2)
        assert res.stages.get("comments") == "done" and ran_here == [st.count_articles()]
        assert st.get_stories() and not st.unprocessed_articles()


@pytest.mark.parametrize("fail_in_fork", [False, True])
def test_stories_run_beside_the_last_chunks_reuse_and_a_failure_there_runs_them_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_in_fork: bool) -> None:
    """With workers, the stories (a run-level stage) start in a forked process over the whole run while the
    last chunk's reuse runs here; the claims wait for them. Same report as one process; a failure there runs
    them here."""
    import os

    import storylens.stories as stories_mod
    from storylens import pipeline
    from storylens.report import build_report

    here = os.getpid()
    real = stories_mod.update_run
    where = tmp_path / "pids"

    def recorded(store, pending, *a, **k):  # noqa: ANN001, ANN002, ANN003
        with open(where, "a") as f:
            f.write(f"{os.getpid()}\n")
        if fail_in_fork and os.getpid() != here:
            raise RuntimeError("the forked copy fails")
        return real(store, pending, *a, **k)

    monkeypatch.setattr(stories_mod, "update_run", recorded)
    with open_store(str(tmp_path / "s.db")) as st:
        res = pipeline.ingest([DEMO], st, workers=2, round_size=64)
        assert res.stages.get("stories") == "done" and not st.unprocessed_articles()
        two = build_report(st).model_dump_json()
    pids = [int(x) for x in where.read_text().split()]
    assert pids[0] != here and (pids[1:] == [here] if fail_in_fork else len(pids) == 1)
    monkeypatch.setattr(stories_mod, "update_run", real)
    with open_store(str(tmp_path / "one.db")) as st:
        pipeline.ingest([DEMO], st, workers=1, round_size=64)
        one = build_report(st).model_dump_json()
    a, b = json.loads(one), json.loads(two)
    assert a["stories"] and all(a[k] == b[k] for k in ("stories", "storylines", "derivations", "facts"))


def test_rounds_bound_what_is_analysed_together_and_lose_nothing(tmp_path: Path) -> None:
    """analyze works in rounds (memory bounded by the round): every document stored once and analysed."""
    src = tmp_path / "in.jsonl"
    _many_records(src)
    out = []
    for size in (10_000, 64):
        with open_store(str(tmp_path / f"r{size}.db")) as st:
            res = ingest([src], st, round_size=size, keep=False)
            assert not res.added and res.count == st.count_articles() > 128
            assert not st.unprocessed_articles()
            out.append((res.count, res.skipped, [(e.source, e.reason) for e in res.errors],
                        sorted(i for s in st.get_stories() for i in s.article_ids)))
    assert out[0] == out[1], "the same articles stored, skipped and reported, and every one in a story"


def test_the_report_is_the_same_however_the_input_is_cut_into_rounds_and_ordered(tmp_path: Path) -> None:
    """The stories (and so the facts) are decided once per run over all its articles in publication order,
    not round by round: rounds of 3 over the files in a shuffled order give the report of one round."""
    import random

    from storylens.report import build_report

    files = sorted(p for p in DEMO.iterdir() if p.suffix in {".txt", ".html"})
    if SEEDS.is_dir():
        files += sorted(p for p in SEEDS.iterdir() if p.is_file())
    shuffled = files[:]
    random.Random(3).shuffle(shuffled)
    reports = []
    for name, order, size in (("one", files, 1000), ("rounds", shuffled, 3)):
        with open_store(str(tmp_path / f"{name}.db")) as st:
            res = ingest(order, st, round_size=size)
            assert res.count == st.count_articles() > 12 and not st.unprocessed_articles()
            members = [i for s in st.get_stories() for i in s.article_ids]
            assert sorted(members) == sorted(a.id for a in st.iter_articles()), "every article in one story"
            reports.append(build_report(st))
    assert reports[0].derivations and any(len(s.article_ids) > 1 for s in reports[0].stories)
    assert reports[0].model_dump_json() == reports[1].model_dump_json()
