"""The article model: metadata and an ordered list of body blocks.

Every text field that holds markup is sanitized when the model is built (see ``sanitize``),
so templates can trust ``markup`` and nothing else. Ingest hands over markup it has already
sanitized and says so through the validation context (``{"sanitized": True}``), which skips
the second pass on the hot path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from markupsafe import Markup
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from layout.html.repair import clean_block_html, clean_inline_html
from layout.html.sanitize import is_safe_url, is_web_url
from layout.html.text import scrub


def _already_sanitized(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("sanitized"))


def _check_url(value: str | None, *, image: bool = False) -> str | None:
    """Unsafe URLs (``javascript:``, ``data:`` outside images) are removed, not rejected:
    a content problem never stops a page from rendering."""
    if value is None or is_safe_url(value, image=image):
        return value
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# How the CMS aligned a block: text alignment for text blocks, placement in the column
# (floated left or right, centred, wider than the column, full width) for media.
Align = Literal["left", "center", "right", "justify", "wide", "full"]


def _inline_or_none(value: str | None, info: ValidationInfo) -> str | None:
    if value is None or _already_sanitized(info):
        return value
    return clean_inline_html(value)


class _Captioned(_Model):
    """A block with a ``caption`` of phrasing markup. Each block declares the field
    itself, where it stands among its fields; the cleaning and the markup are shared."""

    @field_validator("caption", check_fields=False)
    @classmethod
    def _sanitize_caption(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _inline_or_none(value, info)

    @property
    def caption_markup(self) -> Markup | None:
        caption = getattr(self, "caption", None)
        return Markup(caption) if caption else None


class _InlineText(_Model):
    """A block whose ``html`` is phrasing markup (links, emphasis, line breaks, code)."""

    html: str

    @field_validator("html")
    @classmethod
    def _sanitize(cls, value: str, info: ValidationInfo) -> str:
        return value if _already_sanitized(info) else clean_inline_html(value)

    @property
    def markup(self) -> Markup:
        """The sanitized markup, marked safe for the templates."""
        return Markup(self.html)


class Paragraph(_InlineText):
    kind: Literal["paragraph"] = "paragraph"
    align: Align | None = None


class Heading(_InlineText):
    kind: Literal["heading"] = "heading"
    level: int = Field(2, ge=1, le=6)
    align: Align | None = None


class Note(_InlineText):
    """An editor's note at the end: "Additional reporting by ...", a correction.

    ``label`` is the note's lead-in as the reader sees it ("Correction"), when it has one.
    """

    kind: Literal["note"] = "note"
    label: str | None = Field(None, max_length=200)


class Preformatted(_InlineText):
    """Text whose line breaks and spaces are its meaning: preformatted text, source code
    (``language`` when known), verse. It is body text for the rules that count paragraphs."""

    kind: Literal["preformatted"] = "preformatted"
    variant: Literal["pre", "code", "verse"] = "pre"
    language: str | None = Field(None, max_length=40, pattern=r"^[A-Za-z0-9_+#.\-]+$")


class Image(_Captioned):
    """An image or figure. ``caption`` is phrasing markup; ``credit`` is plain text."""

    kind: Literal["image"] = "image"
    src: str | None = None
    alt: str = ""
    width: int | None = Field(None, ge=1, le=100_000)
    height: int | None = Field(None, ge=1, le=100_000)
    caption: str | None = None
    credit: str | None = None
    link: str | None = None  # where the image links to, as the editor linked it
    align: Align | None = None

    @field_validator("src")
    @classmethod
    def _safe_src(cls, value: str | None) -> str | None:
        return _check_url(value, image=True)

    @field_validator("link")
    @classmethod
    def _safe_link(cls, value: str | None) -> str | None:
        return _check_url(value)


class Gallery(_Captioned):
    """Several images shown as one set; each keeps its own caption, credit and link."""

    kind: Literal["gallery"] = "gallery"
    images: list[Image] = Field(min_length=1)
    caption: str | None = None
    columns: int | None = Field(None, ge=1, le=8)
    align: Align | None = None


class MediaSource(_Model):
    """One file of a ``<video>`` or ``<audio>`` player: its URL and MIME type."""

    src: str
    type: str | None = Field(None, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")

    @field_validator("src")
    @classmethod
    def _web_src(cls, value: str) -> str:
        if not is_web_url(value):
            raise ValueError("a media source is an http(s) or relative URL")
        return value


class ListBlock(_Model):
    kind: Literal["list"] = "list"
    ordered: bool = False
    items: list[str]

    @field_validator("items")
    @classmethod
    def _sanitize_items(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if _already_sanitized(info):
            return value
        return [clean_block_html(item) for item in value]

    @property
    def item_markup(self) -> list[Markup]:
        return [Markup(item) for item in self.items]


class _FlowHtml(_Model):
    """A block carried as sanitized block markup."""

    html: str

    @field_validator("html")
    @classmethod
    def _sanitize(cls, value: str, info: ValidationInfo) -> str:
        return value if _already_sanitized(info) else clean_block_html(value)

    @property
    def markup(self) -> Markup:
        return Markup(self.html)


class Quote(_FlowHtml):
    """A block quote or pull quote; ``html`` may hold several paragraphs."""

    kind: Literal["quote"] = "quote"
    attribution: str | None = None
    pull: bool = False
    align: Align | None = None


class Table(_FlowHtml, _Captioned):
    """A table (``html`` is the ``<table>``), with the caption of its figure if any."""

    kind: Literal["table"] = "table"
    caption: str | None = None
    align: Align | None = None


class Embed(_FlowHtml, _Captioned):
    """A third-party post (tweet, Instagram, TikTok, Facebook, any page): its sanitized
    markup when the source gave the post's text, else a card linking to ``url``."""

    kind: Literal["embed"] = "embed"
    provider: str
    url: str | None = None
    html: str = ""
    title: str = Field("", max_length=500)
    caption: str | None = None

    @field_validator("url")
    @classmethod
    def _safe_url(cls, value: str | None) -> str | None:
        return _check_url(value)


