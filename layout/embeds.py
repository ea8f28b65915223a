"""Recognising third-party media: video players in iframes and social posts in blockquotes.

A table of providers, one pattern each, so adding a provider is one line. Only iframes of
known video providers survive ingest; their player is re-created by the theme from the id.
"""

from __future__ import annotations

import re
from typing import Any, Final

from lxml import etree

VIDEO_PROVIDERS: Final[dict[str, re.Pattern[str]]] = {
    "youtube": re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,20})"),
    "vimeo": re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"),
    "dailymotion": re.compile(
        r"^https?://(?:www\.|geo\.)?dailymotion\.com/(?:embed/video/|player\.html\?video=)(\w+)"
    ),
    "jwplayer": re.compile(
        r"^https?://(?:cdn\.jwplayer\.com|content\.jwplatform\.com)/players/(\w+)"
    ),
    "brightcove": re.compile(
        r"^https?://players\.brightcove\.net/\d+/\w+_\w+/index\.html\?videoId=(\w+)"
    ),
}

EMBED_CLASSES: Final = {
    "twitter-tweet": "twitter",
    "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
}


def _with_scheme(src: str) -> str:
    return "https:" + src if src.startswith("//") else src


def video_from_iframe(iframe: etree._Element) -> dict[str, Any] | None:
    """A video block for an iframe of a known provider, else None."""
    src = _with_scheme(iframe.get("src", "").strip())
    for provider, pattern in VIDEO_PROVIDERS.items():
        match = pattern.match(src)
        if match:
            return {
                "kind": "video",
                "provider": provider,
                "video_id": match.group(1),
                "src": src,
                "title": iframe.get("title", ""),
            }
    return None


def embed_from_blockquote(quote: etree._Element) -> dict[str, Any] | None:
    """An embed block for a tweet, Instagram or TikTok blockquote, else None."""
    classes = quote.get("class", "").split()
    provider = next((EMBED_CLASSES[c] for c in classes if c in EMBED_CLASSES), None)
    if provider is None:
        return None
    links = [a.get("href") for a in quote.iter("a") if a.get("href")]
    url = quote.get("cite") or (links[-1] if links else None)
    html = etree.tostring(quote, method="html", encoding="unicode", with_tail=False)
    return {"kind": "embed", "provider": provider, "url": url, "html": html}


def player_url(provider: str, video_id: str | None, src: str | None) -> str | None:
    """The embed URL a click-to-play card loads."""
    if provider == "youtube" and video_id:
        return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
    if provider == "vimeo" and video_id:
        return f"https://player.vimeo.com/video/{video_id}?autoplay=1"
    if provider == "dailymotion" and video_id:
        return f"https://geo.dailymotion.com/player.html?video={video_id}"
    return src
