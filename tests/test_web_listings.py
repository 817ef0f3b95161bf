"""The list pages keep what they read of the whole store (story rows, outlets, article order) until the store
changes, and show any change at once: a write by another process, an upload through the server."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_report import art, sample_store

from storylens.model import Story
from storylens.store import open_store
from storylens.web import create_app
from storylens.web.listings import ChangeWatch, Listings
from storylens.web.queries import filter_article_ids

LIST_PAGES = ("/", "/?q=bridge", "/?sort=recent&outlet=Bay+Daily", "/api/v1/stories", "/api/v1/stories?q=quotas",
              "/api/v1/articles", "/api/v1/articles?outlet=Coast+Wire", "/api/v1/search?q=bridge")


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "web.db")
    sample_store(path).close()
    return path


def test_list_pages_read_the_store_once_until_another_process_writes(db: str) -> None:
    client = TestClient(create_app(db))
    listings: Listings = client.app.state.listings
    first = {url: client.get(url).text for url in LIST_PAGES}
    for _ in range(3):
        for url in LIST_PAGES:
            assert client.get(url).text == first[url], url
    assert listings.reads == {"story_rows": 1, "outlets": 1, "article_index": 1}
    assert client.get("/api/v1/articles").json()["total"] == 4

    # another process adds an article and a story: every list shows them on the next request
    other = open_store(db)
    other.add_articles([art("e", "Lighthouse Gazette", "Lighthouse relit after forty years",
                            ["The old lighthouse on the point was lit again on Saturday after forty years dark."], 6)])
    other.put_stories([Story(id="s3", title="Lighthouse relit", article_ids=["e"], outlets=["Lighthouse Gazette"],
                             activity={"2026-03-06": 1}, first_published=dt.date(2026, 3, 6),
                             last_published=dt.date(2026, 3, 6))])
    other.close()
    html = client.get("/").text
    assert "Lighthouse relit" in html and "Lighthouse Gazette" in html  # the story, and the outlet filter's list
    stories = client.get("/api/v1/stories").json()
    assert stories["total"] == 3 and "s3" in [i["id"] for i in stories["items"]]
    articles = client.get("/api/v1/articles").json()
    assert articles["total"] == 5 and articles["items"][-1]["id"] == "e"  # newest last, in publication order
    assert [i["id"] for i in client.get("/api/v1/articles", params={"outlet": "lighthouse gazette"}).json()["items"]] \
        == ["e"]
    assert listings.reads == {"story_rows": 2, "outlets": 2, "article_index": 2}

    # a story changed in place (same counts) is seen too
    other = open_store(db)
    other.put_stories([Story(id="s3", title="Lighthouse relit at last", article_ids=["e"],
                             outlets=["Lighthouse Gazette"], activity={"2026-03-06": 1},
                             first_published=dt.date(2026, 3, 6), last_published=dt.date(2026, 3, 6))])
    other.close()
    assert "Lighthouse relit at last" in client.get("/").text


def test_an_upload_through_the_server_is_listed_at_once(db: str) -> None:
    client = TestClient(create_app(db))
    assert client.get("/api/v1/articles").json()["total"] == 4
    text = (b"Ferry timetable published\n\nThe ferry operator published its first timetable on Wednesday, with boats "
            b"every twenty minutes from six in the morning.\n\nTickets will cost the same as a single bus fare, the "
            b"operator said, and monthly passes will be accepted on board.\n")
    job = client.post("/api/v1/ingest?wait=true", files=[("files", ("ferry.txt", text, "text/plain"))]).json()
    assert job["status"] == "done" and len(job["added"]) == 1
    listed = client.get("/api/v1/articles", params={"per_page": 100}).json()
    assert listed["total"] == 5 and job["added"][0] in [i["id"] for i in listed["items"]]
    assert client.get("/api/v1/stories").json()["total"] == 3  # the stages gave the new article a story of its own


def test_article_filters_give_what_reading_every_article_gives(db: str) -> None:
    store = open_store(db)
    try:
        everything = sorted(store.iter_articles(), key=lambda a: (a.published is None, str(a.published), a.id))
        days = [None, dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 5)]
        for q, outlet, d_from, d_to in itertools.product([None, "", "bridge", "quotas", "nothing-matches"],
                                                         [None, "Bay Daily", "coast wire", "Nowhere"], days, days):
            got = filter_article_ids(store, q, outlet, d_from, d_to)
            want = [a.id for a in (store.get_articles(store.search(q)) if q else everything)
                    if (not outlet or (a.outlet or "").lower() == outlet.lower())
                    and (d_from is None or (a.published_date() or dt.date.min) >= d_from)
                    and (d_to is None or (a.published_date() or dt.date.max) <= d_to)
                    and (a.published_date() is not None or (d_from is None and d_to is None))]
            assert got == want, (q, outlet, d_from, d_to)
    finally:
        store.close()


def test_nothing_is_kept_where_the_store_cannot_say_it_changed(db: str) -> None:
    assert ChangeWatch(":memory:").token() is None
    assert ChangeWatch("postgresql://user:secret@127.0.0.1:1/none").token() is None  # never connects
    watch = ChangeWatch(db)
    before = watch.token()
    assert before is not None and watch.token() == before
    store = open_store(db)
    store.get_stories()  # opening and reading change nothing
    assert watch.token() == before
    store.put_state("x", {"y": 1})
    store.close()
    assert watch.token() != before

    listings = Listings(":memory:")
    mem = sample_store()
    assert [r.story.id for r in listings.story_rows(mem)] == ["s1", "s2"]
    listings.story_rows(mem)
    assert listings.reads["story_rows"] == 2
