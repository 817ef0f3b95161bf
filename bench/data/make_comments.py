"""Write the labelled comment set, bench/data/comments_labelled.jsonl, from comment_topics.py (seeded).

Each line is one invented article with its comment section and labels:
``{id, split, outlet, title, published, text, comments: [{position, author, text, published, kind, stance}],
gold_flags: {author: [kind, ...]}}``. ``kind`` is the account's kind: ``genuine`` (readers who disagree with
each other; some post twice, on the same side or with a question), ``sockpuppet`` (one account posting on both
sides: gold ``both_sides``), ``campaign`` (several accounts posting one message with small edits, some under more
than one article: gold ``templated``), ``generic`` (stock praise or abuse that ignores the article: gold
``generic``), ``burst`` (three or four comments within four minutes: gold ``burst``). ``stance`` is the gold stance
toward the article's subject where the comment takes one (genuine, sock-puppet and burst comments).
The first five articles are for tuning (``split: tune``), the last three are kept unseen (``split: unseen``).

Run: .venv/bin/python bench/data/make_comments.py
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from comment_topics import CAMPAIGNS, GENERIC, TOPICS  # noqa: E402

FIRST = ["anna", "ben", "carys", "dev", "ellie", "finn", "gwen", "hugh", "isla", "jas", "kofi", "lena", "marcus",
         "nia", "owen", "pippa", "raj", "sian", "tomasz", "una", "vik", "wendy", "yusuf", "zara", "bryn", "cath",
         "dom", "esme", "gary", "hana", "ivor", "jules", "kit", "lou", "mo", "ned", "olu", "pat", "rhys", "sam"]
LAST = ["_h", "1984", "_from_town", ".k", "_writes", "77", "b", "_m", "_local", "_says", "2", "_p", "w", "_jones",
        "_r", "_t", "_lee", "99", "_x", "_evans"]


def handle(rng: random.Random, used: set[str]) -> str:
    while True:
        f = rng.choice(FIRST)
        style = rng.random()
        if style < 0.35:
            name = f.capitalize() + " " + rng.choice("ABCDEFGHJKLMNPRSTW") + "."
        elif style < 0.7:
            name = f + rng.choice(LAST)
        else:
            name = f.capitalize() + rng.choice(["Watcher", "OfTheNorth", "Reader", "Local", "Mum", "Dad", "Voice"])
        if name not in used:
            used.add(name)
            return name


def small_edit(text: str, rng: random.Random) -> str:
    """A copy-paste with one or two small edits (case, punctuation, a word, a hashtag, a lead-in)."""
    ops = rng.sample(range(6), rng.choice([1, 2]))
    for op in ops:
        if op == 0:
            w = text.split(" ", 1)
            text = w[0].upper() + " " + w[1] if len(w) == 2 else text
        elif op == 1:
            text = text.replace("!", "!!") if "!" in text else text + "!"
        elif op == 2:
            text = text.rsplit(" #", 1)[0] if " #" in text else text + " #SayNo"
        elif op == 3:
            text = rng.choice(["Honestly, ", "Agreed. ", "Simple: ", "Say it loud: "]) + text[0].lower() + text[1:]
        elif op == 4:
            text = text.replace("today", "now").replace("years", "far too long").replace("please", "")
        else:
            text = text.replace(".", "").lower() if rng.random() < 0.5 else text.replace(" the ", " our ", 1)
    return " ".join(text.split())


def build() -> list[dict]:
    rng = random.Random(14)
    out = []
    campaign_accounts = [[] for _ in CAMPAIGNS]  # accounts reused across articles by the same campaign
    for n, t in enumerate(TOPICS):
        used: set[str] = set()
        base = dt.datetime(2026, 3, 2 + n, 8, 0) + dt.timedelta(minutes=rng.randint(0, 90))
        sup, opp, neu = list(t["support"]), list(t["oppose"]), list(t["neutral"])
        rng.shuffle(sup)
        rng.shuffle(opp)
        rng.shuffle(neu)
        posts: list[dict] = []  # author, text, minute, kind, stance

        def post(author: str, text: str, minute: float, kind: str, stance: str | None,
                 posts: list[dict] = posts) -> None:
            posts.append({"author": author, "text": text, "minute": minute, "kind": kind, "stance": stance})

        # two sock-puppets, one comment on each side, hours apart
        for _ in range(2):
            a = handle(rng, used)
            m1 = rng.uniform(10, 200)
            first, second = (sup.pop(), "support"), (opp.pop(), "oppose")
            if rng.random() < 0.5:
                first, second = second, first
            post(a, first[0], m1, "sockpuppet", first[1])
            post(a, second[0], m1 + rng.uniform(20, 150), "sockpuppet", second[1])
        # a burst account on every other article: one side's point and two questions within four minutes
        if n % 2 == 0:
            a = handle(rng, used)
            m = rng.uniform(30, 250)
            side = rng.choice(["support", "oppose"])
            post(a, (sup if side == "support" else opp).pop(), m, "burst", side)
            post(a, neu.pop(), m + rng.uniform(0.5, 1.5), "burst", "neutral")
            post(a, neu.pop(), m + rng.uniform(2.0, 3.8), "burst", "neutral")
        # genuine readers: the rest of the points; some post twice (same side, or a side and a question)
        pool = [(x, "support") for x in sup] + [(x, "oppose") for x in opp] + [(x, "neutral") for x in neu]
        rng.shuffle(pool)
        while pool:
            a = handle(rng, used)
            text, st = pool.pop()
            m = rng.uniform(0, 360)
            post(a, text, m, "genuine", st)
            if pool and rng.random() < 0.3:
                same = [i for i, (_, s) in enumerate(pool) if s == st or s == "neutral"]
                if same:
                    text2, st2 = pool.pop(rng.choice(same))
                    post(a, text2, m + rng.uniform(3, 120), "genuine", st2)
        # a campaign: three or four accounts, one message with small edits, within two minutes
        c = n % len(CAMPAIGNS)
        m = rng.uniform(40, 300)
        for k in range(rng.choice([3, 4])):
            if campaign_accounts[c] and k == 0:
                a = campaign_accounts[c][0]  # the same account under an earlier article of the campaign
                used.add(a)
            else:
                a = handle(rng, used)
                campaign_accounts[c].append(a)
            post(a, CAMPAIGNS[c] if k == 0 else small_edit(CAMPAIGNS[c], rng), m + k * rng.uniform(0.2, 0.8),
                 "campaign", None)
        # two generic accounts
        for _ in range(2):
            a = handle(rng, used)
            g = rng.sample(GENERIC, rng.choice([1, 2]))
            m = rng.uniform(0, 360)
            for i, text in enumerate(g):
                post(a, text, m + i * rng.uniform(30, 90), "generic", None)
        posts.sort(key=lambda p: p["minute"])
        gold: dict[str, list[str]] = {}
        kind_flag = {"sockpuppet": "both_sides", "campaign": "templated", "generic": "generic", "burst": "burst"}
        comments = []
        for i, p in enumerate(posts):
            when = base + dt.timedelta(minutes=20 + p["minute"])
            comments.append({"position": i, "author": p["author"], "text": p["text"],
                             "published": when.replace(microsecond=0).isoformat() + "+00:00",
                             "kind": p["kind"], "stance": p["stance"]})
            if p["kind"] in kind_flag:
                gold.setdefault(p["author"], [])
                if kind_flag[p["kind"]] not in gold[p["author"]]:
                    gold[p["author"]].append(kind_flag[p["kind"]])
        out.append({"id": t["id"], "split": "tune" if n < 5 else "unseen", "outlet": t["outlet"],
                    "title": t["title"], "published": base.isoformat() + "+00:00", "text": "\n\n".join(t["body"]),
                    "comments": comments, "gold_flags": dict(sorted(gold.items()))})
    # stock text posted word for word by another account (under any article) is templated as well as generic
    by_text: dict[str, set[tuple[str, str]]] = {}
    for r in out:
        for c in r["comments"]:
            if c["kind"] == "generic":
                by_text.setdefault(c["text"], set()).add((r["id"], c["author"]))
    for r in out:
        for c in r["comments"]:
            shared = len({a for _, a in by_text.get(c["text"], ())}) > 1 and len(c["text"].split()) >= 6
            if c["kind"] == "generic" and shared and "templated" not in r["gold_flags"][c["author"]]:
                r["gold_flags"][c["author"]].append("templated")
    return out


def main() -> int:
    rows = build()
    path = HERE / "comments_labelled.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    n = sum(len(r["comments"]) for r in rows)
    print(f"wrote {path}: {len(rows)} articles, {n} comments")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
