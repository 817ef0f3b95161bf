"""Cross-document furniture: lines that repeat across many pages of one outlet are not article text.

A page's own structure cannot tell "Subscribe to our weekly briefing" or a site's standard disclaimer from
a short body paragraph; the outlet's other pages can. Lines are normalised (case, spacing, digits) and
hashed; a body line with at least three words of letters is furniture (rule ``crossdoc.repeated``) when its
hash occurs on enough pages of the same outlet (prices, numbers and one-word labels never count):

* short lines (<= 12 words): on >= 3 pages, and either near the start/end of the body or not a sentence,
  or on >= max(5, 30 %) of the outlet's pages;
* longer lines: on >= 3 pages near the start/end of the body and on >= 30 % of the pages, or on
  >= max(5, 50 %) of the pages anywhere.

Two articles of one story sharing a quote sit in the middle of their bodies and on few of the outlet's
pages, so they stay. Pages without a known outlet are grouped by the furniture lines they share.

The pipeline stage keeps a per-outlet count of line hashes in the store's stage state. ``prepare_run`` counts
every page of a run before any is refined, and ``update`` then refines each page of the run once with the
whole run's counts, so the result does not depend on how the run's input was cut or ordered; pages of earlier
runs are re-read only when a line first becomes frequent enough to count as furniture.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

from storylens.model import Article, RemovedLine
from storylens.store import Store

RULE = "crossdoc.repeated"
MIN_PAGES = 3
EDGE = 3  # lines from either end of the body that count as "near the edge"
SHORT_WORDS = 12
MAX_KEYS = 50_000  # per outlet; beyond this, hashes seen on one page only are forgotten
STATE_PREFIX = "crossdoc:"
RUN_KEY = STATE_PREFIX + "run"  # {page id: group key}: the pages of the run in progress, counted by prepare_run
MIN_ALPHA_WORDS = 3
_NONWORD = re.compile(r"[^\w]+")
_ALPHA_WORD = re.compile(r"[^\W\d_]{2,}")
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")


def line_key(text: str) -> str:
    """Hash of a line, insensitive to case, spacing, punctuation and digits."""
    norm = _NONWORD.sub(" ", text.lower())
    norm = re.sub(r"\d+", "0", norm).strip()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


def page_keys(article: Article) -> set[str]:
    """The distinct line hashes of one page (body and furniture, not comments)."""
    keys = {line_key(p) for p in article.body if p.strip()}
    keys.update(line_key(r.text) for r in article.removed if r.kind in ("furniture", "boilerplate"))
    keys.discard(line_key(""))
    return keys


def _signature(article: Article) -> set[str]:
    """Hashes of the page's own furniture lines: pages of one site share them."""
    return {line_key(r.text) for r in article.removed
            if r.kind in ("furniture", "boilerplate") and len(r.text.split()) >= 2}


def is_repeated(text: str, count: int, n_pages: int, position: int, body_len: int) -> bool:
    """Whether a body line seen on ``count`` of ``n_pages`` pages of its outlet is furniture."""
    if count < MIN_PAGES or n_pages < MIN_PAGES:
        return False
    if len(_ALPHA_WORD.findall(text)) < MIN_ALPHA_WORDS:
        return False  # numbers, prices, "1.", "Pros": too little text to call repetition furniture
    n_words = len(text.split())
    near_edge = position < EDGE or position >= body_len - EDGE
    share = count / n_pages
    if n_words <= SHORT_WORDS:
        sentence = n_words >= 5 and bool(_TERMINAL.search(text.strip()))
        return near_edge or not sentence or (count >= 5 and share >= 0.3)
    return (near_edge and share >= 0.3) or (count >= 5 and share >= 0.5)


