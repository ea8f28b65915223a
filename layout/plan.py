"""The layout plan: the ordered items of a render, its metrics and every decision.

A plan is built once per render and is the only thing the renderers read: the HTML theme,
the JSON output and the readable dump all come from it, so they can never disagree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final

from layout.access.policy import AccessDecision
from layout.access.view import reader_article
from layout.article import Article
from layout.blocks import Block
from layout.measure.gaps import Gaps
from layout.measure.sizes import BlockSize
from layout.place.decisions import DecisionCode, Outcome, format_message
from layout.viewer import Viewer

GATED_SELECTOR = ".gated"
# An instance prefix: what a page's element ids may be built from (ASCII letters, digits,
# ``_`` and ``-``, as GPT's slot element ids and Prebid's ad unit codes take them).
INSTANCE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def instance_prefix(article_id: str) -> str:
    """The prefix that keeps an article's element ids apart from another article's on the
    same page: the article's id where it is a valid prefix, or else a slug of it with a
    short digest of the whole (two ids that slug alike still differ)."""
    if INSTANCE.fullmatch(article_id):
        return article_id
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", article_id).strip("-_")[:40]
    digest = hashlib.sha256(article_id.encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"a-{digest}"


@dataclass(frozen=True, slots=True)
class Decision:
    """One attempt to put a unit at a gap (or a reason it was not tried at all); its
    message is made when read (``format_message``)."""

    unit: str
    gap: int | None
    outcome: Outcome
    code: DecisionCode
    text: str
    values: tuple[object, ...] = ()

    @property
    def message(self) -> str:
        return format_message(self.text, self.values)

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "gap": self.gap,
            "outcome": self.outcome,
            "code": self.code,
            "message": self.message,
        }


_SCALARS = (str, int, float, type(None))


def freeze(value: Any) -> Any:
    """A read-only copy of JSON-like data: mappings become read-only views, lists tuples."""
    if isinstance(value, dict | MappingProxyType):  # concrete types: an ABC check is slow
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        if all(isinstance(item, _SCALARS) for item in value):
            return tuple(value)  # a size, a list of names: nothing inside to freeze
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A plain JSON copy of frozen data (``freeze``'s inverse), for the plan JSON."""
    if isinstance(value, MappingProxyType | dict):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class PlacedUnit:
    """A unit instance at a gap; ``gap`` k is just before block k (fixed slots: top and
    rail at 0, bottom at the last visible gap).

    Read-only through and through (``data`` is frozen on construction): an engine shares
    placed units between the plans of readers who get the same placement."""

    id: str
    unit: str
    kind: str
    gap: int
    position: str
    reserved_height: float
    data: Mapping[str, Any] = field(default_factory=dict)
    slot_id: str = ""  # an ad's slot element id on the page (``in_instance``)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", freeze(self.data))

    @classmethod
    def with_frozen_data(cls, id: str, unit: str, kind: str, gap: int, position: str,
                         reserved_height: float, data: Mapping[str, Any],
                         slot_id: str = "") -> PlacedUnit:
        """A placed unit whose ``data`` is frozen already (``freeze``'s result, shared
        with other placements of the unit), so it is not copied again."""
        placed = object.__new__(PlacedUnit)
        values = (id, unit, kind, gap, position, reserved_height, data, slot_id)
        for name, value in zip(_PLACED_FIELDS, values, strict=True):
            object.__setattr__(placed, name, value)
        return placed

    def in_instance(self, instance: str) -> PlacedUnit:
        """This ad with the element id of its slot in a page instance. Placements are
        shared by every render of an article, whatever its instance (a render may name
        any): the id is given per plan, on a copy that shares the frozen data instead of
        freezing it again."""
        return PlacedUnit.with_frozen_data(
            self.id, self.unit, self.kind, self.gap, self.position, self.reserved_height,
            self.data, f"ad-{instance}-{self.id}",
        )

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "type": "unit",
            "kind": self.kind,
            "id": self.id,
            "unit": self.unit,
            "gap": self.gap,
            "position": self.position,
            "reserved_height": round(self.reserved_height),
        }
        if self.kind == "ad":
            item["ad"] = self.ad_spec()
        return item

    def ad_spec(self) -> dict[str, Any]:
        """What an ad server needs to request this slot: its ad unit path, every size and
        the sizes per breakpoint, its targeting, the height it reserves per device, whether
        it loads lazily and its format. The page's GPT configuration is built from it."""
        data = self.data
        sizes: Mapping[str, Sequence[Sequence[int]]] = data["sizes"]
        every = sorted({tuple(size) for device_sizes in sizes.values() for size in device_sizes})
        return {
            "slot_id": self.slot_id,
            "unit_path": data["ad_unit"],
            "sizes": [list(size) for size in every],
            "size_mapping": [
                {"device": device, "min_width": width,
                 "sizes": [list(size) for size in sizes.get(device, ())]}
                for device, width in data["breakpoints"]
            ],
            "targeting": dict(data["targeting"]),
            "reserved_height": dict(data["reserved_heights"]),
            "lazy": data["lazy"],
            "format": data["format"],
            "collapse_empty": data["collapse_empty"],
            "refresh": thaw(data["refresh"]),
            "bidders": thaw(data["bidders"]),
        }


_PLACED_FIELDS: Final = tuple(item.name for item in fields(PlacedUnit))


@dataclass(frozen=True, slots=True)
class Wall:
    """Where the paywall cuts and which wall the reader sees."""

    variant: str
    gap: int


@dataclass(frozen=True, slots=True)
class BlockItem:
    """A visible block in the plan's order, shared by the plans of one placement."""

    index: int
    block: Block
    size: BlockSize


