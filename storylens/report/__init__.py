"""Report assembly and renderers (JSON, Markdown, HTML)."""

from storylens.report.build import build_report
from storylens.report.render import render_html, render_json, render_markdown

__all__ = ["build_report", "render_html", "render_json", "render_markdown"]
