"""The web UI and HTTP API: ``create_app(db_path)`` returns a FastAPI application.

Pages are rendered on the server with Jinja2 (autoescape on); the only script
is a small same-origin file, and every response carries a Content-Security-Policy
that forbids inline script, so article text can never run code in the browser.
"""


import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import storylens
from storylens.model import Report, Storyline
from storylens.report.build import build_report
from storylens.report.render import make_env
from storylens.report.views import loose_story, story_view
from storylens.sources.readers import max_bytes_limit
from storylens.store import Store, open_store
from storylens.web.api_models import (
    ArticleItem,
    ArticlePage,
    ArticleResponse,
    ErrorResponse,
    JobResponse,
    StoryItem,
    StoryPage,
)
from storylens.web.jobs import MAX_UPLOAD_FILES, MAX_URLS, Job, JobRunner, max_upload_bytes
from storylens.web.limits import BodyCap
from storylens.web.listings import Listings
from storylens.web.queries import Sort, StoryRow, filter_article_ids, filter_stories

HERE = Path(__file__).parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MAX_PER_PAGE = 100
ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse}}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _date_param(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise HTTPException(status_code=422, detail=f"{name}: not an ISO date (YYYY-MM-DD): {value[:40]!r}") from None


def _iso(d: dt.date | dt.datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def _story_item(r: StoryRow) -> StoryItem:
    return StoryItem(id=r.story.id, title=r.title, article_count=r.article_count, outlets=r.outlets,
                     first_published=_iso(r.first), last_published=_iso(r.last), activity=r.activity)


def _paginate(items: list, page: int, per_page: int) -> tuple[list, int]:
    pages = max(1, math.ceil(len(items) / per_page))
    start = (page - 1) * per_page
    return items[start : start + per_page], pages


def _job_response(job: Job) -> JobResponse:
    return JobResponse(id=job.id, status=job.status, stage=job.stage, done=job.done, total=job.total,  # type: ignore[arg-type]
                       files=job.files, urls=job.urls, added=job.added, skipped=job.skipped, errors=job.errors,
                       stages=job.stages, story_ids=job.story_ids, message=job.message, created=job.created)


class WebUrls:
    """Links between pages of the web UI."""

    def article(self, article_id: str) -> str:
        return "/article/" + quote(article_id, safe="")

    def story(self, story_id: str) -> str:
        return "/story/" + quote(story_id, safe="")

    def storyline(self, storyline_id: str) -> str:
        return "/storyline/" + quote(storyline_id, safe="")


def create_app(db_path: str) -> FastAPI:
    """A FastAPI app serving the store at ``db_path``: web pages at /, JSON API at /api/v1."""
    # open once now: creates or migrates the database and fails early on a bad path
    open_store(db_path).close()
    app = FastAPI(
        title="storylens",
        version=storylens.__version__,
        description="Stories, articles, copies and rewrites reconstructed from news articles.",
        docs_url=None,  # the interactive docs load scripts from a CDN; the spec is at /openapi.json
        redoc_url=None,
    )
    env = make_env(HERE / "templates")
    env.globals["urls"] = WebUrls()
    env.globals["version"] = storylens.__version__
    macros = env.get_template("_story.html.j2").module
    env.globals["m"] = macros
    runner = JobRunner(db_path)
    app.state.jobs = runner
    listings = Listings(db_path)  # every story's row, the outlets, the article order: read once per change
    app.state.listings = listings
    app.state.db_path = db_path
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # every request body (an upload's files and fields together) is capped before it is spooled
    app.add_middleware(BodyCap, limit=max_upload_bytes())

    def get_store() -> Iterator[Store]:
        store = open_store(db_path)
        try:
            yield store
        finally:
            store.close()

    StoreDep = Annotated[Store, Depends(get_store)]

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def page(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(request_path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status_code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code)
        if request.url.path == "/upload" and request.method == "POST":  # refused before the form was read
            return page(request, "upload.html.j2", status_code=exc.status_code, error=str(exc.detail),
                        recent=list(runner.jobs.values())[-10:][::-1])
        return page(request, "error.html.j2", status_code=exc.status_code, status=exc.status_code,
                    detail=str(exc.detail))

    # ------------------------------------------------------------ API

    @app.get("/api/v1/stories", response_model=StoryPage, tags=["stories"], responses={422: {"model": ErrorResponse}})
    def api_stories(
        store: StoreDep,
        q: Annotated[str | None, Query(max_length=500, description="Full-text search over titles and bodies.")] = None,
        outlet: Annotated[str | None, Query(max_length=300)] = None,
        date_from: Annotated[str | None, Query(max_length=40, description="ISO date: stories active on or after.")] = None,
        date_to: Annotated[str | None, Query(max_length=40, description="ISO date: stories active on or before.")] = None,
        sort: Sort = "activity",
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    ) -> StoryPage:
        """Stories, filtered and sorted, one page at a time."""
        rows = filter_stories(store, q, outlet, _date_param(date_from, "date_from"), _date_param(date_to, "date_to"), sort,
                              rows_of=listings.story_rows)
        items, pages = _paginate(rows, page, per_page)
        return StoryPage(items=[_story_item(r) for r in items], total=len(rows), page=page, per_page=per_page, pages=pages)

    @app.get("/api/v1/stories/{story_id:path}", response_model=Report, tags=["stories"], responses=ERRORS)
    def api_story(story_id: str, store: StoreDep) -> Report:
        """One story as a report (the same schema as `storylens analyze --json`)."""
        if not store.get_stories([story_id]):
            raise HTTPException(status_code=404, detail="no such story")
        return build_report(store, [story_id])

    @app.get("/api/v1/storylines", response_model=list[Storyline], tags=["stories"])
    def api_storylines(store: StoreDep) -> list[Storyline]:
        """Storylines (long-running coverage above stories), most articles first; each lists its story ids."""
        return sorted(store.get_storylines(), key=lambda sl: (-sl.articles, sl.id))

    @app.get("/api/v1/storylines/{storyline_id:path}", response_model=Report, tags=["stories"], responses=ERRORS)
    def api_storyline(storyline_id: str, store: StoreDep) -> Report:
        """One storyline as a report of its stories (the same schema as `storylens analyze --json`)."""
        found = store.get_storylines([storyline_id])
        if not found:
            raise HTTPException(status_code=404, detail="no such storyline")
        return build_report(store, found[0].story_ids, summaries=False)

    @app.get("/api/v1/articles", response_model=ArticlePage, tags=["articles"], responses={422: {"model": ErrorResponse}})
    def api_articles(
        store: StoreDep,
        q: Annotated[str | None, Query(max_length=500)] = None,
        outlet: Annotated[str | None, Query(max_length=300)] = None,
        date_from: Annotated[str | None, Query(max_length=40)] = None,
        date_to: Annotated[str | None, Query(max_length=40)] = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    ) -> ArticlePage:
        """Articles (in time order, or by relevance when searching), one page at a time."""
        ids = filter_article_ids(store, q, outlet, _date_param(date_from, "date_from"), _date_param(date_to, "date_to"),
                                 index_of=listings.article_index)
        items, pages = _paginate(ids, page, per_page)
        return ArticlePage(items=[_article_item(store, a) for a in store.get_articles(items)], total=len(ids),
                           page=page, per_page=per_page, pages=pages)

    @app.get("/api/v1/articles/{article_id:path}", response_model=ArticleResponse, tags=["articles"], responses=ERRORS)
    def api_article(article_id: str, store: StoreDep) -> ArticleResponse:
        """One article: clean body, metadata, and every line extraction removed with its rule."""
        a = store.get_article(article_id)
        if a is None:
            raise HTTPException(status_code=404, detail="no such article")
        return ArticleResponse(article=a, story_id=store.story_of(a.id))

    @app.get("/api/v1/search", response_model=ArticlePage, tags=["articles"])
    def api_search(
        store: StoreDep,
        q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find (SQLite FTS5).")],
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    ) -> ArticlePage:
        """Full-text search over article titles and bodies, best match first."""
        ids = filter_article_ids(store, q)
        items, pages = _paginate(ids, page, per_page)
        return ArticlePage(items=[_article_item(store, a) for a in store.get_articles(items)], total=len(ids),
                           page=page, per_page=per_page, pages=pages)

    @app.post("/api/v1/ingest", response_model=JobResponse, status_code=202, tags=["ingest"],
              responses={413: {"model": ErrorResponse}, 415: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
    async def api_ingest(
        request: Request,
        files: Annotated[list[UploadFile] | None, File(description="Article files: text, HTML, JSONL, RSS, WARC.")] = None,
        urls: Annotated[str, Form(max_length=20000, description="Page URLs, one a line.")] = "",
        wait: Annotated[bool, Query(description="Answer only when the ingest has finished.")] = False,
    ) -> JobResponse:
        """Add files or URLs; returns the ingest job (poll /api/v1/jobs/{id} for progress)."""
        job = await _start_job(request, files or [], urls, wait)
        return _job_response(job)

    @app.get("/api/v1/jobs/{job_id}", response_model=JobResponse, tags=["ingest"], responses=ERRORS)
    def api_job(job_id: str) -> JobResponse:
        """Progress and result of an ingest job."""
        job = runner.get(job_id)
        if job is None:
            raise HTTPException(status_code=404, detail="no such job")
        return _job_response(job)

    async def _start_job(request: Request, files: list[UploadFile], urls_text: str, wait: bool) -> Job:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type and media_type not in FORM_TYPES:
            raise HTTPException(status_code=415, detail=f"send a form (multipart/form-data: files, and urls one a "
                                                        f"line), not {media_type[:80]}")
        url_list = [u.strip() for u in urls_text.splitlines() if u.strip()]
        files = [f for f in files if f.filename or f.size]
        if not files and not url_list:
            raise HTTPException(status_code=422, detail="nothing to ingest: give files or URLs")
        if len(files) > MAX_UPLOAD_FILES or len(url_list) > MAX_URLS:
            raise HTTPException(status_code=413, detail=f"too many inputs (at most {MAX_UPLOAD_FILES} files and {MAX_URLS} URLs)")
        limit = max_bytes_limit()
        data: list[tuple[str | None, bytes]] = []
        for f in files:
            content = await f.read(limit + 1)
            if len(content) > limit:
                raise HTTPException(status_code=413, detail=f"{(f.filename or 'file')[:100]}: larger than {limit} bytes")
            data.append((f.filename, content))
        if wait:
            import anyio

            return await anyio.to_thread.run_sync(lambda: runner.start(data, url_list, wait=True))
        return runner.start(data, url_list)

    # ------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request,
        store: StoreDep,
        q: Annotated[str | None, Query(max_length=500)] = None,
        outlet: Annotated[str | None, Query(max_length=300)] = None,
        date_from: Annotated[str | None, Query(max_length=40)] = None,
        date_to: Annotated[str | None, Query(max_length=40)] = None,
        sort: Sort = "activity",
        page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
    ) -> HTMLResponse:
        d_from, d_to = _date_param(date_from, "date_from"), _date_param(date_to, "date_to")
        has_stories = listings.has_stories(store)
        params = {k: v for k, v in {"q": q, "outlet": outlet, "date_from": date_from, "date_to": date_to,
                                     "sort": sort}.items() if v}
        per_page = 25
        ctx: dict[str, Any] = {"q": q or "", "outlet": outlet or "", "date_from": date_from or "",
                               "date_to": date_to or "", "sort": sort, "outlets": listings.outlets(store),
                               "has_stories": has_stories, "total_articles": store.count_articles()}
        from storylens.report.build import stage_status
        from storylens.report.views import sparkline

        ctx["stories_stage"] = stage_status().get("stories")
        if has_stories:
            rows = filter_stories(store, q, outlet, d_from, d_to, sort, rows_of=listings.story_rows)
            items, pages = _paginate(rows, page_no, per_page)
            ctx["rows"] = [(r, sparkline(r.activity)) for r in items]
            total = len(rows)
        else:
            ids = filter_article_ids(store, q, outlet, d_from, d_to, index_of=listings.article_index)
            page_ids, pages = _paginate(ids, page_no, per_page)
            ctx["articles"] = store.get_articles(page_ids)
            total = len(ids)
        ctx.update(total=total, page=page_no, pages=pages,
                   prev_url=("/?" + urlencode({**params, "page": page_no - 1})) if page_no > 1 else None,
                   next_url=("/?" + urlencode({**params, "page": page_no + 1})) if page_no < pages else None)
        return page(request, "stories.html.j2", **ctx)

    @app.get("/story/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str, store: StoreDep) -> HTMLResponse:
        from storylens.report.views import LOOSE_ID

        if story_id == LOOSE_ID and not store.get_stories([story_id]):
            report = build_report(store, summaries=False)
            story = loose_story(report)
            if story is None:
                raise HTTPException(status_code=404, detail="no such story")
        else:
            report = build_report(store, [story_id])
            if not report.stories:
                raise HTTPException(status_code=404, detail="no such story")
            story = report.stories[0]
        v = story_view(report, story)
        return page(request, "story.html.j2", v=v, title=v.title)

    @app.get("/storylines", response_class=HTMLResponse, include_in_schema=False)
    def storylines_page(request: Request, store: StoreDep) -> HTMLResponse:
        lines = sorted(store.get_storylines(), key=lambda sl: (-sl.articles, sl.id))
        return page(request, "storylines.html.j2", lines=lines, title="Storylines")

    @app.get("/storyline/{storyline_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def storyline_page(request: Request, storyline_id: str, store: StoreDep) -> HTMLResponse:
        from storylens.report.views import storyline_view

        found = store.get_storylines([storyline_id])
        if not found:
            raise HTTPException(status_code=404, detail="no such storyline")
        lv = storyline_view(found[0], store.get_stories(found[0].story_ids))
        return page(request, "storyline.html.j2", lv=lv, title=lv.title)

    @app.get("/article/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, store: StoreDep) -> HTMLResponse:
        a = store.get_article(article_id)
        if a is None:
            raise HTTPException(status_code=404, detail="no such article")
        sid = store.story_of(a.id)
        from storylens.stories import explain

        return page(request, "article.html.j2", a=a, story_href=WebUrls().story(sid) if sid else None,
                    title=a.label, why=explain(store, a.id))

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form(request: Request) -> HTMLResponse:
        return page(request, "upload.html.j2", error=None, recent=list(runner.jobs.values())[-10:][::-1])

    @app.post("/upload", include_in_schema=False)
    async def upload_post(
        request: Request,
        files: Annotated[list[UploadFile] | None, File()] = None,
        urls: Annotated[str, Form(max_length=20000)] = "",
    ) -> Response:
        try:
            job = await _start_job(request, files or [], urls, wait=False)
        except HTTPException as exc:
            return page(request, "upload.html.j2", status_code=exc.status_code, error=str(exc.detail),
                        recent=list(runner.jobs.values())[-10:][::-1])
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        job = runner.get(job_id)
        if job is None:
            raise HTTPException(status_code=404, detail="no such job")
        return page(request, "job.html.j2", job=job, title=f"Ingest {job.id}")

    return app


def _article_item(store: Store, a: Any) -> ArticleItem:
    return ArticleItem(id=a.id, title=a.title, outlet=a.outlet, published=_iso(a.published), url=a.url,
                       story_id=store.story_of(a.id))


__all__ = ["create_app"]
