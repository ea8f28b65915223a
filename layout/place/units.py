"""Per-unit facts the solver needs: how tall a unit is on a device, and what it shows
(whether it is considered at all is the checks' business: ``checks``)."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from layout.article import Article
from layout.blocks import Block, Video
from layout.measure.devices import DeviceProfile
from layout.plan import freeze
from layout.rules import RuleSet, Size, Unit
from layout.rules.units import OUT_OF_PAGE

AD_LABEL_HEIGHT = 24.0
DEFAULT_PROMO_HEIGHT = {"mobile": 220, "desktop": 230}
RELATED_CARD_HEIGHT = 110.0


def fitting_sizes(unit: Unit, device: str, profile: DeviceProfile) -> list[Size]:
    """The unit's sizes for a device that fit the text column (the size mapping)."""
    sizes = unit.sizes.get(device, [])  # type: ignore[call-overload]
    return [size for size in sizes if size[0] <= profile.column_width]


def unit_height(unit: Unit, device: str, profile: DeviceProfile) -> float:
    """Height reserved for one copy of the unit on a device, in CSS pixels."""
    if unit.kind == "ad":
        if unit.position == "interstitial":
            return 0.0  # over the page between two pages, never in the text
        sizes = fitting_sizes(unit, device, profile)
        tallest = float(max((h for _, h in sizes), default=0))
        if unit.position == "anchor":
            return tallest  # GPT's own container, with its own close control
        # A rule's height may reserve more than the tallest size (a fluid ad), never less:
        # a creative taller than its space would move the text.
        own = unit.height.get(device, 0) if sizes else 0  # type: ignore[call-overload]
        return max(own, tallest) + AD_LABEL_HEIGHT
    if unit.kind == "promo":
        return float(unit.height.get(device, DEFAULT_PROMO_HEIGHT[device]))  # type: ignore[call-overload]
    if unit.kind == "video":
        return profile.column_width * 9 / 16 + profile.font_size * 2.5
    return RELATED_CARD_HEIGHT


def article_video(shown: Sequence[Block]) -> Video | None:
    """The first video among the blocks this reader may see."""
    return next((b for b in shown if isinstance(b, Video)), None)


def _pick(items: list[Any], article: Article, salt: str) -> Any:
    """A deterministic choice per article, so the same article always gets the same item."""
    return items[zlib.crc32(f"{article.id}:{salt}".encode()) % len(items)]


def breakpoints(rules: RuleSet) -> tuple[tuple[str, int], ...]:
    """Each device with the viewport width it starts at, widest first, as GPT's size
    mappings and Prebid's size configs list them."""
    points = [(name, profile.min_width or 0) for name, profile in rules.devices.items()]
    return tuple(sorted(points, key=lambda point: -point[1]))


def ad_format(unit: Unit) -> str:
    """The format an ad server is asked for: an out-of-page position is its own format."""
    return unit.position if unit.position in OUT_OF_PAGE else unit.format


# Entries a ``FrozenUnitData`` keeps: far more than a rule set's units and their copies.
UNIT_DATA_KEPT = 4096


class FrozenUnitData:
    """Each unit's frozen data (``plan.freeze``), made once per unit and copy where it
    depends on the unit alone: an ad's (sizes, targeting, frame heights, bidders) and a
    promo's (its text and action) are the same in every article, and making and freezing
    them at every placement was a fifth of the solver's time on the cold path. A video's
    or a related link's depends on the article, and is made each time.

    Owned by an engine with its other memos. An entry is kept with its unit, by the unit's
    identity: an engine's rule set lives as long as the engine, and a unit of another rule
    set (a test's) never meets another's entry."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int], tuple[Unit, Mapping[str, Any]]] = {}

    def get(self, unit: Unit, copy: int, article: Article, rules: RuleSet,
            shown: Sequence[Block]) -> Mapping[str, Any]:
        if unit.kind not in ("ad", "promo"):
            frozen: Mapping[str, Any] = freeze(unit_data(unit, copy, article, rules, shown))
            return frozen
        key = (id(unit), copy if unit.kind == "ad" else 0)
        entry = self._entries.get(key)
        if entry is None or entry[0] is not unit:
            entry = (unit, freeze(unit_data(unit, copy, article, rules, shown)))
            if len(self._entries) >= UNIT_DATA_KEPT:  # units of many rule sets met
                self._entries = {}
            self._entries[key] = entry
        return entry[1]


def unit_data(
    unit: Unit, copy: int, article: Article, rules: RuleSet, shown: Sequence[Block]
) -> dict[str, Any]:
    """What the unit's template shows for copy number ``copy`` (1-based); ``shown`` are
    the blocks the reader may see (an article's own video is taken from them only)."""
    if unit.kind == "ad":
        return {
            "ad_unit": unit.ad_unit,
            "sizes": {
                device: fitting_sizes(unit, device, rules.device(device))
                for device in rules.devices
            },
            "targeting": {
                key: value.replace("{n}", str(copy)) for key, value in unit.targeting.items()
            },
            "label": unit.label,
            "lazy": unit.lazy,
            "frame_heights": {
                device: round(unit_height(unit, device, rules.device(device)) - AD_LABEL_HEIGHT)
                for device in rules.devices
            },
            "reserved_heights": {
                device: round(unit_height(unit, device, rules.device(device)))
                for device in rules.devices
            },
            "breakpoints": breakpoints(rules),
            "format": ad_format(unit),
            "bidders": [bidder.model_dump() for bidder in unit.bidders],
            "refresh": unit.refresh.model_dump() if unit.refresh else None,
            "collapse_empty": unit.collapse_empty or rules.ads.collapse_empty,
        }
    if unit.kind == "promo":
        action = unit.action.model_dump() if unit.action else None
        return {
            "template": unit.template or "units/promo.html.j2",
            "heading": unit.heading,
            "text": unit.text,
            "action": action,
        }
    if unit.kind == "video":
        if unit.source == "article":
            video = article_video(shown)
        else:
            item = _pick(unit.playlist, article, unit.id)
            video = Video(**item.model_dump())
        return {"video": video}
    link = _pick(
        [link for link in unit.links if link.url != article.url] or unit.links, article, unit.id
    )
    return {"link": link.model_dump()}
