"""Estimated publication dates: hide the date of an article whose date is known, estimate it, compare.

    .venv/bin/python bench/estimate_dates.py [--db STORE]

Runs ``storylens analyze`` on the real-news corpus (``bench/out/realnews.jsonl``: PolNeAR + T17 H1N1) unless
``--db`` names a store it already wrote; then, for every dated article in a story with another dated article,
the facts stage's estimate is computed as if that article had no date (its claims re-read without a
publication date; the story's other articles as they are). Reports how many articles get an estimate, the
share whose range holds the true date, and the median range width in days (an open side counts as
unbounded and is reported apart). Baseline in the same run: the range from the story's first to last
publication date of the other articles.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from storylens.claims import claims as claimmod  # noqa: E402
from storylens.claims.facts import align_story, estimate_dates  # noqa: E402
from storylens.claims.stage import article_claims  # noqa: E402
from storylens.nlp import annotate  # noqa: E402
from storylens.store.sqlite import SQLiteStore  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    db = args.db
    if db is None:
        from realnews_data import realnews

        db = Path(tempfile.mkdtemp()) / "est.db"
        subprocess.run([str(ROOT / ".venv" / "bin" / "storylens"), "analyze", str(realnews()), "--db", str(db), "-q"],
                       check=False)
    store = SQLiteStore(str(db))
    n = got = holds = 0
    widths: list[int] = []
    open_sided = 0
    base_holds = 0
    for story in sorted(store.get_stories(), key=lambda s: s.id):
        if len(story.article_ids) < 2:
            continue
        arts = store.get_articles(story.article_ids)
        dated = [a for a in arts if a.published is not None]
        if len(dated) < 2:
            continue
        claims = article_claims(store, arts)
        vectors = annotate.sentence_vectors(store, arts)
        ders = [d for d in store.get_derivations({a.id for a in arts})
                if d.source_id in story.article_ids and d.derived_id in story.article_ids]
        for a in dated:
            n += 1
            truth = a.published_date()
            hidden = a.model_copy(update={"published": None})
            others = [x for x in arts if x.id != a.id] + [hidden]
            cl = dict(claims)
            cl[a.id] = claimmod.extract_claims(hidden)
            est = estimate_dates(align_story(story, others, cl, vectors, ders)).get(a.id)
            days = sorted(x.published_date() for x in dated if x.id != a.id)
            base_holds += int(days[0] <= truth <= days[-1])
            if est is None:
                continue
            got += 1
            ok = (est.earliest is None or est.earliest <= truth) and (est.latest is None or truth <= est.latest)
            holds += int(ok)
            if est.earliest is not None and est.latest is not None:
                widths.append((est.latest - est.earliest).days + 1)
            else:
                open_sided += 1
    print("| articles with a hidden date | estimated | range holds the true date | median width (days, both sides bounded) "
          "| open-sided | baseline: other articles' first..last date holds it |")
    print("|---:|---:|---:|---:|---:|---:|")
    med = statistics.median(widths) if widths else float("nan")
    print(f"| {n} | {got} ({got / max(1, n):.0%}) | {holds / max(1, got):.1%} | {med:.0f} | {open_sided} | "
          f"{base_holds / max(1, n):.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
