"""Third-party media: the providers whose frames may be on a page, and the recognisers of
video players (iframes) and social posts (blockquotes).

``FRAME_PROVIDERS`` is the one table of embeddable providers: each names the embed URLs it
serves (https; the first group, when there is one, is the media id) and the frame policy
its player needs. Adding a provider is one row. An iframe of any other origin never
reaches a page (``frames.vet_frames``); a video card re-creates its player from this table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from lxml import etree

FrameKind = Literal["video", "audio", "social", "map", "chart"]


@dataclass(frozen=True)
class FramePolicy:
    """The attributes a provider's frame gets: only the powers its player needs."""

    sandbox: str
    referrerpolicy: str
    allow: str


# Players need scripts and their own origin's storage; popups let a reader follow a link
# out of the player (to the provider's page) without giving the frame the top window.
_PLAYER_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"
FRAME_POLICIES: Final[dict[FrameKind, FramePolicy]] = {
    # Video hosts check the embedding origin (YouTube refuses to play without a
    # referrer), so the origin is sent; casting needs allow-presentation.
    "video": FramePolicy(
        sandbox=_PLAYER_SANDBOX + " allow-presentation",
        referrerpolicy="strict-origin-when-cross-origin",
        allow="autoplay; encrypted-media; fullscreen; picture-in-picture",
    ),
    "audio": FramePolicy(
        sandbox=_PLAYER_SANDBOX,
        referrerpolicy="strict-origin-when-cross-origin",
        allow="autoplay; encrypted-media",
    ),
    "social": FramePolicy(
        sandbox=_PLAYER_SANDBOX,
        referrerpolicy="strict-origin-when-cross-origin",
        allow="",
    ),
    # Map keys are restricted to the publisher's origin, which needs the referrer.
    "map": FramePolicy(
        sandbox=_PLAYER_SANDBOX,
        referrerpolicy="strict-origin-when-cross-origin",
        allow="fullscreen",
    ),
    # Charts need nothing from the page: no referrer at all.
    "chart": FramePolicy(sandbox=_PLAYER_SANDBOX, referrerpolicy="no-referrer", allow=""),
}


@dataclass(frozen=True)
class FrameProvider:
    name: str
    kind: FrameKind
    src: re.Pattern[str]

    @property
    def policy(self) -> FramePolicy:
        return FRAME_POLICIES[self.kind]


def _https(pattern: str) -> re.Pattern[str]:
    return re.compile(r"^https://" + pattern)


FRAME_PROVIDERS: Final[tuple[FrameProvider, ...]] = (
    FrameProvider(
        "youtube", "video", _https(r"(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,20})")
    ),
    FrameProvider("vimeo", "video", _https(r"player\.vimeo\.com/video/(\d+)")),
    FrameProvider(
        "dailymotion",
        "video",
        _https(r"(?:www\.|geo\.)?dailymotion\.com/(?:embed/video/|player\.html\?video=)(\w+)"),
    ),
    FrameProvider(
        "jwplayer",
        "video",
        _https(r"(?:cdn\.jwplayer\.com|content\.jwplatform\.com)/players/(\w+)"),
    ),
    FrameProvider(
        "brightcove",
        "video",
        _https(r"players\.brightcove\.net/\d+/\w+_\w+/index\.html\?videoId=(\w+)"),
    ),
    FrameProvider("spotify", "audio", _https(r"open\.spotify\.com/embed/")),
    FrameProvider("soundcloud", "audio", _https(r"w\.soundcloud\.com/player/")),
    FrameProvider("apple-podcasts", "audio", _https(r"embed\.podcasts\.apple\.com/")),
    FrameProvider("twitter", "social", _https(r"platform\.twitter\.com/embed/")),
    FrameProvider("instagram", "social", _https(r"www\.instagram\.com/(?:p|reel|tv)/[\w-]+/embed")),
    FrameProvider("tiktok", "social", _https(r"www\.tiktok\.com/(?:embed|player)/")),
    FrameProvider("facebook", "social", _https(r"www\.facebook\.com/plugins/(?:post|video)\.php")),
    FrameProvider("google-maps", "map", _https(r"www\.google\.com/maps/embed")),
    FrameProvider("datawrapper", "chart", _https(r"datawrapper\.dwcdn\.net/\w+/")),
    FrameProvider("flourish", "chart", _https(r"flo\.uri\.sh/(?:visualisation|story)/\d+/embed")),
)
_BY_NAME: Final = {provider.name: provider for provider in FRAME_PROVIDERS}

EMBED_CLASSES: Final = {
    "twitter-tweet": "twitter",
    "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
}

# Players built from a media id alone, for video cards that carry no embed URL.
_ID_PLAYERS: Final = {
    "youtube": "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
    "vimeo": "https://player.vimeo.com/video/{id}?autoplay=1",
    "dailymotion": "https://geo.dailymotion.com/player.html?video={id}",
}
_MEDIA_ID = re.compile(r"^[\w-]{1,64}$")


def frame_src(src: str) -> str:
    """An iframe's src as the provider table reads it: trimmed, with a scheme-relative
    ``//host`` and a plain ``http`` upgraded to https (every listed provider serves it)."""
    src = src.strip()
    if src.startswith("//"):
        return "https:" + src
    if src[:7].lower() == "http://":
        return "https://" + src[7:]
    return src


def frame_provider(src: str) -> tuple[FrameProvider, re.Match[str]] | None:
    """The provider serving the embed URL ``src`` (as ``frame_src`` gives it), if any."""
    for provider in FRAME_PROVIDERS:
        match = provider.src.match(src)
        if match:
            return provider, match
    return None


def frame_policy(provider: str) -> FramePolicy | None:
    """The frame policy of a provider by name (what a click-to-play card's player gets)."""
    known = _BY_NAME.get(provider)
    return known.policy if known is not None else None


def video_from_iframe(iframe: etree._Element) -> dict[str, Any] | None:
    """A video block for an iframe of a known video provider, else None."""
    src = frame_src(iframe.get("src", ""))
    found = frame_provider(src)
    if found is None or found[0].kind != "video":
        return None
    provider, match = found
    return {
        "kind": "video",
        "provider": provider.name,
        "video_id": match.group(1),
        "src": src,
        "title": iframe.get("title", ""),
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


def player_url(provider: str, video_id: str | None, src: str | None) -> str | None:
    """The embed URL a click-to-play card loads: built from the media id where the
    provider allows it, else the card's own src if it is that provider's embed URL.
    Anything else (an unknown provider, a src on another host) gets no player."""
    template = _ID_PLAYERS.get(provider)
    if template is not None and video_id and _MEDIA_ID.match(video_id):
        built = template.format(id=video_id)
        if _plays(built, provider):  # the id has the provider's own form
            return built
    if src and _plays(frame_src(src), provider):
        return frame_src(src)
    return None


def _plays(src: str, provider: str) -> bool:
    found = frame_provider(src)
    return found is not None and found[0].name == provider and found[0].kind == "video"
