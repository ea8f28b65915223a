"""Links that stand alone: an editor's related-article link (a paragraph that is one link)
becomes a card; buttons and file downloads stay links in a paragraph (they are calls to
act and files, not articles)."""

from __future__ import annotations

from typing import Final

from layout.html.frames import FRAME_LINK_CLASS
from layout.html.markup import inner_html, text_of
from layout.html.repair import clean_inline_html
from layout.ingest.recognize.base import (
    BlockData,
    Context,
    Element,
    alignment,
    classes,
    element_children,
    holds_media,
)

_ACTION_CLASSES: Final = frozenset(
    {"wp-block-buttons", "wp-block-button", "wp-block-file", "wp-block-button__link",
     "wp-block-file__button", "button", "btn"}
)


def actions(element: Element, context: Context) -> BlockData | None:
    """WordPress's buttons and file blocks: their links as one paragraph."""
    if not classes(element) & _ACTION_CLASSES and not context.in_block("buttons", "button", "file"):
        return None
    links = list(element.iter("a"))
    if not links or not text_of(element) or holds_media(element):
        return None
    parts = [clean_inline_html(_link_markup(link), limits=None) for link in links if text_of(link)]
    linked = "".join(text_of(link) for link in links)
    if linked.replace(" ", "") != text_of(element).replace(" ", ""):
        return None  # text beside the links: a paragraph of its own reads it
    block: BlockData = {"kind": "paragraph", "html": " ".join(parts)}
    align = alignment(element)
    if align:
        block["align"] = align
    return block


def _link_markup(link: Element) -> str:
    href = link.get("href")
    inner = inner_html(link)
    if not href:
        return f"<span>{inner}</span>"
    return f'<a href="{_attribute(href)}">{inner}</a>'


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


def related_link(element: Element, context: Context) -> BlockData | None:
    """A paragraph that is one link and nothing else is a related-link card (not a
    download, a button, or the stand-in for a frame of an unknown origin)."""
    if not len(element):
        return None
    children = element_children(element)
    if len(children) != 1 or children[0].tag != "a" or (element.text or "").strip():
        return None
    link = children[0]
    if (link.tail or "").strip() or not link.get("href") or len(link):
        return None
    if FRAME_LINK_CLASS in classes(link) or classes(link) & _ACTION_CLASSES:
        return None
    if "download" in link.attrib or _is_file(link.get("href", "")):
        return None
    title = text_of(link)
    return {"kind": "related", "url": link.get("href"), "title": title} if title else None


_FILE_SUFFIXES: Final = (".pdf", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".ppt",
                         ".pptx", ".mp3", ".mp4", ".epub", ".txt", ".js")


def _is_file(href: str) -> bool:
    path = href.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(_FILE_SUFFIXES)
