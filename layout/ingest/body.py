"""Body HTML -> top-level blocks.

The fragment is sanitized once with nh3, parsed with lxml, and walked from the top:
wrappers (div, section, article, main, ...) are unwrapped, recognised elements become typed
blocks, loose inline content between blocks becomes paragraphs, and anything else becomes a
sanitized raw-html block. Text is never dropped: a case that does not fit a typed block
cleanly falls back to raw html.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from lxml import etree

from layout.article import Article, article_from_data
from layout.html.frames import FRAME_LINK_CLASS, cards_in_markup
from layout.html.markup import (
    depth_over,
    drop_keeping_tail,
    inner_html,
    markup_text,
    outer_html,
    parse_fragment,
    text_of,
)
from layout.html.providers import embed_from_blockquote, frame_provider, video_from_iframe
from layout.html.repair import clean_inline_html, repair_tree
from layout.html.sanitize import (
    PHRASING,
    MarkupTooDeep,
    clean_body,
    scrub,
    strip_controls,
)
from layout.html.values import ascii_int
from layout.limits import DEFAULT_LIMITS, MAX_SUPPORTED_DEPTH, Limits, over_limit

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
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src")
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

BlockData = dict[str, Any]


def ingest_html(
    html: str, meta: dict[str, Any], *, default_id: str, limits: Limits = DEFAULT_LIMITS
) -> Article:
    """Turn a body fragment plus metadata into an :class:`Article`."""
    html = strip_controls(html)
    size = len(html.encode("utf-8"))
    if size > limits.max_html_bytes:
        raise over_limit(default_id, "the body size in bytes", size, limits.max_html_bytes)
    meta = _clean_meta(scrub(meta), default_id, limits)
    root = _sanitized_tree(html, default_id, limits)
    repair_tree(root)
    blocks = [_with_frame_cards(block) for block in _Walker().walk(root)]
    data = dict(meta)
    data.setdefault("id", default_id)
    data["headline"] = _headline(data, blocks)
    data["blocks"] = blocks
    return article_from_data(data, sanitized=True)


def _with_frame_cards(block: BlockData) -> BlockData:
    """Known players' frames, read by the walk (a video player is a video card by now),
    become click-to-load cards in the markup that is kept."""
    if "html" in block:
        block["html"] = cards_in_markup(block["html"])
    elif block["kind"] == "list":
        block["items"] = [cards_in_markup(item) for item in block["items"]]
    elif block.get("caption"):
        block["caption"] = cards_in_markup(block["caption"])
    return block


def _clean_meta(meta: dict[str, Any], default_id: str, limits: Limits) -> dict[str, Any]:
    """Metadata is not ingest's output: its one markup field is cleaned here."""
    hero = meta.get("hero")
    if not (isinstance(hero, dict) and isinstance(hero.get("caption"), str)):
        return meta
    try:
        caption = clean_inline_html(hero["caption"], max_depth=limits.max_depth)
    except MarkupTooDeep as error:
        raise over_limit(default_id, "the hero caption's nesting depth", error.depth,
                         error.limit) from None
    return {**meta, "hero": {**hero, "caption": caption}}


def _sanitized_tree(html: str, default_id: str, limits: Limits) -> etree._Element:
    """The body sanitized and parsed, within the nesting limit (measured before nh3 on a
    long body, and on the tree ingest walks)."""
    try:
        root = parse_fragment(clean_body(html, max_depth=limits.max_depth))
    except MarkupTooDeep as error:
        depth: int | None = error.depth
    else:
        depth = depth_over(root, limits.max_depth)
    if depth is not None:
        raise over_limit(default_id, "the element nesting depth", depth, limits.max_depth)
    return root


def _headline(data: dict[str, Any], blocks: list[BlockData]) -> Any:
    """The metadata's headline; without one, a leading heading's text; else the id.

    A leading heading of plain text that gives the headline (or repeats it) moves into the
    header, shown once, to every reader; one with an image or a link stays in the body too,
    so nothing of it is lost. Nothing else of the body ever becomes metadata: the headline
    is on every surface of every reader, and the rest of the body may be behind the wall.
    """
    headline = data.get("headline")
    first = blocks[0] if blocks and blocks[0]["kind"] == "heading" else None
    markup = _LINE_BREAK.sub(" ", first["html"]) if first is not None else ""
    leading = markup_text(markup)
    if first is not None and leading and headline in (None, "", leading):
        if "<" not in markup:
            blocks.pop(0)
        return leading
    if headline in (None, ""):
        identifier = data["id"]
        return identifier if isinstance(identifier, str) and identifier else "article"
    return headline


