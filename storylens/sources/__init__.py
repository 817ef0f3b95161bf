"""Readers: files, folders, JSONL, RSS/Atom, WARC and URLs -> raw documents.

Readers never raise on bad input: they yield :class:`~storylens.model.InputError`
items naming the file (and line or record) and the reason, and go on.
"""

from storylens.sources.readers import MAX_BYTES, RawDoc, decode_bytes, iter_sources

__all__ = ["MAX_BYTES", "RawDoc", "decode_bytes", "iter_sources"]
