"""Block data from elements of a sanitized body: one builder per kind (figure, image,
heading, related card, quote, list, frame embed), each a function of its element alone.

Each answers a dict for ``article_from_data``; a case that does not fit its kind cleanly
becomes raw html, so no text is dropped.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from layout.html.frames import FRAME_LINK_CLASS
from layout.html.markup import drop_keeping_tail, inner_html, outer_html, text_of
from layout.html.providers import frame_provider
from layout.html.repair import clean_inline_html
from layout.html.sanitize import PHRASING
from layout.html.values import ascii_int
from layout.ingest.embeds import video_from_iframe

BlockData = dict[str, Any]
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src")


def is_phrasing_only(element: etree._Element) -> bool:
    """True when every descendant element is phrasing content (valid inside a <p>)."""
    return all(child.tag in PHRASING for child in element.iterdescendants())


def figure_block(element: etree._Element) -> BlockData:
    """A figure: an image block, a video, or raw html when it is anything more."""
    figure = figure_image_block(element)
    if figure is not None:
        return figure
    frames = list(element.iter("iframe"))
    alone = len(frames) == 1 and next(element.iter("img"), None) is None
    if alone and not text_of(element):
        video = video_from_iframe(frames[0])
        if video is not None:
            return video
    return {"kind": "html", "html": outer_html(element)}


def frame_embed_block(iframe: etree._Element) -> BlockData:
    found = frame_provider(iframe.get("src", ""))
    provider = found.provider.name if found is not None else "frame"
    html = outer_html(iframe)
    return {"kind": "embed", "provider": provider, "url": iframe.get("src"), "html": html}


def heading_block(element: etree._Element) -> BlockData:
    html = inner_html(element)
    if not is_phrasing_only(element):
        html = clean_inline_html(html, limits=None)  # a subtree of the checked body
    return {"kind": "heading", "level": HEADINGS[element.tag], "html": html.strip()}


def related_block(element: etree._Element) -> BlockData | None:
    """A paragraph that is one link and nothing else is a related-link card."""
    children = [child for child in element if isinstance(child.tag, str)]
    if len(children) != 1 or children[0].tag != "a" or (element.text or "").strip():
        return None
    link = children[0]
    if (link.tail or "").strip() or not link.get("href") or len(link):
        return None
    if FRAME_LINK_CLASS in link.get("class", "").split():
        return None  # it stands for a frame of an unknown origin, not an editor's link
    title = text_of(link)
    return {"kind": "related", "url": link.get("href"), "title": title} if title else None


def image_block(img: etree._Element) -> BlockData:
    src = img.get("src")
    if not src or src.startswith("data:"):
        src = next((img.get(name) for name in LAZY_SOURCES if img.get(name)), src)
    return {
        "kind": "image",
        "src": src or None,
        "alt": img.get("alt", ""),
        "width": _dimension(img.get("width")),
        "height": _dimension(img.get("height")),
    }


def _dimension(value: str | None) -> int | None:
    number = ascii_int(value, maximum=100_000)
    return number if number else None


def figure_image_block(figure: etree._Element) -> BlockData | None:
    """A figure of one image and an optional caption; anything more stays raw html."""
    images = list(figure.iter("img"))
    if len(images) != 1 or next(figure.iter("iframe"), None) is not None:
        return None
    caption_element = next(figure.iter("figcaption"), None)
    caption_text = text_of(caption_element) if caption_element is not None else ""
    if text_of(figure) != caption_text:
        return None
    block = image_block(images[0])
    if caption_element is not None and caption_text:
        credit = next(
            (el for el in caption_element.iter() if "credit" in el.get("class", "")), None
        )
        if credit is not None and credit is not caption_element:
            block["credit"] = text_of(credit)
            drop_keeping_tail(credit)
        html = clean_inline_html(inner_html(caption_element), limits=None)  # checked body
        html = html.strip()
        block["caption"] = html or None
    return block


def quote_block(element: etree._Element) -> BlockData:
    pull = "pull" in element.get("class", "")
    return {"kind": "quote", "html": inner_html(element).strip(), "pull": pull}


def list_block(element: etree._Element) -> BlockData:
    items = [child for child in element if isinstance(child.tag, str)]
    loose_text = (element.text or "").strip() or any((li.tail or "").strip() for li in items)
    if loose_text or any(li.tag != "li" for li in items):
        return {"kind": "html", "html": outer_html(element)}
    return {
        "kind": "list",
        "ordered": element.tag == "ol",
        "items": [inner_html(li).strip() for li in items],
    }
