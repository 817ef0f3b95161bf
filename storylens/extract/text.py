"""Plain text -> Article: find the article body in scraped text, and say why every other line is not body.

How it works (details in docs/extraction-text.md):

1. Lines are unwrapped (hard-wrapped paragraphs joined) and described by shape: word count, terminal
   punctuation, separators, dates, names.
2. Structural blocks are recognised first: comment sections (a count header followed by author/comment
   pairs), link lists and rankings (items between separator lines, or a "related/popular" header followed
   by headline-shaped lines), share/subscribe/copyright lines, bylines, captions and datelines.
3. The body is the highest-scoring run of lines (maximum-sum segment): sentence-like lines score by their
   length, short non-sentences cost a little, furniture costs more. Sentence-like neighbours of the run
   are kept too: losing a body line is worse than keeping a furniture line.
4. The title is the headline-shaped line just above the body (or the first line); the line between the
   title and a dateline is a picture caption.
"""

from __future__ import annotations

import datetime as dt
import re

from storylens.extract.text_rules import (
    BIO_RE,
    BULLET_RE,
    COMMENT_HEADER_RE,
    COMMENT_NOISE_RE,
    DATE_RE,
    LEGAL_RE,
    LIST_HEADER_RE,
    Line,
    date_line,
    ends_with_name_credit,
    headline_like,
    is_boilerplate,
    is_caption,
    is_markup,
    is_pipe_menu,
    is_repetitive,
    make_line,
    parse_byline,
    parse_date_text,
)
from storylens.model import Article, Comment, RemovedLine

MAX_CHARS = 2_000_000  # untrusted input: cap what one document may cost

# Body-region scoring (see _score); tuned on the development part of WCXB (every 5th page held out).
SENT_OFFSET = 7.0  # a sentence-like line scores (words - SENT_OFFSET)
SHORT_COST = 3.0  # what a short non-sentence line costs
SECONDARY_RUNS = 4  # further high-scoring runs kept as body (an article split by an inline block)
SECONDARY_SHARE = 0.35  # ... when they score at least this share of the main run
EXTEND = True  # sentence-like neighbours of the body join it
BETWEEN_IS_BODY = True  # unlabelled lines between body runs are body
TITLE_WINDOW = 40  # lines above the body searched for the headline
MAX_COMMENT_LINES = 10  # lines one comment may take (author/timestamp comment sections)

# Labels: (kind, rule); kind "body" is never stored.
Label = tuple[str, str]


def _wrap_width(items: list[tuple[int, str, bool]]) -> int | None:
    """The column a hard-wrapped text breaks at, or None when lines are not hard-wrapped."""
    lengths = sorted(len(s) for _, s, _b in items)
    if len(lengths) < 8:
        return None
    width = lengths[int(0.98 * (len(lengths) - 1))]
    if not 40 <= width <= 110:
        return None
    near = sum(1 for n in lengths if width - 20 <= n <= width)
    longish = sum(1 for n in lengths if n >= 30)
    over = sum(1 for n in lengths if n > width + 10)
    if near >= 8 and near >= 0.25 * max(1, longish) and over <= 0.01 * len(lengths):
        return width
    return None


def _lines(text: str) -> list[Line]:
    """Non-blank lines, with hard-wrapped paragraphs joined."""
    raw = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    items: list[tuple[int, str, bool]] = []  # (index, text, blank line before)
    blank = True
    for i, ln in enumerate(raw):
        s = re.sub(r"[ \t\u00a0\u200b]+", " ", ln).strip()
        if s:
            items.append((i, s, blank))
            blank = False
        else:
            blank = True
    width = _wrap_width(items)
    out: list[Line] = []
    cur: tuple[int, str, bool] | None = None
    for i, s, blank_before in items:
        if cur is not None:
            prev = cur[1]
            # a hard-wrapped line fills the column; the paragraph's last line does not
            wrapped = width is not None and len(prev) >= width - 22 and s[0] not in "-•*·|" and (
                not blank_before or not prev.endswith((".", "!", "?", "”", '"')) or s[0].islower())
            runs_on = not blank_before and len(prev) >= 40 and not prev.endswith((".", "!", "?", ":", "”", '"')) \
                and s[0].islower()
            if wrapped or runs_on:
                cur = (cur[0], prev + " " + s, cur[2])
                continue
            out.append(make_line(*cur))
        cur = (i, s, blank_before)
    if cur is not None:
        out.append(make_line(*cur))
    return out


