"""WordPress blocks read from their comment alone: blocks WordPress renders itself when it
shows a post (latest posts, archives, a search form), which leave nothing in the stored
content, and the social links list, whose links are in the attributes only."""

from __future__ import annotations

from html import escape

from layout.html.markup import text_of
from layout.html.sanitize import is_web_url
from layout.ingest.recognize.base import BlockData, Context, Element, Found
from layout.ingest.wordpress import block_of


def social_links(element: Element, context: Context) -> Found:
    """``<ul class="wp-block-social-links">`` of void ``social-link`` blocks: a list of
    links named by their service."""
    if "wp-block-social-links" not in element.get("class", "").split():
        return None
    items = []
    for wrapper in element.iter("div"):
        block = block_of(wrapper)
        url = block.text("url") if block is not None else None
        if block is None or url is None or not is_web_url(url):
            continue
        service = block.text("service") or "link"
        label = escape(block.text("label") or service.replace("-", " ").title())
        items.append(f'<a href="{escape(url)}">{label}</a>')
    if not items or text_of(element):
        return None  # links WordPress already wrote out (or text beside them): the list rule
    return {"kind": "list", "ordered": False, "items": items}


def dynamic_block(element: Element, context: Context) -> list[BlockData] | None:
    """A void block (``<!-- wp:latest-posts /-->``): reported, since only WordPress can
    render it; it held no content here, so nothing is lost."""
    block = block_of(element)
    if block is None or not block.void or len(element) or text_of(element):
        return None
    if block.name != "social-link":
        context.report("dynamic-block", f"the block {block.name} is rendered by WordPress")
    return []
