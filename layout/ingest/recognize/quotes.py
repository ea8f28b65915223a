"""Quotes: social posts (the blockquotes Twitter, Instagram and TikTok give publishers),
pull quotes in every WordPress form, and block quotes with their citation."""

from __future__ import annotations

from typing import Final

from lxml import etree

from layout.html.markup import drop_keeping_tail, inner_html, text_of
from layout.ingest.recognize.base import BlockData, Context, Element, alignment, classes

EMBED_CLASSES: Final = {
    "twitter-tweet": "twitter",
    "twitter-video": "twitter",
    "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
    "fb-xfbml-parse-ignore": "facebook",
    "bluesky-embed": "bluesky",
    "text-post-media": "threads",
    "reddit-embed-bq": "reddit",
}
_PULL_CLASSES: Final = frozenset({"wp-block-pullquote", "pullquote", "pull-quote", "pull"})


def social_post(quote: Element, context: Context) -> BlockData | None:
    found = next((EMBED_CLASSES[c] for c in classes(quote) if c in EMBED_CLASSES), None)
    if found is None:
        return None
    links = [a.get("href") for a in quote.iter("a") if a.get("href")]
    url = quote.get("cite") or (links[-1] if links else None)
    html = etree.tostring(quote, method="html", encoding="unicode", with_tail=False)
    return {"kind": "embed", "provider": found, "url": url, "html": html}


def pullquote(element: Element, context: Context) -> BlockData | None:
    """A pull quote: WordPress's figure (or, in older posts, blockquote) of that class, an
    ``aside`` or blockquote marked as one."""
    marked = bool(classes(element) & _PULL_CLASSES) or context.in_block("pullquote")
    if not marked or (element.tag == "aside" and not classes(element) & _PULL_CLASSES):
        return None
    inner = next(element.iter("blockquote"), None) if element.tag != "blockquote" else element
    if inner is not None and inner is not element and text_of(element) != text_of(inner):
        return None  # text beside the quote: keep it all as markup
    block = quote(inner if inner is not None else element, context)
    if block is None:
        return None
    block["pull"] = True
    align = alignment(element)
    if align:
        block["align"] = align
    return block


def quote(element: Element, context: Context) -> BlockData | None:
    """A block quote; a closing ``cite`` (WordPress's citation) is its attribution."""
    block: BlockData = {"kind": "quote"}
    cites = [child for child in element if child.tag == "cite"]
    if cites and (cites[-1].tail or "").strip() == "" and not len(cites[-1]):
        attribution = text_of(cites[-1])
        if attribution:
            block["attribution"] = attribution
            drop_keeping_tail(cites[-1])
    block["html"] = inner_html(element).strip()
    align = alignment(element)
    if align:
        block["align"] = align
    return block
