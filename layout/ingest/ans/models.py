"""The ANS traits the engine reads, as pydantic models written from ANS 0.10.12.

ANS objects whose schema lists every property (``additionalProperties: false``) are
``Strict``: an unknown field is an error naming its path. Objects the schema leaves open
are ``Open``. Fields the engine never reads are declared ``Any`` so that their names are
known without the engine judging their content; what it reads is typed as the schema
types it (required fields, types and enumerations).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from pydantic import Strict as NoCoercion


class Strict(BaseModel):
    """An ANS object with a closed set of properties."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Open(BaseModel):
    """An ANS object that allows properties beyond the ones it names."""

    model_config = ConfigDict(extra="allow", frozen=True)


Alignment = Literal["left", "right", "center"]

# JSON numbers and booleans as the schema types them: a string "800" is not a width.
Number = Annotated[float, NoCoercion(), Field(allow_inf_nan=False)]  # 1e400 reads as inf
Integer = Annotated[int, NoCoercion()]
Flag = Annotated[bool, NoCoercion()]


class Dictionary(Open):
    """Headlines, subheadlines, a description: named variants of one text, ``basic``
    required, every other variant a string too."""

    __pydantic_extra__: dict[str, str] = Field(init=False)
    basic: str


class Referent(Strict):
    id: str
    type: str | None = None
    service: str | None = None
    provider: str | None = None
    website: str | None = None
    referent_properties: dict[str, Any] | None = None


class Reference(Strict):
    """A pointer to another ANS object that the source did not denormalize."""

    type: Literal["reference"]
    id: str | None = Field(None, alias="_id")
    subtype: str | None = None
    channels: list[str] | None = None
    alignment: Alignment | None = None
    additional_properties: dict[str, Any] | None = None
    referent: Referent


class Author(Strict):
    """A person credited for a story or an image (only ``name`` is read)."""

    type: Literal["author"]
    name: str
    id: str | None = Field(None, alias="_id")
    version: str | None = None
    image: Any = None
    url: str | None = None
    social_links: Any = None
    socialLinks: Any = None
    slug: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    byline: str | None = None
    location: str | None = None
    division: str | None = None
    email: str | None = None
    role: str | None = None
    expertise: str | None = None
    affiliation: str | None = None
    languages: str | None = None
    bio: str | None = None
    long_bio: str | None = None
    books: Any = None
    education: Any = None
    awards: Any = None
    contributor: Flag | None = None
    org: str | None = None
    additional_properties: dict[str, Any] | None = None


def type_tag(value: Any) -> str | None:
    """The union tag of an object chosen by its ``type`` among a closed set: the type,
    tagged, or None when it has none (pydantic then reports the missing type)."""
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return f"<{kind}>" if isinstance(kind, str) else None


Credit = Annotated[
    Annotated[Author, Tag("<author>")] | Annotated[Reference, Tag("<reference>")],
    Discriminator(type_tag),
]


class Credits(Open):
    """Credits keyed by contribution (``by``, ``photos_by``, any other): lists of authors
    or references."""

    __pydantic_extra__: dict[str, list[Credit]] = Field(init=False)
    by: list[Credit] = Field(default_factory=list)


class Embargo(Strict):
    active: Flag
    end_time: datetime | None = None
    description: str | None = None


class GeoRestriction(Strict):
    restriction_id: str


class GeoRestrictions(Strict):
    restrictions: list[GeoRestriction] = Field(min_length=1, max_length=1)


class ContentRestrictions(Open):
    content_code: str | None = None
    embargo: Embargo | None = None
    geo: GeoRestrictions | None = None


class ContentTraits(Strict):
    """The traits every top-level ANS content object (story, image, video, audio,
    gallery) may carry. The dates, credits, restrictions and texts are read; the rest is
    named only."""

    id: str | None = Field(None, alias="_id")
    version: str | None = None
    subtype: str | None = None
    channels: list[str] | None = None
    alignment: Alignment | None = None
    language: str | None = None
    headlines: Dictionary | None = None
    subheadlines: Dictionary | None = None
    description: Dictionary | None = None
    credits: Credits | None = None
    canonical_url: str | None = None
    display_date: datetime | None = None
    publish_date: datetime | None = None
    first_publish_date: datetime | None = None
    last_updated_date: datetime | None = None
    content_restrictions: ContentRestrictions | None = None
    additional_properties: dict[str, Any] | None = None
    copyright: Any = None
    canonical_url_external: Any = None
    canonical_website: Any = None
    website: Any = None
    website_url: Any = None
    websites: Any = None
    short_url: Any = None
    created_date: Any = None
    location: Any = None
    geo: Any = None
    address: Any = None
    editor_note: Any = None
    status: Any = None
    vanity_credits: Any = None
    taxonomy: Any = None
    promo_items: Any = None
    related_content: Any = None
    owner: Any = None
    planning: Any = None
    workflow: Any = None
    pitches: Any = None
    revision: Any = None
    syndication: Any = None
    source: Any = None
    distributor: Any = None
    tracking: Any = None
    comments: Any = None
    label: Any = None
    slug: Any = None
    content_aliases: Any = None
    contributors: Any = None
