"""Word-level diff of an aligned sentence pair, with the reuse stage's changes marked.

The diff is computed with :mod:`difflib` over whitespace-separated words. Each
side comes back as a list of segments ``(text, css_class, title)`` that a
template renders as spans; text is never pre-escaped here (templates escape).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from storylens.model import AlignedPair, Change, Span

_WORD = re.compile(r"\S+")
MAX_SENTENCE = 2000  # characters shown per sentence


@dataclass(frozen=True)
class Segment:
    text: str
    cls: str = ""  # "", "del", "ins", optionally followed by " chg chg-<kind>"
    title: str = ""


def _locate(sentence: str, span: Span) -> tuple[int, int] | None:
    """Character range of ``span`` in ``sentence``: its offsets when they agree, else a search."""
    if not span.text:
        return None
    if span.start is not None and span.end is not None and sentence[span.start : span.end] == span.text:
        return span.start, span.end
    i = sentence.find(span.text)
    if i < 0:
        i = sentence.lower().find(span.text.lower())
    return (i, i + len(span.text)) if i >= 0 else None


def _segments(sentence: str, ops: list[str], marks: list[tuple[int, int, str, str]]) -> list[Segment]:
    words = list(_WORD.finditer(sentence))
    out: list[Segment] = []
    pos = 0
    for m, op in zip(words, ops, strict=True):
        if m.start() > pos:
            out.append(Segment(sentence[pos : m.start()]))
        cls = op
        title = ""
        for start, end, kind, note in marks:
            if m.start() < end and start < m.end():
                cls = (cls + f" chg chg-{kind}").strip()
                title = note
                break
        out.append(Segment(m.group(), cls, title))
        pos = m.end()
    if pos < len(sentence):
        out.append(Segment(sentence[pos:]))
    # merge neighbours of the same class (whitespace between equal classes joins them)
    merged: list[Segment] = []
    for seg in out:
        if merged and (merged[-1].cls, merged[-1].title) == (seg.cls, seg.title):
            merged[-1] = Segment(merged[-1].text + seg.text, seg.cls, seg.title)
        elif merged and not seg.text.strip() and merged[-1].cls == "":
            merged[-1] = Segment(merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return merged


def word_diff(
    source: str, derived: str, changes: list[Change] | None = None
) -> tuple[list[Segment], list[Segment]]:
    """Diff two sentences word by word; mark removed words (source side), added words (derived
    side), and the spans of ``changes`` on both sides with the change's kind and explanation."""
    source = source[:MAX_SENTENCE]
    derived = derived[:MAX_SENTENCE]
    a = [m.group() for m in _WORD.finditer(source)]
    b = [m.group() for m in _WORD.finditer(derived)]
    a_ops = [""] * len(a)
    b_ops = [""] * len(b)
    sm = difflib.SequenceMatcher(None, [w.lower() for w in a], [w.lower() for w in b], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag in ("replace", "delete"):
            for i in range(i1, i2):
                a_ops[i] = "del"
        if tag in ("replace", "insert"):
            for j in range(j1, j2):
                b_ops[j] = "ins"
    a_marks: list[tuple[int, int, str, str]] = []
    b_marks: list[tuple[int, int, str, str]] = []
    for ch in changes or []:
        note = f"{ch.kind}: {ch.explanation}"
        if (r := _locate(source, ch.source)) is not None:
            a_marks.append((r[0], r[1], ch.kind, note))
        if (r := _locate(derived, ch.derived)) is not None:
            b_marks.append((r[0], r[1], ch.kind, note))
    return _segments(source, a_ops, a_marks), _segments(derived, b_ops, b_marks)


def pair_changes(pair: AlignedPair, changes: list[Change]) -> list[Change]:
    """The changes that belong to one aligned pair."""
    return [c for c in changes if c.source_index == pair.source_index and c.derived_index == pair.derived_index]
