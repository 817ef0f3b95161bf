"""The web UI and the HTTP API, through FastAPI's test client."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_report import S_CLOSED, parse_tags, sample_store

from storylens.model import Report
from storylens.web import create_app

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "web.db")
    sample_store(path).close()
    return path


@pytest.fixture()
def client(db: str) -> TestClient:
    return TestClient(create_app(db))


def test_every_page_sends_a_csp_that_forbids_inline_script(client: TestClient) -> None:
    for url in ("/", "/story/s1", "/article/a", "/upload", "/api/v1/stories", "/nope"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_stories_page_lists_stories_with_counts_and_sparklines(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert "Harbour bridge closed" in html and "Fisheries law passes" in html
    assert "3 article(s) · 3 outlet(s)" in html
    assert html.count('<svg class="spark"') == 2
    # activity sort: the story with the most articles in the last week of the data comes first
    assert html.index("Harbour bridge closed") < html.index("Fisheries law passes")
    assert client.get("/?sort=recent").text.index("Fisheries law passes") < client.get("/?sort=recent").text.index(
        "Harbour bridge closed")


def test_stories_page_filters(client: TestClient) -> None:
    assert "Fisheries" not in client.get("/?q=bridge").text
    only = client.get("/?outlet=Capital+Post").text
    assert "Fisheries law passes" in only and "Harbour bridge closed" not in only
    dated = client.get("/?date_from=2026-03-04").text
    assert "Fisheries law passes" in dated and "Harbour bridge closed" not in dated
    assert client.get("/?date_from=yesterday").status_code == 422


def test_story_page_has_every_section_and_the_diff(client: TestClient) -> None:
    html = client.get("/story/s1").text
    for heading in ("Summary", "Articles in time order", "Coverage: facts by outlet", "Timeline", "Conflicts",
                    "Copies and rewrites", "Comments"):
        assert f">{heading}</h3>" in html
    assert "not analysed yet in this version" not in html  # every stage is part of this version
    assert "No comments on these articles." in html  # the comments stage ran; these articles have none
    assert html.count('<circle ') == 3  # the derivation graph
    assert 'class="del chg chg-number"' in html and 'class="ins chg chg-number"' in html
    assert S_CLOSED in html
    assert [a.get("href") for t, a in parse_tags(html) if t == "script"] == []


def test_article_page_shows_body_and_removed_lines(tmp_path: Path) -> None:
    from test_report import sample

    from storylens.model import RemovedLine

    arts = sample()[0]
    arts[0].removed = [RemovedLine(text="MOST READ 1. Something else", kind="furniture", rule="text.ranking-block",
                                   position=7)]
    from storylens.store import open_store

    store = open_store(str(tmp_path / "x.db"))
    store.add_articles(arts)
    store.close()
    html = TestClient(create_app(str(tmp_path / "x.db"))).get("/article/a").text
    assert S_CLOSED in html and "text.ranking-block" in html and "MOST READ 1. Something else" in html
    assert "Nothing: every line was kept" in TestClient(create_app(str(tmp_path / "x.db"))).get("/article/b").text


def test_no_stories_lists_articles_ungrouped(tmp_path: Path) -> None:
    path = str(tmp_path / "n.db")
    sample_store(path, stories=False).close()
    c = TestClient(create_app(path))
    html = c.get("/").text
    assert "listed ungrouped" in html and html.count('href="/article/') == 4
    assert "Articles not grouped into stories" in c.get("/story/unclustered").text
    assert c.get("/api/v1/stories").json()["total"] == 0


def test_api_stories_paginate_and_filter(client: TestClient) -> None:
    r = client.get("/api/v1/stories", params={"per_page": 1})
    body = r.json()
    assert body["total"] == 2 and body["pages"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["id"] == "s1" and body["items"][0]["article_count"] == 3
    assert client.get("/api/v1/stories", params={"per_page": 1, "page": 2}).json()["items"][0]["id"] == "s2"
    assert [i["id"] for i in client.get("/api/v1/stories", params={"q": "fisheries"}).json()["items"]] == ["s2"]
    assert client.get("/api/v1/stories", params={"per_page": 1000}).status_code == 422


def test_api_story_is_the_report_schema(client: TestClient) -> None:
    r = client.get("/api/v1/stories/s1")
    rep = Report.model_validate(r.json())
    assert [s.id for s in rep.stories] == ["s1"] and {a.id for a in rep.articles} == {"a", "b", "c"}
    assert len(rep.derivations) == 2 and rep.summaries
    assert client.get("/api/v1/stories/zzz").status_code == 404


def test_api_article_and_search(client: TestClient) -> None:
    r = client.get("/api/v1/articles/a").json()
    assert r["article"]["outlet"] == "Harbour Times" and r["story_id"] == "s1"
    assert client.get("/api/v1/articles/none").status_code == 404
    hits = client.get("/api/v1/search", params={"q": "quotas"}).json()
    assert [h["id"] for h in hits["items"]] == ["d"] and hits["items"][0]["story_id"] == "s2"
    assert client.get("/api/v1/search").status_code == 422
    listed = client.get("/api/v1/articles", params={"outlet": "Bay Daily"}).json()
    assert [i["id"] for i in listed["items"]] == ["b"]


def test_openapi_describes_typed_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/articles/{article_id}", "/api/v1/search",
              "/api/v1/ingest", "/api/v1/jobs/{job_id}"):
        assert p in paths, p
    ok = paths["/api/v1/stories"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/StoryPage")
    assert "/" not in paths and "/docs" not in [r for r in paths]


def _wait(client: TestClient, job_id: str, timeout: float = 120) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("ingest job did not finish")


def test_api_ingest_uploads_files_and_reports_errors(client: TestClient) -> None:
    text = ("Ferry timetable published\n\nThe ferry operator published its first timetable on Wednesday, with boats "
            "every twenty minutes from six in the morning.\n\nTickets will cost the same as a single bus fare, the "
            "operator said, and monthly passes will be accepted on board.\n")
    r = client.post("/api/v1/ingest", files=[("files", ("../../etc/ferry.txt", text.encode(), "text/plain")),
                                            ("files", ("broken.jsonl", b"{not json\n", "application/json"))])
    assert r.status_code == 202
    job = _wait(client, r.json()["id"])
    assert job["status"] == "done" and len(job["added"]) == 1
    assert job["errors"] and job["errors"][0]["source"].startswith("broken.jsonl")
    art = client.get(f"/api/v1/articles/{job['added'][0]}").json()["article"]
    assert "twenty minutes" in " ".join(art["body"])
    again = client.post("/api/v1/ingest?wait=true", files=[("files", ("ferry.txt", text.encode(), "text/plain"))]).json()
    assert again["status"] == "done" and again["added"] == [] and again["skipped"] == 1
    assert client.post("/api/v1/ingest").status_code == 422


def test_upload_form_redirects_to_a_progress_page(client: TestClient) -> None:
    data = (HOSTILE / "hostile-note.txt").read_bytes()
    r = client.post("/upload", files=[("files", ("note.txt", data, "text/plain"))], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/job-")
    job_id = r.headers["location"].rsplit("/", 1)[1]
    _wait(client, job_id)
    page = client.get(r.headers["location"]).text
    assert "New articles" in page and "<script>window" not in page
    assert client.post("/upload", data={"urls": ""}).status_code == 422


def test_hostile_corpus_is_escaped_in_every_page(tmp_path: Path) -> None:
    from storylens.pipeline import ingest
    from storylens.store import open_store

    path = str(tmp_path / "h.db")
    store = open_store(path)
    res = ingest([HOSTILE / "hostile.jsonl", HOSTILE / "hostile-page.html", HOSTILE / "hostile-note.txt"], store)
    assert len(res.added) >= 3, res.errors
    ids = [a.id for a in store.iter_articles()]
    stories = [s.id for s in store.get_stories()]
    store.close()
    c = TestClient(create_app(path))
    urls = ["/", "/?q=bridge"] + [f"/story/{s}" for s in stories] + ["/story/unclustered"]
    from urllib.parse import quote

    urls += [f"/article/{quote(i, safe='')}" for i in ids]
    for url in urls:
        r = c.get(url)
        if r.status_code == 404 and url == "/story/unclustered":
            continue
        assert r.status_code == 200, url
        tags = parse_tags(r.text)
        scripts = [a.get("src") for t, a in tags if t == "script"]
        assert all(s and s.startswith("/static/") for s in scripts), (url, scripts)
        for t, a in tags:
            assert not any(k.startswith("on") for k in a), (url, t, a)
            for k in ("href", "src", "action"):
                assert not (a.get(k) or "").strip().lower().startswith("javascript:"), (url, t, a)
        assert "<img src=x" not in r.text and "<svg onload" not in r.text
    api = c.get("/api/v1/articles", params={"per_page": 100}).json()
    assert json.dumps(api)  # JSON is data, the API returns the text as it was


SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpora/seeds not present")
def test_end_to_end_seeds_through_the_pipeline_and_the_web(tmp_path: Path) -> None:
    from urllib.parse import quote

    from storylens.pipeline import ingest
    from storylens.store import open_store

    path = str(tmp_path / "seeds.db")
    store = open_store(path)
    ingest([SEEDS], store)
    arts = list(store.iter_articles())
    stories = store.get_stories()
    store.close()
    c = TestClient(create_app(path))
    home = c.get("/").text
    assert len(arts) == 5
    for a in arts:
        r = c.get("/article/" + quote(a.id, safe=""))
        assert r.status_code == 200 and a.body[0][:40].replace("'", "&#39;").replace('"', "&#34;") in r.text
    for s in stories:
        r = c.get("/story/" + quote(s.id, safe=""))
        assert r.status_code == 200 and ">Summary</h3>" in r.text
        rep = Report.model_validate(c.get("/api/v1/stories/" + quote(s.id, safe="")).json())
        assert {a.id for a in rep.articles} == set(s.article_ids)
    if stories:
        assert c.get("/api/v1/stories").json()["total"] == len(stories)
        assert "Stories</h1>" in home
    else:
        assert "listed ungrouped" in home


def test_serve_command_is_registered_and_rejects_a_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app

    runner = CliRunner()
    assert "--port" in runner.invoke(app, ["serve", "--help"]).output
    res = runner.invoke(app, ["serve", "--db", str(tmp_path)])
    assert res.exit_code == 2 and "is a folder" in res.output and "Traceback" not in res.output


def test_ingest_refuses_private_addresses(client: TestClient) -> None:
    job = client.post("/api/v1/ingest?wait=true", data={"urls": "http://127.0.0.1:1/secret\nftp://example.org/x"}).json()
    assert job["status"] == "done" and job["added"] == []
    assert len(job["errors"]) == 2 and all(e["reason"] for e in job["errors"])


def test_article_page_explains_why_the_article_is_in_its_story(tmp_path: Path) -> None:
    from storylens.pipeline import analyze

    demo = Path(__file__).resolve().parents[1] / "examples" / "harbour-ferry" / "articles"
    path = str(tmp_path / "demo.db")
    analyze([str(demo)], db=path)
    from storylens.store import open_store

    with open_store(path) as store:
        aid = sorted(a.id for a in store.iter_articles())[0]
        sid = store.story_of(aid)
    html = TestClient(create_app(path)).get(f"/article/{aid}").text
    assert "Why this story" in html and f'href="/story/{sid}"' in html
    assert "threshold" in html and "(its story)" in html
