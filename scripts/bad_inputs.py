"""A bad-input corpus for storylens, written on demand (never committed), and a runner that feeds it to
``storylens analyze`` one case at a time.

    .venv/bin/python scripts/bad_inputs.py OUT_DIR [--small]          # write one file per case into OUT_DIR
    .venv/bin/python scripts/bad_inputs.py OUT_DIR --run [--small]    # ... and run each case (a table on stdout)

Each case is analysed by ``storylens analyze CASE --db CASE.db --json CASE.json --quiet`` in a fresh process,
on a copy of a store that already holds one good article (``good-1``, analysed first), and recorded: the exit
code, the last line on stderr, wall seconds, the peak resident memory of the process tree (from a fresh
helper process's ``RUSAGE_CHILDREN``), and whether the store still holds the good article and passes
``PRAGMA integrity_check``. The bench wrapper, ``bench/bad_inputs.py``, runs the full sizes and prints the table
recorded in docs/reliability.md.

What each case expects (:class:`Case`): ``refused`` (a one-line error naming the file and the reason, exit 1,
nothing of the case stored), ``stored`` (the ids named are stored; other records of the file may be refused).
Every case: never a traceback, no internal error (exit 3), bounded time and memory, the good article kept.

``--small`` writes smaller versions of the large cases (a bomb inflating to 1 GiB instead of 4 GiB, 20,000
nested tags instead of 100,000, a 1 MiB line instead of 10 MiB): the same failure modes, for the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Sizes:
    bomb: int = 4 * GiB  # what a decompression bomb inflates to
    nested: int = 100_000  # nested tags in one HTML page
    line: int = 10 * MiB  # one line of text


FULL = Sizes()
SMALL = Sizes(bomb=1 * GiB, nested=20_000, line=1 * MiB)


@dataclass
class Case:
    name: str
    file: str  # file name inside the corpus folder
    what: str  # one line for the table
    expect: str  # "refused" or "stored"
    reason: str = ""  # a substring of the error line, for "refused" (and for "stored" cases that refuse a record)
    ids: tuple[str, ...] = ()  # ids that must be stored ("stored")
    absent: tuple[str, ...] = ()  # text that must appear nowhere in the report or the store
    present: tuple[str, ...] = ()  # text the stored articles must hold (as written, not garbled)
    published_none: tuple[str, ...] = ()  # ids stored without a publication date (an impossible one dropped)
    may_store: tuple[str, ...] = ()  # ids a refused case may store before the refusal (read before the bomb)


GOOD_ID = "good-1"
GOOD_TEXT = (
    "Harbour officials said on Tuesday that the ferry service between Skerrow and the mainland will resume "
    "next week after repairs to the damaged pier.\n\n"
    "The council's transport committee approved an emergency budget of 2.4 million pounds for the work, which "
    "began in March after a storm tore away part of the landing stage.\n\n"
    "\"We expect the first crossings on Monday morning,\" said Elaine Marsh, the harbour master. She added that "
    "timetables would be published on the council's website.\n\n"
    "Residents have relied on a temporary launch for six weeks, and local businesses say trade fell by a third "
    "during the closure."
)
NEWS = ("The regional council voted on Thursday to extend the harbour's opening hours through the summer season, "
        "officials said. ")


def good_record() -> dict[str, str]:
    return {"id": GOOD_ID, "outlet": "Skerrow Islander", "published": "2026-03-03", "title": "Ferry to resume",
            "text": GOOD_TEXT}


def _article(i: int) -> str:
    """A plausible article body of a few paragraphs, different for each ``i``."""
    return (f"The island's ferry operator said on Monday that crossing number {i} would run to a new timetable "
            f"from next month, after a review of passenger numbers.\n\n"
            f"A spokesman said {100 + i} passengers had used the early service each day in the last quarter, up "
            f"from {60 + i} a year earlier.\n\n"
            "Councillors welcomed the change but warned that winter sailings could still be cut if the weather "
            "damaged the pier again.")


def _jsonl(*records: dict[str, object]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)


# ---------------------------------------------------------------- decompression bombs


def gzip_bomb(head: bytes, fill: bytes, total: int, tail: bytes = b"") -> bytes:
    """A valid gzip file whose content is ``head``, then ``fill`` repeated up to about ``total`` bytes, then ``tail``.

    The deflate stream of a 64 MiB block of ``fill`` is computed once and repeated (a full flush before and after
    each block makes every block's bytes the same), so a 4 GiB bomb is written in seconds and weighs a few MiB."""
    block_raw = fill * max(1, (64 * MiB) // len(fill))
    reps = max(1, (total - len(head) - len(tail)) // len(block_raw))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [c.compress(head), c.flush(zlib.Z_FULL_FLUSH)]
    block = c.compress(block_raw) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block_raw) + c.flush(zlib.Z_FULL_FLUSH)
    if block != again:  # not expected with zlib; then compress every block (slower, same file)
        blocks = [block, again] + [c.compress(block_raw) + c.flush(zlib.Z_FULL_FLUSH) for _ in range(reps - 2)]
    else:
        blocks = [block] * reps
    end = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(reps):
        crc = zlib.crc32(block_raw, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + reps * len(block_raw) + len(tail)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"
    return header + b"".join(parts) + b"".join(blocks[:reps]) + end + struct.pack("<II", crc, size & 0xFFFFFFFF)


def _warc_bomb(total: int) -> bytes:
    """A .warc.gz whose one response record (text/html) inflates to ``total`` bytes."""
    body_len = total
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: " + str(body_len).encode() + b"\r\n\r\n")
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/page.html\r\n"
            b"WARC-Date: 2026-03-03T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: " + str(len(http) + body_len).encode() + b"\r\n\r\n" + http + b"<html><body><p>")
    return gzip_bomb(head, b"a", total, b"</p></body></html>\r\n\r\n")


# ---------------------------------------------------------------- XML

_LAUGHS = ('<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
           + "]>\n")


def _rss(description: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<rss version="2.0"><channel><title>Harbour feed</title>'
            "<link>https://feed.example/</link><item><title>Ferry news</title>"
            "<link>https://feed.example/ferry.html</link><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>"
            f"<description>{description}</description></item></channel></rss>\n").encode()


def _atom(content: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Harbour</title><id>urn:feed</id><updated>2026-03-03T10:00:00Z</updated>"
            "<entry><title>Ferry</title><id>urn:e1</id><link href=\"https://feed.example/e1.html\"/>"
            f"<updated>2026-03-03T10:00:00Z</updated><content type=\"html\">{content}</content></entry></feed>\n").encode()


_XXE_RSS = '<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
_XXE_ATOM = '<!DOCTYPE feed [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
_XXE_PARAM = '<!DOCTYPE rss [\n<!ENTITY % ext SYSTEM "file:///etc/passwd">\n%ext;\n]>\n'
_XXE_HTML = ('<!DOCTYPE html [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
             + _LAUGHS.split("[", 1)[1].lstrip("\n"))
PASSWD_MARK = "root:x:0:0"  # what /etc/passwd's first line holds: never in a report


# ---------------------------------------------------------------- the cases


def _html_page(body: str, head: str = "", doctype: str = "<!DOCTYPE html>") -> bytes:
    return (f"{doctype}\n<html><head><meta charset=\"utf-8\"><title>Ferry news</title>{head}</head>"
            f"<body>{body}</body></html>\n").encode()


def _png() -> bytes:
    raw = b"\x00" + b"\xff\x00\x00" * 64
    idat = zlib.compress(raw * 64)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


_WHO: tuple[str, ...] = ("The council", "A spokesman", "The harbour master", "Residents", "The ferry operator", "Two councillors",
        "The regional minister", "Local traders", "The coastguard", "A union official", "The mayor", "Engineers")
_DID = ("said on {d} that", "warned on {d} that", "told reporters on {d} that", "confirmed on {d} that",
        "argued on {d} that", "announced on {d} that")
_WHAT = ("{n} crossings would be added to the timetable", "repairs to pier {n} would cost {m} million pounds",
         "{n} passengers had been stranded overnight", "the service would resume within {n} days",
         "a review of {n} complaints was under way", "fares would rise by {n} per cent from {mo}",
         "{n} jobs at the boatyard were at risk", "the inquiry would report by {mo}")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "March", "May", "July", "September", "November")


def _long_line(n: int, seed: int = 7) -> str:
    """About ``n`` characters of news sentences on one line, varied (not the keyword stuffing a repeated
    sentence is)."""
    import random

    rng = random.Random(seed)
    syllables = ("ba", "ker", "lo", "mar", "ny", "os", "pel", "ri", "sa", "ton", "ul", "ven", "wis", "dra", "fen")
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(20000)]
    parts: list[str] = []
    size = 0
    while size < n:
        # a news frame around words drawn from a large vocabulary: word trigrams repeat about as rarely as in
        # real news over megabytes (a small vocabulary would be keyword stuffing, refused as furniture)
        sent = (f"{rng.choice(_WHO)} {rng.choice(_DID).format(d=rng.choice(_DAYS))} "
                + " ".join(rng.choice(words) for _ in range(rng.randint(6, 14)))
                + f" and {rng.choice(_WHAT).format(n=rng.randint(2, 9999), m=rng.randint(1, 99), mo=rng.choice(_MONTHS))}. ")
        parts.append(sent)
        size += len(sent)
    return "".join(parts).rstrip()


