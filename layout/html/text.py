"""Text hygiene: the characters HTML forbids (C0 controls but whitespace, DEL, the
noncharacters U+FFFE and U+FFFF, lone surrogates) taken out of every text the engine reads.

They are invisible, invalid in an HTML document and refused by lxml; a lone surrogate
(from a JSON escape) cannot even be encoded, so it becomes U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any, Final

_FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# The same characters as bytes of UTF-8: a C0 control or DEL is one byte there and never
# part of a longer sequence, and U+FFFE/U+FFFF have fixed three-byte forms (EF BF BE/BF).
_FORBIDDEN_BYTES: Final = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _is_clean(text: str) -> bool:
    """True when ``text`` has nothing to strip: the common case, decided in C-speed passes
    (encoding fails on a lone surrogate; deleting controls from the bytes changes the length)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    if len(data.translate(None, _FORBIDDEN_BYTES)) != len(data):
        return False
    return b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data


def strip_controls(text: str) -> str:
    """Remove control characters: invisible, invalid in HTML and refused by lxml.
    A lone surrogate (from a JSON escape) cannot be encoded at all: it becomes U+FFFD."""
    if _is_clean(text):
        return text
    text = _FORBIDDEN_CHARACTERS.sub("", text)
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def scrub(value: Any) -> Any:
    """``strip_controls`` applied to every string inside decoded JSON (keys too).

    A copy is built with a stack of its own, so no nesting depth can exhaust Python's;
    of two keys that become equal, the later one's value is kept, as in a dict display.
    """
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(holder, 0, value)]
    while stack:
        parent, key, item = stack.pop()
        if isinstance(item, str):
            parent[key] = strip_controls(item)
        elif isinstance(item, dict):
            copy: dict[Any, Any] = {}
            parent[key] = copy
            pairs = [(strip_controls(k) if isinstance(k, str) else k, v) for k, v in item.items()]
            for clean_key, _ in pairs:
                copy[clean_key] = None  # the order of the keys, as given
            stack.extend((copy, clean_key, child) for clean_key, child in reversed(pairs))
        elif isinstance(item, list):
            items: list[Any] = [None] * len(item)
            parent[key] = items
            stack.extend((items, index, child) for index, child in enumerate(item))
        else:
            parent[key] = item
    return holder[0]
