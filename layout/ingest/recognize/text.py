"""Text blocks: headings, lists, preformatted text and code, rules and the editor's marks."""

from __future__ import annotations

import re
from typing import Final

from layout.html.elements import PHRASING
from layout.html.markup import inner_html, outer_html
from layout.html.repair import clean_inline_html
from layout.ingest.recognize.base import (
    BlockData,
    Context,
    Element,
    Found,
    alignment,
    classes,
    element_children,
)
from layout.ingest.wordpress import MARK_ATTRIBUTE

HEADINGS: Final = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# The block that stands for the editor's teaser mark until ingest reads it off.
TEASER_MARK: Final = "teaser-mark"
_LANGUAGE: Final = re.compile(r"^(?:language|lang)-([A-Za-z0-9_+#.\-]{1,40})$")


# Phrasing content as text blocks hold it: iframes too (the frame policy has kept only
# known players, which become click-to-load cards in the block's markup).
_TEXT_CONTENT: Final = PHRASING | {"iframe"}


def is_phrasing_only(element: Element) -> bool:
    """True when every descendant element is phrasing content (valid inside a <p>)."""
    return all(child.tag in PHRASING for child in element.iterdescendants())


def phrasing_markup(element: Element) -> str:
    """The element's content as phrasing markup: as it is when it is phrasing already
    (a subtree of the sanitized body), else flattened by the inline cleaner."""
    html = inner_html(element)
    if all(child.tag in _TEXT_CONTENT for child in element.iterdescendants()):
        return html
    return clean_inline_html(html, limits=None)  # a subtree of the checked body


def heading(element: Element, context: Context) -> BlockData | None:
    html = phrasing_markup(element)
    block: BlockData = {"kind": "heading", "level": HEADINGS[element.tag], "html": html.strip()}
    align = alignment(element)
    if align:
        block["align"] = align
    return block


def listing(element: Element, context: Context) -> BlockData | None:
    """A list of items; a list with loose text or other children stays markup."""
    items = element_children(element)
    loose_text = (element.text or "").strip() or any((li.tail or "").strip() for li in items)
    if loose_text or any(li.tag != "li" for li in items):
        return None
    return {
        "kind": "list",
        "ordered": element.tag == "ol",
        "items": [inner_html(li).strip() for li in items],
    }


def preformatted(element: Element, context: Context) -> BlockData | None:
    """``pre``: verse (WordPress's verse block), code (a lone ``code`` inside, or
    WordPress's code block) or preformatted text; its markup flattened to phrasing."""
    children = element_children(element)
    code = children[0] if len(children) == 1 and children[0].tag == "code" else None
    if code is not None and ((element.text or "").strip() or (code.tail or "").strip()):
        code = None  # text beside the code: the whole is preformatted text
    names = classes(element)
    variant = "pre"
    if "wp-block-verse" in names:
        variant = "verse"
    elif code is not None or "wp-block-code" in names:
        variant = "code"
    source = code if code is not None else element
    html = phrasing_markup(source)
    block: BlockData = {"kind": "preformatted", "variant": variant, "html": html.strip("\n")}
    language = _language(source) or _language(element)
    if variant == "code" and language:
        block["language"] = language
    return block


def _language(element: Element) -> str | None:
    for name in classes(element):
        found = _LANGUAGE.match(name)
        if found:
            return found.group(1)
    return None


def rule_or_mark(element: Element, context: Context) -> Found:
    """``hr``: a divider; WordPress's marks: a page break, or the teaser's end."""
    mark = element.get(MARK_ATTRIBUTE)
    if mark == "nextpage":
        return {"kind": "pagebreak"}
    if mark == "more":
        return {"kind": TEASER_MARK}
    if mark is not None:
        return []  # <!--noteaser-->: a display setting of WordPress's, nothing to show
    return {"kind": "divider"}


def raw_markup(element: Element) -> BlockData:
    """Markup no rule reads: kept, sanitized, as a raw block (never dropped); the walk's
    WordPress attributes go with the rest of the kept markup (``kept_markup``)."""
    return {"kind": "html", "html": outer_html(element)}
