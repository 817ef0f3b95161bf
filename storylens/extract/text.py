"""Plain text -> Article."""

from __future__ import annotations

from storylens.model import Article


def extract_text(text: str) -> Article:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = None
    if len(lines) > 1 and len(lines[0]) < 200 and not lines[0].endswith("."):
        title = lines.pop(0)
    return Article(id="", content_hash="", format="text", title=title, title_from="text" if title else None,
                   body=lines, confidence=0.5)
