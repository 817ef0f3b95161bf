"""`storylens diff ID_A ID_B`: two articles side by side, aligned sentence by sentence, changes marked."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from storylens.model import Change, Derivation


def _mark(text: str, spans: list[tuple[int, int]], style: str) -> object:
    from rich.text import Text

    t = Text(text)
    for s, e in spans:
        t.stylize(style, s, e)
    return t


def _word_diff(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words that differ between two aligned sentences."""
    import difflib
    import re

    ta = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"\S+", a)]
    tb = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"\S+", b)]
    sm = difflib.SequenceMatcher(a=[t[0] for t in ta], b=[t[0] for t in tb], autojunk=False)
    sa, sb = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            sa.append((ta[i1][1], ta[i2 - 1][2]))
        if j2 > j1:
            sb.append((tb[j1][1], tb[j2 - 1][2]))
    return sa, sb


def render(d: Derivation, console: object) -> None:
    from rich.table import Table

    head = (f"{d.derived_id} derives from {d.source_id}: {d.kind}, score {d.score:.2f}, "
            f"coverage {d.coverage:.0%}, source kept {d.source_kept:.0%}")
    console.print(head, style="bold")  # type: ignore[attr-defined]
    console.print(f"direction from {d.direction_from} (confidence {d.direction_confidence:.2f})")  # type: ignore[attr-defined]
    for e in d.direction_evidence:
        console.print(f"  - {e}")  # type: ignore[attr-defined]
    if d.attribution:
        console.print(f"attribution: {d.attribution_evidence}")  # type: ignore[attr-defined]
    else:
        console.print("attribution: none (the derived article does not name or link the source)")  # type: ignore[attr-defined]
    by_pair: dict[tuple[int, int], list[Change]] = {}
    for c in d.changes:
        by_pair.setdefault((c.source_index, c.derived_index), []).append(c)
    table = Table(show_lines=True, expand=True)
    table.add_column(f"source {d.source_id}", ratio=1)
    table.add_column(f"derived {d.derived_id}", ratio=1)
    table.add_column("sim", width=5)
    for p in d.pairs:
        sa, sb = _word_diff(p.source_text, p.derived_text)
        ch = by_pair.get((p.source_index, p.derived_index), [])
        left = _mark(p.source_text, sa, "red")
        right = _mark(p.derived_text, sb, "green")
        for c in ch:
            if c.source.start is not None and c.source.end is not None:
                left.stylize("bold reverse", c.source.start, c.source.end)  # type: ignore[attr-defined]
            if c.derived.start is not None and c.derived.end is not None:
                right.stylize("bold reverse", c.derived.start, c.derived.end)  # type: ignore[attr-defined]
        table.add_row(left, right, f"{p.similarity:.2f}")
    console.print(table)  # type: ignore[attr-defined]
    if d.changes:
        console.print("changes of substance:", style="bold")  # type: ignore[attr-defined]
        for c in d.changes:
            console.print(f"  [{c.kind}] \"{c.source.text}\" -> \"{c.derived.text}\": {c.explanation}",  # type: ignore[attr-defined]
                          markup=False)
    if d.omitted:
        console.print(f"{len(d.omitted)} source sentence(s) left out; {len(d.added)} derived sentence(s) added.")  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff(
        id_a: Annotated[str, typer.Argument(help="An article id.")],
        id_b: Annotated[str, typer.Argument(help="Another article id.")],
        db: Annotated[str, typer.Option("--db", help="SQLite database file.")] = "storylens.db",
        as_json: Annotated[bool, typer.Option("--json", help="Print the derivation as JSON.")] = False,
    ) -> None:
        """Show how one article was derived from the other: aligned sentences and changes of substance."""
        from storylens.reuse.core import explain_pair
        from storylens.store import describe, open_store, store_exists

        def fail(msg: str) -> None:
            typer.echo(f"storylens: error: {msg}", err=True)
            raise typer.Exit(2)

        if not store_exists(db):
            fail(f"{describe(db)}: no such database")
        try:
            store = open_store(db)
        except Exception as exc:  # noqa: BLE001 - one line for the user
            fail(f"{describe(db)}: cannot open database ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})")
            return
        try:
            a, b = store.get_article(id_a), store.get_article(id_b)
        finally:
            store.close()
        for aid, art in ((id_a, a), (id_b, b)):
            if art is None:
                fail(f"{db}: no article with id {aid}")
        assert a is not None and b is not None
        d = explain_pair(a, b)
        if as_json:
            out = d.model_dump(mode="json") if d else {"source_id": None, "derived_id": None, "derivation": None,
                                                       "reason": "neither article derives from the other"}
            sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
            return
        if d is None:
            typer.echo(f"{id_a} and {id_b}: neither derives from the other (no ordered run of close paraphrases).")
            return
        from rich.console import Console

        render(d, Console())
