"""An independent check that rendering lost no text.

Written apart from the engine on purpose: it parses the input and the output with lxml,
takes every text node a browser would show, drops all whitespace, and requires each input
text run to be found in the output after the previous one. Inserted units (ad labels, wall
text) are allowed between runs; a missing, duplicated-away or reordered run is not.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

# Elements whose text a scripting browser never shows.
NOT_SHOWN = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "applet",
        "title",
        "head",
    }
)


def shown_text_runs(html: str) -> list[str]:
    """The visible text nodes of a document or fragment, whitespace removed, in order."""
    if not html.strip():
        return []
    is_document = "<html" in html[:300].lower()
    root = lxml.html.fromstring(html if is_document else f"<div>{html}</div>")
    runs: list[str] = []
    hidden_depth = 0
    for event, node in etree.iterwalk(root, events=("start", "end")):
        hidden = isinstance(node.tag, str) and node.tag in NOT_SHOWN
        if event == "start":
            hidden_depth += hidden
            if hidden_depth == 0 and isinstance(node.tag, str):
                _add(runs, node.text)
        else:
            hidden_depth -= hidden
            if hidden_depth == 0 and node is not root:
                _add(runs, node.tail)
    return runs


def _add(runs: list[str], text: str | None) -> None:
    compact = "".join(text.split()) if text else ""
    if compact:
        runs.append(compact)


def missing_text(source_html: str, rendered_html: str) -> list[str]:
    """Input text runs not found, in order, in the output (empty when lossless)."""
    haystack = "".join(shown_text_runs(rendered_html))
    position = 0
    missing = []
    for run in shown_text_runs(source_html):
        found = haystack.find(run, position)
        if found < 0:
            missing.append(run)
        else:
            position = found + len(run)
    return missing


def article_json_source(data: dict[str, object]) -> str:
    """The reader-visible text of an article JSON document as one HTML string, in order.

    Built from the raw JSON (not the engine's model), so it can check the engine.
    """
    parts: list[str] = []
    for key in ("section", "headline", "dek"):
        if isinstance(data.get(key), str):
            parts.append(_escape(str(data[key])))
    parts += [_escape(str(point)) for point in data.get("summary", []) or []]  # type: ignore[union-attr]
    if isinstance(data.get("byline"), str):
        parts.append(_escape(str(data["byline"])))
    hero = data.get("hero")
    if isinstance(hero, dict):
        parts.append(_block_source(hero | {"kind": "image"}))
    for block in data.get("blocks", []) or []:  # type: ignore[union-attr]
        parts.append(_block_source(block))
    return "<div>" + "</div><div>".join(parts) + "</div>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _block_source(block: dict[str, object]) -> str:
    kind = block.get("kind")
    if kind == "image":
        return f"{block.get('caption') or ''} {_escape(str(block.get('credit') or ''))}"
    if kind == "list":
        return " ".join(f"<p>{item}</p>" for item in block.get("items", []))  # type: ignore[union-attr]
    if kind in ("video", "related"):
        return _escape(str(block.get("title") or ""))
    if kind == "quote":
        return f"{block.get('html', '')} {_escape(str(block.get('attribution') or ''))}"
    return str(block.get("html", ""))


# Media: every image, video, audio and frame source of the input, and every link around an
# image, must be somewhere in the output (an attribute of the page: a src, a poster, a
# player's data-player, a link's href). Only web URLs count (a data: URL may be refused);
# a frame of a pixel or two is a tracker, never shown. Compared without the scheme (a
# player is loaded over https whatever the markup said) and by presence, not order. A
# frame's player may be rebuilt from its media id (to start playing on the reader's
# click): its id, the last segment of its path, must then be in an output URL's path.
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src")
URL_ATTRIBUTES = ("src", "href", "poster", "data-player", "data-src")
_TRACKER = 2


def media_urls(html: str) -> list[str]:
    """The media URLs of an input (see above), in document order."""
    if not html.strip():
        return []
    root = lxml.html.fromstring(f"<div>{html}</div>")
    found: list[str] = []
    for node in root.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "img":
            candidates = [node.get("src"), *(node.get(name) for name in LAZY_SOURCES)]
            found += [next((url for url in candidates if _is_web(url)), "")]
            link = next(node.iterancestors("a"), None)
            if link is not None:
                found.append(link.get("href") or "")
        elif tag in ("video", "audio", "source") or (tag == "iframe" and not _is_tracker(node)):
            found.append(node.get("src") or "")
        elif "wp-block-embed__wrapper" in (node.get("class") or "").split():
            found.append(node.text_content().strip())
    return [url for url in found if _is_web(url)]


def missing_media(source_html: str, rendered_html: str) -> list[str]:
    """Media URLs of the input not found in the output (empty when none is lost)."""
    output = _output_urls(rendered_html)
    shown = {_comparable(url) for url in output}
    segments = {part for url in output for part in _path(url).split("/") if part}
    frames = {_comparable(node.get("src") or "") for node in _iframes(source_html)}
    missing = []
    for url in media_urls(source_html):
        key = _comparable(url)
        if key in shown or (key in frames and _media_id(url) in segments):
            continue
        missing.append(url)
    return missing


def _iframes(html: str) -> list[lxml.html.HtmlElement]:
    return list(lxml.html.fromstring(f"<div>{html}</div>").iter("iframe")) if html.strip() else []


def _path(url: str) -> str:
    rest = _comparable(url).split("?", 1)[0].split("#", 1)[0]
    return rest.split("/", 1)[1] if "/" in rest else ""


def _media_id(url: str) -> str:
    parts = [part for part in _path(url).split("/") if part]
    return parts[-1] if parts else url


def _output_urls(html: str) -> list[str]:
    root = lxml.html.fromstring(html if "<html" in html[:300].lower() else f"<div>{html}</div>")
    urls = []
    for node in root.iter():
        if isinstance(node.tag, str):
            urls += [node.get(name) or "" for name in URL_ATTRIBUTES]
            urls += [node.text_content().strip()] if node.tag == "a" else []
    return [url for url in urls if url]


def _is_web(url: str | None) -> bool:
    if not url or not url.strip() or " " in url.strip():
        return False
    scheme = url.strip().split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
    return scheme in ("", "http", "https")


def _is_tracker(frame: lxml.html.HtmlElement) -> bool:
    sizes = [frame.get(name, "").strip().removesuffix("px") for name in ("width", "height")]
    return any(size.isdigit() and int(size) <= _TRACKER for size in sizes)


def _comparable(url: str) -> str:
    url = url.strip()
    for prefix in ("https://", "http://", "//"):
        if url.lower().startswith(prefix):
            return url[len(prefix):]
    return url
