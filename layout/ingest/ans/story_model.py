"""The ANS story the engine reads: the document, its taxonomy and its corrections.

A story's schema closes its properties, so a misspelt top-level field is an error. Its
version must be of the 0.10 line the engine was written against.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator

from layout.ingest.ans.element_models import ContentElement, Correction
from layout.ingest.ans.media_models import PromoItems
from layout.ingest.ans.models import ContentTraits, Flag, Reference, Strict, type_tag

VERSION = re.compile(r"0\.10\.\d+")


class Section(Strict):
    type: Literal["section"]
    version: str
    name: str
    id: str | None = Field(None, alias="_id")
    website: str | None = Field(None, alias="_website")
    description: str | None = None
    path: str | None = None
    parent_id: str | None = None
    parent: dict[str, Any] | None = None
    primary: Flag | None = None
    additional_properties: dict[str, Any] | None = None


SectionOrReference = Annotated[
    Annotated[Section, Tag("<section>")] | Annotated[Reference, Tag("<reference>")],
    Discriminator(type_tag),
]


class StoryTag(Strict):
    text: str
    type: Literal["tag"] | None = None
    id: str | None = Field(None, alias="_id")
    subtype: str | None = None
    description: str | None = None
    slug: str | None = None
    additional_properties: dict[str, Any] | None = None


TaskId = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{24}$")]


class Taxonomy(Strict):
    """Where a story is filed: sections and tags are read, the rest named only."""

    tags: list[StoryTag] = Field(default_factory=list)
    primary_section: SectionOrReference | None = None
    sections: list[SectionOrReference] = Field(default_factory=list)
    associated_tasks: list[TaskId] | None = Field(None, max_length=200)
    keywords: Any = None
    named_entities: Any = None
    topics: Any = None
    auxiliaries: Any = None
    categories: Any = None
    content_topics: Any = None
    entities: Any = None
    custom_categories: Any = None
    custom_entities: Any = None
    primary_site: Any = None
    sites: Any = None
    seo_keywords: list[str] | None = None
    stock_symbols: list[str] | None = None
    additional_properties: dict[str, Any] | None = None


class CustomDistributor(Strict):
    name: str | None = None
    category: Literal["staff", "wires", "freelance", "stock", "handout", "other"] | None = None
    subcategory: str | None = None
    mode: Literal["custom"] | None = None
    additional_properties: dict[str, Any] | None = None


class ReferenceDistributor(Strict):
    mode: Literal["reference"]
    reference_id: str


def _distributor_tag(value: Any) -> str:
    mode = value.get("mode") if isinstance(value, dict) else getattr(value, "mode", None)
    return "<reference>" if mode == "reference" else "<custom>"


Distributor = Annotated[
    Annotated[CustomDistributor, Tag("<custom>")]
    | Annotated[ReferenceDistributor, Tag("<reference>")],
    Discriminator(_distributor_tag),
]


class Story(ContentTraits):
    """An ANS story: metadata traits and the ordered ``content_elements``."""

    type: Literal["story"]
    version: str
    taxonomy: Taxonomy | None = None
    promo_items: PromoItems | None = None
    distributor: Distributor | None = None
    corrections: list[Correction] = Field(default_factory=list)
    content_elements: list[ContentElement] = Field(default_factory=list)
    rendering_guides: Any = None
    publishing: Any = None
    variations: Any = None
    voice_transcripts: Any = None

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if not VERSION.fullmatch(value):
            raise ValueError("expected an ANS version of the 0.10 line (0.10.12 is read)")
        return value
