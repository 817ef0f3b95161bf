"""Cross-document furniture: lines repeated across an outlet's pages leave the body; shared quotes stay."""

from __future__ import annotations

from storylens.extract import crossdoc
from storylens.extract.crossdoc import RULE, line_key, refine_outlet, update
from storylens.model import Article, RemovedLine
from storylens.store import open_store

PROMO = "Sign up for the Morning Briefing to get our best stories every day."
DISCLAIMER = ("The views expressed in this column are those of the author and do not necessarily reflect "
              "the position of the newspaper or its owners.")
QUOTE = ('"We will keep talking until there is an agreement that works for everyone," the minister told '
         'reporters outside the ministry on Tuesday evening.')


TOPICS = ["harbour", "railway", "budget", "school", "election", "hospital", "bridge", "museum", "airport", "river",
          "library", "stadium"]
ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"]


def _para(topic: str, k: int) -> str:
    return (f"{ORDINALS[k]} paragraph about the {topic} explains what happened in detail, who was involved, and why the "
            f"decision on {topic} matters to readers in the region this week.")


def _article(i: int, outlet: str | None, *, promo: bool = True, quote: bool = False,
             furniture: list[str] | None = None) -> Article:
    topic = TOPICS[i]
    body = [_para(topic, k) for k in range(6)]
    if quote:
        body.insert(3, QUOTE)
    if promo:
        body.append(PROMO)
        body.append(DISCLAIMER)
    removed = [RemovedLine(text=t, kind="furniture", rule="text.after-body") for t in (furniture or [])]
    return Article(id=f"a{i}", content_hash=f"h{i}", outlet=outlet, body=body, furniture=list(furniture or []),
                   removed=removed)


def test_line_key_ignores_case_spacing_digits() -> None:
    assert line_key("Updated 3 hours ago") == line_key("updated   12 HOURS ago!")
    assert line_key("Subscribe now") != line_key("Subscribe later")


def test_repeated_lines_leave_the_body() -> None:
    arts = [_article(i, "example.com") for i in range(4)]
    out = refine_outlet(arts)
    for a in out:
        assert PROMO not in a.body and DISCLAIMER not in a.body
        assert PROMO in a.furniture
        assert len(a.body) == 6
        assert sum(1 for r in a.removed if r.rule == RULE) == 2


def test_two_pages_are_not_enough() -> None:
    arts = [_article(i, "example.com") for i in range(2)]
    assert refine_outlet(arts) == arts


def test_shared_quote_in_the_middle_stays() -> None:
    # three of ten pages quote the same sentence, mid-body: a story's shared quote, not furniture
    arts = [_article(i, "example.com", promo=False, quote=i < 3) for i in range(10)]
    out = refine_outlet(arts)
    assert all(QUOTE in a.body for a in out[:3])
    assert out == arts


def test_outlets_are_kept_apart() -> None:
    arts = [_article(i, f"site{i}.example") for i in range(5)]
    assert refine_outlet(arts) == arts


def test_unknown_outlets_grouped_by_furniture_signature() -> None:
    sig = ["Most Read Stories Today", "Weather and Traffic Updates"]
    arts = [_article(i, None, furniture=sig) for i in range(3)] + [_article(9, None, furniture=["Other Site Menu"])]
    out = refine_outlet(arts)
    assert all(PROMO not in a.body for a in out[:3])
    assert PROMO in out[3].body  # a page of another site (different signature) is untouched


def test_update_is_incremental_and_fixes_older_pages() -> None:
    store = open_store(":memory:")
    try:
        first = [_article(i, "example.com") for i in range(2)]
        store.add_articles(first)
        update(store, first)
        assert all(PROMO in a.body for a in store.iter_articles(outlet="example.com"))
        third = [_article(2, "example.com")]
        store.add_articles(third)
        update(store, third)
        stored = list(store.iter_articles(outlet="example.com"))
        assert len(stored) == 3
        assert all(PROMO not in a.body and len(a.body) == 6 for a in stored)
        state = store.get_state(crossdoc.STATE_PREFIX + "outlet:example.com")
        assert state["n"] == 3 and state["counts"][line_key(PROMO)] == 3
        # running the stage again on a new page keeps counts consistent and the old pages clean
        fourth = [_article(3, "example.com")]
        store.add_articles(fourth)
        update(store, fourth)
        assert store.get_state(crossdoc.STATE_PREFIX + "outlet:example.com")["n"] == 4
        got = store.get_article("a3")
        assert got is not None and PROMO not in got.body
    finally:
        store.close()


def test_numbers_and_one_word_labels_are_never_crossdoc_furniture() -> None:
    arts = []
    for i in range(5):
        a = _article(i, "reviews.example", promo=False)
        a = a.model_copy(update={"body": [*a.body[:3], "Pros", "$12.99", "1.", *a.body[3:]]})
        arts.append(a)
    out = refine_outlet(arts)
    assert all({"Pros", "$12.99", "1."} <= set(a.body) for a in out)


def test_update_groups_outletless_pages_by_signature() -> None:
    store = open_store(":memory:")
    try:
        sig = ["Most Read Stories Today", "Weather and Traffic Updates"]
        pages = [_article(i, None, furniture=sig) for i in range(3)]
        other = [_article(7, None, furniture=["A Different Site Menu Line"])]
        for batch in ([pages[0]], [pages[1], other[0]], [pages[2]]):
            store.add_articles(batch)
            update(store, batch)
        got = {a.id: a for a in store.iter_articles()}
        assert all(PROMO not in got[f"a{i}"].body for i in range(3))
        assert PROMO in got["a7"].body
    finally:
        store.close()


NOTE = "Readers can send their questions about this story to the newsroom by email."


def test_a_runs_pages_are_refined_with_the_whole_runs_counts_however_it_is_cut(tmp_path) -> None:  # noqa: ANN001
    """A mid-body sentence on 6 of an outlet's 12 pages is furniture only once it is on five pages: counted
    round by round, the pages of the first round (three of them) kept it. The run counts every page first."""
    import json
    import random

    from storylens.pipeline import ingest

    records = []
    for i, topic in enumerate(TOPICS):
        body = [_para(topic, k) for k in range(6)]
        if i < 6:
            body.insert(3, NOTE)
        records.append({"id": f"p{i}", "outlet": "Harbour Gazette", "title": f"The {topic} decision",
                        "published": f"2025-03-{i + 1:02d}", "text": "\n\n".join(body)})
    bodies = []
    for name, order, size in (("one", records, 1000), ("rounds", random.Random(5).sample(records, len(records)), 3)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in order), encoding="utf-8")
        with open_store(str(tmp_path / f"{name}.db")) as st:
            ingest([path], st, round_size=size)
            arts = sorted(st.iter_articles(), key=lambda a: a.id)
            bodies.append([(a.id, a.body) for a in arts])
            assert len(arts) == 12 and not any(NOTE in a.body for a in arts)
            assert sum(NOTE in a.furniture for a in arts) == 6
    assert bodies[0] == bodies[1]
