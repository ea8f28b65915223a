"""Keeping a preview page on loopback: external images become local placeholders of the
same proportions, and the preview's own scripts and styles are added to the page.

The placeholder keeps the image's width and height, so the layout (and the height the
engine estimated) is what the real image would give.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlencode

from layout.html.values import ascii_int

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'\s(src|srcset|width|height)="([^"]*)"', re.IGNORECASE)
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_LIBRARY = re.compile(r'<script async src="https?://[^"]*"></script>\n?')

PREVIEW_HEAD = (
    '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/static/overlay.css">\n'
)
PREVIEW_ASSETS = (
    '<script src="/static/stubs.js" defer></script>\n'
    '<script src="/static/overlay.js" defer></script>\n'
    '<script src="/static/reload.js" defer></script>\n'
)


def placeholder_url(width: str | None, height: str | None) -> str:
    w = str(ascii_int(width, maximum=4000) or 16)
    h = str(ascii_int(height, maximum=4000) or 9)
    return "/stub-image?" + urlencode({"w": w, "h": h})


def _localize_image(match: re.Match[str]) -> str:
    tag = match.group(0)
    attrs = {name.lower(): value for name, value in _ATTR.findall(tag)}
    if not _EXTERNAL.match(attrs.get("src", "")):
        return tag
    tag = re.sub(r'\ssrcset="[^"]*"', "", tag)
    width, height = attrs.get("width"), attrs.get("height")
    local = escape(placeholder_url(width, height))
    tag = re.sub(r'\ssrc="[^"]*"', f' src="{local}"', tag, count=1)
    if not (width and height):
        # Without dimensions the browser cannot reserve the space before the placeholder
        # loads; give it the 16:9 the engine estimated with, so nothing shifts.
        tag = re.sub(r'\s(?:width|height)="[^"]*"', "", tag)
        tag = tag[:4] + ' width="16" height="9"' + tag[4:]
    return tag


def offline_page(html: str) -> str:
    """The rendered page with no external request left and the preview assets added."""
    html = _IMG.sub(_localize_image, html)
    html = _LIBRARY.sub("", html)
    # Styles go in the head: a stylesheet arriving after first paint could move content.
    html = html.replace("</head>", PREVIEW_HEAD + "</head>", 1)
    return html.replace("</body>", PREVIEW_ASSETS + "</body>", 1)


def placeholder_svg(width: int, height: int, label: str = "") -> str:
    text = escape(label or f"{width}×{height}")
    font = max(8, min(width, height) // 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#d8dde3"/>'
        f'<text x="50%" y="50%" font-family="sans-serif" font-size="{font}" '
        f'fill="#56606b" text-anchor="middle" dominant-baseline="middle">{text}</text></svg>'
    )
