"""The one data model that flows through every stage.

Every stage reads and writes these pydantic models; the report's JSON Schema
(``docs/report.schema.json``) is generated from :class:`Report`.

Conventions
-----------
* Every finding carries the text it rests on (spans) and a score, so a person
  can check it in one look.
* Lists are in a stable order so the same input gives the same report.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

PublishedFrom = Literal["meta", "dateline", "url", "file", "jsonl", "feed", "warc", "text", "http"]
LineKind = Literal[
    "title", "dateline", "byline", "caption", "furniture", "comment", "comment_author", "comment_header", "boilerplate"
]
InputFormat = Literal["html", "text", "jsonl", "rss", "warc", "url"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """A piece of text, with character offsets into the string it was taken from."""

    text: str
    start: int | None = Field(None, description="Start offset in the sentence or paragraph it belongs to.")
    end: int | None = None


class RemovedLine(_Model):
    """A line that extraction kept out of the body, and the rule that decided it."""

    text: str
    kind: LineKind
    rule: str = Field(description="Name of the rule that classified the line, e.g. 'text.ranking-block'.")
    position: int | None = Field(None, description="Index of the line in the input (plain text) or block (HTML).")


class Comment(_Model):
    author: str | None = None
    text: str
    position: int = Field(description="0-based order of the comment on the page.")
    published: dt.datetime | None = None


class PublishedEstimate(_Model):
    """A publication date estimated from the article's own text, for an article that gives none: a range."""

    earliest: dt.date | None = None
    latest: dt.date | None = None
    evidence: list[str] = Field(default_factory=list, description="What each bound rests on, one line each.")


class Article(_Model):
    """One news article after extraction."""

    id: str = Field(description="Stable id: the input's own id when it has one, else a content hash.")
    content_hash: str = Field(description="sha256 of the raw input; used to ingest each input once.")
    external_id: str | None = Field(None, description="The id given by the input (JSONL 'id', WARC record id).")
    source: str | None = Field(None, description="File path (and line or record) or URL the article came from.")
    url: str | None = None
    format: InputFormat = "text"
    outlet: str | None = Field(None, description="Publisher, from the URL's domain, the input, or site metadata.")
    outlet_from: str | None = None
    title: str | None = None
    title_from: str | None = None
    published: dt.datetime | dt.date | None = None
    published_from: PublishedFrom | None = None
    published_estimate: PublishedEstimate | None = Field(
        None, description="For an undated article: the range its own text and its story's dated articles allow "
                          "(facts stage; an estimate, never a fact).")
    byline: str | None = None
    authors: list[str] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list, description="Body paragraphs in reading order.")
    captions: list[str] = Field(default_factory=list)
    furniture: list[str] = Field(default_factory=list, description="Link lists, rankings, navigation, promos.")
    comments: list[Comment] = Field(default_factory=list)
    removed: list[RemovedLine] = Field(
        default_factory=list, description="Every non-body line with the rule that removed it."
    )
    language: str | None = None
    confidence: float = Field(1.0, ge=0.0, le=1.0, description="How sure extraction is of the body boundaries.")

    @property
    def text(self) -> str:
        return "\n\n".join(self.body)

    @property
    def label(self) -> str:
        """What to show where a headline is wanted: the title; else the body's opening words, quoted and marked
        as such (a headline is never invented); else the file or address it came from; else its id."""
        if self.title:
            return self.title
        words = self.body[0].split() if self.body else []
        if words:
            return f"“{' '.join(words[:12])}{'…' if len(words) > 12 else ''}” (no headline)"
        if self.source:
            return self.source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or self.id
        return self.id

    def published_date(self) -> dt.date | None:
        p = self.published
        if isinstance(p, dt.datetime):
            return p.date()
        return p


# ---------------------------------------------------------------- reuse


class AlignedPair(_Model):
    source_index: int = Field(description="Sentence index in the source article.")
    derived_index: int = Field(description="Sentence index in the derived article.")
    source_text: str
    derived_text: str
    similarity: float


ChangeKind = Literal["entity", "number", "date", "actor", "attribution", "negation", "hedging", "other"]


