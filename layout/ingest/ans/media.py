"""ANS images, galleries, videos and audio -> the article's media blocks.

ANS gives a video's length in milliseconds (the article counts seconds) and the format of
a file as a stream type ("mp4", "ts" for HLS, "mp3"): both are turned into what a
``<video>`` or ``<audio>`` element needs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from layout.html.markup import parse_fragment
from layout.html.providers import frame_provider
from layout.html.sanitize import is_safe_url
from layout.ingest.ans.context import Context
from layout.ingest.ans.markup import basic, credit_names, escape
from layout.ingest.ans.media_models import Audio, Image, Video

if TYPE_CHECKING:
    from layout.ingest.ans.element_models import Gallery

Block = dict[str, Any]
MAX_SIZE = 100_000
MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")

# File formats by URL extension first, then by ANS stream type.
_BY_EXTENSION: Final = {
    ".m3u8": "application/vnd.apple.mpegurl", ".mp4": "video/mp4", ".webm": "video/webm",
    ".mov": "video/quicktime", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
    ".aac": "audio/aac", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav",
}
_BY_STREAM_TYPE: Final = {
    "ts": "application/vnd.apple.mpegurl", "hls": "application/vnd.apple.mpegurl",
    "mp4": "video/mp4", "webm": "video/webm", "gif-mp4": "video/mp4",
    "mp3": "audio/mpeg", "aac": "audio/aac", "m4a": "audio/mp4", "ogg": "audio/ogg",
}


def image_block(image: Image) -> Block:
    """An image block; a subtitle (the image's title in ANS) leads its caption."""
    parts = [f"<strong>{escape(image.subtitle)}</strong>" if image.subtitle else "",
             image.caption or ""]
    caption = " ".join(part for part in parts if part.strip())
    link = image.link or _string((image.additional_properties or {}).get("link"))
    return {
        "kind": "image", "src": image.url or None, "alt": image.alt_text or "",
        "width": _size(image.width), "height": _size(image.height),
        "caption": caption or None, "credit": ", ".join(credit_names(image.credits)) or None,
        "link": link, "align": image.alignment,
    }


def image(element: Image, ctx: Context) -> list[Block]:
    return [image_block(element)]


def gallery(element: Gallery, ctx: Context) -> list[Block]:
    """A gallery of its images, captioned by its headline and description. A gallery
    with no image keeps its caption as text."""
    images = [image_block(item) for item in element.content_elements if isinstance(item, Image)]
    skipped = len(element.content_elements) - len(images)
    if skipped:
        ctx.report(f"a gallery holds {skipped} element(s) that are "
                   "not images: not shown")
    caption = " ".join(
        part for part in (_strong(basic(element.headlines)), _escaped(basic(element.description)))
        if part
    )
    if not images:
        return [{"kind": "html", "html": f"<p>{caption}</p>"}] if caption else []
    return [{"kind": "gallery", "images": images, "caption": caption or None,
             "align": element.alignment}]


def video(element: Video, ctx: Context) -> list[Block]:
    """The publisher's files when it has streams, else a provider's player."""
    block: Block = {
        "kind": "video", "provider": "file", "title": basic(element.headlines) or "",
        "caption": _escaped(basic(element.description)), "poster": _poster(element),
        "duration": round(element.duration / 1000) if element.duration else None,
        "sources": _sources((s.url, s.stream_type or s.streamType) for s in element.streams),
        "align": element.alignment,
    }
    if not block["sources"]:
        block.update(_player(element))
    return [block]


def audio(element: Audio, ctx: Context) -> list[Block]:
    files = [(s.url, s.stream_type) for s in element.streams or []]
    if element.source_url:
        files.append((element.source_url, None))
    sources = _sources(files, mimetype=element.mimetype)
    return [{"kind": "audio", "provider": "file", "sources": sources,
             "title": (basic(element.headlines) or "")[:500],
             "caption": _escaped(basic(element.description))}]


def _player(element: Video) -> Block:
    """A YouTube id, or the player in the video's embed markup, when ANS gives one."""
    if element.youtube_content_id:
        return {"provider": "youtube", "video_id": element.youtube_content_id}
    if element.embed_html and "<iframe" in element.embed_html:
        for frame in parse_fragment(element.embed_html).iter("iframe"):
            found = frame_provider(frame.get("src", ""))
            if found is not None and found.provider.kind == "video":
                return {"provider": found.provider.name, "video_id": found.media_id,
                        "src": found.url}
    return {"src": element.canonical_url} if _is_web_url(element.canonical_url) else {}


def _sources(files: Any, mimetype: str | None = None) -> list[Block]:
    """One source per distinct web URL, with its MIME type when it can be told."""
    sources: list[Block] = []
    seen: set[str] = set()
    for url, stream_type in files:
        if not _is_web_url(url) or url in seen:
            continue
        seen.add(url)
        sources.append({"src": url, "type": _mime(url, stream_type, mimetype)})
    return sources


def _mime(url: str, stream_type: str | None, mimetype: str | None) -> str | None:
    if mimetype and len(mimetype) <= 100 and MIME_TYPE.fullmatch(mimetype):
        return mimetype
    path = url.split("?")[0].split("#")[0].lower()
    dot = path.rfind(".")
    by_name = _BY_EXTENSION.get(path[dot:]) if dot > path.rfind("/") else None
    return by_name or _BY_STREAM_TYPE.get((stream_type or "").lower())


def _poster(element: Video) -> str | None:
    promo = element.promo_items.basic if element.promo_items is not None else None
    for art in (promo, element.promo_image):
        if isinstance(art, Image) and art.url:
            return art.url
    return None


def _size(value: int | None) -> int | None:
    return value if value is not None and 1 <= value <= MAX_SIZE else None


def _strong(text: str | None) -> str | None:
    return f"<strong>{escape(text)}</strong>" if text else None


def _escaped(text: str | None) -> str | None:
    return escape(text) if text else None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _is_web_url(value: Any) -> bool:
    """An http(s) URL the article model accepts as a media source."""
    web = isinstance(value, str) and value.lower().startswith(("https://", "http://"))
    return web and is_safe_url(value)