PlanItem = BlockItem | PlacedUnit | Wall


def block_items(blocks: Sequence[Block], sizes: Sequence[BlockSize]) -> tuple[BlockItem, ...]:
    """The items of ``blocks`` (the ones a reader sees, in order), with their sizes."""
    return tuple(BlockItem(index, block, sizes[index]) for index, block in enumerate(blocks))


@dataclass
class LayoutPlan:
    """Everything a renderer needs, built from (article, viewer, rules)."""

    article: Article
    viewer: Viewer
    sizes: Sequence[BlockSize]
    gaps: Gaps
    access: AccessDecision
    units: list[PlacedUnit] = field(default_factory=list)
    wall: Wall | None = None
    instance: str = ""
    decisions: list[Decision] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    # The items of the visible blocks, when the caller has them already (``block_items``;
    # ``items`` checks them against the reader's blocks).
    visible_items: Sequence[BlockItem] = ()

    @property
    def visible_blocks(self) -> int:
        """How many blocks this reader may see: the paywall's cut, as the access decision
        made it (the only place it is made)."""
        return self.access.visible_blocks

    @property
    def shown_blocks(self) -> Sequence[Block]:
        """The blocks this reader may see, in order: what every surface reads."""
        return self.seen.blocks

    @cached_property
    def seen(self) -> Article:
        """The article as this reader may see it (``access.view``): what the templates
        and every other reader-facing output get, never ``article`` itself."""
        return reader_article(self.article, self.access.visible_blocks)

    def items(self) -> Iterator[PlanItem]:
        """Blocks, units and the wall in final order; hidden blocks never appear."""
        visible, wall = self.visible_blocks, self.wall
        by_gap: dict[int, list[PlacedUnit]] = {}
        for unit in self.units:
            by_gap.setdefault(unit.gap, []).append(unit)
        if wall is not None:
            by_gap.setdefault(wall.gap, [])
        blocks, shown = self.visible_items, self.shown_blocks
        if len(blocks) != visible or (visible and blocks[-1].block is not shown[-1]):
            blocks = block_items(shown, self.sizes)
        # The blocks between two gaps that hold something go out as one run: most gaps
        # hold nothing (this runs on every render).
        start = 0
        for gap in sorted(by_gap):
            if not 0 <= gap <= visible:
                continue
            yield from blocks[start:gap]
            start = gap
            here = by_gap[gap]
            yield from [unit for unit in here if unit.position != "bottom"]
            if wall is not None and wall.gap == gap:
                yield wall
            yield from [unit for unit in here if unit.position == "bottom"]
        yield from blocks[start:visible]

    @property
    def visible_words(self) -> int:
        return self.gaps.words[self.visible_blocks]  # the words above the cut

    @property
    def gated_selector(self) -> str | None:
        """The class-only selector of the gated section, present for entitled readers."""
        access = self.access
        shown = access.gated_from is not None and access.visible_blocks == len(self.sizes)
        return GATED_SELECTOR if shown else None

    def paywall_json(self) -> dict[str, Any]:
        access = self.access
        meter = None
        if access.meter is not None:
            meter = {
                "name": access.meter.name,
                "period": access.terms.meter.period,
                "limit": access.terms.meter.limit,
                "remaining": access.meter_remaining,
                "counted": access.counted,
            }
        return {
            "mode": access.mode,
            "applied": access.applied,
            "entitled": access.entitled,
            "visible_blocks": self.visible_blocks,
            # How much a wall hides is not told to the reader it hides it from.
            "hidden_blocks": None if self.wall is not None else 0,
            "wall": access.wall,
            "meter": meter,
            "cache_class": access.cache_class,
            "rule": access.terms.rule,
            "why": access.terms.reason,
            "gift": access.gift,
        }

    def to_json(self) -> dict[str, Any]:
        """The plan JSON of the external contract (see docs/plan.md)."""
        article = self.article
        return {
            "article": {
                "id": article.id,
                "headline": article.headline,
                "words": self.visible_words,  # a walled reader learns nothing of the rest
            },
            "viewer": {"device": self.viewer.device, "audience": self.viewer.audience},
            "items": [_item_json(item) for item in self.items()],
            "paywall": self.paywall_json(),
            "ads": self.ads_json(),
            "metrics": self.metrics,
            "decisions": [decision.to_json() for decision in self.decisions],
        }

    def ads_json(self) -> dict[str, Any]:
        """The page-level ad settings of the plan JSON: the instance prefix of the slots'
        element ids, the page targeting and what this reader's privacy signals ask."""
        viewer = self.viewer
        return {
            "instance": self.instance,
            "targeting": self.ad_targeting(),
            "non_personalized": not viewer.consent or viewer.gpc,
            "restrict_data_processing": viewer.gpc,
        }

    def ad_targeting(self) -> dict[str, str | list[str]]:
        """The page's ad targeting, from the article's metadata and this reader's access
        (never from a block): the plan JSON gives it, and the page's GPT configuration."""
        article, access = self.seen, self.access
        return {
            "article": article.id,
            "section": article.section or "",
            "tags": list(article.tags),
            "author": article.byline or "",
            "audience": self.viewer.audience,
            "access": access.mode,
            "paywall": "walled" if access.wall is not None else "open",
            "brand_safety": list(article.brand_safety),
        }


def _item_json(item: PlanItem) -> dict[str, Any]:
    if isinstance(item, BlockItem):
        return {
            "type": "block",
            "index": item.index,
            "kind": item.block.kind,
            "words": item.size.words,
            "height": round(item.size.height, 1),
        }
    if isinstance(item, Wall):
        return {"type": "paywall", "variant": item.variant, "gap": item.gap}
    return item.to_json()
