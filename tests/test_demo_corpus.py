"""The shipped demo corpus (examples/harbour-ferry) loads cleanly and agrees with its own answer key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from storylens.model import Article, InputError
from storylens.pipeline import ingest_docs
from storylens.sources import RawDoc, iter_sources
from storylens.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "harbour-ferry"
ARTICLES = DEMO / "articles"


def _expected() -> dict:
    return json.loads((DEMO / "expected.json").read_text("utf-8"))


def _key(art: Article) -> str:
    """The answer key names JSONL records by id and files by name."""
    return art.external_id or Path(art.source or "").name


@pytest.fixture(scope="module")
def loaded() -> dict[str, Article]:
    store = open_store(":memory:")
    try:
        res = ingest_docs(store, iter_sources([ARTICLES]))
    finally:
        store.close()
    assert res.errors == [], [f"{e.source}: {e.reason}" for e in res.errors]
    arts = {_key(a): a for a in res.added}
    assert len(arts) == len(res.added), "two articles map to the same answer-key name"
    return arts


def test_every_input_reads_without_error() -> None:
    docs = list(iter_sources([ARTICLES]))
    errors = [d for d in docs if isinstance(d, InputError)]
    assert errors == []
    assert all(isinstance(d, RawDoc) for d in docs)
    formats = sorted({d.format for d in docs if isinstance(d, RawDoc)})
    assert formats == ["html", "text"]


def test_corpus_loads_with_outlet_and_body(loaded: dict[str, Article]) -> None:
    exp = _expected()["articles"]
    assert set(loaded) == set(exp)
    for key, art in loaded.items():
        assert art.outlet, f"{key}: no outlet"
        assert art.body and all(p.strip() for p in art.body), f"{key}: empty body"
        assert art.url and urlsplit(art.url).hostname.endswith(".example"), f"{key}: {art.url}"
    assert len({a.outlet for a in loaded.values()}) == 5


def test_body_is_complete(loaded: dict[str, Article]) -> None:
    for key, want in _expected()["articles"].items():
        text = loaded[key].text
        assert want["body_first"] in text, f"{key}: start of the body missing"
        assert want["body_last"] in text, f"{key}: end of the body missing"


def test_input_metadata_wins(loaded: dict[str, Article]) -> None:
    """Outlets from sidecars/JSONL, and JSONL titles and dates, are taken as given."""
    for key, want in _expected()["articles"].items():
        art = loaded[key]
        if art.outlet_from == "input":
            assert art.outlet == want["outlet"], key
        if want["published_from"] in ("jsonl", "file"):
            assert art.published is not None, key
            assert art.published.isoformat() == want["published"], key
    islander = [a for a in loaded.values() if a.format == "text" and a.external_id]
    assert len(islander) == 3
    assert all(a.title == _expected()["articles"][a.external_id]["title"] for a in islander)


def _raw(key: str) -> str:
    """Raw text of one article, straight from the corpus files."""
    if (ARTICLES / key).is_file():
        return (ARTICLES / key).read_text("utf-8")
    for line in (ARTICLES / "articles.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        if rec["id"] == key:
            return rec["text"]
    raise KeyError(key)


def test_answer_key_rests_on_the_text() -> None:
    exp = _expected()
    rewrite, near = exp["derivations"]
    src, der = _raw(rewrite["source"]), _raw(rewrite["derived"])
    for ch in rewrite["changes"]:
        assert ch["source_sentence"] in src and ch["derived_sentence"] in der
        assert ch["source"] in ch["source_sentence"] and ch["derived"] in ch["derived_sentence"]
        assert ch["derived"] not in ch["source_sentence"]
    for s in rewrite["omitted"]:
        assert s in src and s not in der
    assert "Tidewater" not in der.split("<h1>", 1)[1], "the rewrite must not credit its source"
    # The near-copy is the wire body plus exactly one sentence.
    wire_body = [ln for ln in _raw(near["source"]).splitlines()[4:] if ln.strip()]
    copy_body = [p for p in _raw(near["derived"]).split("\n\n") if p.strip()]
    assert [p for p in copy_body if p not in wire_body] == near["added"]
    assert [p for p in wire_body if p not in copy_body] == []


def test_sidecars_and_jsonl_are_well_formed() -> None:
    texts = sorted(ARTICLES.glob("*.txt"))
    assert 4 <= len(texts) <= 6
    with_date = 0
    for t in texts:
        side = json.loads(t.with_name(t.name[:-4] + ".meta.json").read_text("utf-8"))
        assert set(side) <= {"url", "outlet", "published"} and side["url"] and side["outlet"]
        with_date += "published" in side
        assert re.search(r"^\d\d:\d\d GMT\+1, March \d{1,2}, 2026$", t.read_text("utf-8"), re.M), t.name
    assert 0 < with_date < len(texts), "some dates must come from datelines only"
    for line in (ARTICLES / "articles.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        assert set(rec) == {"id", "url", "outlet", "title", "published", "text"}


def test_comment_section_has_the_planted_accounts() -> None:
    page = _raw("2026-03-06_tidewater-gazette_penhallow-reaction.html")
    found = re.findall(r'comment-author">([^<]+)</span> <time datetime="([^"]+)"', page)
    want = _expected()["comment_analysis"]["2026-03-06_tidewater-gazette_penhallow-reaction.html"]
    assert len(found) == want["count"]
    authors = [a for a, _ in found]
    assert authors.count("HarbourWatcher") == 2
    pair = want["coordinated"][0]
    times = [t for a, t in found if a in pair["authors"]]
    assert len(times) == 2 and times[0][:16] == times[1][:16]  # same minute


def test_readme_names_every_file_and_corpus_is_small() -> None:
    readme = (DEMO / "README.md").read_text("utf-8")
    for f in ARTICLES.iterdir():
        if not f.name.endswith(".meta.json"):
            assert f.name in readme, f.name
    total = sum(f.stat().st_size for f in DEMO.rglob("*") if f.is_file())
    assert total < 200_000
