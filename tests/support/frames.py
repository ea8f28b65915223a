"""An independent check of the frames a rendered page carries, written apart from
layout/html/providers.py on purpose, so that a mistake in the provider table cannot hide here.

A frame passes when its src is a URL a browser loads as written (no backslash, no dot
segment, plain or percent-encoded, for it to resolve into another path), over https, on a
host of this hand-kept list under one of that host's embed paths; and when it carries a
sandbox of player powers only (never top navigation, forms or modals), a referrer policy,
no srcdoc and no event handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

# Frames to put in bodies: a foreign one, a known player with attributes to strip, and
# look-alikes of a known player.
FOREIGN = '<iframe src="https://attacker.example/frame" title="Poll"></iframe>'
KNOWN = (
    '<iframe src="http://www.youtube.com/embed/LtOGa5M8AuU" width="560" height="315" '
    'frameborder="0" allowfullscreen onload="x()" srcdoc="&lt;b&gt;x&lt;/b&gt;"></iframe>'
)
TRICKS = [
    '<iframe src="//attacker.example/scheme-relative"></iframe>',
    '<iframe src="https://www.youtube.com.attacker.example/embed/LtOGa5M8AuU"></iframe>',
    '<iframe src="https://www.youtube.com@attacker.example/embed/LtOGa5M8AuU"></iframe>',
    '<iframe src="https://attacker.example/?u=https://www.youtube.com/embed/LtOGa5M8AuU">'
    "</iframe>",
    '<iframe src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
]
# Every container an iframe can hide in (the list, and more of the content model).
CONTAINERS = {
    "table": "<table><tbody><tr><td>{}</td></tr></tbody></table>",
    "table-caption": "<table><caption>{}</caption><tbody><tr><td>x</td></tr></tbody></table>",
    "list": "<ul><li>{}</li></ul>",
    "ordered-list": "<ol><li>{}</li></ol>",
    "figure": "<figure>{}<figcaption>Caption</figcaption></figure>",
    "blockquote": "<blockquote><p>Quoted</p>{}</blockquote>",
    "tweet": '<blockquote class="twitter-tweet"><p>Post</p>{}'
    '<a href="https://twitter.com/x/status/1">link</a></blockquote>',
    "definition-list": "<dl><dt>Term</dt><dd>{}</dd></dl>",
    "pre": "<pre>{}</pre>",
    "details": "<details><summary>More</summary>{}</details>",
    "paragraph": "<p>Text {} more text</p>",
    "div": "<div><section>{}</section></div>",
    "nested": "<ul><li><table><tbody><tr><td><blockquote>{}</blockquote></td></tr></tbody>"
    "</table></li></ul>",
}

# Embed hosts and the path prefixes their players live under.
EMBED_PATHS: Mapping[str, tuple[str, ...]] = {
    "www.youtube.com": ("/embed/",),
    "youtube.com": ("/embed/",),
    "www.youtube-nocookie.com": ("/embed/",),
    "youtube-nocookie.com": ("/embed/",),
    "player.vimeo.com": ("/video/",),
    "www.dailymotion.com": ("/embed/video/",),
    "dailymotion.com": ("/embed/video/",),
    "geo.dailymotion.com": ("/player",),
    "cdn.jwplayer.com": ("/players/",),
    "content.jwplatform.com": ("/players/",),
    "players.brightcove.net": ("/",),
    "open.spotify.com": ("/embed/",),
    "w.soundcloud.com": ("/player",),
    "embed.podcasts.apple.com": ("/",),
    "platform.twitter.com": ("/embed/Tweet.html",),
    "www.instagram.com": ("/p/", "/reel/", "/tv/"),
    "www.tiktok.com": ("/embed/", "/player/v1/"),
    "www.facebook.com": ("/plugins/post.php", "/plugins/video.php"),
    "www.google.com": ("/maps/embed",),
    "maps.google.com": ("/maps/embed",),
    "datawrapper.dwcdn.net": ("/",),
    "flo.uri.sh": ("/visualisation/", "/story/"),
}
PLAYER_POWERS = frozenset(
    {"allow-scripts", "allow-same-origin", "allow-popups", "allow-popups-to-escape-sandbox",
     "allow-presentation"}
)
REFERRER_POLICIES = frozenset({"strict-origin-when-cross-origin", "strict-origin", "no-referrer"})
_DOT = {".", "%2e"}
_DOTS = {"..", ".%2e", "%2e.", "%2e%2e"}


def browser_path(path: str) -> str:
    """A URL path as a browser resolves it: backslashes are slashes, and dot segments
    (also percent-encoded) are removed."""
    out: list[str] = []
    segments = path.replace("\\", "/").split("/")
    for segment in segments[1:]:
        lowered = segment.lower()
        if lowered in _DOTS:
            if out:
                out.pop()
        elif lowered not in _DOT:
            out.append(segment)
    resolved = "/" + "/".join(out)
    if segments[-1].lower() in _DOT | _DOTS and not resolved.endswith("/"):
        resolved += "/"  # a path ending in a dot segment names a folder
    return resolved


def embed_src_problem(src: str) -> str | None:
    """Why a browser would not load ``src`` as one of the listed players, or None."""
    parts = urlsplit(src)
    if parts.scheme != "https" or "\\" in src or any(c.isspace() for c in src):
        return f"not a plain https URL: {src!r}"
    if parts.username or parts.password or parts.port:
        return f"credentials or a port: {src!r}"
    if browser_path(parts.path) != parts.path:
        return f"a path a browser rewrites: {src!r}"
    prefixes = EMBED_PATHS.get(parts.netloc)
    if prefixes is None or not parts.path.startswith(prefixes):
        return f"not a listed embed host and path: {src!r}"
    return None


def card_problem(attributes: Mapping[str, str | None]) -> str | None:
    """Why a click-to-load card (a button with ``data-player``) would load something the
    policy forbids, or None: its player URL and the frame attributes it gives."""
    problem = embed_src_problem(attributes.get("data-player") or "")
    if problem is not None:
        return f"card of an unknown origin: {problem}"
    sandbox = attributes.get("data-sandbox")
    if sandbox is None or not sandbox.split() or not set(sandbox.split()) <= PLAYER_POWERS:
        return f"card without a player's sandbox: {sandbox!r}"
    if attributes.get("data-referrerpolicy") not in REFERRER_POLICIES:
        return f"card without a referrer policy: {attributes.get('data-referrerpolicy')!r}"
    return None


def page_frame_problems(root: Any) -> list[str]:
    """Every frame and every click-to-load card of a parsed page (lxml) that breaks the
    policy."""
    found = [frame_problem(el.tag, dict(el.attrib))
             for el in root.iter("iframe", "frame", "embed", "object", "portal")]
    found += [card_problem(dict(el.attrib)) for el in root.iter("button")
              if el.get("data-player") is not None]
    return [problem for problem in found if problem is not None]


def frame_problem(tag: str, attributes: Mapping[str, str | None]) -> str | None:
    """Why a frame element of a page breaks the frame policy, or None."""
    if tag.lower() != "iframe":
        return f"a {tag.lower()} element"
    problem = embed_src_problem(attributes.get("src") or "")
    if problem is not None:
        return f"frame of an unknown origin: {problem}"
    sandbox = attributes.get("sandbox")
    if sandbox is None or not set(sandbox.split()) <= PLAYER_POWERS:
        return f"frame without a player's sandbox: {sandbox!r}"
    if attributes.get("referrerpolicy") not in REFERRER_POLICIES:
        return f"frame without a referrer policy: {attributes.get('referrerpolicy')!r}"
    if attributes.get("srcdoc") is not None:
        return "frame with srcdoc"
    handlers = [name for name in attributes if name.lower().startswith("on")]
    return f"frame with handlers {handlers}" if handlers else None
