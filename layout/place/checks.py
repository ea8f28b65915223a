"""Why a unit does not go somewhere: one table of named checks, each a pure function.

``CHECKS`` is the literal table, in the order the checks run; the first that refuses is
the decision recorded (docs/decisions.md lists every code). Unit checks decide whether a
unit is considered at all for this article and reader (its decision is "skipped", with no
gap); gap checks decide each candidate gap of an in-content unit ("rejected"), and the
checks marked ``fixed`` also each fixed slot. Like markdown-it's Ruler, the table can be
listed by name and a check disabled by name (``CHECKS.without("first-screen")``).
"""

from __future__ import annotations

from typing import Final

from layout.place.decisions import AFTER, BEFORE, DecisionCode, Verdict
from layout.place.ruler import GapRule, Ruler, UnitRule
from layout.place.spacing import SpacingIndex
from layout.place.state import PlacementState
from layout.place.units import article_video, fitting_sizes
from layout.rules import Distance, Unit

# --- unit checks: is the unit considered at all --------------------------------------------


def check_audience(unit: Unit, state: PlacementState) -> Verdict | None:
    audience = state.viewer.audience
    if unit.only.audiences and audience not in unit.only.audiences:
        return Verdict("audience", "not shown to {} readers", (audience,))
    return None


def check_device(unit: Unit, state: PlacementState) -> Verdict | None:
    device = state.viewer.device
    if unit.only.devices and device not in unit.only.devices:
        return Verdict("device", "not shown on {}", (device,))
    if unit.position == "rail" and device != "desktop":
        return Verdict("device", "the rail exists on desktop only")
    return None


def check_section(unit: Unit, state: PlacementState) -> Verdict | None:
    only, section = unit.only, state.article.section or ""
    if (only.sections and section not in only.sections) or section in only.exclude_sections:
        return Verdict("section", "not shown in section {}", (section or "(none)",))
    return None


def check_tag(unit: Unit, state: PlacementState) -> Verdict | None:
    only, tags = unit.only, set(state.article.tags)
    if (only.tags and not tags & set(only.tags)) or tags & set(only.exclude_tags):
        return Verdict("tag", "excluded by the article's tags")
    return None


def check_no_ads(unit: Unit, state: PlacementState) -> Verdict | None:
    if unit.kind == "ad" and state.article.no_ads:
        return Verdict("no-ads", "the article is marked no_ads")
    return None


def check_brand_safety(unit: Unit, state: PlacementState) -> Verdict | None:
    if unit.kind != "ad":
        return None
    unsafe = set(state.article.brand_safety) & set(state.rules.ads.brand_safety_off)
    if unsafe:
        return Verdict("brand-safety", "brand-safety tag {} switches ads off", (sorted(unsafe)[0],))
    return None


def check_article_video(unit: Unit, state: PlacementState) -> Verdict | None:
    """A ``source: article`` video unit needs a video among the blocks the reader sees."""
    if unit.kind != "video" or unit.source != "article":
        return None
    if article_video(state.shown_blocks) is None:
        return Verdict("no-video", "the article has no video of its own")
    return None


def check_max(unit: Unit, state: PlacementState) -> Verdict | None:
    return Verdict("max-reached", "max is 0") if unit.max == 0 else None


def check_min_article(unit: Unit, state: PlacementState) -> Verdict | None:
    minimum = unit.min_article
    if minimum is None:
        return None
    words, paragraphs = state.gaps.words[-1], state.gaps.paragraphs[-1]
    if minimum.words is not None and words < minimum.words:
        if not state.sees_all:
            return Verdict("too-short", "article has fewer than {} words", (minimum.words,))
        return Verdict("too-short", "article has {} words (needs {})", (words, minimum.words))
    if minimum.paragraphs is not None and paragraphs < minimum.paragraphs:
        if not state.sees_all:
            return Verdict("too-short",
                           "article has fewer than {} paragraphs", (minimum.paragraphs,))
        return Verdict("too-short",
                       "article has {} paragraphs (needs {})", (paragraphs, minimum.paragraphs))
    return None


def check_ad_size(unit: Unit, state: PlacementState) -> Verdict | None:
    """An ad none of whose sizes fits the column would reserve only its label: not placed
    (an interstitial covers the screen and has no size of its own)."""
    if unit.kind != "ad" or unit.position == "interstitial":
        return None
    device = state.viewer.device
    if not fitting_sizes(unit, device, state.rules.device(device)):
        return Verdict("no-size", "no size fits the {} column", (device,))
    return None


# --- gap checks: may the unit go at this gap ----------------------------------------------


