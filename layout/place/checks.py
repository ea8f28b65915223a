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
        return Verdict("audience", f"not shown to {audience} readers")
    return None


def check_device(unit: Unit, state: PlacementState) -> Verdict | None:
    device = state.viewer.device
    if unit.only.devices and device not in unit.only.devices:
        return Verdict("device", f"not shown on {device}")
    if unit.position == "rail" and device != "desktop":
        return Verdict("device", "the rail exists on desktop only")
    return None


def check_section(unit: Unit, state: PlacementState) -> Verdict | None:
    only, section = unit.only, state.article.section or ""
    if (only.sections and section not in only.sections) or section in only.exclude_sections:
        return Verdict("section", f"not shown in section {section or '(none)'}")
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
        return Verdict("brand-safety", f"brand-safety tag {sorted(unsafe)[0]} switches ads off")
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
            return Verdict("too-short", f"article has fewer than {minimum.words} words")
        return Verdict("too-short", f"article has {words} words (needs {minimum.words})")
    if minimum.paragraphs is not None and paragraphs < minimum.paragraphs:
        if not state.sees_all:
            return Verdict("too-short",
                           f"article has fewer than {minimum.paragraphs} paragraphs")
        return Verdict("too-short",
                       f"article has {paragraphs} paragraphs (needs {minimum.paragraphs})")
    return None


def check_ad_size(unit: Unit, state: PlacementState) -> Verdict | None:
    """An ad none of whose sizes fits the column would reserve only its label: not placed
    (an interstitial covers the screen and has no size of its own)."""
    if unit.kind != "ad" or unit.position == "interstitial":
        return None
    device = state.viewer.device
    if not fitting_sizes(unit, device, state.rules.device(device)):
        return Verdict("no-size", f"no size fits the {device} column")
    return None


# --- gap checks: may the unit go at this gap ----------------------------------------------


def check_paywall(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    if gap > state.last_gap:
        return Verdict("past-paywall", f"gap {gap} is past the last visible block")
    return None


def check_start(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    start, gaps = unit.start, state.gaps
    if start is None:
        return None
    if start.paragraphs is not None and gaps.paragraphs[gap] < start.paragraphs:
        return Verdict(
            "before-start",
            f"{gaps.paragraphs[gap]} paragraphs above; starts after {start.paragraphs}",
        )
    if start.words is not None and gaps.words[gap] < start.words:
        return Verdict("before-start", f"{gaps.words[gap]} words above; starts after {start.words}")
    if start.blocks is not None and gap < start.blocks:
        return Verdict("before-start", f"{gap} blocks above; starts after {start.blocks}")
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
            f"estimated offset {gaps.offset(gap):.0f}px is inside the first {limit:.0f}px",
        )
    return None


def check_keep_out(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    keep, gaps = unit.keep_out, state.gaps
    if keep is None:
        return None
    words_after = gaps.words[-1] - gaps.words[gap]
    if keep.last_words is not None and words_after < keep.last_words:
        if not state.sees_all:
            return Verdict("near-end", f"within the last {keep.last_words} words")
        return Verdict(
            "near-end", f"{words_after} words below; keeps out of the last {keep.last_words}"
        )
    paragraphs_after = gaps.paragraphs[-1] - gaps.paragraphs[gap]
    if keep.last_paragraphs is not None and paragraphs_after < keep.last_paragraphs:
        if not state.sees_all:
            return Verdict("near-end", f"within the last {keep.last_paragraphs} paragraphs")
        return Verdict(
            "near-end",
            f"{paragraphs_after} paragraphs below; keeps out of the last {keep.last_paragraphs}",
        )
    return None


def check_paragraph_length(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    minimum = unit.min_paragraph_words
    if minimum is None or gap == 0:
        return None
    words = state.gaps.paragraph_words[gap - 1]
    if words < minimum:
        return Verdict(
            "short-paragraph", f"the paragraph above has {words} words (needs {minimum})"
        )
    return None


def check_neighbours(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    before, after = state.gaps.before(gap), state.gaps.after(gap)
    avoid = unit.avoid
    if before is not None and (before in avoid.after or before in avoid.next_to):
        return Verdict(AFTER[before], f"directly after a {before}")
    if after is not None and (after in avoid.before or after in avoid.next_to):
        return Verdict(BEFORE[after], f"directly before a {after}")
    return None


def check_occupied(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    if gap in state.every_unit:
        return Verdict("occupied", "another unit is already at this gap")
    return None


def check_spacing(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    """Distances to copies, to the same kind and to any unit; both sides' needs count."""
    same_unit, same_kind, any_unit = state.needs(unit)
    groups: tuple[tuple[DecisionCode, SpacingIndex | None, Distance | None, str], ...] = (
        ("too-close", state.by_unit.get(unit.id), same_unit, f"{unit.id}"),
        ("too-close-kind", state.by_kind.get(unit.kind), same_kind, f"another {unit.kind}"),
        ("too-close-any", state.every_unit, any_unit, "another unit"),
    )
    for code, index, own, what in groups:
        found = index.violation(state.gaps, gap, own) if index is not None else None
        if found is not None:
            other, short = found
            return Verdict(code, f"{short} from {what} at gap {other}")
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
            "density-cap", f"estimated ad density would be {density:.2f} (cap {cap:.2f})"
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
