"""A small, deterministic MinHash with LSH banding (numpy; safe in forked workers).

Shingles are hashed with CRC-32 and permuted with multiply-shift hashing, so
signatures are identical across processes and runs.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

_MASK32 = np.uint64(0xFFFFFFFF)


class MinHasher:
    def __init__(self, num_perm: int = 64, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = (rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
        self.b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def signature(self, shingles: Iterable[str]) -> np.ndarray:
        hs = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64)
        if hs.size == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        with np.errstate(over="ignore"):
            v = (hs[:, None] * self.a[None, :] + self.b[None, :]) >> np.uint64(32)
        return (v & _MASK32).min(axis=0).astype(np.uint32)

    @staticmethod
    def jaccard(s1: np.ndarray, s2: np.ndarray) -> float:
        return float(np.mean(s1 == s2))


def band_keys(sig: np.ndarray, bands: int) -> list[str]:
    """One key per band: band number plus a hash of its rows."""
    rows = len(sig) // bands
    out = []
    for b in range(bands):
        chunk = sig[b * rows : (b + 1) * rows].tobytes()
        out.append(f"m{b}:{zlib.crc32(chunk):08x}")
    return out
