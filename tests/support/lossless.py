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
NOT_SHOWN = frozenset({"script", "style", "template", "noscript", "iframe", "object", "embed",
                       "applet", "title", "head"})


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
