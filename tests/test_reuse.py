"""Reuse: copies, near-copies, rewrites, chains, direction, attribution, changes, incremental update, diff CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from storylens.model import Article
from storylens.reuse import explain_pair, find_derivations

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"

ORIGINAL = [
    "The town council of Brindlemoor voted 7 to 2 on Tuesday to close the Larkspur Street bridge for repairs.",
    "Engineers found cracks in two of the bridge's four steel supports during an inspection in March.",
    "Repairs are expected to cost about $4.2 million and may take up to eight months.",
    "Mayor Elena Vasquez said the closure was unavoidable after the inspection report arrived.",
    "Local shop owners on Larkspur Street warned that the detour would keep customers away.",
    "The council said a temporary footbridge will be built next to the old crossing by June.",
    "Buses on route 14 will be diverted through the Ferrow industrial estate while the work lasts.",
    "The bridge was opened in 1962 and last underwent major repairs in 1998.",
]
REWRITE = [
    "Brindlemoor's council has decided to shut the Larkspur Street bridge so that it can be repaired, after a 7-2 "
    "vote on Tuesday.",
    "An inspection in March revealed cracks in two of the four steel supports holding up the bridge.",
    "The repair work will cost around $5 million and will take up to eight months.",
    "Mayor Elena Vasquez described the closure as unavoidable once the inspection findings came in.",
    "Shopkeepers along Larkspur Street fear that the detour will drive their customers away.",
    "A temporary footbridge is to be put up beside the old crossing by June, the council said.",
    "Route 14 buses are being rerouted through the Ferrow industrial estate for the duration of the works.",
]
INDEPENDENT = [
    "Drivers in Brindlemoor face months of disruption after councillors agreed to shut a key river crossing.",
    "The Larkspur Street bridge, a busy link between the old town and the railway station, will close next week.",
    "Residents who spoke to this newspaper were divided, with some saying the work was long overdue.",
    "One taxi driver said his journey to the hospital would now take twenty minutes longer.",
    "The opposition group on the council called for a full review of how the city maintains its bridges.",
    "A public meeting on the closure will be held at the library on Thursday evening.",
]


def art(id_: str, body: list[str], day: int | None = None, outlet: str | None = None,
        url: str | None = None) -> Article:
    pub = dt.datetime(2026, 3, day, 9, 0, tzinfo=dt.UTC) if day else None
    return Article(id=id_, content_hash=id_, body=body, published=pub, outlet=outlet, url=url)


def by_pair(ds: list) -> dict[tuple[str, str], object]:
    return {(d.source_id, d.derived_id): d for d in ds}


def test_exact_and_near_copy_with_dates() -> None:
    a = art("a", ORIGINAL, day=2)
    copy = art("copy", list(ORIGINAL), day=3)
    near = art("near", ORIGINAL[:6] + ["Buses on route 14 will be diverted through the Ferrow estate while work lasts."],
               day=4)
    ds = by_pair(find_derivations([near, copy, a]))
    assert ("a", "copy") in ds and ds[("a", "copy")].kind == "copy"
    assert ds[("a", "copy")].direction_from == "published"
    # the near copy is explained through its closest, earlier relative (no extra links)
    near_links = [k for k in ds if "near" in k]
    assert len(near_links) == 1 and near_links[0][1] == "near"
    assert ds[near_links[0]].kind in ("copy", "near_copy")
    assert ds[near_links[0]].omitted  # the eighth sentence was left out


def test_rewrite_detected_with_changes_and_direction_from_text() -> None:
    d = explain_pair(art("rw", REWRITE), art("orig", ORIGINAL))
    assert d is not None
    assert (d.source_id, d.derived_id) == ("orig", "rw")
    assert d.kind == "rewrite" and d.direction_from == "text"
    assert d.direction_confidence > 0.5 and d.direction_evidence
    assert d.coverage >= 0.7
    kinds = {(c.kind, c.source.text, c.derived.text) for c in d.changes}
    assert ("number", "$4.2 million", "$5 million") in kinds
    assert any(k == "hedging" and s == "may" and t == "will" for k, s, t in kinds)
    assert "The bridge was opened in 1962 and last underwent major repairs in 1998." in d.omitted


def test_independent_reports_are_not_derivations() -> None:
    assert explain_pair(art("orig", ORIGINAL), art("ind", INDEPENDENT)) is None
    assert find_derivations([art("orig", ORIGINAL), art("ind", INDEPENDENT)]) == []


def test_shared_press_statement_is_not_derivation() -> None:
    statement = [
        "“We will restore full service on the line as soon as the signalling fault is repaired,” the operator said.",
        "“Passengers should allow extra time and check before they travel,” it added.",
        "“We apologise for the disruption this is causing to people's journeys,” the statement said.",
    ]
    one = art("one", ["Commuters in Ostrava faced delays on Monday after a signal failure near the main station.",
                      *statement, "Replacement buses ran every twenty minutes."])
    two = art("two", ["A signalling problem disrupted trains across the region for a second day.", *statement,
                      "Unions said the fault showed years of underinvestment in the network."])
    assert explain_pair(one, two) is None


def test_statement_quoted_over_several_sentences_is_not_derivation() -> None:
    # one quotation over three sentences: the middle one has no quotation mark of its own
    statement = ("“We will restore full service on the line as soon as the signalling fault has been found and "
                 "repaired. Passengers should allow extra time for their journeys and check the timetable before "
                 "they travel. We apologise for the disruption this is causing to people across the region,” the "
                 "operator said.")
    one = art("one", ["Commuters in Ostrava faced delays on Monday after a signal failure near the main station.",
                      statement, "Replacement buses ran every twenty minutes between the two stations."])
    two = art("two", ["A signalling problem disrupted trains across the region for a second day.", statement,
                      "Unions said the fault showed years of underinvestment in the network."])
    assert explain_pair(one, two) is None
    assert find_derivations([one, two]) == []


def test_chain_a_b_c_without_direct_link() -> None:
    a = art("A", ORIGINAL, day=1)
    b = art("B", REWRITE, day=2)
    c = art("C", REWRITE[:6], day=3)
    ds = by_pair(find_derivations([c, a, b]))
    assert ("A", "B") in ds and ("B", "C") in ds
    assert ("A", "C") not in ds


def test_chain_direction_without_dates() -> None:
    a = art("A", ORIGINAL)
    b = art("B", REWRITE)
    c = art("C", list(REWRITE))
    ds = by_pair(find_derivations([a, b, c]))
    assert ("A", "B") in ds or ("A", "C") in ds
    assert len(ds) == 2  # the copy is reached through the rewrite, not directly


def test_attribution_detected() -> None:
    src = art("src", ORIGINAL, day=1, outlet="brindlemoor-gazette.example", url="https://brindlemoor-gazette.example/a/1")
    body = REWRITE + ["This story was first reported by the Brindlemoor Gazette."]
    d = explain_pair(src, art("der", body, day=2))
    assert d is not None and d.attribution and "brindlemoor" in (d.attribution_evidence or "").lower()
    d2 = explain_pair(src, art("der2", REWRITE, day=2))
    assert d2 is not None and not d2.attribution


def _seeds() -> list[Article]:
    from storylens.extract import extract

    seeds = CORPORA / "seeds"
    if not seeds.exists():
        pytest.skip("shared corpora not available")
    return [extract(p.read_text(encoding="utf-8"), source=str(p)) for p in sorted(seeds.glob("*.txt"))]


def test_seeds_only_001_derives_from_000_with_both_changes() -> None:
    arts = _seeds()
    ds = find_derivations(arts)
    assert [(d.source_id, d.derived_id) for d in ds] == [(arts[0].id, arts[1].id)]
    d = ds[0]
    assert d.kind == "rewrite" and d.direction_from == "text" and d.direction_confidence >= 0.7
    assert not d.attribution
    substance = [c for c in d.changes if c.kind in ("actor", "attribution")]
    sides = [c for c in substance if "Trump" in c.source.text and "both" in c.derived.text]
    assert sides and "side" in sides[0].derived.text
    us = [c for c in substance if "U.S." in c.derived.text and "defense" in c.derived.text]
    assert us and "U.S." not in us[0].source.text
    for c in sides + us:
        pair = next(p for p in d.pairs if (p.source_index, p.derived_index) == (c.source_index, c.derived_index))
        assert pair.source_text[c.source.start : c.source.end] == c.source.text
        assert pair.derived_text[c.derived.start : c.derived.end] == c.derived.text


def test_incremental_update_matches_batch(tmp_path: Path) -> None:
    from storylens.reuse import update
    from storylens.store import open_store

    store = open_store(str(tmp_path / "t.db"))
    a, b, ind = art("A", ORIGINAL, day=1), art("B", REWRITE, day=2), art("I", INDEPENDENT, day=2)
    store.add_articles([a])
    update(store, [a])
    assert store.get_derivations() == []
    store.add_articles([b, ind])
    update(store, [b, ind])
    ds = store.get_derivations()
    assert [(d.source_id, d.derived_id) for d in ds] == [("A", "B")]
    assert store.get_state("ann:doc:A") is not None
    c = art("C", REWRITE[:6], day=3)
    store.add_articles([c])
    update(store, [c])
    pairs = {(d.source_id, d.derived_id) for d in store.get_derivations()}
    assert pairs == {("A", "B"), ("B", "C")}
    store.close()


def test_diff_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app
    from storylens.store import open_store

    db = str(tmp_path / "d.db")
    store = open_store(db)
    store.add_articles([art("orig", ORIGINAL), art("rw", REWRITE)])
    store.close()
    runner = CliRunner()
    res = runner.invoke(app, ["diff", "rw", "orig", "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["source_id"] == "orig" and data["derived_id"] == "rw"
    assert any(c["kind"] == "number" for c in data["changes"])
    res = runner.invoke(app, ["diff", "rw", "orig", "--db", db])
    assert res.exit_code == 0 and "derives from orig" in res.stdout and "$5 million" in res.stdout
    res = runner.invoke(app, ["diff", "rw", "nope", "--db", db])
    assert res.exit_code == 2 and "no article with id nope" in res.output


def test_changes_in_aligned_sentences() -> None:
    from storylens.nlp.changes import find_changes

    def kinds(s: str, d: str) -> set[tuple[str, str, str]]:
        return {(c.kind, c.source.text, c.derived.text) for c in find_changes(s, d, 0, 0)}

    got = kinds("The minister said the plant will close on March 3.",
                "The minister said the plant will not close on March 5.")
    assert ("date", "March 3", "March 5") in got and any(k == "negation" for k, _, _ in got)
    assert any(k == "hedging" and s == "may" for k, s, _ in kinds("Police said the suspect may have fled to Ravena.",
                                                                  "Police said the suspect fled to Ravena."))
    got = kinds("Governor Alma Reyes signed the bill on Friday.", "Senator Tomas Lind signed the bill on Friday.")
    assert got == {("actor", "Governor Alma Reyes", "Senator Tomas Lind")}  # the doer of a kept verb
    assert kinds("The council approved the plan.", "The council approved the plan.") == set()


def test_same_outlet_follow_up_is_not_a_rewrite_but_its_copy_is_a_copy() -> None:
    original = art("orig", ORIGINAL, day=2, outlet="Brindlemoor Echo")
    # the rewrite, had another outlet published it, is a derivation; the outlet's own retelling is not
    assert explain_pair(art("rw", REWRITE, day=3, outlet="Valley Post"), original) is not None
    assert explain_pair(art("rw", REWRITE, day=3, outlet="brindlemoor echo"), original) is None
    dup = explain_pair(art("dup", list(ORIGINAL), day=3, outlet="Brindlemoor Echo"), original)
    assert dup is not None and dup.kind == "copy"


def test_aligned_sentences_share_their_words_not_only_their_topic() -> None:
    """Sentences of one campaign in other words ("Sanders entered the contest on a winning streak" / "We are
    defeating Donald Trump, Sanders said") are no paraphrase; a repeated time stamp is the same text."""
    from storylens.nlp.items import content_stems
    from storylens.reuse.core import partner_mask
    from storylens.reuse.features import build_features

    body_a = ["ABSTRACT.", "Sanders entered the contest on a winning streak, but one that's hardly denting Hillary "
              "Clinton's delegate lead in the race for the Democratic presidential nomination.", "9:42 p.m."]
    body_b = ["FULL TEXT.", "\"We are defeating Donald Trump by very significant numbers,\" Sanders said of the "
              "Republican front-runner.", "9:42 p.m.", "Sanders entered the contest on a winning streak that hardly dents "
              "Clinton's delegate lead in the race for the nomination."]
    fa, fb = build_features([Article(id="a", content_hash="a", body=body_a),
                             Article(id="b", content_hash="b", body=body_b)], {"a": _unit(), "b": _unit()})
    m = partner_mask(fa, fb)  # rows: b's sentences, columns: a's
    assert not m[0, 0], "two furniture words are no statement"
    assert not m[1, 1], "one shared name on one topic is no paraphrase"
    assert m[2, 2] and m[3, 1]
    arts = _seeds()
    d = find_derivations(arts)[0]
    for p in d.pairs:  # every sentence pair the seed rewrite's diff shows shares what it says
        a, b = content_stems(p.source_text), content_stems(p.derived_text)
        assert len(a & b) >= 2 or (a & b and len(a & b) >= min(len(a), len(b))) or p.source_text == p.derived_text


def _unit():  # noqa: ANN202 - a document vector for articles whose candidate search is not tested here
    import numpy as np

    v = np.zeros(512, dtype=np.float32)
    v[0] = 1.0
    return v


def test_stored_candidates_weighed_a_block_at_a_time_give_the_same_derivations(tmp_path: Path, monkeypatch) -> None:
    """The update reads and lets go the stored candidates a block at a time (memory follows the block, not
    the store): with one candidate per block the derivations are the ones of a single block."""
    from storylens.reuse import incremental, update
    from storylens.store import open_store

    seeds = _seeds()
    old = [art("A", ORIGINAL, day=1), art("I", INDEPENDENT, day=2), seeds[0], seeds[2]]
    new = [art("B", REWRITE, day=2), art("C", REWRITE[:6], day=3), seeds[1], seeds[3], seeds[4]]
    got = []
    for block in (incremental.OLD_BLOCK, 1):
        monkeypatch.setattr(incremental, "OLD_BLOCK", block)
        store = open_store(str(tmp_path / f"b{block}.db"))
        store.add_articles(old)
        update(store, old)
        store.add_articles(new)
        update(store, new)
        got.append([d.model_dump(mode="json") for d in store.get_derivations()])
        store.close()
    pairs = {(d["source_id"], d["derived_id"]) for d in got[0]}
    assert ("A", "B") in pairs and (seeds[0].id, seeds[1].id) in pairs
    assert got[0] == got[1]


def test_blocks_never_split_a_candidates_pairs() -> None:
    from storylens.reuse.incremental import _blocks

    pairs = sorted([("o1", "n1"), ("o1", "n2"), ("o2", "n1"), ("n1", "n2"), ("o3", "n2"), ("o3", "n3")])
    blocks = _blocks(pairs, {"o1", "o2", "o3"}, 1)
    assert [p for b in blocks for p in b] == pairs
    for b in blocks:
        assert len({a for a, _ in b if a.startswith("o")}) <= 1
    firsts = [{a for a, _ in b} for b in blocks]
    assert all(not (x & y) for i, x in enumerate(firsts) for y in firsts[i + 1:])
