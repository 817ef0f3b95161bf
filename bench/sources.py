"""Benchmark the readers and the store.

1. Encoding detection: the body text of WCXB pages, encoded in Windows-1252 (Western text with curly quotes,
   dashes, accents) and, for a Japanese sample, in Shift_JIS and EUC-JP; how often ``decode_bytes`` gives
   back the exact text, against charset-normalizer's best guess alone (the peer).
2. Reading: ``iter_sources`` over the 711 WCXB ``.html.gz`` pages (decompress, sniff, decode).
3. Store: articles per second written in batches of 64 (one transaction each) against one transaction
   per article (the peer).

Run: .venv/bin/python bench/sources.py
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
WCXB = CORPORA / "wcxb-dev-articles"

JA_SENTENCES = [
    "東京都は5日、新しい防災計画を発表した。", "知事は記者会見で「住民の安全を最優先にする」と述べた。",
    "計画には避難所の増設や備蓄の拡充が含まれる。", "都によると、計画は来年度から実施される予定だ。",
    "専門家は一定の評価をしつつ、財源の確保が課題だと指摘した。", "区の担当者は説明会を開く方針を示した。",
]


def _wcxb_texts(limit: int) -> list[str]:
    out = []
    for f in sorted((WCXB / "ground-truth").glob("*.json"))[:limit]:
        rec = json.loads(f.read_text("utf-8"))
        text = (rec.get("ground_truth") or {}).get("main_content") or ""
        if len(text) > 200:
            out.append(text[:4000])
    return out


def bench_encodings() -> dict[str, object]:
    from charset_normalizer import from_bytes

    from storylens.sources import InputProblem, decode_bytes

    rng = random.Random(3)
    samples: list[tuple[str, str]] = []
    for text in _wcxb_texts(400):
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            continue
        if any(ord(c) > 127 for c in text):  # only texts where the encoding matters
            samples.append((text, "cp1252"))
    for _ in range(100):
        ja = "".join(rng.sample(JA_SENTENCES, 4))
        samples.append((ja, "shift_jis"))
        samples.append((ja, "euc_jp"))
    result: dict[str, object] = {}
    for enc in ("cp1252", "shift_jis", "euc_jp"):
        group = [t for t, e in samples if e == enc]
        ours = peer = 0
        t_ours = t_peer = 0.0
        for text in group:
            data = text.encode(enc)
            t0 = time.perf_counter()
            with contextlib.suppress(InputProblem):
                ours += decode_bytes(data) == text
            t1 = time.perf_counter()
            best = from_bytes(data).best()
            peer += best is not None and str(best) == text
            t2 = time.perf_counter()
            t_ours += t1 - t0
            t_peer += t2 - t1
        result[enc] = {"n": len(group), "decode_bytes_exact": ours, "charset_normalizer_exact": peer,
                       "decode_bytes_ms_per_doc": round(1000 * t_ours / max(1, len(group)), 2),
                       "charset_normalizer_ms_per_doc": round(1000 * t_peer / max(1, len(group)), 2)}
    return result


def bench_reading() -> dict[str, object]:
    from storylens.model import InputError
    from storylens.sources import iter_sources

    files = sorted((WCXB / "html").glob("*.html.gz"))
    t0 = time.perf_counter()
    n_docs = n_err = 0
    chars = 0
    for item in iter_sources([WCXB / "html"]):
        if isinstance(item, InputError):
            n_err += 1
        else:
            n_docs += 1
            chars += len(item.content)
    dt = time.perf_counter() - t0
    return {"files": len(files), "docs": n_docs, "errors": n_err, "seconds": round(dt, 2),
            "docs_per_s": round(n_docs / dt, 1), "mb_per_s": round(chars / dt / 1e6, 1)}


def bench_store(n: int = 2000) -> dict[str, object]:
    from storylens.model import Article
    from storylens.store import open_store

    arts = [Article(id=f"a{i}", content_hash=f"{i:064d}", title=f"Title {i}",
                    body=[f"Paragraph {i} about the harbour ferry and the council.", f"Second paragraph {i}."])
            for i in range(n)]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        st = open_store(str(Path(tmp) / "batch.db"))
        t0 = time.perf_counter()
        for i in range(0, n, 64):
            st.add_articles(arts[i: i + 64])
        out["batch64_articles_per_s"] = round(n / (time.perf_counter() - t0))
        st.close()
        st = open_store(str(Path(tmp) / "single.db"))
        t0 = time.perf_counter()
        for a in arts:
            st.add_articles([a])
        out["per_article_tx_articles_per_s"] = round(n / (time.perf_counter() - t0))
        st.close()
    out["ratio"] = round(out["batch64_articles_per_s"] / out["per_article_tx_articles_per_s"], 2)
    return out


def main() -> None:
    if not WCXB.is_dir():
        print("../shared/corpora/wcxb-dev-articles not present", file=sys.stderr)
        sys.exit(0)
    results = {"encodings": bench_encodings(), "reading": bench_reading(), "store": bench_store()}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
