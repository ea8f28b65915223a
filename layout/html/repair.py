"""Structural repairs that keep real-world markup valid HTML5 without losing text.

CMS bodies carry content-model mistakes (text directly inside a list, a figcaption in the
middle of a figure, a definition list without definitions, row spans past the table). The
HTML parser keeps them as they are; these passes fix each one in place, renaming or wrapping
elements and never removing text. Each pass is one small function in ``PASSES``; the first
is the frame policy (``frames``), so that every tree the engine keeps meets it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from lxml import etree

from layout.html.frames import frames_to_cards, vet_frames
from layout.html.grammar import is_html_datetime
from layout.html.markup import drop_keeping_tail, inner_html, parse_fragment, text_of
from layout.html.sanitize import LAZY_SOURCES, clean_flow, clean_inline_keeping_frames
from layout.html.urls import split_url
from layout.html.values import ascii_int
from layout.limits import DEFAULT_LIMITS, Limits

Element = etree._Element


def _rename(element: Element, tag: str) -> None:
    element.tag = tag
    for name in ("start", "reversed", "type", "value"):
        if name in element.attrib:
            del element.attrib[name]


def fix_lists(root: Element) -> None:
    """Every child of ul/ol is an li: stray text and elements are wrapped in one."""
    for lst in root.iter("ul", "ol"):
        children = list(lst)
        if not (lst.text or "").strip() and all(
            c.tag == "li" and not (c.tail or "").strip() for c in children if isinstance(c.tag, str)
        ):
            continue
        _regroup(lst, "li")


def _regroup(parent: Element, item_tag: str) -> None:
    """Rebuild ``parent`` so that every run of non-``item_tag`` content sits in an item."""
    children = list(parent)
    pending_text = parent.text
    parent.text = None
    run: list[Element] = []
    rebuilt: list[Element] = []

    def close_run() -> None:
        nonlocal pending_text
        if run or (pending_text or "").strip():
            item = etree.Element(item_tag)
            item.text = pending_text
            for node in run:
                item.append(node)
            rebuilt.append(item)
        run.clear()
        pending_text = None

    for child in children:
        parent.remove(child)
        tail = child.tail
        if child.tag == item_tag:
            close_run()
            child.tail = None
            rebuilt.append(child)
            pending_text = tail
        else:
            if not run and not (pending_text or "").strip():
                pending_text = None
            run.append(child)
    close_run()
    for item in rebuilt:
        item.tail = "\n"
        parent.append(item)


def fix_list_items(root: Element) -> None:
    """An li outside a list, or a dt/dd outside a dl, becomes a div."""
    for element in list(root.iter("li", "dt", "dd")):
        parent = element.getparent()
        if element.tag == "li":
            valid = parent is not None and parent.tag in ("ul", "ol", "menu")
        else:
            grand = parent.getparent() if parent is not None else None
            valid = parent is not None and (
                parent.tag == "dl"
                or (parent.tag == "div" and grand is not None and grand.tag == "dl")
            )
        if not valid:
            _rename(element, "div")


def fix_definition_lists(root: Element) -> None:
    """A dl that is not groups of dt then dd becomes plain divs, all the way down."""
    for dl in list(root.iter("dl")):
        if _is_valid_dl(dl):
            continue
        _rename(dl, "div")
        for element in dl.iter("dt", "dd"):
            _rename(element, "div")


def _is_valid_dl(dl: Element) -> bool:
    """dt+ dd+ runs directly in the dl, or every child a div holding such a run."""
    children = [c for c in dl if isinstance(c.tag, str)]
    if not children:
        return False
    if all(c.tag == "div" for c in children):
        return all(_is_term_run(div) for div in children) and not _has_loose_text(dl)
    return _is_term_run(dl)


def _is_term_run(parent: Element) -> bool:
    tags = [c.tag for c in parent if isinstance(c.tag, str)]
    ordered = bool(tags) and tags[0] == "dt" and tags[-1] == "dd"
    return ordered and set(tags) <= {"dt", "dd"} and not _has_loose_text(parent)


def _has_loose_text(parent: Element) -> bool:
    return bool((parent.text or "").strip()) or any((c.tail or "").strip() for c in parent)


def fix_figures(root: Element) -> None:
    """A figure's figcaption is its first or last child, and only one; others become divs."""
    for caption in list(root.iter("figcaption")):
        parent = caption.getparent()
        siblings = [c for c in parent if isinstance(c.tag, str)] if parent is not None else []
        captions = [c for c in siblings if c.tag == "figcaption"]
        at_edge = bool(siblings) and caption in (siblings[0], siblings[-1])
        if parent is None or parent.tag != "figure" or not at_edge or captions[0] is not caption:
            _rename(caption, "div")