class Change(_Model):
    kind: ChangeKind
    source: Span
    derived: Span
    source_index: int
    derived_index: int
    explanation: str
    score: float = 1.0


class Derivation(_Model):
    source_id: str
    derived_id: str
    kind: Literal["copy", "near_copy", "rewrite"]
    score: float = Field(description="Confidence that derived_id derives from source_id.")
    coverage: float = Field(description="Share of the derived article's sentences that come from the source.")
    source_kept: float = Field(description="Share of the source's sentences that the derived article kept.")
    attribution: bool = Field(False, description="Whether the derived article names or links the source.")
    attribution_evidence: str | None = None
    direction_from: Literal["published", "text", "chain"] = "text"
    direction_confidence: float = 0.5
    direction_evidence: list[str] = Field(default_factory=list)
    via: str | None = Field(None, description="For chains: the intermediate article this one was taken through.")
    pairs: list[AlignedPair] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    omitted: list[str] = Field(default_factory=list, description="Source sentences the derived article left out.")
    added: list[str] = Field(default_factory=list, description="Derived sentences not found in the source.")


# ---------------------------------------------------------------- stories


class StoryHistoryEntry(_Model):
    at: str = Field(description="When it happened (ISO timestamp of the ingest batch, or of the article).")
    action: Literal["opened", "added", "merged"]
    article_id: str | None = None
    other_story_id: str | None = None
    reason: str = ""
    score: float | None = None


class Story(_Model):
    id: str
    title: str | None = None
    article_ids: list[str] = Field(default_factory=list)
    first_published: dt.datetime | dt.date | None = None
    last_published: dt.datetime | dt.date | None = None
    outlets: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    activity: dict[str, int] = Field(default_factory=dict, description="Articles per day (ISO date -> count).")
    merged_from: list[str] = Field(default_factory=list)
    history: list[StoryHistoryEntry] = Field(default_factory=list)
    storyline_id: str | None = Field(None, description="The storyline (long-running coverage) this story is part of.")


class StorylineHistoryEntry(_Model):
    at: str = Field(description="When it happened (ISO timestamp of the story's first article, or arrival order).")
    action: Literal["opened", "joined", "merged"]
    story_id: str | None = None
    other_storyline_id: str | None = None
    reason: str = ""
    score: float | None = None


class Storyline(_Model):
    """Long-running coverage of one topic: its stories (events) in time order."""

    id: str
    title: str | None = Field(None, description="The title of its largest story.")
    story_ids: list[str] = Field(default_factory=list, description="Its stories, oldest first.")
    first_published: dt.datetime | dt.date | None = None
    last_published: dt.datetime | dt.date | None = None
    outlets: list[str] = Field(default_factory=list)
    articles: int = 0
    merged_from: list[str] = Field(default_factory=list)
    history: list[StorylineHistoryEntry] = Field(default_factory=list)


# ---------------------------------------------------------------- claims, conflicts, timeline, comments


Modality = Literal["reported", "expected", "planned", "denied"]


class TextSpan(_Model):
    """Where a piece of an article sits: the body paragraph and character offsets into it."""

    article_id: str
    paragraph: int = Field(description="Index into the article's body paragraphs.")
    start: int
    end: int
    text: str


class Claim(_Model):
    """One sentence of an article that asserts something, with its specific items."""

    id: str = Field(description="'<article id>:c<n>'")
    article_id: str
    sentence_index: int = Field(description="Index of the sentence in the article's body.")
    text: str
    span: TextSpan
    actors: list[str] = Field(default_factory=list, description="Names of people, places and organisations it mentions.")
    numbers: list[str] = Field(default_factory=list, description="Figures, in one spelling ('2%', '776m').")
    dates: list[str] = Field(default_factory=list, description="Dates it names, resolved against the publication "
                             "date (ISO 8601: '2025-02-07', '2025-01', '2025-H2'; 'XXXX-02-07' when no year is known).")
    modality: Modality = Field("reported", description="reported (happened / is the case), expected, planned or denied.")
    negated: bool = False
    attribution: str | None = Field(None, description="Who it is credited to ('sources', 'Shigeru Ishiba').")
    date_texts: list[str] = Field(default_factory=list, description="The expressions of ``dates``, as written.")
    quote_id: str | None = Field(None, description="The quote this sentence carries, if any.")
    fact_id: str | None = Field(None, description="The fact (claims aligned across the story's articles) it belongs to.")