class RawHtml(_FlowHtml):
    """Markup ingest did not recognise: kept, sanitized, never dropped."""

    kind: Literal["html"] = "html"


class Video(_Captioned):
    """A video: a provider's player (``provider``, ``video_id``, ``src``), or the
    publisher's own files (provider ``file``, ``sources``) played by the browser."""

    kind: Literal["video"] = "video"
    provider: str
    video_id: str | None = None
    src: str | None = None
    title: str = ""
    duration: int | None = Field(None, ge=0)
    poster: str | None = None
    sources: list[MediaSource] = Field(default_factory=list)
    caption: str | None = None
    align: Align | None = None

    @field_validator("src")
    @classmethod
    def _safe_src(cls, value: str | None) -> str | None:
        return _check_url(value)  # a player's page: never a data: URL

    @field_validator("poster")
    @classmethod
    def _safe_poster(cls, value: str | None) -> str | None:
        return _check_url(value, image=True)


class Audio(_Captioned):
    """An audio player: the publisher's files (provider ``file``, ``sources``) or a
    podcast or music provider's player (``src``, the frame's URL)."""

    kind: Literal["audio"] = "audio"
    provider: str = "file"
    src: str | None = None
    sources: list[MediaSource] = Field(default_factory=list)
    title: str = Field("", max_length=500)
    duration: int | None = Field(None, ge=0)
    caption: str | None = None

    @field_validator("src")
    @classmethod
    def _safe_src(cls, value: str | None) -> str | None:
        return _check_url(value)


class Related(_Model):
    """A link to another article, shown as a card."""

    kind: Literal["related"] = "related"
    url: str | None
    title: str

    @field_validator("url")
    @classmethod
    def _safe_url(cls, value: str | None) -> str | None:
        return _check_url(value)


class Divider(_Model):
    kind: Literal["divider"] = "divider"


class PageBreak(_Model):
    """Where the editor split the article into pages (WordPress ``<!--nextpage-->``)."""

    kind: Literal["pagebreak"] = "pagebreak"


class SlotMarker(_Model):
    """An editor's explicit slot marker: a named unit goes exactly here."""

    kind: Literal["slot"] = "slot"
    unit: str


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


class IngestReport(_Model):
    """Something ingest kept but could not read as the source meant it (an unknown
    shortcode, an element type it does not know): the plan's decisions list it."""

    code: Literal["unknown-shortcode", "unknown-element", "dynamic-block"]
    block: int | None = Field(None, ge=0)  # the block it is in, when it is in one
    message: str = Field(max_length=500)


class Article(_Model):
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
        return _check_url(value)

    @model_validator(mode="before")
    @classmethod
    def _scrub_text(cls, data: Any, info: ValidationInfo) -> Any:
        """No control character or lone surrogate reaches any field (they are invalid in
        HTML); ingest's output is already clean."""
        return data if _already_sanitized(info) else scrub(data)


def article_from_data(data: Any, *, sanitized: bool = False) -> Article:
    """Validate article data (from JSON or from ingest) into an :class:`Article`."""
    return Article.model_validate(data, context={"sanitized": sanitized})
