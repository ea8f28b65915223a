"""What every block model shares: frozen, no unknown fields, markup sanitized on the way
in (unless ingest says it already is), unsafe URLs removed, a caption's cleaning."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from markupsafe import Markup
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationInfo,
    field_validator,
)

from layout.html.repair import clean_block_html, clean_inline_html
from layout.html.sanitize import is_safe_url
from layout.measure.text import BlockText, block_text_of


def already_sanitized(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("sanitized"))


def checked_url(value: str | None, *, image: bool = False) -> str | None:
    """Unsafe URLs (``javascript:``, ``data:`` outside images) are removed, not rejected:
    a content problem never stops a page from rendering."""
    if value is None or is_safe_url(value, image=image):
        return value
    return None


class FrozenModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# How the CMS aligned a block: text alignment for text blocks, placement in the column
# (floated left or right, centred, wider than the column, full width) for media.
Align = Literal["left", "center", "right", "justify", "wide", "full"]


def inline_or_none(value: str | None, info: ValidationInfo) -> str | None:
    if value is None or already_sanitized(info):
        return value
    return clean_inline_html(value)


class Captioned(FrozenModel):
    """A block with a ``caption`` of phrasing markup. Each block declares the field
    itself, where it stands among its fields; the cleaning and the markup are shared."""

    @field_validator("caption", check_fields=False)
    @classmethod
    def _sanitize_caption(cls, value: str | None, info: ValidationInfo) -> str | None:
        return inline_or_none(value, info)

    @property
    def caption_markup(self) -> Markup | None:
        caption = getattr(self, "caption", None)
        return Markup(caption) if caption else None


# Where a block keeps its measured text, beside its fields.
MEASURED_TEXT = "_measured_text"


class MarkupBlock(FrozenModel):
    """A block carried as sanitized ``html``; each kind of markup names its cleaner."""

    html: str

    @staticmethod
    def _clean(value: str) -> str:
        raise NotImplementedError

    @field_validator("html")
    @classmethod
    def _sanitize(cls, value: str, info: ValidationInfo) -> str:
        return value if already_sanitized(info) else cls._clean(value)

    @property
    def markup(self) -> Markup:
        """The sanitized markup, marked safe for the templates."""
        return Markup(self.html)

    @property
    def measured_text(self) -> BlockText:
        """The block's text and words for measuring, read from its markup once and kept
        beside its fields (neither dumped nor compared; a copy with other markup drops
        it). Ingest's walk gives a paragraph's from its parsed element (``know_text``).
        Not a ``functools.cached_property``: on Python 3.11 that takes one lock for every
        instance of the class, and render threads would queue on it."""
        found: BlockText | None = self.__dict__.get(MEASURED_TEXT)
        if found is None:
            found = self.__dict__[MEASURED_TEXT] = self._measure_text()
        return found

    def _measure_text(self) -> BlockText:
        return block_text_of(self.html)

    def know_text(self, text: BlockText) -> None:
        """Keep ``text`` as ``measured_text``: what ingest read off the parsed element
        this block's markup was written from (equal to what the markup would give)."""
        self.__dict__[MEASURED_TEXT] = text

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        if update and "html" in update:
            copied.__dict__.pop(MEASURED_TEXT, None)
        return copied


class InlineText(MarkupBlock):
    """A block whose ``html`` is phrasing markup (links, emphasis, line breaks, code)."""

    @staticmethod
    def _clean(value: str) -> str:
        return clean_inline_html(value)


class FlowHtml(MarkupBlock):
    """A block carried as sanitized block markup."""

    @staticmethod
    def _clean(value: str) -> str:
        return clean_block_html(value)
