"""Render a Report as JSON, Markdown or one self-contained HTML file.

The HTML report uses the same story templates as the web UI, with the
stylesheet inlined, no script at all and a Content-Security-Policy that
forbids any, so it opens offline and article text can never run code.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from storylens.model import Article, Report
from storylens.report.views import date_label, loose_story, safe_url, short, story_view, storyline_view, when

TEMPLATES = Path(__file__).parent / "templates"
CSS_FILE = Path(__file__).resolve().parents[1] / "web" / "static" / "storylens.css"


QUOTE_MARKS = ' "“”‘’'


def make_env(*extra_dirs: Path) -> Environment:
    """A Jinja environment over the report templates (plus ``extra_dirs`` first), autoescaping on."""
    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in (*extra_dirs, TEMPLATES)])
    env = Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=False)
    env.filters["datelabel"] = date_label
    env.filters["safe_url"] = safe_url
    env.filters["short"] = short
    return env


@lru_cache(maxsize=1)
def _env() -> Environment:
    return make_env()


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


class StaticUrls:
    """Links inside the one-file report: anchors."""

    def __init__(self, articles: list[Article], story_anchors: dict[str, str] | None = None,
                 line_anchors: dict[str, str] | None = None) -> None:
        self._n = {a.id: i + 1 for i, a in enumerate(articles)}
        self._story = story_anchors or {}
        self._line = line_anchors or {}

    def article(self, article_id: str) -> str:
        return f"#art-{self._n.get(article_id, 0)}"

    def story(self, story_id: str) -> str:
        return self._story.get(story_id, "#stories")

    def storyline(self, storyline_id: str) -> str:
        return self._line.get(storyline_id, "")


def _views(report: Report) -> list:
    stories = list(report.stories)
    loose = loose_story(report)
    if loose is not None:
        stories.append(loose)
    views = [story_view(report, s, anchor_prefix=f"s{i + 1}-") for i, s in enumerate(stories)]
    return views


def render_html(report: Report) -> str:
    env = _env()
    articles = sorted(report.articles, key=when)
    css = CSS_FILE.read_text("utf-8") if CSS_FILE.exists() else ""
    tmpl = env.get_template("report.html.j2")
    macros = env.get_template("_story.html.j2").module
    views = _views(report)
    story_anchors = {v.story.id: f"#s{i + 1}-story" for i, v in enumerate(views)}
    lines = _line_views(report)
    line_anchors = {lv.storyline.id: f"#line-{i + 1}" for i, lv in enumerate(lines)}
    return tmpl.render(report=report, stories=views, lines=lines, articles=articles,
                       urls=StaticUrls(articles, story_anchors, line_anchors), css=css, m=macros)


def _line_views(report: Report) -> list:
    """Storylines with more than one story (a one-story storyline says nothing its story does not)."""
    return [storyline_view(sl, report.stories) for sl in report.storylines if len(sl.story_ids) > 1]


# ---------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>&~])")


def md(text: str | None, limit: int = 2000) -> str:
    """Untrusted text as inert Markdown: one line, every markup character escaped."""
    if not text:
        return ""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", text)


def _date(value: dt.datetime | dt.date | None) -> str:
    return md(date_label(value))


def render_markdown(report: Report) -> str:
    out: list[str] = ["# storylens report", ""]
    out.append(f"{len(report.stories)} story(ies) from {len(report.articles)} article(s). Stages: "
               + ", ".join(f"{k} {'ran' if v == 'done' else 'not in this version'}" for k, v in sorted(report.stages.items()))
               + ".")
    out.append("")
    if not report.stories:
        out += ["*Articles are listed ungrouped: no stories in this report.*", ""]
    lines = _line_views(report)
    if lines:
        out += ["## Storylines", ""]
        for lv in lines:
            out.append(f"- **{md(lv.title, 300)}** ({len(lv.rows) + len(lv.undated)} stories, "
                       f"{lv.storyline.articles} articles, {md(str(lv.first or 'undated'))} to "
                       f"{md(str(lv.last or 'undated'))})")
            for r in lv.rows + lv.undated:
                out.append(f"  - {md(str(r.first or 'undated'))}: {md(r.title, 200)} ({r.articles} articles; "
                           f"{md(', '.join(r.outlets) or 'outlet unknown', 300)})")
        out.append("")
    for v in _views(report):
        num = v.cite_numbers
        out += [f"## {md(v.title)}", ""]
        first, last = v.first, v.last
        out += [f"{v.outlet_phrase}, {_date(first)} to {_date(last)}.", ""]

        def cites(ids: list[str], num: dict[str, int] = num) -> str:
            return "[" + ", ".join(str(num[i]) for i in ids if i in num) + "]"

        out += ["### Summary", ""]
        if v.loose:
            out.append("No summary: these articles are not grouped into a story.")
        elif v.summary:
            for s in v.summary:
                lead = "**Conflict:** " if s.kind == "conflict" else ""
                extra = ""
                if s.kind == "sentence" and len(s.outlets) > 1:
                    extra += f" ({len(s.outlets)} outlets"
                    extra += f", {len(s.derived)} more by reuse)" if s.derived else ")"
                elif s.kind == "sentence" and s.derived:
                    extra += f" ({len(s.derived)} more by reuse)"
                if s.kind == "sentence" and s.independent_sources:
                    extra += " [one source]" if s.single_source else f" [{s.independent_sources} sources]"
                out.append(f"- {lead}{md(s.text)} {cites(s.cites)}{extra}")
        else:
            out.append("No summary: no sentences long enough to quote.")
        out += ["", "### Articles", ""]
        for a in v.articles:
            out.append(f"{num[a.id]}. {_date(a.published)} · **{md(a.outlet or 'unknown outlet')}** · "
                       f"{md(a.label, 300)} (id {md(a.id, 200)})")
        out += ["", "### Copies and rewrites", ""]
        if v.graph or v.copies:
            for dv in v.diffs:
                d = dv.derivation
                out.append(f"- {cites([d.derived_id])} is a {d.kind.replace('_', ' ')} of {cites([d.source_id])} "
                           f"(score {d.score:.2f}, coverage {d.coverage:.0%}, {'attributed' if d.attribution else 'no attribution'})")
                for c in d.changes[:20]:
                    out.append(f"  - {c.kind}: “{md(c.source.text, 200)}” → “{md(c.derived.text, 200)}”: {md(c.explanation, 300)}")
            for d in v.copies:
                out.append(f"- {cites([d.derived_id])} is a copy of {cites([d.source_id])} (score {d.score:.2f})")
        elif v.reuse_analysed:
            out.append("No copies or rewrites found.")
        else:
            out.append("Not analysed yet in this version.")
        sections = [
            ("Coverage: facts by outlet", bool(v.matrix and v.matrix.rows), v.claims_analysed),
            ("Timeline", bool(v.timeline), v.timeline_analysed),
            ("Conflicts", bool(v.conflicts), v.conflicts_analysed),
            ("Comments", bool(v.comments), v.comments_analysed),
        ]
        for title, has, analysed in sections:
            out += ["", f"### {title}", ""]
            if not has:
                out.append("Nothing found." if analysed else "Not analysed yet in this version.")
                continue
            if title.startswith("Coverage") and v.matrix:
                mark = {"reported": "✓", "conflict": "✗", "omitted": "–", "": " "}
                out.append("| Fact | Sources | " + " | ".join(md(o, 40) for o in v.matrix.outlets) + " |")
                out.append("|---" * (len(v.matrix.outlets) + 2) + "|")
                for r in v.matrix.rows:
                    out.append(f"| {md(r.text, 200)} | {r.sources} | " + " | ".join(mark[c] for c in r.cells) + " |")
                out += ["", "✓ reported, ✗ reported differently, – left out; sources: independent sources. "
                        f"{v.matrix.single} fact(s) reported by one article only."]
                if v.quotes:
                    out += ["", "Quotes by speaker:", ""]
                    for g in v.quotes:
                        for q in g.quotes[:10]:
                            said = f"“{md(q.text.strip(QUOTE_MARKS), 300)}”" if q.kind == "direct" else f"{md(q.cue, 40)} {md(q.text, 300)}"
                            out.append(f"- {md(g.speaker, 80)}: {said} {cites(q.article_ids)}")
            elif title == "Timeline":
                for t in v.timeline:
                    bg = " (background)" if t.background else ""
                    src = f" [{t.independent_sources} sources]" if t.independent_sources > 1 else ""
                    said = f" (“{md(t.expression, 60)}”)" if t.expression else ""
                    out.append(f"- {md(t.date)}{bg}: {md(t.text, 400)}{said} {cites(t.sources)}{src}")
            elif title == "Conflicts":
                for c in v.conflicts:
                    out.append(f"- {c.kind}: “{md(c.a.text, 200)}” {cites([c.a_article_id])} vs "
                               f"“{md(c.b.text, 200)}” {cites([c.b_article_id])}: {md(c.explanation, 300)}")
            else:
                for ca in v.comments:
                    sup = sum(1 for s in ca.stances if s.stance == "support")
                    opp = sum(1 for s in ca.stances if s.stance == "oppose")
                    out.append(f"- {cites([ca.article_id])}: {md(ca.summary.text, 600) or f'{len(ca.stances)} comment(s).'} "
                               f"Stance toward the article's subject: {sup} support, {opp} oppose, "
                               f"{len(ca.stances) - sup - opp} neutral; {len(ca.flags)} flag(s), signals to check.")
                    for f in ca.flags[:50]:
                        out.append(f"  - {f.kind.replace('_', ' ')}: **{md(f.author or 'anonymous', 80)}**, comments "
                                   f"{', '.join(str(p) for p in f.comment_positions)} (score {f.score:.2f}): "
                                   f"{md(f.explanation, 400)}")
                        for e in f.evidence[:4]:
                            out.append(f"    - “{md(e, 300)}”")
        out.append("")
    if report.errors:
        out += ["## Input errors", ""]
        out += [f"- {md(e.source, 300)}: {md(e.reason, 300)}" for e in report.errors]
        out.append("")
    return "\n".join(out) + "\n"
