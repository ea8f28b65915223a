"""Per-block measurements: words, characters and an estimated rendered height per device.

Heights are estimates from the theme's typography (column width, font size, line height,
average glyph width), images and videos by aspect ratio. They drive the viewport rules and
the ad density, so the default theme's stylesheet uses the same numbers (see
``templates/page.css.j2``) and the browser tests keep the estimate within 20% of reality.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from layout.article import Article
from layout.blocks import Block, Gallery, Quote, Table
from layout.blocks.base import MarkupBlock
from layout.measure.devices import DeviceProfile
from layout.measure.lines import line_count
from layout.measure.outline import outline_levels
from layout.measure.text import BlockText, plain_text

BLOCK_GAP_EM = 1.0  # vertical margin between blocks, in em
TABLE_SCALE = 0.85  # table text size, as in the theme


# Blocks that count as "paragraphs" in rules (start, keep_out, at, preview, min_article):
# body text a reader reads through, so a list-led or quote-led article is not skipped.
BODY_TEXT_KINDS = frozenset({"paragraph", "list", "quote", "preformatted"})
# Blocks whose text is a caption or a title, not words of the story.
MEDIA_KINDS = frozenset({"image", "gallery", "video", "audio", "related", "embed"})


class BlockSize(NamedTuple):
    """What placement needs to know about one block. A named tuple, since one is made for
    every block: it is made in one call, where a frozen dataclass sets each field through
    ``object.__setattr__`` (``docs/performance.md``)."""

    kind: str
    words: int
    chars: int
    height: float

    @property
    def is_body_text(self) -> bool:
        return self.kind in BODY_TEXT_KINDS


def _own_text(block: Block) -> BlockText | None:
    """The text and words a block of markup keeps (``MarkupBlock.measured_text``); None for
    the others, and for an embed, whose text is its post's or its title and caption."""
    if isinstance(block, MarkupBlock) and block.kind != "embed":
        return block.measured_text
    return None


def block_text(block: Block) -> str:
    """All the reader-visible text of a block, as plain text."""
    own = _own_text(block)
    if own is not None:
        return own[0]
    match block.kind:
        case "embed":
            caption = plain_text(block.caption or "")
            return "\n".join(filter(None, (plain_text(block.html) or block.title or
                                            (block.url or ""), caption)))
        case "gallery":
            captions = (plain_text(image.caption or "") for image in block.images)
            return "\n".join(filter(None, (*captions, plain_text(block.caption or ""))))
        case "video" | "audio":
            return " ".join(filter(None, (block.title, plain_text(block.caption or ""))))
        case "list":
            return "\n".join(plain_text(item) for item in block.items)
        case "image":
            return " ".join(filter(None, (plain_text(block.caption or ""), block.credit)))
        case "related":
            return block.title
    return ""


def _text_height(
    text: str, profile: DeviceProfile, scale: float = 1.0, inset_em: float = 0.0
) -> float:
    """Height of wrapped text; ``inset_em`` is horizontal padding (lists, quotes) in em."""
    font = profile.font_size * scale
    width = profile.column_width - inset_em * profile.font_size
    return line_count(text, width, font) * font * profile.line_height


