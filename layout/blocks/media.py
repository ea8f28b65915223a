"""Media blocks: images, galleries, embeds, video and audio, with their sources."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    field_validator,
)

from layout.blocks.base import (
    Align,
    Captioned,
    FlowHtml,
    FrozenModel,
    checked_url,
)
from layout.html.sanitize import is_web_url


class Image(Captioned):
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
        return checked_url(value, image=True)

    @field_validator("link")
    @classmethod
    def _safe_link(cls, value: str | None) -> str | None:
        return checked_url(value)


class Gallery(Captioned):
    """Several images shown as one set; each keeps its own caption, credit and link."""

    kind: Literal["gallery"] = "gallery"
    images: list[Image] = Field(min_length=1)
    caption: str | None = None
    columns: int | None = Field(None, ge=1, le=8)
    align: Align | None = None


class MediaSource(FrozenModel):
    """One file of a ``<video>`` or ``<audio>`` player: its URL and MIME type."""

    src: str
    type: str | None = Field(None, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")

    @field_validator("src")
    @classmethod
    def _web_src(cls, value: str) -> str:
        if not is_web_url(value):
            raise ValueError("a media source is an http(s) or relative URL")
        return value


class Embed(FlowHtml, Captioned):
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
        return checked_url(value)


class Video(Captioned):
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
        return checked_url(value)  # a player's page: never a data: URL

    @field_validator("poster")
    @classmethod
    def _safe_poster(cls, value: str | None) -> str | None:
        return checked_url(value, image=True)


class Audio(Captioned):
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
        return checked_url(value)