def cases(sizes: Sizes = FULL) -> list[tuple[Case, Callable[[], bytes]]]:
    """Every case, with a function that makes its file's bytes."""
    p = "<p>" + _article(7).replace("\n\n", "</p><p>") + "</p>"
    nul_text = _article(11).replace(" said ", " said\x00 ").replace("\n\n", "\n\x00\n")
    utf8_lines = ["Le conseil régional a voté jeudi la prolongation des horaires du port, a déclaré la mairie.",
                  "« Nous attendons les premières traversées lundi », a précisé Hélène Marès, capitaine du port."]
    latin1_lines = ["Les commerçants du quai affirment que leur activité a chuté d'un tiers pendant la fermeture.",
                    "La députée a salué une décision « très attendue » par les habitants de l'île, selon la préfecture."]
    mixed = b"\n\n".join(x.encode("utf-8") for x in utf8_lines) + b"\n\n" + b"\n\n".join(
        x.encode("latin-1") for x in latin1_lines) + b"\n"
    out: list[tuple[Case, Callable[[], bytes]]] = [
        # decompression bombs
        (Case("gzip_bomb_html", "bomb.html.gz", f"a .html.gz inflating to {sizes.bomb // GiB} GiB", "refused",
              "limit once decompressed"),
         lambda: gzip_bomb(b"<html><body><p>", b"\x00", sizes.bomb)),
        (Case("gzip_bomb_jsonl_one_line", "bomb-line.jsonl.gz",
              f"a .jsonl.gz whose one line inflates to {sizes.bomb // GiB} GiB", "refused", "decompression bomb"),
         lambda: gzip_bomb(b'{"id":"bomb","text":"', b"a", sizes.bomb, b'"}\n')),
        (Case("gzip_bomb_jsonl_lines", "bomb-lines.jsonl.gz",
              f"a .jsonl.gz of one record repeated, inflating to {sizes.bomb // GiB} GiB", "refused",
              "decompression bomb", may_store=("bomb-rec",)),
         lambda: gzip_bomb(b"", _jsonl({"id": "bomb-rec", "text": NEWS.strip()}), sizes.bomb)),
        (Case("warc_gz_bomb", "bomb.warc.gz", f"a .warc.gz whose HTML record inflates to {sizes.bomb // GiB} GiB",
              "refused", "decompression bomb"),
         lambda: _warc_bomb(sizes.bomb)),
        # XML
        (Case("billion_laughs_rss", "laughs.rss", "RSS with nested entity declarations (billion laughs)", "refused",
              "unsafe XML refused", absent=("lollollol",)),
         lambda: _rss("&lol9;", _LAUGHS)),
        (Case("billion_laughs_atom", "laughs.atom", "Atom with nested entity declarations", "refused",
              "unsafe XML refused", absent=("lollollol",)),
         lambda: _atom("&lol9;", _LAUGHS.replace("DOCTYPE rss", "DOCTYPE feed"))),
        (Case("xxe_rss", "xxe.rss", "RSS with an external entity (file:///etc/passwd)", "refused",
              "unsafe XML refused", absent=(PASSWD_MARK,)),
         lambda: _rss("Ferry news &xxe; " + NEWS, _XXE_RSS)),
        (Case("xxe_atom", "xxe.xml", "Atom (.xml) with an external entity (file:///etc/passwd)", "refused",
              "unsafe XML refused", absent=(PASSWD_MARK,)),
         lambda: _atom("&xxe; " + NEWS, _XXE_ATOM)),
        (Case("xxe_parameter_entity", "xxe-param.rss", "RSS with an external parameter entity", "refused",
              "unsafe XML refused", absent=(PASSWD_MARK,)),
         lambda: _rss(NEWS, _XXE_PARAM)),
        (Case("xxe_html", "xxe.html", "HTML with an internal subset: an external entity and billion laughs",
              "stored", absent=(PASSWD_MARK, "lollollol")),
         lambda: _html_page(p + "<p>&xxe; &lol9;</p>", doctype=_XXE_HTML)),
        # structure and size
        (Case("nested_tags_html", "nested.html", f"HTML with {sizes.nested:,} nested tags around the article",
              "refused", "nests tags over 255 deep"),
         lambda: _html_page("<div>" * sizes.nested + p + "</div>" * sizes.nested)),
        (Case("long_line_text", "long-line.txt", f"a {sizes.line // MiB} MiB single line of text", "stored"),
         lambda: _long_line(sizes.line).encode()),
        (Case("long_line_jsonl", "long-line.jsonl", f"a JSONL record whose text is one {sizes.line // MiB} MiB line",
              "stored", ids=("long",)),
         lambda: _jsonl({"id": "long", "text": _long_line(sizes.line)})),
        (Case("long_line_html", "long-line.html", f"an HTML page whose one paragraph is a {sizes.line // MiB} MiB line",
              "stored"),
         lambda: _html_page("<article><h1>Harbour</h1><p>" + _long_line(sizes.line) + "</p></article>")),
        (Case("deep_json_jsonl", "deep.jsonl", f"JSONL: a record nested {sizes.nested:,} lists deep, a good line after",
              "stored", "nested too deeply", ids=("deep-ok",)),
         lambda: b'{"id":"deep","text":' + b"[" * sizes.nested + b"]" * sizes.nested + b"}\n"
         + _jsonl({"id": "deep-ok", "text": _article(15)})),
        # bytes and encodings
        (Case("nul_bytes_text", "nul.txt", "plain text with NUL bytes inside sentences and between paragraphs",
              "stored"),
         lambda: nul_text.encode()),
        (Case("nul_in_jsonl_string", "nul-escaped.jsonl", "JSONL: \\u0000 inside the text string", "stored",
              ids=("nul-esc",)),
         lambda: _jsonl({"id": "nul-esc", "text": _article(12).replace(" said ", " said\x00 ")})),
        (Case("nul_byte_in_jsonl_line", "nul-raw.jsonl", "JSONL: a raw NUL byte in one line, a good line after",
              "stored", "binary data in the line", ids=("nul-ok",)),
         lambda: b'{"id":"nul-raw","text":"' + _article(13).replace("\n", " ").encode() + b'\x00"}\n'
         + _jsonl({"id": "nul-ok", "text": _article(14)})),
        (Case("mixed_encoding_text", "mixed.txt", "UTF-8 and Latin-1 lines in one text file", "stored",
              present=("régional", "Hélène", "commerçants", "« très attendue »")),
         lambda: mixed),
        (Case("mixed_encoding_jsonl", "mixed.jsonl", "UTF-8 and Latin-1 lines in one JSONL file", "stored",
              ids=("utf8", "latin1"), present=("régional", "Hélène", "commerçants", "« très attendue »")),
         lambda: _jsonl({"id": "utf8", "text": "\n\n".join(utf8_lines)})
         + json.dumps({"id": "latin1", "text": "\n\n".join(latin1_lines)}, ensure_ascii=False).encode("latin-1")
         + b"\n"),
        # records
        (Case("duplicate_ids_jsonl", "dup-ids.jsonl", "JSONL: one id twice with different content", "stored",
              "already stored with other content", ids=("dup",)),
         lambda: _jsonl({"id": "dup", "text": _article(21)}, {"id": "dup", "text": _article(22)})),
        (Case("impossible_dates_jsonl", "dates.jsonl",
              "JSONL: published year 0, 9999-99-99, Feb 30, 0001-01-01, 9999-12-31, 2999-01-01", "stored",
              ids=("d0", "d1", "d2", "d3", "d4", "d5"), published_none=("d0", "d1", "d2", "d3", "d4", "d5")),
         lambda: _jsonl(*({"id": f"d{i}", "published": d, "text": _article(30 + i)} for i, d in enumerate(
             ("0000-01-01", "9999-99-99", "2023-02-30", "0001-01-01T00:00:00Z", "9999-12-31", "2999-01-01"))))),
        (Case("impossible_date_html", "dates.html", "HTML whose meta says published 2023-02-30 and 0001-01-01",
              "stored"),
         lambda: _html_page(p, '<meta property="article:published_time" content="2023-02-30T10:00:00Z">'
                               '<meta name="date" content="0001-01-01">')),
        (Case("broken_json_lines", "broken.jsonl", "JSONL: a good line, a truncated line, a non-JSON line, a good one",
              "stored", "broken JSON line", ids=("ok-a", "ok-b")),
         lambda: _jsonl({"id": "ok-a", "text": _article(41)}) + b'{"id": "cut", "text": "The ferry will\n'
         + b"{id: nope, text: 'single quotes'}\n" + _jsonl({"id": "ok-b", "text": _article(42)})),
        # empty and not text
        (Case("empty_txt", "empty.txt", "an empty .txt", "refused", "empty file"), lambda: b""),
        (Case("empty_jsonl", "empty.jsonl", "an empty .jsonl", "refused", "empty file"), lambda: b""),
        (Case("empty_html", "empty.html", "an empty .html", "refused", "empty file"), lambda: b""),
        (Case("whitespace_only", "blank.txt", "a text file of spaces and newlines", "refused", "empty file"),
         lambda: b" \n\n\t \n" * 100),
        (Case("empty_gzip", "empty.html.gz", "a valid gzip of nothing", "refused", "empty file"),
         lambda: _gzip_of(b"")),
        (Case("png_as_html", "picture.html", "PNG bytes named .html", "refused", "binary"), _png),
        # briefs and furniture
        (Case("brief_jsonl", "brief.jsonl", "a one-sentence news brief in JSONL", "stored", ids=("b1",),
              present=('"body":["The two leaders will meet in Washington on Friday."]',)),
         lambda: _jsonl({"id": "b1", "text": "The two leaders will meet in Washington on Friday."})),
        (Case("furniture_only_jsonl", "furniture.jsonl", "JSONL records holding only \"Read more.\" / \"Subscribe now\"",
              "refused", "no article text found"),
         lambda: _jsonl({"id": "f1", "text": "Read more."}, {"id": "f2", "text": "Subscribe now"})),
    ]
    return out


