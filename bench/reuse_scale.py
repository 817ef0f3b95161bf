"""Scale of fingerprinting and candidate search: synthetic documents with planted copies and near-copies.

Run: .venv/bin/python bench/reuse_scale.py [--sizes 10000 100000]

Each size runs in its own process (peak memory = that process's max RSS). Compared
in the same run with datasketch and rensa (MinHash + LSH at the same number of
permutations and bands). Documents are 80 words from a 20k-word
vocabulary; 5% are exact copies and 5% near-copies (10% of words replaced) of
earlier documents. For the embedding part of the index, documents get random unit
vectors (the planted ones a perturbed copy of their original's): embeddings
themselves are not timed here.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_docs(n: int, seed: int = 5) -> tuple[list[str], list[tuple[int, int]], np.ndarray]:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(20000)]
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()
    docs: list[str] = []
    planted: list[tuple[int, int]] = []
    vecs = rng.standard_normal((n, 64)).astype(np.float32)
    for i in range(n):
        r = rng.random()
        if i > 10 and r < 0.05:
            j = int(rng.integers(0, i))
            docs.append(docs[j])
            planted.append((j, i))
            vecs[i] = vecs[j]
        elif i > 10 and r < 0.10:
            j = int(rng.integers(0, i))
            ws = docs[j].split()
            for k in rng.choice(len(ws), size=len(ws) // 10, replace=False):
                ws[int(k)] = vocab[int(rng.integers(0, len(vocab)))]
            docs.append(" ".join(ws))
            planted.append((j, i))
            vecs[i] = vecs[j] + 0.3 * rng.standard_normal(64).astype(np.float32)
        else:
            docs.append(" ".join(vocab[int(k)] for k in rng.choice(len(vocab), size=80, p=zipf)))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return docs, planted, vecs


def run_storylens(docs: list[str], vecs: np.ndarray) -> dict[str, float]:
    from storylens.reuse import index as ix
    from storylens.reuse.features import shingles, text_hash

    t0 = time.perf_counter()
    feats = []
    for i, d in enumerate(docs):
        feats.append(SimpleNamespace(id=str(i), hash=text_hash(d), shingles=shingles(d), doc=vecs[i]))
    keys = [ix.copy_keys(f) for f in feats]
    t_fp = time.perf_counter() - t0
    old_planes = ix._PLANES
    ix._PLANES = None
    index = ix.Index()
    t0 = time.perf_counter()
    found: set[tuple[int, int]] = set()
    n_cand = 0
    for f in feats:
        c = index.query(f)  # type: ignore[arg-type]
        n_cand += len(c)
        for x in c:
            found.add((int(x), int(f.id)))
        index.add(f)  # type: ignore[arg-type]
    t_q = time.perf_counter() - t0
    ix._PLANES = old_planes
    del keys
    return {"fingerprint_s": t_fp, "search_s": t_q, "candidates_per_doc": n_cand / len(docs), "found": found}


def run_datasketch(docs: list[str]) -> dict[str, float]:
    from datasketch import MinHash, MinHashLSH

    from storylens.reuse.features import shingles
    from storylens.reuse.index import BANDS, NUM_PERM

    t0 = time.perf_counter()
    mhs = []
    for d in docs:
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingles(d)])
        mhs.append(m)
    t_fp = time.perf_counter() - t0
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, NUM_PERM // BANDS))
    t0 = time.perf_counter()
    found: set[tuple[int, int]] = set()
    n_cand = 0
    for i, m in enumerate(mhs):
        c = lsh.query(m)
        n_cand += len(c)
        for x in c:
            found.add((int(x), i))
        lsh.insert(str(i), m)
    t_q = time.perf_counter() - t0
    return {"fingerprint_s": t_fp, "search_s": t_q, "candidates_per_doc": n_cand / len(docs), "found": found}


def run_rensa(docs: list[str]) -> dict[str, float]:
    from rensa import RMinHash, RMinHashLSH

    from storylens.reuse.features import shingles
    from storylens.reuse.index import BANDS, NUM_PERM

    t0 = time.perf_counter()
    mhs = []
    for d in docs:
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update(list(shingles(d)))
        mhs.append(m)
    t_fp = time.perf_counter() - t0
    lsh = RMinHashLSH(threshold=0.5, num_perm=NUM_PERM, num_bands=BANDS)
    t0 = time.perf_counter()
    found: set[tuple[int, int]] = set()
    n_cand = 0
    for i, m in enumerate(mhs):
        c = lsh.query(m)
        n_cand += len(c)
        for x in c:
            found.add((int(x), i))
        lsh.insert(i, m)
    t_q = time.perf_counter() - t0
    return {"fingerprint_s": t_fp, "search_s": t_q, "candidates_per_doc": n_cand / len(docs), "found": found}


def one(n: int, which: str) -> dict[str, object]:
    docs, planted, vecs = make_docs(n)
    if which == "storylens":
        res = run_storylens(docs, vecs)
    elif which == "rensa":
        res = run_rensa(docs)
    else:
        res = run_datasketch(docs)
    found = res.pop("found")
    assert isinstance(found, set)
    res["recall"] = sum(1 for p in planted if p in found) / len(planted)
    res["docs"] = n
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--one", nargs=2, metavar=("N", "WHICH"))
    ap.add_argument("--systems", nargs="+", default=["storylens", "datasketch", "rensa"])
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1])))
        return 0
    # baseline memory of a process that only builds the documents
    for n in args.sizes:
        for which in args.systems:
            out = subprocess.run([sys.executable, __file__, "--one", str(n), which], capture_output=True, text=True,
                                 check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            fp, sq = r["fingerprint_s"], r["search_s"]
            print(f"{which:10s} n={n:>6}: fingerprint {n / fp:>8.0f} docs/s ({fp:.1f}s), candidate search "
                  f"{n / sq:>8.0f} docs/s ({sq:.1f}s), {r['candidates_per_doc']:.2f} candidates/doc, "
                  f"planted recall {r['recall']:.3f}, peak RSS {r['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
