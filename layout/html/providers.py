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
from typing import Final, Literal
from urllib.parse import SplitResult, parse_qs

from layout.html.urls import split_url

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
    # Charts need nothing from the page: no referrer, and links they open stay sandboxed.
    "chart": FramePolicy(
        sandbox="allow-scripts allow-same-origin allow-popups",
        referrerpolicy="no-referrer",
        allow="",
    ),
}


@dataclass(frozen=True)
class EmbedForm:
    """One shape of a provider's embed URL: exactly these hosts, a path that must match
    whole (its first group, when it has one, is the media id), or the id in a query field.
    Matching the whole path leaves no room for ``..`` segments, percent-encoded dots or
    other paths on the host (a redirector, a login page)."""

    hosts: frozenset[str]
    path: re.Pattern[str]
    id_query: str | None = None


@dataclass(frozen=True)
class FrameProvider:
    name: str
    kind: FrameKind
    forms: tuple[EmbedForm, ...]

    @property
    def policy(self) -> FramePolicy:
        return FRAME_POLICIES[self.kind]


@dataclass(frozen=True)
class EmbedMatch:
    """An embed URL a provider serves: the provider, the media id and the URL to load
    (rebuilt from its parts: https, the host, the path and the query)."""

    provider: FrameProvider
    media_id: str | None
    url: str


def _form(hosts: str, path: str, id_query: str | None = None) -> EmbedForm:
    return EmbedForm(frozenset(hosts.split()), re.compile(path, re.ASCII), id_query)


FRAME_PROVIDERS: Final[tuple[FrameProvider, ...]] = (
    FrameProvider("youtube", "video", (
        _form("www.youtube.com youtube.com www.youtube-nocookie.com youtube-nocookie.com",
              r"/embed/([\w-]{6,20})"),
    )),
    FrameProvider("vimeo", "video", (_form("player.vimeo.com", r"/video/(\d+)"),)),
    FrameProvider("dailymotion", "video", (
        _form("www.dailymotion.com dailymotion.com", r"/embed/video/(\w+)"),
        _form("geo.dailymotion.com", r"/player(?:/\w+)?\.html", id_query="video"),
    )),
    FrameProvider("jwplayer", "video", (
        _form("cdn.jwplayer.com content.jwplatform.com", r"/players/(\w+)(?:-\w+)?\.html"),
    )),
    FrameProvider("brightcove", "video", (
        _form("players.brightcove.net", r"/\d+/\w+_\w+/index\.html", id_query="videoId"),
    )),
    FrameProvider("spotify", "audio", (
        _form("open.spotify.com", r"/embed/(?:track|episode|show|album|playlist|artist)/(\w+)"),
    )),
    FrameProvider("soundcloud", "audio", (_form("w.soundcloud.com", r"/player/?"),)),
    FrameProvider("apple-podcasts", "audio", (
        _form("embed.podcasts.apple.com", r"/[a-z]{2}/podcast/[\w-]+/id(\d+)"),
    )),
    FrameProvider("twitter", "social", (
        _form("platform.twitter.com", r"/embed/Tweet\.html", id_query="id"),
    )),
    FrameProvider("instagram", "social", (
        _form("www.instagram.com", r"/(?:p|reel|tv)/([\w-]+)/embed(?:/captioned)?/?"),
    )),
    FrameProvider("tiktok", "social", (
        _form("www.tiktok.com", r"/(?:embed/v2|embed|player/v1)/(\d+)"),
    )),
    FrameProvider("facebook", "social", (
        _form("www.facebook.com", r"/plugins/(?:post|video)\.php"),
    )),
    FrameProvider("google-maps", "map", (
        _form("www.google.com maps.google.com", r"/maps/embed(?:/v1/\w+)?"),
    )),
    FrameProvider("datawrapper", "chart", (
        _form("datawrapper.dwcdn.net", r"/(\w{5})(?:/\d+)?/?"),
    )),
    FrameProvider("flourish", "chart", (
        _form("flo.uri.sh", r"/(?:visualisation|story)/(\d+)/embed"),
    )),
)
_BY_NAME: Final = {provider.name: provider for provider in FRAME_PROVIDERS}
# An embed URL is plain printable ASCII: no spaces, controls, backslashes (which a browser
# reads as slashes) or characters a look-alike host would need.
_URL_CHARACTERS: Final = re.compile(r"[!#-\[\]-~]+")