def _gzip_of(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


def generate(out_dir: Path, sizes: Sizes = FULL, only: set[str] | None = None) -> list[Case]:
    """Write one file per case into ``out_dir`` (created); returns the cases written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for case, make in cases(sizes):
        if only is not None and case.name not in only:
            continue
        (out_dir / case.file).write_bytes(make())
        written.append(case)
    return written


# ---------------------------------------------------------------- running


def storylens_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "storylens"
    if exe.is_file():
        return [str(exe)]
    venv = ROOT / ".venv" / "bin" / "storylens"
    return [str(venv)] if venv.is_file() else [sys.executable, "-m", "storylens.cli"]


@dataclass
class Run:
    """One process: exit code, stderr, wall seconds and peak resident memory of its process tree."""

    code: int
    stderr: str
    seconds: float
    peak_mib: float
    timed_out: bool = False


# Runs one command from a fresh, small interpreter and prints what it cost as JSON. The command is this helper's
# only child, so RUSAGE_CHILDREN's ru_maxrss is that command's peak resident memory (its worker processes
# included), not the peak of the process that started it (a forked child starts with its parent's peak).
_HELPER = r"""
import json, os, resource, subprocess, sys, time
timeout, err_path, args = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
with open(err_path, "wb") as err:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
    try:
        code, timed_out = proc.wait(timeout), False
    except subprocess.TimeoutExpired:
        proc.kill()
        code, timed_out = proc.wait(), True
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "seconds": seconds, "peak_kib": peak, "timed_out": timed_out}))
"""


def run_process(args: list[str], timeout: float, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``args`` (through the helper above, for a peak memory of this process tree alone)."""
    full_env = {k: v for k, v in os.environ.items() if k != "STORYLENS_DEBUG"}
    full_env.update(env or {})
    err_path = cwd / f".stderr-{os.getpid()}-{time.monotonic_ns()}"
    got = subprocess.run([sys.executable, "-c", _HELPER, str(timeout), str(err_path), *args], cwd=str(cwd),
                         env=full_env, capture_output=True, text=True, timeout=timeout + 60)
    if got.returncode != 0:
        raise RuntimeError(f"the measuring helper failed: {got.stderr.strip()[-300:]}")
    m = json.loads(got.stdout.strip().splitlines()[-1])
    text = err_path.read_text(encoding="utf-8", errors="replace")
    err_path.unlink()
    return Run(int(m["code"]), text, float(m["seconds"]), m["peak_kib"] / 1024, bool(m["timed_out"]))


