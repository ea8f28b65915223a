"""Recognising third-party media in a body: a known provider's video player (an iframe)
and social posts (the blockquotes Twitter, Instagram and TikTok give publishers)."""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from layout.html.providers import default_frame_title, frame_provider

EMBED_CLASSES: Final = {
    "twitter-tweet": "twitter",
    "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
}


def video_from_iframe(iframe: etree._Element) -> dict[str, Any] | None:
    """A video block for an iframe of a known video provider, else None."""
    found = frame_provider(iframe.get("src", ""))
    if found is None or found.provider.kind != "video":
        return None
    title = iframe.get("title", "")
    return {
        "kind": "video",
        "provider": found.provider.name,
        "video_id": found.media_id,
        "src": found.url,
        "title": "" if title == default_frame_title(found.provider) else title,
    }


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
