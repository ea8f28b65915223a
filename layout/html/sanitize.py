"""HTML sanitizing with nh3: where untrusted markup is cut down to an allowlist.

Three allowlists, from narrow to wide:

- ``INLINE``: phrasing content for text blocks (paragraph, heading, list item, caption);
- ``FLOW``: block content for raw-html, table and embed blocks;
- ``BODY``: what ingest lets through before it classifies a whole body fragment; it also
  keeps lazy-image attributes and classes (embed detection).

The wide lists, and the inline list as text blocks use it, keep iframes, with their raw
fallback text, for the frame policy that follows them (``frames``, through ``repair``):
only known providers' frames stay, as click-to-load cards. So ``clean_inline`` output
(frames dropped) is trusted as it is, while text-block markup is trusted only after
``repair.clean_inline_html``, block markup after ``repair.clean_block_html`` and a body
after ingest's repair; nothing else calls the cleaners that keep frames.

Markup reaches nh3 parsed and written out again by lxml (see ``_clean``), and markup nested
over the limit is refused (``MarkupTooDeep``) before nh3 sees it.

Obsolete HTML elements and attributes are left out so that the output stays valid HTML5.
Scripts, styles, event handlers and ``javascript:``/``vbscript:`` URLs never pass; ``data:``
URLs pass only as an image source.
"""

from __future__ import annotations

import re
from typing import Final

import nh3

from layout.html.elements import BLOCK, PHRASING
from layout.html.grammar import is_valid_data_image
from layout.html.markup import Element, inner_html, parse_fragment
from layout.html.text import strip_controls
from layout.limits import DEFAULT_LIMITS, Limits

# Elements whose content is never text a reader sees: removed with everything inside.
# ``noscript`` is a fallback that a scripting browser never shows, and ``iframe`` content is
# fallback text no current browser shows either.
DROPPED_WITH_CONTENT: Final = frozenset(
    [
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "applet",
        "frame",
        "frameset",
        "head",
        "title",
    ]
)

_GENERIC_ATTRIBUTES: Final = {"lang", "dir", "title"}
_TAG_ATTRIBUTES: Final = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "abbr": {"title"},
}
# Where lazy-loading scripts keep an image's real source, in the order they are read.
LAZY_SOURCES: Final = ("data-src", "data-original", "data-lazy-src")
_LAZY_IMAGE_ATTRIBUTES: Final = {*LAZY_SOURCES, "data-srcset"}
_IFRAME_ATTRIBUTES: Final = {"src", "title", "width", "height"}
# Players of the publisher's own media files: the body keeps them for ingest to read
# (their sources become a video or audio block); no other markup keeps them.
MEDIA_PLAYERS: Final = frozenset({"video", "audio", "source"})
_MEDIA_ATTRIBUTES: Final = {
    "video": {"src", "poster", "width", "height"},
    "audio": {"src"},
    "source": {"src", "type"},
}
# What the WordPress pass (``ingest.wordpress``) marks on the body for the walk to read.
_WORDPRESS_ATTRIBUTES: Final = {
    "div": {"data-wp-block", "data-wp-attrs", "data-wp-void"},
    "hr": {"data-wp-mark"},
}

_SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto", "tel"})
_URL_ATTRIBUTES: Final = frozenset(
    {"href", "src", "cite", "data-src", "data-original", "data-lazy-src", "poster"}
)
_SRCSET_ATTRIBUTES: Final = frozenset({"srcset", "data-srcset"})
_NUMBER_ATTRIBUTES: Final = frozenset({"width", "height", "colspan", "rowspan", "span", "start"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_DATA_IMAGE = re.compile(r"^\s*data:image/(png|gif|jpeg|webp|avif);", re.IGNORECASE)
_DIGITS = re.compile(r"^\s*(\d{1,5})(?:px)?\s*$")
# Controls and spaces, raw or percent-encoded: lxml writes a control it decoded from a
# character reference (``jav&#x09;ascript:``) percent-encoded, and a scheme is read with
# all of them taken out, as a browser's URL parser strips tabs and newlines.
_CONTROL = re.compile(r"(?:[\x00-\x20\x7f]|%[01][0-9a-fA-F]|%20|%7[fF])+")


# The common URLs, safe at a glance: a web scheme, a path, or no colon to end a scheme.
_PLAINLY_SAFE: Final = ("https://", "http://", "/", "#", "?", ".")


def is_safe_url(value: str, *, image: bool = False) -> bool:
    """A URL is safe if it is relative or uses a web scheme (``data:image`` for images)."""
    if value.startswith(_PLAINLY_SAFE) or ":" not in value:
        return True
    compact = _CONTROL.sub("", value)
    match = _SCHEME.match(compact)
    if match is None:
        return True
    if match.group(1).lower() in _SAFE_SCHEMES:
        return True
    return image and _DATA_IMAGE.match(compact) is not None and is_valid_data_image(compact)


def is_web_url(value: str) -> bool:
    """A URL a browser loads as a page or a file: relative, or http(s) (read as a browser
    reads it, controls and spaces taken out)."""
    match = _SCHEME.match(_CONTROL.sub("", value))
    return match is None or match.group(1).lower() in ("http", "https")


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Per-attribute check that nh3's scheme list cannot express on its own."""
    if attribute in _URL_ATTRIBUTES:
        image = element == "img" or attribute == "poster"
        return value if is_safe_url(value, image=image) else None
    if attribute in _SRCSET_ATTRIBUTES:
        candidates = [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
        return value if all(is_safe_url(url) for url in candidates) else None
    if attribute in _NUMBER_ATTRIBUTES:
        match = _DIGITS.match(value)
        return match.group(1) if match else None
    return value


# Every attribute ``_filter_attribute`` may change or remove.
_FILTERED_ATTRIBUTES: Final = frozenset(
    {*_URL_ATTRIBUTES, *_SRCSET_ATTRIBUTES, *_NUMBER_ATTRIBUTES}
)


def _filter_tree(root: Element, tags: tuple[str, ...]) -> None:
    """``_filter_attribute`` applied to a parsed tree, to the few attributes it may
    change, on the elements that may carry them (``tags``; all when it names "*"):
    cheaper than a call from nh3 into Python for every attribute of the body."""
    for element in root.iter(*tags) if "*" not in tags else root.iter():
        for name in element.keys():  # noqa: SIM118 (iterating an element gives its children)
            if name in _FILTERED_ATTRIBUTES:
                value = element.get(name, "")
                if name in _URL_ATTRIBUTES and value.startswith(_PLAINLY_SAFE):
                    continue  # most links: decided here, without two calls
                kept = _filter_attribute(element.tag, name, value)
                if kept is None:
                    del element.attrib[name]
                elif kept != value:
                    element.set(name, kept)


def _allowed_attributes(tags: frozenset[str],
                        extra: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """The attributes a cleaner keeps, by tag ("*": on every tag)."""
    attributes = {tag: set(names) for tag, names in _TAG_ATTRIBUTES.items() if tag in tags}
    attributes["*"] = set(_GENERIC_ATTRIBUTES)
    for tag, names in (extra or {}).items():
        attributes.setdefault(tag, set()).update(names)
    return attributes


def _cleaner(tags: frozenset[str], extra: dict[str, set[str]] | None = None,
             *, filtered: bool = True) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT - tags),
        attributes=_allowed_attributes(tags, extra),
        attribute_filter=_filter_attribute if filtered else None,
        url_schemes=set(_SAFE_SCHEMES) | {"data"},
        link_rel=None,
        strip_comments=True,
    )


_INLINE = _cleaner(PHRASING)
_INLINE_FRAMES = _cleaner(PHRASING | {"iframe"}, {"iframe": set(_IFRAME_ATTRIBUTES)})
# Iframes pass both wide cleaners only to meet the frame policy next (``frames``), which
# keeps those of known embed providers, sandboxed, and turns the rest into links.
_FLOW = _cleaner(PHRASING | BLOCK | {"iframe"}, {"iframe": set(_IFRAME_ATTRIBUTES)})
_BODY_TAGS: Final = PHRASING | BLOCK | MEDIA_PLAYERS | {"iframe"}
_BODY_EXTRA: Final = {
    "*": {"class"},
    "img": set(_LAZY_IMAGE_ATTRIBUTES),
    "iframe": set(_IFRAME_ATTRIBUTES),
    **_MEDIA_ATTRIBUTES,
    **_WORDPRESS_ATTRIBUTES,
}
# The body's attributes are filtered on the tree nh3's output is parsed into, not by nh3,
# on the elements the body keeps a filtered attribute on.
_BODY = _cleaner(_BODY_TAGS, _BODY_EXTRA, filtered=False)
_BODY_FILTERED_TAGS: Final = tuple(sorted(
    tag for tag, names in _allowed_attributes(_BODY_TAGS, _BODY_EXTRA).items()
    if names & _FILTERED_ATTRIBUTES
))


class MarkupTooDeep(ValueError):
    """Markup nested deeper than the limit, refused before nh3 spends its time on it."""

    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"markup nested at most {limit} elements deep")
        self.depth, self.limit = depth, limit


def _clean(cleaner: nh3.Cleaner, html: str, limits: Limits | None, *,
           stripped: bool = False) -> str:
    """nh3 over markup that lxml has parsed and written out again first.

    nh3's parser follows HTML5: it re-opens formatting elements left open (a ``<b>``
    never closed) in every block after them, so 4 kB of unclosed ``<b title=n>`` and
    ``<p>x`` grew to 1.5 MB, and its time grows with the square of the nesting depth.
    lxml's parser (libxml2) does neither: what it writes back is well-formed, every
    element closed where it nests, so nh3 has nothing to re-open, and the depth is
    measured on its tree before nh3 runs. nh3 then sanitizes the very structure lxml
    reads again afterwards, so no difference between the two parsers (say, in what an
    iframe's content is) can carry markup past it."""
    # Controls are stripped before cleaning and again after: a numeric character
    # reference such as "&#6;" only becomes a control character when a parser decodes it
    # (lxml or nh3). Without one in the stripped markup neither can make one (no named
    # reference stands for a control), so the second pass is needed only with one.
    if not stripped:
        html = strip_controls(html)
    references = "&#" in html
    if limits is not None and "<" in html:
        root = parse_fragment(html)
        depth = limits.depth_probe.over(root)
        if depth is not None:
            raise MarkupTooDeep(depth, limits.max_depth)
        html = inner_html(root)
    cleaned = cleaner.clean(html)
    return strip_controls(cleaned) if references else cleaned


# ``limits``: what the markup is measured against before nh3; None only for markup that lxml
# wrote from a tree already measured (a subtree of a body ingest has checked).


def clean_inline(html: str, *, limits: Limits | None = DEFAULT_LIMITS) -> str:
    """Sanitize phrasing markup, frames dropped: trusted as it is (a link's text, say)."""
    return _clean(_INLINE, html, limits)


def clean_inline_keeping_frames(html: str, *, limits: Limits | None = DEFAULT_LIMITS) -> str:
    """Sanitize phrasing markup for a text block (paragraph, heading, caption), iframes
    still in: ``repair.clean_inline_html`` adds the frame policy, and is what blocks use."""
    return _clean(_INLINE_FRAMES, html, limits)


def clean_flow(html: str, *, limits: Limits | None = DEFAULT_LIMITS) -> str:
    """Sanitize block markup for raw-html, table and embed blocks. Iframes are still in
    the result: ``repair.clean_block_html`` adds the frame policy, and is what blocks use."""
    return _clean(_FLOW, html, limits)


def sanitized_body(html: str, *, limits: Limits | None = DEFAULT_LIMITS,
                   stripped: bool = False) -> Element:
    """A whole body fragment sanitized and parsed, for ingest to classify (and repair):
    nh3 cuts it to the body's allowlist, and the attribute rules nh3 cannot express are
    applied to the parsed tree (one pass over the few attributes they concern).
    ``stripped``: the caller has taken the control characters out already (a pass over
    the whole body saved)."""
    root = parse_fragment(_clean(_BODY, html, limits, stripped=stripped))
    _filter_tree(root, _BODY_FILTERED_TAGS)
    return root


def clean_body(html: str, *, limits: Limits | None = DEFAULT_LIMITS) -> str:
    """``sanitized_body`` as markup."""
    return inner_html(sanitized_body(html, limits=limits))
