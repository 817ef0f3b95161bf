"""The web UI in a real browser (Chromium through Playwright).

Skipped when Playwright or /usr/bin/chromium is missing (scripts/test-setup.sh installs
Chromium where it can). Screenshots go to test-output/ (gitignored).
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from test_report import sample_store

from storylens.model import AlignedPair, Article, Change, Comment, Derivation, Span, Story

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SHOTS = Path(__file__).resolve().parents[1] / "test-output"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (run scripts/test-setup.sh)"),
]

XSS = "<script>window.__pwned=1;alert(1)</script>"
XSS_IMG = "<img src=x onerror=\"window.__pwned=1;alert(1)\">"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, db: str) -> None:
        import uvicorn

        from storylens.web import create_app

        self.port = _free_port()
        config = uvicorn.Config(create_app(db), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        end = time.time() + 20
        while not self.server.started:
            if time.time() > end:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Server]:
    db = str(tmp_path / "b.db")
    sample_store(db).close()
    with Server(db) as srv:
        yield srv


def _page(browser, width: int = 1200):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    page = ctx.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_stories_list_search_and_keyboard(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser)
    page.goto(server.url + "/")
    assert page.locator("h1").inner_text() == "Stories"
    assert page.locator("ol.story-list > li").count() == 2
    assert page.locator("svg.spark").count() == 2
    _shot(page, "stories")
    # keyboard: the first Tab reaches the skip link, which moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    # search through the labelled form
    page.get_by_label("Search text").fill("quotas")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    titles = page.locator("ol.story-list a.title").all_inner_texts()
    assert titles == ["Fisheries law passes"]


def test_story_page_and_diff(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser)
    page.goto(server.url + "/story/s1")
    assert page.locator("h1").inner_text() == "Harbour bridge closed"
    assert page.locator(".graph svg circle").count() == 3
    _shot(page, "story")
    # the graph's arrows link to the comparisons; so does the list under it (keyboard and screen readers)
    assert page.locator(".graph a:has(path.rewrite)").get_attribute("href") == "#diff-1"
    page.locator("ul.rewrites a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#diff-1'")
    diff = page.locator("#diff-1")
    assert diff.is_visible()
    marked = diff.locator("td .del.chg-number").first
    assert marked.inner_text() == "three"
    assert diff.locator("td .ins.chg-number").first.inner_text() == "five"
    bg = marked.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    diff.screenshot(path=str(SHOTS / "diff.png")) if SHOTS.exists() else None


def test_story_page_is_readable_at_phone_width(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, width=375)
    for url in ("/", "/story/s1", "/article/a", "/upload"):
        page.goto(server.url + url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, overflow)
    _shot(page, "upload-phone")
    page.goto(server.url + "/story/s1")
    _shot(page, "story-phone")


def test_upload_a_file_shows_progress_then_the_result(browser, server: Server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "ferry.txt"
    f.write_text("Ferry timetable published\n\nThe ferry operator published its first timetable on Wednesday, "
                 "with boats every twenty minutes from six in the morning.\n\nTickets will cost the same as a "
                 "single bus fare, the operator said, and monthly passes will be accepted on board.\n", "utf-8")
    page = _page(browser)
    page.goto(server.url + "/upload")
    page.get_by_label("Files").set_input_files(str(f))
    page.get_by_role("button", name="Add and analyse").click()
    page.wait_for_url("**/jobs/job-*")
    page.get_by_role("heading", name="New articles").wait_for(timeout=120_000)
    _shot(page, "upload-done")
    page.locator("ul a[href^='/article/']").first.click()
    page.wait_for_load_state()
    assert "twenty minutes" in page.locator(".body").inner_text()


def _hostile_db(path: str) -> list[str]:
    """The hostile corpus through the pipeline, plus hand-made hostile stories, diffs and comments."""
    from storylens.pipeline import ingest
    from storylens.store import open_store

    store = open_store(path)
    ingest([HOSTILE / "hostile.jsonl", HOSTILE / "hostile-page.html", HOSTILE / "hostile-note.txt"], store)
    t = dt.datetime(2026, 3, 5, 10, tzinfo=dt.timezone.utc)
    s1 = f"The bridge {XSS} reopened on Friday."
    s2 = f"The bridge {XSS_IMG} reopened on Saturday."
    x = Article(id=f"x1{XSS}", content_hash="hx1", outlet=XSS_IMG, title=XSS, url="javascript:alert(1)", published=t,
                body=[s1], captions=[XSS], comments=[Comment(author=XSS_IMG, text=XSS, position=0)])
    y = Article(id="x2\"'><svg onload=alert(1)>", content_hash="hx2", outlet="<svg/onload=alert(1)>", title=XSS_IMG,
                published=t + dt.timedelta(hours=2), body=[s2])
    store.add_articles([x, y])
    store.put_derivations([Derivation(
        source_id=x.id, derived_id=y.id, kind="rewrite", score=0.7, coverage=1, source_kept=1,
        attribution=True, attribution_evidence=XSS,
        pairs=[AlignedPair(source_index=0, derived_index=0, source_text=s1, derived_text=s2, similarity=0.8)],
        changes=[Change(kind="date", source=Span(text="Friday"), derived=Span(text="Saturday"), source_index=0,
                        derived_index=0, explanation=XSS_IMG)], omitted=[XSS], added=[XSS_IMG])])
    store.put_stories([Story(id=f"sx{XSS}", title=XSS_IMG, article_ids=[x.id, y.id], outlets=[XSS], entities=[XSS])])
    ids = [a.id for a in store.iter_articles()]
    stories = [s.id for s in store.get_stories()]
    store.close()
    return ["/", "/?q=bridge", "/upload", "/story/unclustered"] + [f"/story/{quote(s, safe='')}" for s in stories] + [
        f"/article/{quote(i, safe='')}" for i in ids]


def test_hostile_corpus_runs_no_script(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "h.db")
    urls = _hostile_db(db)
    assert len(urls) >= 9
    page = _page(browser)
    with Server(db) as srv:
        for url in urls:
            page.goto(srv.url + url)
            page.wait_for_load_state("load")
            assert page.evaluate("typeof window.__pwned") == "undefined", url
            # fire mouse events on everything, so injected handlers (if any) would run
            page.evaluate("""() => { for (const e of document.querySelectorAll('body *')) {
                for (const t of ['mouseover', 'mouseenter', 'focus', 'click']) {
                    if (t === 'click' && (e.closest('a') || e.closest('button') || e.tagName === 'INPUT')) continue;
                    e.dispatchEvent(new MouseEvent(t, {bubbles: true}));
                } } }""")
            page.wait_for_timeout(50)
            assert page.evaluate("typeof window.__pwned") == "undefined", url
            assert page.evaluate("document.querySelectorAll('[onerror],[onload],[onmouseover],iframe').length") == 0
            assert page.dialogs == [], (url, page.dialogs)  # type: ignore[attr-defined]
        page.goto(srv.url + urls[4])
        _shot(page, "hostile-story")
        # the static report of the same store, opened from a file
        from storylens.report import build_report, render_html
        from storylens.store import open_store

        store = open_store(db)
        html = render_html(build_report(store))
        store.close()
    f = tmp_path / "report.html"
    f.write_text(html, "utf-8")
    page.goto(f.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.dialogs == []  # type: ignore[attr-defined]
    _shot(page, "hostile-static-report")


def test_static_report_opens_offline(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from storylens.report import build_report, render_html

    store = sample_store()
    f = tmp_path / "r.html"
    f.write_text(render_html(build_report(store)), "utf-8")
    ctx = browser.new_context(offline=True)
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f.as_uri())
    assert requests == [f.as_uri()]  # nothing but the file itself
    assert page.locator("article h2").first.inner_text() == "Harbour bridge closed"
    color = page.locator(".del").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "transparent")  # the inline stylesheet applies
    _shot(page, "static-report")
