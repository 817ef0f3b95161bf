"""Command-line interface: parse arguments, call the pipeline, print.

Stage packages add their own commands through ``register(app)`` in their
``cli`` module (``storylens/<stage>/cli.py``), so this file stays thin.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from storylens.model import Article
    from storylens.store import Store

app = typer.Typer(
    name="storylens",
    help="Reconstruct news stories from a pile of articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

STAGE_CLIS = ["storylens.reuse.cli", "storylens.stories.cli", "storylens.web.cli", "storylens.claims.cli",
              "storylens.timeline.cli", "storylens.comments.cli"]

DB_HELP = "SQLite database file (created if missing), or a PostgreSQL URL: postgresql://user:password@host:port/dbname."
DbOpt = Annotated[str, typer.Option("--db", help=DB_HELP)]


EngineOpt = Annotated[str, typer.Option(
    "--engine", help="Where the per-article work (extraction, sentence analysis) runs: 'local' (this machine's "
    "processes) or 'ray' (Ray Data workers; pip install 'storylens[ray]'). Same results either way.")]
AddressOpt = Annotated[str | None, typer.Option(
    "--address", help="With --engine ray: the Ray cluster to join (e.g. ray://host:10001 or auto); without it a "
    "local Ray is started for the run.")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", min=1, help="Worker processes (local: extraction processes, default STORYLENS_WORKERS or the "
    "cores, at most 4; ray: Ray Data actors, default 2).")]


def _engine_or_fail(name: str, workers: int | None, address: str | None):  # noqa: ANN202 - an Engine
    """The engine asked for, with its workers, or one line on stderr (Ray not installed, no cluster) and exit 2."""
    from storylens.engine import EngineUnavailable, make_engine
    from storylens.engine.forked import default_workers

    try:
        return make_engine(name, workers or (default_workers() if name == "local" else 2), address)
    except EngineUnavailable as exc:
        fail(str(exc))


def fail(message: str, code: int = 2) -> None:
    """One clear line on stderr, no traceback."""
    typer.echo(f"storylens: error: {message}", err=True)
    raise typer.Exit(code)


def _open_store_or_fail(db: str) -> Store:
    """Open the store, or one line on stderr (not a database, newer schema, unreadable, server down) and exit 2.

    A PostgreSQL URL is named without its password."""
    from storylens.store import describe, open_store

    try:
        return open_store(db)
    except Exception as exc:  # noqa: BLE001 - one line for the user
        name = describe(db)
        text = " ".join(str(exc).split()).replace(db, name)
        fail(text if text.startswith(name) else f"{name}: cannot open the database ({text})")


def _say(message: str) -> None:
    """A one-line note on stderr (shown with --quiet too: waiting for another writer is no progress line)."""
    typer.echo(f"storylens: {message}", err=True)


def _store_failure(db: str, exc: Exception) -> None:
    """The one line (and exit code) for what stopped a command writing to the store ``db``: the store's own
    refusal, a database error (locked, disk full, I/O error, server gone: committed batches are kept), or a bug."""
    from storylens.store import StoreError, database_errors, describe

    if isinstance(exc, StoreError):
        fail(str(exc))
    if isinstance(exc, database_errors()):
        fail(f"{describe(db)}: database error ({' '.join(str(exc).split())}); everything committed so far is kept")
    _internal_error(exc)


def _internal_error(exc: BaseException) -> None:
    """A bug, not bad input: one line (the traceback only with STORYLENS_DEBUG=1), exit 3."""
    import os

    if os.environ.get("STORYLENS_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" in {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
    fail(f"internal error{where}: {exc.__class__.__name__}: {str(exc)[:200]} "
         "(everything committed so far is kept; STORYLENS_DEBUG=1 shows details)", 3)


def _progress_printer(enabled: bool):
    """A progress callback that prints to stderr (rich bar on a terminal, periodic lines otherwise)."""
    from storylens.pipeline import _noop

    if not enabled:
        return _noop, lambda: None
    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn

        prog = Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True)
        prog.start()
        tasks: dict[str, int] = {}

        def cb(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(stage, total=total)
            desc = f"{stage}: {done}" + (f"/{total}" if total else " documents")
            prog.update(tasks[stage], completed=done, total=total, description=desc)

        return cb, prog.stop

    last: dict[str, int] = {}

    def cb_plain(stage: str, done: int, total: int | None) -> None:
        if total is None and done - last.get(stage, 0) < 100:
            return
        # long stages (1,000 steps or more) get a line at each tenth of the way, others only start and end
        if total is not None and done not in (0, total) and (
                total < 1000 or done * 10 // total == last.get(stage, 0) * 10 // total):
            return
        last[stage] = done
        typer.echo(f"[{stage}] {done}" + (f"/{total}" if total is not None else " documents read"), err=True)

    return cb_plain, lambda: None


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: text, HTML(.gz), JSONL, RSS/Atom, WARC.")],
    db_opt: Annotated[str | None, typer.Option("--db", help=DB_HELP + " [default: storylens.db]")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON here ('-' for stdout).")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    md_out: Annotated[Path | None, typer.Option("--md", help="Write a Markdown report here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    timings: Annotated[bool, typer.Option("--timings", help="Add seconds per stage to the report ('stats') and "
                                                            "print them (the report is then not reproducible).")] = False,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Outlet of every input that names none (e.g. a "
                                                               "folder of one site's pages).")] = None,
    engine_name: EngineOpt = "local",
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Ingest articles, find copies, rewrites and stories, and write the report."""
    from storylens.pipeline import ingest
    from storylens.report import build_report, render_html, render_json, render_markdown
    from storylens.store import describe

    db = db_opt or "storylens.db"
    engine = _engine_or_fail(engine_name, workers, address)
    store = _open_store_or_fail(db)
    held_before = store.count_articles() if db_opt is None else 0  # the default store: say what it held
    cb, stop = _progress_printer(not quiet)
    try:
        res = ingest([str(p) for p in paths], store, cb, outlet=(outlet or "").strip()[:200] or None,
                     workers=engine.workers, keep=False, on_wait=_say,
                     engine=engine if engine.distributed else None)
        import time

        t0 = time.perf_counter()
        json_written, json_failed = False, ""
        if json_out is None and md_out is None and html_out is None:
            # no report asked for: the store is the result (the report is built on demand later, by `report`,
            # `serve` or the next analyze with an output), and a corpus-sized report is never held here
            report = None
            held = (store.count_articles(), len(store.get_stories()), len(store.get_derivations()))
        elif md_out is None and html_out is None:
            # only JSON asked for: written as a stream (storylens.report.stream), the report never held whole
            from storylens.report.stream import write_report_file

            report = None

            def stats() -> dict[str, dict[str, float]]:
                if not timings:
                    return {}
                res.timings["report"] = round(time.perf_counter() - t0, 3)
                return {"timings": {**res.timings, **getattr(engine, "timings", {})}}

            try:
                held = write_report_file(store, json_out, res.errors, res.stages, stats)
            except OSError as exc:
                json_failed = f"{json_out}: cannot write the report ({exc.strerror or exc})"
            else:
                json_written = True
                res.timings["report"] = round(time.perf_counter() - t0, 3)
        else:
            report = build_report(store)
            held = (len(report.articles), len(report.stories), len(report.derivations))
            res.timings["report"] = round(time.perf_counter() - t0, 3)
    except Exception as exc:  # noqa: BLE001 - never a traceback; what was committed stays committed
        _store_failure(db, exc)
    finally:
        stop()
        store.close()
        engine.close()
    for err in res.errors:
        typer.echo(f"storylens: {err.source}: {err.reason}", err=True)
    if held_before:
        typer.echo(f"storylens: note: the default store {db} already held {held_before:,} article(s) from earlier "
                   "runs; the report covers them too (--db FILE for a store of this input's own)", err=True)
    if timings:
        res.timings.update(getattr(engine, "timings", {}))  # a distributed engine's start-up and batch jobs
        typer.echo("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in res.timings.items()), err=True)
    if report is not None:
        report.errors = res.errors
        report.stages.update(res.stages)
        if timings:
            report.stats = {"timings": res.timings}
    if json_failed:
        fail(json_failed)
    written = [str(json_out)] if json_written and str(json_out) != "-" else []
    for target, render in ((json_out, render_json), (md_out, render_markdown), (html_out, render_html)):
        if target is None or report is None:
            continue
        text = render(report)
        if str(target) == "-":
            sys.stdout.write(text)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{target}: cannot write the report ({exc.strerror or exc})")
        written.append(str(target))
    if not quiet:
        typer.echo(
            f"{res.count} new article(s), {res.skipped} already stored, "
            + (f"{res.changed} changed under a stored id (kept as stored), " if res.changed else "")
            + f"{len(res.errors)} input error(s); store {describe(db)} holds {held[0]} article(s) in {held[1]} story(ies), "
            f"{held[2]} derivation(s).",
            err=True,
        )
        for w in written:
            typer.echo(f"wrote {w}", err=True)
    if res.errors:
        raise typer.Exit(1)


@app.command("extract")
def extract_cmd(
    file: Annotated[Path, typer.Argument(help="One HTML or plain-text file.")],
    url: Annotated[str | None, typer.Option(help="The page's URL (gives the outlet and helps dating).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the article as JSON.")] = False,
) -> None:
    """Extract one article and print it."""
    from storylens.extract import extract
    from storylens.model import InputError
    from storylens.sources import iter_sources

    if file.is_dir():
        fail(f"{file}: is a folder; extract reads one file (use 'storylens analyze' for folders)", 1)
    doc = next(iter(iter_sources([file])), None)
    if doc is None:
        fail(f"{file}: nothing to read", 1)
        return
    if isinstance(doc, InputError):
        fail(f"{doc.source}: {doc.reason}", 1)
        return
    meta = dict(doc.meta)
    if url:
        meta["url"] = url
    try:
        art = extract(doc.content, url=url, meta=meta, format=doc.format, source=doc.source, raw=doc.raw)
    except Exception as exc:  # noqa: BLE001 - one line for the user
        fail(f"{doc.source}: extraction failed ({exc.__class__.__name__}: {exc})", 1)
        return
    if not art.body:
        typer.echo(f"storylens: {doc.source}: no article text found", err=True)
    if as_json:
        sys.stdout.write(art.model_dump_json(indent=2) + "\n")
    else:
        _print_article(art)
    if not art.body:
        raise typer.Exit(1)


def _print_article(art: Article) -> None:
    typer.echo(f"# {art.title or '(no title)'}")
    typer.echo(f"outlet: {art.outlet or '-'}   published: {art.published or '-'} ({art.published_from or '-'})")
    typer.echo(f"byline: {art.byline or '-'}   language: {art.language or '-'}   confidence: {art.confidence:.2f}")
    typer.echo("")
    typer.echo("\n\n".join(art.body))
    if art.removed:
        typer.echo("\n-- removed --")
        for r in art.removed:
            typer.echo(f"[{r.kind} / {r.rule}] {r.text}")


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="The folder to watch (and its subfolders).")],
    db_opt: Annotated[str | None, typer.Option("--db", help=DB_HELP + " [default: storylens.db]")] = None,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between looks at the folder.", min=0.1)] = 5.0,
    once: Annotated[bool, typer.Option("--once", help="Analyse what is new now and stop.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Outlet of every input that names none.")] = None,
    engine_name: EngineOpt = "local",
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Analyse files as they appear in FOLDER, like `analyze` on each new or changed file; Ctrl-C stops.

    A file is taken once it has not changed for two seconds (one being copied in waits); what was read is
    recorded in the store, so a restarted watch goes on where it stopped."""
    import signal
    import time

    # Ctrl-C (SIGINT) and SIGTERM stop it cleanly, even where it was started with SIGINT ignored (a shell
    # script's `storylens watch DIR &` inherits SIGINT ignored, and Python then leaves it so); set before the
    # heavy imports, so a signal soon after the start stops it cleanly too
    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _stop)
    except ValueError:  # not the main thread (a caller running the command in a thread): its signals, its call
        pass
    from storylens.pipeline import ingest, mark_read, new_files
    from storylens.store import describe

    if not folder.is_dir():
        fail(f"{folder}: not a folder")
    db = db_opt or "storylens.db"
    engine = _engine_or_fail(engine_name, workers, address)
    store = _open_store_or_fail(db)
    cb, stop = _progress_printer(not quiet)
    n_articles = n_errors = 0
    try:
        if not quiet:
            typer.echo(f"watching {folder} for new files (every {interval:g} s; Ctrl-C stops)"
                       if not once else f"reading what is new in {folder}", err=True)
        while True:
            files = new_files(folder, store, settle=0.0 if once else min(2.0, interval))
            if files:
                t0 = time.perf_counter()
                res = ingest([str(f) for f in files], store, cb, outlet=(outlet or "").strip()[:200] or None,
                             workers=engine.workers, keep=False, on_wait=_say,
                             engine=engine if engine.distributed else None)
                mark_read(folder, store, files)
                for err in res.errors:
                    typer.echo(f"storylens: {err.source}: {err.reason}", err=True)
                n_articles += res.count
                n_errors += len(res.errors)
                if not quiet:
                    took = time.perf_counter() - t0
                    typer.echo(f"{time.strftime('%H:%M:%S')} {len(files)} file(s): {res.count} new article(s) "
                               f"({res.count / max(took, 1e-9):.1f}/s), {res.skipped} already stored, "
                               f"{len(res.errors)} input error(s); store {describe(db)} holds "
                               f"{store.count_articles()} article(s) in {len(store.get_stories())} story(ies)",
                               err=True)
            if once:
                if not files and not quiet:
                    typer.echo(f"nothing new in {folder}", err=True)
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        if not quiet:
            typer.echo(f"stopped: {n_articles} new article(s) in this watch; everything committed is kept (an "
                       "interrupted file is read again next time)", err=True)
    except Exception as exc:  # noqa: BLE001 - never a traceback; what was committed stays committed
        _store_failure(db, exc)
    finally:
        stop()
        store.close()
        engine.close()
    if n_errors:
        raise typer.Exit(1)


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="Page URLs to download.")],
    db: DbOpt = "storylens.db",
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private and loopback addresses.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each server.")] = 20.0,
) -> None:
    """Download pages (safely), store the raw HTML, then extract and analyse them."""
    from storylens.pipeline import ingest_docs, run_stages
    from storylens.sources.fetch import fetch_urls
    from storylens.store import StoreError, database_errors, describe

    store = _open_store_or_fail(db)
    try:
        docs = list(fetch_urls(urls, store=store, allow_private=allow_private, timeout=timeout))
        with store.writer_lock(_say):  # one writer at a time (another analyze or fetch waits)
            res = ingest_docs(store, docs)
            res.stages = run_stages(store, res.added)
    except StoreError as exc:
        fail(str(exc))
    except database_errors() as exc:  # locked, disk full, I/O error, server gone: committed batches are kept
        fail(f"{describe(db)}: database error ({' '.join(str(exc).split())}); everything committed so far is kept")
    except Exception as exc:  # noqa: BLE001 - never a traceback
        _internal_error(exc)
    finally:
        store.close()
    if as_json:
        out = {"added": [a.id for a in res.added], "skipped": res.skipped,
               "errors": [e.model_dump() for e in res.errors]}
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        for err in res.errors:
            typer.echo(f"storylens: {err.source}: {err.reason}", err=True)
        for a in res.added:
            typer.echo(f"{a.id}\t{a.outlet or '-'}\t{a.title or '-'}")
    if res.errors:
        raise typer.Exit(1)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Print the report's JSON Schema."""
    from storylens.model import SCHEMA_VERSION, Report

    sch = Report.model_json_schema()
    sch["$id"] = f"https://storylens.invalid/report.schema.json?v={SCHEMA_VERSION}"
    sch["title"] = "storylens report"
    text = json.dumps(sch, indent=2, sort_keys=True) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _register_stage_commands() -> None:
    for name in STAGE_CLIS:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name in (name, name.rsplit(".", 1)[0]):
                continue
            raise
        mod.register(app)


_register_stage_commands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("storylens: interrupted; everything committed so far is kept", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
