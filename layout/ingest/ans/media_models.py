"""The ANS media objects the engine reads: image, video and audio (ANS 0.10.12).

Each is a content object (``ContentTraits``) with its own properties. A media object inside
a story's ``content_elements`` need not repeat the ANS version, so ``version`` is optional
here (a top-level document's version is checked by the story).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from layout.ingest.ans.models import ContentTraits, Flag, Integer, Number, Open, Strict


class FocalPoint(Strict):
    x: Number = Field(ge=0)
    y: Number = Field(ge=0)


class Image(ContentTraits):
    """An image: the photo, its caption, credits and the size it was published at."""

    type: Literal["image"]
    url: str | None = None
    caption: str | None = None
    subtitle: str | None = None
    alt_text: str | None = None
    width: Integer | None = None
    height: Integer | None = None
    link: str | None = None  # not in the schema, but written by Arc's own editors
    focal_point: FocalPoint | None = None
    auth: dict[Annotated[str, Field(pattern=r"^\d+$")],
               Annotated[str, Field(pattern=r"^\w{64}$")]] | None = None
    image_type: Any = None
    seo_filename: Any = None
    licensable: Flag | None = None

    @model_validator(mode="after")
    def _focal_point_inside(self) -> Image:
        """The focal point is a pixel of the image: not outside its published size."""
        point = self.focal_point
        if point is None:
            return self
        if self.width is not None and point.x > self.width:
            raise ValueError(f"expected focal_point.x within the width {self.width}; "
                             f"found {point.x:g}")
        if self.height is not None and point.y > self.height:
            raise ValueError(f"expected focal_point.y within the height {self.height}; "
                             f"found {point.y:g}")
        return self


def _image_or_other(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return "<image>" if kind == "image" else "<other>"


PromoItem = Annotated[
    Annotated[Image, Tag("<image>")] | Annotated[dict[str, Any], Tag("<other>")],
    Discriminator(_image_or_other),
]


class PromoItems(Open):
    """Promotional art, by name; ``basic`` is the lead art. Only images are read."""

    __pydantic_extra__: dict[str, Any] = Field(init=False)
    basic: PromoItem | None = None


class VideoStream(Open):
    """One encoding of a video. Arc writes ``streamType`` as well as ``stream_type``."""

    url: str | None = None
    stream_type: str | None = None
    streamType: str | None = None
    width: Number | None = None
    height: Number | None = None
    bitrate: Number | None = None
    provider: str | None = None


class Video(ContentTraits):
    """A video: its files (``streams``), a player elsewhere (YouTube, ``embed_html``)."""

    type: Literal["video"]
    duration: Number | None = Field(None, ge=0)  # milliseconds
    streams: list[VideoStream] = Field(default_factory=list)
    promo_image: Image | None = None
    promo_items: PromoItems | None = None
    youtube_content_id: str | None = None
    embed_html: str | None = None
    transcript: str | None = None
    rating: str | None = None
    video_type: str | None = None
    subtitles: Any = None
    corrections: Any = None


class AudioStream(Open):
    url: str
    stream_type: str | None = None
    audio_codec: str | None = None
    bitrate: Number | None = None
    filesize: Number | None = None


class Audio(ContentTraits):
    """An audio file: its encodings (``streams``) or one ``source_url``; exactly one."""

    type: Literal["audio"]
    source_url: str | None = None
    mimetype: str | None = None
    streams: list[AudioStream] | None = Field(None, min_length=1)
    autoplay: Flag | None = None
    controls: Flag | None = None
    loop: Flag | None = None
    preload: Flag | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Audio:
        if (self.streams is None) == (self.source_url is None):
            found = "both" if self.streams is not None else "neither"
            raise ValueError(f"expected one of streams or source_url; found {found}")
        return self
