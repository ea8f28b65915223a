"""lxml fragment helpers: parse a sanitized fragment, serialize parts of it, read its text.

The parser is lxml's plain ``etree.HTMLParser``, not ``lxml.html``'s: the latter builds every
element through a Python class lookup, which costs more than the parse itself on a long
body, and nothing here needs its element methods.
"""

from __future__ import annotations

from html import escape

from lxml import etree

Element = etree._Element



def parse_fragment(html: str, parent: str = "div") -> Element:
    """The fragment's nodes under a new ``parent`` element (like lxml.html's
    ``fragment_fromstring(create_parent=...)``; whitespace-only leading text is dropped)."""
    root = etree.Element(parent)
    # A parser of its own each time (it costs under a microsecond): lxml locks a parser
    # while it parses, so one shared parser would make render threads take turns.
    parser = etree.HTMLParser(huge_tree=True, collect_ids=False)  # no id lookups here
    document = etree.fromstring(f"<html><body>{html}</body></html>", parser)
    body = document.find("body") if document is not None else None
    if body is not None:
        if body.text and body.text.strip():
            root.text = body.text
        root.extend(body)
    return root


def inner_html(element: Element) -> str:
    """The markup inside an element, as lxml serializes it.

    An element without attributes is serialized whole, in one call, and its own tags cut
    off: they are exactly ``<tag>`` and ``</tag>`` then (with attributes the start tag's
    end cannot be found by a search: lxml leaves ``>`` raw in a URL attribute).
    """
    tag = element.tag
    if not element.attrib and isinstance(tag, str):
        whole = etree.tostring(element, method="html", encoding="unicode", with_tail=False)
        start, end = f"<{tag}>", f"</{tag}>"
        if whole.startswith(start) and whole.endswith(end):
            return whole[len(start):-len(end)]
    parts = [escape(element.text, quote=False)] if element.text else []
    parts.extend(etree.tostring(child, method="html", encoding="unicode") for child in element)
    return "".join(parts)


def outer_html(element: Element) -> str:
    return etree.tostring(element, method="html", encoding="unicode", with_tail=False)


def text_of(element: Element) -> str:
    """The element's text with runs of whitespace collapsed (lxml's text serializer: one
    call in C instead of a Python join over the text nodes)."""
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return " ".join(text.split())


def has_text(element: Element) -> bool:
    """Whether the element holds any text but whitespace (``text_of`` is not empty)."""
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return bool(text) and not text.isspace()


def markup_text(html: str) -> str:
    """The text of a markup string, whitespace collapsed."""
    if not html.strip():
        return ""
    return text_of(parse_fragment(html, "span"))


def drop_keeping_tail(element: Element) -> None:
    """Remove an element; the text after it stays where it was."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


class DepthProbe:
    """Whether a tree nests deeper than ``limit``: one XPath test in C (the common case),
    compiled once for its limit; the exact depth only when it does."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._deeper = etree.XPath("boolean(" + "/".join(["*"] * limit) + ")")

    def over(self, root: Element) -> int | None:
        """The tree's nesting depth when it is over the limit, else None."""
        return nesting_depth(root) if self._deeper(root) else None


def nesting_depth(root: Element) -> int:
    """The deepest element nesting in the tree, counted without recursion."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest
