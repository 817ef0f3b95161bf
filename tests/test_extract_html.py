"""HTML extraction: metadata, captions, comments, furniture and removed-line rules."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
from pathlib import Path

import pytest

from storylens.extract.html import clean_name, extract_html
from storylens.extract.html_meta import parse_text_date, strip_site_name

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "wcxb-dev-articles"

PARAS = [
    "The harbour authority approved a new timetable for the evening ferries on Tuesday after a long "
    "consultation with residents of the three island villages that depend on the crossing.",
    "Under the plan, the last boat will leave the mainland pier forty minutes later than it does now, "
    "which commuters had asked for since the winter schedule was cut two years ago.",
    "The operator said the change would need two more crew members per shift and that fares would stay "
    "the same until at least the end of next year, according to a statement released after the vote.",
    "Several councillors said they would watch whether the later sailings are used before agreeing to "
    "make the timetable permanent, and a review is planned for the spring.",
]


def page(head: str = "", before: str = "", after: str = "", title: str = "Late ferries approved",
         body_extra: str = "") -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>{title}</h1>
{before}
{paras}
{body_extra}
</article>
{after}
</main>
<footer><p>Copyright Island Gazette. All rights reserved.</p></footer>
</body></html>"""


def test_title_site_suffix_removed_and_outlet_from_og_site_name() -> None:
    html = page(head='<title>Late ferries approved | Island Gazette</title>'
                     '<meta property="og:site_name" content="Island Gazette">'
                     '<meta property="og:title" content="Late ferries approved - Island Gazette">',
                title="Late ferries approved")
    art = extract_html(html, url="https://www.islandgazette.example/news/ferries")
    assert art.title == "Late ferries approved"
    assert art.outlet == "Island Gazette"
    assert art.id == "" and art.content_hash == ""
    # the headline is not part of the body
    assert all(line != "Late ferries approved" for line in art.body)


def test_title_from_meta_when_page_has_no_h1() -> None:
    html = page(head="<title>Council delays harbour vote – Island Gazette</title>"
                     '<meta property="og:site_name" content="Island Gazette">', title="")
    html = html.replace("<h1></h1>", "")
    art = extract_html(html)
    assert art.title == "Council delays harbour vote"
    assert art.title_from == "title"


def test_strip_site_name_uses_host_when_no_site_name() -> None:
    assert strip_site_name("Late ferries approved | Islandgazette", [], "www.islandgazette.example") == \
        "Late ferries approved"
    # a separator inside the headline itself survives when neither side is the site
    assert strip_site_name("Ferries: late boats - what changes for commuters and residents of the islands",
                           [], None) == "Ferries: late boats - what changes for commuters and residents of the islands"


