"""The paywall's rules: the mode, the preview, the meters, and the ordered access rules
that pick a mode per audience and per article (first match wins)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from layout.rules.base import RuleModel
from layout.viewer import Audience


class Meter(RuleModel):
    """A meter: how many articles a reader may read in a period. Each ``name`` counts
    apart (its own token), so registered readers can have a meter of their own."""

    limit: int = Field(10, ge=0, le=1000)
    period: Literal["month", "week", "day"] = "month"
    name: str = Field("default", pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    label: str | None = Field(None, max_length=80,
                              description="what the meter's notice calls it: "
                                          "\"for registered readers\"")


class Preview(RuleModel):
    """How much of a gated article a reader sees: a count of paragraphs or words or a
    share of the text, unless the editor marked the teaser's end (WordPress's
    ``<!--more-->``): ``marker: true`` ends the preview there for every article that has
    the mark, ``false`` never; left out, it does for premium articles.

    Whatever the count or the mark, a preview never shows more than ``max_share`` of the
    article, words and media counted (each picture, gallery, video, audio, embed or link
    card weighs as much as ``MEDIA_WORDS`` words): a short brief, or a data story of
    tables and charts, is not given away by a preview of three paragraphs."""

    paragraphs: int | None = Field(None, ge=1)
    words: int | None = Field(None, ge=1)
    percent: float | None = Field(None, gt=0, lt=100)
    marker: bool | None = None
    max_share: float = Field(0.5, gt=0, le=1)

    def teaser_end(self, teaser_end: int | None, access: str) -> int | None:
        """The editor's mark, where this preview uses it; else None."""
        if teaser_end is None or self.marker is False:
            return None
        return teaser_end if self.marker or access == "premium" else None

    @model_validator(mode="after")
    def _one(self) -> Preview:
        if sum(v is not None for v in (self.paragraphs, self.words, self.percent)) != 1:
            raise ValueError("exactly one of paragraphs, words or percent")
        return self


class Gifts(RuleModel):
    """Gift links: how many articles a subscriber may give a month, and for how long a
    gift opens its article."""

    per_month: int = Field(10, ge=0, le=100)
    days: int = Field(7, ge=1, le=31)


Mode = Literal["free", "metered", "registration", "hard"]
WallVariant = Literal["subscribe", "register", "meter-exhausted"]


class AccessWhen(RuleModel):
    """When an access rule applies: every condition given must hold (none: always)."""

    audiences: list[Audience] = Field(default_factory=list)
    access: list[Literal["free", "metered", "premium"]] = Field(
        default_factory=list, description="the article's own access"
    )
    sections: list[str] = Field(default_factory=list)
    exclude_sections: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, description="any of these tags")
    published_within_hours: float | None = Field(
        None, gt=0, description="the article was published less than this many hours ago"
    )


class AccessRule(RuleModel):
    """One access rule: for the articles and readers ``when`` names, the paywall's
    ``mode``, with this rule's own preview, meter and wall where it gives them."""

    name: str = Field(pattern=r"^[\w.-]{1,60}$")
    when: AccessWhen = Field(default_factory=AccessWhen)
    mode: Mode
    preview: Preview | None = None
    meter: Meter | None = None
    wall: WallVariant | None = Field(
        None, description="the wall a reader gets who may not read on (default: by mode)"
    )


class Paywall(RuleModel):
    """The paywall. ``rules`` are tried in order and the first whose ``when`` holds
    decides; without one that does, ``mode`` does (an article's own ``free`` or
    ``premium`` access wins over it), with ``preview`` and ``meter``."""

    mode: Mode = "free"
    preview: Preview = Field(default_factory=lambda: Preview(paragraphs=3))
    meter: Meter = Field(default_factory=Meter)
    fade: bool = True
    rules: list[AccessRule] = Field(default_factory=list)
    gifts: Gifts = Field(default_factory=Gifts)
    product_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9.-]{1,100}:[A-Za-z0-9_.-]{1,60}$",
        description="the subscription product (Subscribe with Google's productID, such as "
                    "example.com:basic): the JSON-LD says the article is part of it",
    )
    product_name: str | None = Field(None, max_length=200)

    @field_validator("rules")
    @classmethod
    def _unique_names(cls, rules: list[AccessRule]) -> list[AccessRule]:
        names = [rule.name for rule in rules]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"access rule names are unique; {repeated[0]!r} is used twice")
        return rules
