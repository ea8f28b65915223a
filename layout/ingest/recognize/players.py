"""The publisher's own media files: ``<video>`` and ``<audio>`` (alone or in a figure)
become video and audio blocks that keep every http(s) source, the poster and caption."""

from __future__ import annotations

import re
from typing import Final

from layout.html.sanitize import is_web_url
from layout.ingest.recognize.base import BlockData, Context, Element, holds_media
from layout.ingest.recognize.captions import caption_markup, figcaption_of, only_caption_text

_MIME_TYPE: Final = re.compile(r"[\w.+-]{1,40}/[\w.+-]{1,60}", re.ASCII)


def video_player(element: Element, context: Context) -> BlockData | None:
    return _player(element, "video")


def audio_player(element: Element, context: Context) -> BlockData | None:
    return _player(element, "audio")


def _player(element: Element, tag: str) -> BlockData | None:
    if element.tag == tag:
        player, caption = element, None
    else:
        players = list(element.iter(tag))
        caption = figcaption_of(element)
        lone = len(players) == 1 and not holds_media(element, besides=tag)
        if not lone or not only_caption_text(element, caption):
            return None
        player = players[0]
    sources = media_sources(player)
    if not sources:
        return None  # no file a browser may load (a data: URL): the markup is kept
    block: BlockData = {"kind": tag, "provider": "file", "sources": sources}
    poster = player.get("poster")
    if tag == "video" and poster:
        block["poster"] = poster
    markup = caption_markup(caption)
    if markup is not None:
        block["caption"] = markup
    return block


def media_sources(player: Element) -> list[dict[str, str]]:
    """The player's own src and its ``<source>`` children, web URLs only."""
    found: list[dict[str, str]] = []
    src = (player.get("src") or "").strip()
    if src and is_web_url(src):
        found.append({"src": src})
    for source in player.iter("source"):
        url = (source.get("src") or "").strip()
        if url and is_web_url(url):
            entry = {"src": url}
            kind = (source.get("type") or "").split(";")[0].strip()
            if _MIME_TYPE.fullmatch(kind):
                entry["type"] = kind
            found.append(entry)
    return found