def test_jsonld_date_author_publisher() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "Island Gazette"},
            {"@type": "NewsArticle", "headline": "Late ferries approved",
             "datePublished": "2025-03-04T09:30:00+01:00", "dateModified": "2025-03-05T10:00:00+01:00",
             "author": [{"@type": "Person", "name": "Maren Holt"}, {"@type": "Person", "name": "Ivo Brandt"}],
             "publisher": {"@id": "#org"}},
        ],
    }
    html = page(head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    art = extract_html(html)
    assert art.published == dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert art.published_from == "meta"
    assert art.authors == ["Maren Holt", "Ivo Brandt"]
    assert art.byline == "Maren Holt, Ivo Brandt"
    assert art.outlet == "Island Gazette"


def test_visible_byline_and_dateline_without_metadata() -> None:
    before = '<div class="meta"><span class="byline">By Maren Holt</span> <span>March 4, 2025</span></div>'
    art = extract_html(page(before=before))
    assert art.authors == ["Maren Holt"]
    assert art.published == dt.date(2025, 3, 4)
    assert art.published_from == "text"
    assert not any("Maren Holt" in line for line in art.body)


def test_written_by_label_then_name() -> None:
    before = '<div class="post-info"><p>Written by</p><p>Ivo Brandt</p></div>'
    art = extract_html(page(before=before))
    assert art.authors == ["Ivo Brandt"]


def test_date_from_url_when_page_has_none() -> None:
    art = extract_html(page(), url="https://news.example/2024/11/30/late-ferries")
    assert art.published == dt.date(2024, 11, 30)
    assert art.published_from == "url"


def test_figcaption_is_a_caption_not_body() -> None:
    fig = ('<figure><img src="ferry.jpg" alt=""><figcaption>The evening ferry leaves the mainland pier. '
           'Photo: Island Gazette</figcaption></figure>')
    art = extract_html(page(before=fig))
    assert art.captions == ["The evening ferry leaves the mainland pier. Photo: Island Gazette"]
    assert not any("evening ferry leaves the mainland pier" in line for line in art.body)
    rules = {(r.kind, r.rule) for r in art.removed if "mainland pier. Photo" in r.text}
    assert ("caption", "html.figcaption") in rules


def test_comment_section_split_into_comments() -> None:
    comments = """<section id="comments" class="comments-area"><h2>3 comments</h2><ol class="comment-list">
<li id="comment-11" class="comment"><div class="comment-author"><b class="fn">Tilde</b></div>
<div class="comment-content"><p>Finally, I can get home after the late shift without a taxi.</p></div></li>
<li id="comment-12" class="comment"><div class="comment-author"><b class="fn">Harbourwatcher</b></div>
<div class="comment-content"><p>Who pays for the two extra crew? Fares will go up, wait and see.</p></div>
<ol class="children"><li id="comment-13" class="comment"><div class="comment-author"><b class="fn">Tilde</b></div>
<div class="comment-content"><p>The operator said fares stay the same until next year.</p></div></li></ol></li>
</ol></section>"""
    art = extract_html(page(after=comments))
    assert [(c.author, c.position) for c in art.comments] == [("Tilde", 0), ("Harbourwatcher", 1), ("Tilde", 2)]
    assert art.comments[1].text == "Who pays for the two extra crew? Fares will go up, wait and see."
    assert art.comments[2].text.startswith("The operator said fares stay")
    assert not any("late shift without a taxi" in line for line in art.body)
    kinds = {r.kind for r in art.removed if r.rule == "html.comment-section"}
    assert {"comment", "comment_author"} <= kinds


def test_link_list_furniture_with_rule() -> None:
    related = """<div class="related-stories"><h3>More from the islands</h3><ul>
<li><a href="/a">Bridge repairs to start in May</a></li>
<li><a href="/b">School bus route changes on the north island</a></li>
<li><a href="/c">New fish market opens at the old quay</a></li></ul></div>"""
    links = """<ul><li><a href="/x">Weather</a></li><li><a href="/y">Tide tables</a></li>
<li><a href="/z">Ferry status</a></li></ul>"""
    art = extract_html(page(after=related + links))
    assert "Bridge repairs to start in May" in art.furniture
    by_text = {r.text: r for r in art.removed}
    assert by_text["Bridge repairs to start in May"].rule == "html.related-list"
    assert by_text["Tide tables"].kind == "furniture"
    assert by_text["Tide tables"].rule == "html.link-list"
    assert by_text["Sport"].rule == "html.nav"
    assert not any("Bridge repairs" in line for line in art.body)
    # every removed line carries a rule
    assert all(r.rule.startswith("html.") for r in art.removed)


def test_body_and_confidence() -> None:
    art = extract_html(page())
    assert art.body[: len(PARAS)] == PARAS
    assert 0.5 <= art.confidence <= 1.0
    thin = extract_html("<html><body><div><p>Short note.</p></div></body></html>")
    assert thin.confidence < art.confidence


def test_bad_input_gives_empty_article_not_error() -> None:
    for bad in ("", "   ", "<html></html>", "\x00\x01 not html"):
        art = extract_html(bad)
        assert art.body == [] or art.confidence < 0.5


def test_clean_name_and_text_dates() -> None:
    assert clean_name("By Maren Holt") == "Maren Holt"
    assert clean_name("Written by: Ivo Brandt | March 4, 2025") == "Ivo Brandt"
    assert clean_name("Maren Holt Last updated 4 March 2025") == "Maren Holt"
    assert clean_name("Dec") == ""
    assert clean_name("Recipe by") == ""
    assert clean_name("Maren Holt December") == "Maren Holt"
    assert clean_name("This story was written by Ivo Brandt") == "Ivo Brandt"
    assert clean_name("page.head.extra.author") == ""
    assert clean_name("5 min read") == ""
    assert parse_text_date("Updated: 4th March 2025, 10:00") == dt.date(2025, 3, 4)
    assert parse_text_date("Posted Mar. 4, 2025") == dt.date(2025, 3, 4)
    assert parse_text_date("31/12/2024") == dt.date(2024, 12, 31)
    assert parse_text_date("no date here 2025") is None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="wcxb corpus not available")
