"""Typed response models of the HTTP API (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from storylens.model import Article, InputError


class StoryItem(BaseModel):
    id: str
    title: str
    article_count: int
    outlets: list[str]
    first_published: str | None = Field(None, description="ISO date of the first article.")
    last_published: str | None = Field(None, description="ISO date of the last article.")
    activity: dict[str, int] = Field(default_factory=dict, description="Articles per day (ISO date -> count).")


class Page(BaseModel):
    total: int = Field(description="Items matching the filters, over all pages.")
    page: int
    per_page: int
    pages: int


class StoryPage(Page):
    items: list[StoryItem]


class ArticleItem(BaseModel):
    id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    story_id: str | None = None


class ArticlePage(Page):
    items: list[ArticleItem]


class ArticleResponse(BaseModel):
    article: Article
    story_id: str | None = None


class JobResponse(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    stage: str
    done: int
    total: int | None = None
    files: int
    urls: int
    added: list[str]
    skipped: int
    errors: list[InputError]
    stages: dict[str, str]
    story_ids: list[str]
    message: str
    created: str


class ErrorResponse(BaseModel):
    detail: str
