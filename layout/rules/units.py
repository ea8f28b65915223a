"""Unit definitions: what a unit is and where it may go (targets, distances, avoidance,
targeting), as pydantic models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue, ValidationInfo, field_validator, model_validator

from layout.rules.ads import CollapseEmpty
from layout.rules.base import BlockKindName, RuleModel, Size, UnitKind, checked_url


class Distance(RuleModel):
    """A distance along the article; every field given must be met."""

    words: int | None = Field(None, ge=0)
    paragraphs: int | None = Field(None, ge=0)
    blocks: int | None = Field(None, ge=0)
    pixels: int | None = Field(None, ge=0)
    viewports: float | None = Field(None, ge=0)


class At(RuleModel):
    """A target position: after paragraph N (from the top or the end), or at P% of words."""

    after_paragraph: int | None = Field(None, ge=1)
    from_end: bool = False
    percent: float | None = Field(None, gt=0, lt=100)

    @model_validator(mode="after")
    def _one_target(self) -> At:
        if (self.after_paragraph is None) == (self.percent is None):
            raise ValueError("exactly one of after_paragraph or percent")
        return self


class KeepOut(RuleModel):
    last_words: int | None = Field(None, ge=0)
    last_paragraphs: int | None = Field(None, ge=0)


class MinArticle(RuleModel):
    words: int | None = Field(None, ge=0)
    paragraphs: int | None = Field(None, ge=0)


class Avoid(RuleModel):
    """Block kinds a unit must not follow (``after``), precede (``before``) or touch."""

    after: list[BlockKindName] = Field(default_factory=list)
    before: list[BlockKindName] = Field(default_factory=list)
    next_to: list[BlockKindName] = Field(default_factory=list)
    shift: int = Field(1, ge=0, le=10, description="gaps to try down, then up, for `at`")


class Spacing(RuleModel):
    """Minimum distance to other units: copies of the same unit, the same kind, any unit."""

    same_unit: Distance | None = None
    same_kind: Distance | None = None
    any_unit: Distance | None = None


class Targeting(RuleModel):
    """Who and what a unit is for; an empty list means no restriction."""

    audiences: list[Literal["anonymous", "registered", "subscriber"]] = Field(default_factory=list)
    devices: list[Literal["mobile", "desktop"]] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    exclude_sections: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    exclude_tags: list[str] = Field(default_factory=list)


class VideoItem(RuleModel):
    """A playlist video: the player is built from the provider and the id."""

    provider: Literal["youtube", "vimeo", "dailymotion"]
    video_id: str = Field(pattern=r"^[\w-]{1,64}$")
    title: str
    duration: int | None = Field(None, ge=0)
    poster: str | None = None

    @field_validator("poster")
    @classmethod
    def _web_image(cls, value: str | None, info: ValidationInfo) -> str | None:
        return value if value is None else checked_url(value, info, relative=True)


class Link(RuleModel):
    """A link the page shows (a promo's action, a related card): https, or a site path."""

    url: str
    title: str

    @field_validator("url")
    @classmethod
    def _web_link(cls, value: str, info: ValidationInfo) -> str:
        return checked_url(value, info, relative=True)


AdFormat = Literal["banner", "fluid", "native", "outstream"]
Position = Literal["in_content", "top", "bottom", "rail", "anchor", "interstitial"]
# Out-of-page positions: GPT makes their container; the page has no slot element for them.
OUT_OF_PAGE: frozenset[str] = frozenset({"anchor", "interstitial"})


class Bidder(RuleModel):
    """One header bidder of an ad unit: its Prebid.js bidder code and its parameters,
    passed to Prebid as they are."""

    bidder: str = Field(pattern=r"^[A-Za-z][\w-]{0,39}$")
    params: dict[str, JsonValue] = Field(default_factory=dict)


class Refresh(RuleModel):
    """Refresh a slot after it has been viewable for ``viewable_seconds`` and still is,
    at most ``max`` times. Ad Manager asks for at least 30 seconds between refreshes."""

    viewable_seconds: int = Field(30, ge=30, le=600)
    max: int = Field(3, ge=1, le=20)


class Unit(RuleModel):
    """One unit definition; a unit may be placed several times (copies ``mid-1``, ``mid-2``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    kind: UnitKind
    position: Position = "in_content"
    priority: int = Field(0, description="higher is placed first; ties keep file order")
    # ads
    ad_unit: str | None = Field(None, pattern=r"^/\d+(/[\w.\-]+)+$")
    sizes: dict[Literal["mobile", "desktop"], list[Size]] = Field(default_factory=dict)
    targeting: dict[str, str] = Field(default_factory=dict)
    label: str = "Advertisement"
    lazy: bool = True
    format: AdFormat = "banner"
    bidders: list[Bidder] = Field(default_factory=list, max_length=30)
    refresh: Refresh | None = None
    collapse_empty: CollapseEmpty | None = Field(
        None, description="this unit's own policy for an unfilled slot (default: ads')")
    # promos
    template: str | None = Field(None, pattern=r"^[\w./-]+\.j2$")
    heading: str | None = None
    text: str | None = None
    action: Link | None = None
    height: dict[Literal["mobile", "desktop"], int] = Field(default_factory=dict)
    # video and related cards
    source: Literal["article", "playlist"] | None = None
    playlist: list[VideoItem] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    # where
    at: At | None = None
    start: Distance | None = None
    every: Distance | None = None
    spacing: Spacing | None = None
    max: int = Field(1, ge=0, le=50)
    min_article: MinArticle | None = None
    keep_out: KeepOut | None = None
    min_paragraph_words: int | None = Field(None, ge=0)
    avoid: Avoid = Field(default_factory=Avoid)
    only: Targeting = Field(default_factory=Targeting)

    @model_validator(mode="after")
    def _consistent(self) -> Unit:
        if self.kind == "ad" and not self.ad_unit:
            raise ValueError("an ad unit needs `ad_unit` (its Google Ad Manager path)")
        if self.kind == "ad" and not self.sizes and self.position != "interstitial":
            raise ValueError("an ad unit needs `sizes` for at least one device")
        if self.position in OUT_OF_PAGE and (self.kind != "ad" or self.max != 1):
            raise ValueError(f"a `{self.position}` unit is one ad (`kind: ad`, `max: 1`)")
        if self.position in OUT_OF_PAGE and self.format != "banner":
            raise ValueError(f"a `{self.position}` unit takes no `format`: GPT makes it")
        if self.kind != "ad" and (self.bidders or self.refresh or self.format != "banner"):
            raise ValueError("`bidders`, `refresh` and `format` are for ad units")
        if self.kind == "video" and self.source is None:
            raise ValueError("a video unit needs `source`: article or playlist")
        if self.source == "playlist" and not self.playlist:
            raise ValueError("`source: playlist` needs a non-empty `playlist`")
        if self.kind == "related" and not self.links:
            raise ValueError("a related unit needs `links`")
        if self.position != "in_content" and (self.at or self.every or self.start):
            raise ValueError(f"a `{self.position}` unit takes no at/start/every")
        return self
