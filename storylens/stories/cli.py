"""`storylens stories` (list stories), `storylens story ID` (one story, its articles and history) and
`storylens explain ARTICLE_ID` (why an article is in its story)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer

from storylens.model import Story, Storyline

DB_HELP = "SQLite database file, or a PostgreSQL URL (postgresql://user:password@host:port/dbname)."


def _fail(message: str) -> None:
    typer.echo(f"storylens: error: {message}", err=True)
    raise typer.Exit(2)


def _open(db: str):  # noqa: ANN202 - Store
    from storylens.store import describe, open_store, store_exists

    if not store_exists(db):
        _fail(f"{db}: database not found")
    try:
        return open_store(db)
    except Exception as exc:  # noqa: BLE001 - one line for the user
        text = " ".join(str(exc).split()).replace(db, describe(db))
        _fail(text if text.startswith(describe(db)) else f"{describe(db)}: cannot open database ({text})")


def _day(v: dt.datetime | dt.date | None) -> str | None:
    if v is None:
        return None
    return (v.date() if isinstance(v, dt.datetime) else v).isoformat()


def _summary(s: Story) -> dict[str, object]:
    return {"id": s.id, "title": s.title, "articles": len(s.article_ids), "outlets": s.outlets,
            "first_published": s.first_published.isoformat() if s.first_published else None,
            "last_published": s.last_published.isoformat() if s.last_published else None,
            "entities": s.entities[:6], "merged_from": s.merged_from, "storyline_id": s.storyline_id}


def _line_summary(sl: Storyline) -> dict[str, object]:
    return {"id": sl.id, "title": sl.title, "stories": len(sl.story_ids), "articles": sl.articles,
            "outlets": sl.outlets, "story_ids": sl.story_ids,
            "first_published": sl.first_published.isoformat() if sl.first_published else None,
            "last_published": sl.last_published.isoformat() if sl.last_published else None}


def register(app: typer.Typer) -> None:
    @app.command("stories")
    def stories_cmd(
        db: Annotated[str, typer.Option("--db", help=DB_HELP)] = "storylens.db",
        since: Annotated[str | None, typer.Option("--since", help="Only stories active on or after this ISO date.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List stories with their article counts, newest activity first."""
        since_d: dt.date | None = None
        if since:
            try:
                since_d = dt.date.fromisoformat(since[:10])
            except ValueError:
                _fail(f"--since {since!r}: not an ISO date (YYYY-MM-DD)")
        store = _open(db)
        try:
            items = store.get_stories()
            lines = {sl.id: sl for sl in store.get_storylines()}
        finally:
            store.close()
        if since_d is not None:
            items = [s for s in items if s.activity and max(s.activity) >= since_d.isoformat()]
        items.sort(key=lambda s: (-(len(s.article_ids)), -_rank_time(s), s.id))
        if as_json:
            sys.stdout.write(json.dumps([_summary(s) for s in items], indent=2, ensure_ascii=False) + "\n")
            return
        if not items:
            typer.echo("no stories")
            return
        # grouped by storyline (largest first), each storyline's stories in time order
        groups: dict[str | None, list[Story]] = {}
        for s in items:
            groups.setdefault(s.storyline_id if s.storyline_id in lines else None, []).append(s)
        order = sorted(groups, key=lambda k: (k is None, -sum(len(s.article_ids) for s in groups[k]), k or ""))
        for k in order:
            members = groups[k]
            if k is not None and len(members) > 1:
                sl = lines[k]
                typer.echo(f"storyline {k}\t{len(members)} stories\t{sl.articles} article(s)\t"
                           f"{_day(sl.first_published) or '?'}..{_day(sl.last_published) or '?'}\t"
                           f"{(sl.title or '(untitled)')[:100]}")
                members = sorted(members, key=lambda s: (_rank_time(s), s.id))
            for s in members:
                span = f"{_day(s.first_published) or '?'}..{_day(s.last_published) or '?'}"
                outlets = f"{len(s.outlets)} outlet(s)" if s.outlets else "outlet unknown"
                indent = "  " if k is not None and len(groups[k]) > 1 else ""
                typer.echo(f"{indent}{s.id}\t{len(s.article_ids)} article(s)\t{outlets}\t{span}\t"
                           f"{(s.title or '(untitled)')[:100]}")

    @app.command("storylines")
    def storylines_cmd(
        db: Annotated[str, typer.Option("--db", help=DB_HELP)] = "storylens.db",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List storylines (long-running coverage) with their stories, most articles first."""
        store = _open(db)
        try:
            lines = sorted(store.get_storylines(), key=lambda sl: (-sl.articles, sl.id))
            stories = {s.id: s for s in store.get_stories()}
        finally:
            store.close()
        if as_json:
            sys.stdout.write(json.dumps([_line_summary(sl) for sl in lines], indent=2, ensure_ascii=False) + "\n")
            return
        if not lines:
            typer.echo("no storylines")
            return
        for sl in lines:
            typer.echo(f"{sl.id}\t{len(sl.story_ids)} story(ies)\t{sl.articles} article(s)\t"
                       f"{len(sl.outlets)} outlet(s)\t{_day(sl.first_published) or '?'}..{_day(sl.last_published) or '?'}"
                       f"\t{(sl.title or '(untitled)')[:100]}")
            for sid in sl.story_ids:
                st = stories.get(sid)
                if st is not None:
                    typer.echo(f"  {_day(st.first_published) or '?':10s}  {sid}\t{len(st.article_ids)} article(s)\t"
                               f"{', '.join(st.outlets) or 'outlet unknown'}\t{(st.title or '(untitled)')[:80]}")

    @app.command("story")
    def story_cmd(
        story_id: Annotated[str, typer.Argument(help="Story id (from `storylens stories`).")],
        db: Annotated[str, typer.Option("--db", help=DB_HELP)] = "storylens.db",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Show one story: its articles in publication order and its history."""
        store = _open(db)
        try:
            found = store.get_stories([story_id])
            if not found:
                _fail(f"{story_id}: no such story in {db}")
            s = found[0]
            arts = {a.id: a for a in store.get_articles(s.article_ids)}
        finally:
            store.close()
        rows = []
        for aid in s.article_ids:
            a = arts.get(aid)
            rows.append({"id": aid, "title": a.title if a else None, "label": a.label if a else aid,
                         "outlet": a.outlet if a else None,
                         "published": a.published.isoformat() if a and a.published else None,
                         "url": a.url if a else None})
        if as_json:
            out = s.model_dump(mode="json")
            out["articles"] = rows
            sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
            return
        typer.echo(f"# {s.title or '(untitled)'}")
        typer.echo(f"id: {s.id}   articles: {len(s.article_ids)}   outlets: {', '.join(s.outlets) or '-'}")
        typer.echo(f"published: {_day(s.first_published) or '?'} .. {_day(s.last_published) or '?'}")
        if s.entities:
            typer.echo(f"entities: {', '.join(s.entities)}")
        if s.merged_from:
            typer.echo(f"merged from: {', '.join(s.merged_from)}")
        typer.echo("\narticles:")
        for r in rows:
            typer.echo(f"  {r['published'] or '-':25s} {r['outlet'] or '-':20s} {r['id']}  {str(r['label'])[:80]}")
        typer.echo("\nhistory:")
        for h in s.history:
            what = h.article_id or h.other_story_id or ""
            score = f" score={h.score:.3f}" if h.score is not None else ""
            typer.echo(f"  {h.at:25s} {h.action:7s} {what}{score}  {h.reason}")


    @app.command("explain")
    def explain_cmd(
        article_id: Annotated[str, typer.Argument(help="Article id (from `storylens story` or the report).")],
        db: Annotated[str, typer.Option("--db", help=DB_HELP)] = "storylens.db",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Why an article is in its story: the stories it was compared with when it arrived, their scores and
        score parts, and the threshold it had to clear."""
        from storylens.stories import explain

        store = _open(db)
        try:
            if store.get_article(article_id) is None:
                _fail(f"{article_id}: no such article in {db}")
            d = explain(store, article_id)
            titles = {s.id: s.title for s in store.get_stories(
                sorted({d["story_id"], *(c["story_id"] for c in d.get("candidates", []))}))} if d else {}
        finally:
            store.close()
        if d is None:
            _fail(f"{article_id}: not assigned to a story yet (run `storylens analyze` on this database)")
        if as_json:
            sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
            return
        typer.echo(f"article {article_id} is in story {d['story_id']}: {(titles.get(d['story_id']) or '')[:90]}")
        how = {"opened": "it opened a new story", "added": "it joined the best-scoring story"}.get(
            d["action"], d["action"])
        score = f"best score {d['score']:.3f}" if d.get("score") is not None else "no candidate story"
        typer.echo(f"when it arrived {how}: {score}, threshold {d['threshold']:.3f}")
        if d.get("reason"):
            typer.echo(f"reason: {d['reason']}")
        if d.get("merged"):
            typer.echo(f"its arrival merged: {', '.join(d['merged'])}")
        if d.get("story_id") and d.get("candidates") and d["candidates"][0]["story_id"] != d["story_id"]:
            typer.echo("(its story has since merged into the one named above)")
        line = d.get("storyline") or {}
        if d.get("storyline_id"):
            typer.echo(f"its story is in storyline {d['storyline_id']}"
                       + (f" (when the story opened: {line['reason']})" if line.get("reason") else ""))
        typer.echo("nearest stories then:")
        for c in d.get("candidates", []):
            parts = " ".join(f"{k}={v:.3f}" for k, v in c["parts"].items())
            typer.echo(f"  {c['story_id']}  score={c['score']:.3f}  {parts}  {(titles.get(c['story_id']) or '')[:60]}")


def _rank_time(s: Story) -> float:
    from storylens.stories.features import to_days

    t = to_days(s.last_published)
    return t if t is not None else float("-inf")
