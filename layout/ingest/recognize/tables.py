"""Tables: a ``table`` alone, or in a figure with its caption (WordPress's table block)."""

from __future__ import annotations

from layout.html.markup import outer_html, text_of
from layout.ingest.recognize.base import BlockData, Context, Element, alignment, holds_media
from layout.ingest.recognize.captions import caption_markup, figcaption_of


def table(element: Element, context: Context) -> BlockData | None:
    return {"kind": "table", "html": outer_html(element)}


def table_figure(figure: Element, context: Context) -> BlockData | None:
    tables = list(figure.iter("table"))
    caption = figcaption_of(figure)
    if len(tables) != 1 or holds_media(figure, besides="table"):
        return None
    own = text_of(tables[0]) + (" " + text_of(caption) if caption is not None else "")
    if "".join(text_of(figure).split()) != "".join(own.split()):
        return None
    block = table(tables[0], context) or {}
    markup = caption_markup(caption)
    if markup is not None:
        block["caption"] = markup
    align = alignment(figure)
    if align:
        block["align"] = align
    return block