_ROW = re.compile(r"<tr\b", re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b", re.IGNORECASE)
_CAPTION = re.compile(r"<caption\b.*?</caption>", re.IGNORECASE | re.DOTALL)


def _table_height(html: str, profile: DeviceProfile) -> float:
    """A row is as tall as its tallest cell; a row whose text fits across the table is
    one line (the browser sizes columns to their content), else each cell wraps in its
    share of the width."""
    font = profile.font_size * TABLE_SCALE
    line = font * profile.line_height
    padding = font * 0.8 + 1
    caption = _CAPTION.search(html)
    height = 0.0
    if caption:
        height = line_count(plain_text(caption.group(0)), profile.column_width, font) * line
    for row in _ROW.split(html)[1:]:
        cells = [" ".join(plain_text("<x" + cell).split()) for cell in _CELL.split(row)[1:]]
        width = max(24.0, profile.column_width - padding * max(1, len(cells)))
        lines = line_count(" ".join(cells), width, font)
        if lines > 1 and len(cells) > 1:
            share = width / len(cells)
            lines = max(line_count(cell or "x", share, font) for cell in cells)
        height += lines * line + padding
    return height


def _media_height(width: int | None, height: int | None, profile: DeviceProfile) -> float:
    ratio = (height / width) if width and height else 9 / 16
    return profile.column_width * ratio


def _gallery_height(block: Gallery, profile: DeviceProfile) -> float:
    """Two images a row (the theme's grid), each row as tall as its tallest image."""
    cell = (profile.column_width - 8) / 2
    height = 0.0
    images = block.images
    for start in range(0, len(images), 2):
        row = images[start:start + 2]
        tallest = max(_media_height(i.width, i.height, profile) * cell / profile.column_width
                      if i.src else 0.0 for i in row)
        captions = max(_text_height(plain_text(i.caption), profile, 0.85) if i.caption else 0.0
                       for i in row)
        height += tallest + captions + 8
    caption = plain_text(block.caption or "")
    return height + (_text_height(caption, profile, 0.85) if caption else 0.0)


# Body headings as the theme sets them, by the level shown: font scale, line height (None:
# the body's) and top margin in the heading's em (the bottom margin is 1em).
_HEADINGS: dict[int, tuple[float, float | None, float]] = {
    1: (1.6, 1.2, 1.0), 2: (1.35, 1.25, 1.5), 3: (1.2, 1.3, 1.3),
    4: (1.1, None, 1.2), 5: (1.1, None, 1.2), 6: (1.1, None, 1.2),
}
MONO_GLYPH_EM = 0.602  # advance of the theme's monospace (DejaVu Sans Mono), in em
PRE_SCALE, PRE_LINE, PRE_PAD_EM = 0.85, 1.5, (0.6, 0.8)  # size, line height, padding


def _heading_height(text: str, level: int, profile: DeviceProfile) -> float:
    scale, line_height, top = _HEADINGS[level]
    font = profile.font_size * scale
    lines = line_count(text, profile.column_width, font)
    return lines * font * (line_height or profile.line_height) + font * (top + 1)


def _preformatted_height(text: str, variant: str, profile: DeviceProfile) -> float:
    """Preformatted text wraps (pre-wrap) in a padded box; verse is set as body text."""
    if variant == "verse":
        return _text_height(text, profile)
    font = profile.font_size * PRE_SCALE
    width = profile.column_width - 2 * PRE_PAD_EM[1] * font
    per_line = max(1, int(width / (font * MONO_GLYPH_EM)))
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return lines * font * PRE_LINE + 2 * PRE_PAD_EM[0] * font


def block_height(block: Block, text: str, profile: DeviceProfile, level: int = 0) -> float:
    """Estimated rendered height of a block in CSS pixels, margins included (``level``:
    the level a heading is shown at)."""
    gap = profile.font_size * BLOCK_GAP_EM
    if block.kind == "paragraph":  # most blocks are: decided before the other kinds are tried
        return _text_height(text, profile) + gap
    small = 0.85
    match block.kind:
        case "heading":
            return _heading_height(text, level or block.level, profile)
        case "image":
            caption = _text_height(text, profile, small) if text else 0.0
            media = _media_height(block.width, block.height, profile) if block.src else 0.0
            return media + caption + gap
        case "video":
            return _media_height(16, 9, profile) + _text_height(text or "x", profile, small) + gap
        case "audio":
            return profile.font_size * 3 + (_text_height(text, profile, small) if text else 0) + gap
        case "gallery":
            return _gallery_height(block, profile) + gap
        case "preformatted":
            return _preformatted_height(text, block.variant, profile) + gap
        case "pagebreak":
            return gap + 1  # a one-pixel rule, and the block margin
        case "divider":
            return gap + 2  # the rule's border, and the block margin
        case "slot":
            return gap * 2
        case "related":
            return _text_height(text, profile) + profile.font_size * 2.5 + gap
        case "table":
            return _table_height(block.html, profile) + _caption_height(block, profile) + gap
        case "quote":
            return _quote_height(block, profile) + gap
        case "embed":
            return _embed_height(text, profile) + gap
        case "list":
            return _text_height(text, profile, inset_em=1.4) + gap
        case "note":
            return _text_height(text, profile, small) + gap
    if block.kind == "html":
        return _text_height(text, profile) + _raw_media_height(block.html, profile) + gap
    return _text_height(text, profile) + gap


_RAW_PLAYER = re.compile(r"<(?:video|audio)\b", re.IGNORECASE)
_RAW_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SIZE = re.compile(r'\b(width|height)="(\d{1,5})"')
# Chromium's boxes for players in raw markup (no controls pass the sanitizer: an audio
# player without them is not shown).
_PLAYER_HEIGHT = {"video": 150.0, "audio": 0.0}


def _raw_media_height(html: str, profile: DeviceProfile) -> float:
    """Media in raw markup: an image of known size at that size (narrowed to the column),
    players in their default box (a video with no web source)."""
    height = 0.0
    if "<img" in html:
        for image in _RAW_IMAGE.finditer(html):
            sizes = dict(_SIZE.findall(image.group(0)))
            width, tall = int(sizes.get("width", 0)), int(sizes.get("height", 0))
            if width and tall:
                height += tall * min(1.0, profile.column_width / width)
    if "<video" in html or "<audio" in html:
        height += sum(_PLAYER_HEIGHT[m.group(0)[1:].lower()] for m in _RAW_PLAYER.finditer(html))
    return height


def _caption_height(block: Table, profile: DeviceProfile) -> float:
    caption = plain_text(block.caption or "")
    return _text_height(caption, profile, 0.85) + profile.font_size * 0.3 if caption else 0.0


def _embed_height(text: str, profile: DeviceProfile) -> float:
    """A bordered, padded box (0.8em by 1em) of the post's paragraphs, half a line apart."""
    parts = [part for part in text.split("\n") if part.strip()] or [""]
    height = sum(_text_height(part or "x", profile, inset_em=2.0) for part in parts)
    return height + (len(parts) - 1) * profile.font_size * 0.5 + profile.font_size * 1.6 + 2


def _quote_height(block: Quote, profile: DeviceProfile) -> float:
    """The quote's paragraphs (half a line apart; a pull quote is set larger) and the
    attribution under it."""
    scale = 1.3 if block.pull else 1.05
    parts = [part for part in block.measured_text[0].split("\n") if part.strip()]
    font = profile.font_size * scale
    height = sum(_text_height(part, profile, scale, inset_em=1.2) for part in parts)
    height += max(0, len(parts) - 1) * font * 0.5
    if block.attribution:
        height += _text_height(block.attribution, profile, 0.85, inset_em=1.2)
        height += profile.font_size * 0.3
    return height


def measure(article: Article, profile: DeviceProfile) -> list[BlockSize]:
    """Sizes of every block of ``article`` for one device profile."""
    levels = outline_levels(article.blocks)
    blocks = article.blocks
    return [measure_block(block, profile, levels.get(i, 0)) for i, block in enumerate(blocks)]


def measure_block(block: Block, profile: DeviceProfile, level: int = 0) -> BlockSize:
    """A block's measurements; ``level`` is the level a heading is shown at (the page
    outline's, ``outline.outline_levels``), its own when not given."""
    own = _own_text(block)
    if own is not None:
        text, words = own
    else:
        text = block_text(block)
        words = len(text.split()) if block.kind not in MEDIA_KINDS else 0
    return BlockSize(block.kind, words, len(text), block_height(block, text, profile, level))


def header_height(article: Article, profile: DeviceProfile) -> float:
    """Estimated height of the story header (section, headline, dek, byline, hero)."""
    height = _text_height(article.headline, profile, 1.6) * 1.2 / 1.6 + profile.font_size
    if article.section:
        height += profile.font_size * 2
    if article.dek:
        height += _text_height(article.dek, profile, 1.1) + profile.font_size * 0.8
    if article.summary:
        height += _text_height("\n".join(article.summary), profile) + profile.font_size
    if article.byline or article.published:
        height += profile.font_size * 0.85 * 1.4 + profile.font_size
    if article.hero is not None:
        hero = article.hero
        height += block_height(hero, block_text(hero), profile)
    return height
