"""A run that dies part way through the analysis stages, then runs again, gives the report of a run that did not.

The stages count what they have seen (furniture lines per outlet, story representations, the clusterer's
state); a stage that saw a batch once must not see it again after a crash, and the order in which the resumed
run meets the articles must not matter.
"""

from __future__ import annotations

import importlib
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from storylens import pipeline
from storylens.report import build_report
from storylens.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "harbour-ferry" / "articles"
SEEDS = ROOT.parent / "shared" / "corpora" / "seeds"


class Crash(Exception):
    pass


def _inputs() -> list[Path]:
    return [DEMO, SEEDS] if SEEDS.is_dir() else [DEMO]


def _report(db: Path) -> str:
    with open_store(str(db)) as st:
        return build_report(st).model_dump_json()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("clean") / "s.db"
    with open_store(str(db)) as st:
        pipeline.ingest(_inputs(), st)
    return _report(db)


@pytest.mark.parametrize("after", ["furniture", "reuse", "stories"])
def test_a_run_that_dies_after_a_stage_resumes_to_the_same_report(after: str, clean: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    names = [n for n, _ in pipeline.STAGES]
    nxt = importlib.import_module(dict(pipeline.STAGES)[names[names.index(after) + 1]])

    def die(*args: object, **kwargs: object) -> None:
        raise Crash(f"killed after {after}")

    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        with monkeypatch.context() as m:
            m.setattr(nxt, "update", die)
            if hasattr(nxt, "update_run"):  # a run-level stage: called once per run, after every round
                m.setattr(nxt, "update_run", die)
            with pytest.raises(Crash):
                pipeline.ingest(_inputs(), st)
        assert st.unprocessed_articles(), "the crashed run marked nothing processed"
        res = pipeline.ingest(_inputs(), st)  # the same command again
        assert len(res.added) == st.count_articles() and not st.unprocessed_articles()
    assert _report(db) == clean, f"a crash after {after} changed the report"


@pytest.mark.parametrize("write", ["put_stories", "put_storylines", "put_derivations", "add_articles",
                                   "mark_processed"])
def test_a_run_that_dies_right_after_one_of_its_writes_resumes_to_the_same_report(
        write: str, clean: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A death between two writes that belong together (the stories, then the clusterer's state that holds
    them) must leave the first unseen: killed there, a run resumed to other stories (the demo's one story
    grew a doubled history and took in another story's articles)."""
    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        real = getattr(type(st), write)
        died: list[str] = []

        def write_then_die(self, *a, **k):  # noqa: ANN001, ANN002, ANN003
            real(self, *a, **k)
            if not died and os.getpid() == pid:
                died.append(write)
                raise Crash(f"killed right after {write}")

        pid = os.getpid()
        with monkeypatch.context() as m:
            m.setattr(type(st), write, write_then_die)
            with pytest.raises(Crash):
                pipeline.ingest(_inputs(), st)
        assert died == [write]
        pipeline.ingest(_inputs(), st)
        assert not st.unprocessed_articles()
    assert _report(db) == clean, f"a death right after {write} changed the report"


def test_a_run_that_dies_in_reuse_after_indexing_its_batch_finds_the_same_candidates_on_resume(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reuse stage stores the batch's index entries before it has compared the pairs: a run killed in
    between leaves the batch's later articles indexed. With one candidate slot per query, they would take the
    slot of what the first run compared, unless the query skips them."""
    import storylens.reuse.incremental as inc
    import storylens.reuse.index as index

    monkeypatch.setattr(index, "TOP_K", 1)
    monkeypatch.setattr(index, "KEY_TOP", 1)
    seen: dict[str, list[tuple[str, str]]] = {"clean": [], "resumed": []}
    real = inc.evaluate

    def recording(into: str, die_after: int | None = None):  # noqa: ANN202
        def evaluate(a, b):  # noqa: ANN001, ANN202
            if die_after is not None and len(seen[into]) >= die_after:
                raise Crash("killed while comparing pairs")
            seen[into].append((a.id, b.id))
            return real(a, b)
        return evaluate

    with open_store(str(tmp_path / "clean.db")) as st:
        monkeypatch.setattr(inc, "evaluate", recording("clean"))
        pipeline.ingest([DEMO], st)
        clean = _report(tmp_path / "clean.db")
    assert len(seen["clean"]) >= 2
    with open_store(str(tmp_path / "s.db")) as st:
        monkeypatch.setattr(inc, "evaluate", recording("resumed", die_after=1))
        with pytest.raises(Crash):
            pipeline.ingest([DEMO], st)
        seen["resumed"].clear()
        monkeypatch.setattr(inc, "evaluate", recording("resumed"))
        pipeline.ingest([DEMO], st)
    assert sorted(seen["resumed"]) == sorted(seen["clean"]), "the resumed run compared other pairs"
    assert _report(tmp_path / "s.db") == clean


def test_a_run_that_dies_twice_in_the_stages_resumes_to_the_same_report(clean: str, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        for later in ("storylens.reuse", "storylens.claims.stage"):  # dies early, then later on
            def die(*args: object, _where: str = later, **kwargs: object) -> None:
                raise Crash(_where)

            with monkeypatch.context() as m:
                mod = importlib.import_module(later)
                m.setattr(mod, "update", die)
                if hasattr(mod, "update_run"):
                    m.setattr(mod, "update_run", die)
                with pytest.raises(Crash):
                    pipeline.ingest(_inputs(), st)
        pipeline.ingest(_inputs(), st)
    assert _report(db) == clean


def test_a_run_that_dies_between_two_chunks_of_stories_resumes_to_the_same_report(
        clean: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stories of a run are decided a chunk of whole moments at a time, each chunk stored with its
    explanations: a run killed after the first chunks resumes at the next, and the stories come out the same."""
    import storylens.stories as stories

    real = stories.update
    calls: list[int] = []

    def dies_on_the_third(store, arts, *a, **k):  # noqa: ANN001, ANN002, ANN003
        calls.append(len(arts))
        if len(calls) == 3:
            raise Crash("killed between two chunks of stories")
        return real(store, arts, *a, **k)

    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        with monkeypatch.context() as m:
            m.setattr(stories, "CHUNK", 3)
            m.setattr(stories, "update", dies_on_the_third)
            with pytest.raises(Crash):
                pipeline.ingest(_inputs(), st)
        assert len(calls) == 3 and st.get_stories(), "two chunks were assigned and stored before the kill"
        pipeline.ingest(_inputs(), st)
        assert not st.unprocessed_articles()
    assert _report(db) == clean


def test_a_run_killed_after_its_last_round_resumes_without_loading_what_is_done(
        clean: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed in its run-level stages, a run has every article through the per-article stages: the next run
    counts them but does not load them (a large input's run would otherwise hold all of it in memory)."""
    import storylens.stories as stories
    from storylens.pipeline import ingest_docs

    def die(*args: object, **kwargs: object) -> None:
        raise Crash("killed in the stories of the run")

    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        with monkeypatch.context() as m:
            m.setattr(stories, "update_run", die)
            with pytest.raises(Crash):
                pipeline.ingest(_inputs(), st)
        n = st.count_articles()
        res = ingest_docs(st, [], keep_done=False)
        assert res.added == [] and res.count == n, "counted, none loaded"
        assert len(ingest_docs(st, []).added) == n, "loaded where asked"
        res = pipeline.ingest(_inputs(), st, keep=False)
        assert res.count == n and not st.unprocessed_articles()
    assert _report(db) == clean


@pytest.mark.slow
def test_sigkill_at_random_moments_then_a_full_run_gives_the_clean_report(clean: str, tmp_path: Path,
                                                                          storylens_cmd: list[str]) -> None:
    """The real thing: ``storylens analyze`` killed with SIGKILL at random moments, then run to the end."""
    cmd = [*storylens_cmd, "analyze", *map(str, _inputs()), "--db", str(tmp_path / "s.db"), "-q"]
    env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    t0 = time.monotonic()
    subprocess.run([*cmd[:-3], "--db", str(tmp_path / "timing.db"), "-q"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    full = time.monotonic() - t0
    rng = random.Random(7)
    kills = 0
    for _ in range(8):
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, full))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait(timeout=600)
    time.sleep(1.0)
    marker = str(tmp_path / "s.db")
    def cmdline(p: Path) -> str:
        try:
            return (p / "cmdline").read_bytes().decode(errors="replace")
        except OSError:  # gone meanwhile
            return ""

    left = [p for p in Path("/proc").glob("[0-9]*") if marker in cmdline(p)]
    assert not left, "a killed run left worker processes behind"
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    assert kills >= 3, "enough runs were killed part way"
    assert _report(tmp_path / "s.db") == clean


def test_a_store_built_before_the_facts_stage_gets_its_facts_on_the_next_run(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a stage never needs a fresh store: the next ``analyze``, with nothing new to read, runs it."""
    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        with monkeypatch.context() as m:
            m.setattr(pipeline, "STAGES", [s for s in pipeline.STAGES if s[0] not in ("claims", "comments")])
            pipeline.ingest([DEMO], st)
        assert not st.get_story_facts([s.id for s in st.get_stories()])
        res = pipeline.ingest([DEMO], st)  # the same command again: nothing new
        assert not res.added and res.skipped == st.count_articles()
        multi = [s.id for s in st.get_stories() if len(s.article_ids) > 1]
        assert multi and {f.story_id for f in st.get_story_facts(multi)} == set(multi)
