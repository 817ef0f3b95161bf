"""Safe fetching, against a local HTTP server on 127.0.0.1 only; no other address is ever contacted."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storylens.model import InputError
from storylens.sources import RawDoc
from storylens.sources import fetch as fetch_mod
from storylens.sources.fetch import check_url, fetch_urls

ARTICLE_HTML = (
    "<html><head><title>Council approves budget</title>"
    '<meta property="article:published_time" content="2024-03-05T09:00:00Z"></head><body><article>'
    "<h1>Council approves budget</h1>"
    "<p>The city council approved the new transport budget on Tuesday after a long debate in the chamber.</p>"
    "<p>The mayor said the plan would add three bus lines and repair forty bridges by the end of 2026.</p>"
    "<p>Opposition members said the cost estimates were too optimistic and asked for an independent audit.</p>"
    "</article></body></html>"
)
JA = "東京都は5日、新しい防災計画を発表した。計画には避難所の増設や備蓄の拡充が含まれる。"


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return None

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        Handler.hits.append(self.path)
        p = self.path
        if p == "/article":
            self._send(200, ARTICLE_HTML.encode())
        elif p == "/ja":
            html = f"<html><head><title>防災</title></head><body><p>{JA}</p><p>{JA}</p></body></html>"
            self._send(200, html.encode("shift_jis"), "text/html; charset=Shift_JIS")
        elif p == "/redirect":
            self._send(302, b"", headers={"Location": "/article"})
        elif p == "/loop":
            self._send(302, b"", headers={"Location": "/loop"})
        elif p == "/to-metadata":
            self._send(302, b"", headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        elif p == "/to-file":
            self._send(302, b"", headers={"Location": "file:///etc/passwd"})
        elif p == "/big":
            self._send(200, b"<html><body><p>" + b"x" * 300_000 + b"</p></body></html>")
        elif p == "/big-stream":  # no Content-Length: the cap must apply while streaming
            self._send(200, b"<html><body><p>" + b"y" * 300_000 + b"</p></body></html>", length=False)
        elif p == "/gzip-bomb":
            body = gzip.compress(b"<html><body><p>" + b"z" * 5_000_000 + b"</p></body></html>")
            self._send(200, body, headers={"Content-Encoding": "gzip"})
        elif p == "/slow":
            time.sleep(3)
            self._send(200, ARTICLE_HTML.encode())
        elif p == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        else:
            self._send(404, b"<html><body>not found</body></html>")


@pytest.fixture(scope="module")
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


class FakeStore:
    def __init__(self) -> None:
        self.raw: list[tuple[str, bytes, str | None]] = []

    def put_raw(self, url: str, content: bytes, content_type: str | None) -> str:
        self.raw.append((url, content, content_type))
        return "h"


def _one(url: str, **kw) -> RawDoc | InputError:
    items = list(fetch_urls([url], allow_private=kw.pop("allow_private", True), **kw))
    assert len(items) == 1
    return items[0]


def test_fetches_a_page_stores_raw_html_and_extracts(server: str) -> None:
    store = FakeStore()
    items = list(fetch_urls([server + "/article"], store=store, allow_private=True))
    assert len(items) == 1 and isinstance(items[0], RawDoc)
    doc = items[0]
    assert doc.format == "html" and doc.meta["url"] == server + "/article"
    assert doc.raw == ARTICLE_HTML.encode() and "transport budget" in doc.content
    assert store.raw == [(server + "/article", ARTICLE_HTML.encode(), "text/html; charset=utf-8")]


def test_fetch_then_ingest_into_a_real_store(server: str, store) -> None:
    from storylens.pipeline import ingest_docs

    res = ingest_docs(store, fetch_urls([server + "/article"], store=store, allow_private=True))
    assert res.errors == [] and len(res.added) == 1
    store.mark_processed(a.id for a in res.added)  # what run_stages records after the analysis stages
    art = res.added[0]
    assert art.url == server + "/article" and art.format == "html"
    assert any("transport budget" in p for p in art.body)
    again = ingest_docs(store, fetch_urls([server + "/article"], store=store, allow_private=True))
    assert again.added == [] and again.skipped == 1 and store.count_articles() == 1
    rows = store.conn.execute("SELECT url, content FROM raw_pages").fetchall()
    assert rows == [(server + "/article", ARTICLE_HTML.encode())]


def test_charset_from_the_http_header(server: str) -> None:
    doc = _one(server + "/ja")
    assert isinstance(doc, RawDoc) and JA in doc.content


def test_loopback_is_refused_without_allow_private(server: str) -> None:
    Handler.hits.clear()
    err = _one(server + "/article", allow_private=False)
    assert isinstance(err, InputError)
    assert "127.0.0.1 (loopback address)" in err.reason and "--allow-private" in err.reason
    assert Handler.hits == [], "a refused address is never contacted"


@pytest.mark.parametrize(
    ("url", "words"),
    [("http://localhost:9/x", "loopback"), ("http://10.1.2.3/x", "private"), ("http://192.168.0.1/", "private"),
     ("http://169.254.169.254/latest/", "link-local"), ("http://224.0.0.1/", "multicast"),
     ("http://0.0.0.0/", "unspecified"), ("http://[::1]/", "loopback"), ("http://[::ffff:127.0.0.1]/", "loopback"),
     ("http://[fe80::1]/", "link-local"), ("http://100.64.0.1/", "not globally routable"),
     ("http://240.0.0.1/", "reserved"), ("ftp://example.com/x", "only http and https"),
     ("file:///etc/passwd", "only http and https"), ("javascript:alert(1)", "only http and https"),
     ("http:///nohost", "no host")],
)
def test_refused_addresses_and_schemes(url: str, words: str) -> None:
    items = list(fetch_urls([url], allow_private=False, timeout=1))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert words in items[0].reason and items[0].source == url


def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    public, private = ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.7")
    monkeypatch.setattr(fetch_mod, "resolve", lambda host, port: [public, private])
    with pytest.raises(fetch_mod.FetchRefused, match="10.0.0.7"):
        check_url("https://mixed.example/")
    monkeypatch.setattr(fetch_mod, "resolve", lambda host, port: [public])
    assert check_url("https://public.example/")[2] == [public]


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (only) as public, so the checked, pinned path runs against the local server."""
    real = fetch_mod._address_problem

    def problem(ip):  # type: ignore[no-untyped-def]
        return None if str(ip) == "127.0.0.1" else real(ip)

    monkeypatch.setattr(fetch_mod, "_address_problem", problem)