def test_wcxb_sample_body_f1_floor() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import extraction as bench  # type: ignore[import-not-found]

    files = sorted((CORPUS / "ground-truth").glob("*.json"))[::35][:20]
    f1s, titles = [], []
    for gt_path in files:
        meta = json.loads(gt_path.read_text(encoding="utf-8"))
        html = gzip.decompress((CORPUS / "html" / f"{gt_path.stem}.html.gz").read_bytes()).decode(
            "utf-8", errors="replace")
        art = extract_html(html, url=meta.get("url"))
        gold = meta["ground_truth"]
        f1s.append(bench.body_f1("\n\n".join(art.body), gold.get("main_content") or "")[2])
        titles.append(bench.norm_text(art.title) == bench.norm_text(gold.get("title")))
    assert len(f1s) == 20
    assert sum(f1s) / len(f1s) > 0.85
    assert sum(titles) / len(titles) > 0.6


def test_meta_author_tag_with_two_people_gives_two_authors() -> None:
    page = (
        "<html><head><title>Quay works begin | The Harbour Light</title>"
        '<meta name="author" content="Mara Quell and Tobin Rask"></head><body><article><h1>Quay works begin</h1>'
        "<p>Work on the old quay wall began on Monday after two years of delays, the council said in a statement.</p>"
        "<p>The contractor expects the first section to reopen to walkers before the summer season starts.</p>"
        "</article></body></html>"
    )
    art = extract_html(page, url="https://harbour-light.example/news/quay-works")
    assert art.authors == ["Mara Quell", "Tobin Rask"]


def _page_with(top: str, byline: str = "") -> str:
    return ("<html><head><title>Later ferries approved</title></head><body>" + top +
            "<article><h1>Later ferries approved</h1>" + byline +
            "".join(f"<p>{p}</p>" for p in PARAS) + "</article></body></html>")


@pytest.mark.parametrize("chrome", [
    '<form id="user-login"><h3><a class="link" href="/user/register">Register Now</a></h3></form>',
    '<nav class="nav_primary"><ul><li><a href="/author/guides">Guides</a></li></ul></nav>',
    '<div class="menu-wrapper"><ul class="menu"><li><a href="/people/video">Video Library</a></li></ul></div>',
    '<section class="byline"><span class="byline__category"><a href="/wellness">Wellness &amp; Prevention</a></span>'
    '</section>',
])
def test_links_in_navigation_forms_and_categories_are_not_bylines(chrome: str) -> None:
    art = extract_html(_page_with(chrome), url="https://harbour-light.example/news/later-ferries")
    assert art.byline is None


def test_author_page_link_next_to_the_headline_is_the_byline() -> None:
    page = _page_with('<nav class="menu"><a href="/author/desk">News Desk</a></nav>',
                      '<div class="byline"><a href="/author/mara-quell">Mara Quell</a></div>')
    art = extract_html(page, url="https://harbour-light.example/news/later-ferries")
    assert art.byline == "Mara Quell"


@pytest.mark.parametrize(("shown", "expected", "source"), [
    ("2 March 2025", dt.date(2025, 3, 2), "text"),  # earlier than the markup's date: the first publication
    ("14 March 2025", dt.date(2025, 3, 10), "meta"),  # later: an update line, the markup's date stands
])
def test_date_shown_by_the_headline_against_the_markup(shown: str, expected: dt.date, source: str) -> None:
    page = ('<html><head><meta property="article:published_time" content="2025-03-10"></head><body><article>'
            f"<h1>Later ferries approved</h1><p class=\"date\">{shown}</p>"
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</article></body></html>")
    art = extract_html(page, url="https://harbour-light.example/news/later-ferries")
    published = art.published.date() if isinstance(art.published, dt.datetime) else art.published
    assert published == expected
    assert art.published_from == source