def make_base_store(work: Path, timeout: float = 300) -> Path:
    """A store holding the good article, analysed by ``storylens analyze`` (copied for every case)."""
    good = work / "good.jsonl"
    good.write_bytes(_jsonl(good_record()))
    db = work / "base.db"
    run = run_process([*storylens_cmd(), "analyze", str(good), "--db", str(db), "--quiet"], timeout, work)
    if run.code != 0:
        raise RuntimeError(f"the good article did not analyse (exit {run.code}): {run.stderr.strip()[-300:]}")
    for side in ("-wal", "-shm"):
        if Path(str(db) + side).exists():
            raise RuntimeError(f"{db}{side} left after the run: the store was not closed cleanly")
    return db


@dataclass
class Result:
    case: Case
    code: int
    message: str  # the last line on stderr
    seconds: float
    peak_mib: float
    kept: bool  # the good article is still stored
    integrity: str  # PRAGMA integrity_check
    stored: list[str] = field(default_factory=list)  # ids stored by this case
    published: dict[str, str | None] = field(default_factory=dict)
    stderr: str = ""
    timed_out: bool = False
    problems: list[str] = field(default_factory=list)  # what does not hold

    @property
    def ok(self) -> bool:
        return not self.problems


def _stored(db: Path) -> tuple[str, list[str], dict[str, str | None], str]:
    conn = sqlite3.connect(str(db))
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY seq")]
        published = dict(conn.execute("SELECT id, published FROM articles"))
        data = "\n".join(r[0] for r in conn.execute("SELECT data FROM articles"))
    finally:
        conn.close()
    return integrity, ids, published, data


