"""Iframes of known providers (the frame policy has dropped every other): a video player is
a video block, a podcast or music player an audio block, anything else an embed. A figure
around one such frame gives it its caption (and a running time read from it)."""

from __future__ import annotations

from layout.html.markup import outer_html, text_of
from layout.html.providers import default_frame_title, frame_provider
from layout.ingest.recognize.base import BlockData, Context, Element, holds_media
from layout.ingest.recognize.captions import (
    caption_markup,
    figcaption_of,
    only_caption_text,
    running_time,
)


def video_frame(element: Element, context: Context) -> BlockData | None:
    frame, caption = _lone_frame(element)
    found = frame_provider(frame.get("src", "")) if frame is not None else None
    if frame is None or found is None or found.provider.kind != "video":
        return None
    title = frame.get("title", "")
    block: BlockData = {
        "kind": "video",
        "provider": found.provider.name,
        "video_id": found.media_id,
        "src": found.url,
        "title": "" if title == default_frame_title(found.provider) else title,
    }
    _add_caption(block, caption)
    return block


def provider_frame(element: Element, context: Context) -> BlockData | None:
    frame, caption = _lone_frame(element)
    found = frame_provider(frame.get("src", "")) if frame is not None else None
    if frame is None or found is None:
        return None
    title = frame.get("title", "")
    title = "" if title == default_frame_title(found.provider) else title
    if found.provider.kind == "audio":
        block: BlockData = {"kind": "audio", "provider": found.provider.name, "src": found.url,
                            "title": title}
    else:
        block = {"kind": "embed", "provider": found.provider.name, "url": found.url,
                 "html": outer_html(frame), "title": title}
    _add_caption(block, caption)
    return block


def _lone_frame(element: Element) -> tuple[Element | None, Element | None]:
    """The iframe an element is, or the one iframe of a figure whose only text is its
    caption (with that caption)."""
    if element.tag == "iframe":
        return element, None
    frames = list(element.iter("iframe"))
    if len(frames) != 1 or holds_media(element, besides="iframe"):
        return None, None
    caption = figcaption_of(element)
    return (frames[0], caption) if only_caption_text(element, caption) else (None, None)


def _add_caption(block: BlockData, caption: Element | None) -> None:
    """The figure's caption; a player's running time read from it."""
    markup = caption_markup(caption)
    if markup is None or caption is None:
        return
    block["caption"] = markup
    seconds = running_time(text_of(caption))
    if seconds is not None and block["kind"] in ("video", "audio"):
        block["duration"] = seconds
