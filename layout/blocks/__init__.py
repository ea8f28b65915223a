"""The block kinds of an article body (pydantic): one model per kind, and ``Block``, the
union ingest, article JSON and the renderer share.

Every text field that holds markup is sanitized when the model is built (see ``sanitize``),
so templates can trust ``markup`` and nothing else. Ingest hands over markup it has already
sanitized and says so through the validation context (``{"sanitized": True}``), which skips
the second pass on the hot path.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from layout.blocks.base import Align, FrozenModel, already_sanitized, checked_url
from layout.blocks.media import Audio, Embed, Gallery, Image, MediaSource, Video
from layout.blocks.text import (
    Divider,
    Heading,
    ListBlock,
    Note,
    PageBreak,
    Paragraph,
    Preformatted,
    Quote,
    RawHtml,
    Related,
    SlotMarker,
    Table,
)

Block = Annotated[
    Paragraph
    | Heading
    | Image
    | Quote
    | ListBlock
    | Table
    | Embed
    | Video
    | Audio
    | Gallery
    | Preformatted
    | Related
    | RawHtml
    | Divider
    | PageBreak
    | Note
    | SlotMarker,
    Field(discriminator="kind"),
]


BlockKind = Literal[
    "paragraph",
    "heading",
    "image",
    "quote",
    "list",
    "table",
    "embed",
    "video",
    "audio",
    "gallery",
    "preformatted",
    "related",
    "html",
    "divider",
    "pagebreak",
    "note",
    "slot",
]


BLOCK_KINDS: tuple[str, ...] = get_args(BlockKind)


__all__ = [
    "BLOCK_KINDS",
    "Align",
    "Audio",
    "Block",
    "BlockKind",
    "Divider",
    "Embed",
    "FrozenModel",
    "Gallery",
    "Heading",
    "Image",
    "ListBlock",
    "MediaSource",
    "Note",
    "PageBreak",
    "Paragraph",
    "Preformatted",
    "Quote",
    "RawHtml",
    "Related",
    "SlotMarker",
    "Table",
    "Video",
    "already_sanitized",
    "checked_url",
]
