"""The article model: metadata and an ordered list of body blocks (``blocks``), and the
one way article data (from JSON or from ingest) becomes an :class:`Article`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from layout.blocks import Block, FrozenModel, Image, already_sanitized, checked_url
from layout.html.text import scrub


class IngestReport(FrozenModel):
    """Something ingest kept but could not read as the source meant it (an unknown
    shortcode, an element type it does not know): the plan's decisions list it."""

    code: Literal["unknown-shortcode", "unknown-element", "dynamic-block"]
    block: int | None = Field(None, ge=0)  # the block it is in, when it is in one
    message: str = Field(max_length=500)


class Article(FrozenModel):
    """An article: metadata plus body blocks in reading order."""

    id: str = Field(min_length=1, max_length=200)
    url: str | None = None
    headline: str
    dek: str | None = None
    summary: list[str] = Field(default_factory=list)
    byline: str | None = None
    section: str | None = None
    section_url: str | None = None  # the section's front page, linked from the section tag
    tags: list[str] = Field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    lang: str = "en"
    dir: Literal["ltr", "rtl", "auto"] = "ltr"
    hero: Image | None = None
    access: Literal["free", "metered", "premium"] = "metered"
    comment_count: int | None = Field(None, ge=0)
    comments_url: str | None = None  # where the comments are read and written
    no_ads: bool = False
    brand_safety: list[str] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    # The index of the first block after the editor's teaser mark (WordPress <!--more-->):
    # the paywall's preview may end there.
    teaser_end: int | None = Field(None, ge=0)
    reports: list[IngestReport] = Field(default_factory=list)

    @field_validator("url", "section_url", "comments_url")
    @classmethod
    def _safe_url(cls, value: str | None) -> str | None:
        return checked_url(value)

    @model_validator(mode="before")
    @classmethod
    def _scrub_text(cls, data: Any, info: ValidationInfo) -> Any:
        """No control character or lone surrogate reaches any field (they are invalid in
        HTML); ingest's output is already clean."""
        return data if already_sanitized(info) else scrub(data)


def article_from_data(data: Any, *, sanitized: bool = False) -> Article:
    """Validate article data (from JSON or from ingest) into an :class:`Article`."""
    return Article.model_validate(data, context={"sanitized": sanitized})
