"""Per-block measurements: words, characters and an estimated rendered height per device.

Heights are estimates from the theme's typography (column width, font size, line height,
average glyph width), images and videos by aspect ratio. They drive the viewport rules and
the ad density, so the default theme's stylesheet uses the same numbers (see
``templates/page.css.j2``) and the browser tests keep the estimate within 20% of reality.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import unescape

from layout.article import Article, Block, Gallery
from layout.measure.devices import DeviceProfile

_TAG = re.compile(r"<[^>]*>")
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>|</(?:p|li|tr|dd|dt|h\d|div)>", re.IGNORECASE)


GLYPH_WIDTH_EM = 0.52  # average advance of body text in the theme's serif (DejaVu Serif), in em
BLOCK_GAP_EM = 1.0  # vertical margin between blocks, in em
WRAP_LOSS_CHARS = 3  # characters a wrapped line loses on average (words do not split)
TABLE_SCALE = 0.85  # table text size, as in the theme


# Blocks that count as "paragraphs" in rules (start, keep_out, at, preview, min_article):
# body text a reader reads through, so a list-led or quote-led article is not skipped.
BODY_TEXT_KINDS = frozenset({"paragraph", "list", "quote", "preformatted"})
# Blocks whose text is a caption or a title, not words of the story.
MEDIA_KINDS = frozenset({"image", "gallery", "video", "audio", "related", "embed"})


@dataclass(frozen=True, slots=True)
class BlockSize:
    """What placement needs to know about one block."""

    kind: str
    words: int
    chars: int
    height: float

    @property
    def is_body_text(self) -> bool:
        return self.kind in BODY_TEXT_KINDS


def plain_text(html: str) -> str:
    """Markup -> text with line breaks at block boundaries (for counting, not display).

    Source whitespace (newlines included) collapses as a browser collapses it; only
    block-level ends and <br> start a new line, and <pre> keeps its own lines.
    """
    if "<pre" in html:
        html = _PRE.sub(lambda pre: pre.group(0).replace("\n", "<br>"), html)
    text = " ".join(html.split())
    if "<" in text:
        if "</" in text or "<br" in text:
            text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    return unescape(text) if "&" in text else text


def block_text(block: Block) -> str:
    """All the reader-visible text of a block, as plain text."""
    match block.kind:
        case "paragraph" | "heading" | "note" | "quote" | "table" | "html":
            return plain_text(block.html)
        case "preformatted":
            return plain_text(block.html.replace("\n", "<br>"))
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


def _line_count(text: str, width: float, font: float) -> int:
    """Lines of wrapped text; a line loses about half a word to wrapping."""
    per_line = max(1, int(width / (font * GLYPH_WIDTH_EM)) - WRAP_LOSS_CHARS)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n") if part.strip())


def _text_height(
    text: str, profile: DeviceProfile, scale: float = 1.0, inset_em: float = 0.0
) -> float:
    """Height of wrapped text; ``inset_em`` is horizontal padding (lists, quotes) in em."""
    font = profile.font_size * scale
    width = profile.column_width - inset_em * profile.font_size
    return _line_count(text, width, font) * font * profile.line_height


_ROW = re.compile(r"<tr\b", re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b", re.IGNORECASE)
_CAPTION = re.compile(r"<caption\b.*?</caption>", re.IGNORECASE | re.DOTALL)


def _table_height(html: str, profile: DeviceProfile) -> float:
    """Each row's text flows across the table width (the browser sizes columns to fit)."""
    font = profile.font_size * TABLE_SCALE
    line = font * profile.line_height
    padding = font * 0.8 + 1
    caption = _CAPTION.search(html)
    height = 0.0
    if caption:
        height = _line_count(plain_text(caption.group(0)), profile.column_width, font) * line
    for row in _ROW.split(html)[1:]:
        cells = [" ".join(plain_text("<x" + cell).split()) for cell in _CELL.split(row)[1:]]
        width = max(24.0, profile.column_width - padding * max(1, len(cells)))
        height += _line_count(" ".join(cells), width, font) * line + padding
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
                      for i in row)
        captions = max(_text_height(plain_text(i.caption), profile, 0.85) if i.caption else 0.0
                       for i in row)
        height += tallest + captions + 8
    caption = plain_text(block.caption or "")
    return height + (_text_height(caption, profile, 0.85) if caption else 0.0)


_HEADING_SCALE = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}


def block_height(block: Block, text: str, profile: DeviceProfile) -> float:
    """Estimated rendered height of a block in CSS pixels, margins included."""
    gap = profile.font_size * BLOCK_GAP_EM
    small = 0.85
    match block.kind:
        case "heading":
            return _text_height(text, profile, _HEADING_SCALE[block.level]) + gap * 1.5
        case "image":
            caption = _text_height(text, profile, small) if text else 0.0
            return _media_height(block.width, block.height, profile) + caption + gap
        case "video":
            return _media_height(16, 9, profile) + _text_height(text or "x", profile, small) + gap
        case "audio":
            return profile.font_size * 3 + (_text_height(text, profile, small) if text else 0) + gap
        case "gallery":
            return _gallery_height(block, profile) + gap
        case "preformatted":
            return _text_height(text, profile, small, inset_em=1.6) + profile.font_size + gap
        case "pagebreak":
            return gap * 2
        case "divider" | "slot":
            return gap * 2
        case "related":
            return _text_height(text, profile) + profile.font_size * 2.5 + gap
        case "table":
            return _table_height(block.html, profile) + gap
        case "quote":
            return _text_height(text, profile, 1.05, inset_em=1.2) + gap
        case "embed":
            return _text_height(text, profile, 1.0, inset_em=2.2) + profile.font_size * 2 + gap
        case "list":
            return _text_height(text, profile, inset_em=1.4) + gap
        case "note":
            return _text_height(text, profile, small) + gap
    return _text_height(text, profile) + gap


def measure(article: Article, profile: DeviceProfile) -> list[BlockSize]:
    """Sizes of every block of ``article`` for one device profile."""
    return [measure_block(block, profile) for block in article.blocks]


def measure_block(block: Block, profile: DeviceProfile) -> BlockSize:
    text = block_text(block)
    words = len(text.split()) if block.kind not in MEDIA_KINDS else 0
    return BlockSize(block.kind, words, len(text), block_height(block, text, profile))


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
