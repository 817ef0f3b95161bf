"""The API and the upload form refuse oversized and malformed requests with a 4xx and a clear message,
never a 500, and never fetch a private, loopback or link-local address (nor follow a redirect to one).

Addresses are tried against a local HTTP server on 127.0.0.1 only, as in tests/test_fetch.py."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_fetch import Handler
from test_report import sample_store

from storylens.sources import fetch as fetch_mod
from storylens.store import open_store
from storylens.web import create_app

TEXT = (b"Ferry timetable published\n\nThe ferry operator published its first timetable on Wednesday, with boats "
        b"every twenty minutes from six in the morning.\n\nTickets will cost the same as a single bus fare, the "
        b"operator said, and monthly passes will be accepted on board.\n")


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "web.db")
    sample_store(path).close()
    return path


def _count(db: str) -> int:
    with open_store(db) as store:
        return store.count_articles()


@pytest.fixture()
def capped(db: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """An app whose request bodies are capped at 4,000 bytes and single files at 1,500."""
    monkeypatch.setenv("STORYLENS_MAX_UPLOAD_BYTES", "4000")
    monkeypatch.setenv("STORYLENS_MAX_BYTES", "1500")
    return TestClient(create_app(db), raise_server_exceptions=False)


def test_a_body_over_the_upload_cap_is_refused_with_413(capped: TestClient, db: str) -> None:
    before = _count(db)
    files = [("files", (f"f{i}.txt", TEXT + b" " * (1400 - len(TEXT)), "text/plain")) for i in range(4)]
    r = capped.post("/api/v1/ingest?wait=true", files=files)
    assert r.status_code == 413
    detail = r.json()["detail"]
    assert "over the 4000 bytes upload limit" in detail and "STORYLENS_MAX_UPLOAD_BYTES" in detail
    assert _count(db) == before and capped.app.state.jobs.jobs == {}, "nothing was started or stored"
    # the same through the browser form: the upload page again, saying why
    page = capped.post("/upload", files=files)
    assert page.status_code == 413 and "text/html" in page.headers["content-type"]
    assert "STORYLENS_MAX_UPLOAD_BYTES" in page.text and "<form" in page.text


def test_a_streamed_body_is_cut_off_at_the_cap(capped: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for _ in range(10):
            yield b"x" * 1000

    r = capped.post("/api/v1/ingest", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and "upload limit" in r.json()["detail"]


def test_one_file_over_the_file_cap_is_refused_by_name(capped: TestClient, db: str) -> None:
    before = _count(db)
    r = capped.post("/api/v1/ingest?wait=true", files=[("files", ("big.txt", TEXT * 10, "text/plain"))])
    assert r.status_code == 413 and r.json()["detail"] == "big.txt: larger than 1500 bytes"
    assert _count(db) == before
    ok = capped.post("/api/v1/ingest?wait=true", files=[("files", ("ferry.txt", TEXT, "text/plain"))])
    assert ok.status_code == 202 and ok.json()["status"] == "done" and len(ok.json()["added"]) == 1


def test_too_many_files_and_an_oversized_field_are_4xx(db: str) -> None:
    client = TestClient(create_app(db), raise_server_exceptions=False)
    many = [("files", (f"f{i}.txt", b"x", "text/plain")) for i in range(201)]
    r = client.post("/api/v1/ingest", files=many)
    assert r.status_code == 413 and "at most 200 files" in r.json()["detail"]
    r = client.post("/api/v1/ingest", data={"urls": "\n".join(f"https://example.org/{i}" for i in range(101))})
    assert r.status_code == 413 and "100 URLs" in r.json()["detail"]
    r = client.post("/api/v1/ingest", data={"urls": "https://example.org/a\n" * 1200})  # over 20,000 characters
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "urls"]
    r = client.post("/api/v1/ingest", files=[("files", (f"f{i}.txt", b"x", "text/plain")) for i in range(1001)])
    assert r.status_code == 400 and "Maximum number of files is 1000" in r.json()["detail"]
    r = client.post("/api/v1/ingest", data={"urls": "x" * 2_000_000})  # past the form parser's field cap
    assert r.status_code == 400 and "maximum size" in r.json()["detail"]
    r = client.post("/upload", data={"urls": "x" * 2_000_000})
    assert r.status_code == 400 and "<form" in r.text


@pytest.mark.parametrize(
    ("body", "ctype"),
    [(b'{"urls": "https://example.org/a"}', "application/json"), (b"{not json", "application/json"),
     (b"https://example.org/a", "text/plain"), (b"\x89PNG\r\n\x1a\n", "image/png")],
)
def test_a_body_that_is_not_a_form_is_415(db: str, body: bytes, ctype: str) -> None:
    client = TestClient(create_app(db), raise_server_exceptions=False)
    r = client.post("/api/v1/ingest", content=body, headers={"content-type": ctype})
    assert r.status_code == 415
    assert "multipart/form-data" in r.json()["detail"] and ctype in r.json()["detail"]
    page = client.post("/upload", content=body, headers={"content-type": ctype})
    assert page.status_code == 415 and "<form" in page.text
    assert client.app.state.jobs.jobs == {}


def test_malformed_forms_are_4xx(db: str) -> None:
    client = TestClient(create_app(db), raise_server_exceptions=False)
    r = client.post("/api/v1/ingest", content=b"--b\r\nabc", headers={"content-type": "multipart/form-data"})
    assert r.status_code == 400 and "boundary" in r.json()["detail"]
    r = client.post("/api/v1/ingest", content=b"--b\r\ngarbage with no headers",
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400 and r.json()["detail"]
    r = client.post("/api/v1/ingest", content=b"--b\r\nfoo", headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 422 and "nothing to ingest" in r.json()["detail"]  # cut short: no part in it
    r = client.post("/api/v1/ingest", content=b"%%%=&&&", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422
    assert client.post("/api/v1/ingest?wait=maybe", data={"urls": "https://example.org/"}).status_code == 422


def test_a_huge_query_string_is_4xx(db: str) -> None:
    client = TestClient(create_app(db), raise_server_exceptions=False)
    for url in ("/api/v1/stories", "/api/v1/articles", "/api/v1/search", "/"):
        r = client.get(url, params={"q": "harbour " * 3000})
        assert r.status_code == 422, url
    r = client.get("/api/v1/stories", params={"outlet": "x" * 30_000, "date_from": "2026-" + "1" * 30_000})
    assert r.status_code == 422


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raw(port: int, request: bytes) -> tuple[int, str]:
    """Send bytes as they are (a request line or headers no client library would send) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(request)
        resp = http.client.HTTPResponse(c)
        resp.begin()
        return resp.status, resp.read().decode("utf-8", "replace")


