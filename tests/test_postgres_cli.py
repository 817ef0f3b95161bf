"""`--db postgresql://...` through the CLI and the web app: the demo analysed into PostgreSQL gives the report it
gives in SQLite, the read commands and the API work on the URL, and no message shows the password.

Skips, saying why, when no PostgreSQL test server is available (``make test`` starts one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CliRunner

from storylens.store.urls import redact_url

DEMO = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"


def _essentials(report: dict[str, Any]) -> dict[str, Any]:
    """What must agree between the stores: ids, memberships and findings, not timestamps."""
    return {
        "articles": [a["id"] for a in report["articles"]],
        "stories": sorted((s["id"], tuple(s["article_ids"]), s.get("storyline_id")) for s in report["stories"]),
        "derivations": sorted((d["source_id"], d["derived_id"], d["kind"], round(d["score"], 6),
                               d["direction_from"], len(d["pairs"]), len(d["changes"])) for d in report["derivations"]),
        "facts": sorted(json.dumps(f, sort_keys=True) for f in report.get("facts", [])),
        "quotes": len(report.get("quotes", [])),
        "conflicts": len(report.get("conflicts", [])),
        "timeline": json.dumps(report.get("timeline", []), sort_keys=True),
    }


def test_demo_analysed_into_postgres_gives_the_sqlite_report(run_cli: CliRunner, tmp_path: Path, pg_url: str) -> None:
    lite = run_cli("analyze", str(DEMO), "--db", str(tmp_path / "demo.db"), "--json", "lite.json", "-q", timeout=600)
    assert lite.returncode == 0, lite.stderr
    pg = run_cli("analyze", str(DEMO), "--db", pg_url, "--json", "pg.json", timeout=600)
    assert pg.returncode == 0, pg.stderr
    assert "Traceback" not in pg.stderr
    a = json.loads((tmp_path / "lite.json").read_text("utf-8"))
    b = json.loads((tmp_path / "pg.json").read_text("utf-8"))
    n = len(a["articles"])
    assert n >= 10 and a["stories"] and a["derivations"], "the demo has stories and a rewrite"
    assert _essentials(b) == _essentials(a)
    password = pg_url.split("://", 1)[1].split("@", 1)[0].partition(":")[2]
    assert f"store {redact_url(pg_url)} holds {n} article(s)" in pg.stderr
    if password:
        assert password not in pg.stderr + pg.stdout

    again = run_cli("analyze", str(DEMO), "--db", pg_url, "-q", timeout=600)
    assert again.returncode == 0, again.stderr

    stories = run_cli("stories", "--db", pg_url, "--json")
    assert stories.returncode == 0, stories.stderr
    listed = json.loads(stories.stdout)
    rows = listed["stories"] if isinstance(listed, dict) else listed
    assert sorted(s["id"] for s in rows) == sorted(s["id"] for s in a["stories"]), "the second run added nothing"
    sid = a["stories"][0]["id"]
    one = run_cli("story", sid, "--db", pg_url, "--json")
    assert one.returncode == 0, one.stderr
    assert sid in one.stdout


def test_the_web_app_serves_a_postgres_store(pg_url: str) -> None:
    from fastapi.testclient import TestClient

    from storylens.model import Article
    from storylens.store import open_store
    from storylens.web import create_app

    with open_store(pg_url) as st:
        st.add_articles([Article(id="p1", content_hash="hp1", title="Ferry fares rise",
                                 body=["The harbour ferry fares rise in May."])])
    client = TestClient(create_app(pg_url))
    assert client.get("/api/v1/stories").status_code == 200
    assert [a["id"] for a in client.get("/api/v1/search", params={"q": "ferry"}).json()["items"]] == ["p1"]
    assert client.get("/api/v1/articles/p1").json()["article"]["title"] == "Ferry fares rise"


def test_a_server_that_is_down_is_one_line_naming_the_url_without_its_password(run_cli: CliRunner) -> None:
    pytest.importorskip("psycopg")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://reader:t0p-secret@127.0.0.1:{port}/news"
    for args in (["analyze", str(DEMO / "nothing-here.txt"), "--db", url], ["stories", "--db", url],
                 ["serve", "--db", url, "--port", "1"], ["diff", "a", "b", "--db", url]):
        got = run_cli(*args)
        assert got.returncode == 2, (args, got.stderr)
        lines = got.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"storylens: error: postgresql://reader@127.0.0.1:{port}/news: ")
        assert "cannot connect to PostgreSQL" in lines[0] and "t0p-secret" not in got.stderr, args
