"""MinHash signatures and band keys: stable across processes, meeting for near-copies, apart for other texts."""

from __future__ import annotations

import subprocess
import sys

from storylens.nlp.minhash import MinHasher, band_keys
from storylens.reuse.features import shingles

TEXT = ("The ferry between Saltmere and Kelby was cancelled on Thursday after a crack was found in the hull "
        "during a routine inspection, the operator said, and passengers were offered seats on the morning bus. "
        "Repairs are expected to take at least three weeks, and the harbour authority will review its checks.")


def test_signature_is_the_same_in_another_process() -> None:
    here = MinHasher(64, seed=11).signature(shingles(TEXT)).tolist()
    code = ("import sys, json; from storylens.nlp.minhash import MinHasher; from storylens.reuse.features import "
            "shingles; print(json.dumps(MinHasher(64, seed=11).signature(shingles(sys.argv[1])).tolist()))")
    out = subprocess.run([sys.executable, "-c", code, TEXT], capture_output=True, text=True, check=True).stdout
    assert here == [int(x) for x in out.strip()[1:-1].split(",")]


def test_near_copy_shares_band_keys_and_other_text_does_not() -> None:
    h = MinHasher(64, seed=11)
    edited = TEXT.replace("three weeks", "a month")
    other = ("Councillors in Brindlemoor voted to close the Larkspur Street bridge for repairs after engineers "
             "found cracks in two of its four steel supports; buses will be diverted while the work lasts.")
    a, b, c = (h.signature(shingles(t)) for t in (TEXT, edited, other))
    assert MinHasher.jaccard(a, b) > 0.6 > MinHasher.jaccard(a, c)
    ka, kb, kc = (set(band_keys(s, 16)) for s in (a, b, c))
    assert ka & kb and not ka & kc
    assert all(k.startswith("r") for k in ka)


def test_empty_text_has_a_fixed_signature() -> None:
    s = MinHasher(64, seed=11).signature([])
    assert len(s) == 64 and int(s.min()) == 0xFFFFFFFF