def test_the_served_app_refuses_a_huge_declared_body_and_request_line_without_reading_them(db: str) -> None:
    """Through `storylens serve` as a user runs it: a 10 GB Content-Length gets 413 though only a few bytes
    were sent (nothing waits for the rest); a 1 MB request line gets 400; the server is still up after."""
    port = _free_port()
    exe = str(Path(sys.executable).with_name("storylens"))
    proc = subprocess.Popen([exe, "serve", "--db", db, "--port", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        assert "serving" in proc.stderr.readline()
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                threading.Event().wait(0.05)
        status, body = _raw(port, b"POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                                  b"boundary=b\r\nContent-Length: 10000000000\r\n\r\n--b\r\n")
        assert status == 413 and "(9537 MiB) is over the 256 MiB upload limit" in body, body
        # a request line past the HTTP parser's 16 KiB (sent without its end, so the server has read it all)
        status, body = _raw(port, b"GET /api/v1/stories?q=" + b"a" * 40_000)
        assert status == 400, body
        status, body = _raw(port, b"GET /api/v1/stories HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == 200 and '"total":2' in body, body
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    ("url", "words"),
    [("http://127.0.0.1:{port}/article", "127.0.0.1 (loopback address)"),
     ("http://localhost:{port}/article", "(loopback address)"),
     ("http://[::1]:{port}/article", "::1 (loopback address)"),
     ("http://10.0.0.7/article", "10.0.0.7 (private address)"),
     ("http://192.168.1.1/", "192.168.1.1 (private address)"),
     ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 (link-local address)"),
     ("http://[fe80::1]/", "fe80::1 (link-local address)")],
)
def test_upload_refuses_private_addresses_with_a_clear_message(db: str, server: str, url: str, words: str) -> None:
    port = server.rsplit(":", 1)[1]
    client = TestClient(create_app(db))
    Handler.hits.clear()
    job = client.post("/api/v1/ingest?wait=true", data={"urls": url.format(port=port)}).json()
    assert job["status"] == "done" and job["added"] == [] and len(job["errors"]) == 1
    reason = job["errors"][0]["reason"]
    assert reason.startswith("refused: ") and words in reason
    assert "this server fetches public addresses only" in reason and "--allow-private" not in reason
    assert Handler.hits == [], "a refused address is never contacted"


@pytest.fixture()
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (only) as public, so a redirect from the local server to another address is followed."""
    real = fetch_mod._address_problem

    def problem(ip):  # type: ignore[no-untyped-def]
        return None if str(ip) == "127.0.0.1" else real(ip)

    monkeypatch.setattr(fetch_mod, "_address_problem", problem)


def test_upload_refuses_a_redirect_to_a_link_local_address(db: str, server: str, loopback_is_public: None) -> None:
    client = TestClient(create_app(db))
    Handler.hits.clear()
    before = _count(db)
    r = client.post("/upload", data={"urls": server + "/to-metadata\n" + server + "/to-file"}, follow_redirects=False)
    assert r.status_code == 303
    job_url = r.headers["location"]
    job = client.app.state.jobs.get(job_url.rsplit("/", 1)[1])
    for _ in range(600):
        if job.status in ("done", "failed"):
            break
        threading.Event().wait(0.05)
    assert job.status == "done" and job.added == []
    reasons = {e.source.rsplit("/", 1)[1]: e.reason for e in job.errors}
    assert "169.254.169.254 resolves to 169.254.169.254 (link-local address)" in reasons["to-metadata"]
    assert "this server fetches public addresses only" in reasons["to-metadata"]
    assert "only http and https" in reasons["to-file"]
    assert sorted(Handler.hits) == ["/to-file", "/to-metadata"], "the redirect target is never contacted"
    page = client.get(job_url).text
    assert "link-local address" in page and "Inputs that could not be read" in page
    assert _count(db) == before
    # the same server's own article is fetched through the same path (the refusal is about the target)
    ok = client.post("/api/v1/ingest?wait=true", data={"urls": server + "/redirect"}).json()
    assert ok["status"] == "done" and len(ok["added"]) == 1
