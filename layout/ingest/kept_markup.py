"""The markup ingest keeps (raw blocks, list items, quotes, captions) made page-ready:
known players' frames become click-to-load cards, players of the publisher's files that no
rule read become links to their files, and the walk's WordPress attributes go, as do the
source's classes: the recognizers have read them, and on the page they would be the
theme's (a ``class="ad-slot"`` in a body must not pass for an ad slot). Kept are the
engine's own mark on a frame it turned into a link and the social networks' embed classes
(``twitter-tweet``), which name the provider's markup of a post.

The body cleaner lets ``video``, ``audio`` and ``source`` through only for the players'
rules to read; left in kept markup they would show nothing (their controls do not pass),
hiding their fallback text. So each becomes its content, followed by a link to each file.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from layout.html.frames import FRAME_LINK_CLASS, cards_in_markup
from layout.html.markup import inner_html, parse_fragment
from layout.html.sanitize import is_web_url
from layout.ingest.recognize.quotes import EMBED_CLASSES
from layout.ingest.wordpress import strip_wordpress_attributes

_KEPT_CLASSES: Final = frozenset({FRAME_LINK_CLASS, *EMBED_CLASSES})
_LINK_TEXT: Final = {"video": "Video file", "audio": "Audio file"}


def page_ready(markup: str) -> str:
    if ("<video" in markup or "<audio" in markup or "<source" in markup or "data-wp-" in markup
            or "class=" in markup):
        root = parse_fragment(markup)
        _players_to_links(root)
        strip_wordpress_attributes(root)
        _strip_source_classes(root)
        markup = inner_html(root)
    return cards_in_markup(markup)


def _strip_source_classes(root: etree._Element) -> None:
    for node in root.iter():
        value = node.get("class") if isinstance(node.tag, str) else None
        if value is None:
            continue
        kept = [name for name in value.split() if name in _KEPT_CLASSES]
        if kept:
            node.set("class", " ".join(kept))
        else:
            del node.attrib["class"]


def _players_to_links(root: etree._Element) -> None:
    players = list(root.iter("video", "audio"))
    for player in reversed(players):  # inner ones first
        sources = [player.get("src")] + [s.get("src") for s in player.iter("source")]
        for url in dict.fromkeys(u.strip() for u in sources if u and is_web_url(u.strip())):
            _append_text(player, " ")
            link = etree.SubElement(player, "a", {"href": url})
            link.text = _LINK_TEXT[player.tag]
            link.tail = " "
    for source in list(root.iter("source")):
        source.tag = "layout-source"
    for player in players:
        player.tag = "layout-player"
    etree.strip_tags(root, "layout-player", "layout-source")


def _append_text(element: etree._Element, text: str) -> None:
    """Text at the end of an element's content."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text
