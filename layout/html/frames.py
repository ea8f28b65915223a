"""The frame policy: which iframes may stay in an article, and with what powers.

An iframe loads another site's page into the reader's; from an untrusted body it could be
anything (a phishing form, a script-heavy tracker). Wherever it sits (a paragraph, a
heading, a caption, a table cell, a list item, a figure, a quote, a social-post
blockquote, a definition list, a ``pre``), a frame stays only when its src is an embed
URL of a provider in ``embeds.FRAME_PROVIDERS``, and then as a click-to-load card: a
button holding the URL the table rebuilds, the provider's ``sandbox``, ``referrerpolicy``
and ``allow``, the frame's title and size, which the theme's script turns into the frame
when the reader asks for it.
Any other iframe is replaced by a plain link to its src (a reader can still open what the
article embedded; nothing loads by itself), or by nothing when it has no web URL or is a
1x1 tracking frame.

Body HTML and article JSON pass through the same two steps: ``vet_frames`` (a pass of
``repair``) keeps only known providers' frames, and ``frames_to_cards`` turns them into
cards once ingest has read them; ``repair.clean_block_html`` and
``repair.clean_inline_html`` do both for article JSON's markup fields.
"""

from __future__ import annotations

from lxml import etree

from layout.html.markup import drop_keeping_tail, inner_html, parse_fragment
from layout.html.providers import EmbedMatch, default_frame_title, frame_provider
from layout.html.sanitize import is_safe_url
from layout.html.urls import split_url
from layout.html.values import ascii_int

Element = etree._Element

# The link that stands for a frame of an unknown origin: marked, so that ingest never
# takes it for an editor's related-article link, and not followed by search engines.
FRAME_LINK_CLASS = "frame-link"
# The click-to-load card that stands for a known provider's frame.
FRAME_CARD_CLASS = "frame-play"
_TRACKER_SIZE = 2  # a frame this small in either direction shows nothing


def vet_frames(root: Element) -> None:
    """Apply the frame policy to every iframe under ``root``, in place: a known
    provider's frame is left as an iframe of the rebuilt URL, its title and size only, for
    ingest to recognise (a video player becomes a video card); any other is replaced."""
    for iframe in list(root.iter("iframe")):
        found = frame_provider(iframe.get("src", ""))
        if found is None:
            _replace_by_link(iframe)
            continue
        kept = {name: iframe.get(name) for name in ("title", "width", "height")}
        iframe.attrib.clear()
        iframe.set("src", found.url)
        for name, value in kept.items():
            if value:
                iframe.set(name, value)
        iframe.text = None
        for child in list(iframe):
            iframe.remove(child)


def frames_to_cards(root: Element) -> None:
    """Every (vetted) iframe left under ``root`` becomes a click-to-load card: a button
    that carries the provider's URL and policy, which the theme's script turns into the
    sandboxed frame on a click.

    A frame loads nothing before the reader asks for it (no third-party request before
    consent), and a page never holds a frame with both ``allow-scripts`` and
    ``allow-same-origin``, which the HTML checker refuses although a cross-origin player
    needs both."""
    for iframe in list(root.iter("iframe")):
        found = frame_provider(iframe.get("src", ""))
        if found is None:  # not vetted: never left as a frame
            _replace_by_link(iframe)
        else:
            _to_card(iframe, found)


def cards_in_markup(html: str) -> str:
    """``frames_to_cards`` on serialized markup (a block's), parsed only if it has frames."""
    if "<iframe" not in html:
        return html
    root = parse_fragment(html)
    frames_to_cards(root)
    return inner_html(root)


def _to_card(iframe: Element, found: EmbedMatch) -> None:
    title = (iframe.get("title") or "").strip() or default_frame_title(found.provider)
    if next(iframe.iterancestors("a", "button"), None) is not None:
        _replace(iframe, etree.Element("span"), title)  # no control inside a control
        return
    policy = found.provider.policy
    card = etree.Element("button", {
        "type": "button",
        "class": FRAME_CARD_CLASS,
        "data-player": found.url,
        "data-title": title,
        "data-sandbox": policy.sandbox,
        "data-referrerpolicy": policy.referrerpolicy,
        "data-allow": policy.allow,
    })
    for name in ("width", "height"):
        size = ascii_int(iframe.get(name), maximum=10_000)
        if size:
            card.set(f"data-{name}", str(size))
    _replace(iframe, card, f"Load the embedded {found.provider.kind}: {title}")


def _replace(iframe: Element, stand_in: Element, text: str) -> None:
    stand_in.text = text
    stand_in.tail = iframe.tail
    parent = iframe.getparent()
    if parent is not None:
        parent.replace(iframe, stand_in)


def _replace_by_link(iframe: Element) -> None:
    """A link to what the frame showed, in its place (plain text inside another link,
    which cannot hold one); nothing when there is nothing to link to (no src, a script
    or data URL) or the frame was a tracking pixel."""
    original = (iframe.get("src") or "").strip()
    parts = split_url(original) if original else None
    tiny = any(
        (size := ascii_int(iframe.get(name))) is not None and size <= _TRACKER_SIZE
        for name in ("width", "height")
    )
    web = parts is not None and parts.scheme.lower() in ("http", "https", "")
    if parts is None or not web or tiny or not is_safe_url(original):
        drop_keeping_tail(iframe)
        return
    label = (iframe.get("title") or "").strip() or parts.hostname or original
    if next(iframe.iterancestors("a", "button"), None) is not None:
        _replace(iframe, etree.Element("span"), label)  # a link cannot hold a link
        return
    link = etree.Element("a", {"href": original, "class": FRAME_LINK_CLASS, "rel": "nofollow"})
    _replace(iframe, link, label)
