"""HTML -> Article, built on trafilatura (body and metadata)."""

from __future__ import annotations

from storylens.model import Article


def extract_html(html: str, url: str | None = None) -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      favor_precision=False, as_dict=False)
    if doc is None:
        return Article(id="", content_hash="", format="html", url=url, confidence=0.0)
    body = [p.strip() for p in (doc.text or "").split("\n") if p.strip()]
    published = None
    if doc.date:
        from storylens.extract import parse_date

        published = parse_date(doc.date)
    return Article(
        id="", content_hash="", format="html", url=url or doc.url,
        outlet=doc.sitename or None, outlet_from="meta" if doc.sitename else None,
        title=doc.title, title_from="meta" if doc.title else None,
        published=published, published_from="meta" if published else None,
        byline=doc.author, authors=[a.strip() for a in (doc.author or "").split(";") if a.strip()],
        body=body, confidence=0.8 if body else 0.0,
    )
