"""The walk over a sanitized body: wrappers unwrapped, loose inline content gathered into
paragraphs, and each element given to the builder of its kind (``blocks``)."""

from __future__ import annotations

from html import escape

from lxml import etree

from layout.html.markup import inner_html, outer_html, text_of
from layout.html.sanitize import PHRASING
from layout.ingest.blocks import (
    HEADINGS,
    BlockData,
    figure_block,
    frame_embed_block,
    heading_block,
    image_block,
    list_block,
    quote_block,
    related_block,
)
from layout.ingest.embeds import embed_from_blockquote, video_from_iframe

_WRAPPERS = frozenset(
    [
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "hgroup",
        "address",
        "details",
        "summary",
        "center",
        "body",
        "html",
        "span",
        "a",
        "b",
        "i",
        "em",
        "strong",
        "small",
        "font",
    ]
)


class Walker:
    """Walks a sanitized tree and collects block data in reading order.

    Loose inline content is collected as markup until a block element ends the run; the
    walker remembers whether the run has text and which images it holds, so a run never
    has to be parsed again. Blocks go straight into one list: wrappers nest deeply in real
    bodies, and a chain of generators would pass every block up through each level.
    """

    def __init__(self) -> None:
        self.found: list[BlockData] = []
        self._inline: list[str] = []
        self._has_text = False
        self._images: list[etree._Element] = []
        self._mixed: set[etree._Element] = set()

    def _phrasing_only(self, element: etree._Element) -> bool:
        """``is_phrasing_only``, remembered: once an element is found to hold a block,
        every element between the two is known to hold it too, so a deep chain of inline
        wrappers around a block is scanned once, not once a level (which made a walk
        cost its size times its depth)."""
        if element in self._mixed:
            return False
        for descendant in element.iterdescendants():
            if descendant.tag not in PHRASING:
                for ancestor in descendant.iterancestors():
                    self._mixed.add(ancestor)
                    if ancestor is element:
                        break
                return False
        return True

    def walk(self, root: etree._Element) -> list[BlockData]:
        """Every block of the tree under ``root``."""
        self._children(root)
        self._flush()
        return self.found

    def _add_text(self, text: str | None) -> None:
        if text:
            self._inline.append(escape(text, quote=False))
            self._has_text = self._has_text or not text.isspace()

    def _add_markup(self, markup: str, source: etree._Element) -> None:
        self._inline.append(markup)
        self._has_text = self._has_text or bool(text_of(source))
        self._images.extend(source.iter("img"))

    def _children(self, container: etree._Element) -> None:
        self._add_text(container.text)
        for child in container:
            if not isinstance(child.tag, str):
                continue
            if child.tag in PHRASING and self._phrasing_only(child):
                self._add_markup(outer_html(child), child)
            else:
                self._flush()
                self._element(child)
            self._add_text(child.tail)

    def _flush(self) -> None:
        html = "".join(self._inline).strip()
        has_text, images = self._has_text, self._images
        self._inline, self._has_text, self._images = [], False, []
        if not html:
            return
        if has_text:
            self.found.append({"kind": "paragraph", "html": html})
        else:
            self.found.extend(image_block(img) for img in images)

    def _element(self, element: etree._Element) -> None:
        tag = element.tag
        found = self.found
        if tag == "p":
            self._paragraph(element)
        elif tag in HEADINGS:
            found.append(heading_block(element))
        elif tag == "figure":
            found.append(figure_block(element))
        elif tag == "img":
            found.append(image_block(element))
        elif tag == "iframe":
            # Only known providers' frames are left (frames.vet_frames): a video player
            # becomes a video card, any other provider's frame an embed.
            found.append(video_from_iframe(element) or frame_embed_block(element))
        elif tag == "blockquote":
            found.append(embed_from_blockquote(element) or quote_block(element))
        elif tag in ("ul", "ol"):
            found.append(list_block(element))
        elif tag == "table":
            found.append({"kind": "table", "html": outer_html(element)})
        elif tag == "hr":
            found.append({"kind": "divider"})
        elif tag not in _WRAPPERS and tag not in PHRASING:
            found.append({"kind": "html", "html": outer_html(element)})
        elif tag not in PHRASING and self._phrasing_only(element):
            self._paragraph(element)
        else:
            # A wrapper: unwrapped in place. The recursion is two frames a level (this
            # and ``_children``), which is what MAX_SUPPORTED_DEPTH counts on.
            self._children(element)
            self._flush()

    def _paragraph(self, element: etree._Element) -> None:
        if not self._phrasing_only(element):
            self._children(element)
            self._flush()
            return
        related = related_block(element)
        if related is not None:
            self.found.append(related)
            return
        self._add_markup(inner_html(element), element)
        self._flush()
