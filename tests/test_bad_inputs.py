"""The bad-input corpus (scripts/bad_inputs.py, at the test sizes): each case analysed by ``storylens analyze`` in a
fresh process, on a store that already holds a good article. Each must give a clear one-line error naming the
file and the reason, or a sane result; never a traceback; bounded time and memory; nothing stored lost.

Below the corpus: the bugs it found, each pinned by a direct test (decompression bombs in streamed gzip, a
duplicate id within one batch dropped in silence, mixed UTF-8 and Latin-1 lines garbled, stray NULs taken for
a binary file, a page nested past the parser's depth reported as having no text without saying why).
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bad_inputs  # noqa: E402

from storylens.model import InputError  # noqa: E402
from storylens.sources import RawDoc, iter_sources  # noqa: E402
from storylens.sources.readers import BOMB_RATIO, _mixed_utf8, decode_bytes  # noqa: E402

SIZES = bad_inputs.SMALL
CASES = {case.name: case for case, _ in bad_inputs.cases(SIZES)}
MAX_SECONDS = 60  # per case, on a loaded 2-core machine; the slowest takes about 3 s alone
MAX_MIB = 800  # peak memory of the analyze process tree; a bomb read whole would pass 1 GiB


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The corpus folder, a scratch folder, and a store holding the good article (copied for each case)."""
    base = tmp_path_factory.mktemp("bad-inputs")
    corpus, work = base / "corpus", base / "runs"
    work.mkdir()
    bad_inputs.generate(corpus, SIZES)
    return corpus, work, bad_inputs.make_base_store(work)


def test_the_corpus_has_every_case_the_issue_names() -> None:
    names = set(CASES)
    for needed in ("gzip_bomb_html", "gzip_bomb_jsonl_one_line", "gzip_bomb_jsonl_lines", "warc_gz_bomb",
                   "billion_laughs_rss", "xxe_rss", "xxe_atom", "nested_tags_html", "long_line_text", "nul_bytes_text",
                   "nul_in_jsonl_string", "mixed_encoding_text", "duplicate_ids_jsonl", "impossible_dates_jsonl",
                   "broken_json_lines", "empty_txt", "png_as_html", "brief_jsonl", "furniture_only_jsonl"):
        assert needed in names
    assert len({c.file for c in CASES.values()}) == len(CASES)  # one file per case


def test_bombs_are_what_they_say(tmp_path: Path) -> None:
    """The generated bomb really inflates to its size (a valid gzip, CRC and all), from a few MiB."""
    f = tmp_path / "b.gz"
    f.write_bytes(bad_inputs.gzip_bomb(b"<p>", b"\x00", 256 * bad_inputs.MiB, b"</p>"))
    assert f.stat().st_size < 2 * bad_inputs.MiB
    n = 0
    with gzip.open(f, "rb") as fh:
        while chunk := fh.read(16 * bad_inputs.MiB):
            n += len(chunk)
    assert n >= 256 * bad_inputs.MiB - 64 * bad_inputs.MiB


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_case(name: str, corpus: tuple[Path, Path, Path]) -> None:
    case = CASES[name]
    folder, work, store = corpus
    r = bad_inputs.run_case(case, folder, store, work, timeout=120, max_seconds=MAX_SECONDS, max_mib=MAX_MIB)
    detail = f"{name}: {r.problems}\nstderr: {r.stderr[-1500:]}"
    # never a traceback nor an internal error; every line on stderr is one "storylens: FILE: reason" line
    assert "Traceback" not in r.stderr and r.code in (0, 1), detail
    assert all(ln.startswith("storylens: ") for ln in r.stderr.splitlines() if ln.strip()), detail
    # nothing stored before is lost, and the store is sound
    assert r.kept and r.integrity == "ok", detail
    # bounded time and memory
    assert not r.timed_out and r.seconds < MAX_SECONDS and r.peak_mib < MAX_MIB, detail
    if case.expect == "refused":
        assert r.code == 1 and case.file in r.message and case.reason in r.message, detail
        assert set(r.stored) <= set(case.may_store), detail
    else:
        assert r.stored and set(case.ids) <= set(r.stored), detail
        assert (r.code == 1) == bool(case.reason), detail
    assert r.ok, detail  # and the case's own checks: absent or present text, dates dropped


# ---------------------------------------------------------------- the bugs found, pinned


def _read(*paths: Path) -> tuple[list[RawDoc], list[InputError]]:
    docs: list[RawDoc] = []
    errs: list[InputError] = []
    for item in iter_sources(list(paths)):
        (errs if isinstance(item, InputError) else docs).append(item)
    return docs, errs


@pytest.mark.parametrize("kind", ["one line", "many lines"])
def test_a_jsonl_gz_bomb_is_refused_early(tmp_path: Path, kind: str) -> None:
    """Before: a one-line bomb read all of its GiB (and was then called an "empty file"); a bomb of repeated
    records was read record by record for hours."""
    f = tmp_path / "bomb.jsonl.gz"
    if kind == "one line":
        f.write_bytes(bad_inputs.gzip_bomb(b'{"id":"x","text":"', b"a", 512 * bad_inputs.MiB, b'"}\n'))
    else:
        rec = json.dumps({"id": "r", "text": "The council met on Monday to discuss the ferry."}).encode() + b"\n"
        f.write_bytes(bad_inputs.gzip_bomb(b"", rec, 512 * bad_inputs.MiB))
    t0 = time.perf_counter()
    docs, errs = _read(f)
    assert time.perf_counter() - t0 < 10
    assert len(docs) < 50_000  # what came before the check: a few MiB at most
    assert errs and errs[-1].source == str(f) and "decompression bomb refused" in errs[-1].reason
    assert f"over {BOMB_RATIO} times" in errs[-1].reason and "empty file" not in " ".join(e.reason for e in errs)