def is_phrasing_only(element: etree._Element) -> bool:
    """True when every descendant element is phrasing content (valid inside a <p>)."""
    return all(child.tag in PHRASING for child in element.iterdescendants())


class _Walker:
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
            self.found.extend(_image(img) for img in images)

    def _element(self, element: etree._Element) -> None:
        tag = element.tag
        found = self.found
        if tag == "p":
            self._paragraph(element)
        elif tag in _HEADINGS:
            found.append(_heading(element))
        elif tag == "figure":
            found.append(_figure(element))
        elif tag == "img":
            found.append(_image(element))
        elif tag == "iframe":
            # Only known providers' frames are left (frames.vet_frames): a video player
            # becomes a video card, any other provider's frame an embed.
            found.append(video_from_iframe(element) or _frame_embed(element))
        elif tag == "blockquote":
            found.append(embed_from_blockquote(element) or _quote(element))
        elif tag in ("ul", "ol"):
            found.append(_list(element))
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
        related = _related(element)
        if related is not None:
            self.found.append(related)
            return
        self._add_markup(inner_html(element), element)
        self._flush()


def _figure(element: etree._Element) -> BlockData:
    """A figure: an image block, a video, or raw html when it is anything more."""
    figure = _figure_image(element)
    if figure is not None:
        return figure
    frames = list(element.iter("iframe"))
    alone = len(frames) == 1 and next(element.iter("img"), None) is None
    if alone and not text_of(element):
        video = video_from_iframe(frames[0])
        if video is not None:
            return video
    return {"kind": "html", "html": outer_html(element)}


def _frame_embed(iframe: etree._Element) -> BlockData:
    found = frame_provider(iframe.get("src", ""))
    provider = found.provider.name if found is not None else "frame"
    html = outer_html(iframe)
    return {"kind": "embed", "provider": provider, "url": iframe.get("src"), "html": html}


def _heading(element: etree._Element) -> BlockData:
    html = inner_html(element)
    if not is_phrasing_only(element):
        html = clean_inline_html(html, max_depth=MAX_SUPPORTED_DEPTH)  # the tree is checked
    return {"kind": "heading", "level": _HEADINGS[element.tag], "html": html.strip()}


def _related(element: etree._Element) -> BlockData | None:
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


def _image(img: etree._Element) -> BlockData:
    src = img.get("src")
    if not src or src.startswith("data:"):
        src = next((img.get(name) for name in _LAZY_SOURCES if img.get(name)), src)
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


def _figure_image(figure: etree._Element) -> BlockData | None:
    """A figure of one image and an optional caption; anything more stays raw html."""
    images = list(figure.iter("img"))
    if len(images) != 1 or next(figure.iter("iframe"), None) is not None:
        return None
    caption_element = next(figure.iter("figcaption"), None)
    caption_text = text_of(caption_element) if caption_element is not None else ""
    if text_of(figure) != caption_text:
        return None
    block = _image(images[0])
    if caption_element is not None and caption_text:
        credit = next(
            (el for el in caption_element.iter() if "credit" in el.get("class", "")), None
        )
        if credit is not None and credit is not caption_element:
            block["credit"] = text_of(credit)
            drop_keeping_tail(credit)
        html = clean_inline_html(inner_html(caption_element), max_depth=MAX_SUPPORTED_DEPTH)
        html = html.strip()
        block["caption"] = html or None
    return block


def _quote(element: etree._Element) -> BlockData:
    pull = "pull" in element.get("class", "")
    return {"kind": "quote", "html": inner_html(element).strip(), "pull": pull}


def _list(element: etree._Element) -> BlockData:
    items = [child for child in element if isinstance(child.tag, str)]
    loose_text = (element.text or "").strip() or any((li.tail or "").strip() for li in items)
    if loose_text or any(li.tag != "li" for li in items):
        return {"kind": "html", "html": outer_html(element)}
    return {
        "kind": "list",
        "ordered": element.tag == "ol",
        "items": [inner_html(li).strip() for li in items],
    }