class QuoteSpans(_Model):
    """One article's rendering of a quote."""

    article_id: str
    claim_id: str | None = None
    source: TextSpan | None = None
    cue: TextSpan
    content: TextSpan


class Quote(_Model):
    """A direct or indirect quote, with every article that carries it (aligned across outlets within a story)."""

    id: str
    story_id: str | None = None
    speaker: str | None = Field(None, description="The fullest name the article gives for the speaker, when safe.")
    speaker_as_written: str | None = None
    cue: str
    text: str = Field(description="The content, as the first article to carry it wrote it.")
    kind: Literal["direct", "indirect", "mixed"] = "indirect"
    article_ids: list[str] = Field(default_factory=list)
    spans: list[QuoteSpans] = Field(default_factory=list)


class Fact(_Model):
    """Claims of a story's articles that say the same thing, and who carries it."""

    id: str
    story_id: str
    text: str = Field(description="The claim of the first article to report it.")
    claim_ids: list[str]
    article_ids: list[str]
    outlets: list[str] = Field(default_factory=list)
    sources: list[list[str]] = Field(
        default_factory=list,
        description="The carriers grouped into independent sources: an article that copied or rewrote another, "
                    "and articles of one outlet, are one source.")
    independent_sources: int = 1
    single_source: bool = Field(True, description="Reported by one independent source only.")
    first_article_id: str = Field(description="The earliest carrier (by publication time; undated articles last).")
    omitted_by: list[str] = Field(
        default_factory=list,
        description="Articles of the story that report its other shared facts but not this one.")
    score: float = Field(1.0, description="Mean alignment score of its claims (1.0 for a single claim).")


class Conflict(_Model):
    """Two claims about the same thing that disagree."""

    id: str
    fact_id: str | None = None
    kind: ChangeKind
    claim_ids: list[str]
    a: Span
    b: Span
    a_article_id: str
    b_article_id: str
    explanation: str
    from_rewrite: bool = Field(False, description="Drift introduced by a derived article.")
    score: float = 1.0


class TimelineEvent(_Model):
    date: str = Field(description="ISO value: a day (2025-02-07), or coarser (2025-01, 2025-W05, 2025-Q3, 2025-H2, "
                                  "2025) when that is all the text gives.")
    granularity: str = Field("day", description="day, week, month, quarter, half, season, year or decade.")
    text: str = Field(description="The sentence that dates it, as the first article to report it wrote it.")
    expression: str | None = Field(None, description="The date expression as written, e.g. 'Friday'.")
    anchor: str | None = Field(None, description="The publication date it was resolved against.")
    sources: list[str] = Field(default_factory=list, description="Articles that report it (the fact's carriers).")
    outlets: list[str] = Field(default_factory=list)
    independent_sources: int = 1
    first_reported: dt.datetime | dt.date | None = Field(None, description="Publication time of its first report.")
    background: bool = Field(False, description="An earlier event the articles recall, not the story's own.")
    fact_id: str | None = None
    story_id: str | None = None
    storyline_id: str | None = None
    score: float = Field(0.0, description="Importance: independent sources, then how many articles carry it.")


class OutletGroup(_Model):
    """Articles that name no outlet, found to be of one outlet, with what shows it."""

    story_id: str
    label: str = Field(description="A credit the pages give ('Coastline Wire'), or 'outlet A', 'outlet B'...")
    article_ids: list[str]
    evidence: str


class StoryFacts(_Model):
    """What the facts stage stored for one story."""

    story_id: str
    fingerprint: str = Field(description="Stage version and the story's articles, derivations and bodies it was built from.")
    claims: list[Claim] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    outlet_groups: list[OutletGroup] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    estimates: dict[str, PublishedEstimate] = Field(default_factory=dict, description="Undated articles' estimates.")


FlagKind = Literal["both_sides", "templated", "burst", "generic"]
TargetKind = Literal["subject", "person", "policy", "outlet"]


