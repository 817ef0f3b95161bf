"""Temporal expressions resolved against the publication date (storylens.nlp.dates, storylens dates --batch)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from storylens.nlp.dates import find_dates

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "seeds"
TEMPEVAL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "tempeval3" / "TBAQ-cleaned"


def values(text: str, ref: dt.date | None) -> list[tuple[str, str]]:
    return [(m.text, m.value) for m in find_dates(text, ref)]


def test_a_weekday_resolves_by_tense_against_the_publication_date() -> None:
    ahead = "Ishiba and Trump are expected to hold their first summit talks in Washington on Friday."
    past = "Ishiba said at a House of Representatives Budget Committee meeting Friday that he was ready."
    assert values(ahead, dt.date(2025, 2, 1)) == [("Friday", "2025-02-07")]  # a Saturday: the coming Friday
    assert values(past, dt.date(2025, 2, 1)) == [("Friday", "2025-01-31")]  # the Friday just gone
    assert values(ahead, None) == []  # nothing to resolve against: said nothing rather than guess


def test_granularities_and_iso_values() -> None:
    ref = dt.date(2025, 2, 3)
    text = (
        "In November the plan fell through; on Jan. 28 he spoke, last month sales fell, and a visit is "
        "expected in the latter half of 2025. Two years ago, in 2023, profit in the fourth quarter rose for "
        "five years running. Talks are now under way, at 8:30 a.m. yesterday."
    )
    got = dict(values(text, ref))
    assert got["November"] == "2024-11" and got["Jan. 28"] == "2025-01-28" and got["last month"] == "2025-01"
    assert (
        got["the latter half of 2025"] == "2025-H2"
        and got["Two years ago"] == "2023"
        and got["2023"] == "2023"
    )
    assert (
        got["the fourth quarter"] == "2024-Q4" and got["five years"] == "P5Y" and got["now"] == "PRESENT_REF"
    )
    assert got["8:30 a.m. yesterday"] == "2025-02-02T08:30", "a clock time on the day named after it"
    for m in find_dates(text, ref):
        assert text[m.start : m.end] == m.text


def test_figures_are_not_years() -> None:
    assert values("The company cut 2,000 jobs and 1999 people lost 2015 percent.", dt.date(2020, 1, 1)) == []


def test_seeds_dates_resolve_against_their_own_dates() -> None:
    if not SEEDS.exists():
        pytest.skip("seeds missing")
    text = (SEEDS / "004_a4ac59212e22a917.txt").read_text(encoding="utf-8")
    got = values(text, dt.date(2025, 2, 7))
    assert ("Feb. 10, 2017", "2017-02-10") in got
    assert ("Jan. 20", "2025-01-20") in got


def test_dates_batch_command(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"id": 1, "text": "The vote will be on Friday.", "ref": "2025-02-03"}),
                json.dumps({"id": 2, "text": "x", "ref": "soon"}),
                "{",
            ]
        )
        + "\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "storylens.cli", "dates", "--batch", str(src), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    out = [json.loads(x) for x in run.stdout.splitlines()]
    assert out == [
        {
            "id": 1,
            "mentions": [
                {
                    "text": "Friday",
                    "start": 20,
                    "end": 26,
                    "value": "2025-02-07",
                    "granularity": "day",
                    "type": "DATE",
                }
            ],
        }
    ]
    assert f"{src}:2: 'ref' is not an ISO date" in run.stderr and f"{src}:3: not valid JSON" in run.stderr


@pytest.mark.slow
def test_tempeval_held_out_value_f1_beats_the_dateparser_baseline() -> None:
    if not TEMPEVAL.exists():
        pytest.skip("tempeval3 missing")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import dates as bench  # noqa: PLC0415

    docs = bench.load("AQUAINT")[1::2]  # the half of AQUAINT never studied
    ours = bench.score(docs, bench.ours)
    base = bench.score(docs, bench.baseline)
    assert ours["value"] > base["value"] + 0.3 and ours["relaxed"] > 0.85


def test_timeline_command_ranks_days_by_independent_sources(tmp_path: Path) -> None:
    if not SEEDS.exists():
        pytest.skip("seeds missing")
    out = tmp_path / "t.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "storylens.cli",
            "timeline",
            str(SEEDS),
            "--max-dates",
            "4",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    events = json.loads(out.read_text())["timeline"]
    assert len(events) == 4 and [e["date"] for e in events] == sorted(e["date"] for e in events)
    summit = next(e for e in events if e["date"] == "2025-02-07")
    assert summit["independent_sources"] == 2 and summit["score"] >= max(e["score"] for e in events) - 1e-9
    assert all(e["sources"] and e["text"] for e in events)


def test_month_day_with_weekday_last_month_and_clock_time_on_a_named_day() -> None:
    ref = dt.date(1998, 2, 13)
    got = {
        m.text: m.value
        for m in find_dates(
            "Voting ends by August 6, and the talks of last May failed. Rebels met in June last year and again at "
            "10 p.m. Wednesday, then at noon Thursday; the next round opens on Saturday, April 25, for 2 1/2 years "
            "of talks held each Thursday, a change from the nineties.",
            ref,
        )
    }
    # a month followed by its day is the day, not the month; "ends by" a present of schedule: the one ahead
    assert got["August 6"] == "1998-08-06"
    assert got["last May"] == "1997-05" and got["June last year"] == "1997-06"
    assert got["10 p.m. Wednesday"] == "1998-02-11T22:00" and got["noon Thursday"] == "1998-02-12T12:00"
    assert got["Saturday, April 25"] == "1998-04-25" and got["2 1/2 years"] == "P2Y6M"
    assert got["each Thursday"] == "XXXX-WXX-4" and got["the nineties"] == "199"


def test_a_day_many_articles_were_published_on_outranks_an_equally_mentioned_one() -> None:
    """Two days each mentioned by one outlet: the one the coverage peaks on (articles published that day) first."""
    from storylens.model import Article, Report
    from storylens.timeline.corpus import corpus_timeline

    def art(i: str, outlet: str, day: str, text: str) -> Article:
        return Article(id=i, content_hash=i, outlet=outlet, published=dt.date.fromisoformat(day), body=[text])

    arts = [
        art("a", "Coastline Wire", "2025-03-10", "The ferry ran aground on March 4 off Port Aven."),
        art("b", "Coastline Wire", "2025-03-10", "Divers inspected the hull on March 6 after the storm."),
        art("c", "Skerrow Islander", "2025-03-06", "Harbour staff said the buoy had drifted for weeks."),
        art("d", "Averill Post", "2025-03-06", "Pilots said the channel was poorly marked."),
    ]
    days = [e.date for e in corpus_timeline(Report(articles=arts), max_dates=1)]
    assert days == ["2025-03-06"], "March 6: mentioned once and the day two other outlets published"


def test_a_month_in_a_past_clause_is_the_one_gone_by_and_a_deadline_stays_ahead() -> None:
    ref = dt.date(1989, 10, 27)  # a Friday
    got = dict(values("In January, the hospital group brought in a new chief executive.", ref))
    assert got["January"] == "1989-01", "past tense: the January gone by, not the one ahead"
    got = dict(values("Since the buyout firm acquired the chain in February, it has sold four units.", ref))
    assert got["February"] == "1989-02", "without the tense, the nearer February ahead"
    got = dict(
        values("The offer, which had been scheduled to expire Friday evening, was extended to Nov. 16.", ref)
    )
    assert got["Friday evening"] == "1989-10-27", "a plan that is over: the Friday just gone (the day, as AQUAINT)"
    assert got["Nov. 16"] == "1989-11-16", "an end point a few weeks ahead stays ahead"
    got = dict(values("The ambassador said on Tuesday that his country would retaliate.", ref))
    assert got["Tuesday"] == "1989-10-24", "the date goes with 'said', not with the reported 'would'"
    got = dict(values("Steel costs rose under the new labor pact, effective June 1, the union said.", ref))
    assert got["June 1"] == "1990-06-01"
    wed = dt.date(1990, 8, 15)
    assert (
        dict(values("Saddam said he will begin withdrawing troops on Friday.", wed))["Friday"] == "1990-08-17"
    )


def test_results_report_quarters_a_year_earlier_and_quarters_with_their_year() -> None:
    ref = dt.date(1989, 10, 26)
    text = (
        "Harbor Steel said third-quarter net income rose to $87 million from $58 million a year earlier. "
        "Sales in the quarter climbed 12%, and profit for this year's third quarter beat the 1988 period. "
        "In the year-ago quarter the mill was shut, and the company expects a loss in the third quarter of 1990. "
        "Last year's first quarter had been its best."
    )
    got = dict(values(text, ref))
    assert got["third-quarter"] == "1989-Q3" and got["a year earlier"] == "1988-Q3", (
        "the quarter compared with"
    )
    assert got["the quarter"] == "1989-Q3" and got["this year's third quarter"] == "1989-Q3"
    assert got["the 1988 period"] == "1988-Q3" and got["the year-ago quarter"] == "1988-Q3"
    assert got["the third quarter of 1990"] == "1990-Q3" and got["Last year's first quarter"] == "1988-Q1"
    # A fiscal quarter named in the lead is the one the report is about, not the calendar quarter just ended.
    fiscal = values(
        "Sun said first-quarter sales rose 39% from a year earlier; for the quarter it broke even.", ref
    )
    assert dict(fiscal)["a year earlier"] == "1988-Q1" and dict(fiscal)["the quarter"] == "1989-Q1"
    # Without a quarter in sight, "a year ago" is the year.
    assert dict(values("A year ago the town had no bus service at all.", ref))["A year ago"] == "1988"


def test_weekend_night_and_weekday_named_on_its_own_day() -> None:
    mon = dt.date(1990, 8, 13)  # a Monday
    got = dict(
        values(
            "The ambassador said over the weekend that talks had failed. CBS first reported it last night.",
            mon,
        )
    )
    assert got["the weekend"] == "1990-W32-WE" and got["last night"] == "1990-08-12TNI"
    ahead = dict(values("Traders squared positions ahead of the weekend.", dt.date(1989, 10, 27)))  # a Friday
    assert ahead["the weekend"] == "1989-W43-WE"
    wed = dt.date(1989, 11, 1)  # a Wednesday
    assert (
        dict(values("Orkem said last Wednesday that the two were in talks.", wed))["last Wednesday"]
        == "1989-10-25"
    )
    assert dict(values("The board meets next Wednesday.", wed))["next Wednesday"] == "1989-11-08"


def test_the_year_of_a_report_and_years_named_before() -> None:
    ref = dt.date(1989, 11, 2)
    got = dict(
        values(
            "For the year ended Sept. 30, Ralston earned $422.5 million. Sales for the full year were "
            "$6.6 billion, and the company expects a rise for the fiscal year.",
            ref,
        )
    )
    assert got["the year"] == "P1Y", "the year ended Sept. 30: twelve months, not a calendar year"
    assert got["the full year"] == "1989" and got["the fiscal year"] == "1989"
    got = dict(
        values(
            "On May 22, 1995, Farkas was made a general, and the following year he was sent to "
            "Washington. That year the agency also moved.",
            dt.date(1998, 4, 18),
        )
    )
    assert got["the following year"] == "1996" and got["That year"] == "1996"


def test_years_in_words_as_transcripts_write_them() -> None:
    ref = dt.date(1998, 2, 27)
    got = dict(
        values(
            "In nineteen ninety-one Keating was convicted. January nineteen ninety-seven: a bomb in "
            "Atlanta. His promise to halve unemployment by the year two thousand is gone. Oil fell to the "
            "level of the winter of nineteen ninety-four, and two thousand troops left.",
            ref,
        )
    )
    assert got["nineteen ninety-one"] == "1991" and got["January nineteen ninety-seven"] == "1997-01"
    assert got["the year two thousand"] == "2000" and got["the winter of nineteen ninety-four"] == "1994-WI"
    assert "two thousand" not in got, "a number of troops, not a year"


def test_months_after_for_through_and_possessive_and_seasons() -> None:
    ref = dt.date(1989, 10, 30)
    got = dict(
        values(
            "The banks will lend up to $90 million through January. Sales fell this past spring and "
            "in the early summer.",
            ref,
        )
    )
    assert got["January"] == "1990-01", "an end point: the January ahead"
    assert got["this past spring"] == "1989-SP"
    got = dict(
        values(
            "After a revision to December's figures, the job figures for January rose.", dt.date(1998, 2, 6)
        )
    )
    assert got["December"] == "1997-12" and got["January"] == "1998-01"
    assert (
        dict(values("Sales fell this past spring and in the early summer.", ref))["the early summer"]
        == "1989-SU"
    )
    assert dict(values("Last summer the plant closed.", ref))["Last summer"] == "1989-SU"


def test_ages_rates_and_conjunctions_are_not_temporal_expressions() -> None:
    ref = dt.date(1989, 10, 27)
    text = (
        "Mr. Schwarz, 52 years old, will succeed him, and the plan saves $500 million a year. Qantas adds "
        "four flights a week. Trading opens as soon as the threat ends, and the deal closes in the near future."
    )
    got = dict(values(text, ref))
    assert "52 years" not in got and "52 years old" not in got and "a year" not in got and "a week" not in got
    assert "soon" not in got and got["the near future"] == "FUTURE_REF"
    assert dict(values("The talks lasted a year.", ref))["a year"] == "P1Y"


def test_days_and_months_relative_to_the_last_date_named_and_parts_of_a_day() -> None:
    ref = dt.date(1989, 10, 30)
    got = dict(
        values(
            "The index rose on Oct. 12, and the next day its chief resigned. The following month, the "
            "company sold the unit.",
            ref,
        )
    )
    assert got["the next day"] == "1989-10-13" and got["The following month"] == "1989-11"
    got = dict(values("The strike began on March 26, 1996. The union had met the day before.", ref))
    assert got["the day before"] == "1996-03-25"
    got = dict(
        values(
            "Dealers placed heavy orders Friday. In the morning they bought; mid-afternoon yesterday "
            "they sold.",
            ref,
        )
    )
    assert got["the morning"] == "1989-10-27TMO", "the morning of the day just named"
    assert got["mid-afternoon yesterday"] == "1989-10-29TAF"
    assert dict(values("The president arrived later in the day.", ref))["the day"] == "1989-10-30"


def test_extents_take_in_their_modifiers_and_leave_out_prepositions() -> None:
    ref = dt.date(1989, 10, 26)
    text = (
        "Net for the nine months rose, and the plant reopens early next year after nearly two years. "
        "The third-quarter loss narrowed, as in the 1987 results, and the deal closed over the weekend."
    )
    got = dict(values(text, ref))
    assert got["the nine months"] == "P9M" and got["early next year"] == "1990"
    assert got["nearly two years"] == "P2Y" and got["third-quarter"] == "1989-Q3"
    assert got["1987"] == "1987" and got["the weekend"] == "1989-W42-WE"


def test_spans_by_unit_sets_by_unit_and_counted_quarters() -> None:
    ref = dt.date(1989, 10, 27)
    text = (
        "Moscow ruled Ukraine for centuries, and troops may stay for years. Unisys pays interest every "
        "quarter and each month, and the base is leased for at least 20 more years, with an option for an "
        "additional year. Profit fell in the past two quarters; the charge is spread over the next three "
        "quarters. Eight trading days later the index recovered, and over the next couple of years it may "
        "double. Islam will one day be the second religion, and a quarter of the shares changed hands."
    )
    got = dict(values(text, ref))
    assert got["centuries"] == "PXC" and got["years"] == "PXY"
    assert got["every quarter"] == "P1Q" and got["each month"] == "P1M"
    assert got["at least 20 more years"] == "P20Y" and got["an additional year"] == "P1Y"
    assert got["the past two quarters"] == "P2Q" and got["the next three quarters"] == "P3Q"
    assert got["Eight trading days"] == "P8D" and got["the next couple of years"] == "P2Y"
    assert got["one day"] == "FUTURE_REF" and "a quarter" not in got
    got = dict(values("The truce lasted about a decade, the lowest rate for two decades.", ref))
    assert got == {"about a decade": "P10Y", "two decades": "P20Y"}  # decades in years, as both corpora mostly do


def test_decades_with_their_modifier() -> None:
    got = dict(
        values(
            "Prices last rose this fast in the late 1970s and again in the mid-1990s.", dt.date(1998, 2, 6)
        )
    )
    assert got["the late 1970s"] == "197" and got["the mid-1990s"] == "199"


def test_a_span_before_or_after_another_event_is_a_duration_without_its_signal() -> None:
    ref = dt.date(1998, 3, 4)
    got = values("Three days later, the army withdrew. The rebels left a month before the peace deal.", ref)
    assert got == [("Three days", "P3D"), ("a month", "P1M")]
    assert values("Profit rose from $4 million a year earlier.", ref) == [("a year earlier", "1997")]


def test_holidays_resolve_to_their_day_in_the_year_the_tense_points_to() -> None:
    ref = dt.date(1998, 3, 4)
    got = dict(values("Shops closed on Christmas and reopened after New Year's Day.", ref))
    assert got == {"Christmas": "1997-12-25", "New Year's Day": "1998-01-01"}
    assert values("The talks will resume after Easter.", ref) == [("Easter", "1998-04-12")]  # computed
    assert values("He came home for Thanksgiving 1997.", ref) == [("Thanksgiving 1997", "1997-11-27")]
    assert values("Fireworks marked the Lunar New Year.", ref) == []  # a day that moves with the moon


def test_wire_clock_times_days_two_off_and_ends_of_weeks_and_months() -> None:
    ref = dt.date(1998, 3, 4)
    got = dict(values("The blast came at 10:30 a.m. (1530 GMT). The day before yesterday it rained.", ref))
    assert got == {"10:30 a.m.": "1998-03-04T10:30", "1530 GMT": "1998-03-04T15:30",
                   "The day before yesterday": "1998-03-02"}
    assert values("The EU will decide by the end of the week.", ref) == [("the end of the week", "1998-W10")]
    got = dict(values("The panel meets every other year; it was formed in the last decade.", ref))
    assert got == {"every other year": "P2Y", "the last decade": "198"}
    assert values("Approval is expected by year-end.", ref) == [("year-end", "1998")]


def test_scheduled_present_and_end_points_look_ahead_for_weekdays() -> None:
    ref = dt.date(1998, 3, 4)  # a Wednesday
    assert values("The trial opens Monday in Denver.", ref) == [("Monday", "1998-03-09")]
    assert values("Hashimoto leaves for Washington on Thursday.", ref) == [("Thursday", "1998-03-05")]
    assert values("The court is expected to rule by Friday.", ref) == [("Friday", "1998-03-06")]
    assert values("The vote is set for Thursday.", ref) == [("Thursday", "1998-03-05")]
    assert values("Police arrested the suspect Thursday, officials said.", ref) == [("Thursday", "1998-02-26")]
    assert values("The votes cast Monday were counted.", ref) == [("Monday", "1998-03-02")]  # a noun


def test_recurring_weekdays_and_the_year_to_a_month() -> None:
    ref = dt.date(1998, 3, 4)
    got = dict(values("Flights leave on Mondays and Tuesday nights.", ref))
    assert got == {"Mondays": "XXXX-WXX-1", "Tuesday nights": "XXXX-WXX-2TNI"}
    assert values("In the year to March, profit fell.", ref)[0] == ("the year", "P1Y")


def test_british_and_24_hour_clocks_bare_seasons_after_a_preposition_and_fuzzy_spans() -> None:
    ref = dt.date(2009, 5, 18)
    got = dict(values("By 11.30 pm the hotline had 88 calls; at 15:30 it had 120, at 09:00 GMT none.", ref))
    assert got == {"11.30 pm": "2009-05-18T23:30", "15:30": "2009-05-18T15:30", "09:00": "2009-05-18T09:00"}
    assert values("A second wave may come back in winter.", ref) == [("winter", "2008-WI")]
    assert values("Cases have risen since spring.", ref) == [("spring", "2009-SP")]
    assert values("After the fall of Saigon, he left. He found summer jobs in summer camps.", ref) == []
    got = dict(values("He has lived here for many years. Next day he left, to return as soon as possible.", ref))
    assert got == {"many years": "PXY", "Next day": "2009-05-19", "as soon as possible": "FUTURE_REF"}


def test_end_points_follow_a_look_ahead_verb_and_this_weekday_is_this_week() -> None:
    ref = dt.date(1998, 2, 13)  # a Friday
    assert values("Qantas will double its flights by August.", ref) == [("August", "1998-08")]
    assert values("The loans ran through August.", ref) == [("August", "1997-08")]
    ref = dt.date(1998, 3, 4)  # a Wednesday
    assert values("The rally is this coming Sunday.", ref) == [("this coming Sunday", "1998-03-08")]
    got = dict(values("The bill passed this Monday and goes to the Senate this Friday.", ref))
    assert got == {"this Monday": "1998-03-02", "this Friday": "1998-03-06"}


def test_clock_times_take_the_day_beside_them_and_deadlines_are_ahead() -> None:
    ref = dt.date(1998, 3, 4)  # a Wednesday
    got = values("The blasts went off about 10:30 a.m. (0730 GMT) Friday near the embassies.", ref)
    assert got == [("about 10:30 a.m.", "1998-02-27T10:30"), ("0730 GMT", "1998-02-27T07:30"), ("Friday", "1998-02-27")]
    got = values("He spoke Friday at 10:30 a.m. and again at 3 p.m.", ref)
    assert got[1] == ("10:30 a.m.", "1998-02-27T10:30") and got[2] == ("3 p.m.", "1998-03-04T15:00")
    got = values("The department gave the relatives until 2 p.m. Thursday to hand over the boy.", ref)
    assert got == [("2 p.m. Thursday", "1998-03-05T14:00")]
    assert values("The offer, which had run until Friday, was dropped.", ref) == [("Friday", "1998-02-27")]


def test_sets_as_timeml_1_2_writes_them_and_holiday_weeks() -> None:
    ref = dt.date(2000, 4, 17)
    got = dict(values("Rallies were held almost daily, and the weekly radio address aired; fees rise annually.", ref))
    assert got == {"daily": "P1D", "weekly": "P1W", "annually": "P1Y"}
    assert values("Protesters prayed as Easter week began.", ref) == [("Easter week", "2000-W16")]
    got = values("Protesters planned a rally on Saturday and were planning to march on Monday.", dt.date(2000, 1, 7))
    assert got == [("Saturday", "2000-01-08"), ("Monday", "2000-01-10")]  # "were planning": ahead


def test_newspapers_names_and_discourse_now_are_not_times_and_ranges_name_their_second_day() -> None:
    ref = dt.date(2000, 1, 28)
    text = "The Communist Party daily Granma said so on CBS's 60 Minutes. Now, he says, it is over."
    assert values(text, ref) == []
    assert values("Now the court must rule.", ref) == [("Now", "PRESENT_REF")]
    assert values("It matters in today's world.", ref) == []
    got = values("The summit on April 24 and 25 follows the October slaying and a June agreement.", dt.date(1999, 2, 10))
    assert got == [("April 24", "1999-04-24"), ("25", "1999-04-25"), ("October", "1998-10"), ("June", "1998-06")]
    got = dict(values("He fought Spain in 1898, met at midday before Election Day, after their third day-long meeting.", ref))
    assert got == {"1898": "1898", "midday": "2000-01-28T12:00", "Election Day": "1999-11-02", "day-long": "P1D"}


def test_a_month_of_that_year_names_in_a_name_and_the_last_week_of_something() -> None:
    ref = dt.date(2016, 4, 20)
    got = values("Clinton won in 1992. The primaries ended in early June of that year.", ref)
    assert got == [("1992", "1992"), ("early June", "1992-06"), ("that year", "1992")]
    assert values("He writes for Washington Monthly.", ref) == []
    assert values("In the last week of the race he lost; last week he won.", ref) == [("last week", "2016-W15")]
    got = values("Carson spoke on May 11. His next speech, on May 28, was delivered in Abilene.", dt.date(2015, 12, 15))
    assert got == [("May 11", "2015-05-11"), ("May 28", "2015-05-28")]  # "next speech" says nothing of tense


def test_capitalised_time_words_inside_names_and_an_infinitive_meet() -> None:
    ref = dt.date(2016, 3, 3)
    assert values("In a USA TODAY poll and on Current TV, he spoke.", ref) == []
    assert values("Current officials said so. Today he left.", ref) == [("Current", "PRESENT_REF"), ("Today", "2016-03-03")]
    got = values("He has cooperated since last summer, including offering in August to meet with agents.", ref)
    assert got == [("last summer", "2015-SU"), ("August", "2015-08")]


def test_the_nth_weekday_of_a_month_and_a_weekday_the_text_does_not_fix() -> None:
    ref = dt.date(2016, 1, 20)
    got = values("At 2 p.m. on the last Friday in August, the board met.", ref)
    assert got == [("2 p.m. on the last Friday in August", "2015-08-28T14:00")]
    assert values("The vote is on the first Tuesday of November 2016.", ref)[0][1] == "2016-11-01"
    assert values("One Sunday in late 2001, she called.", ref) == [("late 2001", "2001")]


def test_day_month_after_its_weekday_local_clock_times_and_capitalised_day_words() -> None:
    ref = dt.date(2009, 5, 5)
    assert values("Posted 09:53 AM, Thursday, 21 May 2009.", ref) == [
        ("09:53 AM, Thursday, 21 May 2009", "2009-05-21T09:53")
    ]
    assert values("The plane landed at 1300 local time.", ref) == [("1300 local time", "2009-05-05T13:00")]
    assert values("Exams run into June.", ref) == [("June", "2009-06")]
    assert values("He told Radio 4's Today programme so.", ref) == []
    assert values("two per day\nYesterday the office was empty", ref) == [("Yesterday", "2009-05-04")]


def test_ages_in_months_and_a_paper_s_weekday_edition_are_not_times() -> None:
    ref = dt.date(2009, 3, 30)
    assert values("Vaccinate children aged 6 months to 18 years.", ref) == []
    assert values("We share the Sunday New York Times.", ref) == []
    assert values("The vote is on the Sunday after Easter.", ref)[0][0] == "Sunday"


def test_a_school_year_is_no_span_and_come_the_autumn_looks_ahead() -> None:
    ref = dt.date(2009, 5, 12)
    assert values("Earlier today, a year seven pupil fell ill.", ref) == [("Earlier today", "2009-05-12")]
    assert values("But come the autumn it will spread.", ref) == [("the autumn", "2009-FA")]
    assert values("It took a year.", ref) == [("a year", "P1Y")]


def test_a_while_is_a_span_of_no_stated_length() -> None:
    assert values("They will live without power for a while.", dt.date(1998, 1, 11)) == [("a while", "PXX")]
    assert values("The lights went out while he slept.", dt.date(1998, 1, 11)) == []


def test_halves_of_a_unit_and_a_quarter_century_are_spans() -> None:
    ref = dt.date(2003, 6, 4)
    assert values("Building the bridge took two and a half years.", ref) == [("two and a half years", "P2Y6M")]
    assert values("The hearing lasted one and a half hours.", ref) == [("one and a half hours", "PT1H30M")]
    assert values("Guests queued for half an hour.", ref) == [("half an hour", "PT30M")]
    assert values("A half-hour passed in silence.", ref) == [("A half-hour", "PT30M")]
    assert values("The region has known peace for half a century.", ref) == [("half a century", "P50Y")]
    assert values("The dynasty ruled for a quarter century.", ref) == [("a quarter century", "P25Y")]
    assert values("In the first half year, sales rose.", ref) == []  # a half of the year, not half a year


def test_decades_ago_and_apostrophe_decades_are_dates() -> None:
    ref = dt.date(2003, 6, 4)
    assert values("A decade ago, the harbour was empty.", ref) == [("A decade ago", "199")]
    assert values("Two centuries ago the town was a village.", ref) == [("Two centuries ago", "18")]
    assert values("The band was famous in the late '70s.", ref) == [("the late '70s", "197")]


def test_a_weekday_s_relative_word_at_the_start_of_a_sentence() -> None:
    ref = dt.date(2003, 6, 4)  # a Wednesday
    assert values("Next Monday, the council votes.", ref) == [("Next Monday", "2003-06-09")]
    assert values("Last Friday the mayor resigned.", ref) == [("Last Friday", "2003-05-30")]
    assert values("On Tuesday the mayor resigned.", ref) == [("Tuesday", "2003-06-03")]


def test_that_week_and_the_following_week_count_from_the_last_day_named() -> None:
    ref = dt.date(2003, 6, 4)
    text = "The strike began on March 3. That week, trains stood still. The following week, buses stopped too."
    assert values(text, ref) == [("March 3", "2003-03-03"), ("That week", "2003-W10"), ("The following week", "2003-W11")]
    assert values("Repairs will be finished in the next week.", ref) == [("next week", "2003-W24")]


def test_bare_units_counted_from_an_event() -> None:
    ref = dt.date(2003, 6, 4)
    assert values("Minutes later, the roof collapsed.", ref) == [("Minutes", "PTXM")]
    assert values("The truce ended just weeks after it was signed.", ref) == [("just weeks", "PXW")]
    assert values("The fire started hours ago.", ref) == [("hours ago", "PAST_REF")]
    assert values("In the days before the storm, shops emptied.", ref) == []  # a time told by the event


def test_a_day_judged_is_the_day_the_text_is_about() -> None:
    ref = dt.date(2003, 6, 4)
    text = "The treaty was signed on Tuesday. \"This is a historic day for the region,\" the minister said."
    assert values(text, ref) == [("Tuesday", "2003-06-03"), ("day", "2003-06-03")]
    assert values("Today is a sad day for the club.", ref) == [("Today", "2003-06-04")]
    assert values("It was a great day's work.", ref) == []


def test_the_previous_and_the_following_weekday_count_from_the_last_day_named() -> None:
    ref = dt.date(2003, 6, 4)  # a Wednesday
    text = "The fund closed at 812 on Friday, up 3% from the previous Friday."
    assert values(text, ref) == [("Friday", "2003-05-30"), ("the previous Friday", "2003-05-23")]
    text = "She was detained on March 3 and released the following Monday."
    assert values(text, ref) == [("March 3", "2003-03-03"), ("the following Monday", "2003-03-10")]


def test_the_current_fiscal_year_and_a_span_or_so_ago() -> None:
    ref = dt.date(2003, 6, 4)
    assert values("Sales in the current fiscal year will grow.", ref) == [("the current fiscal year", "2003")]
    assert values("A month or so ago, the plant closed.", ref) == [("A month or so ago", "2003-05")]


def test_the_week_of_a_day_is_that_day_s_week() -> None:
    ref = dt.date(2003, 6, 4)
    assert values("The court set the trial for the week of June 16.", ref) == [("the week of June 16", "2003-W25")]


def test_a_fraction_in_quarters_is_no_span_and_the_last_24_hours_is_a_day() -> None:
    ref = dt.date(2003, 6, 4)
    assert values("The region buys nearly three-quarters of its grain abroad.", ref) == []
    assert values("Exports grew in the first three quarters of 2002.", ref) == [
        ("the first three quarters", "P3Q"),
        ("2002", "2002"),
    ]
    assert values("Rain fell over the past 24 hours.", ref) == [("the past 24 hours", "P1D")]
    assert values("The strike lasted 24 hours.", ref) == [("24 hours", "PT24H")]
