"""Captions: a figure's caption markup and a running time read from it."""

from __future__ import annotations

import re
from typing import Final

from layout.html.markup import text_of
from layout.ingest.recognize.base import Element
from layout.ingest.recognize.text import phrasing_markup

# "Title (02:30)", "Title - 1:02:03", "4:05": a running time at the end of a caption.
_RUNNING_TIME: Final = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\)?\s*$")


def figcaption_of(figure: Element) -> Element | None:
    return next(figure.iter("figcaption"), None)


def caption_markup(caption: Element | None) -> str | None:
    """A caption's phrasing markup (blocks inside it flattened), or None when empty."""
    if caption is None or not text_of(caption):
        return None
    return phrasing_markup(caption).strip() or None


def running_time(text: str) -> int | None:
    """Seconds of a running time at the end of ``text`` ("02:30" -> 150), or None."""
    found = _RUNNING_TIME.search(text)
    if found is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in found.groups())
    if seconds >= 60 or (hours and minutes >= 60):
        return None
    return hours * 3600 + minutes * 60 + seconds


def only_caption_text(figure: Element, caption: Element | None) -> bool:
    """True when the caption is the only text of the figure (nothing else to lose)."""
    return text_of(figure) == (text_of(caption) if caption is not None else "")
