"""The reuse stage says how far it is, and the plain progress printer reports long stages by tenths."""

from __future__ import annotations

from pathlib import Path

from storylens.cli import _progress_printer
from storylens.pipeline import ingest
from storylens.store import open_store

DEMO = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"


def test_pipeline_reports_reuse_pairs(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    store = open_store(str(tmp_path / "s.db"))
    try:
        ingest([DEMO], store, lambda stage, done, total: calls.append((stage, done, total)))
    finally:
        store.close()
    pairs = [(d, t) for s, d, t in calls if s == "reuse pairs"]
    assert pairs and pairs[0][0] == 0 and pairs[-1][0] == pairs[-1][1] > 0
    assert all(a[0] <= b[0] for a, b in zip(pairs, pairs[1:], strict=False))
    stages = [s for s, _, _ in calls]
    assert stages.index("reuse pairs") > stages.index("reuse")  # within the stage, after its start


def test_plain_progress_prints_tenths_of_long_stages(capsys) -> None:
    cb, stop = _progress_printer(True)
    for done in range(0, 5001, 50):
        cb("reuse pairs", done, 5000)
    for done in range(0, 11):
        cb("stories", done, 10)
    stop()
    lines = capsys.readouterr().err.splitlines()
    reuse = [x for x in lines if x.startswith("[reuse pairs]")]
    assert reuse[0] == "[reuse pairs] 0/5000" and reuse[-1] == "[reuse pairs] 5000/5000"
    assert len(reuse) == 11  # 0, then one line per tenth
    assert [x for x in lines if x.startswith("[stories]")] == ["[stories] 0/10", "[stories] 10/10"]
