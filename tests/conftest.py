"""Shared fixtures: corpus locations (skipping cleanly when absent), temporary stores, the CLI entry point."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------- PostgreSQL (for the store tests on both backends)

NO_PG = ("no PostgreSQL server for the tests (set STORYLENS_TEST_PG to a postgresql:// URL, or run "
         "scripts/postgres.sh start)")


@functools.lru_cache(maxsize=1)
def _pg_server_url() -> str | None:
    """STORYLENS_TEST_PG (set by `make test`; empty means none), else the URL of a running scripts/postgres.sh server."""
    if "STORYLENS_TEST_PG" in os.environ:
        return os.environ["STORYLENS_TEST_PG"].strip() or None
    try:
        got = subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "url"], capture_output=True, text=True,
                             timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return got.stdout.strip() if got.returncode == 0 and got.stdout.strip() else None


def pytest_report_header(config: pytest.Config) -> str:
    from storylens.store.urls import redact_url

    url = _pg_server_url()
    return f"PostgreSQL store tests: on {redact_url(url)}" if url else f"PostgreSQL store tests: skipped, {NO_PG}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly, at the end, when the PostgreSQL runs of the store tests were skipped."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "PostgreSQL" in str(r.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[-1]) if isinstance(skipped[0].longrepr, tuple) else NO_PG
        terminalreporter.write_line(f"PostgreSQL store tests: {len(skipped)} skipped: {reason.removeprefix('Skipped: ')}")


def with_database(url: str, dbname: str) -> str:
    """The same server URL naming another database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The URL of the test PostgreSQL server; skips the test, saying why, when there is none or it cannot be used."""
    url = _pg_server_url()
    if not url:
        pytest.skip(NO_PG)
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'storylens[postgres]')")
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as exc:
        from storylens.store.urls import redact_url

        pytest.skip(f"PostgreSQL server {redact_url(url)} cannot be reached ({' '.join(str(exc).split())[:200]})")
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL of a fresh, empty database on the test server, dropped after the test."""
    import uuid

    import psycopg

    name = "storylens_test_" + uuid.uuid4().hex[:16]
    try:
        with psycopg.connect(pg_server, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.skip(f"cannot create a test database on the PostgreSQL server ({' '.join(str(exc).split())[:200]})")
    try:
        yield with_database(pg_server, name)
    finally:
        with psycopg.connect(pg_server, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def store_location(request: pytest.FixtureRequest, tmp_db: Path) -> str:
    """What ``open_store`` takes, for each backend: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_db)
    return request.getfixturevalue("pg_url")


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
