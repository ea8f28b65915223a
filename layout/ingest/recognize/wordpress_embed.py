"""A WordPress embed: the URL a reader would visit, as text in
``figure.wp-block-embed > div.wp-block-embed__wrapper``, the provider in the block
comment. WordPress turns it into the provider's player when it shows the post; here a video
or audio URL becomes that player's card and any other URL an embed card linking to it, so
the reader never gets the bare URL as a paragraph."""

from __future__ import annotations

from layout.html.markup import text_of
from layout.html.sanitize import is_web_url
from layout.ingest.media_urls import media_page, player_block
from layout.ingest.recognize.base import BlockData, Context, Element, classes, holds_media
from layout.ingest.recognize.captions import caption_markup, figcaption_of


def wordpress_embed(element: Element, context: Context) -> BlockData | None:
    if not _is_embed(element, context):
        return None
    wrapper = next(
        (el for el in element.iter() if "wp-block-embed__wrapper" in classes(el)), None
    )
    url = (context.wordpress.text("url") if context.wordpress else None) or (
        text_of(wrapper) if wrapper is not None else ""
    )
    if not url or " " in url or not is_web_url(url) or holds_media(element):
        return None  # a player's markup (the frame rules read it) or not one URL
    figcaption = figcaption_of(element)
    shown = (text_of(wrapper) if wrapper is not None else "") + (
        text_of(figcaption) if figcaption is not None else "")
    if "".join(text_of(element).split()) != "".join(shown.split()):
        return None  # more than the URL and its caption: the walk reads the rest
    block = _from_url(url, context)
    caption = caption_markup(figcaption)
    if caption is not None:
        block["caption"] = caption
    return block


def _is_embed(element: Element, context: Context) -> bool:
    name = context.wordpress.name if context.wordpress is not None else ""
    by_comment = name == "embed" or name.startswith("core-embed/")
    return by_comment or "wp-block-embed" in classes(element)


def _from_url(url: str, context: Context) -> BlockData:
    player = player_block(url)
    if player is not None:
        return player
    page = media_page(url)
    slug = context.wordpress.text("providerNameSlug") if context.wordpress else None
    provider = page.provider if page is not None else (slug or "link")
    return {"kind": "embed", "provider": _provider_name(provider), "url": url, "html": ""}


def _provider_name(slug: str) -> str:
    """A provider slug as a class-safe name ("wordpress-tv"), "link" when it is none."""
    name = "".join(ch if ch.isalnum() else "-" for ch in slug.lower()).strip("-")
    return name[:40] or "link"
