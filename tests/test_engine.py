"""Engines (issue 15): the same input through the local engine and the Ray engine gives the same report.

The Ray engine runs extraction and sentence analysis as Ray Data batch jobs on a local Ray started for the
tests (two workers); the stages run in the driver either way. Compared: the whole JSON report (articles,
stories, derivations, facts, quotes, timeline), on the demo, the seed articles and 300 PolNeAR articles.
Skips, saying why, when Ray is not installed (``pip install 'storylens[ray]'``; the dev extra has it) or the
corpora are missing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CliRunner

from storylens.engine import EngineUnavailable, LocalEngine, make_engine
from storylens.pipeline import _extract_and_analyse, ingest
from storylens.report import build_report, render_json
from storylens.store import open_store

DEMO = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"


@pytest.fixture(scope="module")
def ray_engine() -> Iterator[Any]:
    pytest.importorskip("ray.data", reason="Ray is not installed (pip install 'storylens[ray]')")
    engine = make_engine("ray", 2)
    try:
        yield engine
    finally:
        engine.close()


def _report(paths: list[Path], db: Path, engine: Any = None, round_size: int | None = None) -> dict[str, Any]:  # noqa: ANN401
    store = open_store(str(db))
    try:
        res = ingest([str(p) for p in paths], store, workers=1, engine=engine, round_size=round_size)
        report = build_report(store)
        report.errors = res.errors
        report.stages.update(res.stages)
        return json.loads(render_json(report))
    finally:
        store.close()


def _same_on_both(paths: list[Path], tmp_path: Path, engine: Any, least: int) -> dict[str, Any]:  # noqa: ANN401
    # local first: it forks no pool here (workers=1), and the Ray run shares nothing with it but the input
    local = _report(paths, tmp_path / "local.db")
    ray = _report(paths, tmp_path / "ray.db", engine)
    assert len(local["articles"]) >= least, "the input was read"
    assert [a["id"] for a in ray["articles"]] == [a["id"] for a in local["articles"]]
    for key in ("stories", "derivations", "facts", "quotes", "conflicts", "timeline"):
        assert ray.get(key) == local.get(key), key
    assert ray == local
    return local


@pytest.mark.engine
def test_demo_gives_the_same_report_on_both_engines(ray_engine: Any, tmp_path: Path) -> None:  # noqa: ANN401
    local = _same_on_both([DEMO], tmp_path, ray_engine, least=10)
    assert local["stories"] and local["derivations"] and local["facts"], "the demo has stories, a rewrite, facts"
    assert ray_engine.timings.get("ray wait", 0) > 0, "the Ray engine did the per-article work"


@pytest.mark.engine
def test_ray_batches_of_any_size_give_the_same_report(tmp_path: Path) -> None:
    pytest.importorskip("ray.data", reason="Ray is not installed (pip install 'storylens[ray]')")
    from storylens.engine.ray_engine import RayEngine

    engine = RayEngine(workers=2, batch_size=5)  # joins the module's Ray when it is up, else starts one
    try:
        small = _report([DEMO], tmp_path / "small.db", engine)
    finally:
        engine.close()
    assert small == _report([DEMO], tmp_path / "local.db")


@pytest.mark.engine
def test_seeds_give_the_same_report_on_both_engines(ray_engine: Any, seeds_dir: Path, tmp_path: Path) -> None:  # noqa: ANN401
    _same_on_both([seeds_dir], tmp_path, ray_engine, least=5)


@pytest.mark.engine
@pytest.mark.slow
def test_polnear_gives_the_same_report_on_both_engines(ray_engine: Any, corpora_dir: Path, tmp_path: Path) -> None:  # noqa: ANN401
    texts = sorted((corpora_dir / "polnear" / "train" / "text").glob("*.txt"))[:300]
    if len(texts) < 300:
        pytest.skip("PolNeAR train texts not present")
    src = tmp_path / "polnear"
    src.mkdir()
    for p in texts:  # plain text, as a user would point analyze at a folder
        (src / p.name).write_text(p.read_text(encoding="utf-8", errors="replace"), encoding="utf-8")
    local = _same_on_both([src], tmp_path, ray_engine, least=290)
    assert local["stories"], "stories formed"


def test_ray_rows_are_taken_in_input_order_whatever_order_they_arrive() -> None:
    import pickle

    import numpy as np

    from storylens.engine.ray_engine import RayEngine

    class Batches:  # a dataset whose batches come back out of order, one row early
        def iter_batches(self, **_: Any) -> Iterator[dict[str, np.ndarray]]:  # noqa: ANN401
            for seqs in ([2, 0], [3], [1, 4]):
                yield {"seq": np.asarray(seqs), "out": np.asarray([pickle.dumps(f"r{s}") for s in seqs], dtype=object)}

    engine = RayEngine.__new__(RayEngine)  # no Ray needed to order rows
    assert list(engine._in_order(Batches())) == ["r0", "r1", "r2", "r3", "r4"]


def test_local_engine_maps_chunks_in_order() -> None:
    from storylens.sources import RawDoc

    docs = [RawDoc(content=f"Title {i}\n\nThe harbour ferry ran {i} times on Tuesday, the council said.",
                   format="text", source=f"d{i}.txt", meta={}) for i in range(3)]
    got = list(LocalEngine(1).map_chunks(_extract_and_analyse, [docs[:2], docs[2:]]))
    assert [len(arts) for arts, _ in got] == [2, 1]
    assert [a.source for arts, _ in got for a in arts] == ["d0.txt", "d1.txt", "d2.txt"]


def test_address_without_ray_engine_is_refused() -> None:
    with pytest.raises(EngineUnavailable, match="--address needs --engine ray"):
        make_engine("local", 1, "ray://example:10001")


def test_engine_ray_without_ray_installed_is_one_line(tmp_path: Path) -> None:
    # ray hidden from the CLI's interpreter: importing it fails as on a machine without the extra
    code = ("import sys; sys.modules['ray'] = None; sys.argv = ['storylens'] + sys.argv[1:]; "
            "from storylens.cli import main; main()")
    import subprocess

    got = subprocess.run([sys.executable, "-c", code, "analyze", str(DEMO), "--db", str(tmp_path / "s.db"),
                          "--engine", "ray", "-q"], capture_output=True, text=True, timeout=120)
    assert got.returncode == 2
    lines = got.stderr.strip().splitlines()
    assert len(lines) == 1, got.stderr
    assert "--engine ray needs Ray" in lines[0] and "storylens[ray]" in lines[0]
    assert "Traceback" not in got.stderr
    assert not (tmp_path / "s.db").exists(), "nothing was analysed"


def test_unknown_engine_is_one_line(run_cli: CliRunner, tmp_path: Path) -> None:
    got = run_cli("analyze", str(DEMO), "--db", str(tmp_path / "s.db"), "--engine", "spark", "-q")
    assert got.returncode == 2
    assert got.stderr.strip().splitlines() == ["storylens: error: unknown engine 'spark' (one of: local, ray)"]
    assert not (tmp_path / "s.db").exists()


@pytest.mark.engine
@pytest.mark.slow
def test_cli_engine_ray_writes_the_local_report(run_cli: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("ray.data", reason="Ray is not installed (pip install 'storylens[ray]')")
    local = run_cli("analyze", str(DEMO), "--db", "local.db", "--json", "local.json", "-q", timeout=600)
    assert local.returncode == 0, local.stderr
    ray = run_cli("analyze", str(DEMO), "--db", "ray.db", "--json", "ray.json", "--engine", "ray", "--workers", "1",
                  timeout=600)
    assert ray.returncode == 0, ray.stderr
    assert "Traceback" not in ray.stderr
    assert "12 new article(s)" in ray.stderr
    assert (tmp_path / "ray.json").read_text("utf-8") == (tmp_path / "local.json").read_text("utf-8")


def test_unreachable_ray_address_is_one_line_at_once(run_cli: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("ray.data", reason="Ray is not installed (pip install 'storylens[ray]')")
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got = run_cli("analyze", str(DEMO), "--db", str(tmp_path / "s.db"), "--engine", "ray",
                  "--address", f"127.0.0.1:{port}", "-q", timeout=60)
    assert got.returncode == 2
    assert got.stderr.strip().splitlines() == [
        f"storylens: error: cannot reach the Ray cluster at 127.0.0.1:{port} (Connection refused)"]