def run_case(case: Case, corpus: Path, base_db: Path, work: Path, timeout: float = 300,
             max_seconds: float = 120, max_mib: float = 1500) -> Result:
    """Analyse one case into a copy of the base store and check what must hold."""
    db = work / f"{case.name}.db"
    out = work / f"{case.name}.json"
    for f in (db, out, *(Path(str(db) + side) for side in ("-wal", "-shm", "-lock"))):
        f.unlink(missing_ok=True)
    shutil.copyfile(base_db, db)
    path = corpus / case.file
    run = run_process([*storylens_cmd(), "analyze", str(path), "--db", str(db), "--json", str(out), "--quiet"],
                      timeout, work)
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    integrity, ids, published, data = _stored(db)
    report = out.read_text(encoding="utf-8") if out.exists() else ""
    new = [i for i in ids if i != GOOD_ID]
    res = Result(case, run.code, lines[-1] if lines else "", run.seconds, run.peak_mib, GOOD_ID in ids, integrity,
                 new, {i: published.get(i) for i in new}, run.stderr, run.timed_out)
    p = res.problems
    if run.timed_out:
        p.append(f"ran past {timeout:.0f} s")
    if "Traceback" in run.stderr or run.code == 3 or "internal error" in run.stderr:
        p.append("a traceback or an internal error")
    if run.code not in (0, 1):
        p.append(f"exit code {run.code}")
    if not res.kept:
        p.append("the good article was lost")
    if integrity != "ok":
        p.append(f"integrity_check: {integrity}")
    for ln in lines:
        if not ln.startswith("storylens: "):
            p.append(f"stderr line not in the one-line form: {ln[:120]!r}")
    if case.expect == "refused":
        if run.code != 1:
            p.append(f"expected exit 1, got {run.code}")
        if not any(case.file in ln and case.reason in ln for ln in lines):
            p.append(f"no line naming {case.file} with {case.reason!r}")
        extra = [i for i in new if i not in case.may_store]
        if extra:
            p.append(f"stored {extra} from a refused input")
    else:
        if not new:
            p.append("nothing stored")
        missing = [i for i in case.ids if i not in new]
        if missing:
            p.append(f"ids not stored: {missing}")
        if case.reason and not any(case.reason in ln for ln in lines):
            p.append(f"no line with {case.reason!r}")
        if not case.reason and run.code != 0:
            p.append(f"expected exit 0, got {run.code}: {res.message[:160]}")
        if case.expect == "stored" and not report:
            p.append("no report written")
    for s in case.absent:
        if s in data or s in report:
            p.append(f"{s!r} found in the store or report")
    for s in case.present:
        if s not in data:
            p.append(f"{s!r} not in the stored articles")
    for i in case.published_none:
        if published.get(i) is not None:
            p.append(f"{i}: impossible date stored as {published.get(i)}")
    if run.seconds > max_seconds:
        p.append(f"took {run.seconds:.1f} s (over {max_seconds:.0f})")
    if run.peak_mib > max_mib:
        p.append(f"peak memory {run.peak_mib:.0f} MiB (over {max_mib:.0f})")
    for f in (db, out, *(Path(str(db) + side) for side in ("-wal", "-shm", "-lock"))):
        f.unlink(missing_ok=True)
    return res