def refine_article(article: Article, counts: dict[str, int], n_pages: int) -> Article | None:
    """A copy of the article with repeated lines moved out of the body, or None when nothing changes."""
    body = article.body
    drop = [i for i, p in enumerate(body) if is_repeated(p, counts.get(line_key(p), 0), n_pages, i, len(body))]
    if not drop or len(drop) >= len(body):  # never empty a body on repetition alone
        return None
    dropped = set(drop)
    new_body = [p for i, p in enumerate(body) if i not in dropped]
    moved = [body[i] for i in drop]
    removed = list(article.removed) + [RemovedLine(text=t[:2000], kind="furniture", rule=RULE) for t in moved]
    return article.model_copy(update={"body": new_body, "furniture": list(article.furniture) + moved,
                                      "removed": removed})


def _groups(articles: list[Article]) -> list[list[int]]:
    """Indices of articles per outlet; outlet-less pages joined when they share furniture lines."""
    by_outlet: dict[str, list[int]] = defaultdict(list)
    loose: list[int] = []
    for i, a in enumerate(articles):
        if a.outlet:
            by_outlet[a.outlet].append(i)
        else:
            loose.append(i)
    groups = [by_outlet[k] for k in sorted(by_outlet)]
    parent = {i: i for i in loose}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, int] = {}
    for i in loose:
        for k in sorted(_signature(articles[i])):
            if k in owner:
                ra, rb = find(owner[k]), find(i)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            else:
                owner[k] = i
    comp: dict[int, list[int]] = defaultdict(list)
    for i in loose:
        comp[find(i)].append(i)
    groups.extend(comp[k] for k in sorted(comp))
    return groups


def refine_outlet(articles: list[Article]) -> list[Article]:
    """Move lines that repeat across pages of one outlet (or furniture signature) out of the bodies."""
    out = list(articles)
    for idx in _groups(out):
        if len(idx) < MIN_PAGES:
            continue
        counts: dict[str, int] = defaultdict(int)
        for i in idx:
            for k in page_keys(out[i]):
                counts[k] += 1
        for i in idx:
            new = refine_article(out[i], counts, len(idx))
            if new is not None:
                out[i] = new
    return out


# ------------------------------------------------------------------ incremental stage


def _group_key(article: Article, sigmap: dict[str, str]) -> str | None:
    if article.outlet:
        return "outlet:" + article.outlet
    sig = sorted(_signature(article))
    if not sig:
        return None
    for k in sig:
        if k in sigmap:
            key = sigmap[k]
            break
    else:
        key = "sig:" + sig[0]
    for k in sig:
        sigmap.setdefault(k, key)
    return key


Group = tuple[dict[str, int], int]  # a group's line counts and its number of pages


def _count(store: Store, pages: Iterable[Article], exclude: set[str]
           ) -> tuple[dict[str, str], dict[str, Group], list[tuple[str, object]]]:
    """Count the pages' lines into their groups' stored counts, streaming (no page is held), and refine the
    stored pages outside ``exclude`` that carry a line these pages made frequent (written now). Returns each
    page's group key ('' for none), the groups' new counts, and the states to write (not written here)."""
    sigmap: dict[str, str] = store.get_state(STATE_PREFIX + "sigmap") or {}
    groups: dict[str, Group] = {}
    hot_before: dict[str, set[str]] = {}
    added: dict[str, int] = defaultdict(int)
    keys: dict[str, str] = {}
    for a in pages:
        key = _group_key(a, sigmap)
        keys[a.id] = key or ""
        if key is None:
            continue
        if key not in groups:
            state = store.get_state(STATE_PREFIX + key) or {}
            counts: dict[str, int] = defaultdict(int, state.get("counts", {}))
            groups[key] = (counts, int(state.get("n", 0)))
            hot_before[key] = {k for k, c in counts.items() if c >= MIN_PAGES}
        counts, n = groups[key]
        for k in page_keys(a):
            counts[k] += 1
        groups[key] = (counts, n + 1)
        added[key] += 1
    if len(sigmap) > MAX_KEYS:
        sigmap = dict(sorted(sigmap.items())[:MAX_KEYS])
    states: list[tuple[str, object]] = [(STATE_PREFIX + "sigmap", sigmap)]
    changed: dict[str, Article] = {}
    for key in sorted(groups):
        counts, n_pages = groups[key]
        newly_hot = {k for k, c in counts.items() if c >= MIN_PAGES} - hot_before[key]
        if newly_hot and n_pages > added[key]:
            outlet = key[len("outlet:"):] if key.startswith("outlet:") else None
            for old in store.iter_articles(outlet=outlet):
                if old.id in exclude or old.id in keys:
                    continue
                if outlet is None and (old.outlet or _group_key(old, dict(sigmap)) != key):
                    continue
                if not page_keys(old) & newly_hot:
                    continue
                r = refine_article(old, counts, n_pages)
                if r is not None:
                    changed[old.id] = r
        if len(counts) > MAX_KEYS:
            counts = defaultdict(int, {k: c for k, c in counts.items() if c > 1})
            groups[key] = (counts, n_pages)
        states.append((STATE_PREFIX + key, {"n": n_pages, "counts": dict(sorted(counts.items()))}))
    if changed:
        store.update_articles([changed[k] for k in sorted(changed)])
    return keys, groups, states


