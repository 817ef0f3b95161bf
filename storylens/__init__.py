"""storylens: reconstruct news stories from a pile of articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from storylens.model import Report


def analyze(paths, db: str | None = ":memory:") -> Report:
    """Run every stage on files or folders and return the report (see :func:`storylens.pipeline.analyze`)."""
    from storylens.pipeline import analyze as _analyze

    return _analyze(paths, db=db)


__all__ = ["__version__", "analyze"]