# Players built from a media id alone, for video cards that carry no embed URL.
_ID_PLAYERS: Final = {
    "youtube": "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
    "vimeo": "https://player.vimeo.com/video/{id}?autoplay=1",
    "dailymotion": "https://geo.dailymotion.com/player.html?video={id}",
}
_MEDIA_ID = re.compile(r"[\w-]{1,64}", re.ASCII)


def frame_src(src: str) -> str:
    """An iframe's src as the provider table reads it: trimmed, with a scheme-relative
    ``//host`` and a plain ``http`` upgraded to https (every listed provider serves it)."""
    src = src.strip()
    if src.startswith("//"):
        return "https:" + src
    if src[:7].lower() == "http://":
        return "https://" + src[7:]
    return src


def frame_provider(src: str) -> EmbedMatch | None:
    """The provider whose embed URL ``src`` is (after ``frame_src``), or None: an https
    URL on exactly one of its hosts, no credentials or port, the whole path one of its
    forms."""
    src = frame_src(src)
    parts = split_url(src) if _URL_CHARACTERS.fullmatch(src) else None
    if parts is None or parts.scheme != "https":
        return None
    host = parts.netloc.lower()
    for provider in FRAME_PROVIDERS:
        for form in provider.forms:
            matched = media_id_of(form.path, form.id_query, parts) if host in form.hosts else None
            if matched is not None:
                query = f"?{parts.query}" if parts.query else ""
                return EmbedMatch(provider, matched[0], f"https://{host}{parts.path}{query}")
    return None


def media_id_of(
    path: re.Pattern[str], id_query: str | None, parts: SplitResult
) -> tuple[str | None] | None:
    """The media id of a URL of one form (a path matched whole, its first group the id,
    or the id in the ``id_query`` field of the query, which must have an id's form); None
    when the URL is not of the form."""
    found = path.fullmatch(parts.path)
    if found is None:
        return None
    if id_query is None:
        return (found.group(1) if found.re.groups else None,)
    media_id = next(iter(parse_qs(parts.query).get(id_query, [])), None)
    return (media_id,) if media_id is not None and _MEDIA_ID.fullmatch(media_id) else None


def frame_policy(provider: str) -> FramePolicy | None:
    """The frame policy of a provider by name (what a click-to-play card's player gets)."""
    known = _BY_NAME.get(provider)
    return known.policy if known is not None else None


# How a provider is named to readers, where its id is not already the name.
_LABELS: Final = {
    "youtube": "YouTube",
    "twitter": "X (Twitter)",
    "tiktok": "TikTok",
    "jwplayer": "JW Player",
    "apple-podcasts": "Apple Podcasts",
    "soundcloud": "SoundCloud",
    "google-maps": "Google Maps",
    "link": "Link",
}


def provider_label(name: str) -> str:
    """A provider's name as a reader reads it: "youtube" -> "YouTube"."""
    return _LABELS.get(name) or name.replace("-", " ").title()


def default_frame_title(provider: FrameProvider) -> str:
    """The title a kept frame gets when its author gave none (a frame needs a name for
    screen readers); never taken for the author's own title."""
    return f"Embedded {provider.kind} ({provider.name})"


def player_url(provider: str, video_id: str | None, src: str | None) -> str | None:
    """The embed URL a click-to-play card loads: built from the media id where the
    provider allows it, else the card's own src if that is one of the provider's video
    embed URLs. Anything else (an unknown provider, a src elsewhere) gets no player."""
    template = _ID_PLAYERS.get(provider)
    if template is not None and video_id and _MEDIA_ID.fullmatch(video_id):
        built = _player(template.format(id=video_id), provider)
        if built is not None:  # the id has the provider's own form
            return built
    return _player(src, provider) if src else None


def audio_player_url(provider: str, src: str | None) -> str | None:
    """The embed URL an audio card loads: its src, only if that is one of the provider's
    own audio embed URLs."""
    return _player(src, provider, "audio") if src else None


def _player(src: str, provider: str, kind: FrameKind = "video") -> str | None:
    found = frame_provider(src)
    if found is None or found.provider.name != provider or found.provider.kind != kind:
        return None
    return found.url
