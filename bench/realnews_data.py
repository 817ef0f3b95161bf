"""The real-news corpus of the end-to-end benchmark: PolNeAR (train + dev) and the T17 H1N1 articles as JSONL.

PolNeAR: 924 US political articles of 2015-16 by 7 outlets (publisher, date and title from metadata.tsv).
T17 H1N1: 405 BBC, Guardian and Reuters articles of 2009 (Penn-Treebank tokens undone).
Each record: id, outlet, published, title (PolNeAR only), text. Read-only use of ../shared/corpora.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from reuse_data import _HEADER, CORPORA, detokenize

POLNEAR = CORPORA / "polnear"
H1N1 = CORPORA / "t17-h1n1"


def polnear_records(splits: tuple[str, ...] = ("train", "dev")) -> list[dict]:
    with open(POLNEAR / "metadata.tsv", encoding="utf-8") as f:
        meta = {r["filename"]: r for r in csv.DictReader(f, delimiter="\t")}
    out = []
    for split in splits:
        for p in sorted((POLNEAR / split / "text").glob("*.txt")):
            m = meta.get(p.stem, {})
            out.append({"id": p.stem, "outlet": m.get("publisher"), "title": m.get("title"),
                        "published": m.get("publication_date"),
                        "text": p.read_text(encoding="utf-8", errors="replace")})
    return out


def h1n1_records() -> list[dict]:
    out = []
    for outlet in ("bbc", "guardian", "reuters"):
        path = H1N1 / f"H1N1_{outlet}" / "articles.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            paras = [detokenize(x) for x in r["text"].split("\n")]
            if paras:
                paras[0] = _HEADER.sub("", paras[0])
            out.append({"id": f"h1-{outlet}-{int(r['id']):04d}", "outlet": outlet, "published": r["time"],
                        "text": "\n\n".join(p for p in paras if p.strip())})
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


def realnews(path: Path | None = None) -> Path:
    """PolNeAR train + dev and T17 H1N1 in one JSONL file (written once under bench/out)."""
    from reuse_data import OUT

    path = path or OUT / "realnews.jsonl"
    if not path.exists():
        write_jsonl(path, polnear_records() + h1n1_records())
    return path
