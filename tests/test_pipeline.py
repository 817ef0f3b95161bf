"""End to end: the pipeline and the Python API on the seed articles."""

from __future__ import annotations

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
