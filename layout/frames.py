"""The frame policy: which iframes may stay in an article, and with what powers.

An iframe loads another site's page into the reader's; from an untrusted body it could be
anything (a phishing form, a script-heavy tracker). Wherever it sits in the tree (a table
cell, a list item, a figure, a quote, a social-post blockquote, a definition list, a
``pre``), an iframe stays only when its src is the embed URL of a provider in
``embeds.FRAME_PROVIDERS``, and then with that provider's ``sandbox``, ``referrerpolicy``
and ``allow``, a title and lazy loading; every other attribute goes. Any other iframe is
replaced by a plain link to its src (a reader can still open what the article embedded,
nothing loads by itself), or dropped when it has no web URL or is a 1x1 tracking frame.

Body HTML and article JSON pass through the same function (a pass of ``repair``).
"""

from __future__ import annotations

from lxml import etree

from layout.embeds import FrameProvider, frame_provider, frame_src
from layout.markup import drop_keeping_tail
from layout.sanitize import is_safe_url
from layout.urls import split_url
from layout.values import ascii_int

Element = etree._Element

_KEPT = ("title", "width", "height")
_TRACKER_SIZE = 2  # a frame this small in either direction shows nothing


def vet_frames(root: Element) -> None:
    """Apply the frame policy to every iframe under ``root``, in place."""
    for iframe in list(root.iter("iframe")):
        src = frame_src(iframe.get("src", ""))
        found = frame_provider(src)
        if found is not None:
            _equip(iframe, found[0], src)
        else:
            _replace_by_link(iframe)


def _equip(iframe: Element, provider: FrameProvider, src: str) -> None:
    kept = {name: iframe.get(name) for name in _KEPT if iframe.get(name)}
    iframe.attrib.clear()
    policy = provider.policy
    iframe.set("src", src)
    iframe.set("title", kept.get("title") or f"Embedded {provider.kind} ({provider.name})")
    for name in ("width", "height"):
        if name in kept:
            iframe.set(name, kept[name] or "")
    iframe.set("sandbox", policy.sandbox)
    iframe.set("referrerpolicy", policy.referrerpolicy)
    if policy.allow:
        iframe.set("allow", policy.allow)
    iframe.set("loading", "lazy")
    iframe.text = None
    for child in list(iframe):
        iframe.remove(child)


def _replace_by_link(iframe: Element) -> None:
    """A link to what the frame showed, in its place; nothing when there is nothing to
    link to (no src, a script or data URL) or the frame was a tracking pixel."""
    original = (iframe.get("src") or "").strip()
    parts = split_url(original) if original else None
    tiny = any(
        (size := ascii_int(iframe.get(name))) is not None and size <= _TRACKER_SIZE
        for name in ("width", "height")
    )
    web = parts is not None and parts.scheme.lower() in ("http", "https", "")
    if not web or tiny or not is_safe_url(original) or parts is None:
        drop_keeping_tail(iframe)
        return
    link = etree.Element("a", href=original)
    link.text = (iframe.get("title") or "").strip() or parts.hostname or original
    link.tail = iframe.tail
    parent = iframe.getparent()
    if parent is not None:
        parent.replace(iframe, link)
