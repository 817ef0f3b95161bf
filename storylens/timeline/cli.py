"""`storylens dates --batch IN.jsonl --json`: temporal expressions resolved against a reference date.

Each input line is ``{"id": ..., "text": ..., "ref": "2025-02-03"}`` (``ref``, the publication date, optional);
each output line ``{"id": ..., "mentions": [{"text", "start", "end", "value", "granularity", "type"}]}`` with
character offsets into ``text`` and ISO 8601 values (``2025-01-31``, ``2025-01``, ``2025-W05``, ``2025-H2``,
``P5Y``, ``PRESENT_REF``). A bad line is named on stderr in one line and skipped; the exit code is then 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from storylens.batch import JsonLines, write_json_line


def register(app: typer.Typer) -> None:
    @app.command()
    def timeline(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders, read as `analyze` reads them.")],
        max_dates: Annotated[int | None, typer.Option("--max-dates", min=1, help="Keep the K most important days.")] = None,
        json_out: Annotated[Path | None, typer.Option("--json", help="Write the timeline as JSON here ('-' for stdout).")] = None,
        db: Annotated[str, typer.Option("--db", help="Store to use: a SQLite file or a postgresql:// URL (default: in memory).")] = ":memory:",
    ) -> None:
        """One timeline for a corpus treated as one storyline: its most reported days, with sources."""
        from storylens.cli import fail
        from storylens.pipeline import ingest
        from storylens.report import build_report
        from storylens.store import StoreError, open_store
        from storylens.timeline.corpus import corpus_timeline

        try:
            store = open_store(db)
        except StoreError as exc:
            fail(str(exc))
        try:
            res = ingest([str(p) for p in paths], store)
            report = build_report(store, summaries=False)
        finally:
            store.close()
        for e in res.errors:
            typer.echo(f"storylens: {e.source}: {e.reason}", err=True)
        events = corpus_timeline(report, max_dates)
        payload = json.dumps({"timeline": [e.model_dump(mode="json") for e in events]}, ensure_ascii=False, indent=1)
        if json_out is None or str(json_out) == "-":
            if json_out is None:
                for e in events:
                    typer.echo(f"{e.date}  [{e.independent_sources} source(s)] {e.text[:160]}")
            else:
                sys.stdout.write(payload + "\n")
        else:
            try:
                json_out.write_text(payload + "\n", encoding="utf-8")
            except OSError as exc:
                fail(f"{json_out}: cannot write ({exc.strerror or exc})")
            typer.echo(f"wrote {json_out}", err=True)
        if res.errors:
            raise typer.Exit(1)

    @app.command()
    def dates(
        batch: Annotated[Path, typer.Option("--batch", help="JSONL input, one {id, text, ref} object a line.")],
        as_json: JsonLines = False,
    ) -> None:
        """Temporal expressions of each text, resolved against its reference (publication) date."""
        from storylens.batch import load_batch
        from storylens.nlp.dates import find_dates

        recs, errors = load_batch(batch, ("text",))
        items = []
        for n, r in recs:
            try:
                ref = dt.date.fromisoformat(str(r["ref"])[:10]) if r.get("ref") is not None else None
            except ValueError:
                errors.append(f"{batch}:{n}: 'ref' is not an ISO date (YYYY-MM-DD)")
                typer.echo(f"storylens: {errors[-1]}", err=True)
                continue
            items.append((r["id"], r["text"], ref))
        for ident, text, ref in items:
            found = find_dates(text, ref)
            if as_json:
                write_json_line({"id": ident, "mentions": [
                    {"text": m.text, "start": m.start, "end": m.end, "value": m.value, "granularity": m.granularity,
                     "type": m.type} for m in found]})
            else:
                typer.echo(f"# {ident}: {len(found)} date(s)")
                for m in found:
                    typer.echo(f"  {m.text!r} -> {m.value} ({m.granularity})")
        if errors:
            raise typer.Exit(1)