def table(results: list[Result], corpus: Path | None = None) -> str:
    """The Markdown table of the runs (file names without the corpus folder when ``corpus`` is given)."""
    rows = ["| case | input | result | exit | time (s) | peak memory (MiB) | stored kept, integrity |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        if corpus is not None:
            r.message = r.message.replace(str(corpus) + "/", "")
        if r.case.expect == "refused" or not r.stored:
            what = f"refused: `{r.message.removeprefix('storylens: ')[:200]}`"
        else:
            what = f"stored {len(r.stored)} article(s)"
            if r.case.published_none:
                what += " without a publication date (the impossible ones dropped)"
            if r.case.present:
                what += ", text as written"
            if r.case.absent:
                what += f", no {' / '.join(repr(a) for a in r.case.absent)} anywhere"
            if r.code:
                what += f"; `{r.message.removeprefix('storylens: ')[:200]}`"
        if r.problems:
            what = "**FAILS**: " + "; ".join(r.problems) + " - " + what
        what = what.replace("|", "\\|")
        rows.append(f"| {r.case.name} | {r.case.what.replace('|', '/')} | {what} | {r.code} | {r.seconds:.1f} | "
                    f"{r.peak_mib:.0f} | {'yes' if r.kept else 'NO'}, {r.integrity} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder for the corpus (and the runs' scratch stores)")
    ap.add_argument("--small", action="store_true", help="the smaller sizes of the test suite")
    ap.add_argument("--run", action="store_true", help="analyse each case and print the table")
    ap.add_argument("--only", action="append", help="only this case (repeatable)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds a case may run before it is killed")
    args = ap.parse_args(argv)
    sizes = SMALL if args.small else FULL
    corpus = args.out / "corpus"
    written = generate(corpus, sizes, set(args.only) if args.only else None)
    print(f"wrote {len(written)} case(s) to {corpus}", file=sys.stderr)
    if not args.run:
        return 0
    work = args.out / "runs"
    work.mkdir(parents=True, exist_ok=True)
    base = make_base_store(work)
    results = []
    for case in written:
        r = run_case(case, corpus, base, work, timeout=args.timeout)
        print(f"{case.name}: exit {r.code}, {r.seconds:.1f} s, {r.peak_mib:.0f} MiB"
              + ("" if r.ok else f" FAILS: {'; '.join(r.problems)}") + f" | {r.message[:160]}", file=sys.stderr)
        results.append(r)
    print(table(results, corpus))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