def test_pinned_connection_goes_to_the_checked_address(server: str, loopback_is_public: None) -> None:
    doc = _one(server + "/article", allow_private=False)
    assert isinstance(doc, RawDoc) and "transport budget" in doc.content


def test_redirects_are_followed_and_each_hop_rechecked(server: str, loopback_is_public: None) -> None:
    doc = _one(server + "/redirect", allow_private=False)
    assert isinstance(doc, RawDoc) and doc.meta["url"] == server + "/article"
    err = _one(server + "/to-metadata", allow_private=False)
    assert isinstance(err, InputError) and "169.254.169.254 (link-local address)" in err.reason
    err = _one(server + "/to-file", allow_private=False)
    assert isinstance(err, InputError) and "only http and https" in err.reason
    err = _one(server + "/loop", allow_private=False)
    assert isinstance(err, InputError) and "redirects" in err.reason


@pytest.mark.parametrize("path", ["/big", "/big-stream", "/gzip-bomb"])
def test_size_cap(server: str, path: str) -> None:
    err = _one(server + path, max_bytes=100_000)
    assert isinstance(err, InputError) and "over the 98 KiB limit" in err.reason


def test_timeout(server: str) -> None:
    t0 = time.monotonic()
    err = _one(server + "/slow", timeout=0.5)
    assert isinstance(err, InputError) and "timed out" in err.reason
    assert time.monotonic() - t0 < 2.5


def test_http_errors_and_non_html(server: str) -> None:
    err = _one(server + "/missing")
    assert isinstance(err, InputError) and err.reason.startswith("HTTP 404")
    err = _one(server + "/image")
    assert isinstance(err, InputError) and "not an HTML page (Content-Type image/png)" in err.reason


def test_good_urls_are_fetched_around_bad_ones(server: str) -> None:
    items = list(fetch_urls([server + "/missing", server + "/article", "gopher://x/"], allow_private=True))
    assert [type(i).__name__ for i in items] == ["InputError", "RawDoc", "InputError"]


def test_cli_fetch_stores_and_refuses(server: str, run_cli, tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    ok = run_cli("fetch", server + "/article", "--db", db, "--allow-private")
    assert ok.returncode == 0, ok.stderr
    assert "Traceback" not in ok.stderr and "Council approves budget" in ok.stdout
    bad = run_cli("fetch", server + "/article", "--db", db)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "loopback address" in bad.stderr and server + "/article" in bad.stderr


def test_connection_refused_is_one_line() -> None:
    import socket

    with socket.socket() as s:  # a port on 127.0.0.1 that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err = _one(f"http://127.0.0.1:{port}/x", timeout=2)
    assert isinstance(err, InputError) and err.reason.startswith("cannot connect to 127.0.0.1")


@pytest.mark.parametrize(
    ("url", "ip", "target", "host", "sni"),
    [("https://bücher.example:8443/a?b=1#frag", "93.184.215.14", "https://93.184.215.14:8443/a?b=1",
      "xn--bcher-kva.example:8443", "xn--bcher-kva.example"),
     ("http://news.example.com", "2606:4700::1", "http://[2606:4700::1]/", "news.example.com", None),
     ("http://[2606:4700::1]/x", "2606:4700::1", "http://[2606:4700::1]/x", "[2606:4700::1]", None)],
)
def test_pinned_url_keeps_the_host_name(url: str, ip: str, target: str, host: str, sni: str | None) -> None:
    got_target, headers, extensions = fetch_mod._pinned(url, fetch_mod.urlsplit(url).hostname, ipaddress.ip_address(ip))
    assert got_target == target and headers == {"Host": host}
    assert extensions.get("sni_hostname") == sni