# ------------------------------------------------------------------ structural blocks


def _author_like(line: Line) -> bool:
    s = re.split(r"\s+[·|•]\s+", line.text)[0]
    if not (s[:1].isalpha() or s[:1] == "@"):
        return False
    if len(s) > 40 or not 1 <= len(s.split()) <= 4:
        return False
    if (line.terminal and not re.search(r"\b[A-Z]\.$", s)) or line.is_separator or "http" in s or "@" in s[1:]:
        return False
    return not date_line(line)


def _comments(lines: list[Line], labels: dict[int, Label], start_after: int) -> tuple[list[Comment], int | None]:
    """Find a comment section: header (with an optional count), then author line / comment line pairs."""
    n = len(lines)
    for h in range(start_after, n):
        if h in labels:
            continue
        m = COMMENT_HEADER_RE.match(lines[h].text)
        if not m:
            continue
        count_s = m.group("n1") or m.group("n2")
        count = int(count_s.replace(",", "")) if count_s else None
        local: dict[int, Label] = {h: ("comment_header", "text.comment-header")}
        comments: list[tuple[str | None, list[str], int]] = []
        expecting_author = True
        saw_author = False
        j = h + 1
        while j < n:
            ln = lines[j]
            if j in labels or ln.is_separator or LIST_HEADER_RE.search(ln.text) and ln.n_words <= 8:
                break
            if COMMENT_NOISE_RE.fullmatch(ln.text) or (date_line(ln) and ln.n_words <= 8):
                local[j] = ("boilerplate", "text.comment-noise")
                j += 1
                continue
            if is_boilerplate(ln):
                break
            if expecting_author:
                nxt = j + 1
                while nxt < n and COMMENT_NOISE_RE.fullmatch(lines[nxt].text):
                    nxt += 1
                if count is not None and len(comments) >= count:
                    break
                if _author_like(ln) and nxt < n and nxt not in labels:
                    author = re.split(r"\s+[·|•]\s+", ln.text)[0]
                    local[j] = ("comment_author", "text.comment-author")
                    comments.append((author, [], j))
                    expecting_author = False
                    saw_author = True
                elif not saw_author:
                    local[j] = ("comment", "text.comment")
                    comments.append((None, [ln.text], j))
                else:
                    break
            else:
                local[j] = ("comment", "text.comment")
                comments[-1][1].append(ln.text)
                expecting_author = True
            j += 1
        done = [(a, t, p) for a, t, p in comments if t]
        if not done:
            continue
        if count is None:
            # Without a count the section must look like prose, not a form ("Name", "Email", "Website").
            wordy = sum(1 for _, t, _p in done if len(" ".join(t).split()) >= 4)
            if wordy < max(1, (len(done) + 1) // 2):
                continue
        # an author line whose comment never came is not part of the section
        last = max(p for p in local)
        for k in sorted(local):
            if k == last and local[k][0] == "comment_author":
                del local[k]
        labels.update(local)
        matched = count is not None and count == len(done)
        return [Comment(author=a, text="\n".join(t), position=i) for i, (a, t, _p) in enumerate(done)], (
            1 if matched else 0)
    return [], None


_SAYS_RE = re.compile(r"\s+(?:says|said|wrote|commented|replied)\s*:?\s*$", re.IGNORECASE)
_AUTHOR_TS_RE = re.compile(r"^(?P<a>.{1,40}?)\s+[·|•–—-]\s+(?P<t>.{2,60})$")


def _is_timestamp(line: Line) -> bool:
    s = line.text
    return bool(re.fullmatch(r"(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago"
                             r"|just now|yesterday", s, re.IGNORECASE)) or (date_line(line) and line.n_words <= 10)


def _comment_head(lines: list[Line], j: int) -> tuple[str, int] | None:
    """(author, index of the line after the author/timestamp head) when a comment starts at line j."""
    ln = lines[j]
    m = _AUTHOR_TS_RE.match(ln.text)
    if m and _is_timestamp(make_line(ln.idx, m.group("t"), False)) and len(m.group("a").split()) <= 4:
        return m.group("a"), j + 1
    if j + 1 >= len(lines):
        return None
    name = _SAYS_RE.sub("", ln.text)
    if name and _is_timestamp(lines[j + 1]) and _author_like(make_line(ln.idx, name, False)):
        return name, j + 2
    return None


def _timestamp_comments(lines: list[Line], labels: dict[int, Label], start_after: int) -> list[Comment]:
    """Comments without a count header: author lines each followed by a timestamp ('2 days ago')."""
    n = len(lines)
    heads: list[tuple[int, str, int]] = []
    for j in range(start_after, n):
        if j in labels or (heads and j < heads[-1][2]):
            continue
        h = _comment_head(lines, j)
        if h:
            heads.append((j, h[0], h[1]))
    # the section is the longest chain of heads close to one another (a comment is a few lines long)
    chains: list[list[tuple[int, str, int]]] = []
    for h in heads:
        if chains and h[0] - chains[-1][-1][2] <= MAX_COMMENT_LINES:
            chains[-1].append(h)
        else:
            chains.append([h])
    heads = max(chains, key=len, default=[])
    if len(heads) < 2:
        return []
    local: dict[int, Label] = {}
    comments: list[Comment] = []
    for k, (j, author, text_start) in enumerate(heads):
        local[j] = ("comment_author", "text.comment-author")
        for t in range(j + 1, text_start):
            local[t] = ("boilerplate", "text.comment-noise")
        end = heads[k + 1][0] if k + 1 < len(heads) else min(n, text_start + MAX_COMMENT_LINES)
        texts: list[str] = []
        for t in range(text_start, end):
            ln = lines[t]
            if t in labels or COMMENT_HEADER_RE.match(ln.text) or is_boilerplate(ln) and ln.n_words > 2:
                break
            if COMMENT_NOISE_RE.fullmatch(ln.text) or re.fullmatch(r"reply to", ln.text, re.I):
                local[t] = ("boilerplate", "text.comment-noise")
                continue
            if k + 1 == len(heads) and texts and headline_like(ln) and not ln.terminal:
                break
            local[t] = ("comment", "text.comment")
            texts.append(ln.text)
        if texts:
            comments.append(Comment(author=author, text="\n".join(texts), position=len(comments)))
    wordy = sum(1 for c in comments if len(c.text.split()) >= 4)
    if len(comments) < 2 or wordy < (len(comments) + 1) // 2:
        return []
    first = heads[0][0]
    if first - 1 >= 0 and first - 1 not in labels and COMMENT_HEADER_RE.match(lines[first - 1].text):
        local[first - 1] = ("comment_header", "text.comment-header")
    labels.update(local)
    return comments


def _item_ok(line: Line) -> bool:
    return line.n_words <= 40 and not (line.text.endswith(".") and line.n_words >= 15) and not line.is_separator


def _separator_lists(lines: list[Line], labels: dict[int, Label]) -> None:
    """Items between separator lines ('-', '•', '|'): rankings and link lists."""
    n = len(lines)
    i = 0
    while i < n:
        if not lines[i].is_separator or i in labels:
            i += 1
            continue
        seps: list[int] = []
        items: list[int] = []
        j = i
        while j < n and lines[j].is_separator and j + 1 < n and j + 1 not in labels and _item_ok(lines[j + 1]):
            seps.append(j)
            items.append(j + 1)
            j += 2
        if len(seps) >= 2:
            for k in seps + items:
                labels[k] = ("furniture", "text.separator-list")
            head = i - 1
            if head >= 0 and head not in labels and _item_ok(lines[head]) and not lines[head].sentence_like:
                labels[head] = ("furniture", "text.list-header")
            if j < n and lines[j].is_separator and j not in labels:
                labels[j] = ("furniture", "text.separator-list")
            i = j
        else:
            i += 1


def _header_lists(lines: list[Line], labels: dict[int, Label]) -> None:
    """A 'related / popular / read more' header followed by headline-shaped lines."""
    n = len(lines)
    for i, ln in enumerate(lines):
        if i in labels:
            continue
        s = ln.text
        if LIST_HEADER_RE.search(s) and ln.n_words <= 14 and re.match(r"^[^:]{2,40}:\s*\S", s) \
                and LIST_HEADER_RE.search(s.split(":", 1)[0]):
            labels[i] = ("furniture", "text.inline-link")  # "Related: Some other headline"
            continue
        if ln.n_words > 8 or ln.terminal or not LIST_HEADER_RE.search(s):
            continue
        items: list[int] = []
        j = i + 1
        while j < n and j not in labels:
            cand = lines[j]
            if cand.is_separator:
                j += 1
                continue
            if COMMENT_HEADER_RE.match(cand.text):
                break
            body = BULLET_RE.sub("", cand.text)
            if cand.sentence_like and not BULLET_RE.match(cand.text) or cand.n_words > 25 or not body:
                break
            if not headline_like(cand) and not BULLET_RE.match(cand.text):
                break
            items.append(j)
            j += 1
        if len(items) >= 2:
            labels[i] = ("furniture", "text.list-header")
            for k in range(i + 1, j):
                labels[k] = ("furniture", "text.link-list")


def _line_labels(lines: list[Line], labels: dict[int, Label]) -> None:
    for i, ln in enumerate(lines):
        if i in labels:
            continue
        if ln.n_words == 0:
            labels[i] = ("boilerplate", "text.no-words")
        elif is_markup(ln):
            labels[i] = ("boilerplate", "text.markup")
        elif is_repetitive(ln):
            labels[i] = ("furniture", "text.repetitive")
        elif is_pipe_menu(ln):
            labels[i] = ("furniture", "text.inline-menu")
        elif is_caption(ln):
            labels[i] = ("caption", "text.caption-credit")
        elif parse_byline(ln):
            labels[i] = ("byline", "text.byline")
        elif date_line(ln):
            labels[i] = ("dateline", "text.dateline")
        elif is_boilerplate(ln):
            labels[i] = ("boilerplate", "text.boilerplate-phrase")


# ------------------------------------------------------------------ body region


def _score(line: Line, label: Label | None) -> float:
    if label is not None:
        kind = label[0]
        if kind in ("caption", "byline", "dateline"):
            return 0.0
        if kind == "boilerplate":
            return -2.0
        return -6.0
    w = line.n_words
    if line.sentence_like:
        return min(w, 80) - SENT_OFFSET if line.terminal else w - 2 * SENT_OFFSET
    if w <= 3:
        return -SHORT_COST
    return -0.7 * SHORT_COST if line.terminal or BULLET_RE.match(line.text) else -0.85 * SHORT_COST


def _best_segment(scores: list[float]) -> tuple[int, int, float]:
    best = (0, -1, 0.0)
    cur_start, cur = 0, 0.0
    for i, sc in enumerate(scores):
        if cur <= 0:
            cur_start, cur = i, sc
        else:
            cur += sc
        if cur > best[2]:
            best = (cur_start, i, cur)
    return best


def _region(lines: list[Line], labels: dict[int, Label]) -> tuple[set[int], float]:
    scores = [_score(ln, labels.get(i)) for i, ln in enumerate(lines)]
    a, b, total = _best_segment(scores)
    if b < a:
        return set(), 0.0
    inside = set(range(a, b + 1))
    # Other strong runs (an article split by a long inline block): keep them when they are substantial.
    masked = [(-1e9 if i in inside else sc) for i, sc in enumerate(scores)]
    for _ in range(SECONDARY_RUNS):
        a2, b2, t2 = _best_segment(masked)
        if b2 < a2 or t2 < max(40.0, SECONDARY_SHARE * total):
            break
        inside.update(range(a2, b2 + 1))
        for k in range(a2, b2 + 1):
            masked[k] = -1e9
    # Sentence-like neighbours of the body are body too.
    changed = True
    while changed:
        changed = False
        for k in sorted(inside):
            for nb in (k - 1, k + 1):
                if 0 <= nb < len(lines) and nb not in inside and nb not in labels:
                    ln = lines[nb]
                    if EXTEND and ln.sentence_like and ln.n_words >= 10:
                        inside.add(nb)
                        changed = True
    pos = sum(sc for sc in scores if sc > 0)
    got = sum(scores[k] for k in inside if scores[k] > 0)
    return inside, (got / pos if pos else 0.0)


def _lead_after_dateline(lines: list[Line], labels: dict[int, Label], inside: set[int]) -> None:
    """Sentences right after a dateline or byline that sits above the body are the article's lead."""
    if not inside:
        return
    a = min(inside)
    for d in range(a - 1, max(-1, a - 60), -1):
        if labels.get(d, ("",))[0] not in ("dateline", "byline"):
            continue
        run: list[int] = []
        k = d + 1
        while k < a and k not in labels and lines[k].sentence_like:
            run.append(k)
            k += 1
        if sum(lines[i].n_words for i in run) >= 30:
            inside.update(run)
        return


def _published(lines: list[Line], labels: dict[int, Label], b: int) -> dt.datetime | dt.date | None:
    """The publication date: from a dateline or a byline with a date, above or in the body.

    A "published"/"posted" date wins over an "updated" one; otherwise the first one wins.
    """
    cands: list[tuple[int, int, int]] = []
    limit = b + 1 if b >= 0 else len(lines) // 2
    # above or in the body first; a date just below the body (blogs put it there) only when there is none
    for i in range(min(len(lines), limit + 6)):
        kind = labels.get(i, ("",))[0]
        if kind in ("dateline", "byline") and DATE_RE.search(lines[i].text):
            updated = 1 if re.search(r"\b(?:updated|modified)\b", lines[i].text, re.I) else 0
            cands.append((int(i > limit), updated, i))
    for _, _, i in sorted(cands):
        text = lines[i].text
        m = re.search(r"\b(?:published|posted|first published)\b", text, re.I)
        value = parse_date_text(text[m.start():] if m else text)
        if value is not None:
            return value
    return None


def _pick_title(lines: list[Line], labels: dict[int, Label], inside: set[int], a: int) -> int | None:
    """The headline: a headline-shaped line above the body whose words the body's opening shares.

    Candidates are the lines up to TITLE_WINDOW lines above the body; each scores by its share of content words
    found in the first body paragraphs, its length, being followed by a byline/dateline, and closeness.
    """
    from storylens.nlp import content_words

    body_words: set[str] = set()
    for i in sorted(inside)[:6]:
        body_words.update(content_words(lines[i].text))
    best: tuple[float, int] | None = None
    for i in range(max(0, a - TITLE_WINDOW), a):
        if i in inside or i in labels:
            continue
        ln = lines[i]
        if not headline_like(ln) or ln.n_words < 3 or is_boilerplate(ln) or LIST_HEADER_RE.search(ln.text) \
                or COMMENT_HEADER_RE.match(ln.text):
            continue
        cw = set(content_words(ln.text))
        overlap = len(cw & body_words) / len(cw) if cw else 0.0
        score = 2.0 * overlap + (0.5 if 4 <= ln.n_words <= 20 else 0.0) - (a - i) / TITLE_WINDOW
        nxt = i + 1
        if nxt < len(lines) and labels.get(nxt, ("",))[0] in ("byline", "dateline", "caption"):
            score += 0.5
        if i == 0:
            score += 0.3
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best is not None and best[0] > 0 else None


def _edge_noise(line: Line) -> str | None:
    if BIO_RE.match(line.text) and line.n_words <= 200:
        return "text.author-bio"
    if LEGAL_RE.search(line.text):
        return "text.legal"
    return None


def _trim_edges(lines: list[Line], labels: dict[int, Label], inside: set[int]) -> None:
    """Disclaimers, author bios and legal lines at the start or end of the body run are not body."""
    order = sorted(inside)
    for seq in (order[::-1], order):
        trimmed: list[int] = []  # positions in seq of the lines labelled here
        stop = None
        for pos, i in enumerate(seq):
            rule = _edge_noise(lines[i]) if i not in labels else None
            if rule:
                labels[i] = ("furniture", rule)
                trimmed.append(pos)
            elif i not in labels and lines[i].sentence_like:
                stop = pos  # the first real body line from this edge
                break
        if stop is None:  # nothing but noise: keep the run as it is rather than empty the body
            for pos in trimmed:
                del labels[seq[pos]]
            continue
        if trimmed:
            # the trimmed block and the short lines around it (name, role) up to the last body sentence
            for i in seq[:stop]:
                inside.discard(i)
    for i in sorted(inside):
        if i not in labels and len(LEGAL_RE.findall(lines[i].text)) >= 2:
            labels[i] = ("boilerplate", "text.legal")


BRIEF_MAX_CHARS = 1500  # a text this short without a body run may be a brief: a wire flash of a sentence or two
BRIEF_MIN_WORDS = 4
_NOT_NEWS_RE = re.compile(
    r"^(?:thanks?(?: you)? for (?:reading|watching|listening|visiting|your)|this (?:page|content|video|article|story|"
    r"site|website|feature|link) (?:is|has|was|cannot|could|may|will|requires)|page not found|(?:please )?(?:enable|"
    r"turn on|allow|update|upgrade)\b|(?:you|we)(?:'ve|’ve| have| are|'re|’re|'ll|’ll| will| need| must)\b|"
    r"(?:an? )?(?:error|something went wrong)\b|loading\b|\d{3}\b)",
    re.IGNORECASE,
)


def _brief(lines: list[Line], labels: dict[int, Label]) -> set[int]:
    """A short text with no body run may be news all the same: a brief or a wire flash is one or two short
    sentences ("The two leaders will meet in Washington on Friday."). Its body is its unlabelled sentences of at
    least BRIEF_MIN_WORDS words; page furniture alone ("Read more.", "Subscribe now") is labelled and never one."""
    if sum(len(ln.text) for ln in lines) > BRIEF_MAX_CHARS:
        return set()
    return {i for i, ln in enumerate(lines) if i not in labels and ln.terminal and ln.n_words >= BRIEF_MIN_WORDS
            and any(ch.islower() for ch in ln.text) and not _NOT_NEWS_RE.match(ln.text)}


# ------------------------------------------------------------------ main


def extract_text(text: str) -> Article:
    """Extract one article from scraped plain text (id and content_hash are left for the dispatcher)."""
    lines = _lines(text)
    labels: dict[int, Label] = {}
    if not lines:
        return Article(id="", content_hash="", format="text", confidence=0.0)

    # 1. structural blocks
    _separator_lists(lines, labels)
    _header_lists(lines, labels)
    first_sentences = [i for i, ln in enumerate(lines) if ln.sentence_like and i not in labels]
    start_after = first_sentences[min(2, len(first_sentences) - 1)] + 1 if first_sentences else len(lines)
    snapshot = dict(labels)
    comments, matched = _comments(lines, labels, start_after)
    if comments and not matched:
        # a count header whose pairs do not add up: try author / timestamp / text under it
        header = min(k for k, v in labels.items() if v[0] == "comment_header")
        alt_labels = dict(snapshot)
        alt = _timestamp_comments(lines, alt_labels, header + 1)
        if len(alt) > len(comments):
            alt_labels.setdefault(header, ("comment_header", "text.comment-header"))
            labels, comments = alt_labels, alt
    _line_labels(lines, labels)

    # 2. body region
    inside, share = _region(lines, labels)
    if not comments and inside:
        # comments without a header (author, timestamp, text) come after the body's middle
        cut, seen = len(lines), 0
        for k in sorted(inside):
            if lines[k].sentence_like and k not in labels:
                seen += lines[k].n_words
                if seen >= 60:
                    cut = k + 1
                    break
        before = dict(labels)
        for k in [k for k, v in labels.items() if k >= cut and v[1] == "text.dateline"]:
            del labels[k]
        comments = _timestamp_comments(lines, labels, cut)
        if comments:
            for k, v in before.items():
                labels.setdefault(k, v)
            inside, share = _region(lines, labels)
        else:
            labels = before
    # A dateline right after a short head (title, caption) opens the body: what is above it is header.
    datelines = [i for i in sorted(inside) if labels.get(i, ("",))[0] == "dateline"]
    if datelines:
        d = datelines[0]
        above = [k for k in inside if k < d]
        if len(above) <= 2 and any(k > d for k in inside):
            inside -= set(above) | {d}
    _lead_after_dateline(lines, labels, inside)
    _trim_edges(lines, labels, inside)
    if not inside:
        inside = _brief(lines, labels)
    if inside:
        a, b = min(inside), max(inside)
    else:
        a, b = len(lines), -1

    # 3. header zone: dateline, caption above it, title
    dl_idx = next((i for i in range(len(lines)) if labels.get(i, ("",))[0] == "dateline" and i <= b + 1), None)
    published = _published(lines, labels, b)
    head = [i for i in range(0, a) if i not in inside]
    if dl_idx is not None and dl_idx < a:
        cap = dl_idx - 1
        if cap > 0 and cap not in labels and cap not in inside and lines[cap].n_words <= 45:
            above = [k for k in range(0, cap) if k not in labels and headline_like(lines[k])]
            if above:
                labels[cap] = ("caption", "text.caption-above-dateline")
    title_idx = _pick_title(lines, labels, inside, a)
    if title_idx is not None:
        labels[title_idx] = ("title", "text.title")
    # a picture description with a photographer credit in the head is a caption
    for i in head:
        if i not in labels and ends_with_name_credit(lines[i]) and lines[i].n_words >= 5:
            labels[i] = ("caption", "text.caption-credit")

    # 4. assemble
    body: list[str] = []
    removed: list[RemovedLine] = []
    furniture: list[str] = []
    captions: list[str] = []
    byline: str | None = None
    authors: list[str] = []
    for i, ln in enumerate(lines):
        lab = labels.get(i)
        if lab is None:
            if i in inside or (BETWEEN_IS_BODY and a < i < b):
                body.append(ln.text)
                continue
            lab = ("furniture", "text.before-body" if i < a else "text.after-body" if i > b else "text.between-body")
        kind, rule = lab
        removed.append(RemovedLine(text=ln.text[:2000], kind=kind, rule=rule, position=ln.idx))  # type: ignore[arg-type]
        if kind == "furniture":
            furniture.append(ln.text)
        elif kind == "caption":
            captions.append(ln.text)
        elif kind == "byline" and byline is None:
            parsed = parse_byline(ln)
            if parsed:
                byline, authors = parsed
    confidence = 0.3 + 0.6 * share
    if matched:
        confidence += 0.05
    if sum(len(p.split()) for p in body) < 40:
        confidence *= 0.6
    return Article(
        id="", content_hash="", format="text",
        title=lines[title_idx].text if title_idx is not None else None,
        title_from="text" if title_idx is not None else None,
        published=published, published_from="text" if published is not None else None,
        byline=byline, authors=authors, body=body, captions=captions, furniture=furniture,
        comments=comments, removed=removed, confidence=round(max(0.0, min(1.0, confidence)), 3),
    )


def line_kinds(text: str) -> list[str | None]:
    """Per input line: 'body', the kind of non-body line (title, furniture, comment, ...), or None if blank.

    Lines joined by unwrapping share the kind of their paragraph.
    """
    art = extract_text(text)
    by_pos = {r.position: r.kind for r in art.removed if r.position is not None}
    raw = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str | None] = [None] * len(raw)
    starts = [ln.idx for ln in _lines(text)]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(raw)
        kind = by_pos.get(start, "body")
        for k in range(start, end):
            if raw[k].strip():
                out[k] = kind
    return out
