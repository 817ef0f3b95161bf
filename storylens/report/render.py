"""Render a Report as JSON, Markdown or self-contained HTML."""

from __future__ import annotations

import html

from storylens.model import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def render_markdown(report: Report) -> str:
    lines = ["# storylens report", ""]
    for a in report.articles:
        lines.append(f"- **{a.title or a.id}** — {a.outlet or 'unknown outlet'}, {a.published or 'undated'}")
    return "\n".join(lines) + "\n"


def render_html(report: Report) -> str:
    items = "".join(
        f"<li>{html.escape(a.title or a.id)} — {html.escape(a.outlet or 'unknown outlet')}</li>" for a in report.articles
    )
    return f"<!doctype html><meta charset='utf-8'><title>storylens report</title><ul>{items}</ul>"
