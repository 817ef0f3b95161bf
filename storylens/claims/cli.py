"""`storylens quotes --batch IN.jsonl --json`: quotes and attributions for scripts; `storylens compare --batch
IN.jsonl --json`: how one claim relates to another (``{id, a, b}`` lines in, ``{id, relation, score, evidence}``
lines out; relation one of same, adds, weakens, contradicts, unrelated).

Each input line is ``{"id": ..., "text": ...}``; each output line ``{"id": ..., "quotes": [{"source": [start,
end] | null, "cue": [start, end], "content": [start, end]}]}`` with character offsets into ``text``. A bad line
is named on stderr in one line (file, line number, reason) and skipped; the exit code is then 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storylens.batch import JsonLines, write_json_line

BATCH = 32


def register(app: typer.Typer) -> None:
    @app.command()
    def compare(
        batch: Annotated[Path, typer.Option("--batch", help="JSONL input, one {id, a, b} object a line.")],
        as_json: JsonLines = False,
    ) -> None:
        """How claim b relates to claim a (same, adds, weakens, contradicts, unrelated) for each line of a batch."""
        from storylens.batch import load_batch

        recs, errors = load_batch(batch, ("a", "b"), max_chars=5000)
        items = [(r["id"], r["a"], r["b"]) for _, r in recs]
        from storylens.claims.compare import compare_many

        for i in range(0, len(items), 256):
            chunk = items[i:i + 256]
            for (ident, _a, _b), r in zip(chunk, compare_many([(a, b) for _, a, b in chunk]), strict=True):
                if as_json:
                    write_json_line({"id": ident, "relation": r.relation, "score": r.score,
                                     "evidence": r.evidence})
                else:
                    typer.echo(f"{ident}: {r.relation} ({r.score:.2f}) {'; '.join(r.evidence)}")
        if errors:
            raise typer.Exit(1)

    @app.command()
    def quotes(
        batch: Annotated[Path, typer.Option("--batch", help="JSONL input, one {id, text} object a line.")],
        as_json: JsonLines = False,
    ) -> None:
        """Quotes and attributions (source, cue, content offsets) for each text of a JSONL batch."""
        from storylens.batch import load_batch
        from storylens.cli import fail

        recs, errors = load_batch(batch, ("text",))
        items = [(r["id"], r["text"]) for _, r in recs]
        try:
            from storylens.claims.quotes import find_quotes_many
        except ImportError as exc:
            fail(str(exc))
        for i in range(0, len(items), BATCH):
            chunk = items[i:i + BATCH]
            try:
                found = find_quotes_many([t for _, t in chunk])
            except ImportError as exc:
                fail(str(exc))
            for (ident, text), qs in zip(chunk, found, strict=True):
                if as_json:
                    write_json_line({"id": ident, "quotes": [q.as_json() for q in qs]})
                    continue
                typer.echo(f"# {ident}: {len(qs)} quote(s)")
                for q in qs:
                    who = q.resolved or q.speaker or "(no source)"
                    body = " ".join(text[q.content[0]:q.content[1]].split())
                    typer.echo(f"  {who} [{text[q.cue[0]:q.cue[1]]}, {q.kind}]: {body[:200]}")
        if errors:
            raise typer.Exit(1)
