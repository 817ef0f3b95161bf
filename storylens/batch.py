"""The JSONL input of the batch commands (`quotes`, `compare`, `dates`): one object a line, checked alike.

A line that is not JSON, not an object, without an ``id`` (string or number) or without one of the string
fields the command needs is named on stderr in one line (file, line number, reason) and skipped; the command
goes on and exits with 1. Strings are cut at ``max_chars``; a lone surrogate in them becomes U+FFFD.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

# the --json flag every batch command takes, and the line it writes per input line
JsonLines = Annotated[bool, typer.Option("--json", help="Write one JSON line per input line.")]


def _clean(text: str, max_chars: int) -> str:
    """``text`` cut at ``max_chars``, a lone surrogate (valid JSON, ``"\\ud800"``, but no character) replaced by
    U+FFFD, so every offset into the text stays the same and the text can be encoded."""
    from storylens.nlp.text import storable

    return storable(text[:max_chars])


def write_json_line(obj: dict[str, Any]) -> None:
    """One JSON line; the line and paragraph separators a text may hold are escaped, so a reader that splits on
    any line break (Python's ``str.splitlines``) still sees one line per object."""
    line = json.dumps(obj, ensure_ascii=False)
    for ch, esc in (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085")):
        line = line.replace(ch, esc)
    sys.stdout.write(line + "\n")


def read_batch(path: Path, strings: tuple[str, ...], max_chars: int = 200_000
               ) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """``(line number, record)`` for each good line, and one message per bad line."""
    items: list[tuple[int, dict[str, Any]]] = []
    errors: list[str] = []
    wanted = ", ".join(repr(k) for k in ("id", *strings))
    with path.open(encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(rec, dict):
                errors.append(f"{path}:{n}: expected an object with {wanted}")
                continue
            bad = [k for k in strings if not isinstance(rec.get(k), str)]
            if bad:
                errors.append(f"{path}:{n}: {' and '.join(repr(k) for k in bad)} missing or not a string")
                continue
            if "id" not in rec or isinstance(rec["id"], bool) or not isinstance(rec["id"], (str, int)):
                errors.append(f"{path}:{n}: 'id' is missing or not a string or number")
                continue
            if isinstance(rec["id"], str):
                rec["id"] = _clean(rec["id"], max_chars)
            items.append((n, {**rec, **{k: _clean(rec[k], max_chars) for k in strings}}))
    return items, errors


def load_batch(batch: Path, strings: tuple[str, ...], max_chars: int = 200_000
               ) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """:func:`read_batch` for a command: a missing or unreadable file ends it with one line (exit code 2),
    bad lines are reported on stderr and returned, so the command can exit with 1 when it is done."""
    from storylens.cli import fail

    if not batch.is_file():
        fail(f"{batch}: no such file")
    try:
        items, errors = read_batch(batch, strings, max_chars)
    except OSError as exc:
        fail(f"{batch}: cannot read ({exc.strerror or exc})")
    for e in errors:
        typer.echo(f"storylens: {e}", err=True)
    return items, errors