class CommentFlag(_Model):
    """A signal on one account for a person to check, never a verdict; it names the comments it rests on."""

    kind: FlagKind = Field(description="both_sides: opposite stances on the article's subject; templated: "
                                       "(near-)identical text under other accounts or other articles; burst: many "
                                       "comments in a short time; generic: text that could sit under any article.")
    author: str | None = None
    comment_positions: list[int] = Field(default_factory=list, description="This article's comments it rests on.")
    evidence: list[str] = Field(default_factory=list, description="The comments' texts (and matching ones elsewhere).")
    explanation: str = Field("", description="What was seen, in one sentence, worded as a signal.")
    other_comments: list[str] = Field(
        default_factory=list, description="Matching comments elsewhere, as 'article_id#position' (templated).")
    score: float = 1.0


class CommentStance(_Model):
    position: int
    author: str | None = None
    stance: Literal["support", "oppose", "neutral"]
    score: float = Field(0.0, description="Probability of the stance under the stance model.")
    lean: float = Field(0.0, description="Probability of support minus probability of opposition (-1 to 1).")
    target: str | None = Field(None, description="What the comment is about: a person it names that the article "
                                                 "names, the outlet, a policy, else the article's subject.")
    target_kind: TargetKind = "subject"
    engages: bool = Field(True, description="Shares names, figures or specific words with the article.")
    specificity: float = Field(0.0, description="Closest cosine of the comment to one of the article's sentences.")


class CommentSummary(_Model):
    comments: int = 0
    authors: int = 0
    support: int = 0
    oppose: int = 0
    neutral: int = 0
    engaging: int = Field(0, description="Comments that engage with the article's facts.")
    flagged_authors: int = 0
    flags: dict[str, int] = Field(default_factory=dict, description="Flagged accounts per kind.")
    text: str = ""


class CommentAnalysis(_Model):
    article_id: str
    target: str | None = Field(None, description="The article's main subject, the target of every stance.")
    stances: list[CommentStance] = Field(default_factory=list)
    flags: list[CommentFlag] = Field(default_factory=list)
    summary: CommentSummary = Field(default_factory=CommentSummary)


# ---------------------------------------------------------------- report


class InputError(_Model):
    source: str
    reason: str


class SummarySentence(_Model):
    """One sentence of a story's cited extractive summary (report stage)."""

    story_id: str
    kind: Literal["sentence", "conflict"] = "sentence"
    text: str = Field(description="The sentence as one article wrote it, or a note naming a conflict.")
    article_id: str = Field(description="The article the sentence is quoted from.")
    cites: list[str] = Field(default_factory=list, description="Every article reporting the same sentence.")
    outlets: list[str] = Field(
        default_factory=list,
        description="Outlets that report the sentence on their own: an article that copied or rewrote another "
                    "cited article is not counted as corroboration.")
    derived: list[str] = Field(
        default_factory=list,
        description="Cited articles that carry the sentence because they copied or rewrote another cited article.")
    independent_sources: int | None = Field(
        None, description="Independent sources of the fact the sentence states (facts stage), when it is one.")
    single_source: bool = Field(False, description="The fact rests on one independent source.")
    score: float = 0.0


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    generator: str = "storylens"
    articles: list[Article] = Field(default_factory=list)
    stories: list[Story] = Field(default_factory=list)
    storylines: list[Storyline] = Field(default_factory=list)
    derivations: list[Derivation] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list, description="Claims aligned across a story's articles.")
    quotes: list[Quote] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    outlet_groups: list[OutletGroup] = Field(
        default_factory=list, description="Per story: articles without a named outlet found to be of one outlet.")
    timeline: list[TimelineEvent] = Field(default_factory=list)
    comment_analysis: list[CommentAnalysis] = Field(default_factory=list)
    summaries: list[SummarySentence] = Field(default_factory=list, description="Cited summary sentences per story.")
    errors: list[InputError] = Field(default_factory=list, description="Inputs that could not be read, and why.")
    stages: dict[str, str] = Field(
        default_factory=dict,
        description="Which stages ran ('done') and which are not part of this version yet ('not_available').",
    )
    stats: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Counters and timings of the run that wrote this report: 'timings' holds seconds per step "
        "(extract, each stage, report), written by `analyze --timings` only (timings differ between runs).",
    )
