"""The paywall policy: ONE pure decision of what this reader may see of this article.

``decide_access(article, viewer, terms, sizes, meter)`` returns everything every surface
needs (visible blocks, the cut, the wall variant, the meter update, the cache class, the
access rule that set the terms); the page, the fragment, the plan JSON, the JSON-LD and the
meta tags are all built from it, never from the raw article, so gated text cannot reach a
reader who is not entitled to it. The terms (``terms.access_terms``) say which mode,
preview, meter and wall the rules set for this article and reader.

Crawlers get no trust from a User-Agent or forwarded headers: only ``viewer.verified_crawler``
(set by the calling application after its own reverse-DNS check) opens the article to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from layout.access.meter import MeterState
from layout.access.terms import AccessTerms
from layout.article import Article
from layout.measure.sizes import MEDIA_KINDS, BlockSize
from layout.rules import Preview
from layout.rules.paywall import WallVariant
from layout.viewer import Viewer

CACHE_HEADERS: dict[str, dict[str, str]] = {
    "anon-full": {"Cache-Control": "public, max-age=60, s-maxage=300", "Vary": "Cookie"},
    "anon-preview": {"Cache-Control": "public, max-age=60, s-maxage=300", "Vary": "Cookie"},
    "anon-metered": {"Cache-Control": "private, no-store", "Vary": "Cookie"},
    "registered": {"Cache-Control": "private, no-store", "Vary": "Cookie"},
    "subscriber": {"Cache-Control": "private, no-store", "Vary": "Cookie"},
    "crawler": {"Cache-Control": "private, no-store", "Vary": "Cookie"},
    "gift": {"Cache-Control": "private, no-store", "Vary": "Cookie"},
}


@dataclass(frozen=True)
class AccessDecision:
    """What the reader sees: every output is built from this."""

    mode: str
    entitled: bool
    visible_blocks: int
    gated_from: int | None
    wall: WallVariant | None
    meter: MeterState | None
    counted: bool
    cache_class: str
    terms: AccessTerms  # the mode, preview, meter and wall, and the rule that set them
    gift: bool = False  # a valid gift link opened the article

    @property
    def applied(self) -> bool:
        return self.wall is not None

    @property
    def meter_remaining(self) -> int | None:
        return None if self.meter is None else max(0, self.terms.meter.limit - self.meter.count)


@dataclass(frozen=True)
class _Verdict:
    entitled: bool
    wall: WallVariant | None
    cache_class: str
    meter: MeterState | None = None
    counted: bool = False


def decide_access(
    article: Article,
    viewer: Viewer,
    terms: AccessTerms,
    sizes: Sequence[BlockSize],
    meter: MeterState | None,
    *,
    gift: bool = False,
    cut: Callable[[Preview, int | None], int] | None = None,
) -> AccessDecision:
    """The single access decision for (article, viewer, the rules' terms, meter, and
    whether the reader holds a valid gift of this article). ``cut`` is ``preview_cut``
    over ``sizes`` for a preview and a marker, as the caller keeps it (the engine, once
    per article); by default it is worked out here."""
    mode = terms.mode
    verdict = _verdict(terms, article, viewer, meter, gift)
    total = len(sizes)
    marker = terms.preview.teaser_end(article.teaser_end, article.access)
    if mode == "free":
        gated_from = None
    elif cut is not None:
        gated_from = cut(terms.preview, marker)
    else:
        gated_from = preview_cut(sizes, terms.preview, marker)
    hidden = not verdict.entitled and gated_from is not None and gated_from < total
    return AccessDecision(
        mode=mode,
        entitled=verdict.entitled,
        visible_blocks=gated_from if hidden and gated_from is not None else total,
        gated_from=gated_from if gated_from is not None and gated_from < total else None,
        wall=verdict.wall if hidden else None,
        meter=verdict.meter,
        counted=verdict.counted,
        cache_class=verdict.cache_class,
        terms=terms,
        gift=verdict.cache_class == "gift",
    )


def _verdict(
    terms: AccessTerms, article: Article, viewer: Viewer, meter: MeterState | None,
    gift: bool,
) -> _Verdict:
    mode = terms.mode
    if mode == "free":
        return _Verdict(
            True, None, "anon-full" if viewer.audience == "anonymous" else viewer.audience
        )
    if viewer.audience == "subscriber":
        return _Verdict(True, None, "subscriber")
    if viewer.verified_crawler:
        return _Verdict(True, None, "crawler")
    if gift:  # the whole article, this one only, and the meter not counted
        return _Verdict(True, None, "gift")
    # Units differ by audience, so only anonymous readers share the public teaser.
    teaser = "anon-preview" if viewer.audience == "anonymous" else "registered"
    if mode == "hard":
        return _Verdict(False, terms.wall or "subscribe", teaser)
    if mode == "registration":
        if viewer.audience == "registered":
            return _Verdict(True, None, "registered")
        return _Verdict(False, terms.wall or "register", teaser)
    return _metered(terms, article, viewer, meter)


def _metered(
    terms: AccessTerms, article: Article, viewer: Viewer, meter: MeterState | None
) -> _Verdict:
    if meter is None:
        raise ValueError("metering needs the reader's meter state")
    cache = "registered" if viewer.audience == "registered" else "anon-metered"
    if meter.has_read(article.id):  # a second read in the period is not counted again
        return _Verdict(True, None, cache, meter)
    if meter.count < terms.meter.limit:
        return _Verdict(True, None, cache, meter.with_article(article.id), counted=True)
    default: WallVariant = "subscribe" if viewer.audience == "registered" else "meter-exhausted"
    # The wall depends on this reader's meter: never a shared cache entry.
    return _Verdict(False, terms.wall or default, cache, meter)


def preview_cut(sizes: Sequence[BlockSize], preview: Preview, marker: int | None = None) -> int:
    """The gap where the teaser ends (the editor's mark, when the preview uses one): a
    block boundary, never right after a heading, and never leaving only headings or
    captions visible."""
    total = len(sizes)
    if marker is not None:
        cut = marker
    elif preview.paragraphs is not None:
        cut, seen = total, 0
        for index, size in enumerate(sizes):
            seen += size.is_body_text
            if seen == preview.paragraphs:
                cut = index + 1
                break
    else:
        words = sum(size.words for size in sizes)
        goal = preview.words if preview.words is not None else words * (preview.percent or 0) / 100
        cut, running = total, 0
        for index, size in enumerate(sizes):
            running += size.words
            if running >= goal:
                cut = index + 1
                break
    # A gated article always keeps something back: a teaser as long as the whole story
    # would give the story away.
    cut = min(cut, total - 1) if total else 0
    cut = _not_after_heading(sizes, cut)
    if not any(size.is_body_text for size in sizes[:cut]):
        first = next((i for i, size in enumerate(sizes) if size.is_body_text), None)
        # With no body text at all, the teaser is the header alone.
        cut = first + 1 if first is not None and first + 1 < total else 0
    return _within_share(sizes, cut, preview.max_share)


# What a media block (picture, gallery, video, audio, embed, link card) weighs in the
# preview's share, in words.
MEDIA_WORDS = 50


def _weight(size: BlockSize) -> int:
    return MEDIA_WORDS if size.kind in MEDIA_KINDS else size.words


def _within_share(sizes: Sequence[BlockSize], cut: int, share: float) -> int:
    """The cut moved up until the teaser holds at most ``share`` of the article's weight
    (its words, and its media at ``MEDIA_WORDS`` each); the header alone when what is
    left holds no body text."""
    weights = [_weight(size) for size in sizes]
    allowed, shown = share * sum(weights), sum(weights[:cut])
    if shown <= allowed:
        return cut
    while cut > 0 and shown > allowed:
        cut -= 1
        shown -= weights[cut]
    cut = _not_after_heading(sizes, cut)
    return cut if any(size.is_body_text for size in sizes[:cut]) else 0


def _not_after_heading(sizes: Sequence[BlockSize], cut: int) -> int:
    while cut > 0 and sizes[cut - 1].kind == "heading":
        cut -= 1
    return cut
