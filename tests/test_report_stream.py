"""The streamed JSON report (storylens.report.stream) is byte for byte the report built whole and rendered."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from storylens.model import InputError
from storylens.pipeline import ingest
from storylens.report import build_report, render_json
from storylens.report.stream import write_report_file, write_report_json
from storylens.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "harbour-ferry" / "articles"


def _forget_summaries(store: Store) -> None:
    """Empty the summary cache, so each report computes its summaries afresh."""
    conn = store.conn  # type: ignore[attr-defined]
    with conn:
        conn.execute("DELETE FROM state WHERE key LIKE 'report.summary:%'")


def _whole(store: Store, errors: list[InputError], stages: dict[str, str], stats: dict) -> str:
    report = build_report(store)
    report.errors = errors
    report.stages.update(stages)
    report.stats = stats
    return render_json(report)


def _streamed(store: Store, errors: list[InputError], stages: dict[str, str], stats: dict) -> tuple[str, tuple]:
    buf = io.StringIO()
    counts = write_report_json(store, buf, errors, stages, lambda: stats)
    return buf.getvalue(), counts


def _check(store: Store) -> dict:
    errors = [InputError(source="feed/x.html", reason="no article text found")]
    stages = {"reuse": "done", "stories": "done"}
    stats = {"timings": {"extract": 1.5, "report": 0.25}}
    _forget_summaries(store)
    new, counts = _streamed(store, errors, stages, stats)
    _forget_summaries(store)
    old = _whole(store, errors, stages, stats)
    assert new == old
    got = json.loads(new)
    assert counts == (len(got["articles"]), len(got["stories"]), len(got["derivations"]))
    # a report with nothing to add is the plain one
    assert _streamed(store, [], {}, {})[0] == _whole(store, [], {}, {})
    return got


def test_stream_is_the_whole_report_on_the_demo(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    try:
        ingest([DEMO], store)
        got = _check(store)
        assert len(got["articles"]) == 12 and got["derivations"] and got["summaries"]
    finally:
        store.close()


def test_stream_is_the_whole_report_on_a_synthetic_stream(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic_stream import write

    src, _gold = write(240, tmp_path / "syn.jsonl")
    store = open_store(str(tmp_path / "s.db"))
    try:
        ingest([src], store, workers=1, round_size=120)  # two rounds
        got = _check(store)
        # several stories, derivations across them and summaries of each: the per-story parts are exercised
        assert len(got["stories"]) > 20 and len(got["derivations"]) > 5
        assert len({s["story_id"] for s in got["summaries"]}) > 20
    finally:
        store.close()


def test_report_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    try:
        ingest([DEMO], store)
        target = tmp_path / "out" / "r.json"
        counts = write_report_file(store, target)
        assert json.loads(target.read_text("utf-8"))["articles"] and counts[0] == 12
        assert [p.name for p in target.parent.iterdir()] == ["r.json"]  # no part file left behind
        blocked = tmp_path / "file"
        blocked.write_text("x")
        with pytest.raises(OSError):
            write_report_file(store, blocked / "r.json")  # its folder is a file
    finally:
        store.close()