def check_paywall(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    if gap > state.last_gap:
        return Verdict("past-paywall", "gap {} is past the last visible block", (gap,))
    return None


def check_start(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    start, gaps = unit.start, state.gaps
    if start is None:
        return None
    if start.paragraphs is not None and gaps.paragraphs[gap] < start.paragraphs:
        return Verdict(
            "before-start",
            "{} paragraphs above; starts after {}", (gaps.paragraphs[gap], start.paragraphs),
        )
    if start.words is not None and gaps.words[gap] < start.words:
        return Verdict("before-start", "{} words above; starts after {}",
                       (gaps.words[gap], start.words))
    if start.blocks is not None and gap < start.blocks:
        return Verdict("before-start", "{} blocks above; starts after {}", (gap, start.blocks))
    return None


def check_first_screen(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    start, gaps = unit.start, state.gaps
    if start is None:
        return None
    limit = (start.viewports or 0) * gaps.viewport_height
    limit = max(limit, start.pixels or 0)
    if gaps.offset(gap) < limit:
        return Verdict(
            "first-screen",
            "estimated offset {:.0f}px is inside the first {:.0f}px", (gaps.offset(gap), limit),
        )
    return None


def check_keep_out(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    keep, gaps = unit.keep_out, state.gaps
    if keep is None:
        return None
    words_after = gaps.words[-1] - gaps.words[gap]
    if keep.last_words is not None and words_after < keep.last_words:
        if not state.sees_all:
            return Verdict("near-end", "within the last {} words", (keep.last_words,))
        return Verdict(
            "near-end", "{} words below; keeps out of the last {}", (words_after, keep.last_words)
        )
    paragraphs_after = gaps.paragraphs[-1] - gaps.paragraphs[gap]
    if keep.last_paragraphs is not None and paragraphs_after < keep.last_paragraphs:
        if not state.sees_all:
            return Verdict("near-end", "within the last {} paragraphs", (keep.last_paragraphs,))
        return Verdict(
            "near-end",
            "{} paragraphs below; keeps out of the last {}",
            (paragraphs_after, keep.last_paragraphs),
        )
    return None


def check_paragraph_length(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    minimum = unit.min_paragraph_words
    if minimum is None or gap == 0:
        return None
    words = state.gaps.paragraph_words[gap - 1]
    if words < minimum:
        return Verdict(
            "short-paragraph", "the paragraph above has {} words (needs {})", (words, minimum)
        )
    return None


def check_neighbours(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    before, after = state.gaps.before(gap), state.gaps.after(gap)
    avoid = unit.avoid
    if before is not None and (before in avoid.after or before in avoid.next_to):
        return Verdict(AFTER[before], "directly after a {}", (before,))
    if after is not None and (after in avoid.before or after in avoid.next_to):
        return Verdict(BEFORE[after], "directly before a {}", (after,))
    return None


def check_occupied(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    if gap in state.every_unit:
        return Verdict("occupied", "another unit is already at this gap")
    return None


def check_spacing(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    """Distances to copies, to the same kind and to any unit; both sides' needs count."""
    same_unit, same_kind, any_unit = state.needs(unit)
    groups: tuple[tuple[DecisionCode, SpacingIndex | None, Distance | None, str, str], ...] = (
        ("too-close", state.by_unit.get(unit.id), same_unit, "", unit.id),
        ("too-close-kind", state.by_kind.get(unit.kind), same_kind, "another ", unit.kind),
        ("too-close-any", state.every_unit, any_unit, "another ", "unit"),
    )
    for code, index, own, prefix, what in groups:
        found = index.violation(state.gaps, gap, own) if index is not None else None
        if found is not None:
            other, short = found
            return Verdict(code, "{} from {}{} at gap {}", (short, prefix, what, other))
    return None


def check_density(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    """Ads only, and not the desktop rail (it is beside the text, not in it) nor an
    interstitial (it is between pages). A sticky anchor counts once, as the Better Ads
    Standard counts a sticky ad: its height, not its height on every screen."""
    if unit.kind != "ad" or unit.position in ("rail", "interstitial"):
        return None
    density = state.density_with(state.height_of(unit))
    cap = state.rules.density.max_ad_ratio
    if density > cap:
        return Verdict(
            "density-cap", "estimated ad density would be {:.2f} (cap {:.2f})", (density, cap)
        )
    return None


# --- the table ------------------------------------------------------------------------------

CHECKS: Final = Ruler(
    unit_rules=(
        UnitRule("audience", check_audience),
        UnitRule("device", check_device),
        UnitRule("section", check_section),
        UnitRule("tag", check_tag),
        UnitRule("no-ads", check_no_ads),
        UnitRule("brand-safety", check_brand_safety),
        UnitRule("article-video", check_article_video),
        UnitRule("max", check_max),
        UnitRule("min-article", check_min_article),
        UnitRule("ad-size", check_ad_size),
    ),
    gap_rules=(
        GapRule("paywall", check_paywall),
        GapRule("start", check_start),
        GapRule("first-screen", check_first_screen),
        GapRule("keep-out", check_keep_out),
        GapRule("paragraph-length", check_paragraph_length),
        GapRule("neighbours", check_neighbours),
        GapRule("occupied", check_occupied),
        GapRule("spacing", check_spacing),
        GapRule("density", check_density, fixed=True),
    ),
)
