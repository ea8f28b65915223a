"""Body HTML -> an Article: the fragment sanitized (nh3, within the limits), parsed with
lxml, repaired, walked into top-level blocks (``walker``), and given its metadata.

Text is never dropped: a case that does not fit a typed block cleanly falls back to raw
html. Only a leading heading of the body may become metadata (the headline).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from lxml import etree

from layout.article import Article, article_from_data
from layout.blocks import Paragraph
from layout.html.markup import markup_text
from layout.html.repair import clean_inline_html, repair_tree
from layout.html.sanitize import MarkupTooDeep, sanitized_body
from layout.html.text import scrub, strip_controls
from layout.ingest.kept_markup import page_ready
from layout.ingest.recognize import RECOGNIZERS, RecognizerTable
from layout.ingest.recognize.base import BlockData
from layout.ingest.recognize.shortcodes import NO_ADS_MARK
from layout.ingest.recognize.text import TEASER_MARK
from layout.ingest.walker import Walker
from layout.ingest.wordpress import mark_blocks
from layout.limits import DEFAULT_LIMITS, Limits, over_limit
from layout.measure.text import BlockText

_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MARKS = frozenset({TEASER_MARK, NO_ADS_MARK})


def ingest_html(
    html: str,
    meta: dict[str, Any],
    *,
    default_id: str,
    limits: Limits = DEFAULT_LIMITS,
    recognizers: RecognizerTable = RECOGNIZERS,
) -> Article:
    """Turn a body fragment plus metadata into an :class:`Article`; ``recognizers`` is
    the table of block rules the walk uses (a test can take one out)."""
    html = strip_controls(html)
    # A character is 1 to 4 bytes of UTF-8: the bytes are counted only near the limit.
    if len(html) * (1 if html.isascii() else 4) > limits.max_html_bytes:
        size = len(html.encode("utf-8"))
        if size > limits.max_html_bytes:
            raise over_limit(default_id, "the body size in bytes", size,
                             limits.max_html_bytes)
    meta = _clean_meta(scrub(meta), default_id, limits)
    root = _sanitized_tree(mark_blocks(html), default_id, limits)
    repair_tree(root)
    walker = Walker(recognizers)
    data = dict(meta)
    data.setdefault("id", default_id)
    blocks = _read_marks(walker.walk(root), data, walker.reports)
    count = len(blocks)
    data["headline"] = _headline(data, blocks)
    if len(blocks) < count:  # the leading heading became the headline
        _shift_marks(data, walker.reports)
    data["blocks"] = [_with_frame_cards(block) for block in blocks]
    given = data.get("reports")
    data["reports"] = [*given, *walker.reports] if isinstance(given, list) else walker.reports
    article = article_from_data(data, sanitized=True)
    _keep_texts(article, walker.texts)
    return article


def _keep_texts(article: Article, texts: dict[str, BlockText]) -> None:
    """Give each paragraph the text the walk read off its element (one pass over the
    tree: its markup is not read again to measure it). A paragraph whose markup changed
    after the walk (a frame's card) finds none and is measured from its markup."""
    if not texts:
        return
    for block in article.blocks:
        if isinstance(block, Paragraph):
            text = texts.get(block.html)
            if text is not None:
                block.know_text(text)


def _read_marks(found: list[BlockData], data: dict[str, Any],
                reports: list[dict[str, Any]]) -> list[BlockData]:
    """The editor's marks read off the blocks into the article: the teaser's end (the
    first <!--more-->) and ``[ad no]``. Reports keep pointing at their blocks."""
    marks = [index for index, block in enumerate(found) if block["kind"] in _MARKS]
    blocks = [block for block in found if block["kind"] not in _MARKS]
    for before, index in enumerate(marks):  # ``before`` marks precede this one
        if found[index]["kind"] == TEASER_MARK:
            data.setdefault("teaser_end", index - before)
        else:
            data.setdefault("no_ads", True)
    for report in reports:
        at = report["block"] - bisect_left(marks, report["block"])  # the marks before it
        report["block"] = min(at, len(blocks) - 1) if blocks else None
    return blocks


def _shift_marks(data: dict[str, Any], reports: list[dict[str, Any]]) -> None:
    """The first block left the body: what points at blocks points one earlier."""
    teaser_end = data.get("teaser_end")
    if isinstance(teaser_end, int) and not isinstance(teaser_end, bool) and teaser_end > 0:
        data["teaser_end"] = teaser_end - 1
    for report in reports:
        if report["block"]:
            report["block"] -= 1


def _with_frame_cards(block: BlockData) -> BlockData:
    """The markup a block keeps, made page-ready (``kept_markup``): known players' frames
    are click-to-load cards by now, a video player's frame a video card."""
    if block.get("html"):
        block["html"] = page_ready(block["html"])
    if block["kind"] == "list":
        block["items"] = [page_ready(item) for item in block["items"]]
    if block.get("caption"):
        block["caption"] = page_ready(block["caption"])
    for image in block.get("images", ()):
        _with_frame_cards(image)
    return block


def _clean_meta(meta: dict[str, Any], default_id: str, limits: Limits) -> dict[str, Any]:
    """Metadata is not ingest's output: its one markup field is cleaned here."""
    hero = meta.get("hero")
    if not (isinstance(hero, dict) and isinstance(hero.get("caption"), str)):
        return meta
    try:
        caption = clean_inline_html(hero["caption"], limits=limits)
    except MarkupTooDeep as error:
        raise over_limit(default_id, "the hero caption's nesting depth", error.depth,
                         error.limit) from None
    return {**meta, "hero": {**hero, "caption": caption}}


def _sanitized_tree(html: str, default_id: str, limits: Limits) -> etree._Element:
    """The body sanitized and parsed, within the nesting limit (measured before nh3 on a
    long body, and on the tree ingest walks)."""
    try:
        root = sanitized_body(html, limits=limits, stripped=True)
    except MarkupTooDeep as error:
        depth: int | None = error.depth
    else:
        depth = limits.depth_probe.over(root)
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


