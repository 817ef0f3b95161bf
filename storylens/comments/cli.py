"""`storylens stance --batch IN.jsonl --json`: the stance of each text toward a target phrase.

Each input line is ``{"id": ..., "text": ..., "target": ...}``; each output line ``{"id": ..., "stance":
"support"|"oppose"|"neutral", "score": ...}`` (``score``: the probability of that stance), the same judgement the
comment analysis makes toward an article's subject. A bad line is named on stderr in one line (file and line)
and skipped; the exit code is then 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storylens.batch import JsonLines, write_json_line


def register(app: typer.Typer) -> None:
    @app.command()
    def stance(
        batch: Annotated[Path, typer.Option("--batch", help="JSONL input, one {id, text, target} object a line.")],
        as_json: JsonLines = False,
    ) -> None:
        """Stance of each text toward its target: support, oppose or neutral, with a score."""
        from storylens.batch import load_batch
        from storylens.comments.stance import stances

        recs, errors = load_batch(batch, ("text", "target"), max_chars=20_000)
        out = stances([r["text"] for _, r in recs], [r["target"] for _, r in recs])
        for (_, r), s in zip(recs, out, strict=True):
            if as_json:
                write_json_line({"id": r["id"], "stance": s.stance, "score": s.score})
            else:
                typer.echo(f"{r['id']}\t{s.stance}\t{s.score:.2f}")
        if errors:
            raise typer.Exit(1)
