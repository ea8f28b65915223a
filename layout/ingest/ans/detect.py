"""Telling an ANS story from the engine's own article JSON.

The two never overlap: an article names its blocks ``blocks`` and has no ``type``; an ANS
document is typed (``"type": "story"``) and versioned, with ``content_elements``.
"""

from __future__ import annotations

from typing import Any


def is_ans(data: Any) -> bool:
    """Whether decoded JSON is meant as an ANS story: typed ``story``, or carrying an ANS
    version ("0.x.y") together with ``content_elements`` (a story with a wrong type is
    still ANS, and is refused for its type rather than read as an article)."""
    if not isinstance(data, dict):
        return False
    if data.get("type") == "story":
        return True
    version = data.get("version")
    return isinstance(version, str) and version.startswith("0.") and "content_elements" in data
