"""Text blocks: paragraphs, headings, notes, preformatted text, lists, quotes, tables, raw
markup, related links, dividers, page breaks and slot markers."""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup
from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)

from layout.blocks.base import (
    Align,
    Captioned,
    FlowHtml,
    FrozenModel,
    InlineText,
    already_sanitized,
    checked_url,
)
from layout.html.repair import clean_block_html
from layout.measure.text import BlockText, block_text_of


class Paragraph(InlineText):
    kind: Literal["paragraph"] = "paragraph"
    align: Align | None = None


class Heading(InlineText):
    kind: Literal["heading"] = "heading"
    level: int = Field(2, ge=1, le=6)
    align: Align | None = None


class Note(InlineText):
    """An editor's note at the end: "Additional reporting by ...", a correction.

    ``label`` is the note's lead-in as the reader sees it ("Correction"), when it has one.
    """

    kind: Literal["note"] = "note"
    label: str | None = Field(None, max_length=200)


class Preformatted(InlineText):
    """Text whose line breaks and spaces are its meaning: preformatted text, source code
    (``language`` when known), verse. It is body text for the rules that count paragraphs."""

    kind: Literal["preformatted"] = "preformatted"
    variant: Literal["pre", "code", "verse"] = "pre"
    language: str | None = Field(None, max_length=40, pattern=r"^[A-Za-z0-9_+#.\-]+$")

    def _measure_text(self) -> BlockText:
        """Its lines and spaces are its own (``measure.text.preformatted_text``)."""
        return block_text_of(self.html, preformatted=True)


class ListBlock(FrozenModel):
    kind: Literal["list"] = "list"
    ordered: bool = False
    items: list[str]

    @field_validator("items")
    @classmethod
    def _sanitize_items(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if already_sanitized(info):
            return value
        return [clean_block_html(item) for item in value]

    @property
    def item_markup(self) -> list[Markup]:
        return [Markup(item) for item in self.items]


class Quote(FlowHtml):
    """A block quote or pull quote; ``html`` may hold several paragraphs."""

    kind: Literal["quote"] = "quote"
    attribution: str | None = None
    pull: bool = False
    align: Align | None = None


class Table(FlowHtml, Captioned):
    """A table (``html`` is the ``<table>``), with the caption of its figure if any."""

    kind: Literal["table"] = "table"
    caption: str | None = None
    align: Align | None = None


class RawHtml(FlowHtml):
    """Markup ingest did not recognise: kept, sanitized, never dropped."""

    kind: Literal["html"] = "html"


class Related(FrozenModel):
    """A link to another article, shown as a card."""

    kind: Literal["related"] = "related"
    url: str | None
    title: str

    @field_validator("url")
    @classmethod
    def _safe_url(cls, value: str | None) -> str | None:
        return checked_url(value)


class Divider(FrozenModel):
    kind: Literal["divider"] = "divider"


class PageBreak(FrozenModel):
    """Where the editor split the article into pages (WordPress ``<!--nextpage-->``)."""

    kind: Literal["pagebreak"] = "pagebreak"


class SlotMarker(FrozenModel):
    """An editor's explicit slot marker: a named unit goes exactly here."""

    kind: Literal["slot"] = "slot"
    unit: str
