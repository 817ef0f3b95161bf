"""Plain-text extraction: the seed articles, and invented texts in other formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storylens.extract.text import extract_text

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "seeds"


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("shared/corpora/seeds not available")
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"seed {prefix} missing")
    return files[0].read_text(encoding="utf-8")


def _non_empty_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


# ------------------------------------------------------------------ seeds


@pytest.mark.parametrize("prefix", ["002", "004"])
def test_seed_link_lists_leave_the_body(prefix: str) -> None:
    text = _seed(prefix)
    art = extract_text(text)
    body = "\n".join(art.body)
    assert "RANKING" not in body and "POPULAR" not in body
    assert all(p != "-" for p in art.body)
    # every line of the ranking blocks is recorded as furniture with a rule
    lines = _non_empty_lines(text)
    start = next(i for i, ln in enumerate(lines) if "POPULAR ARTICLE" in ln)
    block = lines[start:]
    removed = {r.text: r for r in art.removed}
    for ln in block:
        assert ln in removed, ln
        assert removed[ln].kind == "furniture"
        assert removed[ln].rule.startswith("text.")
    assert "JN ACCESS RANKING" in art.furniture
    # the body keeps every article paragraph
    assert len(art.body) == (10 if prefix == "002" else 12)
    assert art.body[-1] == lines[start - 1]


def test_seed_002_title_caption_and_dateline() -> None:
    art = extract_text(_seed("002"))
    assert art.title is not None and art.title.startswith("Ishiba, Trump Expected to Hold 1st Summit Talks")
    assert art.published == dt.datetime(2025, 2, 1, 13, 58, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert art.published_from == "text"
    assert art.captions == ["Prime Minister’s Office in Chiyoda Ward, Tokyo"]
    assert art.body[0].startswith("Prime Minister Shigeru Ishiba and U.S. President Donald Trump")


def test_seed_004_title_caption_and_dateline() -> None:
    art = extract_text(_seed("004"))
    assert art.title == "Ishiba, Headed to White House, Aims to Convince Trump of Need for Strong Alliance"
    assert isinstance(art.published, dt.datetime)
    assert art.published.date() == dt.date(2025, 2, 7)
    assert art.published.utcoffset() == dt.timedelta(hours=9)
    assert len(art.captions) == 1 and art.captions[0].startswith("Prime Minister Shigeru Ishiba, right,")
    assert not any(c in art.body for c in art.captions)


def test_seed_003_comment_section() -> None:
    art = extract_text(_seed("003"))
    assert len(art.comments) == 11
    assert [c.position for c in art.comments] == list(range(11))
    assert art.comments[0].author == "Karamba"
    assert art.comments[5].author == "Eugene Alta"
    assert art.comments[-1].author == "Loubianka"
    assert all(c.text and c.author for c in art.comments)
    assert len(art.body) == 10
    body = "\n".join(art.body)
    assert "Comments" not in body and "Karamba" not in body
    assert not any(c.text in body for c in art.comments)
    kinds = {r.kind for r in art.removed}
    assert {"comment_header", "comment_author", "comment"} <= kinds


def test_seed_000_byline_and_caption() -> None:
    art = extract_text(_seed("000"))
    assert art.authors == ["Shino Matsuyama", "Taro Kotegawa"]
    assert art.byline and "Shino Matsuyama" in art.byline
    assert len(art.captions) == 1 and art.captions[0].startswith("Photo/")
    assert len(art.body) == 15
    assert not any("written by" in p for p in art.body)
    assert art.title is None


def test_seed_001_keeps_every_paragraph() -> None:
    text = _seed("001")
    art = extract_text(text)
    assert art.body == _non_empty_lines(text)
    assert art.title is None
    assert art.furniture == [] and art.removed == []


# ------------------------------------------------------------------ invented formats

_US_STYLE = """\
Local News | Sports | Weather | Opinion
City Council Approves New Budget After Long Debate
By Jane Doe and Robert Q. Public
Updated 10:42 a.m. EST, March 3, 2024
Share on Facebook
The city council voted 7-2 on Tuesday night to approve a budget that raises spending on road repairs by \
12 percent, ending a debate that lasted more than six hours.
Council members who opposed the plan said it relied on optimistic revenue forecasts and would force cuts \
next year if sales tax receipts fell short.
"We have put off these repairs for a decade, and residents are tired of waiting," the council president said \
after the vote.
The budget takes effect on July 1. The mayor is expected to sign it later this week.
Related:
Mayor Names New Transportation Chief
School Board Delays Vote on Bus Routes
Five Things to Know About the Tax Plan
12 comments
civicminded
Finally some action on the potholes on Elm Street.
Reply
Like
Pat R.
I wish they had explained where the money for the pension fund will come from.
Reply
3 likes
© 2024 Example Daily Herald. All rights reserved.
"""


def test_invented_us_style_article() -> None:
    art = extract_text(_US_STYLE)
    assert art.title == "City Council Approves New Budget After Long Debate"
    assert art.authors == ["Jane Doe", "Robert Q. Public"]
    assert art.published == dt.datetime(2024, 3, 3, 10, 42, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert len(art.body) == 4
    assert art.body[0].startswith("The city council voted 7-2")
    assert art.body[-1].startswith("The budget takes effect")
    assert "School Board Delays Vote on Bus Routes" in art.furniture
    assert [c.author for c in art.comments] == ["civicminded", "Pat R."]
    assert art.comments[1].text.startswith("I wish they had explained")
    rules = {r.text: r.rule for r in art.removed}
    assert rules["Share on Facebook"] == "text.boilerplate-phrase"
    assert rules["Reply"] == "text.comment-noise"
    assert rules["Related:"] == "text.list-header"
    assert not any(p in ("Reply", "Like") for p in art.body)


_BULLET_SITE = """\
WORLD EDITION
Home • World • Business • Tech

