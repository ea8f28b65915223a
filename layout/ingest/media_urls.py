"""Media known by its page URL: what a WordPress embed (or an ANS oEmbed) stores is the
address a reader would visit (``youtube.com/watch?v=ID``), not the player's. This table
reads such an address as a provider and a media id and, for players, gives the embed URL
the provider table (``html.providers``) knows, so a video card can load its player.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal
from urllib.parse import quote

from layout.html.providers import frame_provider, media_id_of
from layout.html.urls import split_url

MediaKind = Literal["video", "audio", "social"]


@dataclass(frozen=True)
class PageForm:
    provider: str
    kind: MediaKind
    hosts: frozenset[str]
    path: re.Pattern[str]
    player: str | None  # the embed URL, ``{id}`` for the media id, ``{url}`` for the page
    id_query: str | None = None


@dataclass(frozen=True)
class MediaPage:
    """A page URL read as media: the provider, its kind, the media id and the player."""

    provider: str
    kind: MediaKind
    media_id: str | None
    url: str
    player: str | None


def _form(provider: str, kind: MediaKind, hosts: str, path: str, player: str | None = None,
          id_query: str | None = None) -> PageForm:
    return PageForm(provider, kind, frozenset(hosts.split()), re.compile(path, re.ASCII),
                    player, id_query)


_YOUTUBE_HOSTS = "www.youtube.com youtube.com m.youtube.com music.youtube.com"
_YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/{id}"
PAGE_FORMS: Final[tuple[PageForm, ...]] = (
    _form("youtube", "video", _YOUTUBE_HOSTS, r"/watch/?", _YOUTUBE_PLAYER, id_query="v"),
    _form("youtube", "video", _YOUTUBE_HOSTS, r"/(?:shorts|live|embed|v)/([\w-]{6,20})/?",
          _YOUTUBE_PLAYER),
    _form("youtube", "video", "youtu.be", r"/([\w-]{6,20})/?", _YOUTUBE_PLAYER),
    _form("vimeo", "video", "vimeo.com www.vimeo.com", r"/(?:channels/\w+/|video/)?(\d+)/?",
          "https://player.vimeo.com/video/{id}"),
    _form("dailymotion", "video", "www.dailymotion.com dailymotion.com",
          r"/video/([a-zA-Z0-9]+)(?:_[\w-]*)?/?", "https://www.dailymotion.com/embed/video/{id}"),
    _form("dailymotion", "video", "dai.ly", r"/([a-zA-Z0-9]+)/?",
          "https://www.dailymotion.com/embed/video/{id}"),
    _form("spotify", "audio", "open.spotify.com",
          r"/(?:intl-[\w-]+/)?((?:track|episode|show|album|playlist|artist)/\w+)/?",
          "https://open.spotify.com/embed/{id}"),
    _form("soundcloud", "audio", "soundcloud.com www.soundcloud.com m.soundcloud.com",
          r"/[\w-]+/[\w-]+(?:/[\w-]+)?/?", "https://w.soundcloud.com/player/?url={url}"),
    _form("apple-podcasts", "audio", "podcasts.apple.com",
          r"/([a-z]{2}/podcast/[\w-]+/id\d+)/?", "https://embed.podcasts.apple.com/{id}"),
    _form("twitter", "social", "twitter.com www.twitter.com mobile.twitter.com x.com www.x.com",
          r"/\w{1,15}/status(?:es)?/(\d+)/?"),
    _form("instagram", "social", "www.instagram.com instagram.com", r"/(?:p|reel|tv)/([\w-]+)/?"),
    _form("tiktok", "social", "www.tiktok.com tiktok.com", r"/@[\w.-]+/video/(\d+)/?"),
    _form("facebook", "social", "www.facebook.com facebook.com m.facebook.com",
          r"/[\w.-]+/(?:posts|videos|photos)/[\w.:-]+/?|/watch/?|/permalink\.php"),
    _form("threads", "social", "www.threads.net threads.net", r"/@[\w.]+/post/([\w-]+)/?"),
    _form("bluesky", "social", "bsky.app", r"/profile/[\w.:-]+/post/(\w+)/?"),
    _form("reddit", "social", "www.reddit.com reddit.com", r"/r/\w+/comments/(\w+)(?:/[\w-]*)*/?"),
)


def media_page(url: str) -> MediaPage | None:
    """The media a page URL stands for, or None for any other address."""
    parts = split_url(url.strip())
    if parts is None or parts.scheme.lower() not in ("http", "https") or parts.username:
        return None
    host = (parts.hostname or "").lower()
    for form in PAGE_FORMS:
        matched = media_id_of(form.path, form.id_query, parts) if host in form.hosts else None
        if matched is not None:
            page = f"https://{host}{parts.path}" + (f"?{parts.query}" if parts.query else "")
            player = _player(form, matched[0], page)
            return MediaPage(form.provider, form.kind, matched[0], page, player)
    return None


def player_block(url: str) -> dict[str, object] | None:
    """A video or audio block for a page URL of a provider's player (a YouTube watch
    page, a Spotify episode), or None for any other address."""
    page = media_page(url)
    if page is None or page.player is None or page.kind == "social":
        return None
    if page.kind == "video":
        return {"kind": "video", "provider": page.provider, "video_id": page.media_id,
                "src": page.player, "title": ""}
    return {"kind": "audio", "provider": page.provider, "src": page.player}


def _player(form: PageForm, media_id: str | None, page: str) -> str | None:
    """The player's URL, only if the provider table accepts it as that provider's."""
    if form.player is None:
        return None
    player = form.player.format(id=media_id or "", url=quote(page, safe=""))
    known = frame_provider(player)
    return known.url if known is not None and known.provider.name == form.provider else None
