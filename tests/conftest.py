"""Shared fixtures: corpus locations (skipping cleanly when absent), temporary stores, the CLI entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """``../shared/corpora``; skips the test when it is not there."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora not present")
    return CORPORA


@pytest.fixture(scope="session")
def seeds_dir(corpora_dir: Path) -> Path:
    """The five seed articles (plain text); skips the test when they are not there."""
    seeds = corpora_dir / "seeds"
    if not seeds.is_dir() or not any(seeds.glob("*.txt")):
        pytest.skip("../shared/corpora/seeds not present")
    return seeds


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a fresh SQLite store file (not created yet)."""
    return tmp_path / "storylens.db"


@pytest.fixture
def store(tmp_db: Path) -> Iterator:
    """An open SQLite store on a fresh file, closed after the test."""
    from storylens.store import open_store

    st = open_store(str(tmp_db))
    try:
        yield st
    finally:
        st.close()


def _entry_point() -> list[str]:
    exe = Path(sys.executable).parent / "storylens"
    if exe.is_file():
        return [str(exe)]
    venv = REPO / ".venv" / "bin" / "storylens"
    if venv.is_file():
        return [str(venv)]
    return [sys.executable, "-m", "storylens.cli"]


@pytest.fixture(scope="session")
def storylens_cmd() -> list[str]:
    """The installed ``storylens`` command (the console-script entry point)."""
    return _entry_point()


CliRunner = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def run_cli(storylens_cmd: list[str], tmp_path: Path) -> CliRunner:
    """Run ``storylens ARGS...`` in a subprocess; returns the CompletedProcess (text mode)."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None,
            ) -> subprocess.CompletedProcess:
        full_env = dict(os.environ)
        full_env.pop("STORYLENS_DEBUG", None)
        full_env.update(env or {})
        return subprocess.run([*storylens_cmd, *args], capture_output=True, text=True, timeout=timeout,
                              env=full_env, cwd=str(cwd or tmp_path))

    return run
