"""Line-level noise detection on linequality-en: storylens's plain-text line classifier vs a C4-style filter.

Each document's lines are joined with newlines and classified; a line is predicted noise when the
extractor keeps it out of the body (C4: when the filter drops it). Gold: label "0" = noise, "1" = content.
Reports precision, recall and F1 of the noise class, and line accuracy, per split and overall.

    .venv/bin/python bench/linequality.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textbench_common import c4_keep, find_corpora  # noqa: E402


def storylens_noise(lines: list[str]) -> list[bool]:
    from storylens.extract.text import line_kinds

    kinds = line_kinds("\n".join(ln.replace("\n", " ") for ln in lines))
    return [k != "body" for k in kinds]


def c4_noise(lines: list[str]) -> list[bool]:
    return [not c4_keep(ln) for ln in lines]


SYSTEMS: dict[str, Callable[[list[str]], list[bool]]] = {"storylens": storylens_noise, "c4-filter": c4_noise}


def score(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(1, len(gold))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"noise_precision": round(prec, 4), "noise_recall": round(rec, 4), "noise_f1": round(f1, 4),
            "accuracy": round(acc, 4), "lines": len(gold)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="documents per split")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    corp = find_corpora()
    if corp is None or not (corp / "linequality-en").is_dir():
        print("linequality: corpus folder shared/corpora/linequality-en not found", file=sys.stderr)
        return 2
    results: dict[str, dict[str, dict[str, float]]] = {}
    all_gold: list[bool] = []
    all_pred: dict[str, list[bool]] = {k: [] for k in SYSTEMS}
    timing: dict[str, float] = dict.fromkeys(SYSTEMS, 0.0)
    for split in ("train", "dev", "test"):
        docs = json.loads((corp / "linequality-en" / f"{split}.json").read_text(encoding="utf-8"))
        if args.limit:
            docs = docs[: args.limit]
        gold = [lab == "0" for d in docs for lab in d["labels"]]
        all_gold.extend(gold)
        results[split] = {}
        for name, fn in SYSTEMS.items():
            t0 = time.perf_counter()
            pred = [p for d in docs for p in fn([str(t) for t in d["text"]])]
            timing[name] += time.perf_counter() - t0
            all_pred[name].extend(pred)
            results[split][name] = score(gold, pred)
    results["all"] = {name: score(all_gold, pred) for name, pred in all_pred.items()}
    for name in SYSTEMS:
        results["all"][name]["lines_per_s"] = round(len(all_gold) / timing[name], 1) if timing[name] else 0.0
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'split':<6} {'system':<10} {'noise P':>8} {'noise R':>8} {'noise F1':>9} {'acc':>6} {'lines':>6}")
        for split, res in results.items():
            for name, r in res.items():
                print(f"{split:<6} {name:<10} {r['noise_precision']:>8.4f} {r['noise_recall']:>8.4f} "
                      f"{r['noise_f1']:>9.4f} {r['accuracy']:>6.4f} {int(r['lines']):>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
