"""An independent oracle for ANS stories: what a reader must find on the page.

Written from the ANS specification apart from the engine's models and mapping: it walks
the raw JSON and lists the reader-visible text (as one HTML string, for
``lossless.missing_text``) and the media URLs and links, in document order.

What is visible, by element type: the markup of text, header, blockquote and raw HTML
elements; the plain text of a header's headline, subheadline and description, a link's
title, a correction, an endorsement, code; an image's subtitle, caption and credited names;
a table's cells; a quote's elements and its citation; the markup of an oEmbed response.
Media: image, video stream, poster and audio URLs, link URLs, and the links and images in
every markup field. ANS fields that are metadata (tags, keywords, transcripts, a link's
description, an element's id) are not expected on the page.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import lxml.html

Visible = tuple[list[str], list[str]]  # HTML pieces, URLs


def story_expectations(story: dict[str, Any]) -> Visible:
    """The visible HTML pieces and the URLs of a whole story, in page order."""
    pieces: list[str] = []
    urls: list[str] = []
    taxonomy = story.get("taxonomy") or {}
    for section in [taxonomy.get("primary_section"), *taxonomy.get("sections", [])]:
        if isinstance(section, dict) and section.get("name"):
            pieces.append(_text(section["name"]))
            break
    for key in ("headlines", "subheadlines", "description"):
        pieces.append(_text(_basic(story.get(key))))
    pieces += [_text(name) for name in _names(story.get("credits"))]
    promo = (story.get("promo_items") or {}).get("basic")
    if isinstance(promo, dict) and promo.get("type") == "image":
        _add(pieces, urls, _image(promo))
    for element in story.get("content_elements", []):
        _add(pieces, urls, element_expectations(element))
    for note in story.get("corrections", []):
        pieces.append(_text(note.get("text")))
    return [piece for piece in pieces if piece], urls


def element_expectations(element: Any) -> Visible:
    if not isinstance(element, dict):
        return [], []
    reader = _READERS.get(str(element.get("type")), _unknown)
    return reader(element)


def _add(pieces: list[str], urls: list[str], found: Visible) -> None:
    pieces += found[0]
    urls += found[1]


def _text(value: Any) -> str:
    return html.escape(value) if isinstance(value, str) else ""


def _basic(value: Any) -> Any:
    return value.get("basic") if isinstance(value, dict) else None


def _names(credits: Any) -> list[str]:
    people = (credits or {}).get("by", []) if isinstance(credits, dict) else []
    return [p["name"] for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]


def markup_links(markup: Any) -> list[str]:
    """The link targets and image sources written in a piece of markup."""
    if not isinstance(markup, str) or "<" not in markup:
        return []
    root = lxml.html.fromstring(f"<div>{markup}</div>")
    return [value for node in root.iter("a", "img")
            if (value := node.get("href") or node.get("src")) and value.startswith("http")]


def _markup(element: dict[str, Any], key: str = "content") -> Visible:
    value = element.get(key)
    return ([value] if isinstance(value, str) else []), markup_links(value)


def _image(element: dict[str, Any]) -> Visible:
    pieces = [_text(element.get("subtitle")), *_markup(element, "caption")[0]]
    pieces += [_text(name) for name in _names(element.get("credits"))]
    urls = [element["url"]] if element.get("url") else []
    return pieces, urls + markup_links(element.get("caption"))


def _gallery(element: dict[str, Any]) -> Visible:
    pieces = [_text(_basic(element.get("headlines"))), _text(_basic(element.get("description")))]
    urls: list[str] = []
    for item in element.get("content_elements", []):
        if item.get("type") == "image":
            _add(pieces, urls, _image(item))
    return pieces, urls


def _video(element: dict[str, Any]) -> Visible:
    pieces = [_text(_basic(element.get("headlines"))), _text(_basic(element.get("description")))]
    urls = [s["url"] for s in element.get("streams", []) if s.get("url")]
    promo = (element.get("promo_items") or {}).get("basic") or element.get("promo_image")
    if isinstance(promo, dict) and promo.get("url") and urls:
        urls.append(promo["url"])
    return pieces, urls


def _audio(element: dict[str, Any]) -> Visible:
    pieces = [_text(_basic(element.get("headlines"))), _text(_basic(element.get("description")))]
    urls = [s["url"] for s in element.get("streams", [])]
    return pieces, urls + ([element["source_url"]] if element.get("source_url") else [])


def _children(key: str) -> Callable[[dict[str, Any]], Visible]:
    def read(element: dict[str, Any]) -> Visible:
        pieces: list[str] = []
        urls: list[str] = []
        for child in element.get(key, []):
            _add(pieces, urls, element_expectations(child))
        if isinstance(element.get("citation"), dict):
            _add(pieces, urls, _markup(element["citation"]))
        return pieces, urls

    return read


def _table(element: dict[str, Any]) -> Visible:
    pieces: list[str] = []
    urls: list[str] = []
    for cell in [*element.get("header", []), *(c for row in element["rows"] for c in row)]:
        _add(pieces, urls, _markup(cell))
    return pieces, urls


def _link(element: dict[str, Any]) -> Visible:
    return [_text(element.get("content"))], [element["url"]]


def _link_list(element: dict[str, Any]) -> Visible:
    pieces, urls = [_text(element.get("title"))], list[str]()
    for item in element["items"]:
        _add(pieces, urls, _link(item) if item["type"] == "interstitial_link" else _markup(item))
    return pieces, urls


def _rating(element: dict[str, Any]) -> Visible:
    return [f"{element['numeric_rating']:g}", _text(element.get("units"))], []


def _reference(element: dict[str, Any]) -> Visible:
    target = element["referent"]["id"]
    return [], [target] if target.startswith("http") else []


def _unknown(element: dict[str, Any]) -> Visible:
    if isinstance(element.get("content"), str):
        return _markup(element)
    return [_text(element.get(key)) for key in ("text", "title", "caption")], []


_READERS: dict[str, Callable[[dict[str, Any]], Visible]] = {
    "text": _markup,
    "header": _markup,
    "blockquote": _markup,
    "raw_html": _markup,
    "code": lambda e: ([_text(e["content"])], []),
    "correction": lambda e: ([_text(e["text"])], []),
    "endorsement": lambda e: ([_text(e["endorsement"])], []),
    "numeric_rating": _rating,
    "image": _image,
    "gallery": _gallery,
    "video": _video,
    "audio": _audio,
    "list": _children("items"),
    "quote": _children("content_elements"),
    "element_group": _children("content_elements"),
    "table": _table,
    "interstitial_link": _link,
    "link_list": _link_list,
    "oembed_response": lambda e: _markup(e.get("raw_oembed") or {}, "html"),
    "custom_embed": lambda e: ([], [e["embed"]["url"]]),
    "reference": _reference,
    "divider": lambda e: ([], []),
    "content_zone": lambda e: ([], []),
}


def page_urls(rendered: str) -> set[str]:
    """Every URL the rendered page points at: links, sources, posters, players."""
    root = lxml.html.fromstring(rendered)
    found = set()
    for node in root.iter():
        for name in ("href", "src", "poster", "data-player"):
            value = node.get(name) if isinstance(node.tag, str) else None
            if value:
                found.add(value)
    return found
