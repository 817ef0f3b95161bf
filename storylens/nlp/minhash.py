"""MinHash signatures (rensa) with LSH banding.

rensa's ``RMinHash`` hashes shingles in Rust with a fixed seed, so a text's signature is the same in every
process and run (band keys are stored and must stay comparable). Measured against the numpy multiply-shift
MinHash it replaced and datasketch: `bench/reuse_scale.py`. rensa has been seen to hang in workers started
with ``fork``: a parallel engine must start its workers with ``spawn``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np
from rensa import RMinHash

KEY_PREFIX = "r"  # band keys of rensa signatures; "m" was the numpy MinHash of storylens 0.1 stores


class MinHasher:
    def __init__(self, num_perm: int = 64, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed

    def signature(self, shingles: Iterable[str]) -> np.ndarray:
        items = list(shingles)
        if not items:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        m = RMinHash(num_perm=self.num_perm, seed=self.seed)
        m.update(items)
        return np.asarray(m.digest(), dtype=np.uint32)

    @staticmethod
    def jaccard(s1: np.ndarray, s2: np.ndarray) -> float:
        return float(np.mean(s1 == s2))


def band_keys(sig: np.ndarray, bands: int) -> list[str]:
    """One key per band: band number plus a hash of its rows."""
    rows = len(sig) // bands
    out = []
    for b in range(bands):
        chunk = sig[b * rows : (b + 1) * rows].tobytes()
        out.append(f"{KEY_PREFIX}{b}:{zlib.crc32(chunk):08x}")
    return out
