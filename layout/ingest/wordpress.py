"""WordPress post content: the block comments and editor marks made readable to the walk.

WordPress stores a post as HTML with its blocks delimited by comments
(``<!-- wp:embed {"url": ...} -->`` ... ``<!-- /wp:embed -->``, or ``<!-- wp:name /-->``
for a block WordPress renders itself) and marks the editor's teaser and page breaks with
``<!--more-->`` and ``<!--nextpage-->``. The sanitizer drops every comment, so before it
runs each delimiter pair becomes a ``div`` carrying the block's name and its JSON
attributes, and each mark an ``hr`` naming it: the walk then reads the block's own
attributes (the embed's URL and provider, an image's link) instead of guessing from the
markup. The attributes are read as data only and never reach a page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final

from lxml import etree

from layout.limits import document_problem

BLOCK_ATTRIBUTE: Final = "data-wp-block"
ATTRS_ATTRIBUTE: Final = "data-wp-attrs"
MARK_ATTRIBUTE: Final = "data-wp-mark"
WORDPRESS_ATTRIBUTES: Final = (BLOCK_ATTRIBUTE, ATTRS_ATTRIBUTE, MARK_ATTRIBUTE, "data-wp-void")

# The block delimiter of WordPress's block grammar: an optional closer's slash, the name
# (``core/`` is implied when there is no namespace), JSON attributes, a void block's slash.
_DELIMITER: Final = re.compile(
    r"<!--\s+(?P<close>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
_MARK: Final = re.compile(r"<!--(?P<mark>more|nextpage|noteaser)(?:\s[^>]*?)?-->")
# Blocks that only ever sit inside a list: a wrapper there would break the list.
_IN_LISTS: Final = frozenset({"list-item", "social-link"})


@dataclass(frozen=True)
class WordPressBlock:
    """A block as the block comment describes it: its name and its attributes."""

    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    void: bool = False

    def text(self, key: str) -> str | None:
        value = self.attrs.get(key)
        return value if isinstance(value, str) and value.strip() else None


def has_block_markup(html: str) -> bool:
    return "<!--" in html and ("wp:" in html or "<!--more" in html or "<!--nextpage" in html)


def mark_blocks(html: str) -> str:
    """Block comments as wrapper elements, editor marks as marked rules (see the module)."""
    if not has_block_markup(html):
        return html
    html = _DELIMITER.sub(_delimiter, html)
    return _MARK.sub(lambda mark: f'<hr {MARK_ATTRIBUTE}="{mark.group("mark")}">', html)


def _delimiter(match: re.Match[str]) -> str:
    name = match.group("name").removeprefix("core/")
    if name.startswith("social-link") and name != "social-links":
        name = "social-link"
    if name in _IN_LISTS and match.group("void") is None:
        return ""
    if match.group("close"):
        return "</div>"
    attrs = (match.group("attrs") or "").strip()
    opening = f'<div {BLOCK_ATTRIBUTE}="{escape(name)}"'
    if attrs:
        opening += f' {ATTRS_ATTRIBUTE}="{escape(attrs)}"'
    if match.group("void"):
        if name in _IN_LISTS:
            return f"<li>{opening} data-wp-void=\"\"></div></li>"
        return f'{opening} data-wp-void=""></div>'
    return opening + ">"


def block_of(element: etree._Element) -> WordPressBlock | None:
    """The block a wrapper element stands for, or None for any other element."""
    name = element.get(BLOCK_ATTRIBUTE)
    if name is None:
        return None
    attrs = _attributes(element.get(ATTRS_ATTRIBUTE))
    return WordPressBlock(name, attrs, "data-wp-void" in element.attrib)


def _attributes(text: str | None) -> dict[str, Any]:
    """A block's JSON attributes; attributes that are not a JSON object, or too deep or
    large to read, count as none (the block's markup still says what it is)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(value, dict) or document_problem(value) is not None:
        return {}
    return value


def strip_wordpress_attributes(element: etree._Element) -> None:
    """Remove the walk's WordPress attributes from an element and what it holds (markup
    kept as raw html never shows them)."""
    for node in element.iter():
        if isinstance(node.tag, str):
            for name in WORDPRESS_ATTRIBUTES:
                if name in node.attrib:
                    del node.attrib[name]
