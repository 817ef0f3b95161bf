"""Comments stage: stance, flags with their evidence, storage, report, CLI, on real and invented text."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from storylens.comments import stage
from storylens.comments.analysis import (
    BOTH_SIDES_GAP,
    BOTH_SIDES_MIN,
    _article_items,
    _speaks,
    about_subject,
    analyze_articles,
    jaccard,
    minhash_keys,
    party_sides,
    shingles,
    side_words_agree,
)
from storylens.comments.lexicon import argued_polarity, evaluative_words, polarity
from storylens.comments.stance import information_question, stance, stances
from storylens.model import Article, Comment
from storylens.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpora" / "seeds"
DEMO = ROOT / "examples" / "harbour-ferry" / "articles"
GAZETTE = DEMO / "2026-03-06_tidewater-gazette_penhallow-reaction.html"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)

BODY = ["Lowmere council voted on Tuesday to charge drivers £2 each way on the Varden Bridge from September, to pay "
        "for £38 million of repairs to the 1962 crossing.",
        "Council leader Maria Okafor said the toll would end once the repair loan was paid off. Residents of the "
        "Varden estate will get a discount card, and buses will cross free."]


def article(aid: str, comments: list[tuple[str | None, str, int | None]], title: str | None = None,
            body: list[str] | None = None) -> Article:
    return Article(id=aid, content_hash=aid, title=title or "Council approves £2 toll on the Varden Bridge",
                   body=body or BODY, outlet="Lowmere Courier",
                   comments=[Comment(author=a, text=t, position=i,
                                     published=T0 + dt.timedelta(seconds=s) if s is not None else None)
                             for i, (a, t, s) in enumerate(comments)])


# ---------------------------------------------------------------- stance


def test_stance_reads_clear_support_and_opposition_toward_a_target() -> None:
    t = "the £2 toll on the Varden Bridge"
    got = stances(["I fully support the toll, it is long overdue and a sensible way to pay for the repairs.",
                   "The toll is a disgrace and a waste of money. Scrap it.",
                   "Will the toll be cash or only by plate recognition?"], [t, t, t])
    assert [s.stance for s in got] == ["support", "oppose", "neutral"]
    assert all(0.34 < s.score <= 1 and abs(sum(s.probs) - 1) < 1e-3 for s in got)


def test_lexicon_applies_negation_and_phrases() -> None:
    assert polarity("This is a good idea.") == (1, 0)
    assert polarity("This is not a good idea.") == (0, 1)
    assert polarity("The council had no other choice, sensible decision.") == (1, 0)  # negation stops at a comma
    assert polarity("No more closures, not again. Great.") == (1, 0)  # and at a full stop
    assert polarity("Japan can do better than to seek approval from Trump.") == (0, 2)  # phrases, not "better"
    assert information_question("When is the full budget published?")
    assert not information_question("Why is Ishiba catering to a President whose policies are detrimental?")


@pytest.mark.skipif(not (SEEDS / "003_b88580f2136d494e.txt").is_file(), reason="../shared/corpora/seeds not present")
def test_seed_003_flags_exactly_the_two_accounts_that_argue_both_sides(tmp_path: Path) -> None:
    from storylens.pipeline import ingest

    store = open_store(str(tmp_path / "s.db"))
    ingest([SEEDS / "003_b88580f2136d494e.txt"], store)
    art = next(store.iter_articles())
    [ca] = store.get_comment_analysis([art.id])
    assert ca.summary.comments == 11 and ca.summary.authors == 9
    both = {f.author: f for f in ca.flags if f.kind == "both_sides"}
    assert set(both) == {"Rotfront", "Matzomaster"}
    for author, f in both.items():
        mine = [c for c in art.comments if c.author == author]
        assert f.comment_positions == [c.position for c in mine]
        assert f.evidence[:2] == [c.text for c in mine]
        stances_of = {s.position: s.stance for s in ca.stances}
        assert {stances_of[p] for p in f.comment_positions} == {"support", "oppose"}
    assert "2 account(s) flagged for a person to check (2 both sides)" in ca.summary.text
    # the report carries it, and the story page shows the flagged comments side by side, escaped
    from storylens.report import build_report, render_html, render_markdown

    rep = build_report(store)
    assert [c.article_id for c in rep.comment_analysis] == [art.id]
    html = render_html(rep)
    assert html.count('class="side-by-side"') == 2 and "Matzomaster" in html
    assert "This is embarrassing." in html
    assert "both sides: **Rotfront**" in render_markdown(rep)
    sid = store.story_of(art.id)
    store.close()
    # the API's story report carries the same analysis
    from fastapi.testclient import TestClient

    from storylens.web import create_app

    got = TestClient(create_app(str(tmp_path / "s.db"))).get(f"/api/v1/stories/{sid}").json()
    [api] = got["comment_analysis"]
    assert sorted(f["author"] for f in api["flags"]) == ["Matzomaster", "Rotfront"]
    assert api["summary"]["comments"] == 11


def test_demo_gazette_templated_pair_with_times_and_no_flag_on_ordinary_readers() -> None:
    from storylens.extract import extract

    gaz = extract(GAZETTE.read_bytes(), meta={}, source=str(GAZETTE))
    post = DEMO / "2026-03-05_averill-post_buoy-emails.txt"
    avp = extract(post.read_bytes(), meta={}, source=str(post))
    # HTML comments keep user handles and their times
    assert [c.author for c in gaz.comments][3:5] == ["jenna_r_1987", "mark.t.averill"]
    assert gaz.comments[4].published == dt.datetime(2026, 3, 6, 16, 20, 41, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    by = {ca.article_id: ca for ca in analyze_articles([gaz, avp])}
    templ = [f for f in by[gaz.id].flags if f.kind == "templated"]
    assert sorted(f.author for f in templ) == ["jenna_r_1987", "mark.t.averill"]
    assert all("36 s apart" in f.explanation for f in templ)
    assert not any(f.author in ("QuayStreetQuentin", "Morag Pell", "Skerrow Skipper", "B. Ansty", "Lionel Fenwick")
                   for f in by[gaz.id].flags)
    assert by[avp.id].flags == []  # seven ordinary readers


# ---------------------------------------------------------------- flags


CAMPAIGN = "Enough is enough! The council has ignored residents for years. Vote them out in May #ChangeNow"


def test_templated_across_articles_is_found_incrementally_and_both_articles_carry_it() -> None:
    store = open_store(":memory:")
    a = article("a", [("reader_one", "The discount card for the estate is a fair answer to the commuters.", 0),
                      ("bot_1", CAMPAIGN, 60)])
    store.add_articles([a])
    stage.update(store, [a])
    assert store.get_comment_analysis(["a"])[0].flags == []
    b = article("b", [("bot_2", "ENOUGH is enough!! The council has ignored residents for years. Vote them out in May",
                       30), ("reader_two", "Buses crossing free is the right call.", 90)],
                title="Varden Bridge toll: what drivers need to know")
    store.add_articles([b])
    stage.update(store, [b])
    fa = store.get_comment_analysis(["a"])[0].flags
    fb = store.get_comment_analysis(["b"])[0].flags
    assert [(f.kind, f.author, f.other_comments) for f in fa] == [("templated", "bot_1", ["b#0"])]
    assert [(f.kind, f.author, f.other_comments) for f in fb] == [("templated", "bot_2", ["a#1"])]
    assert fb[0].evidence[0].startswith("ENOUGH") and fb[0].evidence[1] == CAMPAIGN


def test_minhash_keys_share_keys_for_small_edits_only() -> None:
    edited = "ENOUGH is enough!! The council has ignored residents for years. Vote them out in May"
    assert jaccard(shingles(CAMPAIGN), shingles(edited)) >= 0.5
    assert set(minhash_keys(CAMPAIGN)) & set(minhash_keys(edited))
    other = "Buses crossing free is the right call, and the discount card is fair to the estate."
    assert not set(minhash_keys(CAMPAIGN)) & set(minhash_keys(other))
    assert minhash_keys("Well said.") == []  # too short to call templated


def test_burst_needs_three_comments_within_five_minutes() -> None:
    fast = [("quick", "The toll will push traffic through Millgate.", 0),
            ("quick", "Nobody has modelled the traffic through Millgate.", 70),
            ("quick", "Has the council published the Millgate traffic figures?", 170),
            ("slow", "Buses crossing free is the right call.", 0),
            ("slow", "The discount card helps the Varden estate.", 4000),
            ("slow", "Twelve years of tolls is a long time.", 9000)]
    [ca] = analyze_articles([article("x", fast)])
    bursts = [f for f in ca.flags if f.kind == "burst"]
    assert [(f.author, f.comment_positions) for f in bursts] == [("quick", [0, 1, 2])]
    assert "3 comments by this account within 2.8 minutes" in bursts[0].explanation


def test_generic_flags_stock_text_but_not_a_reader_who_engages() -> None:
    cs = [("spam_praise", "Amazing content as always, keep it coming.", None),
          ("okafor_fan", "Okafor is right that the toll ends when the loan is paid.", None),
          ("short_local", "£2 each way is too much for the estate.", None)]
    [ca] = analyze_articles([article("g", cs)])
    gen = [f for f in ca.flags if f.kind == "generic"]
    assert [f.author for f in gen] == ["spam_praise"]
    eng = {s.author: s.engages for s in ca.stances}
    assert eng == {"spam_praise": False, "okafor_fan": True, "short_local": True}
    targets = {s.author: (s.target_kind, s.target) for s in ca.stances}
    assert targets["okafor_fan"] == ("person", "Maria Okafor")


BRANNIGAN = BODY + ["Opposition councillor Tom Brannigan said the toll was a tax on commuters and that the repairs should "
                    "come from the national roads budget."]


def test_both_sides_quotes_both_comments_their_stances_and_the_shared_target() -> None:
    cs = [("flip", "The toll is the right thing for the bridge. It is fair and long overdue.", 0),
          ("steady", "Buses crossing free is the right call.", 60),
          ("flip", "The toll is a disgrace and a waste of money. Scrap it.", 5000)]
    [ca] = analyze_articles([article("f", cs, body=BRANNIGAN)])
    [f] = [f for f in ca.flags if f.kind == "both_sides"]
    assert (f.author, f.comment_positions) == ("flip", [0, 2])
    assert f.evidence[:2] == [cs[0][1], cs[2][1]]
    side = {s.position: s for s in ca.stances}
    assert (side[0].stance, side[2].stance) == ("support", "oppose")
    # one look: both comments quoted, each with its stance and score, and the target they share
    assert f"Comment 0 “{cs[0][1]}” reads as support ({side[0].score:.2f})" in f.explanation
    assert f"comment 2 “{cs[2][1]}” as opposition ({side[2].score:.2f})" in f.explanation
    assert "the same target, the article's subject “Council approves £2 toll on the Varden Bridge”" in f.explanation
    assert "worth a look" in f.explanation


def test_both_sides_leaves_out_a_comment_about_another_party_to_the_story() -> None:
    # praising the toll and attacking the councillor who opposes it is one side, not two; the model reads the
    # second comment as opposition of the subject, so only the target check keeps the reader unflagged
    cs = [("swing", "I fully support the toll, it is long overdue and a sensible way to pay for the repairs.", 0),
          ("swing", "Brannigan is a disgrace. He has opposed every repair for ten years and wasted our money.", 3600)]
    [ca] = analyze_articles([article("p", cs, body=BRANNIGAN)])
    s0, s1 = ca.stances
    assert (s0.stance, s1.stance) == ("support", "oppose")
    assert min(s0.score, s1.score) >= BOTH_SIDES_MIN and s0.lean - s1.lean >= BOTH_SIDES_GAP
    assert (s1.target_kind, s1.target) == ("person", "Tom Brannigan")
    assert ca.flags == []


def test_both_sides_leaves_out_a_side_that_its_own_words_contradict() -> None:
    # "Sensible." praises; the model's reading of the short comment as opposition is the error, not the reader
    cs = [("local", "I support the toll, it is long overdue.", 0),
          ("local", "No toll at night and none for buses. Sensible.", 4000)]
    [ca] = analyze_articles([article("w", cs)])
    s0, s1 = ca.stances
    assert (s0.stance, s1.stance) == ("support", "oppose") and s1.score >= BOTH_SIDES_MIN
    assert s0.lean - s1.lean >= BOTH_SIDES_GAP
    assert polarity(cs[1][1]) == (1, 0) and not side_words_agree(cs[1][1], "oppose")
    assert ca.flags == []


AGREES_WITH_OPPONENT = "Brannigan is right, the national roads budget should pay for this, not commuters."


def test_both_sides_reads_agreement_with_a_quoted_opponent_as_opposition_of_the_subject() -> None:
    # the article says Brannigan opposes the toll ("Opposition councillor ... said"): agreeing with him opposes it;
    # the model alone reads the comment as support, and "roads budget" is not what it is about
    cs = [("swing", AGREES_WITH_OPPONENT, 0), ("swing", "Good to see buses go free. That is the right way round.", 4000),
          ("steady", AGREES_WITH_OPPONENT, 100), ("steady", "The toll is a disgrace and a waste of money.", 4100),
          ("quiet", AGREES_WITH_OPPONENT, 200), ("quiet", "Buses go free and the repairs get done.", 4200)]
    [ca] = analyze_articles([article("o", cs, body=BRANNIGAN)])
    side = {s.position: s for s in ca.stances}
    assert (side[0].stance, side[0].target_kind, side[0].target) == ("support", "person", "Tom Brannigan")
    both = {f.author: f for f in ca.flags if f.kind == "both_sides"}
    # "steady" opposes twice (with Brannigan, then in its own words): one side, not two; "quiet" has no words
    # that back a side in its second comment, so the party reading alone is not enough
    assert set(both) == {"swing"}
    f = both["swing"]
    assert f.comment_positions == [0, 1] and f.evidence[:2] == [cs[0][1], cs[1][1]]
    assert "sides with Tom Brannigan (“right”), whom the article reports as an opponent" in f.explanation
    assert "“Opposition councillor Tom Brannigan said the toll was a tax" in f.explanation
    assert f"comment 1 “{cs[1][1]}” reads as support" in f.explanation and "worth a look" in f.explanation


def test_party_sides_come_from_the_article_s_own_words_only() -> None:
    got = party_sides(["Opposition councillor Tom Brannigan said the toll was a tax on commuters.",
                       "Council leader Maria Okafor said the toll would end in twelve years.",
                       "Jane Hill welcomed the decision.",
                       "Critics, including Alan Reed, say the scheme is rushed.",
                       "Alan Reed later backed a compromise."])
    assert got["tom brannigan"][0] == "oppose" and got["jane hill"][0] == "support"
    assert "maria okafor" not in got  # "said" takes no side: unknown
    assert "alan reed" not in got  # given both sides: unknown


def test_argued_polarity_leaves_out_what_a_contrast_concedes() -> None:
    t = "The repairs are needed but a toll is a disgrace."
    assert polarity(t) == (1, 1) and argued_polarity(t) == (0, 1)
    assert not side_words_agree(t, "support") and side_words_agree(t, "oppose")
    assert evaluative_words("Good to see. That is not fair, however it is right.") == (["good", "right"], [])
    assert argued_polarity("Not only good but also fair.") == polarity("Not only good but also fair.")


def test_about_subject_tells_a_quoted_party_from_a_place_or_an_ownerless_plan() -> None:
    a = article("q", [], body=BRANNIGAN)
    items = _article_items(a)
    assert {"maria okafor", "tom brannigan"} <= items.speakers  # "X said": parties the article gives words to
    subj = "Council approves £2 toll on the Varden Bridge"
    assert about_subject(subj, "subject", items, subj)
    assert about_subject("Varden Bridge", "person", items, subj)  # a place the headline names
    assert not about_subject("Tom Brannigan", "person", items, subj)  # a quoted opponent
    assert not about_subject("Maria Okafor", "person", items, subj)  # a quoted proponent: side unknown either way
    assert about_subject("Reasonable plan", "policy", items, subj)  # no owner: the plan under discussion
    assert not about_subject("Brannigan's plan", "policy", items, subj)
    assert not about_subject("the outlet", "outlet", items, subj)
    assert about_subject("Council leader Maria Okafor", "person", items, "Okafor defends £2 toll")  # in the headline
    assert not _speaks("The toll was approved on Tuesday by Maria Okafor.", "Maria Okafor")
    assert _speaks("The plan is sound, according to Maria Okafor.", "Maria Okafor")


def test_one_reader_posting_twice_on_the_same_side_is_not_flagged() -> None:
    cs = [("steady", "The toll is a disgrace and will hit commuters hardest.", 0),
          ("steady", "Scrap the toll, it is a tax on people who have no other way to work.", 3600),
          ("other", "I support the toll, it is the fairest way to pay for the repairs.", 100)]
    [ca] = analyze_articles([article("s", cs)])
    assert ca.flags == []


def test_html_report_escapes_comment_text() -> None:
    from storylens.report import build_report, render_html

    store = open_store(":memory:")
    evil = "<script>alert(1)</script> Enough is enough! The council has ignored residents for years, vote"
    a = article("h", [("<img src=x onerror=alert(1)>", evil, 0), ("bot", evil, 20)])
    store.add_articles([a])
    stage.update(store, [a])
    html = render_html(build_report(store))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


# ---------------------------------------------------------------- labelled set and CLI


def test_labelled_set_flags_match_the_labels() -> None:
    rows = [json.loads(x) for x in (ROOT / "bench" / "data" / "comments_labelled.jsonl").read_text("utf-8").splitlines()]
    assert sum(len(r["comments"]) for r in rows) >= 200 and {r["split"] for r in rows} == {"tune", "unseen"}
    arts = [Article(id=r["id"], content_hash=r["id"], title=r["title"], outlet=r["outlet"],
                    body=r["text"].split("\n\n"),
                    comments=[Comment(author=c["author"], text=c["text"], position=c["position"],
                                      published=dt.datetime.fromisoformat(c["published"])) for c in r["comments"]])
            for r in rows]
    store = open_store(":memory:")
    store.add_articles(arts)
    stage.update(store, arts)
    got = {ca.article_id: ca for ca in store.get_comment_analysis([a.id for a in arts])}
    split = {r["id"]: r["split"] for r in rows}
    genuine = {(r["id"], c["author"]) for r in rows for c in r["comments"] if c["kind"] == "genuine"}
    flagged = {(aid, f.author, f.kind) for aid, ca in got.items() for f in ca.flags}
    # the tuning articles: no genuine reader flagged (the unseen ones are measured in bench/comments.py, not here)
    assert not {(a, u) for a, u, _ in flagged if split[a] == "tune"} & genuine
    for kind in ("templated", "burst", "generic"):
        assert any(k == kind for _, _, k in flagged), kind
    for aid, author, kind in flagged:  # every flag but both_sides (stance errors) is one the labels expect
        gold = next(r for r in rows if r["id"] == aid)["gold_flags"]
        assert kind == "both_sides" or kind in gold.get(author, []), (aid, author, kind)


def test_stance_cli_batch_reports_bad_lines_by_file_and_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storylens.cli import app

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "This plan is a disgrace and a waste of money.", "target": "the harbour plan"}\n'
                   "not json\n"
                   '{"id": "b", "text": "I fully support the harbour plan, it is long overdue.", "target": "the harbour plan"}\n'
                   '{"id": 3, "text": "no target"}\n', "utf-8")
    res = CliRunner().invoke(app, ["stance", "--batch", str(src), "--json"])
    assert res.exit_code == 1
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [(x["id"], x["stance"]) for x in lines] == [(1, "oppose"), ("b", "support")]
    assert lines == [{"id": 1, "stance": "oppose", "score": stance("This plan is a disgrace and a waste of money.",
                                                                   "the harbour plan").score}, lines[1]]
    assert re.search(r"in\.jsonl:2: not valid JSON", res.stderr) and re.search(r"in\.jsonl:4: 'target'", res.stderr)
    assert "Traceback" not in res.output
    missing = CliRunner().invoke(app, ["stance", "--batch", str(tmp_path / "nope.jsonl"), "--json"])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