def test_a_warc_gz_bomb_is_refused_early_and_a_real_warc_gz_still_reads(tmp_path: Path) -> None:
    f = tmp_path / "bomb.warc.gz"
    f.write_bytes(bad_inputs._warc_bomb(512 * bad_inputs.MiB))
    t0 = time.perf_counter()
    docs, errs = _read(f)
    assert time.perf_counter() - t0 < 10
    assert docs == [] and "decompression bomb refused" in errs[0].reason

    import random

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(2, 9))) for _ in range(4000)]
    for name, gz in (("crawl.warc.gz", True), ("plain-named.warc.gz", False)):
        g = tmp_path / name
        with g.open("wb") as out:
            writer = WARCWriter(out, gzip=gz)
            for i in range(120):  # about 3 MiB of HTML: past the point where the ratio is judged
                body = "".join("<p>" + " ".join(rng.choice(words) for _ in range(40)) + ".</p>" for _ in range(30))
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    f"https://news.example/{i}", "response", http_headers=headers,
                    payload=io.BytesIO(f"<html><body>{body}</body></html>".encode())))
        docs, errs = _read(g)
        assert errs == [] and len(docs) == 120, name


def test_a_big_real_jsonl_gz_is_not_a_bomb(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl.gz"
    prose = bad_inputs._long_line(6000 * 600)
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        for i in range(6000):  # repeated keys and a shared frame: JSONL compresses better than prose
            fh.write(json.dumps({"id": f"a{i}", "outlet": "Harbour Times", "published": "2026-03-03",
                                 "text": prose[i * 600:(i + 1) * 600]}) + "\n")
    docs, errs = _read(f)
    assert errs == [] and len(docs) == 6000


def test_a_duplicate_id_in_one_batch_is_named_not_dropped_in_silence(tmp_path: Path) -> None:
    """Before: two records under one id in one batch stored the first and dropped the second without a word."""
    from storylens.pipeline import ingest
    from storylens.store import open_store

    f = tmp_path / "dup.jsonl"
    f.write_text(json.dumps({"id": "dup", "text": bad_inputs._article(1)}) + "\n"
                 + json.dumps({"id": "dup", "text": bad_inputs._article(2)}) + "\n", encoding="utf-8")
    store = open_store(":memory:")
    try:
        res = ingest([f], store)
        assert res.count == 1 and res.changed == 1
        assert len(res.errors) == 1 and res.errors[0].source == f"{f}:2"
        assert "'dup' is already stored with other content" in res.errors[0].reason
        assert "number 1 would" in store.get_article("dup").text  # the first is the one kept
    finally:
        store.close()


def test_mixed_utf8_and_latin1_lines_each_read_in_their_own_encoding() -> None:
    """Before: a UTF-8 file with Latin-1 lines appended was decoded whole as a Baltic code page (both halves
    garbled)."""
    utf8 = "Le conseil régional a voté jeudi, a déclaré Hélène Marès.\n".encode()
    latin1 = "Les commerçants disent « très attendue » à l'île.\n".encode("latin-1")
    assert decode_bytes(utf8 + latin1 + utf8) == (utf8.decode() + latin1.decode("latin-1") + utf8.decode())
    # a file in one legacy encoding reads as it did; so does a multi-byte one
    fr = "Le conseil régional a voté jeudi, a déclaré Hélène Marès à l'île.\n" * 5
    assert decode_bytes(fr.encode("cp1252")) == fr
    ja = "避難所の増設について、市は来週にも方針を示す。\n" * 5
    assert _mixed_utf8(ja.encode("shift_jis")) is None
    assert decode_bytes(ja.encode("shift_jis"), "shift_jis") == ja


def test_a_text_with_stray_nuls_is_text_and_a_png_is_not(tmp_path: Path) -> None:
    """Before: one NUL byte made a text file "binary file, not an article"."""
    t = tmp_path / "a.txt"
    t.write_bytes(bad_inputs._article(3).replace(" said ", " said\x00 ").encode())
    docs, errs = _read(t)
    assert errs == [] and "\x00" in docs[0].content and "ferry operator" in docs[0].content
    p = tmp_path / "p.txt"
    p.write_bytes(bad_inputs._png())
    docs, errs = _read(p)
    assert docs == [] and "binary" in errs[0].reason


def test_a_page_nested_past_the_parser_depth_says_so() -> None:
    from storylens.pipeline import _extract_one

    deep = bad_inputs._html_page("<div>" * 400 + "<p>" + bad_inputs._article(4) + "</p>" + "</div>" * 400).decode()
    got = _extract_one(RawDoc(source="deep.html", content=deep, format="html"))
    assert isinstance(got, InputError) and "nests tags over 255 deep" in got.reason
    shallow = bad_inputs._html_page("<div>" * 40 + "<p>" + bad_inputs._article(4) + "</p>" + "</div>" * 40).decode()
    assert not isinstance(_extract_one(RawDoc(source="ok.html", content=shallow, format="html")), InputError)
    furniture = bad_inputs._html_page("<p>Read more.</p>").decode()
    got = _extract_one(RawDoc(source="f.html", content=furniture, format="html"))
    assert isinstance(got, InputError) and got.reason == "no article text found"