Storm Leaves Thousands Without Power Along the Coast

Photo: Fallen trees block a road near the harbour on Sunday. (Maria Lopez/Example Agency)
Sunday 17 March 2024 08:15 GMT

Tens of thousands of homes were without electricity on Sunday after a storm with gusts of more than \
100 kilometres an hour swept across the coast overnight.

Engineers worked through the morning to restore lines, and the utility said most customers should be \
reconnected by Monday evening.

Emergency services reported dozens of fallen trees but no serious injuries.

Most read
•
Train Strike Called Off After Late-Night Talks
•
Museum Returns Stolen Painting to Owners
•
Why Rents Keep Rising in Small Towns
Sign up for our morning newsletter
"""


def test_invented_bullet_separated_ranking_and_caption() -> None:
    art = extract_text(_BULLET_SITE)
    assert art.title == "Storm Leaves Thousands Without Power Along the Coast"
    assert art.published == dt.datetime(2024, 3, 17, 8, 15, tzinfo=dt.timezone.utc)
    assert len(art.body) == 3
    assert art.captions and art.captions[0].startswith("Photo: Fallen trees")
    assert "Museum Returns Stolen Painting to Owners" in art.furniture
    assert "Most read" in art.furniture
    by_text = {r.text: r for r in art.removed}
    assert by_text["Museum Returns Stolen Painting to Owners"].rule == "text.separator-list"
    assert by_text["Sign up for our morning newsletter"].kind == "boilerplate"
    assert 0.0 < art.confidence <= 1.0


def test_hard_wrapped_text_is_unwrapped() -> None:
    para = ("The committee met again on Thursday to review the findings of the inquiry, which had taken "
            "almost two years and heard from more than three hundred witnesses across the region. ")
    text = "\n\n".join(para * 2 for _ in range(4))
    import textwrap

    wrapped = "\n\n".join(textwrap.fill(p, 72) for p in text.split("\n\n"))
    art = extract_text(wrapped)
    assert len(art.body) == 4
    assert all(p.startswith("The committee met") and p.endswith("region.") for p in art.body)


def test_empty_and_junk_inputs() -> None:
    assert extract_text("").body == []
    assert extract_text("\n\n   \n").confidence == 0.0
    art = extract_text("Home\nAbout\nContact\n")
    assert art.body == []
    assert len(art.removed) == 3


_BLOG = """\
Home
Recipes
Travel
How We Planted a Vegetable Garden on a Tiny Balcony
Last spring we decided to grow our own vegetables on a balcony that gets only five hours of sun a day, \
and the results surprised us more than we expected.
We started with tomatoes, lettuce and herbs in recycled containers, and we watered them every morning \
before work so the soil never dried out completely.
By August the tomatoes were climbing the railing and we had more basil than we could possibly eat.
Next year we want to try peppers and a small trellis for beans along the wall.
Maria Santos is a freelance writer who covers urban gardening and small-space living for several magazines.
Susan
2 days ago
We did the same thing last year and the lettuce bolted in July. Any tips on keeping it cool?
Reply
Tom K
1 week ago
Great post, thanks for sharing your container sizes and the watering routine.
Reply
"""


def test_invented_blog_with_timestamp_comments_and_author_bio() -> None:
    art = extract_text(_BLOG)
    assert art.title == "How We Planted a Vegetable Garden on a Tiny Balcony"
    assert len(art.body) == 4
    assert art.body[-1].startswith("Next year we want")
    assert [c.author for c in art.comments] == ["Susan", "Tom K"]
    assert art.comments[0].text.startswith("We did the same thing")
    rules = {r.text: r.rule for r in art.removed}
    assert rules["2 days ago"] == "text.comment-noise"
    assert rules[next(t for t in rules if t.startswith("Maria Santos"))] == "text.author-bio"
    assert rules["Recipes"] == "text.before-body"


def test_published_beats_updated_and_line_kinds() -> None:
    from storylens.extract.text import line_kinds

    text = ("Menu\n\nBridge Reopens After Two Years of Repairs\n"
            "Updated: April 2, 2024 09:00 UTC\nPublished: March 30, 2024\n\n"
            + "\n\n".join("The bridge reopened to traffic on Saturday morning after repairs that took two years "
                          f"and cost more than expected, officials said in statement number {k}." for k in range(3)))
    art = extract_text(text)
    assert art.published == dt.date(2024, 3, 30)
    kinds = line_kinds(text)
    assert kinds[0] == "boilerplate" and kinds[1] is None
    assert kinds[2] == "title"
    assert kinds[3] == "dateline" and kinds[4] == "dateline"
    assert [k for k in kinds[5:] if k is not None] == ["body"] * 3


def test_japanese_text_keeps_its_body() -> None:
    """Scripts written without spaces must not look like short furniture lines."""
    text = (
        "港の新しい橋、建設始まる\n\n"
        "東京都で新しい橋の建設が始まった。\n\n"
        "市によると、工事は三年かかる見込みだという。関係者は安全対策を強化すると述べた。\n\n"
        "住民からは期待の声が上がっている。\n"
    )
    art = extract_text(text)
    assert len(art.body) == 3
    assert art.body[0].startswith("東京都")


@pytest.mark.parametrize(
    ("line", "offset_hours"),
    [("14:20 GMT+1, March 3, 2026", 1.0), ("09:12 UTC+05:30, March 4, 2026", 5.5), ("13:58 JST, February 1, 2025", 9.0)],
)
def test_dateline_zone_offsets_are_kept(line: str, offset_hours: float) -> None:
    art = extract_text(f"Harbour talks resume\n\n{line}\nTalks between the port and the union resumed on Tuesday after a week.\n")
    assert isinstance(art.published, dt.datetime)
    assert art.published.utcoffset() == dt.timedelta(hours=offset_hours)
