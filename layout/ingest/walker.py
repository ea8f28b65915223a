"""The walk over a sanitized body: wrappers unwrapped, loose inline content gathered into
paragraphs, and each block-level element given to the recognizers (``recognize``)."""

from __future__ import annotations

from html import escape
from typing import Any

from lxml import etree

from layout.html.elements import PHRASING
from layout.html.markup import has_text, inner_html, outer_html
from layout.ingest.recognize import RECOGNIZERS, Context, RecognizerTable
from layout.ingest.recognize.base import BlockData, alignment, as_list
from layout.ingest.recognize.images import image_block
from layout.ingest.recognize.text import raw_markup
from layout.ingest.wordpress import BLOCK_ATTRIBUTE, WordPressBlock, block_of
from layout.measure.text import BlockText, element_text

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

    def __init__(self, recognizers: RecognizerTable = RECOGNIZERS) -> None:
        self.found: list[BlockData] = []
        self.reports: list[dict[str, Any]] = []
        # The measured text of paragraphs written from an element, by their markup: read
        # while the element is at hand (``measure.text.element_text``).
        self.texts: dict[str, BlockText] = {}
        self._recognizers = recognizers
        self._inline: list[str] = []
        self._has_text = False
        self._images: list[etree._Element] = []
        self._mixed: set[etree._Element] = set()
        self._wordpress: WordPressBlock | None = None
        self._context = self._make_context()

    def _make_context(self) -> Context:
        return Context(self._wordpress, self._walk_part, self._report)

    def _report(self, code: str, message: str) -> None:
        self.reports.append({"code": code, "block": len(self.found), "message": message})

    def _walk_part(self, element: etree._Element) -> list[BlockData]:
        """The blocks of a part of an element (a cover's text), in this walk's context."""
        self._flush()
        start = len(self.found)
        self._children(element)
        self._flush()
        return [self.found.pop(start) for _ in range(len(self.found) - start)]

    def _phrasing_only(self, element: etree._Element) -> bool:
        """``is_phrasing_only``, remembered: once an element is found to hold a block,
        every element between the two is known to hold it too, so a deep chain of inline
        wrappers around a block is scanned once, not once a level (which made a walk
        cost its size times its depth)."""
        if not len(element):
            return True
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
        """Every block of the tree under ``root``. The walk is the walker's only one: at its
        end the walker lets go of the tree's elements and of its context, whose callbacks
        refer back to it, so the parsed body is freed as soon as ingest returns instead of
        at the garbage collector's next pass."""
        try:
            self._children(root)
            self._flush()
            return self.found
        finally:
            self._mixed.clear()
            self._images.clear()
            del self._context

    def _add_text(self, text: str | None) -> None:
        if not text:
            return
        if text.isspace():
            if self._inline:  # white space at a run's start is stripped with its ends
                self._inline.append(escape(text, quote=False))
            return
        self._inline.append(escape(text, quote=False))
        self._has_text = True

    def _add_markup(self, markup: str, source: etree._Element,
                    holds_text: bool | None = None) -> None:
        """``markup`` written from ``source``; ``holds_text`` when the caller knows
        whether it has text (else it is read off the element)."""
        self._inline.append(markup)
        if not self._has_text:
            self._has_text = has_text(source) if holds_text is None else holds_text
        if len(source):
            self._images.extend(source.iter("img"))
        elif source.tag == "img":
            self._images.append(source)

    def _children(self, container: etree._Element) -> None:
        self._add_text(container.text)
        for child in container:
            tag = child.tag  # lxml makes a new string at each read
            if not isinstance(tag, str):
                continue
            if tag in PHRASING and self._phrasing_only(child):
                self._add_markup(outer_html(child), child)
            else:
                if self._inline:
                    self._flush()
                self._element(child)
            tail = child.tail
            if tail:
                self._add_text(tail)

    def _flush(self) -> None:
        if not self._inline:
            return
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
        """One block-level element: the first recognizer's blocks, a paragraph, raw
        markup, or a wrapper unwrapped in place. A WordPress block's wrapper is walked
        like any wrapper, with its block as the context its content is recognised in.
        The recursion is two frames a level (this and ``_children``), which is what
        MAX_SUPPORTED_DEPTH counts on: everything is done in this frame."""
        tag = element.tag
        wordpress = element.get(BLOCK_ATTRIBUTE) is not None
        outer = self._wordpress
        if wordpress:
            self._set_wordpress(block_of(element))
        try:
            recognized = self._recognizers.recognize(element, self._context)
            if recognized is not None:
                self.found.extend(as_list(recognized[1]))
            elif tag == "p" or (tag not in PHRASING and tag in _WRAPPERS
                                and self._phrasing_only(element)):
                self._paragraph(element)
            elif tag not in _WRAPPERS and tag not in PHRASING:
                self.found.append(raw_markup(element))
            else:
                self._children(element)
                self._flush()
        finally:
            if wordpress:
                self._set_wordpress(outer)

    def _set_wordpress(self, block: WordPressBlock | None) -> None:
        self._wordpress = block
        self._context = self._make_context()

    def _paragraph(self, element: etree._Element) -> None:
        """A paragraph of phrasing content: one block (its images, when it has no text),
        written at once; else its content is walked as any wrapper's. Nothing is pending
        here (``_children`` has flushed the run before the element)."""
        if not self._phrasing_only(element):
            self._children(element)
            self._flush()
            return
        assert not self._inline, "a paragraph starts after the run before it is flushed"
        html = inner_html(element).strip()
        if not html:
            return
        text = element_text(element)
        if not (has_text(element) if text is None else text[1] > 0):
            self.found.extend(image_block(img) for img in element.iter("img"))
            return
        block: BlockData = {"kind": "paragraph", "html": html}
        align = alignment(element)
        if align:
            block["align"] = align
        self.found.append(block)
        if text is not None:
            self.texts[html] = text
