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