def fix_media_sources(root: Element) -> None:
    """A ``source`` belongs to a video or audio player (a picture's sources do not pass
    the sanitizer): anywhere else its tag goes. lxml's parser does not know ``source`` is
    void, so what follows it in a ``picture`` may have been read as its content: that
    content stays where it is."""
    stray = [
        source for source in root.iter("source")
        if next(source.iterancestors("video", "audio"), None) is None
    ]
    for source in stray:
        source.tag = "layout-stray-source"
    if stray:
        etree.strip_tags(root, "layout-stray-source")


def fix_images(root: Element) -> None:
    """Every img has a source and an alt (empty when unknown: decorative). An img with
    no src takes its lazy-loading source; with none at all it shows nothing and goes."""
    for img in list(root.iter("img")):
        if not (img.get("src") or "").strip():
            lazy = next((img.get(name) for name in LAZY_SOURCES if img.get(name)), None)
            if lazy is not None:
                img.set("src", lazy)
            elif not (img.get("srcset") or "").strip():
                drop_keeping_tail(img)
                continue
        if img.get("alt") is None:
            img.set("alt", "")


def fix_times(root: Element) -> None:
    """A ``time`` needs a valid datetime, in its attribute or as its text: a value of
    another grammar ("yesterday") is dropped, and a time left with none is plain text."""
    for time in list(root.iter("time")):
        value = time.get("datetime")
        if value is not None and not is_html_datetime(value):
            del time.attrib["datetime"]
        text_is_value = len(time) == 0 and is_html_datetime(time.text or "")
        if time.get("datetime") is None and not text_is_value:
            _rename(time, "span")


def fix_table_captions(root: Element) -> None:
    """A table's caption is its first child, and it has one: a later caption moves to
    the front, the text of any further one joins it."""
    for table in root.iter("table"):
        captions = [child for child in table if child.tag == "caption"]
        if not captions:
            continue
        first = captions[0]
        for extra in captions[1:]:
            first.append(extra)
            _rename(extra, "span")
        if table.index(first) != 0:
            table.remove(first)
            first.tail = None
            table.insert(0, first)


def fix_row_spans(root: Element) -> None:
    """A rowspan never reaches past the end of its row group."""
    for group in root.iter("tbody", "thead", "tfoot"):
        rows = [r for r in group if r.tag == "tr"]
        for position, row in enumerate(rows):
            left = len(rows) - position
            for cell in row:
                span = ascii_int(cell.get("rowspan")) if isinstance(cell.tag, str) else None
                if span is not None and span > left:
                    cell.set("rowspan", str(left))


def fix_empty_links(root: Element) -> None:
    """rel and hreflang need an href; without one a link is a plain span of text."""
    for link in root.iter("a"):
        if link.get("href") is None:
            for name in ("rel", "hreflang"):
                if name in link.attrib:
                    del link.attrib[name]


def name_image_links(root: Element) -> None:
    """A link whose only content is decorative images (alt="") has no accessible name:
    name it by where it goes, so a screen reader can announce it. Only links that hold an
    image are looked at (found from the images: most links have none)."""
    linked = {link: None for img in root.iter("img") for link in img.iterancestors("a")}
    for link in linked:
        href = link.get("href")
        if not href or link.get("aria-label"):
            continue
        images = link.iter("img")
        if all(not (img.get("alt") or "").strip() for img in images) and not text_of(link):
            target = split_url(href)
            place = (target.netloc + target.path).strip("/") if target is not None else ""
            place = place or href
            link.set("aria-label", f"Link to {place}"[:200])


PASSES: Final[tuple[Callable[[Element], None], ...]] = (
    vet_frames,
    fix_media_sources,  # first: what lxml read as a stray source's content moves back out
    fix_lists,
    fix_list_items,
    fix_definition_lists,
    fix_figures,
    fix_images,
    fix_times,
    fix_table_captions,
    fix_row_spans,
    fix_empty_links,
    name_image_links,
)


def repair_tree(root: Element) -> Element:
    """Apply every repair pass to a parsed tree, in place."""
    for repair in PASSES:
        repair(root)
    return root


def clean_inline_html(html: str, *, limits: Limits | None = DEFAULT_LIMITS) -> str:
    """Untrusted phrasing markup (a paragraph, heading, note or caption) made safe: nh3's
    inline allowlist, and a known player's frame as a click-to-load card, like anywhere
    else in an article."""
    cleaned = clean_inline_keeping_frames(html, limits=limits)
    if "<iframe" not in cleaned:
        return cleaned
    root = parse_fragment(cleaned)
    vet_frames(root)
    frames_to_cards(root)
    return inner_html(root)


def clean_block_html(html: str) -> str:
    """Untrusted block markup (a raw-html, table, embed or quote block, a list item) made
    safe and valid: nh3's flow allowlist, every pass here (the frame policy first), then
    the frames left as click-to-load cards."""
    cleaned = clean_flow(html)
    if not cleaned.strip():
        return cleaned
    root = repair_tree(parse_fragment(cleaned))
    frames_to_cards(root)
    return inner_html(root)


def repair_html(html: str) -> str:
    """Repair a sanitized fragment and serialize it again."""
    if not html.strip():
        return html
    return inner_html(repair_tree(parse_fragment(html)))
