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

# The inside of a block delimiter comment in WordPress's block grammar: an optional
# closer's slash, the name (``core/`` is implied when there is no namespace), JSON
# attributes, a void block's slash. Matched against one comment's text at a time.
_DELIMITER: Final = re.compile(
    r"\s+(?P<close>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*\}\s+)?(?P<void>/)?",
    re.DOTALL,
)
_MARK: Final = re.compile(r"(?P<mark>more|nextpage|noteaser)(?:\s.*)?", re.DOTALL)
# The walk's own attributes, should the input's tags carry them: renamed out of the
# allowlist. A tag is read as the HTML tokenizer reads it (a quoted value may hold ">"), and
# text outside tags is left as it is (an article may show "data-wp-block" as text).
_FORGED: Final = re.compile(r"data-wp-", re.IGNORECASE)
# Its middle in any case: a search that starts from a literal character is many times
# faster than a case-blind one, and most bodies do not have it at all.
_FORGED_MIDDLE: Final = re.compile(r"-[wW][pP]-")
_TAG: Final = re.compile(r"""<[A-Za-z](?:[^<>"']|"[^"]*"|'[^']*')*>?""")
# Start and end tags alike, for telling a comment from "<!--" in an attribute's value.
_ANY_TAG: Final = re.compile(r"""</?[A-Za-z](?:[^<>"']|"[^"]*"|'[^']*')*>?""")
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


_CAPTION_OPEN: Final = "[caption"
_CAPTION_CLOSE: Final = "[/caption]"
_CAPTION_ATTRS: Final = re.compile(r"\[caption\b([^\]]{0,500})\]")
_CAPTIONED_IMAGE: Final = re.compile(
    r"\s*(?:<a\b[^>]{0,2000}>\s*)?<img\b[^>]{0,4000}>(?:\s*</a>)?", re.IGNORECASE
)
_ALIGN_WORD: Final = re.compile(r"\balign\s*=\s*[\"']?(align(?:left|right|center|none))")


def expand_captions(html: str) -> str:
    """The classic editor's ``[caption ...]<img ...> Text[/caption]`` as the figure
    WordPress shows for it: the image, then the text as its caption. Read with plain
    searches, so a post full of unclosed shortcodes costs one pass."""
    if _CAPTION_OPEN not in html:
        return html
    parts: list[str] = []
    position, end = 0, -1
    while True:
        start = html.find(_CAPTION_OPEN, position)
        if start < 0:
            break
        if end < start:  # the next close after this opening (searched for once)
            end = html.find(_CAPTION_CLOSE, start)
            if end < 0:
                break
        opening = _CAPTION_ATTRS.match(html, start)
        if opening is None or opening.end() > end:
            parts.append(html[position:start + 1])
            position = start + 1
            continue
        inner = html[opening.end():end]
        image = _CAPTIONED_IMAGE.match(inner)
        if image is None:
            parts.append(html[position:end + len(_CAPTION_CLOSE)])
        else:
            align = _ALIGN_WORD.search(opening.group(1))
            classes = "wp-caption" + (f" {align.group(1)}" if align else "")
            parts.append(html[position:start])
            parts.append(f'<figure class="{classes}">{image.group(0)}'
                         f"<figcaption>{inner[image.end():]}</figcaption></figure>")
        position = end + len(_CAPTION_CLOSE)
    parts.append(html[position:])
    return "".join(parts)


def has_block_markup(html: str) -> bool:
    return "<!--" in html and ("wp:" in html or "<!--more" in html or "<!--nextpage" in html)


def mark_blocks(html: str) -> str:
    """Block comments as wrapper elements, editor marks as marked rules (see the module),
    caption shortcodes as figures. Attributes of the input that look like the walk's own
    are renamed first, so only the comments can give a block its attributes."""
    if _FORGED_MIDDLE.search(html) and _FORGED.search(html):
        html = _TAG.sub(lambda tag: _FORGED.sub("data-source-wp-", tag.group(0)), html)
    html = expand_captions(html)
    if not has_block_markup(html):
        return html
    return _comments(html)


def _comments(html: str) -> str:
    """Every comment read once, from ``<!--`` to its ``-->``: a block delimiter or an
    editor's mark is replaced, any other comment kept for the sanitizer to drop. A
    ``<!--`` inside a tag (an attribute's value) is no comment, and stays as it is."""
    parts: list[str] = []
    position = 0
    while (start := html.find("<!--", position)) >= 0:
        tag_end = _tag_holding(html, position, start)
        if tag_end is not None:
            parts.append(html[position:tag_end])
            position = tag_end
            continue
        end = html.find("-->", start + 4)
        if end < 0:
            break
        body = html[start + 4:end]
        parts.append(html[position:start])
        parts.append(_replacement(body) or html[start:end + 3])
        position = end + 3
    parts.append(html[position:])
    return "".join(parts)


def _tag_holding(html: str, position: int, start: int) -> int | None:
    """The end of the tag that holds ``start``, read from ``position`` (outside any tag)
    as the HTML tokenizer reads tags; None when ``start`` is outside every tag. Each tag
    is read once in all, since the scan only moves forward."""
    while (opening := html.find("<", position, start)) >= 0:
        tag = _ANY_TAG.match(html, opening)
        if tag is None:
            position = opening + 1
        elif tag.end() > start:
            return tag.end()
        else:
            position = tag.end()
    return None


def _replacement(body: str) -> str | None:
    delimiter = _DELIMITER.fullmatch(body)
    if delimiter is not None:
        return _delimiter(delimiter)
    mark = _MARK.fullmatch(body)
    if mark is not None:
        return f'<hr {MARK_ATTRIBUTE}="{mark.group("mark")}">'
    return None


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
