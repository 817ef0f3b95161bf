"""Property tests (hypothesis) for everything that reads untrusted input.

The property, for every target: any input gives a result or the documented input error (an ``InputError``
whose source names the file, line or record and whose reason is one line), never another exception, and each
example finishes in bounded time.

The default suite keeps the budget small (the whole file runs in well under a minute on two cores). Scale it
with ``STORYLENS_FUZZ_EXAMPLES`` (examples per target; default 25) and ``STORYLENS_FUZZ_DEADLINE_MS``
(per-example deadline; default 10,000 ms, generous for a shared machine). ``STORYLENS_FUZZ_DB`` keeps
hypothesis' example database in that folder (by default none is written). The longer run recorded in
docs/reliability.md is this file with ``STORYLENS_FUZZ_EXAMPLES`` raised.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from storylens.extract import extract
from storylens.extract.text import extract_text
from storylens.model import Article, InputError
from storylens.sources import RawDoc, iter_sources

EXAMPLES = max(1, int(os.environ.get("STORYLENS_FUZZ_EXAMPLES", "25") or 25))
DEADLINE_MS = max(100, int(os.environ.get("STORYLENS_FUZZ_DEADLINE_MS", "10000") or 10000))
_DB = os.environ.get("STORYLENS_FUZZ_DB")

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(milliseconds=DEADLINE_MS),
    database=DirectoryBasedExampleDatabase(_DB) if _DB else None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    print_blob=True,
    # the default suite tries the same examples every run (CI never fails by chance); a longer exploring run
    # sets STORYLENS_FUZZ_RANDOM=1
    derandomize=not os.environ.get("STORYLENS_FUZZ_RANDOM"),
)
# the targets that parse with spaCy or embed are slower per example: a fifth of the budget
FUZZ_SLOW = settings(FUZZ, max_examples=max(1, EXAMPLES // 5))


# ---------------------------------------------------------------- strategies: pieces of news pages

_NEWS = [
    "The two leaders will meet in Washington on Friday.",
    "Police said two people were hurt when the ferry ran aground at 7:40 a.m. on Tuesday.",
    "\u201cWe are doing everything we can,\u201d the mayor said, adding that 12 crew members were safe.",
    "Shares fell 3.5% to $41.20 in early trading, according to Reuters.",
    "Le président a annoncé lundi une hausse de 4 % des salaires.",
    "東京で地震が発生しました。",
    "By Jane Doe and Sam O'Neil",
    "March 5, 2026 10:30 EST",
    "Updated: 2026-02-30T25:61:00Z",
    "Read more.", "Subscribe now", "Share this article", "Advertisement", "Related:", "3 comments",
    "Photo: Reuters / John Smith", "© 2026 Example News. All rights reserved.",
    "Home | News | Sport | Weather | Culture", "-----", "• Most read", "Reply", "2 days ago",
    "on 31 February 2025", "next Friday", "in the third quarter of 1999", "the 1990s", "9999-99-99",
    "", " ", "\t", "\u00a0", "\u200b", "\ufeff", "\x00", "\r", "\u2028", "\ud7ff", "&amp; &lt;b&gt;",
]
_SURROGATE_FREE = st.characters(blacklist_categories=("Cs",))
words = st.text(_SURROGATE_FREE, max_size=40)
lines = st.one_of(st.sampled_from(_NEWS), words, st.text(max_size=200))
texts = st.lists(lines, max_size=30).map(lambda xs: "\n".join(xs))
# any string at all, surrogates included (what a broken decoder or JSON "\ud800" gives)
_LONE = st.sampled_from(["\ud800", "\udfff", "\udc00x", "\x00", "\u0000\ud83d"])
any_text = st.one_of(texts, st.text(max_size=2000),
                     st.lists(st.one_of(lines, _LONE), max_size=12).map("".join))

_TAGS = ["html", "head", "body", "title", "meta", "p", "div", "article", "main", "section", "header", "footer",
         "nav", "aside", "span", "a", "h1", "h2", "ul", "li", "figure", "figcaption", "time", "script", "style",
         "table", "tr", "td", "br", "img", "iframe", "svg", "noscript", "form", "input", "template", "!--"]
_ATTRS = ['class="byline"', 'class="comments"', 'itemprop="datePublished" content="2026-13-45"',
          'property="og:site_name" content="x"', 'rel="canonical" href="http://[::1"', 'href="javascript:x"',
          'datetime="0000-00-00"', 'name="author" content="By \x00"', 'lang="zz"', "hidden", 'id="x" id="y"']


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    """Tag soup: random nesting (opened and maybe never closed), attributes, entities, text and JSON-LD."""
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["<!doctype html>", "<?xml version='1.0' encoding='utf-8'?>",
                                           "<!DOCTYPE html SYSTEM 'x'>", ""])))
    open_tags: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        op = draw(st.integers(0, 4))
        if op == 0:
            tag = draw(st.sampled_from(_TAGS))
            attr = draw(st.sampled_from(["", *_ATTRS]))
            parts.append(f"<{tag} {attr}>" if attr else f"<{tag}>")
            open_tags.append(tag)
        elif op == 1 and open_tags:
            parts.append(f"</{open_tags.pop()}>")
        elif op == 2:
            parts.append(draw(lines))
        elif op == 3:
            ld = draw(st.sampled_from([
                '{"@type":"NewsArticle","articleBody":', '{"datePublished":"2026-02-31","author":{"name":[1,2]}}',
                '[{"@graph":[null, 3, "x"]}]', '{"headline": {"a": "b"}}', "not json",
            ]))
            parts.append(f'<script type="application/ld+json">{ld}</script>')
        else:
            parts.append(draw(st.sampled_from(["&nbsp;", "&#0;", "&#x110000;", "&bogus;", "<", ">", "&", "]]>",
                                               "<![CDATA[", "<!--", "-->", "\x00", "\ufffd"])))
    if draw(st.booleans()):
        parts.extend(f"</{t}>" for t in reversed(open_tags))
    return "".join(parts)


def _one_line_error(err: InputError, where: str) -> None:
    assert isinstance(err, InputError)
    assert err.source.startswith(where), f"{err.source!r} does not name {where!r}"
    assert err.reason and "\n" not in err.reason and "\r" not in err.reason, repr(err.reason)
    assert "Traceback" not in err.reason


def _check_article(art: Article) -> None:
    assert isinstance(art, Article)
    assert all(isinstance(p, str) for p in art.body)
    assert art.id and art.content_hash
    art.model_dump_json().encode("utf-8")  # the article can be reported (serialises)
    for value in (art.title, art.outlet, art.byline, art.url, *art.body):  # and stored (SQLite and PostgreSQL)
        if value is not None:
            assert "\x00" not in value
            value.encode("utf-8")  # no lone surrogate (raises)
    # a field that cleaned to nothing is absent, not "" (found by the long run: a feed item titled "\x00")
    assert all(v is None or v.strip() for v in (art.title, art.outlet, art.byline, art.url))


# ---------------------------------------------------------------- extractors


@FUZZ
@given(any_text)
def test_plain_text_extractor_gives_an_article_for_any_text(text: str) -> None:
    art = extract_text(text)
    assert isinstance(art, Article)
    assert all(p.strip() for p in art.body)
    _check_article(extract(text, format="text", meta={"id": "fuzz"}))


@FUZZ
@given(st.one_of(html_pages(), any_text))
def test_html_path_gives_an_article_for_any_page(page: str) -> None:
    _check_article(extract(page, format="html", url="https://news.example.com/2026/03/05/a.html"))


@FUZZ
@given(st.binary(max_size=3000))
def test_extract_of_bytes_gives_an_article_or_the_binary_refusal(data: bytes) -> None:
    from storylens.sources import InputProblem

    try:
        art = extract(data)
    except InputProblem as exc:  # the documented refusal of bytes that are no text
        assert "\n" not in str(exc)
        return
    _check_article(art)


# ---------------------------------------------------------------- readers (through the files a user gives)


def _read(name: str, data: bytes) -> Iterator[tuple[str, RawDoc | InputError]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        for item in iter_sources([path]):
            yield str(path), item


def _check_items(name: str, data: bytes, extract_docs: bool = True) -> list[RawDoc | InputError]:
    out: list[RawDoc | InputError] = []
    for where, item in _read(name, data):
        out.append(item)
        if isinstance(item, InputError):
            _one_line_error(item, where)
            continue
        assert isinstance(item, RawDoc) and item.source.startswith(where)
        assert item.format in ("html", "text")
        if extract_docs:
            _check_article(extract(item.content, meta=item.meta, format=item.format, source=item.source,
                                   raw=item.raw))
    return out


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """Cut, flip, insert or repeat bytes: what a disk, a network or a hostile page does to a file."""
    for _ in range(draw(st.integers(0, 3))):
        if not data:
            break
        op = draw(st.integers(0, 3))
        i = draw(st.integers(0, len(data) - 1))
        if op == 0:
            data = data[:i]
        elif op == 1:
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
        elif op == 2:
            data = data[:i] + draw(st.binary(max_size=20)) + data[i:]
        else:
            data = data[:i] + data[i:i + 40] * draw(st.integers(2, 5)) + data[i + 40:]
    return data


_DATES = st.sampled_from(["Tue, 03 Mar 2026 10:00:00 GMT", "2026-02-30", "31/31/2031", "", "yesterday",
                          "Mon, 99 Foo 0000 99:99:99 +9999", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00",
                          "1e308", "-1"])


def _xml_text(draw: st.DrawFn) -> str:
    from xml.sax.saxutils import escape

    return escape(draw(st.one_of(lines, st.sampled_from(["<p>x</p>", "&amp;", "<![CDATA[x]]>"]))))


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    atom = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        body = draw(st.one_of(html_pages(), lines))
        from xml.sax.saxutils import escape

        if atom:
            entries.append(f"<entry><title>{_xml_text(draw)}</title><link href=\"{escape(draw(words))}\"/>"
                           f"<updated>{draw(_DATES)}</updated><content type=\"html\">{escape(body)}</content>"
                           f"<author><name>{_xml_text(draw)}</name></author></entry>")
        else:
            entries.append(f"<item><title>{_xml_text(draw)}</title><link>{escape(draw(words))}</link>"
                           f"<pubDate>{draw(_DATES)}</pubDate><description>{escape(body)}</description></item>")
    head = draw(st.sampled_from(["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "",
                                 "<?xml version=\"1.0\" encoding=\"bogus-9\"?>",
                                 "<!DOCTYPE r [<!ENTITY a \"aaaa\">]>",
                                 "<!DOCTYPE rss SYSTEM \"http://127.0.0.1/x.dtd\">",
                                 "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"]))
    if atom:
        doc = f"{head}<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>{''.join(entries)}</feed>"
    else:
        doc = f"{head}<rss version=\"2.0\"><channel><title>t</title><link>http://x</link>{''.join(entries)}</channel></rss>"
    enc = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    data = doc.encode(enc, errors="replace")
    return _mutate(data, draw)


@FUZZ
@given(feeds(), st.sampled_from(["feed.rss", "feed.atom", "feed.xml", "feed"]))
def test_feed_reader_gives_documents_or_one_line_errors(data: bytes, name: str) -> None:
    _check_items(name, data)


def test_feed_with_an_entity_declaration_is_refused_not_expanded() -> None:
    lol = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><description>&c;</description>'
           b'</item></channel></rss>')
    items = _check_items("lol.rss", lol)
    assert len(items) == 1 and isinstance(items[0], InputError) and "unsafe XML refused" in items[0].reason


@st.composite
def warcs(draw: st.DrawFn) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=draw(st.booleans()))
    for n in range(draw(st.integers(0, 4))):
        body = draw(st.one_of(html_pages().map(lambda s: s.encode("utf-8", "surrogatepass")),
                              st.binary(max_size=300)))
        ctype = draw(st.sampled_from(["text/html", "text/html; charset=bogus", "text/html; charset=shift_jis",
                                      "image/png", "application/xhtml+xml; charset=utf-16", ""]))
        status = draw(st.sampled_from(["200 OK", "404 Not Found", "301 Moved", "299 Odd"]))
        uri = draw(st.sampled_from(["https://news.example.com/2026/03/05/a.html", "http://[::1", "", "x" * 300]))
        kind = draw(st.sampled_from(["response", "resource", "metadata"]))
        # fixed id and date: the same draws must give the same bytes (hypothesis replays them)
        fixed = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>", "WARC-Date": "2026-03-05T10:00:00Z"}
        if kind == "response":
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                            warc_headers_dict=fixed)
        else:
            rec = writer.create_warc_record(uri, kind, payload=io.BytesIO(body),
                                            warc_content_type=ctype or "text/plain", warc_headers_dict=fixed)
        writer.write_record(rec)
    return _mutate(buf.getvalue(), draw)


@FUZZ
@given(warcs(), st.sampled_from(["crawl.warc", "crawl.warc.gz"]))
def test_warc_reader_gives_documents_or_one_line_errors(data: bytes, name: str) -> None:
    _check_items(name, data)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | any_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
_FIELDS = ("id", "url", "outlet", "title", "published", "byline", "text", "html")


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    out: list[bytes] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0:  # a record with any of the fields, of any type
            rec = {k: draw(st.one_of(_JSON_VALUES, _DATES, texts)) for k in draw(st.sets(st.sampled_from(_FIELDS)))}
            out.append(json.dumps(rec, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass"))
        elif kind == 1:  # a plausible article
            rec = {"id": draw(st.one_of(words, st.integers())), "text": draw(texts), "published": draw(_DATES)}
            if draw(st.booleans()):
                rec["html"] = draw(html_pages())
            out.append(json.dumps(rec).encode("utf-8", "surrogatepass"))
        elif kind == 2:  # any JSON at all, or deeply nested
            out.append(draw(st.one_of(_JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                                      st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n))))
        else:  # not JSON
            out.append(draw(st.binary(max_size=200)))
    data = b"\n".join(out)
    return _mutate(data, draw) if draw(st.booleans()) else data


@FUZZ
@given(jsonl_files(), st.sampled_from(["a.jsonl", "a.jsonl.gz", "a.json", "a"]))
def test_jsonl_reader_gives_documents_or_one_line_errors(data: bytes, name: str) -> None:
    if name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    _check_items(name, data)


@FUZZ
@given(st.binary(max_size=4000), st.sampled_from(["a.txt", "a.html", "a.html.gz", "a.txt.gz", "noext", "a.bz2"]))
def test_any_bytes_in_any_file_give_documents_or_one_line_errors(data: bytes, name: str) -> None:
    _check_items(name, data)


# ---------------------------------------------------------------- the date resolver


_DATE_WORDS = ["today", "yesterday", "tomorrow", "last", "next", "this", "week", "month", "year", "quarter",
               "Monday", "Friday", "Sunday", "January", "Feb.", "Sept", "May", "the 1990s", "early", "late", "mid-",
               "ago", "since", "in", "on", "of", "the", "first", "third", "half", "H2", "Q4", "decade", "century",
               "noon", "midnight", "p.m.", "a.m.", "EST", "GMT", "at", "by", "2026", "0", "31", "29", "99", "1e9",
               "9999999999999999999999", "-", "/", ".", ",", "'", "–", "a few", "two", "dozens", "nine hundred",
               "2026-02-30", "31/02/2026", "12:75", "25:00", "Feb 29, 2025", "the 0s", "year 10000", "0000"]


@FUZZ
@given(st.one_of(st.lists(st.sampled_from(_DATE_WORDS), max_size=25).map(" ".join), any_text),
       st.one_of(st.none(), st.dates(), st.datetimes(), st.sampled_from([dt.date.min, dt.date.max])))
def test_date_resolver_gives_mentions_for_any_text_and_reference(text: str, ref: dt.date | None) -> None:
    """Any exception fails; every mention is a span of the text with a value."""
    from storylens.nlp.dates import find_dates

    found = find_dates(text, ref)
    for m in found:
        assert 0 <= m.start <= m.end <= len(text) and text[m.start:m.end] == m.text
        assert m.value and m.granularity and m.type in ("DATE", "TIME", "DURATION", "SET")


@pytest.mark.parametrize("text,ref", [("9999999 days ago", dt.date(2026, 3, 5)),
                                      ("999999999999 weeks ago", dt.date(2026, 3, 5)),
                                      ("yesterday", dt.date.min), ("next Tuesday", dt.date.max)])
def test_a_relative_date_beyond_the_calendar_gives_no_value_not_a_crash(text: str, ref: dt.date) -> None:
    """Found by the fuzzer: this stopped ``analyze`` (exit 3) in the claims stage, and every later run on that
    store stopped again at the same article. Now the expression gives no date, and the rest of the text does."""
    from storylens.nlp.dates import find_dates

    found = find_dates(f"{text}, and on March 3, 2026 the talks began.", ref)
    assert [m.value for m in found if m.text == "March 3, 2026"] == ["2026-03-03"]
    assert all(m.value for m in found)


# ---------------------------------------------------------------- the batch commands


def _batch_lines(strings: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    good = st.fixed_dictionaries({"id": st.one_of(words, st.integers()), **{k: any_text for k in strings}},
                                 optional={"ref": st.one_of(_DATES, st.integers(), st.none())})
    line = st.one_of(good.map(lambda r: json.dumps(r).encode("utf-8", "surrogatepass")),
                     _JSON_VALUES.map(lambda v: json.dumps(v).encode()), st.binary(max_size=80))
    return st.lists(line, max_size=5).map(b"\n".join)


def _run_batch(command: str, data: bytes) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_bytes(data)
        got = CliRunner().invoke(app, [command, "--batch", str(path), "--json"])
    assert got.exit_code in (0, 1), (got.exit_code, got.output, got.exception)
    assert got.exception is None or isinstance(got.exception, SystemExit), repr(got.exception)
    assert "Traceback" not in got.output
    for ln in got.stderr.splitlines():
        assert ln.startswith(f"storylens: {path}:"), ln
    for ln in got.stdout.splitlines():
        assert "id" in json.loads(ln)


@FUZZ
@given(_batch_lines(("text",)))
def test_dates_command_on_any_batch(data: bytes) -> None:
    _run_batch("dates", data)


@FUZZ_SLOW
@given(_batch_lines(("a", "b")))
def test_compare_command_on_any_batch(data: bytes) -> None:
    _run_batch("compare", data)


@FUZZ_SLOW
@given(_batch_lines(("text",)))
def test_quotes_command_on_any_batch(data: bytes) -> None:
    _run_batch("quotes", data)


@FUZZ_SLOW
@given(st.lists(st.tuples(any_text, any_text), min_size=1, max_size=4))
def test_compare_function_relates_any_pair(pairs: list[tuple[str, str]]) -> None:
    from storylens.claims.compare import compare_many

    for r in compare_many(pairs):
        assert r.relation in ("same", "adds", "weakens", "contradicts", "unrelated")
        assert r.score == r.score  # not NaN


@FUZZ_SLOW
@given(st.lists(any_text, min_size=1, max_size=4))
def test_quotes_function_gives_spans_inside_any_text(batch: list[str]) -> None:
    from storylens.claims.quotes import find_quotes_many

    for text, found in zip(batch, find_quotes_many(batch), strict=True):
        for q in found:
            for span in (q.cue, q.content, q.source):
                if span is not None:
                    assert 0 <= span[0] <= span[1] <= len(text)


@pytest.mark.parametrize("command,fields", [("dates", ("text",)), ("compare", ("a", "b")), ("quotes", ("text",))])
def test_batch_command_names_each_bad_line_and_goes_on(command: str, fields: tuple[str, ...],
                                                       run_cli: Callable[..., object], tmp_path: Path) -> None:
    """The CLI itself (a subprocess) on a generated file with good and bad lines: one line per bad one."""
    good = {"id": "g1", **{f: "The minister said on Friday that 40 jobs would go." for f in fields},
            "ref": "2026-03-06"}
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([json.dumps(good).encode(), b"{broken", b"\xff\xfe\x00garbage", b"[1, 2]",
                                 json.dumps({"id": True, **{f: "x" for f in fields}}).encode(),
                                 json.dumps({"id": "g2", **{f: "\ud800 \x00 " * 50 for f in fields}}).encode()]))
    got = run_cli(command, "--batch", str(path), "--json")
    assert got.returncode == 1, got.stderr  # type: ignore[attr-defined]
    errs = got.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(errs) == 4 and all(e.startswith(f"storylens: {path}:") for e in errs), errs
    assert "Traceback" not in got.stderr  # type: ignore[attr-defined]
    ids = [json.loads(ln)["id"] for ln in got.stdout.splitlines()]  # type: ignore[attr-defined]
    assert ids == ["g1", "g2"]


def test_a_lone_surrogate_in_a_batch_id_or_text_becomes_u_fffd_at_the_same_offset(tmp_path: Path) -> None:
    """Found by the fuzzer: ``{"id": "\\ud800"}`` is valid JSON but no character; writing it out crashed."""
    from storylens.batch import read_batch

    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a\\ud800", "text": "x\\udc00 on Friday"}\n', encoding="utf-8")
    items, errors = read_batch(path, ("text",))
    assert not errors and items[0][1]["id"] == "a\ufffd" and items[0][1]["text"] == "x\ufffd on Friday"
    json.dumps(items[0][1], ensure_ascii=False).encode("utf-8")  # encodable now
