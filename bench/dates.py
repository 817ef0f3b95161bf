"""Temporal expressions on TempEval-3 (TBAQ-cleaned): spans and values against the document creation time.

    .venv/bin/python bench/dates.py

Gold: every TIMEX3 in ``<TEXT>``, SET included (DATE, TIME, DURATION and SET).
Rules were written looking at TimeBank, and (from 2026-12-03) at the even-numbered half of AQUAINT's documents in
name order (``AQUAINT dev``); the odd-numbered half (``AQUAINT test``, 36 documents) is held out and the figure
to quote. The whole of AQUAINT is printed too, for comparison with earlier runs (no longer held out).
Scores (TempEval-3's definitions): strict span F1 (same start and end), relaxed span F1 (any overlap, one to one),
value F1 (a relaxed match whose normalised value is the same, over all predictions and all gold).
Baseline in the same run: ``dateparser.search.search_dates`` on each sentence, with the creation time as
``RELATIVE_BASE`` (values as ISO dates).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storylens.nlp.dates import find_dates  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "tempeval3" / "TBAQ-cleaned"
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def load(part: str) -> list[dict]:
    docs = []
    for f in sorted((CORPUS / part).glob("*.tml")):
        raw = f.read_text(encoding="utf-8")
        dct = re.search(r'<DCT><TIMEX3[^>]*value="([^"]+)"', raw)
        body = raw[raw.index("<TEXT>") + 6 : raw.index("</TEXT>")]
        text, gold, pos, open_t = [], [], 0, None
        last = 0
        for m in _TAG.finditer(body):
            chunk = body[last : m.start()]
            text.append(chunk)
            pos += len(chunk)
            last = m.end()
            if m.group(2) == "TIMEX3":
                if m.group(1) == "":
                    open_t = (pos, dict(_ATTR.findall(m.group(3))))
                elif open_t is not None:
                    start, attrs = open_t
                    gold.append((start, pos, attrs.get("type"), attrs.get("value")))
                    open_t = None
        text.append(body[last:])
        ref = dt.date.fromisoformat(dct.group(1)[:10]) if dct else None
        docs.append({"name": f.name, "text": "".join(text), "ref": ref, "gold": gold})
    return docs


def score(docs: list[dict], predict) -> dict:  # noqa: ANN001 - (text, ref) -> [(start, end, value)]
    n_pred = n_gold = strict = relaxed = value = 0
    for d in docs:
        pred = predict(d["text"], d["ref"])
        gold = d["gold"]
        n_pred += len(pred)
        n_gold += len(gold)
        strict += len({(s, e) for s, e, _ in pred} & {(s, e) for s, e, _, _ in gold})
        used: set[int] = set()
        for s, e, v in sorted(pred):
            best = None
            for k, (gs, ge, _t, _gv) in enumerate(gold):
                if k not in used and s < ge and e > gs:
                    best = k
                    break
            if best is not None:
                used.add(best)
                relaxed += 1
                value += int(v == gold[best][3])

    def f(x: int) -> float:
        p, r = x / max(1, n_pred), x / max(1, n_gold)
        return 2 * p * r / (p + r) if p + r else 0.0

    return {"strict": f(strict), "relaxed": f(relaxed), "value": f(value), "pred": n_pred, "gold": n_gold}


def ours(text: str, ref: dt.date | None) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.value) for m in find_dates(text, ref)]


def baseline(text: str, ref: dt.date | None) -> list[tuple[int, int, str]]:
    from dateparser.search import search_dates

    out = []
    base = dt.datetime.combine(ref, dt.time(12)) if ref else None
    for sm in re.finditer(r"[^.!?\n]+[.!?]?", text):
        sent = sm.group(0)
        try:
            got = (
                search_dates(sent, languages=["en"], settings={"RELATIVE_BASE": base} if base else None) or []
            )
        except Exception:  # noqa: BLE001 - the baseline's own failures count as misses
            got = []
        cur = 0
        for phrase, when in got:
            k = sent.find(phrase, cur)
            if k < 0:
                continue
            cur = k + len(phrase)
            out.append((sm.start() + k, sm.start() + k + len(phrase), when.date().isoformat()))
    return out


def main() -> int:
    if not CORPUS.exists():
        print("../shared/corpora/tempeval3 missing", file=sys.stderr)
        return 2
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    print(
        f"## Temporal expressions, TempEval-3 TBAQ ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; commit {commit})\n"
    )
    print("| part | docs | gold | system | strict F1 | relaxed F1 | value F1 | ms/doc |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    aquaint = load("AQUAINT")
    parts = (
        ("TimeBank (rules written on it)", load("TimeBank")),
        ("AQUAINT dev (even half, studied)", aquaint[0::2]),
        ("AQUAINT test (odd half, held out)", aquaint[1::2]),
        ("AQUAINT, all (half studied)", aquaint),
    )
    for label, docs in parts:
        for name, fn in (("storylens", ours), ("dateparser baseline", baseline)):
            t0 = time.perf_counter()
            r = score(docs, fn)
            ms = (time.perf_counter() - t0) * 1000 / max(1, len(docs))
            print(
                f"| {label} | {len(docs)} | {r['gold']} | {name} | {r['strict']:.3f} | {r['relaxed']:.3f} | "
                f"{r['value']:.3f} | {ms:.1f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