def prepare_run(store: Store, pending: Sequence[tuple[str, str | None, str | None]],
                load: Callable[[list[str]], list[Article]], chunk: int = 2000) -> None:
    """Before a run's pages are refined: count every line of every page of the run (``pending``, as
    :meth:`Store.unprocessed_ids` gives them; ``load`` reads pages by id), so each page of the run is then
    refined once, by :func:`update`, with the counts of the whole run, however its pages were cut into rounds
    or ordered. Pages are counted in id order, so the grouping of pages without an outlet does not depend
    on their order either. A run resumed after a kill finds its pages counted (:data:`RUN_KEY`) and counts
    only those it had not."""
    run: dict[str, str] = store.get_state(RUN_KEY) or {}
    ids = [p[0] for p in pending]
    run = {i: run[i] for i in ids if i in run}  # what earlier runs counted and then processed is theirs
    todo = sorted(i for i in ids if i not in run)
    if not todo:
        return

    def stream() -> Iterator[Article]:
        for i in range(0, len(todo), chunk):
            yield from sorted(load(todo[i:i + chunk]), key=lambda a: a.id)

    keys, _groups, states = _count(store, stream(), exclude=set(ids))
    run.update(keys)
    # the counts and the record of what they hold in one transaction: a page is counted once or not at all
    store.put_states([*states, (RUN_KEY, dict(sorted(run.items())))])


def update(store: Store, new_articles: Iterable[Article]) -> None:
    """Pipeline stage: move the lines repeated across an outlet's pages out of the new pages' bodies.

    Pages :func:`prepare_run` counted are refined with the run's counts, each once (a page already refined,
    by a run killed before it said so, is left as it is); pages it did not count (a caller that runs the
    stage on its own) are counted now, and the older pages a line they make frequent is on are refined too."""
    new = list(new_articles)
    if not new:
        return
    run: dict[str, str] = store.get_state(RUN_KEY) or {}
    fresh = [a for a in new if a.id not in run]
    keys: dict[str, str] = {}
    groups: dict[str, Group] = {}
    states: list[tuple[str, object]] = []
    if fresh:
        keys, groups, states = _count(store, fresh, exclude={a.id for a in new})
    changed: dict[str, Article] = {}
    for a in new:
        if a.id in run:
            key = run[a.id]
            if any(r.rule == RULE for r in a.removed):
                continue  # refined already, in this run
        else:
            key = keys.get(a.id, "")
        if not key:
            continue
        if key not in groups:
            state = store.get_state(STATE_PREFIX + key) or {}
            groups[key] = (state.get("counts", {}), int(state.get("n", 0)))
        counts, n_pages = groups[key]
        r = refine_article(a, counts, n_pages)
        if r is not None:
            changed[a.id] = r
    if changed:
        store.update_articles([changed[k] for k in sorted(changed)])
    if states:
        store.put_states(states)


__all__ = ["RULE", "is_repeated", "line_key", "page_keys", "prepare_run", "refine_article", "refine_outlet", "update"]
