"""The ANS content elements the engine reads, as pydantic models (ANS 0.10.12).

A story's ``content_elements`` is a list of typed elements. ``ContentElement`` picks the
model by ``type``; a type the engine does not know is kept as ``UnknownElement`` (ANS
allows new element types), while the lists that ANS restricts (a list's items, a link
list's items, table cells) refuse any other type. Union tags are written ``<type>`` so that
the error paths can leave them out (``problems``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from layout.ingest.ans.media_models import Audio, Image, Video
from layout.ingest.ans.models import (
    Alignment,
    ContentTraits,
    Integer,
    Number,
    Open,
    Reference,
    Strict,
    type_tag,
)


class _Element(Strict):
    """The properties every content element may carry."""

    id: str | None = Field(None, alias="_id")
    subtype: str | None = None
    channels: list[str] | None = None
    alignment: Alignment | None = None
    additional_properties: dict[str, Any] | None = None


class _OpenElement(Open):
    """An element whose schema, as published, does not close its properties."""

    id: str | None = Field(None, alias="_id")
    subtype: str | None = None
    channels: list[str] | None = None
    alignment: Alignment | None = None
    additional_properties: dict[str, Any] | None = None


class BlockProperties(Open):
    dropcap: Literal["letter"] | None = None


class Text(_Element):
    type: Literal["text"]
    content: str  # phrasing HTML
    block_properties: BlockProperties | None = None


class Header(_Element):
    type: Literal["header"]
    content: str
    level: Integer | None = None


class Blockquote(_Element):
    type: Literal["blockquote"]
    content: str


class Code(_Element):
    type: Literal["code"]
    content: str  # plain text
    language: str


class Correction(_Element):
    type: Literal["correction"]
    text: str
    correction_type: str | None = None


class EmbedConfig(Open):
    """A custom embed's own settings; the names ANS keeps for itself are refused."""

    @model_validator(mode="before")
    @classmethod
    def _no_reserved_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            reserved = sorted(set(data) & {"referent", "type", "version"})
            if reserved:
                raise ValueError(f"expected no {', '.join(reserved)} in a custom embed's config")
            odd = sorted(str(k) for k in data if not str(k).replace("_", "a").isalnum())
            if odd:
                raise ValueError(f"expected names of letters, digits and _; found {odd[0]!r}")
        return data


class EmbedSpec(Strict):
    id: Any
    url: str = Field(min_length=1, max_length=512)
    config: EmbedConfig | None = None


class CustomEmbed(_Element):
    type: Literal["custom_embed"]
    embed: EmbedSpec


class Divider(_Element):
    type: Literal["divider"]


class ContentZone(_Element):
    type: Literal["content_zone"]


class Endorsement(_Element):
    type: Literal["endorsement"] = "endorsement"
    endorsement: str


class NumericRating(_Element):
    type: Literal["numeric_rating"] = "numeric_rating"
    numeric_rating: Number
    min: Number | None = None
    max: Number | None = None
    units: str | None = None


class RawHtml(_Element):
    type: Literal["raw_html"]
    content: str


class InterstitialLink(_Element):
    type: Literal["interstitial_link"]
    url: str
    content: str  # the link's text, plain
    description: Text | None = None
    image: Annotated[
        Annotated[Image, Tag("<image>")] | Annotated[Reference, Tag("<reference>")],
        Discriminator(type_tag),
    ] | None = None


class OembedReferent(Strict):
    provider: str
    id: str


class OembedResponse(_Element):
    type: Literal["oembed_response"]
    raw_oembed: dict[str, Any] | None = None
    referent: OembedReferent | None = None


class UnknownElement(Open):
    """An element of a type this engine does not know: kept, and reported."""

    type: str


ListItem = Annotated[
    Annotated[Text, Tag("<text>")] | Annotated["ListElement", Tag("<list>")],
    Discriminator(type_tag),
]
LinkItem = Annotated[
    Annotated[InterstitialLink, Tag("<interstitial_link>")] | Annotated[Text, Tag("<text>")],
    Discriminator(type_tag),
]


class ListElement(_Element):
    type: Literal["list"]
    list_type: str | None = None
    items: list[ListItem] = Field(default_factory=list)


class LinkList(_Element):
    type: Literal["link_list"]
    title: str | None = None
    items: list[LinkItem] = Field(min_length=1, max_length=10)


class Table(_OpenElement):
    type: Literal["table"]
    header: list[Text] = Field(default_factory=list)
    rows: list[list[Text]]


class Quote(_OpenElement):
    type: Literal["quote"] = "quote"
    content_elements: list[ContentElement]
    citation: Text | None = None


class ElementGroup(_Element):
    type: Literal["element_group"]
    content_elements: list[ContentElement]


class Gallery(ContentTraits):
    type: Literal["gallery"]
    content_elements: list[ContentElement] = Field(default_factory=list)


_KNOWN: dict[str, type[Any]] = {
    "text": Text, "header": Header, "blockquote": Blockquote, "code": Code,
    "correction": Correction, "custom_embed": CustomEmbed, "divider": Divider,
    "content_zone": ContentZone, "endorsement": Endorsement,
    "numeric_rating": NumericRating, "raw_html": RawHtml,
    "interstitial_link": InterstitialLink, "oembed_response": OembedResponse,
    "list": ListElement, "link_list": LinkList, "table": Table, "quote": Quote,
    "element_group": ElementGroup, "reference": Reference, "image": Image,
    "video": Video, "audio": Audio, "gallery": Gallery,
}


def _element_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return f"<{kind}>" if kind in _KNOWN else "<unknown>"


ContentElement = Annotated[
    Annotated[Text, Tag("<text>")]
    | Annotated[Header, Tag("<header>")]
    | Annotated[Blockquote, Tag("<blockquote>")]
    | Annotated[Code, Tag("<code>")]
    | Annotated[Correction, Tag("<correction>")]
    | Annotated[CustomEmbed, Tag("<custom_embed>")]
    | Annotated[Divider, Tag("<divider>")]
    | Annotated[ContentZone, Tag("<content_zone>")]
    | Annotated[Endorsement, Tag("<endorsement>")]
    | Annotated[NumericRating, Tag("<numeric_rating>")]
    | Annotated[RawHtml, Tag("<raw_html>")]
    | Annotated[InterstitialLink, Tag("<interstitial_link>")]
    | Annotated[OembedResponse, Tag("<oembed_response>")]
    | Annotated[ListElement, Tag("<list>")]
    | Annotated[LinkList, Tag("<link_list>")]
    | Annotated[Table, Tag("<table>")]
    | Annotated[Quote, Tag("<quote>")]
    | Annotated[ElementGroup, Tag("<element_group>")]
    | Annotated[Reference, Tag("<reference>")]
    | Annotated[Image, Tag("<image>")]
    | Annotated[Video, Tag("<video>")]
    | Annotated[Audio, Tag("<audio>")]
    | Annotated[Gallery, Tag("<gallery>")]
    | Annotated[UnknownElement, Tag("<unknown>")],
    Discriminator(_element_tag),
]

for _model in (ListElement, Quote, ElementGroup, Gallery, InterstitialLink):
    _model.model_rebuild()
