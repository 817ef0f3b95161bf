"""Readers: every input format, every kind of bad input, and the dispatcher's metadata rules."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest

from storylens.extract import date_from_url, extract, outlet_from_url
from storylens.model import InputError
from storylens.sources import InputProblem, RawDoc, decode_bytes, iter_sources

JA = (
    "東京都は5日、新しい防災計画を発表した。知事は記者会見で「住民の安全を最優先にする」と述べた。"
    "計画には避難所の増設や備蓄の拡充が含まれる。\n\n都によると、計画は来年度から実施される予定だ。"
)
FR = (
    "Le café était fermé lundi. Les élèves ont reçu leurs diplômes à Noël — « très bien » a dit le maire.\n\n"
    "La façade de l’œuvre sera rénovée l’année prochaine, selon la mairie."
)
EN = "The company’s “new” plan — announced on Friday — costs €5 million, the spokesman said.\n\nIt was approved."
DE = "Die Bürger äußerten sich über die Maßnahmen. „Das ist gut“, sagte Müller am Dienstag in Köln."

ARTICLE = (
    "The city council approved the new transport budget on Tuesday after a long debate.\n\n"
    "The mayor said the plan would add three bus lines and repair forty bridges by 2026.\n\n"
    "Opposition members said the cost estimates were too optimistic and asked for an audit."
)


def _read(*paths: Path, **kw) -> tuple[list[RawDoc], list[InputError]]:
    docs, errs = [], []
    for item in iter_sources(list(paths), **kw):
        (errs if isinstance(item, InputError) else docs).append(item)
    return docs, errs


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(JA, "shift_jis"), (JA, "euc_jp"), (JA, "utf-16"), (FR, "cp1252"), (EN, "cp1252"), (DE, "cp1252"),
     (FR, "utf-16"), (FR, "utf-8-sig"), (JA, "utf-8")],
)
def test_decode_bytes_recovers_the_text(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


def test_decode_bytes_uses_the_declared_charset_in_html() -> None:
    html = f'<html><head><meta charset="Shift_JIS"><title>防災</title></head><body><p>{JA}</p></body></html>'
    assert "避難所の増設" in decode_bytes(html.encode("shift_jis"))
    xml = f'<?xml version="1.0" encoding="EUC-JP"?><rss><channel><title>{JA[:20]}</title></channel></rss>'
    assert JA[:20] in decode_bytes(xml.encode("euc_jp"))


def test_decode_bytes_ignores_a_wrong_declaration() -> None:
    html = f'<html><head><meta charset="utf-8"></head><body><p>{FR}</p></body></html>'
    assert FR in decode_bytes(html.encode("cp1252"))


def test_decode_bytes_refuses_binary() -> None:
    with pytest.raises(InputProblem):
        decode_bytes(bytes(range(256)) * 8)


@pytest.mark.parametrize(("text", "encoding"), [(JA, "shift_jis"), (JA, "euc_jp"), (FR, "cp1252"), (JA, "utf-16")])
def test_text_files_in_other_encodings_read_correctly(tmp_path: Path, text: str, encoding: str) -> None:
    f = tmp_path / f"article-{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    docs, errs = _read(f)
    assert errs == []
    assert docs[0].content == text
    assert docs[0].raw == text.encode(encoding)


# ---------------------------------------------------------------- bad input


def test_bad_inputs_each_get_one_clear_error_and_good_ones_are_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n \t\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 16)
    whole = gzip.compress(f"<html><body><p>{ARTICLE}</p></body></html>".encode() * 20)
    (tmp_path / "cut.html.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "broken.html").write_text("<html><body><div><p>The council <b>voted <i>today</div></p> on it",
                                          encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    docs, errs = _read(tmp_path)
    reasons = {Path(e.source).name: e.reason for e in errs}
    assert sorted(d.source.rsplit("/", 1)[-1] for d in docs) == ["broken.html", "good.txt"]
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"] == "empty file"
    assert "binary" in reasons["image.png"] and "binary" in reasons["binary.txt"]
    assert "truncated gzip" in reasons["cut.html.gz"]
    assert set(reasons) == {"empty.txt", "blank.txt", "image.png", "binary.txt", "cut.html.gz"}
    for e in errs:
        assert "\n" not in e.reason and e.source.startswith(str(tmp_path))


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    docs, errs = _read(tmp_path / "nope.txt")
    assert docs == [] and errs[0].reason == "no such file or folder"


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    docs, errs = _read(big)
    assert docs == [] and "over the 50 MiB limit" in errs[0].reason and "200 MiB" in errs[0].reason


def test_size_cap_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE * 10, encoding="utf-8")
    monkeypatch.setenv("STORYLENS_MAX_BYTES", "1000")
    docs, errs = _read(f)
    assert docs == [] and "over the 1000 bytes limit" in errs[0].reason
    monkeypatch.setenv("STORYLENS_MAX_BYTES", "100000")
    assert len(_read(f)[0]) == 1


def test_gzip_bomb_is_capped(tmp_path: Path) -> None:
    f = tmp_path / "bomb.html.gz"
    f.write_bytes(gzip.compress(b"<p>" + b"a" * 3_000_000 + b"</p>"))
    docs, errs = _read(f, max_bytes=1_000_000)
    assert docs == [] and "once decompressed" in errs[0].reason


# ---------------------------------------------------------------- JSONL and JSON


def test_jsonl_broken_line_is_reported_with_its_number_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "url": "https://www.example-news.com/2024/03/05/vote", "text": ARTICLE}),
        '{"id": "a2", "text": "cut off',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "a4", "title": "No body"}),
        json.dumps({"id": 5, "outlet": "Daily Planet", "title": "Vote", "published": "2024-03-06",
                    "html": f"<html><body><p>{ARTICLE}</p></body></html>", "byline": "By Ann Lee"}),
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errs = _read(f)
    assert [e.source for e in errs] == [f"{f}:2", f"{f}:4", f"{f}:5"]
    assert "broken JSON line" in errs[0].reason
    assert "not an object" in errs[1].reason
    assert "neither 'text' nor 'html'" in errs[2].reason
    assert [d.source for d in docs] == [f"{f}:1", f"{f}:6"]
    assert docs[0].format == "text" and docs[0].meta["id"] == "a1"
    assert docs[1].format == "html"
    assert docs[1].meta == {"id": "5", "outlet": "Daily Planet", "title": "Vote", "published": "2024-03-06",
                            "byline": "By Ann Lee", "published_from": "jsonl"}


def test_jsonl_gz_and_bom_and_sniffed_without_extension(tmp_path: Path) -> None:
    rec = json.dumps({"id": "x", "text": ARTICLE}, ensure_ascii=False)
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(("\ufeff" + rec + "\n").encode("utf-8")))
    (tmp_path / "noext").write_text(rec + "\n", encoding="utf-8")
    docs, errs = _read(tmp_path)
    assert errs == [] and len(docs) == 2 and all(d.meta["id"] == "x" for d in docs)


def test_jsonl_line_over_the_cap_is_skipped(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    big = json.dumps({"id": "big", "text": "word " * 5000})
    small = json.dumps({"id": "small", "text": ARTICLE})
    f.write_text(big + "\n" + small + "\n", encoding="utf-8")
    docs, errs = _read(f, max_bytes=10_000)
    assert [d.meta["id"] for d in docs] == ["small"]
    assert errs[0].source == f"{f}:1" and "over the" in errs[0].reason


def test_json_file_with_a_list_of_records(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text(json.dumps([{"id": "1", "text": ARTICLE}, {"id": "2"}]), encoding="utf-8")
    docs, errs = _read(f)
    assert [d.meta["id"] for d in docs] == ["1"] and errs[0].source == f"{f}#1"


# ---------------------------------------------------------------- sidecar


def test_sidecar_meta_json_gives_the_metadata(tmp_path: Path) -> None:
    (tmp_path / "story.html").write_text(f"<html><body><p>{ARTICLE}</p></body></html>", encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(json.dumps({"url": "https://news.example.org/x", "outlet": "Example",
                                                          "published": "2024-03-05T10:00:00Z"}), encoding="utf-8")
    docs, errs = _read(tmp_path)
    assert errs == [] and len(docs) == 1
    assert docs[0].meta == {"url": "https://news.example.org/x", "outlet": "Example",
                            "published": "2024-03-05T10:00:00Z", "published_from": "file"}


def test_broken_sidecar_is_an_error_for_its_file(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text("{oops", encoding="utf-8")
    docs, errs = _read(tmp_path)
    assert docs == [] and errs[0].source.endswith("story.txt") and "sidecar story.meta.json" in errs[0].reason


# ---------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example News</title><link>https://example-news.com/</link>
<item><title>Council approves budget</title><link>https://example-news.com/2024/03/05/budget</link>
<pubDate>Tue, 05 Mar 2024 10:30:00 GMT</pubDate><dc:creator>Ann Lee</dc:creator>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>The city council approved the budget on Tuesday.</p><p>The mayor welcomed it.</p>]]></content:encoded>
</item>
<item><title>Mayor resigns</title><link>https://example-news.com/mayor</link>
<description>&lt;p&gt;The mayor resigned on Wednesday, officials said.&lt;/p&gt;</description></item>
<item><title>Empty</title><link>https://example-news.com/empty</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:x</id><updated>2024-03-06T00:00:00Z</updated>
<entry><title>Bridge reopens</title><id>urn:1</id><link href="https://wire.example.com/bridge"/>
<published>2024-03-06T08:00:00Z</published><author><name>Bo Chen</name></author>
<content type="html">&lt;p&gt;The bridge reopened on Wednesday after repairs.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_entries_become_documents(tmp_path: Path) -> None:
    f = tmp_path / "feed.rss"
    f.write_text(RSS, encoding="utf-8")
    docs, errs = _read(f)
    assert [d.meta.get("url") for d in docs] == ["https://example-news.com/2024/03/05/budget",
                                                 "https://example-news.com/mayor"]
    first = docs[0]
    assert first.format == "html" and "approved the budget" in first.content
    assert first.meta["published"] and first.meta["published_from"] == "feed"
    assert first.meta["byline"] == "Ann Lee" and first.meta["title"] == "Council approves budget"
    assert "resigned on Wednesday" in docs[1].content
    assert len(errs) == 1 and errs[0].source == f"{f}#entry3"


def test_atom_feed_sniffed_from_xml_content(tmp_path: Path) -> None:
    f = tmp_path / "wire.xml"
    f.write_text(ATOM, encoding="utf-8")
    docs, errs = _read(f)
    assert errs == [] and len(docs) == 1
    assert docs[0].meta["url"] == "https://wire.example.com/bridge" and docs[0].meta["byline"] == "Bo Chen"
    art = extract(docs[0].content, meta=docs[0].meta, format="html", source=docs[0].source)
    assert art.published == dt.datetime(2024, 3, 6, 8, 0, tzinfo=dt.timezone.utc)
    assert art.published_from == "feed" and art.outlet == "example.com"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol2;</title><description>&lol2;</description></item>
</channel></rss>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>t</title><description>&xxe;</description></item>
</channel></rss>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE])
def test_unsafe_feeds_are_refused(tmp_path: Path, payload: str) -> None:
    f = tmp_path / "evil.rss"
    f.write_text(payload, encoding="utf-8")
    docs, errs = _read(f)
    assert docs == [] and "unsafe XML refused" in errs[0].reason
    assert "root:" not in errs[0].reason


def test_malformed_feed_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.rss"
    f.write_text("<rss><channel><title>x</title><<item", encoding="utf-8")
    docs, errs = _read(f)
    assert docs == [] and len(errs) == 1 and str(f) == errs[0].source
    assert errs[0].reason.startswith("malformed XML feed")


# ---------------------------------------------------------------- WARC


def _write_warc(path: Path, records: list[tuple[str, str, str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for url, status, ctype, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(rec)


def test_warc_html_responses_become_documents(tmp_path: Path) -> None:
    page = f"<html><head><title>Budget</title></head><body><p>{ARTICLE}</p></body></html>"
    ja_page = f'<html><head><meta charset="shift_jis"></head><body><p>{JA}</p></body></html>'
    f = tmp_path / "crawl.warc.gz"
    _write_warc(f, [
        ("https://example-news.com/2024/03/05/budget", "200 OK", "text/html; charset=utf-8", page.encode()),
        ("https://example-news.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        ("https://example-news.com/gone", "404 Not Found", "text/html", b"<html><body>gone</body></html>"),
        ("https://example.jp/news/1", "200 OK", "text/html", ja_page.encode("shift_jis")),
    ])
    docs, errs = _read(f)
    assert errs == []
    assert [d.meta["url"] for d in docs] == ["https://example-news.com/2024/03/05/budget", "https://example.jp/news/1"]
    assert docs[0].format == "html" and "transport budget" in docs[0].content
    assert docs[0].meta["id"].startswith("<urn:uuid:") and docs[0].meta["crawl_date"]
    assert "避難所の増設" in docs[1].content


def test_warc_without_html_and_corrupt_warc(tmp_path: Path) -> None:
    f = tmp_path / "img.warc"
    _write_warc(f, [("https://example.com/a.png", "200 OK", "image/png", b"\x89PNG" + bytes(50))])
    g = tmp_path / "junk.warc.gz"
    g.write_bytes(b"this is not a warc file at all\n" * 10)
    docs, errs = _read(f, g)
    assert docs == []
    assert errs[0].reason == "WARC file holds no HTML responses"
    assert errs[1].source == str(g) and "WARC" in errs[1].reason


# ---------------------------------------------------------------- dispatcher: outlet and dates


@pytest.mark.parametrize(
    ("url", "outlet"),
    [("https://www.example-news.com/a", "example-news.com"), ("https://news.bbc.co.uk/2/hi/x.stm", "bbc.co.uk"),
     ("https://www.bbc.com/news/x", "bbc.co.uk"), ("http://www3.nhk.or.jp/news/html/x.html", "nhk.or.jp"),
     ("http://127.0.0.1:8000/x", None), ("http://[::1]/x", None), ("http://localhost/x", None), ("not a url", None),
     (None, None)],
)
def test_outlet_from_url(url: str | None, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    ("url", "day"),
    [("https://x.com/2024/03/05/some-story", dt.date(2024, 3, 5)), ("https://x.com/news/2024/3/5/story", dt.date(2024, 3, 5)),
     ("https://x.com/story-2023-11-30-vote.html", dt.date(2023, 11, 30)), ("https://x.com/a/20240229/b", dt.date(2024, 2, 29)),
     ("https://x.com/2023/02/30/story", None), ("https://x.com/article/123456789", None),
     ("https://x.com/2024/03/story", None), ("https://x.com/2999/01/01/x", None)],
)
def test_date_from_url(url: str, day: dt.date | None) -> None:
    assert date_from_url(url) == day


def test_url_date_is_a_fallback_only() -> None:
    url = "https://www.example-news.com/2024/03/05/vote"
    art = extract(ARTICLE, url=url, format="text")
    assert art.published == dt.date(2024, 3, 5) and art.published_from == "url"
    assert art.outlet == "example-news.com" and art.outlet_from == "url"
    art = extract(ARTICLE, meta={"url": url, "published": "2024-03-07", "published_from": "jsonl", "outlet": "EN"},
                  format="text")
    assert art.published == dt.date(2024, 3, 7) and art.published_from == "jsonl"
    assert art.outlet == "EN" and art.outlet_from == "input"


def test_no_outlet_is_invented_without_a_url_or_metadata() -> None:
    art = extract(ARTICLE, format="text")
    assert art.outlet is None and art.published is None


@pytest.mark.parametrize(
    ("head", "url"),
    [('<link href="https://www.example-news.com/a?x=1&amp;y=2" rel="canonical">', "https://www.example-news.com/a?x=1&y=2"),
     ("<meta property='og:url' content='https://wire.example.org/2024/03/05/b'>", "https://wire.example.org/2024/03/05/b"),
     ('<link rel="canonical" href="/relative/path">', None), ('<link rel="canonical" href="javascript:alert(1)">', None),
     ('<link rel="stylesheet" href="https://cdn.example.com/s.css">', None)],
)
def test_page_url_from_canonical_or_og(head: str, url: str | None) -> None:
    from storylens.extract import page_url

    assert page_url(f"<html><head>{head}</head><body><p>x</p></body></html>") == url


def test_page_url_gives_outlet_and_date_when_the_input_has_no_url() -> None:
    html = ('<html><head><link rel="canonical" href="https://www.example-news.com/2024/03/05/vote"></head>'
            f"<body><article><p>{ARTICLE}</p></article></body></html>")
    art = extract(html, format="html")
    assert art.url == "https://www.example-news.com/2024/03/05/vote"
    assert art.outlet == "example-news.com" and art.published == dt.date(2024, 3, 5)
    given = extract(html, url="https://mirror.example.net/copy", format="html")
    assert given.url == "https://mirror.example.net/copy" and given.outlet == "example.net"


def test_valid_utf8_wins_over_a_wrong_declaration() -> None:
    html = f'<html><head><meta charset="windows-1252"></head><body><p>{FR}</p></body></html>'
    assert FR in decode_bytes(html.encode("utf-8"))


def test_utf8_cut_mid_character_and_cp1252_ending_in_an_accent() -> None:
    data = ("Le café était fermé. " + "Réunion à Noël").encode("utf-8")
    assert decode_bytes(data[:-1]).startswith("Le café était fermé. Réunion à No")
    assert decode_bytes("Il a dit que le prix était bas, au café".encode("cp1252")) == (
        "Il a dit que le prix était bas, au café")


def test_folder_readme_is_not_an_article(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# My corpus\n\nThese are articles I collected.\n", "utf-8")
    (tmp_path / "a.txt").write_text("Headline here\n\nThe council voted on Monday to close the old bridge for repairs.\n",
                                    "utf-8")
    items = list(iter_sources([tmp_path]))
    assert [Path(i.source).name for i in items] == ["a.txt"]
