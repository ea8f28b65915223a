"""Editor's notes: the lines at the end (or top) of a story that are about the story, not
part of it: "Additional reporting by ...", corrections, clarifications, editor's notes."""

from __future__ import annotations

import re
from typing import Final

from layout.html.markup import inner_html, text_of
from layout.ingest.recognize.base import BlockData, Context, Element, classes
from layout.ingest.recognize.text import is_phrasing_only

_LEADS: Final = re.compile(
    r"^\s*(?:\(|\[)?\s*(?:additional reporting|reporting|writing|editing|edited|compiled|"
    r"research|with reporting) by\b"
    r"|^\s*(?:correction|clarification|editor['\u2019]?s note|update|updated|note)"
    r"\s*[:\u2014\u2013-]",
    re.IGNORECASE,
)
_NOTE_CLASSES: Final = frozenset(
    {"note", "editor-note", "editors-note", "correction", "clarification", "article-note",
     "story-note", "tagline"}
)


def editor_note(element: Element, context: Context) -> BlockData | None:
    marked = bool(classes(element) & _NOTE_CLASSES)
    lead = (element.text or "").strip() or (text_of(element[0]) if len(element) else "")
    if not (marked or _LEADS.match(lead)) or not is_phrasing_only(element):
        return None
    text = text_of(element)
    if not text or len(text) > 600 or not (marked or _LEADS.match(text)):
        return None
    return {"kind": "note", "html": inner_html(element).strip()}
