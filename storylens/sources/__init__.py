"""Readers: files, folders, JSONL, RSS/Atom, WARC and URLs -> raw documents.

Readers never raise on bad input: they yield :class:`~storylens.model.InputError`
items naming the file (and line or record) and the reason, and go on.
"""

from storylens.sources.readers import (
    MAX_BYTES,
    InputProblem,
    RawDoc,
    decode_bytes,
    iter_sources,
    list_files,
    max_bytes_limit,
)

__all__ = ["MAX_BYTES", "InputProblem", "RawDoc", "decode_bytes", "iter_sources", "list_files", "max_bytes_limit"]
