"""Images: one image (alone, in a link, or in a figure with its caption and credit) and
galleries (several images shown as one set, each with its own caption)."""

from __future__ import annotations

from typing import Final

from layout.html.markup import drop_keeping_tail, text_of
from layout.html.sanitize import LAZY_SOURCES
from layout.html.values import ascii_int
from layout.ingest.recognize.base import (
    BlockData,
    Context,
    Element,
    alignment,
    classes,
    holds_media,
)
from layout.ingest.recognize.captions import caption_markup, figcaption_of

_GALLERY_CLASSES: Final = frozenset(
    {"wp-block-gallery", "blocks-gallery-grid", "gallery", "tiled-gallery", "image-gallery"}
)
def image_block(img: Element) -> BlockData:
    """An image block from an ``img``; the link around it, if any, is kept."""
    src = img.get("src")
    if not src or src.startswith("data:"):
        src = next((img.get(name) for name in LAZY_SOURCES if img.get(name)), src)
    block: BlockData = {
        "kind": "image",
        "src": src or None,
        "alt": img.get("alt", ""),
        "width": _dimension(img.get("width")),
        "height": _dimension(img.get("height")),
    }
    link = next(img.iterancestors("a"), None)
    if link is not None and link.get("href"):
        block["link"] = link.get("href")
    return block


def _dimension(value: str | None) -> int | None:
    number = ascii_int(value, maximum=100_000)
    return number if number else None


def image_figure(figure: Element, context: Context) -> BlockData | None:
    """A figure of one image and an optional caption (a credit inside it is split off);
    a figure with any other text is not one image."""
    images = list(figure.iter("img"))
    if len(images) != 1 or next(figure.iter("iframe", "video", "audio", "table"), None) is not None:
        return None
    caption = figcaption_of(figure)
    if text_of(figure) != (text_of(caption) if caption is not None else ""):
        return _image_with_loose_caption(figure, images[0], caption)
    block = image_block(images[0])
    align = alignment(figure) or _wrapper_alignment(figure)
    if align:
        block["align"] = align
    if caption is not None and text_of(caption):
        credit = next((el for el in caption.iter() if "credit" in el.get("class", "")), None)
        if credit is not None and credit is not caption:
            block["credit"] = text_of(credit)
            drop_keeping_tail(credit)
        block["caption"] = caption_markup(caption)
    return block


def _image_with_loose_caption(
    figure: Element, img: Element, caption: Element | None
) -> BlockData | None:
    """A figure of one image and a line or two of text beside it, not in a figcaption (a
    credit line, a caption in a paragraph): that text is what a reader reads as the
    caption, and becomes it."""
    if caption is not None or len(text_of(figure)) > 400:
        return None
    block = image_block(img)
    drop_keeping_tail(img)
    markup = caption_markup(figure)
    if markup is not None:
        block["caption"] = markup
    return block


def _wrapper_alignment(figure: Element) -> str | None:
    parent = figure.getparent()
    return alignment(parent) if parent is not None and parent.tag == "div" else None


def gallery(element: Element, context: Context) -> BlockData | None:
    """A gallery: marked as one (WordPress's classes or block comment), or a figure of
    several images whose only text is their captions."""
    marked = bool(classes(element) & _GALLERY_CLASSES) or context.in_block("gallery")
    if not marked and element.tag != "figure":
        return None
    items = _gallery_items(element)
    if (len(items) < 2 and not (marked and items)) or holds_media(element, besides="img"):
        return None
    caption = _own_caption(element)
    if not _only_captions(element, items, caption):
        return None  # text that is no caption: not only images
    images = [_with_caption(image_block(img), cap) for img, cap in items]
    block: BlockData = {"kind": "gallery", "images": images}
    markup = caption_markup(caption)
    if markup is not None:
        block["caption"] = markup
    columns = next((c for c in classes(element) if c.startswith("columns-")), None)
    count = ascii_int(columns.removeprefix("columns-"), maximum=8) if columns else None
    if count:
        block["columns"] = count
    align = alignment(element)
    if align:
        block["align"] = align
    return block


def _gallery_items(element: Element) -> list[tuple[Element, Element | None]]:
    """Each image with the caption of the figure it is in (when that figure is its own)."""
    items = []
    for img in element.iter("img"):
        holder = next((a for a in img.iterancestors("figure") if a is not element), None)
        caption = figcaption_of(holder) if holder is not None else None
        items.append((img, caption))
    return items


def _own_caption(element: Element) -> Element | None:
    """The gallery's own caption: a figcaption that is not one image's."""
    # The elements themselves, not their id(): lxml makes a new proxy for an element
    # whose last one was freed, so an id() held past its proxy names nothing reliably.
    holding = {a for img in element.iter("img") for a in img.iterancestors()}
    for caption in element.iter("figcaption"):
        holder = caption.getparent()
        if holder is element or (holder is not None and holder not in holding):
            return caption
    return None


def _only_captions(
    element: Element, items: list[tuple[Element, Element | None]], caption: Element | None
) -> bool:
    """True when the element's text is its captions' text, in order, and nothing else (a
    caption inside another caption counts as text of its own)."""
    captions = {cap for _, cap in items if cap is not None}
    if caption is not None:
        captions.add(caption)
    ordered = [node for node in element.iter("figcaption") if node in captions]
    if any(a in captions for node in ordered for a in node.iterancestors("figcaption")):
        return False
    shown = "".join(text_of(node) for node in ordered)
    return "".join(text_of(element).split()) == "".join(shown.split())


def _with_caption(block: BlockData, caption: Element | None) -> BlockData:
    markup = caption_markup(caption)
    if markup is not None:
        block["caption"] = markup
    return block

